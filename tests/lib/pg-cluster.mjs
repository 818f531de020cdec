// pg-cluster.mjs - one throwaway PostgreSQL cluster for a whole test run
// (tests/run.sh): starts it, makes a template database (migrated, the demo
// seeded by a server started once with --demo), prints one line
// "BF_TEST_PG=<json>" for the suites (tests/lib/server.mjs attaches to it
// and gives each server a copy of the template, or an empty database when
// it asks for one), and stops it and removes its folder when its stdin
// closes or it gets SIGTERM. A copy takes a fraction of a second where
// migrating and seeding take two or three, for each of some fifty servers.
import { spawn, execFileSync } from 'node:child_process';
import { startPg } from './pg.mjs';
import { BIN } from './server.mjs';

const pg = await startPg();
const template = 'bf_demo_template';
const owner = pg.createDb(template);
execFileSync(BIN, ['migrate', '--db', owner], { stdio: 'ignore' });
await new Promise((resolve, reject) => {
  const p = spawn(BIN, ['serve', '--db', pg.appUrl(owner), '--port', '0', '--threads', '1', '--demo', '--quiet'],
    { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  p.stderr.on('data', (d) => {
    err += d;
    if (/listening on/.test(err)) p.kill('SIGTERM');
  });
  p.on('exit', (code) => (/listening on/.test(err) && code === 0 ? resolve() : reject(new Error(`demo seeding: ${err}`))));
});
process.stdout.write(`BF_TEST_PG=${JSON.stringify({ ...pg.info, template })}\n`);
const stop = async () => { await pg.stop(); process.exit(0); };
process.stdin.on('end', stop);
process.stdin.on('close', stop);
process.stdin.resume();

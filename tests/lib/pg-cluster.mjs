// pg-cluster.mjs - one throwaway PostgreSQL cluster for a whole test run
// (tests/run.sh): starts it, prints one line "BF_TEST_PG=<json>" for the
// suites (tests/lib/server.mjs attaches to it and makes a database per
// server), and stops it and removes its folder when its stdin closes or
// it gets SIGTERM.
import { startPg } from './pg.mjs';

const pg = await startPg();
process.stdout.write(`BF_TEST_PG=${JSON.stringify(pg.info)}\n`);
const stop = async () => { await pg.stop(); process.exit(0); };
process.stdin.on('end', stop);
process.stdin.on('close', stop);
process.stdin.resume();

// cli.test.mjs - the command line: flags, exit codes, adduser/passwd over
// standard input, --demo refusal, schema version checks, clean SIGTERM.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, run } from '../lib/t.mjs';
import { runBin, Client, sql, PG } from '../lib/server.mjs';

const dir = mkdtempSync(join(tmpdir(), 'bf-cli-'));
/* A new empty database: a file, or on the PostgreSQL pass a fresh database. */
const made = [];
const fresh = (name) => {
  if (!PG) return join(dir, `${name}.db`);
  const url = PG.createDb(`t${process.pid}_cli_${name}`);
  made.push(url);
  return url;
};
const db = fresh('cli');

test('--version and --help', () => {
  const v = runBin(['--version']);
  assert.equal(v.code, 0);
  assert.match(v.stdout, /^bostadforst \d+\.\d+\.\d+/);
  const h = runBin(['--help']);
  assert.equal(h.code, 0);
  for (const cmd of ['serve', 'migrate', 'adduser', 'passwd']) {
    assert.match(h.stdout, new RegExp(cmd));
    const ch = runBin([cmd, '--help']);
    assert.equal(ch.code, 0, `${cmd} --help`);
    assert.match(ch.stdout, /^usage: bostadforst /);
  }
});

test('bad flags: clear message, exit 2', () => {
  const cases = [[], ['frobnicate'], ['serve'], ['serve', '--db'], ['serve', '--db', db, '--port', 'x'],
    ['serve', '--db', db, '--threads', '0'], ['serve', '--bogus'], ['migrate'], ['adduser', '--db', db],
    ['adduser', '--db', db, '--username', 'a b', '--role', 'admin'], ['adduser', '--db', db, '--username', 'ab', '--role', 'king'],
    ['adduser', '--db', db, '--username', 'ab', '--role', 'socialsekreterare'], ['passwd', '--db', db],
    ['serve', '--db', db, '--trusted-proxy', 'proxy.example'], ['serve', '--db', db, '--trusted-proxy', '127.0.0.1,10.0.0.0/33'],
    ['serve', '--db', db, '--trusted-proxy', '127.0.0.1', '--trusted-proxy', ''], ['serve', '--db', db, '--login-delay-base-ms', '0'],
    ['serve', '--db', db, '--login-account-limit', 'x'], ['serve', '--db', db, '--login-address-limit', '0']];
  for (const args of cases) {
    const r = runBin(args);
    assert.equal(r.code, 2, `${args.join(' ')} -> ${r.code}`);
    assert.match(r.stderr, /bostadforst: /, `${args.join(' ')} explains`);
  }
});

test('migrate creates the schema and is idempotent', () => {
  const a = runBin(['migrate', '--db', db]);
  assert.equal(a.code, 0, a.stderr);
  assert.match(a.stdout, /1 migration applied|\d+ migrations applied/);
  const b = runBin(['migrate', '--db', db]);
  assert.match(b.stdout, /0 migrations applied/);
  assert.deepEqual(sql(db, 'SELECT count(*) AS n FROM audit'), [{ n: 0 }], 'the audit table is there');
});

test('adduser reads the password from stdin; creates the district; audit row', () => {
  const r = runBin(['adduser', '--db', db, '--username', 'anna', '--role', 'socialsekreterare',
    '--district', 'Majorna', '--name', 'Anna Svensson'], 'ett bra lösenord\n');
  assert.equal(r.code, 0, r.stderr);
  const row = sql(db, "SELECT u.name, u.role, d.name AS district FROM users u JOIN districts d ON d.id = u.district_id WHERE username = 'anna'");
  assert.deepEqual(row, [{ name: 'Anna Svensson', role: 'socialsekreterare', district: 'Majorna' }]);
  assert.equal(sql(db, "SELECT count(*) AS n FROM audit WHERE action = 'create' AND entity = 'user'")[0].n, 1);
  const dup = runBin(['adduser', '--db', db, '--username', 'anna', '--role', 'admin'], 'ett bra lösenord\n');
  assert.equal(dup.code, 1);
  assert.match(dup.stderr, /already exists/);
  const weak = runBin(['adduser', '--db', db, '--username', 'bert', '--role', 'admin'], 'kort\n');
  assert.equal(weak.code, 1);
  assert.match(weak.stderr, /minst 12 tecken/);
  assert.equal(sql(db, "SELECT count(*) AS n FROM users WHERE username = 'bert'")[0].n, 0);
});

test('--demo is refused on a database with real users', async () => {
  const r = runBin(['serve', '--db', db, '--port', '0', '--demo']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--demo refused/);
});

test('passwd changes the password; the server accepts it', async () => {
  const r = runBin(['passwd', '--db', db, '--username', 'anna'], 'ett annat lösenord\n');
  assert.equal(r.code, 0, r.stderr);
  const unknown = runBin(['passwd', '--db', db, '--username', 'nobody'], 'ett annat lösenord\n');
  assert.equal(unknown.code, 1);
});

test('serve refuses a database from a newer program, and an unmigrated one', () => {
  const newer = fresh('newer');
  runBin(['migrate', '--db', newer]);
  sql(newer, "INSERT INTO schema_migrations VALUES (999, 'future.sql', 0)");
  const r = runBin(['serve', '--db', newer, '--port', '0']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /newer than this program/);
  const empty = runBin(['serve', '--db', fresh('empty'), '--port', '0']);
  assert.equal(empty.code, 1);
  assert.match(empty.stderr, /run: bostadforst migrate/);
});

test('a server on the CLI database serves the new user; SIGTERM exits 0', async () => {
  const { spawn } = await import('node:child_process');
  const { BIN } = await import('../lib/server.mjs');
  const p = spawn(BIN, ['serve', '--db', db, '--port', '0', '--quiet'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  const port = await new Promise((res, rej) => {
    p.stderr.on('data', (d) => { err += d; const m = /:(\d+) \(/.exec(err); if (m) res(Number(m[1])); });
    p.on('exit', (c) => rej(new Error('exited ' + c + err)));
  });
  p.removeAllListeners('exit');
  const c = new Client(`http://127.0.0.1:${port}`);
  assert.equal((await c.login('anna', 'ett annat lösenord')).status, 303);
  const done = new Promise((res) => p.on('exit', (code) => res(code)));
  p.kill('SIGINT');
  assert.equal(await done, 0);
  assert.match(err, /stopped/);
  assert.doesNotMatch(err, /GET \//, '--quiet: no access log');
});

test('demo --persons N: the demo plus N generated persons with their cases; refused on real users', async () => {
  const gen = fresh('gen');
  const r = runBin(['demo', '--db', gen, '--persons', '300']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /300 generated persons/);
  const count = (q) => Number(Object.values(sql(gen, q)[0])[0]);
  assert.equal(count("SELECT count(*) FROM persons WHERE personnummer IS NOT NULL") >= 330, true, 'the demo 30 + 300');
  assert.ok(count("SELECT count(DISTINCT state) FROM referrals") >= 8, 'referrals in many states');
  const ongoing = count('SELECT count(*) FROM tenancies WHERE end_date IS NULL'), all = count('SELECT count(*) FROM tenancies');
  assert.ok(ongoing / all > 0.6 && ongoing / all < 0.9, `about 70 % ongoing: ${ongoing}/${all}`);
  assert.ok(count('SELECT count(*) FROM visits') > 300 && count('SELECT count(*) FROM checklists') > 50);
  assert.ok(count("SELECT count(*) FROM referrals") >= 330, "every generated person has a referral");
  assert.equal(runBin(['demo', '--db', gen]).code, 2, 'no --persons: exit 2');
  assert.equal(runBin(['demo', '--db', db, '--persons', '5']).code, 1, 'a database with real users is refused');
});

await run({ after: () => {
  rmSync(dir, { recursive: true, force: true });
  for (const url of made) PG.dropDb(url);
} });

// backup.test.mjs - the backup drill: a server keeps writing visit notes
// through HTTP while `backup` copies its database (plain and encrypted);
// both are restored into new files and served by a second server. The
// restore holds every visit committed before the backup started, its row
// counts lie between the source's before and after (the same instant in
// every table: each visit has its audit row), integrity holds. Also: a
// flipped byte, a cut file, a missing key and another key are refused;
// restore never overwrites; an older schema is migrated, a newer refused;
// `check` passes on a good database and says what is wrong with a broken
// one; no plaintext is left behind and no personal data is printed.
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, readFileSync, writeFileSync, readdirSync, existsSync, statSync, copyFileSync,
  openSync, writeSync, closeSync, chmodSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, run } from '../lib/t.mjs';
import { startServer, Client, sql, runBin, BIN, ROOT, PG } from '../lib/server.mjs';

/* These commands copy and check a SQLite file. On PostgreSQL they refuse
 * and name the database's own tools; the rest of the suite is SQLite's. */
if (PG) {
  test('on PostgreSQL, backup, restore and check refuse and name pg_dump; nothing is touched', async () => {
    const url = PG.createDb(`t${process.pid}_backup`);
    try {
      for (const args of [['backup', '--db', url, '--to', '/tmp/x.bak'], ['restore', '--from', '/tmp/x.bak', '--db', url],
        ['check', '--db', url]]) {
        const r = runBin(args);
        assert.equal(r.code, 2, `${args[0]}: exit ${r.code} ${r.stderr}`);
        assert.match(r.stderr, /SQLite file; for PostgreSQL use pg_dump or pg_basebackup/, args[0]);
        assert.ok(!existsSync('/tmp/x.bak'), 'no file written');
      }
    } finally { PG.dropDb(url); }
  });
  await run();
  process.exit(0);
}

const work = mkdtempSync(join(tmpdir(), 'bf-backup-'));
const bakDir = join(work, 'backups');
const key = join(work, 'backup.key');
mkdirSync(bakDir);
const srv = await startServer();
const q = (s) => sql(srv.db, s);
const pad = (n) => String(n).padStart(2, '0');
const d = new Date();
const today = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;

/* Runs the binary without blocking the event loop (the writers go on). */
function runAsync(args, env = {}) {
  return new Promise((resolve) => {
    execFile(BIN, args, { encoding: 'utf8', env: { ...process.env, ...env } }, (err, stdout, stderr) =>
      resolve({ code: err ? err.code : 0, stdout, stderr }));
  });
}

/* Row counts of every table, read in one statement (one instant). */
function counts(db) {
  const tables = sql(db, "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    .map((r) => r.name);
  const rows = sql(db, tables.map((t) => `SELECT '${t}' AS t, count(*) AS n FROM "${t}"`).join(' UNION ALL '));
  return Object.fromEntries(rows.map((r) => [r.t, r.n]));
}

/* The persons of cm1's caseload, and what must never be printed. */
const caseload = q(`SELECT p.id, p.first_name, p.last_name, p.personnummer FROM person_case_managers c
  JOIN persons p ON p.id = c.person_id JOIN users u ON u.id = c.user_id
  WHERE u.username = 'cm1' AND c.ended_at IS NULL ORDER BY p.id LIMIT 2`);
assert.equal(caseload.length, 2, 'cm1 has a caseload in the demo');
const secrets = q('SELECT first_name, last_name, personnummer FROM persons WHERE personnummer IS NOT NULL')
  .flatMap((p) => [p.personnummer, `${p.first_name} ${p.last_name}`]);
function noPersonalData(r, what) {
  const out = r.stdout + r.stderr;
  for (const s of secrets) assert.ok(!out.includes(s), `${what} prints no personal data`);
}

/* Writers: two sessions of cm1 posting visit notes in a loop. */
let writing = true, posted = 0;
const failures = [];
const writers = [];
for (const p of caseload) {
  const c = new Client(srv.url);
  await c.login('cm1');
  writers.push((async () => {
    for (let i = 0; writing; i++) {
      const r = await c.post('/visits', { person_id: String(p.id), date: today, kind: 'home', met: '1', note: `drill ${p.id}-${i}` });
      if (r.status === 303) posted++;
      else failures.push(r.status);
    }
  })());
}
const until = async (cond) => { while (!cond()) await new Promise((res) => setTimeout(res, 5)); };

/* Slow steps so the copy spans many commits: 4 pages, then 10 ms. */
const SLOW = { BF_BACKUP_STEP_PAGES: '4', BF_BACKUP_PAUSE_MS: '10' };
const drills = {};

/* Backs up during the writes; returns what the source held before and after. */
async function drill(name, extra) {
  await until(() => posted >= 20);
  const before = counts(srv.db);
  const visitsBefore = q('SELECT id, person_id, note FROM visits ORDER BY id');
  const postedBefore = posted;
  const file = join(bakDir, `${name}.bak`);
  const t0 = Date.now();
  const r = await runAsync(['backup', '--db', srv.db, '--to', file, ...extra], SLOW);
  const ms = Date.now() - t0;
  const after = counts(srv.db);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /integrity and foreign keys ok/);
  noPersonalData(r, `backup ${name}`);
  assert.ok(posted - postedBefore >= 5, `writes went on during the ${ms} ms backup: ${posted - postedBefore}`);
  assert.ok(after.visits > before.visits, 'the source grew meanwhile');
  assert.equal((statSync(file).mode & 0o777), 0o600, 'the backup is mode 0600');
  drills[name] = { file, before, after, visitsBefore };
  if (process.env.VERBOSE) console.log(`     ${name}: ${ms} ms, ${posted - postedBefore} visits posted meanwhile`);
  return drills[name];
}

/* Restores a drill into a new directory; checks it against the source. */
async function restoreAndCompare(name, extra) {
  const { file, before, after, visitsBefore } = drills[name];
  const dir = mkdtempSync(join(work, `restore-${name}-`));
  const db = join(dir, 'restored.db');
  const r = runBin(['restore', '--from', file, '--db', db, ...extra]);
  assert.equal(r.code, 0, r.stderr);
  noPersonalData(r, `restore ${name}`);
  assert.equal((statSync(db).mode & 0o777), 0o600);
  assert.deepEqual(readdirSync(dir), ['restored.db'], 'no temporary file left');
  const got = counts(db);
  for (const t of Object.keys(after))
    assert.ok(got[t] >= before[t] && got[t] <= after[t], `${t}: ${before[t]} <= ${got[t]} <= ${after[t]}`);
  // every visit committed before the backup began, as it was
  const restored = new Map(sql(db, 'SELECT id, person_id, note FROM visits').map((v) => [v.id, v]));
  for (const v of visitsBefore) assert.deepEqual(restored.get(v.id), v, `visit ${v.id} restored`);
  // one instant: the restore is a prefix of the source, and every visit has
  // the audit row committed with it (and no audit row lacks its visit)
  const maxVisit = sql(db, 'SELECT max(id) AS m FROM visits')[0].m;
  assert.equal(got.visits, q(`SELECT count(*) AS n FROM visits WHERE id <= ${maxVisit}`)[0].n);
  const maxAudit = sql(db, 'SELECT max(id) AS m FROM audit')[0].m;
  assert.equal(got.audit, q(`SELECT count(*) AS n FROM audit WHERE id <= ${maxAudit}`)[0].n);
  assert.equal(sql(db, `SELECT count(*) AS n FROM visits v WHERE v.note LIKE 'drill %' AND NOT EXISTS (SELECT 1 FROM audit a
    WHERE a.action = 'create' AND a.entity = 'visit' AND a.entity_id = v.id)`)[0].n, 0, 'each drill visit has its audit row');
  assert.equal(sql(db, `SELECT count(*) AS n FROM audit a WHERE a.action = 'create' AND a.entity = 'visit'
    AND NOT EXISTS (SELECT 1 FROM visits v WHERE v.id = a.entity_id)`)[0].n, 0, 'each audit row has its visit');
  assert.equal(sql(db, 'PRAGMA integrity_check')[0].integrity_check, 'ok');
  assert.deepEqual(sql(db, 'PRAGMA foreign_key_check'), []);
  const chk = runBin(['check', '--db', db]);
  assert.equal(chk.code, 0, chk.stdout);
  // a second server on the restored file: log in, read a person page
  const second = await startServer({ db });
  try {
    const c = new Client(second.url);
    assert.equal((await c.login('cm1')).status, 303);
    const p = caseload[0];
    const page = await c.get(`/persons/${p.id}`);
    assert.equal(page.status, 200);
    assert.ok(page.body.includes(p.first_name), 'the person page shows the person');
    const last = visitsBefore.filter((v) => v.person_id === p.id).at(-1);
    const visits = await c.get(`/visits?person=${p.id}`);
    assert.equal(visits.status, 200);
    assert.ok(visits.body.includes(last.note), 'the last note committed before the backup is there');
  } finally {
    await second.stop();	// removes the restore's directory
  }
}

test('backup --new-key: 32 bytes, mode 0600, never overwritten', () => {
  const r = runBin(['backup', '--new-key', key]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /new backup key, id [0-9a-f]{32}\./);
  assert.equal(statSync(key).size, 32);
  assert.equal(statSync(key).mode & 0o777, 0o600);
  const k = readFileSync(key);
  const again = runBin(['backup', '--new-key', key]);
  assert.equal(again.code, 1);
  assert.match(again.stderr, /refusing to overwrite/);
  assert.deepEqual(readFileSync(key), k, 'the key is unchanged');
});

test('a plain backup while cm1 writes', async () => {
  await drill('plain', []);
  assert.equal(readFileSync(drills.plain.file).subarray(0, 16).toString('latin1'), 'SQLite format 3\0');
  assert.deepEqual(readdirSync(bakDir).sort(), ['plain.bak'], 'no temporary file beside the backup');
});

test('an encrypted backup while cm1 writes: no plaintext anywhere', async () => {
  const before = readdirSync(srv.dir).sort();
  await drill('encrypted', ['--key', key]);
  const bytes = readFileSync(drills.encrypted.file);
  assert.equal(bytes.subarray(0, 9).toString('latin1'), 'BFBACKUP\x01');
  assert.ok(!bytes.includes('SQLite format 3'), 'not a SQLite file inside');
  assert.ok(!bytes.includes('drill '), 'no note in the clear');
  assert.ok(!bytes.includes(caseload[0].personnummer), 'no personnummer in the clear');
  assert.deepEqual(readdirSync(bakDir).sort(), ['encrypted.bak', 'plain.bak'], 'no temporary file beside the backup');
  const left = readdirSync(srv.dir).filter((f) => !before.includes(f) && !/^test\.db-(wal|shm)$/.test(f));
  assert.deepEqual(left, [], 'no plaintext copy left beside the database');
});

test('both restore into new files, hold what was committed, and serve', async () => {
  await restoreAndCompare('plain', []);
  await restoreAndCompare('encrypted', ['--key', key]);
});

test('restore without the key, with another key, or a key others can read is refused', () => {
  const db = join(work, 'nokey.db');
  let r = runBin(['restore', '--from', drills.encrypted.file, '--db', db]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /is encrypted: give --key KEYFILE/);
  const other = join(work, 'other.key');
  assert.equal(runBin(['backup', '--new-key', other]).code, 0);
  r = runBin(['restore', '--from', drills.encrypted.file, '--db', db, '--key', other]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /encrypted with another key/);
  r = runBin(['restore', '--from', drills.plain.file, '--db', db, '--key', key]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /not encrypted, but --key was given/);
  chmodSync(other, 0o644);
  r = runBin(['backup', '--db', srv.db, '--to', join(work, 'x.bak'), '--key', other]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /can be read by others/);
  assert.ok(!existsSync(db) && !existsSync(join(work, 'x.bak')));
});

test('a tampered or truncated encrypted backup is refused; nothing is written', () => {
  const bytes = readFileSync(drills.encrypted.file);
  const CHUNK = 65536 + 17, HEAD = 49;
  assert.ok(bytes.length > HEAD + 3 * CHUNK, 'several chunks');
  const cases = {
    'a flipped byte in a chunk': (() => { const b = Buffer.from(bytes); b[HEAD + CHUNK + 1000] ^= 0x01; return b; })(),
    'a flipped byte in the last chunk': (() => { const b = Buffer.from(bytes); b[b.length - 5] ^= 0x80; return b; })(),
    'a flipped byte in the header': (() => { const b = Buffer.from(bytes); b[30] ^= 0x01; return b; })(),
    'a flipped version byte': (() => { const b = Buffer.from(bytes); b[8] = 2; return b; })(),
    'cut in a chunk': bytes.subarray(0, Math.floor(bytes.length / 2)),
    'cut at a chunk boundary': bytes.subarray(0, HEAD + 2 * CHUNK),
    'only the header': bytes.subarray(0, HEAD),
    'bytes after the end': Buffer.concat([bytes, Buffer.from('x')]),
  };
  for (const [what, b] of Object.entries(cases)) {
    const dir = mkdtempSync(join(work, 'bad-'));
    const f = join(dir, 'bad.bak'), db = join(dir, 'r.db');
    writeFileSync(f, b);
    const r = runBin(['restore', '--from', f, '--db', db, '--key', key]);
    assert.equal(r.code, 1, `${what}: refused`);
    assert.match(r.stderr, /altered|cut short|format 2/, `${what}: says why: ${r.stderr}`);
    assert.deepEqual(readdirSync(dir), ['bad.bak'], `${what}: no database, no temporary file`);
  }
});

test('restore never overwrites a database, nor uses a stray -wal', () => {
  const dir = mkdtempSync(join(work, 'exists-'));
  const db = join(dir, 'live.db');
  writeFileSync(db, 'precious');
  let r = runBin(['restore', '--from', drills.plain.file, '--db', db]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /exists; restore never overwrites/);
  assert.equal(readFileSync(db, 'utf8'), 'precious');
  const fresh = join(dir, 'fresh.db');
  writeFileSync(`${fresh}-wal`, 'stale');
  r = runBin(['restore', '--from', drills.plain.file, '--db', fresh]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /fresh\.db-wal exists/);
  assert.ok(!existsSync(fresh));
});

test('an older schema is migrated on restore; a newer one is refused', () => {
  const dir = mkdtempSync(join(work, 'schema-'));
  const old = join(dir, 'old.db');
  const files = readdirSync(join(ROOT, 'migrations')).filter((f) => f.endsWith('.sql')).sort();
  const older = files.slice(0, -1);
  for (const f of older) execFileSync('sqlite3', [old], { input: readFileSync(join(ROOT, 'migrations', f)) });
  sql(old, `CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL);
    INSERT INTO schema_migrations VALUES ${older.map((f, i) => `(${i + 1}, '${f}', 0)`).join(',')}`);
  const chk = runBin(['check', '--db', old]);
  assert.equal(chk.code, 1);
  assert.match(chk.stdout, new RegExp(`schema: FAILED: version ${older.length}, older than this program's ${files.length}`));
  let r = runBin(['backup', '--db', old, '--to', join(dir, 'old.bak')]);
  assert.equal(r.code, 0, r.stderr);
  r = runBin(['restore', '--from', join(dir, 'old.bak'), '--db', join(dir, 'migrated.db')]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`migrated from schema version ${older.length} to ${files.length}`));
  assert.equal(runBin(['check', '--db', join(dir, 'migrated.db')]).code, 0);

  const newer = join(dir, 'newer.db');
  copyFileSync(join(dir, 'migrated.db'), newer);
  sql(newer, "INSERT INTO schema_migrations VALUES (999, 'future.sql', 0)");
  r = runBin(['backup', '--db', newer, '--to', join(dir, 'newer.bak'), '--key', key]);
  assert.equal(r.code, 0, r.stderr);
  r = runBin(['restore', '--from', join(dir, 'newer.bak'), '--db', join(dir, 'n.db'), '--key', key]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /schema version 999, newer than this program's/);
  assert.ok(!existsSync(join(dir, 'n.db')));
  r = runBin(['backup', '--db', join(dir, 'nothing.db'), '--to', join(dir, 'nothing.bak')]);
  assert.equal(r.code, 1, 'backup of a missing database');
  assert.ok(!existsSync(join(dir, 'nothing.db')), 'backup does not create the database');
});

test('check: ok on the live database; says what is wrong with a broken copy; never creates a file', () => {
  let r = runBin(['check', '--db', srv.db]);
  assert.equal(r.code, 0, r.stdout);
  assert.deepEqual(r.stdout.trim().split('\n').map((l) => l.split(':')[0]), ['integrity', 'foreign keys', 'schema', 'wal']);
  assert.match(r.stdout, /^integrity: ok$/m);
  assert.match(r.stdout, /^wal: ok \(\d+\.\d MiB\)$/m);
  noPersonalData(r, 'check');

  const dir = mkdtempSync(join(work, 'corrupt-'));
  const db = join(dir, 'broken.db');
  assert.equal(runBin(['restore', '--from', drills.plain.file, '--db', db]).code, 0);
  const size = sql(db, 'PRAGMA page_size')[0].page_size;
  const root = sql(db, "SELECT rootpage FROM sqlite_schema WHERE name = 'visits'")[0].rootpage;
  const fd = openSync(db, 'r+');
  writeSync(fd, Buffer.alloc(size, 0x5a), 0, size, (root - 1) * size);	// garbage over the visits table's root page
  closeSync(fd);
  r = runBin(['check', '--db', db]);
  assert.equal(r.code, 1, r.stdout);
  assert.match(r.stdout, /^integrity: FAILED: .+/m);
  assert.match(r.stdout, /^schema: ok/m, 'the other checks still run');
  noPersonalData(r, 'check of a broken file');
  // a backup of it refuses to write anything
  r = runBin(['backup', '--db', db, '--to', join(dir, 'broken.bak')]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /the copy fails its integrity check/);
  assert.ok(!existsSync(join(dir, 'broken.bak')));
  assert.deepEqual(readdirSync(dir).filter((f) => !f.startsWith('broken.db')), [], 'no temporary file left');

  // a foreign key pointing nowhere
  const fk = join(dir, 'fk.db');
  assert.equal(runBin(['restore', '--from', drills.plain.file, '--db', fk]).code, 0);
  sql(fk, 'PRAGMA foreign_keys = OFF; UPDATE person_case_managers SET person_id = 999999 WHERE id = (SELECT min(id) FROM person_case_managers)');
  r = runBin(['check', '--db', fk]);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /^foreign keys: FAILED: 1 row refers to a missing row \(person_case_managers row \d+ -> persons\)$/m);

  // a WAL over the limit
  const walDb = join(dir, 'wal.db');
  assert.equal(runBin(['restore', '--from', drills.plain.file, '--db', walDb]).code, 0);
  writeFileSync(`${walDb}-wal`, '');
  truncateSync(`${walDb}-wal`, 3 * 1024 * 1024);
  r = runBin(['check', '--db', walDb, '--max-wal', '2']);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /^wal: FAILED: 3\.0 MiB, over 2 MiB/m);

  const missing = join(dir, 'missing.db');
  r = runBin(['check', '--db', missing]);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /no such file/i);
  assert.ok(!existsSync(missing), 'check creates no database');
});

test('flags: help, and bad flags exit 2', () => {
  for (const cmd of ['backup', 'restore', 'check']) {
    const h = runBin([cmd, '--help']);
    assert.equal(h.code, 0);
    assert.match(h.stdout, new RegExp(`^usage: bostadforst ${cmd} `));
  }
  assert.match(runBin(['--help']).stdout, /backup[\s\S]*restore[\s\S]*check/);
  for (const args of [['backup'], ['backup', '--db', srv.db], ['backup', '--new-key', key, '--db', srv.db],
    ['restore', '--from', 'x'], ['restore', '--bogus'], ['check'], ['check', '--db', srv.db, '--max-wal', 'x']]) {
    const r = runBin(args);
    assert.equal(r.code, 2, args.join(' '));
    assert.match(r.stderr, /bostadforst: /);
  }
});

test('the writers saw no error', async () => {
  writing = false;
  await Promise.all(writers);
  assert.deepEqual(failures, [], 'every visit was saved during the backups');
  assert.ok(posted > 40);
});

await run({ after: async () => {
  writing = false;
  await Promise.all(writers);
  await srv.stop();
  rmSync(work, { recursive: true, force: true });
} });

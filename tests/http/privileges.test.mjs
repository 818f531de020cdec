// privileges.test.mjs - least privilege on PostgreSQL (README "Running on
// PostgreSQL"): `migrate` as the owner role runs migrations-pg/grants.sql,
// and the app's login role (bf_app, a member of bostadforst_app) can read
// and write rows but cannot DROP or ALTER a table, create one, or UPDATE,
// DELETE or TRUNCATE the audit table; an INSERT into audit works. A cluster
// of this suite's own: it runs the same with or without BF_TEST_PG.
import assert from 'node:assert/strict';
import { test, run } from '../lib/t.mjs';
import { runBin } from '../lib/server.mjs';
import { startPg } from '../lib/pg.mjs';

const pg = await startPg();
const owner = pg.createDb('privileges');
const app = pg.appUrl(owner);
const m = runBin(['migrate', '--db', owner]);
assert.equal(m.code, 0, m.stderr);
assert.match(m.stdout, /^postgresql:\/\/bf_owner:\*\*\*\*@127\.0\.0\.1:\d+\/privileges: \d+ migrations applied/, 'the password is not printed');

// Runs one statement as role url; returns its error text ('' when it worked).
function err(url, sql) {
  const r = pg.psql(url, ['-c', sql]);
  return r.status === 0 ? '' : r.stderr;
}

test('the app role cannot DROP, ALTER or CREATE a table', () => {
  assert.match(err(app, 'DROP TABLE persons'), /must be owner of table persons/);
  assert.match(err(app, 'ALTER TABLE persons ADD COLUMN x text'), /must be owner of table persons/);
  assert.match(err(app, 'CREATE TABLE public.x (a bigint)'), /permission denied for schema public/);
  assert.match(err(app, 'CREATE FUNCTION sqlite_compat.x() RETURNS int LANGUAGE sql RETURN 1'),
    /permission denied for schema sqlite_compat/);
  assert.equal(pg.query(owner, "SELECT count(*) AS n FROM information_schema.columns WHERE table_name = 'persons' AND column_name = 'x'")[0].n, 0);
});

test('the app role may INSERT into audit and read it, never UPDATE, DELETE or TRUNCATE it', () => {
  assert.equal(err(app, "INSERT INTO audit(at, action, entity) VALUES (1, 'read', 'person')"), '');
  assert.equal(pg.psqlOk(app, ['-At', '-c', 'SELECT count(*) FROM audit']), '1\n');
  for (const sql of ['UPDATE audit SET at = 2', 'DELETE FROM audit', 'TRUNCATE audit'])
    assert.match(err(app, sql), /permission denied for table audit/, sql);
  assert.match(err(app, 'UPDATE schema_migrations SET applied_at = 0'), /permission denied for table schema_migrations/);
  assert.equal(pg.query(owner, 'SELECT at FROM audit')[0].at, 1, 'the row is as it was written');
});

test('the app role writes what the application writes: rows, identities, sessions and throttling deleted', () => {
  assert.equal(err(app, `SET search_path = sqlite_compat, pg_catalog, public;
    INSERT INTO districts(name, created_at, updated_at) VALUES ('Norr', 1, 1);
    UPDATE districts SET version = version + 1 WHERE name = 'Norr';
    INSERT INTO login_attempts(at_ms, account, address) VALUES (1, '\\x00', '127.0.0.1');
    UPDATE login_attempts SET cleared = 1;
    DELETE FROM login_attempts; DELETE FROM sessions; UPDATE settings SET value = value;
    SELECT add_months('2024-01-31', 1)`), '');
  assert.equal(pg.query(owner, "SELECT version FROM districts WHERE name = 'Norr'")[0].version, 2);
});

test('the app role cannot pass the journal\'s guard without a gallring run on record', () => {
  // a person with a visit, written as the application would
  assert.equal(err(app, `INSERT INTO districts(name, created_at, updated_at) VALUES ('Vakt', 1, 1);
    INSERT INTO persons(personnummer, first_name, last_name, district_id, created_at, updated_at)
      VALUES ('19700101-9999', 'Vakt', 'Vaktsson', (SELECT id FROM districts WHERE name = 'Vakt'), 1, 1);
    INSERT INTO visits(person_id, date, kind, met, note, created_at)
      VALUES ((SELECT id FROM persons WHERE personnummer = '19700101-9999'), '2026-01-01', 'home', 1, 'äkta', 1)`), '');
  const person = "(SELECT id FROM persons WHERE personnummer = '19700101-9999')";
  // the guard alone, as an intruder with the app's password would try it
  assert.match(err(app, `BEGIN; INSERT INTO gallring_guard(person_id) VALUES (${person});
    UPDATE visits SET note = 'omskriven' WHERE person_id = ${person}; COMMIT`), /visits are append-only/);
  assert.equal(pg.query(owner, `SELECT note FROM visits WHERE person_id = ${person}`)[0].note, 'äkta');
  // with a run recorded first (what gallring does) it passes, and the run stays on record
  assert.equal(err(app, `BEGIN; INSERT INTO gallring_runs(at, via, years, cutoff, persons)
      VALUES (extract(epoch FROM now())::bigint, 'cli', 5, '2021-01-01', 1);
    INSERT INTO gallring_guard(person_id) VALUES (${person});
    UPDATE visits SET note = '' WHERE person_id = ${person}; DELETE FROM gallring_guard; COMMIT`), '');
  assert.equal(pg.query(owner, 'SELECT count(*) AS n FROM gallring_runs')[0].n, 1, 'the run that let it through');
  assert.match(err(app, 'DELETE FROM gallring_runs'), /gallring runs are append-only/);
});

test('migrate again keeps the grants (a later migration adds tables the same way)', () => {
  pg.superPsql('privileges', 'REVOKE SELECT ON persons FROM bostadforst_app');
  assert.match(err(app, 'SELECT count(*) FROM persons'), /permission denied for table persons/);
  const again = runBin(['migrate', '--db', owner]);
  assert.equal(again.code, 0, again.stderr);
  assert.equal(err(app, 'SELECT count(*) FROM persons'), '');
});

run({ after: async () => { await pg.stop(); } });

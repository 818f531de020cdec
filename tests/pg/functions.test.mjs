// functions.test.mjs - migrations-pg/functions.sql gives PostgreSQL the
// SQLite functions the application's SQL calls, with SQLite's results:
// each expression below runs in the sqlite3 CLI and in psql (with the
// application's search_path) and the two answers must be the same. The
// CLI lacks our registered add_months/days_between (src/db.c): those are
// checked against known values. Both engines run in Europe/Stockholm (TZ,
// PGTZ), so 'localtime' and a Unix time's local date mean the same.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { test, run } from '../lib/t.mjs';
import { startPg } from '../lib/pg.mjs';

const ROOT = new URL('../..', import.meta.url).pathname;
export const SEARCH_PATH = 'SET search_path = sqlite_compat, pg_catalog, public';
process.env.TZ = 'Europe/Stockholm';
process.env.PGTZ = 'Europe/Stockholm';
const pg = await startPg();
const url = await pg.createDb('functions');
pg.psqlOk(url, ['-1', '-f', join(ROOT, 'migrations-pg/functions.sql')]);

// Each expression's answer on both engines, one line per expression (NULL is '').
function answers(exprs) {
  const sql = exprs.map((e) => `SELECT ${e};\n`).join('');
  const s = execFileSync('sqlite3', ['-bail', '-batch', ':memory:'], { input: sql, encoding: 'utf8' });
  const p = pg.psqlOk(url, ['-At', '-c', SEARCH_PATH, '-f', '-'], sql);
  return { s: s.split('\n').slice(0, exprs.length), p: p.split('\n').slice(0, exprs.length) };
}

// The same answer, as text or (for numbers) as the same number.
function same(exprs) {
  const { s, p } = answers(exprs);
  const bad = exprs.filter((e, i) => !(s[i] === p[i] || (s[i] !== '' && p[i] !== '' && Number(s[i]) === Number(p[i]))))
    .map((e) => `${e}: SQLite ${JSON.stringify(s[exprs.indexOf(e)])}, PostgreSQL ${JSON.stringify(p[exprs.indexOf(e)])}`);
  assert.deepEqual(bad, []);
  return { s, p };
}

test('date(): the forms src/*.c uses give SQLite\'s dates', () => {
  const { s } = same([
    "date('now', 'localtime')", "date('now')",
    "date(1700000000, 'unixepoch', 'localtime')", "date(1700000000, 'unixepoch')",
    "date(1711846799, 'unixepoch', 'localtime')", "date(1711846800, 'unixepoch', 'localtime')",	// summer time begins
    "date(1703977200, 'unixepoch', 'localtime')", "date(1703977199, 'unixepoch', 'localtime')",	// local midnight
    "date(1700000000 + 3600, 'unixepoch', 'start of day')",
    "date('2024-01-31', '+1 month')", "date('2024-01-31', '+1 months')", "date('2024-03-31', '-1 month')",
    "date('2023-12-15', '+3 months')", "date('2024-02-29', '+1 year')", "date('2024-03-01', '-1 day')",
    "date('2024-02-28', '+14 days')", "date('2024-05-17', '-30 days')", "date('2024-05-17', '-180 days')",
    "date('2024-05-17', 'start of month')", "date('2024-05-17', 'start of year')",
    "date('2024-05-17', 'start of year', '+3 days')", "date('2024-12' || '-01', '+1 month')",
    "date('2024-05-17', '+' || 30 || ' days')", "date('now', 'localtime', '+' || 30 || ' days')",
    "date('now', 'localtime', '-3 months')", "date('2024-05-17 23:59:59', '+1 day')", "date('2024-05-17T10:00', '+0 days')",
    "date('2024-05-15', '-6 days', 'weekday 1')", "date('2024-05-13', '-6 days', 'weekday 1')", "date('2024-05-19', '-6 days', 'weekday 1')",
    "date('2024-05-19', 'weekday 0')", "date('2024-05-19', 'weekday 6')",
    "date('garbage', '+1 day')", "date(NULL, '+1 day')", "date('2024-05-17', 'bogus')",
  ]);
  assert.equal(s[2], '2023-11-14');
  assert.equal(s[9], '2024-03-02', 'months overflow, as in SQLite');
});

test('strftime(), julianday(), unixepoch() as SQLite', () => {
  const { s } = same([
    "strftime('%Y-%m-%d %H:%M', 1700000000, 'unixepoch', 'localtime')", "strftime('%Y', '2024-05-17')",
    "strftime('%Y-%m', '2024-05-17')", "strftime('%s', '2024-05-17 10:00:00')", "strftime('%j %w %d %m', '2024-05-17')",
    "strftime('%H:%M:%S %%', '2024-05-17 01:02:03')", "strftime('%Y', NULL)",
    "julianday('2000-01-01')", "julianday('2024-05-17') - julianday('2024-01-01')", "julianday('2024-05-17 12:00')",
    "julianday(1700000000 + 3600, 'unixepoch', 'start of day')",
    "julianday('2024-05-17') - julianday(1715900000 + 7200, 'unixepoch', 'start of day')",
    "unixepoch('2024-01-02')", "unixepoch('2024-01-02 03:04:05')", "julianday('x')",
  ]);
  assert.equal(s[0], '2023-11-14 23:13');
  // 'now': the two engines ran a moment apart
  const a = answers(["strftime('%s', 'now')", 'unixepoch()']);
  for (const v of [...a.s, ...a.p]) assert.ok(Math.abs(Number(v) - Date.now() / 1000) < 30, v);
});

test('scalar max/min (NULL if an argument is), substr, ||, ifnull, instr, iif, integer division', () => {
  same(["max(1, 2)", "min(1, 2)", "max(NULL, 2)", "min(3, NULL)", "max('2024-01-01', '2023-12-31')", "min('a', 'b')",
    "(SELECT max(min(x), '2024-02-01') FROM (SELECT '2024-03-01' AS x UNION ALL SELECT '2024-01-01') AS t)",
    "(SELECT max(min(x), '2024-02-01') FROM (SELECT '2024-03-01' AS x) AS t WHERE x < '2000')",
    "substr('2024-05-17', 1, 7)", "'a' || 'b' || NULL", "ifnull(NULL, 'x')", "instr('hello', 'll')", "instr('hello', 'z')",
    "iif(1 > 2, 'a', 'b')", "coalesce(NULL, 3)", "7 / 2", "-7 / 2"]);
});

test('add_months and days_between (registered by src/db.c): known values', () => {
  const q = (e) => pg.psqlOk(url, ['-At', '-c', SEARCH_PATH, '-c', `SELECT ${e}`]).trimEnd();
  for (const [e, want] of [
    ["add_months('2024-01-31', 1)", '2024-02-29'], ["add_months('2023-01-31', 1)", '2023-02-28'],
    ["add_months('2024-03-31', -1)", '2024-02-29'], ["add_months('2024-05-17', 12)", '2025-05-17'],
    ["add_months('2024-05-17', 0)", '2024-05-17'], ["add_months('2023-11-30', 3)", '2024-02-29'],
    ["add_months('2024-02-30', 1)", ''], ["add_months('x', 1)", ''], ["add_months(NULL, 1)", ''],
    ["add_months('1899-12-01', 1)", ''],
    ["days_between('2024-01-01', '2024-03-01')", '60'], ["days_between('2024-03-01', '2024-01-01')", '-60'],
    ["days_between('2024-03-30', '2024-03-31')", '1'],	// 23 hours, one day
    ["days_between(1711839600, '2024-03-31')", '0'],	// 2024-03-31 00:00 local
    ["days_between(1711839599, '2024-03-31')", '1'],	// 2024-03-30 23:59:59 local
    ["days_between(1700000000, 1700000000 + 86400 * 3)", '3'], ["days_between('2024-05-17', 1715983200)", '1'],
    ["days_between('2024-02-30', '2024-03-01')", ''], ["days_between(NULL, '2024-03-01')", ''],
    ["days_between('2024-01-01', date('now', 'localtime')) > 0", 't'],
  ]) assert.equal(q(e), want, e);
});

test('json_object, json_group_array and json_each as the application uses them', () => {
  const sql = "SELECT json_group_array(json_object('label', label, 'status', 'unchecked', 'comment', '')) " +
    "FROM (SELECT 'Hall' AS label UNION ALL SELECT 'Kök' ORDER BY 1) AS t;\n" +
    "SELECT value FROM json_each('[\"sent\",\"draft\"]') ORDER BY 1;\n";
  const s = execFileSync('sqlite3', ['-batch', ':memory:'], { input: sql, encoding: 'utf8' }).split('\n');
  const p = pg.psqlOk(url, ['-At', '-c', SEARCH_PATH, '-f', '-'], sql).split('\n');
  assert.deepEqual(JSON.parse(p[0]), JSON.parse(s[0]));
  assert.deepEqual(p.slice(1, 3), s.slice(1, 3));
  assert.deepEqual(s.slice(1, 3), ['draft', 'sent']);
});

test('the search_path puts sqlite_compat before pg_catalog: its function wins a name both have', () => {
  // json_object(text[]) exists in both schemas with the same arguments
  const resolve = (path) => pg.psqlOk(url, ['-At', '-c', `SET search_path = ${path}`,
    '-c', "SELECT p.pronamespace::regnamespace FROM pg_proc p WHERE p.oid = 'json_object(text[])'::regprocedure"]).trim();
  assert.equal(resolve('sqlite_compat, pg_catalog, public'), 'sqlite_compat');
  assert.equal(resolve('public, sqlite_compat'), 'pg_catalog', 'pg_catalog first when it is not named');
  // date(x, modifier) is ours and gives text; a one-argument date('...') stays the cast to type date
  assert.equal(pg.psqlOk(url, ['-At', '-c', SEARCH_PATH, '-c',
    "SELECT pg_typeof(date('2024-05-17', '+1 day')), pg_typeof(date('2024-05-17'))"]).trim(), 'text|date');
  // functions.sql can be applied again (CREATE OR REPLACE)
  pg.psqlOk(url, ['-1', '-f', join(ROOT, 'migrations-pg/functions.sql')]);
});

run({ after: () => pg.stop() });

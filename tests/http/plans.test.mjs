// plans.test.mjs - every list and detail query uses an index. The server
// logs the query plan of every statement it prepares (BF_PLAN_LOG); we
// request every GET route as every role, with the lists' filters and
// their next pages, on generated data, then fail on any plan that reads a
// big table from end to end ("SCAN t" without an index) unless the
// statement is a report that must read everything (listed below, with
// why).
//
// On PostgreSQL (BF_TEST_PG) the log holds each statement as translated
// and the lines of EXPLAIN of its generic plan (the plan for any
// parameter values), made with enable_seqscan off (src/db_pg.c
// log_plan); a full read is a "Seq Scan on t". Why seq scans off: 3000
// generated persons make tables of a few pages, where a Seq Scan is
// PostgreSQL's best plan even with a fitting index (with ANALYZE run after
// generating, "plans WHERE person_id = $1" was a Seq Scan), and more
// persons would make the suite slow while only moving the line. Disabled,
// PostgreSQL still picks a Seq Scan where no index serves the table (its
// WHERE, its join or its ORDER BY): one left in the plan means what
// SQLite's "SCAN t" means, a read from end to end at any size. Like
// SQLite's "SCAN t USING INDEX", an index walked without an Index Cond is
// not counted (a page in index order, a partial index). Shown failing:
// with plan_versions' UNIQUE (plan_id, version_no) dropped, the person
// page's timeline and last-activity statements are a "Seq Scan on
// plan_versions v". The same BIG
// tables and WHOLE_TABLE_OK statements hold on both engines (they match
// the translated SQL too: only placeholders change).
import assert from 'node:assert/strict';
import { readFileSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { test, run } from '../lib/t.mjs';
import { startServer, Client, sql, runBin, PG } from '../lib/server.mjs';

const planLog = join(mkdtempSync(join(tmpdir(), 'bf-plans-')), 'plans.log');
process.env.BF_PLAN_LOG = planLog;
const srv = await startServer({
  demo: false, migrate: false,
  setup: (db) => {
    assert.equal(runBin(['demo', '--db', db, '--persons', '3000']).code, 0);
    if (PG) sql(db, 'SET client_min_messages = error; ANALYZE');	// the statistics a running system has
  },
});
delete process.env.BF_PLAN_LOG;
const q = (s) => sql(srv.db, s);

// tables that grow with the number of persons
const BIG = ['persons', 'referrals', 'referral_events', 'decisions', 'assignments', 'person_case_managers',
  'tenancies', 'incidents', 'visits', 'checklists', 'checklist_items', 'plans', 'plan_versions', 'audit', 'sessions',
  'apartments'];

// statements that read a whole table on purpose: the year-end report and
// the dashboard count every tenancy of the year (they are timed by make
// bench, not paged)
const WHOLE_TABLE_OK = [
  /^SELECT count\(\*\) AS started,/,	// kvarboende: per person and per tenancy
  /^SELECT substr\(move_in_date, 1, 4\) AS year,/,	// kvarboende: cohorts at 12/24 months
  /^SELECT CAST\(julianday\(CASE WHEN unknown THEN known_until WHEN ongoing/,	// kvarboende: Kaplan-Meier
  /^SELECT julianday\(x\.decision_date\) - julianday\(f\.sent_at/,	// kvarboende: waiting times (median in C)
  /^SELECT julianday\(g\.first_move\) - julianday\(g\.first_decision\)/,
];

const routes = JSON.parse(runBin(['routes']).stdout).filter((r) => r.method === 'GET' && !r.public);
// a person each role may see (with a tenancy and decisions), and ids of
// that person's rows, so detail pages answer 200 and run their queries
function idsFor(user) {
  const who = q(`SELECT id, district_id FROM users WHERE username = '${user}'`)[0];
  const scope = {
    cm1: `EXISTS (SELECT 1 FROM person_case_managers c WHERE c.person_id = p.id AND c.user_id = ${who.id} AND c.ended_at IS NULL)`,
    soc1: `p.district_id = ${who.district_id}`,
  }[user] || '1 = 1';
  const person = q(`SELECT p.id FROM persons p WHERE ${scope} AND EXISTS (SELECT 1 FROM tenancies t WHERE t.person_id = p.id)
    AND EXISTS (SELECT 1 FROM incidents i JOIN tenancies t ON t.id = i.tenancy_id WHERE t.person_id = p.id)
    AND EXISTS (SELECT 1 FROM plans l WHERE l.person_id = p.id) ORDER BY p.id LIMIT 1`)[0].id;
  const one = (s) => (q(s)[0] || {}).id;
  return {
    persons: person,
    plans: one(`SELECT id FROM plans WHERE person_id = ${person}`),
    referrals: one(`SELECT max(id) AS id FROM referrals WHERE person_id = ${person}`),
    tenancies: one(`SELECT max(id) AS id FROM tenancies WHERE person_id = ${person}`),
    apartments: one(`SELECT apartment_id AS id FROM tenancies WHERE person_id = ${person}`),
    incidents: one(`SELECT max(i.id) AS id FROM incidents i JOIN tenancies t ON t.id = i.tenancy_id WHERE t.person_id = ${person}`),
    checklists: one(`SELECT max(c.id) AS id FROM checklists c JOIN tenancies t ON t.id = c.tenancy_id WHERE t.person_id = ${person} AND c.state <> 'draft'`),
    decisions: one(`SELECT min(id) AS id FROM decisions WHERE person_id = ${person}`),
    users: one('SELECT min(id) AS id FROM users'),
  };
}
const FILTERS = {
  // the search: a name (one word, two, with a district: its own walk), a
  // personnummer's start and a whole one; the next pages look up their keys
  '/persons': ['?q=An', '?q=Anna%20And', '?q=An&district=1', '?district=1', '?q=19', '?q=19121212-1212'],
  '/referrals': ['?state=sent', '?district=1', '?wait=30'],
  '/tenancies': ['?state=ongoing', '?ready=1', '?state=ended'],
  '/incidents': ['?state=open', '?kind=rent_arrears'],
  '/checklists': ['?state=sent', '?state=reviewed', '?state=draft'],
  '/apartments': ['?status=available', '?status=let'],
  '/audit': ['?action=read', '?entity=person'],
  '/visits': [],
};
const USERS = { socialsekreterare: 'soc1', case_manager: 'cm1', landlord: 'fast1', manager: 'chef1', admin: 'admin1' };

let requests = 0;
test('every GET route, as every role that may use it, with filters and next pages', async () => {
  const clients = {}, ids = {};
  for (const [role, user] of Object.entries(USERS)) {
    clients[role] = new Client(srv.url);
    assert.equal((await clients[role].login(user)).status, 303);
    ids[role] = idsFor(user);
  }
  for (const r of routes) {
    for (const role of r.roles) {
      const c = clients[role];
      const table = (r.pattern.match(/^\/(?:admin\/)?([a-z-]+)\/\{id\}/) || [])[1];
      const path = r.pattern.replace('{id}', String(ids[role][table] ?? 1));
      const paths = [path, ...(FILTERS[path] || []).map((f) => path + f)];
      for (const p of paths) {
        const res = await c.get(p);
        requests++;
        assert.ok(res.status < 500, `${role} ${p}: ${res.status}`);
        if (process.env.VERBOSE) console.log(res.status, role, p);
        const next = /href="([^"]*[?&;](?:after|before|page)=[^"]*)"/.exec(res.body);
        if (next) {
          const n = await c.get(next[1].replace(/&amp;/g, '&'));
          requests++;
          assert.ok(n.status < 500, `${role} ${next[1]}: ${n.status}`);
        }
      }
    }
  }
  assert.ok(requests > 100, `requests made: ${requests}`);
});

test('support without an apartment at scale: the first 500, and says so', async () => {
  const c = new Client(srv.url);
  await c.login('chef1');
  const today = new Date().toLocaleDateString('sv-SE');
  const n = q(`SELECT count(*) AS n FROM persons p WHERE NOT EXISTS (SELECT 1 FROM tenancies t WHERE t.person_id = p.id AND t.end_date IS NULL)
    AND NOT EXISTS (SELECT 1 FROM tenancies t WHERE t.person_id = p.id AND t.end_reason = 'deceased')
    AND EXISTS (SELECT 1 FROM decisions x WHERE x.person_id = p.id AND x.replaced_by_id IS NULL AND x.end_date >= '${today}')`)[0].n;
  const view = (await c.get('/persons/without-apartment', { json: true })).json();
  assert.equal(view.rows.length, Math.min(n, 500), `${n} persons qualify`);
  assert.ok(n > 500, `the generated data has more than a page: ${n}`);
  assert.equal(view.truncated, true);
  assert.match((await c.get('/persons/without-apartment')).body, /Listan visar de första 500/);
  const moved = view.rows.filter((r) => r.last_moved_out).map((r) => r.last_moved_out);
  assert.deepEqual(moved, [...moved].sort(), 'moved out longest ago first');
});

/* Returns the plan lines, with their SQL, that read a big table from end
 * to end in a plan log's text ("-- SQL" then SQLite's "id parent detail"
 * lines, or PostgreSQL's EXPLAIN lines when pg). */
function fullScans(text, pg = !!PG) {
  const bad = [];
  for (const b of text.split('\n\n').filter((x) => x.startsWith('-- '))) {
    const [head, ...plan] = b.split('\n');
    const sqlText = head.slice(3);
    if (WHOLE_TABLE_OK.some((re) => re.test(sqlText))) continue;
    const alias = {};
    for (const m of sqlText.matchAll(/\b(?:FROM|JOIN)\s+(\w+)(?:\s+AS)?\s+(\w+)/gi)) alias[m[2]] = m[1];
    for (const line of plan) {
      if (pg) {	// "->  Seq Scan on visits v  (cost=...)": the table's own name
        const m = /\bSeq Scan on (\w+)/.exec(line);
        if (m && BIG.includes(m[1])) bad.push(`${line.trim().replace(/  \(cost.*/, '')} (${m[1]})\n   in: ${sqlText}`);
        continue;
      }
      const m = /^\d+ \d+ SCAN (\w+)$/.exec(line);
      const table = m && (alias[m[1]] || m[1]);
      if (table && BIG.includes(table)) bad.push(`${line} (${table})\n   in: ${sqlText}`);
    }
  }
  return bad;
}

test('the checker tells a full scan from an index walk', () => {
  const log = '-- SELECT v.id FROM visits v WHERE v.note = ?\n2 0 SCAN v\n\n'
    + '-- SELECT id FROM persons ORDER BY last_name LIMIT 51\n3 0 SCAN persons USING INDEX persons_name\n\n'
    + '-- SELECT t.id FROM tenancies t WHERE t.id < coalesce(?, 9) ORDER BY t.id DESC\n2 0 SEARCH t USING INTEGER PRIMARY KEY (rowid<?)\n\n'
    + '-- SELECT d.name FROM districts d\n2 0 SCAN d\n\n';
  const bad = fullScans(log, false);
  assert.equal(bad.length, 1, bad.join('\n'));
  assert.match(bad[0], /SCAN v \(visits\)/);
  // PostgreSQL's EXPLAIN, as src/db_pg.c logs it
  const pgLog = '-- SELECT v.id FROM visits v WHERE v.note = $1\nSeq Scan on visits v  (cost=1e10..1e10 rows=1 width=8)\n  Filter: (note = $1)\n\n'
    + '-- SELECT id FROM persons ORDER BY last_name LIMIT 51\nLimit  (cost=0.28..5.1 rows=51 width=8)\n  ->  Index Scan using persons_name on persons  (cost=0.28..290 rows=3000 width=8)\n\n'
    + '-- SELECT d.name FROM districts d JOIN tenancies t ON t.id = $1\nNested Loop  (cost=0.28..9.3 rows=4 width=6)\n'
    + '  ->  Index Only Scan using tenancies_pkey on tenancies t  (cost=0.28..8.3 rows=1 width=0)\n        Index Cond: (id = $1)\n'
    + '  ->  Seq Scan on districts d  (cost=1e10..1e10 rows=4 width=6)\n\n'
    + '-- SELECT count(*) AS started, x FROM tenancies\nAggregate\n  ->  Seq Scan on tenancies  (cost=1e10..1e10 rows=900 width=0)\n\n';
  const pgBad = fullScans(pgLog, true);
  assert.equal(pgBad.length, 1, pgBad.join('\n'));
  assert.match(pgBad[0], /^Seq Scan on visits v .*\(visits\)/);
});

test('no list or detail query scans a big table', () => {
  const text = readFileSync(planLog, 'utf8');
  const statements = new Set(text.split('\n').filter((l) => l.startsWith('-- '))).size;
  assert.ok(statements >= 85, `distinct statements logged: ${statements}`);
  const bad = fullScans(text);
  assert.deepEqual(bad, [], `full scans:\n${bad.join('\n\n')}`);
});

await run({ after: () => srv.stop() });

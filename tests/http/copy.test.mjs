// copy.test.mjs - `bostadforst copy`: a demo installation on SQLite, with a
// visit and an incident written through the pages, moved into a new
// PostgreSQL database (a cluster of this suite's own: it runs the same with
// or without BF_TEST_PG). Then a server on each: the statusrapport CSV of
// this year and of last year are the same bytes, a person's page shows the
// same person and visits, the next person made on PostgreSQL gets an id past
// the copied ones; a second copy into the now full database is refused and
// changes nothing.
import assert from 'node:assert/strict';
import http from 'node:http';
import { test, run } from '../lib/t.mjs';
import { startServer, Client, sql, runBin, oncePerRun } from '../lib/server.mjs';
import { startPg } from '../lib/pg.mjs';

oncePerRun('it copies a SQLite database into its own PostgreSQL cluster');

const pad = (n) => String(n).padStart(2, '0');
const d = new Date();
const today = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
const year = d.getFullYear();

// the source: the demo on SQLite, and writes through the pages
const lite = await startServer({ engine: 'sqlite' });
const liteDb = lite.db;
const cm1 = new Client(lite.url);
await cm1.login('cm1');
const q = (s) => sql(liteDb, s);
const person = q(`SELECT t.person_id AS id, t.id AS tenancy FROM tenancies t JOIN person_case_managers c ON c.person_id = t.person_id
  JOIN users u ON u.id = c.user_id WHERE u.username = 'cm1' AND c.ended_at IS NULL AND t.end_date IS NULL ORDER BY t.id LIMIT 1`)[0];
assert.ok(person, 'a demo participant of cm1 with a tenancy');
const NOTE = 'Kopieringsprov: hembesök, pratade om hyran';
let r = await cm1.post('/visits', { person_id: String(person.id), date: today, kind: 'home', met: '1', note: NOTE });
assert.equal(r.status, 303, r.body.slice(0, 300));
r = await cm1.post(`/tenancies/${person.tenancy}/incidents`, { kind: 'disturbance', date: today,
  landlord_text: 'Oväsen i trappan.', internal_note: 'Kopieringsprov intern', housing_related: '1' });
assert.equal(r.status, 303, r.body.slice(0, 300));
await lite.stop({ keep: true });
const lastName = q(`SELECT last_name FROM persons WHERE id = ${person.id}`)[0].last_name;

const pg = await startPg();
const url = pg.createDb('copy_target');	// as bf_owner, who owns the tables
const pq = (s) => pg.query(url, s);
const copied = runBin(['copy', '--from', liteDb, '--to', url]);
let litePg, pgSrv;

test('copy moves every table: exit 0, a count per table that agrees, no values printed', () => {
  assert.equal(copied.code, 0, copied.stderr);
  assert.match(copied.stdout, /^persons +\d+ +\d+$/m);
  for (const t of ['visits', 'incidents', 'audit', 'users', 'districts', 'decisions', 'settings', 'config_items']) {
    const n = q(`SELECT count(*) AS n FROM ${t}`)[0].n;
    assert.ok(new RegExp(`^${t} +${n} +${n}$`, 'm').test(copied.stdout), `${t}: ${n} on both sides`);
    assert.equal(pq(`SELECT count(*) AS n FROM ${t}`)[0].n, n, `${t} in PostgreSQL`);
  }
  assert.match(copied.stdout, /the counts agree/);
  assert.ok(!copied.stdout.includes(lastName) && !copied.stdout.includes('bf_owner_test_pw'), 'no names, no password');
  // what the triggers would have added or changed is as SQLite had it
  for (const s of ['SELECT id, pair_id, twin_of, kind FROM decisions ORDER BY id',
    'SELECT id, search_first, search_last, housed, last_moved_out FROM persons ORDER BY id',
    'SELECT name, value FROM settings ORDER BY name', 'SELECT id, note FROM visits ORDER BY id'])
    assert.deepEqual(pq(s), q(s), s);
  // the keys and triggers are back as the migrations made them
  assert.equal(pq("SELECT count(*) AS n FROM pg_constraint WHERE contype = 'f' AND condeferrable")[0].n, 0);
  assert.equal(pq("SELECT count(*) AS n FROM pg_trigger WHERE NOT tgisinternal AND tgenabled <> 'O'")[0].n, 0);
});

// Downloads path as bytes with client's cookies.
function getBytes(client, path) {
  return new Promise((resolve, reject) => {
    http.get(client.base + path, { headers: { Cookie: [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } }, (res) => {
      const ch = [];
      res.on('data', (x) => ch.push(x));
      res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(ch) }));
    }).on('error', reject);
  });
}

test('a server on each: the statusrapport CSV of this year and last year are the same bytes', async () => {
  litePg = await startServer({ db: liteDb });
  pgSrv = await startServer({ db: pg.appUrl(url) });	// served as bf_app, as in production
  const a = new Client(litePg.url), b = new Client(pgSrv.url);
  assert.equal((await a.login('chef1')).status, 303);
  assert.equal((await b.login('chef1')).status, 303, 'the copied password hash logs in');
  for (const y of [year, year - 1]) {
    const x = await getBytes(a, `/reports/status?year=${y}&format=csv`);
    const z = await getBytes(b, `/reports/status?year=${y}&format=csv`);
    assert.equal(x.status, 200);
    assert.equal(z.status, 200, z.body.toString('utf8').slice(0, 300));
    assert.ok(x.body.length > 500 && x.body.toString('utf8').includes(`Avseende år: ${y}`), `a statusrapport for ${y}`);
    assert.equal(z.body.toString('hex'), x.body.toString('hex'), `statusrapport ${y}: the same bytes`);
  }
});

test("a person's page shows the same person and visits on both", async () => {
  const a = new Client(litePg.url), b = new Client(pgSrv.url);
  await a.login('cm1');
  await b.login('cm1');
  const x = await a.get(`/persons/${person.id}`, { json: true }), z = await b.get(`/persons/${person.id}`, { json: true });
  assert.equal(x.status, 200);
  assert.equal(z.status, 200, z.body.slice(0, 300));
  const jx = x.json(), jz = z.json();
  assert.equal(jx.person.last_name, lastName);
  assert.deepEqual(jz.person, jx.person);
  assert.deepEqual(jz.timeline, jx.timeline);
  assert.ok(JSON.stringify(jx.timeline).includes('hembesök') || JSON.stringify(jx.timeline).length > 100, 'the timeline has entries');
  const vx = await a.get(`/visits?person=${person.id}`), vz = await b.get(`/visits?person=${person.id}`);
  assert.equal(vz.status, 200);
  assert.ok(vx.body.includes(NOTE), 'the visit written before the copy');
  assert.ok(vz.body.includes(NOTE), 'the visit is on PostgreSQL too');
  const h1 = (s) => /<h1[^>]*>([\s\S]*?)<\/h1>/.exec(s)[1];
  const px = await a.get(`/persons/${person.id}`), pz = await b.get(`/persons/${person.id}`);
  assert.equal(h1(pz.body), h1(px.body));
  assert.ok(h1(px.body).includes(lastName));
});

test('a person made on PostgreSQL after the copy gets an id past the copied ones', async () => {
  const maxId = pq('SELECT max(id) AS n FROM persons')[0].n;
  const soc = new Client(pgSrv.url);
  await soc.login('soc1');
  const res = await soc.post('/persons', { personnummer: '19791231-9873', first_name: 'Efter', last_name: 'Kopian' });
  assert.equal(res.status, 303, res.body.slice(0, 400));
  const id = Number(/\/persons\/(\d+)/.exec(res.headers.location)[1]);
  assert.ok(id > maxId, `new id ${id} > ${maxId}`);
  assert.equal(pq(`SELECT last_name FROM persons WHERE id = ${id}`)[0].last_name, 'Kopian');
});

test('copy refuses a database that has rows: exit 1, says why, changes nothing', () => {
  const before = pq('SELECT (SELECT count(*) FROM persons) AS p, (SELECT count(*) FROM audit) AS a, (SELECT count(*) FROM settings) AS s');
  const again = runBin(['copy', '--from', liteDb, '--to', url]);
  assert.equal(again.code, 1);
  assert.match(again.stderr, /PostgreSQL database is not empty \(table \w+ has rows\)/);
  assert.ok(!/Sanitizer|runtime error/.test(again.stderr), again.stderr);
  assert.deepEqual(pq('SELECT (SELECT count(*) FROM persons) AS p, (SELECT count(*) FROM audit) AS a, (SELECT count(*) FROM settings) AS s'), before);
  assert.equal(pq("SELECT count(*) AS n FROM pg_trigger WHERE NOT tgisinternal AND tgenabled <> 'O'")[0].n, 0, 'triggers on');
});

test('copy refuses a source of another schema version and a --to that is not PostgreSQL', () => {
  const other = pg.createDb('copy_other');
  sql(liteDb, 'UPDATE schema_migrations SET version = 999 WHERE version = (SELECT max(version) FROM schema_migrations)');
  try {
    const r1 = runBin(['copy', '--from', liteDb, '--to', other]);
    assert.equal(r1.code, 1);
    assert.match(r1.stderr, /schema version 999/);
    assert.ok(!/Sanitizer|runtime error/.test(r1.stderr), r1.stderr);
  } finally {
    sql(liteDb, 'UPDATE schema_migrations SET version = (SELECT count(*) FROM schema_migrations) WHERE version = 999');
  }
  assert.equal(pg.query(other, "SELECT to_regclass('public.persons') IS NULL AS empty")[0].empty, true, 'nothing made');
  const r2 = runBin(['copy', '--from', liteDb, '--to', liteDb]);
  assert.equal(r2.code, 2);
  assert.match(r2.stderr, /--to must be a PostgreSQL connection string/);
});

test('a value PostgreSQL refuses rolls the whole copy back, and the message names the column, not the value', () => {
  const other = pg.ownerUrl('copy_other');	// made by the test before, still empty
  const victim = q('SELECT max(id) AS id FROM persons')[0].id;
  const was = q(`SELECT district_id FROM persons WHERE id = ${victim}`)[0].district_id;
  sql(liteDb, `UPDATE persons SET district_id = 'Hemligt-värde' WHERE id = ${victim}`);	// text in an INTEGER column
  try {
    const r = runBin(['copy', '--from', liteDb, '--to', other]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /persons: invalid input syntax for type bigint \(SQLSTATE 22P02\); COPY persons, line \d+, column district_id/);
    assert.ok(!/Hemligt/.test(r.stderr + r.stdout), 'no value printed');
    assert.ok(!/Sanitizer|runtime error/.test(r.stderr), r.stderr);
  } finally {
    sql(liteDb, `UPDATE persons SET district_id = ${was} WHERE id = ${victim}`);
  }
  // a decimal SQLite keeps in an INTEGER column (a rent of 4500.5 kronor): refused, not rounded
  const apt = q('SELECT id, rent AS a FROM apartments ORDER BY id LIMIT 1')[0];
  sql(liteDb, `UPDATE apartments SET rent = 4500.5 WHERE id = ${apt.id}`);
  try {
    const r = runBin(['copy', '--from', liteDb, '--to', other]);
    assert.equal(r.code, 1);
    assert.ok(r.stderr.includes(`table apartments, id ${apt.id}, column rent: a decimal number in an integer column`), r.stderr);
    assert.ok(!r.stderr.includes('4500'), 'no value printed');
  } finally {
    sql(liteDb, `UPDATE apartments SET rent = ${apt.a} WHERE id = ${apt.id}`);
  }
  const n = (t) => pg.query(other, `SELECT count(*) AS n FROM ${t}`)[0].n;
  assert.deepEqual([n('persons'), n('users'), n('audit'), n('settings'), n('decision_texts')], [0, 0, 0, 2, 2],
    'nothing copied, the seeded rows as the migrations made them');
  assert.equal(pg.query(other, "SELECT count(*) AS n FROM pg_trigger WHERE NOT tgisinternal AND tgenabled <> 'O'")[0].n, 0);
  // and the copy then goes through
  const ok = runBin(['copy', '--from', liteDb, '--to', other]);
  assert.equal(ok.code, 0, ok.stderr);
});

run({
  after: async () => {
    if (litePg) await litePg.stop();
    if (pgSrv) await pgSrv.stop();
    await pg.stop();
  },
});

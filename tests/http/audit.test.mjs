// audit.test.mjs - every read of personal data leaves an audit row, lists
// and searches included: generated from the route table, so a new page is
// covered. For every GET route and every role that may use it, the names
// and personnummer of persons the answer shows must each have a "read" row
// for that user, written by that request. Then loggkontroll: who has looked
// at a person, what a user has looked at, as a page and as CSV.
import assert from 'node:assert/strict';
import { test, run } from '../lib/t.mjs';
import { startServer, Client, sql, runBin, DEMO_USERS } from '../lib/server.mjs';
import { idFor } from '../lib/ids.mjs';

const routes = JSON.parse(runBin(['routes']).stdout);
const srv = await startServer();
const q = (s) => sql(srv.db, s);
const users = ['soc1', 'cm1', 'fast1', 'chef1', 'admin1'];
const c = {};
for (const u of users) { c[u] = new Client(srv.url); await c[u].login(u); }
const uid = Object.fromEntries(q('SELECT id, username FROM users').map((x) => [x.username, x.id]));
const persons = q("SELECT id, first_name || ' ' || last_name AS name, personnummer FROM persons");

/* The persons an HTML or JSON body shows by name or personnummer. */
function shown(body) {
  const ids = new Set();
  for (const p of persons) {
    if (body.includes(p.name) || (p.personnummer && body.includes(p.personnummer))) ids.add(p.id);
  }
  return ids;
}

const gets = routes.filter((r) => r.method === 'GET' && !r.public);
const extra = ['/persons?q=a', '/persons?q=Alva', '/referrals?state=sent', '/tenancies?state=all', '/visits?person=1'];

test('every GET route, every role: each person shown is audited for that user by that request', async () => {
  const missing = [];
  let checked = 0;
  for (const rt of gets) {
    for (const u of users.filter((x) => rt.roles.includes(DEMO_USERS[x]))) {
      const paths = [rt.pattern.replace('{id}', idFor(q, rt.pattern, u)).replaceAll('{id}', '1')];
      if (rt.pattern === '/persons') paths.push(...extra.filter((e) => e.startsWith('/persons')));
      for (const path of paths) {
        for (const json of [false, true]) {
          const before = q('SELECT coalesce(max(id), 0) AS m FROM audit')[0].m;
          if (process.env.TRACE) console.error(u, path, json);
          const r = await c[u].get(path, { json });
          if (r.status !== 200) continue;
          const audited = new Set(q(`SELECT person_id FROM audit WHERE id > ${before} AND user_id = ${uid[u]} AND action = 'read' AND person_id IS NOT NULL`).map((x) => x.person_id));
          for (const id of shown(r.body)) {
            checked++;
            if (!audited.has(id)) missing.push(`${u} ${json ? 'JSON' : 'HTML'} ${path}: person ${id}`);
          }
        }
      }
    }
  }
  assert.ok(checked > 100, `checked ${checked} person appearances`);
  const pages = [...new Set(missing.map((m) => m.replace(/: person \d+$/, '')))];
  if (pages.length) console.error(pages.join('\n'));
  assert.equal(pages.length, 0, 'pages that show persons without an audit row (listed above)');
});

test('loggkontroll: who has looked at this person, what has this user looked at, as CSV too', async () => {
  const p = q("SELECT id, personnummer, first_name || ' ' || last_name AS name FROM persons WHERE personnummer IS NOT NULL AND id IN " +
    `(SELECT person_id FROM person_case_managers WHERE user_id = ${uid.cm1} AND ended_at IS NULL) LIMIT 1`)[0];
  assert.equal((await c.cm1.get(`/persons/${p.id}`)).status, 200);
  const short = p.personnummer.slice(2);	// ÅÅMMDD-NNNN, as people type it
  const page = await c.chef1.get(`/audit?person=${encodeURIComponent(short)}`, { json: true });
  assert.equal(page.status, 200);
  const rows = page.json().rows;
  assert.ok(rows.length >= 1 && rows.every((r) => r.person_id_text === String(p.id)), 'only this person');
  assert.ok(rows.some((r) => r.user === 'cm1' && r.action === 'read' && r.entity === 'Personakt'), 'cm1 read the record');
  assert.ok(rows.every((r) => r.person_name === p.name), 'the manager sees the name');
  const html = await c.chef1.get(`/audit?person=${encodeURIComponent(short)}`);
  assert.match(html.body, /<option value="person">Personakt<\/option>/, 'Swedish choices for the kind of data');
  const csv = await c.chef1.get(`/audit?person=${encodeURIComponent(short)}&format=csv`);
  assert.equal(csv.status, 200);
  assert.match(csv.headers['content-disposition'], /atkomstlogg\.csv/);
  const lines = csv.body.replace(/^\uFEFF/, '').split('\r\n').filter(Boolean);
  assert.equal(lines[0], 'Tid;Användare;Händelse;Uppgift;Id;Person-id;Person;Personnummer');
  assert.ok(lines.slice(1).some((l) => l.includes(';cm1;Läste;Personakt;') && l.endsWith(`;${p.name};${p.personnummer}`)), lines.join('\n'));
  // what has cm1 looked at today, CSV
  const today = new Date().toISOString().slice(0, 10);
  const mine = await c.chef1.get(`/audit?user=cm1&action=read&from=${today}&to=${today}&format=csv`);
  assert.ok(mine.body.split('\r\n').length > 3);
  assert.ok(!/;(?!cm1;)[a-z0-9.]+;Läste;/.test(mine.body.split('\r\n').slice(1).join('\n').replace(/^[^;]*;cm1;/gm, '')), 'only cm1');
  // digits only, 10 or 12, are a personnummer too (not an id)
  for (const digits of [p.personnummer.replace('-', ''), p.personnummer.slice(2).replace('-', '')]) {
    const d = (await c.chef1.get(`/audit?person=${digits}`, { json: true })).json();
    assert.ok(d.rows.length >= 1 && d.rows.every((r) => r.person_id_text === String(p.id)), `by ${digits}`);
  }
  // the admin sees ids, not names, and cannot test whether a personnummer is in the register
  const a = (await c.admin1.get(`/audit?person=${p.id}`, { json: true })).json();
  assert.ok(a.rows.length >= 1 && a.rows.every((r) => r.person_name === ''));
  const ac = await c.admin1.get(`/audit?person=${p.id}&format=csv`);
  assert.ok(!ac.body.includes(p.personnummer) && !ac.body.includes(p.name));
  const probe = await c.admin1.get(`/audit?person=${encodeURIComponent(short)}`);
  assert.equal(probe.status, 400);
  assert.match(probe.body, /Personnummer kan bara chefen söka på/);
  assert.match((await c.chef1.get('/audit?user=finnsinte')).body, /Det finns ingen användare med det användarnamnet/);
  assert.equal((await c.chef1.get('/audit?person=19000101-0000')).status, 400);
  assert.match((await c.chef1.get('/audit?person=abc')).body, /Skriv personnumret/);
});

await run({ after: () => srv.stop() });

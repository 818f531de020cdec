// canary.test.mjs - housing and treatment are separated: the case manager
// writes unique marker strings into every plan field, every visit note
// and every internal incident text; then the landlord office requests
// every route it can reach (every id, HTML and JSON, and its POST forms
// sent back with errors) and no marker may appear anywhere.
import assert from 'node:assert/strict';
import { test, run } from '../lib/t.mjs';
import { startServer, Client, sql, runBin } from '../lib/server.mjs';

const srv = await startServer();
const cm1 = new Client(srv.url), fast1 = new Client(srv.url);
await cm1.login('cm1');
await fast1.login('fast1');
const q = (s) => sql(srv.db, s);
const pad = (n) => String(n).padStart(2, '0');
const d = new Date();
const today = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
const MARK = 'KANARIE';
let n = 0;
const marker = (what) => `${MARK}-${what}-${++n}`;

test('markers go into every plan, visit and internal incident text', async () => {
  const persons = q(`SELECT DISTINCT t.person_id AS id FROM tenancies t JOIN person_case_managers c ON c.person_id = t.person_id
    JOIN users u ON u.id = c.user_id WHERE u.username = 'cm1' AND c.ended_at IS NULL`).map((r) => r.id);
  assert.ok(persons.length >= 4, 'demo participants of cm1 with tenancies');
  for (const p of persons) {
    // visit note and a correction
    let r = await cm1.post('/visits', { person_id: String(p), date: today, kind: 'home', met: '1', note: marker('besök') });
    assert.equal(r.status, 303);
    const v = q(`SELECT max(id) AS id FROM visits WHERE person_id = ${p}`)[0].id;
    r = await cm1.post('/visits', { person_id: String(p), date: today, kind: 'office', met: '1', note: marker('rättelse'), corrects: String(v) });
    assert.equal(r.status, 303);
    // a plan version with a marker in every field of every area
    const plan = q(`SELECT id, current_version FROM plans WHERE person_id = ${p}`)[0];
    const form = { follow_up_dates: today, agreed_date: today, agreed_how: marker('godkänd') };
    const areas = ['Boende', 'Ekonomi', 'Hälsa', 'Missbruk och skademinskning'];
    areas.forEach((area, i) => {
      form[`a${i}_area`] = area;
      for (const f of ['goal', 'strengths', 'needs', 'what', 'how', 'when', 'who']) form[`a${i}_${f}`] = marker(`plan-${f}`);
    });
    r = plan ? await cm1.post(`/plans/${plan.id}`, { ...form, base_version: String(plan.current_version) })
      : await cm1.post(`/persons/${p}/plan`, form);
    assert.equal(r.status, 303, r.body.slice(0, 300));
    // incidents: a housing-related one with an internal note, one not housing-related at all
    const t = q(`SELECT id FROM tenancies WHERE person_id = ${p} AND end_date IS NULL`)[0];
    if (!t) continue;
    r = await cm1.post(`/tenancies/${t.id}/incidents`, { kind: 'disturbance', date: today, landlord_text: 'Oväsen i trappan.',
      internal_note: marker('intern'), housing_related: '1' });
    assert.equal(r.status, 303);
    r = await cm1.post(`/tenancies/${t.id}/incidents`, { kind: 'other', date: today, landlord_text: marker('ej-boende'),
      action_taken: marker('ej-boende-åtgärd'), internal_note: marker('intern2'), housing_related: '0' });
    assert.equal(r.status, 303);
  }
  assert.ok(n > 100, `${n} markers written`);
  const stored = q(`SELECT (SELECT count(*) FROM visits WHERE note LIKE '${MARK}%') + (SELECT count(*) FROM plan_versions WHERE areas LIKE '%${MARK}%')
    + (SELECT count(*) FROM incidents WHERE internal_note LIKE '${MARK}%') AS n`)[0].n;
  assert.ok(stored > 10, 'the markers are stored');
});

/* Ids to try for a route pattern: every row of the table its path names. */
function idsFor(pattern) {
  const table = { apartments: 'apartments', tenancies: 'tenancies', incidents: 'incidents', checklists: 'checklists',
    persons: 'persons', plans: 'plans', referrals: 'referrals', decisions: 'decisions' }[pattern.split('/')[1]];
  return table ? q(`SELECT id FROM ${table}`).map((r) => r.id) : [];
}

test('no marker in anything the landlord office can reach (HTML, JSON, error forms)', async () => {
  const routes = JSON.parse(runBin(['routes']).stdout).filter((r) => r.roles.includes('landlord'));
  assert.ok(routes.length >= 10, 'the landlord has routes');
  const leaks = [];
  let requests = 0;
  const check = (what, body) => { requests++; if (body.includes(MARK)) leaks.push(what); };
  for (const r of routes) {
    const paths = r.pattern.includes('{id}') ? idsFor(r.pattern).map((id) => r.pattern.replace('{id}', id)) : [r.pattern];
    for (const path of paths) {
      if (r.method === 'GET') {
        const variants = [path, `${path}?state=all`, `${path}?state=reviewed`, `${path}?state=ended`, `${path}?state=resolved`];
        for (const v of r.pattern.includes('{id}') ? [path] : variants) {
          check(`GET ${v}`, (await fast1.get(v)).body);
          check(`GET ${v} json`, (await fast1.get(v, { json: true })).body);
        }
      } else if (r.pattern !== '/logout') {
        const res = await fast1.post(path, { kind: 'nonsense', date: 'x' });
        assert.ok(res.status < 500, `POST ${path} ${res.status}`);
        check(`POST ${path}`, res.body);
        check(`POST ${path} json`, (await fast1.post(path, { kind: 'nonsense' }, { json: true })).body);
      }
    }
  }
  assert.ok(requests > 200, `${requests} responses checked`);
  assert.deepEqual(leaks, [], 'the landlord office saw treatment text');
});

test('the case side does see the markers (the canary can sing)', async () => {
  const p = q(`SELECT person_id FROM visits WHERE note LIKE '${MARK}%' LIMIT 1`)[0].person_id;
  assert.match((await cm1.get(`/visits?person=${p}`)).body, new RegExp(MARK));
  const plan = q(`SELECT id FROM plans WHERE person_id = ${p}`)[0].id;
  assert.match((await cm1.get(`/plans/${plan}`)).body, new RegExp(MARK));
  const inc = q(`SELECT id FROM incidents WHERE internal_note LIKE '${MARK}%' LIMIT 1`)[0].id;
  assert.match((await cm1.get(`/incidents/${inc}`)).body, new RegExp(MARK));
});

await run({ after: () => srv.stop() });

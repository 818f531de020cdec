// living.test.mjs - living there: move-in, the takeover indicator (each
// condition), the end and a second chance, incidents (the landlord never
// sees the internal note), the visit journal (corrections keep the
// original), the genomförandeplan's versions, the monthly checklist from
// draft to review, and the admin's lists.
import assert from 'node:assert/strict';
import { test, run } from '../lib/t.mjs';
import { startServer, Client, sql } from '../lib/server.mjs';

const srv = await startServer();
const c = {};
for (const u of ['soc1', 'soc2', 'cm1', 'cm2', 'chef1', 'fast1', 'admin1']) {
  c[u] = new Client(srv.url);
  await c[u].login(u);
}
const q = (s) => sql(srv.db, s);
const pad = (n) => String(n).padStart(2, '0');
const ymd = (d) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
const today = ymd(new Date());
const monthsAgo = (m) => { const d = new Date(); d.setDate(1); d.setMonth(d.getMonth() - m); return ymd(d); };
const daysAgo = (n) => { const d = new Date(); d.setDate(d.getDate() - n); return ymd(d); };
const centrum = q("SELECT id FROM districts WHERE name = 'Centrum'")[0].id;
const uid = (u) => q(`SELECT id FROM users WHERE username = '${u}'`)[0].id;

let serial = 0;
/* A person in Centrum with a current decision pair (in force since 30 months: a move-in needs a housing decision in force), assigned to cm1. */
function person(first) {
  serial++;
  const pnr = `19${70 + serial}0101-00${pad(serial)}`;
  const id = q(`INSERT INTO persons(personnummer, first_name, last_name, district_id, created_at, updated_at)
    VALUES('${pnr}', '${first}', 'Testsson', ${centrum}, 0, 0) RETURNING id`)[0].id;
  q(`INSERT INTO decisions(person_id, district_id, decision_date, start_date, end_date, review_clause, support_kind,
    created_at, updated_at) VALUES(${id}, ${centrum}, '${monthsAgo(30)}', '${monthsAgo(30)}', '${monthsAgo(-17)}', 'x', 'internal', 0, 0)`);
  q(`INSERT INTO person_case_managers(person_id, user_id, started_at) VALUES(${id}, ${uid('cm1')}, 0)`);
  return id;
}
/* An available apartment in Centrum. */
function apartment(address) {
  return q(`INSERT INTO apartments(address, district_id, rooms, area_m2, rent, created_at, updated_at)
    VALUES('${address}', ${centrum}, 1, 30, 5000, 0, 0) RETURNING id`)[0].id;
}
async function moveIn(personId, aptId, date, extra = {}) {
  const r = await c.fast1.post(`/apartments/${aptId}/tenancies`, { person_id: String(personId), move_in_date: date, ...extra });
  return r;
}
/* The id in a redirect's path (it may end in ?klart=CODE). */
const idIn = (location) => Number(location.match(/\/(\d+)(?:\?|$)/)[1]);
const tenancyOf = (personId) => q(`SELECT * FROM tenancies WHERE person_id = ${personId} ORDER BY id DESC`)[0];

test('the landlord office registers a move-in; the apartment becomes let; ordinal derived', async () => {
  const p = person('Inga'), a = apartment('Provgatan 1');
  assert.equal((await c.cm1.post(`/apartments/${a}/tenancies`, { person_id: String(p), move_in_date: today })).status, 403);
  const form = await c.fast1.get(`/apartments/${a}/tenancies/new`);
  assert.equal(form.status, 200);
  assert.match(form.body, /Inga Testsson/, 'the person with a decision is offered');
  assert.doesNotMatch(form.body, /19\d{6}-\d{4}/, 'no personnummer for the landlord office');
  const r = await moveIn(p, a, monthsAgo(10));
  assert.equal(r.status, 303);
  const t = tenancyOf(p);
  assert.equal(t.ordinal, 1);
  assert.equal(t.end_date, null);
  assert.equal(q(`SELECT status FROM apartments WHERE id = ${a}`)[0].status, 'let');
  assert.equal(q(`SELECT count(*) AS n FROM audit WHERE entity = 'tenancy' AND action = 'create' AND entity_id = ${t.id}`)[0].n, 1);
  const again = await moveIn(person('Otto'), a, today);
  assert.equal(again.status, 409, 'an occupied apartment takes nobody else');
  assert.match(again.body, /Lägenheten har redan en hyresgäst/);
});

test('move-in validation: Swedish errors, typed values kept; ordinal override needs a reason', async () => {
  const p = person('Vera'), a = apartment('Provgatan 2');
  let r = await moveIn(p, a, '2026-02-30');
  assert.equal(r.status, 400);
  assert.match(r.body, /Ange inflyttningsdatum som ÅÅÅÅ-MM-DD/);
  assert.match(r.body, /value="2026-02-30"/);
  r = await moveIn(p, a, today, { ordinal: '3' });
  assert.equal(r.status, 400);
  assert.match(r.body, /Systemet räknar detta som gång 1/);
  assert.equal(q(`SELECT count(*) AS n FROM tenancies WHERE person_id = ${p}`)[0].n, 0, 'nothing stored');
  r = await moveIn(p, a, today, { ordinal: '3', ordinal_reason: 'Bodde i Bostad först 2015 och 2018, före systemet.' });
  assert.equal(r.status, 303);
  assert.equal(tenancyOf(p).ordinal, 3);
  const blocked = apartment('Spärrgatan 1');
  q(`UPDATE apartments SET status = 'blocked' WHERE id = ${blocked}`);
  r = await moveIn(person('Ulf'), blocked, today);
  assert.equal(r.status, 400);
  assert.match(r.body, /Lägenheten är spärrad/);
});

test('takeover indicator: each condition shown and each can block', async () => {
  const p = person('Tora'), a = apartment('Provgatan 3');
  assert.equal((await moveIn(p, a, monthsAgo(10))).status, 303);
  const t = tenancyOf(p).id;
  const ready = async (who = 'fast1') => (await c[who].get(`/tenancies/${t}`, { json: true })).json().tenancy;
  let v = await ready();
  assert.equal(v.ready, true, 'ten months, no open incidents: ready');
  assert.deepEqual(v.conditions.map((x) => x.met), [true, true, true]);
  const list = (await c.fast1.get('/tenancies?ready=1', { json: true })).json().rows;
  assert.ok(list.some((x) => x.id === t), 'in the landlord list of ready tenancies');
  assert.match((await c.fast1.get('/')).body, /Redo för prövning av överlåtelse[\s\S]*Tora Testsson/);

  const r = await c.cm1.post(`/tenancies/${t}/incidents`, { kind: 'rent_arrears', date: today, landlord_text: 'Hyran för oktober saknas.' });
  assert.equal(r.status, 303);
  const arrears = idIn(r.headers.location);
  v = await ready('cm1');
  assert.equal(v.ready, false);
  assert.deepEqual(v.conditions.map((x) => x.met), [true, false, true]);
  assert.match((await c.fast1.get(`/tenancies/${t}`)).body, /Öppen händelse om hyresskuld/);
  const inc = q(`SELECT * FROM incidents WHERE id = ${arrears}`)[0];
  assert.equal((await c.fast1.post(`/incidents/${arrears}`, { kind: 'rent_arrears', date: today, landlord_text: inc.landlord_text,
    resolved_date: today, version: String(inc.version) })).status, 303, 'the landlord resolves it');
  assert.equal((await ready()).ready, true);

  // a disturbance that is not housing-related does not count (nor show)
  await c.cm1.post(`/tenancies/${t}/incidents`, { kind: 'disturbance', date: today, landlord_text: 'Bråk på kontoret.', housing_related: '0' });
  assert.equal((await ready()).ready, true);
  await c.fast1.post(`/tenancies/${t}/incidents`, { kind: 'disturbance', date: today, landlord_text: 'Grannar klagar på oväsen.' });
  v = await ready();
  assert.equal(v.ready, false);
  assert.deepEqual(v.conditions.map((x) => x.met), [true, true, false]);

  const early = person('Ebba'), a2 = apartment('Provgatan 4');
  await moveIn(early, a2, monthsAgo(3));
  v = (await c.fast1.get(`/tenancies/${tenancyOf(early).id}`, { json: true })).json().tenancy;
  assert.deepEqual(v.conditions.map((x) => x.met), [false, true, true]);
  assert.match(v.conditions[0].label, /uppfylls \d{4}-\d\d-\d\d/, 'says when the waiting time is over');
  // the admin's setting moves the line
  const was = (await c.admin1.get('/admin/settings', { json: true })).json().was;
  const adm = await c.admin1.post('/admin/settings', { takeover_months: '2', was });
  assert.equal(adm.status, 303);
  v = (await c.fast1.get(`/tenancies/${tenancyOf(early).id}`, { json: true })).json().tenancy;
  assert.equal(v.ready, true, 'two months is enough after the change');
  assert.equal((await c.admin1.post('/admin/settings', { takeover_months: 'nio' })).status, 400);
  assert.equal((await c.admin1.post('/admin/settings', { takeover_months: '9', was: '2' })).status, 303);
});

test('takeover by the landlord office: date checks, stale form 409, recorded once', async () => {
  const p = person('Siv'), a = apartment('Provgatan 5');
  await moveIn(p, a, monthsAgo(12));
  const t = tenancyOf(p);
  assert.equal((await c.cm1.post(`/tenancies/${t.id}/takeover`, { takeover_date: today, version: '1' })).status, 403);
  let r = await c.fast1.post(`/tenancies/${t.id}/takeover`, { takeover_date: daysAgo(-5), version: String(t.version) });
  assert.equal(r.status, 400);
  assert.match(r.body, /kan inte vara i framtiden/);
  r = await c.fast1.post(`/tenancies/${t.id}/takeover`, { takeover_date: monthsAgo(13), version: String(t.version) });
  assert.match(r.body, /före inflyttningen/);
  r = await c.fast1.post(`/tenancies/${t.id}/takeover`, { takeover_date: today, version: String(t.version + 7), confirmed: '1' });
  assert.equal(r.status, 409);
  assert.equal(tenancyOf(p).takeover_date, null);
  r = await c.fast1.post(`/tenancies/${t.id}/takeover`, { takeover_date: today, version: String(t.version), confirmed: '1' });
  assert.equal(r.status, 303);
  assert.equal(tenancyOf(p).takeover_date, today);
  r = await c.fast1.post(`/tenancies/${t.id}/takeover`, { takeover_date: today, version: String(t.version + 1) });
  assert.equal(r.status, 409, 'cannot be taken over twice');
});

test('end: reasons validated; the support continues; a second chance keeps the first tenancy', async () => {
  const p = person('Rut'), a = apartment('Provgatan 6');
  await moveIn(p, a, monthsAgo(8));
  const t = tenancyOf(p);
  let r = await c.fast1.post(`/tenancies/${t.id}/end`, { end_date: today, end_reason: 'other', version: String(t.version) });
  assert.equal(r.status, 400);
  assert.match(r.body, /Beskriv anledningen när du väljer Annat/);
  r = await c.fast1.post(`/tenancies/${t.id}/end`, { end_date: today, end_reason: 'kidnapped', version: String(t.version) });
  assert.match(r.body, /Välj anledning/);
  r = await c.fast1.post(`/tenancies/${t.id}/end`, { end_date: today, end_reason: 'evicted', version: String(t.version) });
  assert.equal(r.status, 400, 'an eviction needs its ground');
  assert.match(r.body, /Välj skälet till vräkningen: störningar, hyresskuld eller annat skäl/);
  assert.match(r.body, /<option value="evicted" selected>/, 'the chosen reason is kept');
  assert.equal(tenancyOf(p).end_date, null, 'nothing written');
  r = await c.fast1.post(`/tenancies/${t.id}/end`, { end_date: today, end_reason: 'evicted', end_ground: 'arrears', version: String(t.version), confirmed: '1' });
  assert.equal(r.status, 303);
  const ended = tenancyOf(p);
  assert.equal(ended.end_reason, 'evicted');
  assert.equal(q(`SELECT end_ground FROM tenancies WHERE id = ${t.id}`)[0].end_ground, 'arrears');
  assert.match((await c.fast1.get(`/tenancies/${t.id}`)).body, /Vräkt \(Hyresskuld\)/);
  assert.equal(q(`SELECT status FROM apartments WHERE id = ${a}`)[0].status, 'available', 'the apartment is free again');
  assert.equal(q(`SELECT count(*) AS n FROM decisions WHERE person_id = ${p} AND kind = 'support' AND replaced_by_id IS NULL AND ended_on IS NULL AND end_date >= '${today}'`)[0].n, 1,
    'the support decision is untouched');
  const page = await c.soc1.get(`/persons/${p}`);
  assert.match(page.body, /Stödinsatsen fortsätter ändå/);
  const without = (await c.chef1.get('/persons/without-apartment', { json: true })).json().rows;
  assert.ok(without.some((x) => x.id === p), 'the manager sees support without apartment');
  assert.match((await c.chef1.get('/')).body, /Stöd utan lägenhet[\s\S]*Rut Testsson/);
  assert.deepEqual(q(`SELECT housed, last_moved_out FROM persons WHERE id = ${p}`)[0], { housed: 0, last_moved_out: today },
    'the triggers keep the person\'s housing state');
  const moved = without.findIndex((x) => x.last_moved_out), waiting = without.findIndex((x) => !x.last_moved_out);
  if (moved >= 0 && waiting >= 0) assert.ok(moved < waiting, 'moved out comes before still waiting');
  // second chance
  const a2 = apartment('Provgatan 7');
  r = await moveIn(p, a2, today);
  assert.equal(r.status, 303);
  const rows = q(`SELECT ordinal, end_date FROM tenancies WHERE person_id = ${p} ORDER BY id`);
  assert.deepEqual(rows.map((x) => x.ordinal), [1, 2], 'the new tenancy is the second time');
  assert.equal(rows[0].end_date, today, 'the earlier tenancy stays as it was');
  const timeline = (await c.soc1.get(`/persons/${p}`, { json: true })).json().timeline.map((e) => e.label);
  assert.ok(timeline.includes('Boendet avslutades: Vräkt') && timeline.filter((l) => /^Flyttade in/.test(l)).length === 2, timeline.join('|'));
  // deceased
  const d = person('Dag'), a3 = apartment('Provgatan 8');
  await moveIn(d, a3, monthsAgo(5));
  const td = tenancyOf(d);
  assert.equal((await c.fast1.post(`/tenancies/${td.id}/end`, { end_date: today, end_reason: 'deceased', version: String(td.version), confirmed: '1' })).status, 303);
  assert.equal(tenancyOf(d).end_reason, 'deceased');
  assert.equal((await c.fast1.post(`/tenancies/${td.id}/end`, { end_date: today, end_reason: 'wanted', version: String(td.version + 1) })).status, 409);
  assert.equal(q(`SELECT housed FROM persons WHERE id = ${p}`)[0].housed, 1, 'housed again after the second chance');
  const after = (await c.chef1.get('/persons/without-apartment', { json: true })).json().rows.map((x) => x.id);
  assert.ok(!after.includes(p), 'housed again: not in the list');
  assert.ok(!after.includes(d), 'the deceased are not listed as support without apartment');
  // the socialsekreterare's start page: the month's move-ins and ends, newest first
  const home = (await c.soc1.get('/', { json: true })).json().sections;
  const events = home.find((x) => /Inflyttningar och avslutade/.test(x.heading)).items;
  assert.deepEqual(events.slice(0, 3).map((e) => `${e.label}: ${e.detail}`), [
    `Dag Testsson: Boendet avslutat ${today} (avliden)`,
    `Rut Testsson: Flyttade in ${today}, Provgatan 7`,
    `Rut Testsson: Boendet avslutat ${today} (vräkt)`,
  ]);
  assert.equal(events.filter((e) => e.label === 'Dag Testsson').length, 1, 'one line per tenancy');
});

test('incidents: the landlord office sees housing-related ones only, never the internal note', async () => {
  const p = person('Ines'), a = apartment('Provgatan 9');
  await moveIn(p, a, monthsAgo(4));
  const t = tenancyOf(p).id;
  let r = await c.cm1.post(`/tenancies/${t}/incidents`, { kind: 'threat', date: today, landlord_text: 'Hot mot granne i trappan.',
    internal_note: 'INTERN-anteckning-om-vård', housing_related: '1' });
  assert.equal(r.status, 303);
  const shared = idIn(r.headers.location);
  r = await c.cm1.post(`/tenancies/${t}/incidents`, { kind: 'other', date: today, landlord_text: 'Samtal om återfall.',
    internal_note: 'Bara för teamet', housing_related: '0' });
  const internal = idIn(r.headers.location);
  const page = await c.fast1.get(`/incidents/${shared}`);
  assert.equal(page.status, 200);
  assert.match(page.body, /Hot mot granne/);
  assert.doesNotMatch(page.body, /INTERN-anteckning/);
  assert.equal((await c.fast1.get(`/incidents/${shared}`, { json: true })).json().incident.internal_note, undefined);
  assert.equal((await c.fast1.get(`/incidents/${internal}`)).status, 404, 'not housing-related: not the landlord’s');
  const list = (await c.fast1.get('/incidents?state=all', { json: true })).json().rows.map((x) => x.id);
  assert.ok(list.includes(shared) && !list.includes(internal));
  // the landlord's update cannot touch the internal note
  const v = q(`SELECT version FROM incidents WHERE id = ${shared}`)[0].version;
  r = await c.fast1.post(`/incidents/${shared}`, { kind: 'threat', date: today, landlord_text: 'Hot mot granne i trappan.',
    action_taken: 'Varning skickad.', internal_note: 'skrivet över', housing_related: '0', version: String(v) });
  assert.equal(r.status, 303);
  const row = q(`SELECT internal_note, housing_related, action_taken FROM incidents WHERE id = ${shared}`)[0];
  assert.deepEqual(row, { internal_note: 'INTERN-anteckning-om-vård', housing_related: 1, action_taken: 'Varning skickad.' });
  // the landlord's own report is housing-related whatever the form says
  r = await c.fast1.post(`/tenancies/${t}/incidents`, { kind: 'damage', date: today, landlord_text: 'Trasig ruta.', housing_related: '0', internal_note: 'x' });
  const own = q(`SELECT housing_related, internal_note FROM incidents WHERE id = ${idIn(r.headers.location)}`)[0];
  assert.deepEqual(own, { housing_related: 1, internal_note: '' });
  // validation and scope
  r = await c.cm1.post(`/tenancies/${t}/incidents`, { kind: 'explosion', date: 'igår', landlord_text: '' });
  assert.equal(r.status, 400);
  assert.match(r.body, /Välj typ av händelse/);
  assert.match(r.body, /Ange datum som ÅÅÅÅ-MM-DD/);
  assert.match(r.body, /value="igår"/);
  assert.equal((await c.cm2.get(`/incidents/${shared}`)).status, 404, 'not cm2’s participant');
  assert.equal((await c.soc2.get(`/incidents/${shared}`)).status, 404, 'another district');
  assert.equal((await c.soc1.get(`/incidents/${shared}`, { json: true })).json().incident.internal_note, 'INTERN-anteckning-om-vård');
  assert.equal((await c.soc1.post(`/incidents/${shared}`, { kind: 'threat' })).status, 403, 'the socialsekreterare reads only');
  // stale
  r = await c.cm1.post(`/incidents/${shared}`, { kind: 'threat', date: today, landlord_text: 'Ny text', version: '1' });
  assert.equal(r.status, 409);
  assert.match(r.body, /Någon annan har ändrat händelsen/);
  assert.match(r.body, /Ny text/, 'what was typed is kept');
});

test('visits: a journal; a correction keeps the original; notes for the case manager only', async () => {
  const p = person('Vilma');
  let r = await c.cm1.post('/visits', { person_id: String(p), date: today, kind: 'home', met: '1', note: 'Första hembesöket, lugnt.' });
  assert.equal(r.status, 303);
  const first = q(`SELECT id FROM visits WHERE person_id = ${p}`)[0].id;
  r = await c.cm1.post('/visits', { person_id: String(p), date: today, kind: 'home', met: '0', note: 'Rättelse: vi träffades inte.', corrects: String(first) });
  assert.equal(r.status, 303);
  const rows = q(`SELECT id, met, note, corrects_id FROM visits WHERE person_id = ${p} ORDER BY id`);
  assert.equal(rows.length, 2);
  assert.equal(rows[0].note, 'Första hembesöket, lugnt.', 'the original is kept as written');
  assert.equal(rows[1].corrects_id, first);
  const j = (await c.cm1.get(`/visits?person=${p}`, { json: true })).json();
  assert.equal(j.entries.length, 1, 'shown together: the correction under the original');
  assert.equal(j.entries[0].corrections[0].note, 'Rättelse: vi träffades inte.');
  assert.equal(j.entries[0].corrected, 1);
  assert.equal(j.counts.home_visits, 0, 'the corrected entry no longer counts');
  r = await c.cm1.post('/visits', { person_id: String(p), date: today, kind: 'home', met: '1', note: 'igen', corrects: String(first) });
  assert.equal(r.status, 409, 'an entry is corrected once; correct the correction instead');
  // readers
  for (const u of ['soc1', 'chef1']) {
    const page = await c[u].get(`/visits?person=${p}`);
    assert.equal(page.status, 200, u);
    assert.match(page.body, new RegExp(today), `${u} sees dates`);
    assert.doesNotMatch(page.body, /Första hembesöket|Rättelse: vi/, `${u} sees no note text`);
    assert.ok(!JSON.stringify((await c[u].get(`/visits?person=${p}`, { json: true })).json()).includes('Första hembesöket'), `${u} JSON`);
  }
  assert.equal((await c.soc1.post('/visits', { person_id: String(p), date: today, kind: 'home', met: '1' })).status, 403);
  assert.equal((await c.fast1.get(`/visits?person=${p}`)).status, 403);
  assert.equal((await c.cm2.post('/visits', { person_id: String(p), date: today, kind: 'home', met: '1' })).status, 404);
  r = await c.cm1.post('/visits', { person_id: String(p), date: daysAgo(-3), kind: 'home', met: '1', note: 'Framtid' });
  assert.equal(r.status, 400);
  assert.match(r.body, /kan inte registreras i förväg/);
  assert.match(r.body, /Framtid/);
  assert.equal(q(`SELECT count(*) AS n FROM audit WHERE entity = 'visits' AND action = 'read' AND person_id = ${p}`)[0].n >= 3, true);
});

test('weekly home visits: the overview counts weeks; the start page flags this week', async () => {
  const p = person('Wilma'), a = apartment('Provgatan 10');
  await moveIn(p, a, monthsAgo(3));
  assert.match((await c.cm1.get('/')).body, /Inget hembesök denna vecka[\s\S]*Wilma Testsson/);
  for (const d of [today, daysAgo(7), daysAgo(14), daysAgo(15)])
    await c.cm1.post('/visits', { person_id: String(p), date: d, kind: 'home', met: '1' });
  await c.cm1.post('/visits', { person_id: String(p), date: daysAgo(21), kind: 'phone', met: '1' });
  const row = (await c.cm1.get('/visits', { json: true })).json().rows.find((x) => x.id === p);
  assert.equal(row.home_visit_this_week, 1);
  assert.ok(row.weeks_with_home_visit >= 3 && row.weeks_with_home_visit <= 4, `weeks ${row.weeks_with_home_visit}`);
  const home = (await c.cm1.get('/', { json: true })).json().sections.find((s) => s.heading === 'Inget hembesök denna vecka');
  assert.ok(!home || !home.items.some((i) => i.label === 'Wilma Testsson'), 'the flag is gone after a home visit');
});

test('genomförandeplan: versions, compare, agreement, print; read by soc, hidden from others', async () => {
  const p = person('Pia');
  const blank = await c.cm1.get(`/persons/${p}/plan/new`);
  assert.equal(blank.status, 200);
  // one life area at a time: each area opens on its own, the first unwritten one is open, progress is shown
  const areas = [...blank.body.matchAll(/<details class="area"( open)?>\s*<summary><span class="mark"><\/span>([^<]+)/g)];
  assert.ok(areas.length >= 3, 'the life areas as sections that open');
  assert.deepEqual(areas.map((m) => Boolean(m[1])), areas.map((_, i) => i === 0), 'only the first open on a new plan');
  assert.match(blank.body, /0 av \d+ livsområden har något ifyllt/);
  let r = await c.cm1.post(`/persons/${p}/plan`, { a0_area: 'Boende', a0_goal: '', a1_area: 'Ekonomi', a1_needs: 'Budget',
    follow_up_dates: '2026-13-01' });
  assert.equal(r.status, 400);
  assert.match(r.body, /Skriv minst ett mål/);
  // the missing goal is asked for in the area being written (Ekonomi), and that area opens
  assert.match(r.body, /<details class="area started has-error" open>\s*<summary><span class="mark"><\/span>Ekonomi <span class="muted">– 1 av 7 fält ifyllda, har fel/, 'the area with the error is the one written in, open, marked');
  assert.match(r.body, /<details class="area">\s*<summary><span class="mark"><\/span>Boende <span class="muted">– inte påbörjat<\/span>/, 'an untouched area stays closed');
  assert.match(r.body, /<a href="#a1_goal">Skriv minst ett mål/, 'the summary leads into the open area');
  assert.match(r.body, /<h1>Ny genomförandeplan: [^<]+Testsson<\/h1>/, "the heading keeps the person's name");
  assert.match(r.body, />Budget<\/textarea>/, 'what was typed is kept');
  assert.match(r.body, /Skriv upp till tio datum/);
  r = await c.cm1.post(`/persons/${p}/plan`, { a0_area: 'Boende', a0_goal: 'Jag vill bo kvar.', a0_who: 'Jag och Cecilia',
    a1_area: 'Ekonomi', a1_goal: '', follow_up_dates: daysAgo(-30), agreed_date: today, agreed_how: 'Muntligt' });
  assert.equal(r.status, 303);
  const plan = q(`SELECT * FROM plans WHERE person_id = ${p}`)[0];
  assert.equal(plan.current_version, 1);
  assert.equal(plan.next_follow_up, daysAgo(-30));
  const v1 = JSON.parse(q(`SELECT areas FROM plan_versions WHERE plan_id = ${plan.id}`)[0].areas);
  assert.deepEqual(v1.map((x) => x.area), ['Boende'], 'empty areas are not saved');
  r = await c.cm1.post(`/plans/${plan.id}`, { base_version: '1', a0_area: 'Boende', a0_goal: 'Jag vill bo kvar och skaffa en katt.',
    follow_up_dates: daysAgo(-10) });
  assert.equal(r.status, 303);
  r = await c.cm1.post(`/plans/${plan.id}`, { base_version: '1', a0_area: 'Boende', a0_goal: 'Min gamla flik', follow_up_dates: today });
  assert.equal(r.status, 409, 'saved on top of an old version');
  assert.match(r.body, /Min gamla flik/, 'what was typed is kept');
  assert.match(r.body, /<h1>Ändra genomförandeplan: [^<]+Testsson<\/h1>/, "the heading keeps the person's name");
  assert.match(r.body, /id="conflict"[\s\S]*<dt>Boende: Mitt mål \(med deltagarens egna ord\)<\/dt><dd>Jag vill bo kvar och skaffa en katt\.<\/dd>/,
    'the box shows the life area someone else changed, as saved');
  assert.equal(q(`SELECT count(*) AS n FROM plan_versions WHERE plan_id = ${plan.id}`)[0].n, 2);
  // saved again without a change: no new identical version, and the plan says so
  r = await c.cm1.post(`/plans/${plan.id}`, { base_version: '2', a0_area: 'Boende', a0_goal: 'Jag vill bo kvar och skaffa en katt.',
    a1_area: 'Ekonomi', a1_goal: '', follow_up_dates: daysAgo(-10) });
  assert.equal(r.status, 303);
  assert.match((await c.cm1.get(r.headers.location)).body, /Inget är ändrat – ingen ny version sparades\./);
  assert.equal(q(`SELECT count(*) AS n FROM plan_versions WHERE plan_id = ${plan.id}`)[0].n, 2, 'no identical version');
  const cmp = (await c.cm1.get(`/plans/${plan.id}/compare?from=1&to=2`, { json: true })).json();
  const goal = cmp.rows.find((x) => x.field.startsWith('Mitt mål'));
  assert.deepEqual([goal.from, goal.to, goal.changed], ['Jag vill bo kvar.', 'Jag vill bo kvar och skaffa en katt.', true]);
  const old = await c.soc1.get(`/plans/${plan.id}?version=1`);
  assert.equal(old.status, 200);
  assert.match(old.body, /Detta är en tidigare version/);
  assert.match(old.body, /Jag vill bo kvar\./);
  const print = await c.soc1.get(`/plans/${plan.id}/print`);
  assert.match(print.body, /Deltagarens underskrift/);
  assert.equal((await c.soc1.post(`/plans/${plan.id}`, { base_version: '2' })).status, 403, 'soc reads only');
  assert.equal((await c.chef1.get(`/plans/${plan.id}`)).status, 403, 'the manager does not read plans');
  assert.equal((await c.fast1.get(`/plans/${plan.id}`)).status, 403);
  assert.equal((await c.cm2.get(`/plans/${plan.id}`)).status, 404, 'not assigned');
  assert.equal((await c.soc2.get(`/plans/${plan.id}`)).status, 404, 'another district');
  assert.match((await c.cm1.get('/')).body, /Uppföljning av genomförandeplaner[\s\S]*Pia Testsson/);
});

test('monthly checklist: draft, sent, in the landlord inbox, reviewed with a comment', async () => {
  const p = person('Kim'), a = apartment('Provgatan 11');
  await moveIn(p, a, monthsAgo(2));
  const t = tenancyOf(p).id;
  let r = await c.cm1.post(`/tenancies/${t}/checklists`, {});
  assert.equal(r.status, 303);
  const id = idIn(r.headers.location);
  const cl = q(`SELECT * FROM checklists WHERE id = ${id}`)[0];
  assert.equal(cl.state, 'draft');
  const items = JSON.parse(cl.items);
  assert.equal(items[0].label, 'Hall');
  assert.ok(items.length >= 11 && items.every((x) => x.status === 'unchecked'));
  assert.equal((await c.cm1.post(`/tenancies/${t}/checklists`, {})).headers.location, `/checklists/${id}`, 'the month has one checklist');
  assert.equal((await c.fast1.get(`/checklists/${id}`)).status, 404, 'the landlord office does not see drafts');
  r = await c.cm1.post(`/checklists/${id}`, { version: String(cl.version), send: '1', status_0: 'ok', status_1: 'action', comment_1: '',
    done_date: '' });
  assert.equal(r.status, 400);
  assert.match(r.body, /Kök: skriv vad som behöver åtgärdas/);
  assert.match(r.body, /Ange när genomgången gjordes/);
  assert.equal(q(`SELECT state FROM checklists WHERE id = ${id}`)[0].state, 'draft');
  r = await c.cm1.post(`/checklists/${id}`, { version: String(cl.version), save: '1', status_0: 'ok', status_1: 'action', comment_1: 'Fläkten',
    done_date: today, participant_comment: 'Jag fixar fläkten.' });
  assert.equal(r.status, 303);
  assert.equal(q(`SELECT state FROM checklists WHERE id = ${id}`)[0].state, 'draft', 'saved as a draft');
  r = await c.cm1.post(`/checklists/${id}`, { version: String(cl.version + 1), send: '1', status_0: 'ok', status_1: 'action',
    comment_1: 'Fläkten är smutsig', done_date: today, agreed_actions: 'Rengöra fläkten', participant_comment: 'Jag fixar fläkten.' });
  assert.equal(r.status, 303);
  const sent = q(`SELECT * FROM checklists WHERE id = ${id}`)[0];
  assert.equal(sent.state, 'sent');
  assert.equal(JSON.parse(sent.items)[1].comment, 'Fläkten är smutsig');
  // a stale tab saving its draft after the send: the checklist page again,
  // a clear message, what was typed shown in the box, nothing stored
  r = await c.cm1.post(`/checklists/${id}`, { version: String(cl.version + 1), save: '1', status_0: 'ok', status_2: 'action',
    comment_2: 'Badrummet läcker', agreed_actions: 'Ringa rörmokare' });
  assert.equal(r.status, 409, 'a sent checklist is not edited');
  assert.match(r.body, /<h1[^>]*>[^<]*Checklista/, 'the checklist page, not a bare error page');
  assert.match(r.body, /<a href="#conflict">Checklistan har skickats av [^<]+ sedan du öppnade sidan och kan inte längre ändras/);
  assert.match(r.body, /<dd>Behöver åtgärdas: Badrummet läcker<\/dd>/, 'the typed comment is shown');
  assert.match(r.body, /<dd>Ringa rörmokare<\/dd>/, 'the typed agreed actions are shown');
  assert.doesNotMatch(r.body, /aria-invalid="true"/);
  assert.equal(q(`SELECT version FROM checklists WHERE id = ${id}`)[0].version, sent.version, 'nothing stored');
  const inbox = (await c.fast1.get('/checklists', { json: true })).json().rows.map((x) => x.id);
  assert.ok(inbox.includes(id), 'in the landlord inbox');
  r = await c.fast1.post(`/checklists/${id}/review`, { version: String(sent.version), review_date: daysAgo(-1), review_comment: 'x' });
  assert.equal(r.status, 400);
  r = await c.fast1.post(`/checklists/${id}/review`, { version: String(sent.version), review_date: today, review_comment: 'Bra, tack!' });
  assert.equal(r.status, 303);
  assert.ok(!(await c.fast1.get('/checklists', { json: true })).json().rows.some((x) => x.id === id), 'gone from the inbox');
  const seen = await c.cm1.get(`/checklists/${id}`);
  assert.match(seen.body, /Bra, tack!/, 'the case manager sees the review');
  assert.match(seen.body, /Granskad av fastighetskontoret/);
  assert.equal((await c.fast1.post(`/checklists/${id}/review`, { version: String(sent.version + 1), review_date: today })).status, 409);
  assert.equal((await c.soc1.get(`/checklists/${id}`)).status, 200);
  assert.equal((await c.soc2.get(`/checklists/${id}`)).status, 404);
});

test('overdue checklists: a tenancy without last month’s checklist after the 10th', async () => {
  const p = person('Olle'), a = apartment('Provgatan 12');
  await moveIn(p, a, monthsAgo(3));
  const t = tenancyOf(p).id;
  const day = new Date().getDate();
  const overdueMonth = (day > 10 ? monthsAgo(1) : monthsAgo(2)).slice(0, 7);
  const listed = async (u) => (await c[u].get('/checklists', { json: true })).json().overdue.some((x) => x.label === 'Olle Testsson');
  assert.equal(await listed('cm1'), true, `overdue for ${overdueMonth}`);
  assert.equal(await listed('chef1'), true, 'the manager sees it too');
  assert.match((await c.chef1.get('/')).body, /Försenade checklistor[\s\S]*Olle Testsson/);
  q(`INSERT INTO checklists(tenancy_id, month, state, items, sent_at, created_at, updated_at) VALUES(${t}, '${overdueMonth}', 'sent', '[]', 1, 0, 0)`);
  assert.equal(await listed('cm1'), false, 'sent: no longer overdue');
});

test('admin lists: a new checklist item reaches new checklists; a life area can be made inactive', async () => {
  let r = await c.admin1.post('/admin/checklist-items', { label: 'Balkong', position: '12' });
  assert.equal(r.status, 303);
  assert.equal((await c.admin1.post('/admin/checklist-items', { label: 'Balkong', position: '13' })).status, 409);
  assert.equal((await c.admin1.post('/admin/checklist-items', { label: '', position: 'x' })).status, 400);
  const p = person('Nora'), a = apartment('Provgatan 13');
  await moveIn(p, a, monthsAgo(1));
  r = await c.cm1.post(`/tenancies/${tenancyOf(p).id}/checklists`, {});
  const items = JSON.parse(q(`SELECT items FROM checklists WHERE id = ${idIn(r.headers.location)}`)[0].items);
  assert.equal(items.at(-1).label, 'Balkong');
  const area = q("SELECT id, version FROM config_items WHERE list = 'life_area' AND label = 'Trygghet'")[0];
  r = await c.admin1.post(`/admin/life-areas/${area.id}`, { label: 'Trygghet', position: '8', version: String(area.version) });
  assert.equal(r.status, 303);
  assert.doesNotMatch((await c.cm1.get(`/persons/${p}/plan/new`)).body, /<legend>Trygghet/);
  assert.equal((await c.admin1.post(`/admin/life-areas/${area.id}`, { label: 'T', position: '8', version: '1' })).status, 409, 'stale');
  assert.equal((await c.cm1.get('/admin/life-areas')).status, 403);
});

await run({ after: () => srv.stop() });

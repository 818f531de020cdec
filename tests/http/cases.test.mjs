// cases.test.mjs - persons, referrals, the two linked decisions and the
// assignment: each step by the right role, every other role refused,
// scope (404 outside it), no lost updates, audit, Swedish validation.
import assert from 'node:assert/strict';
import { test, run } from '../lib/t.mjs';
import { startServer, Client, sql } from '../lib/server.mjs';

const srv = await startServer();
const users = {};
for (const u of ['soc1', 'soc2', 'cm1', 'cm2', 'chef1', 'fast1', 'admin1']) {
  users[u] = new Client(srv.url);
  await users[u].login(u);
}
const { soc1, soc2, cm1, cm2, chef1 } = users;
const today = new Date().toISOString().slice(0, 10);
const q = (s) => sql(srv.db, s);

/* Creates a person as soc1 and returns its id. */
async function newPerson(pnr, first = 'Test', last = 'Testsson') {
  const r = await soc1.post('/persons', { personnummer: pnr, first_name: first, last_name: last });
  assert.equal(r.status, 303, r.body.slice(0, 500));
  return Number(r.headers.location.match(/\/persons\/(\d+)/)[1]);
}

const allCriteria = { crit_known: '1', crit_far: '1', crit_health: '1', crit_wants: '1', crit_no_violence: '1', crit_no_risk: '1' };

/* Takes a step; returns the response. */
async function step(client, id, action, extra = {}) {
  const version = q(`SELECT version FROM referrals WHERE id = ${id}`)[0].version;
  return client.post(`/referrals/${id}/steps`, { action, version: String(version), ...extra });
}
const state = (id) => q(`SELECT state FROM referrals WHERE id = ${id}`)[0].state;

test('register a person: 10-digit number normalised, sex and birth date derived', async () => {
  const id = await newPerson('700101-9871');
  const p = q(`SELECT personnummer, birth_date, sex, district_id FROM persons WHERE id = ${id}`)[0];
  assert.equal(p.personnummer, '19700101-9871');
  assert.equal(p.birth_date, '1970-01-01');
  assert.equal(p.sex, 'M');
  assert.equal(p.district_id, q("SELECT id FROM districts WHERE name = 'Centrum'")[0].id, "the soc's own district");
  const short = await soc1.post('/persons', { personnummer: '121212-1212', first_name: 'Tolv', last_name: 'Tolvsson' });
  assert.equal(short.status, 303);
  assert.equal(q("SELECT count(*) AS n FROM persons WHERE personnummer = '20121212-1212'")[0].n, 1);
});

test('bad personnummer: Swedish error, typed values kept, nothing stored', async () => {
  const before = q('SELECT count(*) AS n FROM persons')[0].n;
  const r = await soc1.post('/persons', { personnummer: '19121212-1213', first_name: 'Kvar', last_name: '' });
  assert.equal(r.status, 400);
  assert.match(r.body, /href="#personnummer">Kontrollsiffran stämmer inte/);
  assert.match(r.body, /href="#last_name">Ange efternamn/);
  assert.match(r.body, /value="19121212-1213"/);
  assert.match(r.body, /value="Kvar"/);
  const bad = await soc1.post('/persons', { personnummer: '19900230-0003', first_name: 'A', last_name: 'B' });
  assert.match(bad.body, /inget giltigt datum/);
  assert.equal(q('SELECT count(*) AS n FROM persons')[0].n, before);
});

test('duplicate personnummer shows the existing person, no second row', async () => {
  const r = await soc1.post('/persons', { personnummer: '197001019871', first_name: 'Dubbel', last_name: 'Dubbelsson' });
  assert.equal(r.status, 303);
  assert.match(r.headers.location, /\?existing=1$/);
  assert.equal(q("SELECT count(*) AS n FROM persons WHERE personnummer = '19700101-9871'")[0].n, 1);
  const other = await soc2.post('/persons', { personnummer: '19700101-9871', first_name: 'X', last_name: 'Y' });
  assert.equal(other.status, 400, 'other district: told it exists, not shown');
  assert.match(other.body, /finns redan en person med det personnumret i en annan stadsdel/);
  assert.doesNotMatch(other.body, /Testsson/);
});

test('reserve identity for a person without a known number', async () => {
  const kept = await soc1.post('/persons', { reserve: '1', sex: 'M', birth_date: '1980-02-30', first_name: 'Okänd', last_name: 'Person' });
  assert.equal(kept.status, 400);
  assert.match(kept.body, /<option value="M" selected>Man<\/option>/, 'the sex chosen is kept after an error');
  const bad = await soc1.post('/persons', { reserve: '1', first_name: 'Okänd', last_name: 'Person' });
  assert.equal(bad.status, 400);
  assert.match(bad.body, /Välj kön för reservidentiteten/);
  const r = await soc1.post('/persons', { reserve: '1', sex: 'K', birth_date: '1980-05-05', first_name: 'Okänd', last_name: 'Person' });
  assert.equal(r.status, 303);
  const p = q("SELECT personnummer, reserve, sex FROM persons WHERE first_name = 'Okänd'")[0];
  assert.deepEqual(p, { personnummer: null, reserve: 1, sex: 'K' }, 'flagged, no personnummer');
  const page = await soc1.get(r.headers.location);
  assert.match(page.body, /Reservidentitet/);
});

test('scope: other district 404, unassigned case manager 404, manager sees all', async () => {
  const id = await newPerson('19800101-0001', 'Scope', 'Person');
  assert.equal((await soc1.get(`/persons/${id}`)).status, 200);
  const other = await soc2.get(`/persons/${id}`);
  assert.equal(other.status, 404);
  assert.doesNotMatch(other.body, /Scope/);
  assert.equal((await cm1.get(`/persons/${id}`)).status, 404);
  assert.equal((await chef1.get(`/persons/${id}`)).status, 200);
  for (const u of ['fast1', 'admin1']) {
    assert.equal((await users[u].get(`/persons/${id}`)).status, 403);
    assert.equal((await users[u].get('/referrals')).status, 403);
    assert.equal((await users[u].get('/decisions/1')).status, 403);
  }
  const list = (await soc2.get('/persons?q=Scope', { json: true })).json();
  assert.equal(list.rows.length, 0, 'not in the other district list either');
});

test('reading a person page writes an audit read row', async () => {
  const id = await newPerson('19800101-0019', 'Audit', 'Read');
  await chef1.get(`/persons/${id}`);
  const uid = q("SELECT id FROM users WHERE username = 'chef1'")[0].id;
  assert.equal(q(`SELECT count(*) AS n FROM audit WHERE user_id = ${uid} AND action = 'read' AND entity = 'person' AND person_id = ${id}`)[0].n, 1);
});

let walkPerson, walkRef;
test('the whole path: soc files with client, team answers step by step, soc decides', async () => {
  walkPerson = await newPerson('19850505-0008', 'Vägen', 'Framåt');
  const draft = await soc1.post(`/persons/${walkPerson}/referrals`, { client_participated: '1', client_wishes: '' });
  assert.equal(draft.status, 303);
  walkRef = Number(draft.headers.location.match(/\/referrals\/(\d+)/)[1]);
  assert.equal(state(walkRef), 'draft');
  assert.match((await soc1.get(`/referrals/${walkRef}`)).body, /<dt>Senaste steget<\/dt><dd>i dag<\/dd>/);
  assert.equal((await cm1.get(`/referrals/${walkRef}`)).status, 404, 'the team does not see drafts');
  const early = await step(soc1, walkRef, 'send');
  assert.equal(early.status, 400, 'cannot send with unanswered criteria');
  assert.match(early.body, /inte besvarat/);
  assert.match(early.body, /Skriv brukarens egna önskemål/);
  // the criteria and wishes are edited on the edit page: the summary leads there
  assert.match(early.body, new RegExp(`<a href="/referrals/${walkRef}/edit#client_wishes">Skriv brukarens egna önskemål`));
  assert.match(early.body, new RegExp(`<a href="/referrals/${walkRef}/edit#crit_far">Målgruppskriteriet`));
  assert.doesNotMatch(early.body, /<a href="#(crit_|client_wishes)/, 'no link to a field this page does not have');
  const editPage = await soc1.get(`/referrals/${walkRef}/edit`);
  assert.match(editPage.body, /id="crit_far"/);
  assert.match(editPage.body, /id="client_wishes"/);
  assert.equal(state(walkRef), 'draft');
  const v = q(`SELECT version FROM referrals WHERE id = ${walkRef}`)[0].version;
  const edit = await soc1.post(`/referrals/${walkRef}`, { ...allCriteria, crit_far_note: 'Sju år utan eget boende',
    client_participated: '1', client_wishes: 'Jag vill bo nära min syster.', homeless_duration: '7 år', version: String(v) });
  assert.equal(edit.status, 303);
  assert.equal((await step(soc1, walkRef, 'send')).status, 303);
  assert.equal(state(walkRef), 'sent');
  assert.ok(q(`SELECT sent_at FROM referrals WHERE id = ${walkRef}`)[0].sent_at > 0);
  assert.equal((await step(cm1, walkRef, 'preliminary_positive')).status, 303);
  const noDate = await step(cm1, walkRef, 'book_meeting', { date: '2026-13-01' });
  assert.equal(noDate.status, 400);
  assert.match(noDate.body, /Ange datum som ÅÅÅÅ-MM-DD/);
  assert.equal((await step(cm1, walkRef, 'book_meeting', { date: today, time: '10:00', place: 'Kontoret' })).status, 303);
  assert.equal((await step(cm1, walkRef, 'hold_meeting', { date: today })).status, 303);
  assert.equal((await step(soc1, walkRef, 'client_accepts')).status, 303);
  assert.equal((await step(cm2, walkRef, 'final_alone')).status, 303);
  assert.equal(state(walkRef), 'approved');
  const steps = q(`SELECT action, to_state FROM referral_steps WHERE referral_id = ${walkRef} ORDER BY id`).map((s) => s.action);
  assert.deepEqual(steps, ['create', 'send', 'preliminary_positive', 'book_meeting', 'hold_meeting', 'client_accepts', 'final_alone']);
  const bys = q(`SELECT u.username FROM referral_steps s JOIN users u ON u.id = s.by WHERE referral_id = ${walkRef} ORDER BY s.id`).map((x) => x.username);
  assert.deepEqual(bys, ['soc1', 'soc1', 'cm1', 'cm1', 'cm1', 'soc1', 'cm2'], 'who took each step');

  const form = await soc1.get(`/referrals/${walkRef}/decisions/new`, { json: true });
  assert.equal(form.status, 200);
  const f = form.json();
  const end = new Date(f.form.start_date); end.setMonth(end.getMonth() + 18);
  assert.equal(f.form.end_date.slice(0, 7), end.toISOString().slice(0, 7), 'default end is start + 18 months');
  const missing = await soc1.post(`/referrals/${walkRef}/decisions`, { ...f.form, support_kind: 'external', provider: '', version: String(f.version) });
  assert.equal(missing.status, 400);
  assert.match(missing.body, /Ange utförarens namn för en extern stödinsats/);
  const dec = await soc1.post(`/referrals/${walkRef}/decisions`, { decision_date: today, start_date: '2026-01-15', end_date: '',
    review_clause: 'Omprövas senast vid periodens slut.', support_kind: 'external', provider: 'Stiftelsen Hemstöd', version: String(f.version) });
  assert.equal(dec.status, 303, dec.body.replace(/<[^>]*>/g, " ").replace(/\s+/g, " ").slice(0, 1500));
  const did = Number(dec.headers.location.match(/\/decisions\/(\d+)/)[1]);
  const rows = q(`SELECT kind, outcome, start_date, end_date, support_kind, provider, referral_id FROM decisions
    WHERE pair_id = (SELECT pair_id FROM decisions WHERE id = ${did}) ORDER BY kind`);
  assert.deepEqual(rows, [
    { kind: 'housing', outcome: 'granted', start_date: '2026-01-15', end_date: '2027-07-15', support_kind: 'internal', provider: '', referral_id: walkRef },
    { kind: 'support', outcome: 'granted', start_date: '2026-01-15', end_date: '2027-07-15', support_kind: 'external', provider: 'Stiftelsen Hemstöd', referral_id: walkRef },
  ], 'two decisions, linked as a pair');
  assert.equal(state(walkRef), 'decided');
  const page = await soc1.get(`/decisions/${did}`);
  assert.match(page.body, /Hjälp med bostadsanskaffning – Bostad först/);
  assert.match(page.body, /Stödinsats Bostad först/);
  const sid = q(`SELECT id FROM decisions WHERE referral_id = ${walkRef} AND kind = 'support'`)[0].id;
  assert.match((await soc1.get(`/decisions/${sid}`)).body, /externt, Stiftelsen Hemstöd/);
});

test('steps by the wrong role: 403; from the wrong state: 409; nothing changes', async () => {
  const pid = await newPerson('19850505-0016', 'Fel', 'Roll');
  const d = await soc1.post(`/persons/${pid}/referrals`, { ...allCriteria, client_wishes: 'Eget boende.' });
  const id = Number(d.headers.location.match(/\/(\d+)(?:\?|$)/)[1]);
  const v0 = q(`SELECT version FROM referrals WHERE id = ${id}`)[0].version;
  const wrongRole = await step(cm1, id, 'send');
  assert.equal(wrongRole.status, 404, 'the team cannot even see a draft');
  assert.equal((await step(soc1, id, 'send')).status, 303);
  const cases = [[soc1, 'preliminary_positive', 403], [chef1, 'preliminary_positive', 403], [cm1, 'client_accepts', 403],
    [cm1, 'withdraw', 403], [cm1, 'hold_meeting', 409], [cm1, 'final_alone', 409], [soc1, 'client_accepts', 409], [soc1, 'send', 409]];
  for (const [c, action, want] of cases) {
    const before = q(`SELECT state, version FROM referrals WHERE id = ${id}`)[0];
    const r = await step(c, id, action, { date: today, reason: 'x' });
    assert.equal(r.status, want, `${action}: ${r.status}`);
    assert.match(r.body, want === 403 ? /Din roll kan inte ta det här steget|behörighet/ : /Steget går inte att ta när remissen har status/);
    assert.deepEqual(q(`SELECT state, version FROM referrals WHERE id = ${id}`)[0], before, `${action} changed nothing`);
  }
  assert.ok(v0 > 0);
  const unknown = await step(soc1, id, 'teleport');
  assert.equal(unknown.status, 400);
});

test('stale step (another user moved it first): 409, nothing changes', async () => {
  const pid = await newPerson('19850505-0024', 'Samtidigt', 'Steg');
  const d = await soc1.post(`/persons/${pid}/referrals`, { ...allCriteria, client_wishes: 'Eget boende.' });
  const id = Number(d.headers.location.match(/\/(\d+)(?:\?|$)/)[1]);
  await step(soc1, id, 'send');
  const v = q(`SELECT version FROM referrals WHERE id = ${id}`)[0].version;
  assert.equal((await cm1.post(`/referrals/${id}/steps`, { action: 'preliminary_positive', version: String(v) })).status, 303);
  const late = await cm2.post(`/referrals/${id}/steps`, { action: 'preliminary_negative', reason: 'Ingen lägenhet', version: String(v) });
  assert.equal(late.status, 409);
  assert.equal(state(id), 'preliminary_positive');
});

test('withdraw with a reason at an open step; kept and shown on the timeline', async () => {
  const pid = await newPerson('19850505-0032', 'Åter', 'Tagen');
  const d = await soc1.post(`/persons/${pid}/referrals`, { ...allCriteria, client_wishes: 'Eget boende.' });
  const id = Number(d.headers.location.match(/\/(\d+)(?:\?|$)/)[1]);
  await step(soc1, id, 'send');
  const noReason = await step(soc1, id, 'withdraw', { reason: '' });
  assert.equal(noReason.status, 400);
  assert.match(noReason.body, /Skriv en motivering/);
  assert.equal((await step(soc1, id, 'withdraw', { reason: 'Har fått eget kontrakt.', confirmed: '1' })).status, 303);
  assert.equal(state(id), 'withdrawn');
  assert.equal(q(`SELECT outcome_reason FROM referrals WHERE id = ${id}`)[0].outcome_reason, 'Har fått eget kontrakt.');
  const page = await soc1.get(`/persons/${pid}`, { json: true });
  const labels = page.json().timeline.map((e) => e.label);
  assert.deepEqual(labels, ['Remissen påbörjades', 'Remissen skickades till Bostad först-teamet', 'Remissen återtogs']);
  assert.equal((await step(soc1, id, 'send')).status, 409, 'closed stays closed');
  const again = await soc1.get(`/persons/${pid}`);
  assert.match(again.body, /Ny remiss/, 'a new referral can be started');
});

test('no lost updates: draft edited in two sessions gives 409 with both texts', async () => {
  const other = new Client(srv.url);
  await other.login('soc1');
  const pid = await newPerson('19850505-0040', 'Två', 'Flikar');
  const d = await soc1.post(`/persons/${pid}/referrals`, { client_wishes: 'Första' });
  const id = Number(d.headers.location.match(/\/(\d+)(?:\?|$)/)[1]);
  const a = (await soc1.get(`/referrals/${id}/edit`, { json: true })).json().form;
  const b = (await other.get(`/referrals/${id}/edit`, { json: true })).json().form;
  assert.equal((await other.post(`/referrals/${id}`, { client_wishes: 'Från flik B', version: String(b.version) })).status, 303);
  const lost = await soc1.post(`/referrals/${id}`, { client_wishes: 'Från flik A', version: String(a.version) });
  assert.equal(lost.status, 409);
  assert.match(lost.body, /Sparat av någon annan/);
  assert.match(lost.body, /<dd>Från flik B<\/dd>/);
  assert.match(lost.body, />Från flik A<\/textarea>/);
  assert.equal(q(`SELECT client_wishes FROM referrals WHERE id = ${id}`)[0].client_wishes, 'Från flik B');
});

test('no lost updates: person edited in two sessions', async () => {
  const other = new Client(srv.url);
  await other.login('soc1');
  const pid = await newPerson('19850505-0057', 'Kontakt', 'Uppgift');
  const v = q(`SELECT version FROM persons WHERE id = ${pid}`)[0].version;
  assert.equal((await other.post(`/persons/${pid}`, { first_name: 'Kontakt', last_name: 'Uppgift', phone: '070-1', version: String(v) })).status, 303);
  const r = await soc1.post(`/persons/${pid}`, { first_name: 'Kontakt', last_name: 'Uppgift', phone: '070-2', version: String(v) });
  assert.equal(r.status, 409);
  assert.match(r.body, /<dd>070-1<\/dd>/);
  assert.match(r.body, /value="070-2"/);
});

test('huge text and bad input: the form again with Swedish errors, values kept', async () => {
  const pid = await newPerson('19850505-0065', 'Lång', 'Text');
  const huge = 'å'.repeat(5001);
  const r = await soc1.post(`/persons/${pid}/referrals`, { client_wishes: huge, needs: 'behov', crit_known: 'kanske' });
  assert.equal(r.status, 400);
  // counted in characters: 5001 å are 10002 bytes
  assert.match(r.body, /Brukarens egna önskemål, med brukarens egna ord får vara högst 5000 tecken \(nu 5001\)/);
  assert.match(r.body, /Svara ja eller nej/);
  assert.match(r.body, />behov<\/textarea>/);
  assert.equal(q(`SELECT count(*) AS n FROM referrals WHERE person_id = ${pid}`)[0].n, 0);
  for (const p of ['/referrals/999999', '/persons/999999', '/decisions/999999', '/referrals/999999/decisions/new']) {
    assert.equal((await soc1.get(p)).status, 404, p);
  }
  const filter = await chef1.get('/referrals?wait=abc');
  assert.equal(filter.status, 400);
  assert.match(filter.body, /Ange antal dagar som ett heltal/);
});

test('decision form only when the team said yes (409 otherwise)', async () => {
  const sent = q("SELECT id FROM referrals WHERE state = 'sent' AND district_id = (SELECT id FROM districts WHERE name = 'Centrum') LIMIT 1")[0].id;
  const r = await soc1.get(`/referrals/${sent}/decisions/new`);
  assert.equal(r.status, 409);
  assert.match(r.body, /först när Bostad först-teamet har svarat/);
});

test('review makes a new decision in the pair, the old one is marked replaced', async () => {
  const did = q(`SELECT id FROM decisions WHERE referral_id = ${walkRef} AND kind = 'housing'`)[0].id;
  const form = (await soc1.get(`/decisions/${did}/review`, { json: true })).json();
  const r = await soc1.post(`/decisions/${did}/review`, { ...form.form, version: String(form.version) });
  assert.equal(r.status, 303);
  const nid = Number(r.headers.location.match(/\/(\d+)(?:\?|$)/)[1]);
  const old = q(`SELECT replaced_by_id FROM decisions WHERE id = ${did}`)[0];
  assert.equal(old.replaced_by_id, nid);
  assert.equal(q(`SELECT replaces_id FROM decisions WHERE id = ${nid}`)[0].replaces_id, did);
  const again = await soc1.post(`/decisions/${did}/review`, { ...form.form, version: String(form.version) });
  assert.equal(again.status, 409, 'the same pair cannot be reviewed twice');
  const oldPage = await soc1.get(`/decisions/${did}`);
  assert.match(oldPage.body, /ersatt vid omprövning/);
  const person = (await soc1.get(`/persons/${walkPerson}`, { json: true })).json();
  assert.equal(person.decisions.length, 3, 'decision history on the person page: two housing, one support');
  assert.equal(q(`SELECT count(*) AS n FROM decisions WHERE referral_id = ${walkRef} AND kind = 'support' AND replaced_by_id IS NULL`)[0].n, 1,
    'the support decision is not touched');
});

test('support decision put into effect (verkställd) before move-in', async () => {
  const did = q(`SELECT id, version FROM decisions WHERE referral_id = ${walkRef} AND replaced_by_id IS NULL AND kind = 'support'`)[0];
  const r = await soc1.post(`/decisions/${did.id}/effective`, { date: today, version: String(did.version) });
  assert.equal(r.status, 303);
  assert.equal(q(`SELECT support_effective_date FROM decisions WHERE id = ${did.id}`)[0].support_effective_date, today);
  assert.equal(q(`SELECT count(*) AS n FROM audit WHERE action = 'update' AND entity = 'decision' AND entity_id = ${did.id}`)[0].n, 1,
    'the change and its audit row');
  const stale = await soc1.post(`/decisions/${did.id}/effective`, { date: '2020-01-01', version: String(did.version) });
  assert.equal(stale.status, 409);
  assert.match(stale.body, /<h2>Sparat av någon annan<\/h2>/);
  assert.equal(q(`SELECT support_effective_date FROM decisions WHERE id = ${did.id}`)[0].support_effective_date, today, 'nothing overwritten');
  assert.equal(q(`SELECT count(*) AS n FROM audit WHERE action = 'update' AND entity = 'decision' AND entity_id = ${did.id}`)[0].n, 1,
    'no audit row for a change that did not happen');
});

test('assignment: standard text + goals + follow-ups; assigned case manager reads it', async () => {
  const did = q(`SELECT id FROM decisions WHERE referral_id = ${walkRef} AND replaced_by_id IS NULL AND kind = 'support'`)[0].id;
  const bad = await soc1.post(`/decisions/${did}/assignment`, { goals: 'Behålla lägenheten', followup_dates: '2026-02-30' });
  assert.equal(bad.status, 400);
  assert.match(bad.body, /Skriv uppföljningsdatum som ÅÅÅÅ-MM-DD/);
  assert.match(bad.body, />Behålla lägenheten<\/textarea>/);
  const ok = await soc1.post(`/decisions/${did}/assignment`, { goals: 'Behålla lägenheten.\nKontakt med syster.', followup_dates: '2026-03-01, 2026-09-01' });
  assert.equal(ok.status, 303);
  assert.equal((await cm1.get(`/decisions/${did}/assignment`)).status, 404, 'not yet assigned');
  const pid = walkPerson;
  const cmId = q("SELECT id FROM users WHERE username = 'cm1'")[0].id;
  const assign = await chef1.post(`/persons/${pid}/case-managers`, { user_id: String(cmId) });
  assert.equal(assign.status, 303);
  const page = await cm1.get(`/decisions/${did}/assignment`);
  assert.equal(page.status, 200);
  assert.match(page.body, /Uppdraget är att ge stöd enligt Bostad först-modellen/);
  assert.match(page.body, /<li>2026-09-01<\/li>/);
  assert.equal((await cm1.get(`/persons/${pid}`)).status, 200, 'assigned case manager sees the person');
  const home = await cm1.get('/');
  assert.match(home.body, /Vägen Framåt/, 'on the case manager start page');
  assert.equal((await cm1.post(`/persons/${pid}/case-managers`, { user_id: String(cmId) })).status, 403, 'only the manager assigns');
});

test('admin edits the standard text as a new version; old assignments keep theirs', async () => {
  const admin = users.admin1;
  const before = q('SELECT count(*) AS n FROM assignment_texts')[0].n;
  const base = String((await admin.get('/admin/assignment-text', { json: true })).json().form.id);
  const r = await admin.post('/admin/assignment-text', { text: 'Ny standardtext för uppdraget.', base_id: base });
  assert.equal(r.status, 303);
  assert.equal(q('SELECT count(*) AS n FROM assignment_texts')[0].n, before + 1);
  const did = q(`SELECT id FROM decisions WHERE referral_id = ${walkRef} AND replaced_by_id IS NULL AND kind = 'support'`)[0].id;
  const page = await soc1.get(`/decisions/${did}/assignment`);
  assert.match(page.body, /Uppdraget är att ge stöd enligt Bostad först-modellen/, 'existing assignment keeps its version');
});

test('decisions due for review within 60 days: soc own district, manager all', async () => {
  const mine = (await soc1.get('/decisions', { json: true })).json().rows;
  const all = (await chef1.get('/decisions', { json: true })).json().rows;
  assert.ok(all.length >= mine.length && all.length > 0);
  assert.ok(mine.every((d) => d.district === 'Centrum'));
  const limit = new Date(); limit.setDate(limit.getDate() + 60);
  assert.ok(all.every((d) => d.end_date <= limit.toISOString().slice(0, 10)));
  assert.ok(all.some((d) => d.district === 'Hisingen'));
});

test('referral list: longest waiting first, filters, days waiting shown', async () => {
  const rows = (await chef1.get('/referrals', { json: true })).json().rows;
  assert.ok(rows.length >= 10);
  for (let i = 1; i < rows.length; i++) assert.ok(rows[i - 1].days_since_step >= rows[i].days_since_step, 'sorted by waiting');
  const sent = (await chef1.get('/referrals?state=sent', { json: true })).json().rows;
  assert.ok(sent.length > 0 && sent.every((r) => r.state === 'sent'));
  const waiting = (await chef1.get('/referrals?wait=10', { json: true })).json().rows;
  assert.ok(waiting.every((r) => r.days_since_step > 10 || r.days_since_step === 10));
  const mine = (await soc2.get('/referrals?state=all', { json: true })).json().rows;
  assert.ok(mine.every((r) => r.district === 'Hisingen'));
  const team = (await cm1.get('/referrals?state=draft', { json: true })).json().rows;
  assert.equal(team.length, 0, 'the team never lists drafts');
});

test('start pages: soc sees referrals waiting on them, manager the longest waiting', async () => {
  const soc = await soc1.get('/');
  assert.match(soc.body, /Remisser som väntar på dig/);
  const chef = await chef1.get('/');
  assert.match(chef.body, /Remisser som väntat längst/);
  assert.match(chef.body, /Beslut att ompröva inom 60 dagar/);
  const cm = await cm1.get('/');
  assert.match(cm.body, /Remisser som väntar på teamet/);
});

await run({ after: () => srv.stop() });

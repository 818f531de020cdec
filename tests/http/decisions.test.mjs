// decisions.test.mjs - the two linked decisions as two records (issue 15):
// refuse one and grant the other, end one, review one, the letter and its
// snapshot of the admin's texts, "fortsatt insats soc" from the support
// decision alone, the move-in that needs a housing decision in force, the
// decisions not put into effect within three months, and the migration of
// old one-row pairs (0013) on a demo database made with the schema before it.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { test, run } from '../lib/t.mjs';
import { startServer, Client, sql, BIN } from '../lib/server.mjs';

const srv = await startServer();
const c = {};
for (const u of ['soc1', 'chef1', 'fast1', 'admin1']) {
  c[u] = new Client(srv.url);
  await c[u].login(u);
}
const q = (s) => sql(srv.db, s);
const pad = (n) => String(n).padStart(2, '0');
const ymd = (d) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
const today = ymd(new Date());
const addDays = (date, n) => { const [y, m, d] = date.split('-').map(Number); return ymd(new Date(y, m - 1, d + n)); };
const centrum = q("SELECT id FROM districts WHERE name = 'Centrum'")[0].id;

let serial = 0;
/* A person in Centrum with a referral the team approved (soc1 may decide). */
function approved(first) {
  serial++;
  const pnr = `19${50 + serial}0303-00${pad(serial)}`;
  const pid = q(`INSERT INTO persons(personnummer, first_name, last_name, district_id, created_at, updated_at)
    VALUES('${pnr}', '${first}', 'Beslutsson', ${centrum}, 0, 0) RETURNING id`)[0].id;
  const rid = q(`INSERT INTO referrals(person_id, district_id, state, sent_at, last_step_at, final_answer, created_at, updated_at)
    VALUES(${pid}, ${centrum}, 'approved', 0, 0, 'alone', 0, 0) RETURNING id`)[0].id;
  return { pid, rid };
}
/* Posts the decision form for referral rid (the form's defaults, then extra). */
async function decide(rid, extra = {}) {
  const f = (await c.soc1.get(`/referrals/${rid}/decisions/new`, { json: true })).json();
  return c.soc1.post(`/referrals/${rid}/decisions`, { ...f.form, version: String(f.version), ...extra });
}
const pair = (rid) => q(`SELECT * FROM decisions WHERE referral_id = ${rid} ORDER BY kind, id`);
const json = async (path, client = c.soc1) => (await client.get(path, { json: true })).json();

test('refuse housing, grant support: two records, linked; motivering required; each its own JSON', async () => {
  const { rid } = approved('Rut');
  let r = await decide(rid, { housing_outcome: 'refused', housing_motivering: '' });
  assert.equal(r.status, 400);
  assert.match(r.body, /id="housing_motivering-error"[^>]*>.*Skriv motiveringen till avslaget/);
  assert.match(r.body, /<option value="refused" selected>Avslag<\/option>/, 'the choice is kept');
  assert.equal(pair(rid).length, 0, 'nothing written');
  r = await decide(rid, { housing_outcome: 'refused', housing_motivering: 'Behovet av bostad tillgodoses på annat sätt.',
    support_outcome: 'granted' });
  assert.equal(r.status, 303, r.body.slice(0, 400));
  const [h, s] = pair(rid);
  assert.equal(h.kind, 'housing');
  assert.equal(s.kind, 'support');
  assert.equal(h.pair_id, s.pair_id, 'linked as a pair');
  assert.deepEqual([h.outcome, h.motivering, s.outcome], ['refused', 'Behovet av bostad tillgodoses på annat sätt.', 'granted']);
  assert.equal(q(`SELECT state FROM referrals WHERE id = ${rid}`)[0].state, 'decided');
  assert.equal(q(`SELECT count(*) AS n FROM audit WHERE entity = 'decision' AND action = 'create' AND entity_id IN (${h.id}, ${s.id})`)[0].n, 2);
  const hj = await json(`/decisions/${h.id}`), sj = await json(`/decisions/${s.id}`);
  assert.deepEqual([hj.id, hj.kind, hj.outcome, hj.state], [h.id, 'housing', 'refused', 'in_force']);
  assert.deepEqual([sj.id, sj.kind, sj.outcome, sj.state], [s.id, 'support', 'granted', 'in_force']);
  assert.equal(hj.linked[0].id, s.id, 'the housing decision names its support decision');
  const page = (await c.soc1.get(`/decisions/${h.id}`)).body;
  assert.match(page, /<h1>Beslut för Rut Beslutsson: Hjälp med bostadsanskaffning – Bostad först<\/h1>\s*<p class="lead"><strong>Avslag<\/strong>/);
  assert.doesNotMatch(page, /Avsluta beslutet/, 'a refusal cannot be ended');
});

test('the letter: outcome, motivering, legal basis, appeal for an avslag; a snapshot of the admin texts', async () => {
  const { rid } = approved('Lisa');
  assert.equal((await decide(rid, { housing_outcome: 'refused', housing_motivering: 'Annan bostadslösning finns.' })).status, 303);
  const [h, s] = pair(rid);
  const reads = () => q(`SELECT count(*) AS n FROM audit WHERE action = 'read' AND entity = 'decision' AND entity_id = ${h.id}`)[0].n;
  const before = reads();
  let letter = (await c.soc1.get(`/decisions/${h.id}/letter`)).body;
  assert.equal(reads(), before + 1, 'reading the letter is audited once');
  assert.match(letter, /<h1>Beslutsmeddelande<\/h1>/);
  assert.match(letter, /Du har ansökt om: Hjälp med bostadsanskaffning – Bostad först/);
  assert.match(letter, /<strong>Avslag\.<\/strong>/);
  assert.match(letter, /Annan bostadslösning finns\./);
  assert.match(letter, /Socialtjänstlagen \(2001:453\) 4 kap\. 1 §/);
  assert.match(letter, /inom tre veckor/);
  assert.match(letter, /förvaltningsrätten/);
  const granted = (await c.soc1.get(`/decisions/${s.id}/letter`)).body;
  assert.match(granted, /<strong>Beviljat\.<\/strong> Beslutet gäller \d{4}-\d\d-\d\d – \d{4}-\d\d-\d\d/);
  assert.doesNotMatch(granted, /Hur du överklagar/, 'no appeal text for a grant');
  // the admin edits both texts: the letter given keeps its own
  assert.equal((await c.admin1.get('/admin/decision-texts')).status, 200);
  const base_id = String((await json('/admin/decision-texts', c.admin1)).base_id);
  let r = await c.admin1.post('/admin/decision-texts', { legal_basis: '', appeal: 'x', base_id });
  assert.equal(r.status, 400);
  assert.match(r.body, /Skriv lagrummet/);
  r = await c.admin1.post('/admin/decision-texts', { legal_basis: 'SoL 4 kap. 1 § (ny lydelse).', appeal: 'Ny besvärshänvisning: skriv till nämnden.', base_id });
  assert.equal(r.status, 303, r.body.slice(0, 300));
  // a second tab opened before that save: the one conflict shape, what was typed kept, nothing saved
  const versions = q('SELECT count(*) AS n FROM decision_texts')[0].n;
  r = await c.admin1.post('/admin/decision-texts', { legal_basis: 'Gammal flik: lagrum.', appeal: 'Gammal flik: överklagande.', base_id });
  assert.equal(r.status, 409);
  assert.match(r.body, /<h2>Sparat av någon annan<\/h2>/);
  assert.match(r.body, /<dd>SoL 4 kap. 1 § \(ny lydelse\).<\/dd>/, 'what is saved now is shown');
  assert.match(r.body, />Gammal flik: lagrum\.<\/textarea>/, 'what was typed is kept');
  assert.equal(q('SELECT count(*) AS n FROM decision_texts')[0].n, versions, 'nothing saved');
  letter = (await c.soc1.get(`/decisions/${h.id}/letter`)).body;
  assert.match(letter, /förvaltningsrätten/, 'the old letter is unchanged');
  assert.doesNotMatch(letter, /Ny besvärshänvisning|ny lydelse/);
  const next = approved('Nora');
  assert.equal((await decide(next.rid, { housing_outcome: 'refused', housing_motivering: 'Skäl.' })).status, 303);
  const newLetter = (await c.soc1.get(`/decisions/${pair(next.rid)[0].id}/letter`)).body;
  assert.match(newLetter, /Ny besvärshänvisning: skriv till nämnden\./, 'a new decision takes the new text');
  assert.match(newLetter, /ny lydelse/);
  assert.equal((await c.fast1.get(`/decisions/${h.id}/letter`)).status, 403);
});

test('end the support only: form, confirmation, reason; the housing decision is untouched', async () => {
  const { pid, rid } = approved('Eja');
  assert.equal((await decide(rid)).status, 303);
  const [h, s] = pair(rid);
  const form = await c.soc1.get(`/decisions/${s.id}/end`);
  assert.equal(form.status, 200);
  assert.match(form.body, /<option value="declined">Brukaren avböjer<\/option>/);
  assert.doesNotMatch(form.body, /Det finns fel i formuläret/, 'the empty form shows no errors');
  let r = await c.soc1.post(`/decisions/${s.id}/end/confirm`, { ended_on: today, end_reason: 'other', end_note: '', version: String(s.version) });
  assert.equal(r.status, 400);
  assert.match(r.body, /Beskriv anledningen när du väljer Annat/);
  r = await c.soc1.post(`/decisions/${s.id}/end/confirm`, { ended_on: addDays(today, 3), end_reason: 'declined', version: String(s.version) });
  assert.equal(r.status, 400);
  assert.match(r.body, /kan inte vara i framtiden/);
  r = await c.soc1.post(`/decisions/${s.id}/end/confirm`, { ended_on: today, end_reason: 'declined', version: String(s.version) });
  assert.equal(r.status, 200);
  assert.match(r.body, /Bekräfta att beslutet avslutas/);
  assert.match(r.body, /Brukaren avböjer/);
  r = await c.soc1.post(`/decisions/${s.id}/end`, { ended_on: today, end_reason: 'declined', version: String(s.version) });
  assert.equal(r.status, 400, 'not confirmed: nothing written');
  assert.equal(q(`SELECT ended_on FROM decisions WHERE id = ${s.id}`)[0].ended_on, null);
  r = await c.soc1.post(`/decisions/${s.id}/end`, { ended_on: today, end_reason: 'declined', version: String(s.version), confirmed: '1' });
  assert.equal(r.status, 303, r.body.slice(0, 300));
  assert.match(r.headers.location, /klart=beslut-avslutat/);
  const after = q(`SELECT * FROM decisions WHERE id IN (${h.id}, ${s.id}) ORDER BY kind`);
  assert.deepEqual([after[1].ended_on, after[1].end_reason], [today, 'declined']);
  assert.deepEqual(after[0], h, 'the housing decision is untouched');
  assert.equal(q(`SELECT count(*) AS n FROM audit WHERE entity = 'decision' AND action = 'update' AND entity_id = ${s.id}`)[0].n, 1);
  assert.equal((await json(`/decisions/${s.id}`)).state, 'ended');
  assert.equal((await json(`/decisions/${h.id}`)).state, 'in_force');
  const again = await c.soc1.post(`/decisions/${s.id}/end`, { ended_on: today, end_reason: 'declined', version: String(s.version + 1), confirmed: '1' });
  assert.equal(again.status, 409, 'an ended decision cannot be ended again');
  assert.equal((await c.soc1.get(`/decisions/${s.id}/end`)).status, 409);
  const person = (await c.soc1.get(`/persons/${pid}`)).body;
  assert.match(person, new RegExp(`Avslutat ${today} \\(Brukaren avböjer\\)`));
  assert.match(person, /Gäller till \d{4}-\d\d-\d\d och omprövas senast då/, 'the housing decision: when it ends and is reviewed');
  assert.doesNotMatch(person, /så länge personen vill/);
});

test('review the housing decision only: a new housing decision in the pair; the support decision stays', async () => {
  const { rid } = approved('Vera');
  assert.equal((await decide(rid)).status, 303);
  const [h, s] = pair(rid);
  const f = await json(`/decisions/${h.id}/review`);
  assert.equal(f.parts.length, 1, 'only the housing decision is on the form');
  const r = await c.soc1.post(`/decisions/${h.id}/review`, { ...f.form, housing_outcome: 'granted', end_date: '', version: String(f.version) });
  assert.equal(r.status, 303, r.body.slice(0, 300));
  const nid = Number(r.headers.location.match(/\/decisions\/(\d+)/)[1]);
  const n = q(`SELECT * FROM decisions WHERE id = ${nid}`)[0];
  assert.deepEqual([n.kind, n.pair_id, n.replaces_id], ['housing', h.pair_id, h.id]);
  assert.equal(q(`SELECT replaced_by_id FROM decisions WHERE id = ${h.id}`)[0].replaced_by_id, nid);
  assert.deepEqual(q(`SELECT * FROM decisions WHERE id = ${s.id}`)[0], s, 'the support decision is untouched');
  assert.equal((await json(`/decisions/${h.id}`)).state, 'replaced');
  assert.equal((await json(`/decisions/${nid}`)).linked[0].id, s.id, 'still linked to the support decision');
});

test('fortsatt insats soc follows the support decision alone', async () => {
  const d = q(`INSERT INTO districts(name, created_at, updated_at) VALUES('Insatsby', 0, 0) RETURNING id`)[0].id;
  const mk = (code, first) => {
    const pid = q(`INSERT INTO persons(reserve, birth_date, sex, first_name, last_name, district_id, personkod, created_at, updated_at)
      VALUES(1, '1970-01-01', 'K', '${first}', 'Insats', ${d}, '${code}', 0, 0) RETURNING id`)[0].id;
    const apt = q(`INSERT INTO apartments(address, district_id, rooms, area_m2, rent, status, created_at, updated_at)
      VALUES('Insatsgatan ${first}', ${d}, 1, 30, 5000, 'let', 0, 0) RETURNING id`)[0].id;
    // taken over in May: group B, where the register reads fortsatt insats
    q(`INSERT INTO tenancies(person_id, apartment_id, move_in_date, takeover_date, created_at, updated_at)
      VALUES(${pid}, ${apt}, '2025-03-01', '2025-05-01', 0, 0)`);
    q(`INSERT INTO decisions(person_id, district_id, decision_date, start_date, end_date, review_clause, support_kind, created_at, updated_at)
      VALUES(${pid}, ${d}, '2025-02-01', '2025-02-01', '2026-08-01', 'x', 'internal', 0, 0)`);
    return pid;
  };
  const a = mk('INSA-55-K', 'Anna'), b = mk('INSB-55-K', 'Berit');
  // Anna: the housing decision ended after a takeover, the support goes on; Berit: the support ended at her wish
  q(`UPDATE decisions SET ended_on = '2025-06-01', end_reason = 'goal_reached' WHERE person_id = ${a} AND kind = 'housing'`);
  q(`UPDATE decisions SET ended_on = '2025-10-01', end_reason = 'declined' WHERE person_id = ${b} AND kind = 'support'`);
  const csv = (await c.chef1.get(`/reports/status?year=2025&district=${d}&format=csv`)).body;
  const row = (code) => csv.split(/\r?\n/).find((l) => l.startsWith(code)).split(/[;,]/);
  assert.equal(row('INSA-55-K')[7], 'ja', 'the support decision is in force on 31/12');
  assert.equal(row('INSB-55-K')[7], 'nej', 'the support decision ended in October');
});

test('move-in before the housing decision starts: 4xx at the date, nothing written; then verkställd', async () => {
  const { pid, rid } = approved('Maja');
  const start = addDays(today, -10);
  assert.equal((await decide(rid, { decision_date: start, start_date: start, end_date: '' })).status, 303);
  const apt = q(`INSERT INTO apartments(address, district_id, rooms, area_m2, rent, created_at, updated_at)
    VALUES('Inflyttsgatan 1', ${centrum}, 1, 30, 5000, 0, 0) RETURNING id`)[0].id;
  const count = () => q(`SELECT (SELECT count(*) FROM tenancies) AS t, (SELECT status FROM apartments WHERE id = ${apt}) AS s,
    (SELECT count(*) FROM decisions WHERE support_effective_date IS NOT NULL) AS e`)[0];
  const before = count();
  const early = addDays(start, -5);
  let r = await c.fast1.post(`/apartments/${apt}/tenancies`, { person_id: String(pid), move_in_date: early });
  assert.equal(r.status, 400);
  assert.match(r.body, new RegExp(`id="move_in_date-error"[^>]*>.*Beslutet om bostadsanskaffning gäller ${start}`));
  assert.match(r.body, new RegExp(`id="move_in_date"[^>]*value="${early}"`), 'the date typed is kept');
  assert.deepEqual(count(), before, 'nothing written');
  // a move-in (and the support's verkställighet) is registered when it has happened
  r = await c.fast1.post(`/apartments/${apt}/tenancies`, { person_id: String(pid), move_in_date: addDays(today, 3) });
  assert.equal(r.status, 400);
  assert.match(r.body, /id="move_in_date-error"[^>]*>.*datumet kan inte vara i framtiden/);
  r = await c.fast1.post(`/apartments/${apt}/tenancies`, { person_id: String(pid), move_in_date: today, support_effective_date: addDays(today, 3) });
  assert.equal(r.status, 400);
  assert.match(r.body, /id="support_effective_date-error"[^>]*>.*datumet kan inte vara i framtiden/);
  assert.deepEqual(count(), before, 'nothing written');
  // a refused housing decision never lets anyone move in
  const refused = approved('Greta');
  assert.equal((await decide(refused.rid, { housing_outcome: 'refused', housing_motivering: 'Skäl.' })).status, 303);
  r = await c.fast1.post(`/apartments/${apt}/tenancies`, { person_id: String(refused.pid), move_in_date: today });
  assert.equal(r.status, 400);
  assert.deepEqual(count(), before);
  // within the decision: the housing decision and the support are verkställda
  r = await c.fast1.post(`/apartments/${apt}/tenancies`, { person_id: String(pid), move_in_date: addDays(start, 1),
    support_effective_date: start });
  assert.equal(r.status, 303, r.body.slice(0, 300));
  const [h, s] = pair(rid);
  assert.equal(h.support_effective_date, addDays(start, 1), 'housing verkställd at the move-in');
  assert.equal(s.support_effective_date, start, 'support verkställd on the date given');
});

test('granted but not verkställt after three months: listed, oldest first, with days; gone once verkställt', async () => {
  const { pid, rid } = approved('Ivo');
  const old = addDays(today, -100), older = addDays(today, -120);
  assert.equal((await decide(rid, { decision_date: old, start_date: old, end_date: '' })).status, 303);
  const other = approved('Olga');
  assert.equal((await decide(other.rid, { decision_date: older, start_date: older, end_date: '' })).status, 303);
  const recent = approved('Nyss');
  assert.equal((await decide(recent.rid)).status, 303);
  const rows = (await json('/decisions/unenforced')).rows.filter((x) => x.person_name.endsWith('Beslutsson'));
  const names = rows.map((x) => `${x.person_name}/${x.kind}/${x.days}`);
  assert.deepEqual(names, ['Olga Beslutsson/housing/120', 'Olga Beslutsson/support/120', 'Ivo Beslutsson/housing/100', 'Ivo Beslutsson/support/100']);
  // the start pages show the oldest (the demo data has older ones) and link to the whole list
  for (const who of ['soc1', 'chef1']) {
    const home = (await c[who].get('/')).body;
    assert.match(home, /Ej verkställda beslut \(över tre månader\)/, who);
    assert.match(home, /href="\/decisions\/unenforced"/, who);
    assert.match(home, /: (Stödinsats Bostad först|Hjälp med bostadsanskaffning – Bostad först)<\/a>.*Beviljat \d{4}-\d\d-\d\d, inte verkställt efter \d+ dagar/s, who);
  }
  assert.ok((await json('/decisions/unenforced', c.chef1)).rows.some((x) => x.person_name === 'Olga Beslutsson'), 'the manager sees all');
  assert.match((await c.soc1.get('/decisions/unenforced')).body, /<td>120<\/td>/);
  const [, s] = pair(rid);
  const r = await c.soc1.post(`/decisions/${s.id}/effective`, { date: today, version: String(s.version) });
  assert.equal(r.status, 303);
  const left = (await json('/decisions/unenforced')).rows.filter((x) => x.person_id === pid).map((x) => x.kind);
  assert.deepEqual(left, ['housing'], 'the support is no longer listed');
});

test('ending with Annat: the note is stored and shown as typed (å, ä, ö), not a number', async () => {
  const { rid } = approved('Åsa');
  assert.equal((await decide(rid)).status, 303);
  const [, s] = pair(rid);
  const note = 'Flyttar till sin dotter i Överkalix – "nöjd" & glad.';
  const r = await c.soc1.post(`/decisions/${s.id}/end`, { ended_on: today, end_reason: 'other', end_note: note,
    version: String(s.version), confirmed: '1' });
  assert.equal(r.status, 303, r.body.slice(0, 300));
  assert.equal(q(`SELECT end_note FROM decisions WHERE id = ${s.id}`)[0].end_note, note);
  assert.equal((await json(`/decisions/${s.id}`)).decision.end_note, note);
  const page = (await c.soc1.get(`/decisions/${s.id}`)).body;
  assert.ok(page.includes(`Avslutat</dt><dd>${today} – Annat: Flyttar till sin dotter i Överkalix – &quot;nöjd&quot; &amp; glad.</dd>`), 'the note on the page');
});

test('verkställd: not in the future, not an impossible date (errors at the field, typed value kept); a stale page answers 409', async () => {
  const { rid } = approved('Tora');
  assert.equal((await decide(rid)).status, 303);
  const [, s] = pair(rid);
  const page = (await c.soc1.get(`/decisions/${s.id}`)).body;
  assert.match(page, /<input id="date" name="date" type="text"[^>]*value="\d{4}-\d\d-\d\d"/);
  for (const [date, msg] of [[addDays(today, 30), /kan inte vara i framtiden/], ['2026-02-30', /Ange verkställighetsdatum/]]) {
    const r = await c.soc1.post(`/decisions/${s.id}/effective`, { date, version: String(s.version) });
    assert.equal(r.status, 400, date);
    assert.match(r.body, new RegExp(`id="date-error"[^>]*>.*${msg.source}`), date);
    assert.match(r.body, new RegExp(`id="date"[^>]*value="${date}"[^>]*aria-invalid="true"`), `${date} kept`);
    assert.match(r.body, /Beslut för Tora Beslutsson/, 'the decision page again');
  }
  assert.equal(q(`SELECT support_effective_date FROM decisions WHERE id = ${s.id}`)[0].support_effective_date, null);
  // the create form refuses a future date too
  const other = approved('Tyra');
  let r = await decide(other.rid, { support_effective_date: addDays(today, 5) });
  assert.equal(r.status, 400);
  assert.match(r.body, /id="support_effective_date-error"[^>]*>.*kan inte vara i framtiden/);
  // stale: someone else marked it first
  const yesterday = addDays(today, -1);
  assert.equal((await c.soc1.post(`/decisions/${s.id}/effective`, { date: yesterday, version: String(s.version) })).status, 303);
  r = await c.soc1.post(`/decisions/${s.id}/effective`, { date: today, version: String(s.version) });
  assert.equal(r.status, 409);
  assert.match(r.body, /<h2>Sparat av någon annan<\/h2>/);
  assert.match(r.body, new RegExp(`<dt>Verkställd datum</dt><dd>${yesterday}</dd>`), 'the date saved by the other');
  assert.equal(q(`SELECT support_effective_date FROM decisions WHERE id = ${s.id}`)[0].support_effective_date, yesterday);
});

test('a recorded death: not offered a move-in, no "a new tenancy can be registered" on the person or tenancy page', async () => {
  const { pid, rid } = approved('Dora');
  assert.equal((await decide(rid, { decision_date: addDays(today, -60), start_date: addDays(today, -60), end_date: '' })).status, 303);
  const apt = q(`INSERT INTO apartments(address, district_id, rooms, area_m2, rent, created_at, updated_at)
    VALUES('Dödsfallsgatan 1', ${centrum}, 1, 30, 5000, 0, 0) RETURNING id`)[0].id;
  const free = q(`INSERT INTO apartments(address, district_id, rooms, area_m2, rent, created_at, updated_at)
    VALUES('Dödsfallsgatan 2', ${centrum}, 1, 30, 5000, 0, 0) RETURNING id`)[0].id;
  const tid = q(`INSERT INTO tenancies(person_id, apartment_id, move_in_date, end_date, end_reason, created_at, updated_at)
    VALUES(${pid}, ${apt}, '${addDays(today, -50)}', '${addDays(today, -5)}', 'deceased', 0, 0) RETURNING id`)[0].id;
  const form = (await c.fast1.get(`/apartments/${free}/tenancies/new`)).body;
  assert.doesNotMatch(form, /Dora Beslutsson/, 'not in the Hyresgäst list');
  const r = await c.fast1.post(`/apartments/${free}/tenancies`, { person_id: String(pid), move_in_date: today });
  assert.equal(r.status, 400);
  assert.equal(q(`SELECT count(*) AS n FROM tenancies WHERE person_id = ${pid}`)[0].n, 1, 'nothing written');
  const person = (await c.soc1.get(`/persons/${pid}`)).body;
  assert.doesNotMatch(person, /Stödinsatsen fortsätter ändå|nytt boende/);
  const tenancy = (await c.soc1.get(`/tenancies/${tid}`)).body;
  assert.doesNotMatch(tenancy, /ett nytt boende kan registreras/);
  assert.match(tenancy, /Boendet avslutades när hyresgästen avled/);
});

test('old pairs both reviewed: each old decision names its other half, Ersatt; an empty legal basis is no Lagrum section', async () => {
  const { pid } = approved('Olle');
  const ins = (start, end, at) => q(`INSERT INTO decisions(person_id, district_id, decision_date, start_date, end_date, review_clause,
    support_kind, created_at, updated_at) VALUES(${pid}, ${centrum}, '${start}', '${start}', '${end}', 'x', 'internal', ${at}, ${at}) RETURNING id`)[0].id;
  const old = ins('2023-01-01', '2024-07-01', 1000), next = ins('2024-07-01', '2026-01-01', 2000);
  q(`UPDATE decisions SET replaced_by_id = ${next}, replaced_at = 2000 WHERE id = ${old}`);
  q(`UPDATE decisions SET replaces_id = ${old} WHERE id = ${next}`);
  const twin = q(`SELECT id FROM decisions WHERE twin_of = ${old}`)[0].id;
  const j = await json(`/decisions/${old}`);
  assert.deepEqual(j.linked.map((x) => [x.id, x.state]), [[twin, 'replaced']], 'the housing decision beside it');
  const page = (await c.soc1.get(`/decisions/${old}`)).body;
  assert.doesNotMatch(page, /Inget länkat beslut/);
  assert.match(page, new RegExp(`<a href="/decisions/${twin}">Hjälp med bostadsanskaffning – Bostad först</a>.*Ersatt`));
  assert.deepEqual((await json(`/decisions/${twin}`)).linked.map((x) => x.id), [old]);
  const letter = (await c.soc1.get(`/decisions/${old}/letter`)).body;
  assert.equal(q(`SELECT legal_basis FROM decisions WHERE id = ${old}`)[0].legal_basis, '');
  assert.doesNotMatch(letter, /<h2>Lagrum<\/h2>/, 'no empty section');
});

test('after a transfer: the letter keeps the district the decision was made in; the timeline dates verkställd when it was', async () => {
  const { pid, rid } = approved('Flytt');
  assert.equal((await decide(rid, { decision_date: addDays(today, -20), start_date: addDays(today, -20), end_date: '' })).status, 303);
  let [, s] = pair(rid);
  assert.equal((await c.soc1.post(`/decisions/${s.id}/effective`, { date: addDays(today, -10), version: String(s.version) })).status, 303);
  // made and verkställd a while ago (before the transfer registered below)
  q(`UPDATE decisions SET created_at = created_at - 86400, effective_at = effective_at - 3600 WHERE person_id = ${pid}`);
  const hisingen = q("SELECT id FROM districts WHERE name = 'Hisingen'")[0].id;
  const version = q(`SELECT version FROM persons WHERE id = ${pid}`)[0].version;
  const r = await c.chef1.post(`/persons/${pid}/transfer`, { version: String(version), district_id: String(hisingen), date: today, confirmed: '1' });
  assert.equal(r.status, 303, r.body.slice(0, 300));
  // a later change of the decision (ended in the new district) must not move the verkställd entry
  s = q(`SELECT * FROM decisions WHERE id = ${s.id}`)[0];
  const soc2 = new Client(srv.url);
  await soc2.login('soc2');
  assert.equal((await soc2.post(`/decisions/${s.id}/end`, { ended_on: today, end_reason: 'goal_reached', version: String(s.version), confirmed: '1' })).status, 303);
  const letter = (await c.chef1.get(`/decisions/${s.id}/letter`)).body;
  assert.match(letter, /<dt>Stadsdel<\/dt><dd>Centrum<\/dd>/);
  const person = (await c.chef1.get(`/persons/${pid}`)).body;
  assert.match(person, new RegExp(`Stödinsatsen verkställdes <span class="muted">\\(${addDays(today, -10)}\\)</span>( <span class="muted">av [^<]*</span>)? <span class="muted">i Centrum</span>`));
  assert.match(person, /Beslutet om stödinsats avslutades[^\n]*i Hisingen/);
});

test('an avslag shows what applies to it; a refusal at review is worded as not continuing; a replaced letter is marked', async () => {
  const { rid } = approved('Avla');
  // a refused support marked Externt needs no provider
  let r = await decide(rid, { support_outcome: 'refused', support_motivering: 'Behovet tillgodoses på annat sätt.', support_kind: 'external', provider: '' });
  assert.equal(r.status, 303, (r.body.match(/field-error[^\n]*/g) || []).join('\n'));
  const [h, s] = pair(rid);
  const page = (await c.soc1.get(`/decisions/${s.id}`)).body;
  for (const gone of [/Beslutsperiod/, /Gällande avslag/, /Stödinsatsen utförs/, /Uppdragsbeskrivning/, /\(intern\)/])
    assert.doesNotMatch(page, gone, String(gone));
  const person = (await c.soc1.get(`/persons/${s.person_id}`)).body;
  assert.match(person, new RegExp(`<a href="/decisions/${s.id}">Stödinsats Bostad först</a>:\\s*avslag`), 'no (internt) beside an avslag');
  assert.doesNotMatch(person, /Gällande avslag/);
  const hpage = (await c.soc1.get(`/decisions/${h.id}`)).body;
  assert.match(hpage, new RegExp(`<a href="/decisions/${s.id}">Stödinsats Bostad först</a>: Avslag</li>`), 'the linked avslag without period or state');
  // review the granted housing decision into an avslag: the letter says it does not continue
  const f = await json(`/decisions/${h.id}/review`);
  r = await c.soc1.post(`/decisions/${h.id}/review`, { ...f.form, housing_outcome: 'refused', housing_motivering: 'Behovet finns inte längre.', version: String(f.version) });
  assert.equal(r.status, 303, r.body.slice(0, 300));
  const nid = Number(r.headers.location.match(/\/decisions\/(\d+)/)[1]);
  const letter = (await c.soc1.get(`/decisions/${nid}/letter`)).body;
  assert.doesNotMatch(letter, /Din ansökan avslås|Du har ansökt om/);
  assert.match(letter, /insatsen inte ska fortsätta/);
  const old = (await c.soc1.get(`/decisions/${h.id}/letter`)).body;
  assert.match(old, /<strong>Ersatt\.<\/strong> Beslutet har ersatts vid omprövning/);
  // the unenforced list is always one click from the menu's "Beslut att ompröva"
  assert.match((await c.soc1.get('/decisions')).body, /href="\/decisions\/unenforced"/);
  assert.match((await c.chef1.get('/decisions')).body, /href="\/decisions\/unenforced"/);
  const granted = approved('Inte');
  assert.equal((await decide(granted.rid)).status, 303);
  assert.match((await c.soc1.get(`/decisions/${pair(granted.rid)[1].id}`)).body, /<dt>Stödinsatsen utförs<\/dt><dd>internt, Bostad först SRF<\/dd>/);
});

test('the decision forms keep what was typed: an impossible date at the field; a stale review or end answers the one conflict shape', async () => {
  const { rid } = approved('Stina');
  let r = await decide(rid, { decision_date: '2026-02-30', housing_motivering: 'Skrivet för hand.' });
  assert.equal(r.status, 400);
  assert.match(r.body, /id="decision_date-error"[^>]*>.*Ange beslutsdatum/);
  assert.match(r.body, /id="decision_date"[^>]*value="2026-02-30"/);
  assert.match(r.body, />Skrivet för hand\.<\/textarea>/);
  assert.equal((await decide(rid)).status, 303);
  const [h, s] = pair(rid);
  // two tabs open the review; the first saves, the second is stale
  const f = await json(`/decisions/${h.id}/review`);
  r = await c.soc1.post(`/decisions/${h.id}/review`, { ...f.form, version: String(f.version) });
  assert.equal(r.status, 303);
  const count = () => q(`SELECT count(*) AS n FROM decisions WHERE pair_id = ${h.pair_id}`)[0].n;
  const before = count();
  r = await c.soc1.post(`/decisions/${h.id}/review`, { ...f.form, housing_outcome: 'refused', housing_motivering: 'Min text i andra fliken.', version: String(f.version) });
  assert.equal(r.status, 409);
  assert.match(r.body, /<h2>Sparat av någon annan<\/h2>/);
  assert.match(r.body, />Min text i andra fliken\.<\/textarea>/, 'what was typed is kept');
  assert.match(r.body, /<option value="refused" selected>Avslag<\/option>/);
  assert.match(r.body, /Visa det nya beslutet/);
  assert.equal(count(), before, 'nothing written');
  // what stands now is the first tab's new decision, and sending again
  // reviews that one with what the second tab typed
  const first = q(`SELECT id, version, decision_date FROM decisions WHERE replaces_id = ${h.id}`)[0];
  assert.match(r.body, new RegExp(`nu sparat är ett nytt beslut från omprövningen ${first.decision_date}`));
  assert.match(r.body, new RegExp(`action="/decisions/${first.id}/review"`), 'the form now reviews the new decision');
  assert.match(r.body, new RegExp(`name="version" value="${first.version}"`));
  r = await c.soc1.post(`/decisions/${first.id}/review`, { ...f.form, housing_outcome: 'refused', housing_motivering: 'Min text i andra fliken.', version: String(first.version) });
  assert.equal(r.status, 303, 'saved again: the new decision is reviewed');
  assert.equal(q(`SELECT motivering FROM decisions WHERE replaces_id = ${first.id}`)[0].motivering, 'Min text i andra fliken.');
  // the end form: an impossible date at the field, a stale version in the conflict shape
  r = await c.soc1.post(`/decisions/${s.id}/end/confirm`, { ended_on: '2026-02-30', end_reason: 'other', end_note: 'Behåll mig', version: String(s.version) });
  assert.equal(r.status, 400);
  assert.match(r.body, /id="ended_on-error"/);
  assert.match(r.body, />Behåll mig<\/textarea>/);
  q(`UPDATE decisions SET version = version + 1 WHERE id = ${s.id}`);
  r = await c.soc1.post(`/decisions/${s.id}/end`, { ended_on: today, end_reason: 'other', end_note: 'Behåll mig', version: String(s.version), confirmed: '1' });
  assert.equal(r.status, 409);
  assert.match(r.body, /<h2>Sparat av någon annan<\/h2>/);
  assert.match(r.body, />Behåll mig<\/textarea>/);
  assert.match(r.body, new RegExp(`name="version" value="${s.version + 1}"`), 'sending again replaces');
  assert.equal(q(`SELECT ended_on FROM decisions WHERE id = ${s.id}`)[0].ended_on, null);
});

test('migration 0013 on a demo database made with 0012: every field kept, a housing twin per pair, audit rows intact', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bf-mig-'));
  try {
    const oldDb = join(dir, 'old.db'), newDb = join(dir, 'new.db');
    execFileSync(BIN, ['demo', '--db', oldDb, '--persons', '25'], { env: { ...process.env, BOSTADFORST_SCHEMA_CAP: '12' }, stdio: 'pipe' });
    const o = (s) => sql(oldDb, s);
    assert.equal(o('SELECT max(version) AS v FROM schema_migrations')[0].v, 12);
    // audit rows about decisions, as the old code wrote them
    o(`INSERT INTO audit(at, user_id, action, entity, entity_id, person_id)
       SELECT 1700000000 + id, decided_by, 'create', 'decision', id, person_id FROM decisions`);
    o(`INSERT INTO audit(at, user_id, action, entity, entity_id, person_id)
       SELECT 1700000500 + id, decided_by, 'read', 'decision', id, person_id FROM decisions WHERE replaced_by_id IS NOT NULL`);
    o(`INSERT INTO assignments(person_id, decision_id, text_id, goals, created_at, updated_at)
       SELECT person_id, id, 1, 'Mål', 0, 0 FROM decisions WHERE replaced_by_id IS NULL LIMIT 3`);
    const oldRows = o('SELECT * FROM decisions ORDER BY id');
    const oldAudit = o('SELECT * FROM audit ORDER BY id');
    const oldAssign = o('SELECT * FROM assignments ORDER BY id');
    assert.ok(oldRows.length > 20 && oldRows.some((x) => x.replaced_by_id) && oldRows.some((x) => x.support_effective_date));
    copyFileSync(oldDb, newDb);
    execFileSync(BIN, ['migrate', '--db', newDb], { stdio: 'pipe' });
    const n = (s) => sql(newDb, s);
    const rows = n('SELECT * FROM decisions ORDER BY id');
    assert.equal(rows.length, 2 * oldRows.length, 'each old row is two decisions');
    const byId = new Map(rows.map((x) => [x.id, x]));
    for (const old of oldRows) {
      const s = byId.get(old.id);
      for (const [k, v] of Object.entries(old)) assert.deepEqual(s[k], v, `decision ${old.id}: ${k} kept`);
      assert.deepEqual([s.kind, s.outcome], ['support', 'granted'], `old row ${old.id} is the support decision`);
      const twins = rows.filter((x) => x.twin_of === old.id);
      assert.equal(twins.length, 1, `one housing decision for ${old.id}`);
      const h = twins[0];
      for (const k of ['person_id', 'referral_id', 'district_id', 'decision_date', 'start_date', 'end_date', 'review_clause',
        'decided_by', 'created_at', 'created_by', 'updated_at', 'updated_by', 'replaced_at', 'version'])
        assert.deepEqual(h[k], old[k], `housing twin of ${old.id}: ${k}`);
      assert.deepEqual([h.kind, h.outcome, h.pair_id], ['housing', 'granted', s.pair_id], 'linked');
      assert.equal(h.replaced_by_id, old.replaced_by_id ? rows.find((x) => x.twin_of === old.replaced_by_id).id : null);
      assert.equal(h.replaces_id, old.replaces_id ? rows.find((x) => x.twin_of === old.replaces_id).id : null);
    }
    const audit = n('SELECT * FROM audit ORDER BY id');
    assert.deepEqual(audit.slice(0, oldAudit.length), oldAudit, 'every old audit row intact');
    const added = audit.slice(oldAudit.length);
    assert.deepEqual(added.map((x) => [x.action, x.entity, x.entity_id]).sort(),
      rows.filter((x) => x.twin_of).map((x) => ['create', 'decision', x.id]).sort(), 'one audit row per housing decision made');
    assert.deepEqual(n('SELECT * FROM assignments ORDER BY id'), oldAssign, 'the assignments hang off the support decisions');
    assert.equal(n("SELECT count(*) AS n FROM decisions_open")[0].n, rows.filter((x) => !x.replaced_by_id && x.end_date >= today).length);
    assert.deepEqual(n('PRAGMA foreign_key_check'), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

await run({ after: () => srv.stop() });

// words.test.mjs - what the pages say: counts that agree with their number
// (and no summary over an empty list), days as whole calendar days (a month
// end, a daylight-saving change), the timeline in events rather than button
// labels, the plan compare page with one version, the access log in
// Swedish with choice lists, "brukaren" in the remiss, checklists only for
// months the tenancy covers, and the information meeting's time and place.
//
// The server and this file run in Europe/Stockholm, so a day across a
// daylight-saving change is 23 or 25 hours long on both sides.
process.env.TZ = 'Europe/Stockholm';

import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test, run } from '../lib/t.mjs';
import { startServer, Client, sql, ROOT } from '../lib/server.mjs';

const srv = await startServer();
const c = {};
for (const u of ['soc1', 'cm1', 'cm2', 'chef1', 'fast1', 'admin1']) {
  c[u] = new Client(srv.url);
  await c[u].login(u);
}
const q = (s) => sql(srv.db, s);
const pad = (n) => String(n).padStart(2, '0');
const ymd = (d) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
const today = ymd(new Date());
const addDays = (date, n) => { const [y, m, d] = date.split('-').map(Number); return ymd(new Date(y, m - 1, d + n)); };
/* Whole calendar days from a to b (dates), counted on the calendar. */
const calendarDays = (a, b) => {
  const utc = (s) => { const [y, m, d] = s.split('-').map(Number); return Date.UTC(y, m - 1, d); };
  return Math.round((utc(b) - utc(a)) / 86400000);
};
/* Unix seconds of a local wall-clock time. */
const localUnix = (date, hh, mm) => { const [y, m, d] = date.split('-').map(Number); return Math.floor(new Date(y, m - 1, d, hh, mm).getTime() / 1000); };
const centrum = q("SELECT id FROM districts WHERE name = 'Centrum'")[0].id;
const uid = (u) => q(`SELECT id FROM users WHERE username = '${u}'`)[0].id;

let serial = 0;
/* A person in Centrum; with decision: a current decision pair ending on
 * end, and cm1 assigned. */
function person(first, { decisionEnd = null, district = centrum, assign = true } = {}) {
  serial++;
  const pnr = `19${60 + serial}0202-00${pad(serial)}`;
  const id = q(`INSERT INTO persons(personnummer, first_name, last_name, district_id, created_at, updated_at)
    VALUES('${pnr}', '${first}', 'Ordsson', ${district}, 0, 0) RETURNING id`)[0].id;
  if (decisionEnd)
    q(`INSERT INTO decisions(person_id, district_id, decision_date, start_date, end_date, review_clause, support_kind,
      created_at, updated_at) VALUES(${id}, ${district}, '${addDays(decisionEnd, -540)}', '${addDays(decisionEnd, -540)}', '${decisionEnd}', 'x',
      'internal', 0, 0)`);
  if (assign) q(`INSERT INTO person_case_managers(person_id, user_id, started_at) VALUES(${id}, ${uid('cm1')}, 0)`);
  return id;
}
function apartment(address, district = centrum) {
  return q(`INSERT INTO apartments(address, district_id, rooms, area_m2, rent, created_at, updated_at)
    VALUES('${address}', ${district}, 1, 30, 5000, 0, 0) RETURNING id`)[0].id;
}

const allCriteria = { crit_known: '1', crit_far: '1', crit_health: '1', crit_wants: '1', crit_no_violence: '1', crit_no_risk: '1' };
/* A referral for a new person, as soc1, sent to the team. */
async function sentReferral(first) {
  const pid = person(first, { assign: false });
  const d = await c.soc1.post(`/persons/${pid}/referrals`, { ...allCriteria, client_participated: '1', client_wishes: 'Ett eget hem.' });
  assert.equal(d.status, 303, d.body.slice(0, 300));
  const id = Number(d.headers.location.match(/\/referrals\/(\d+)/)[1]);
  assert.equal((await step(c.soc1, id, 'send')).status, 303);
  return { pid, id };
}
async function step(client, id, action, extra = {}) {
  const version = q(`SELECT version FROM referrals WHERE id = ${id}`)[0].version;
  return client.post(`/referrals/${id}/steps`, { action, version: String(version), ...extra });
}
const referralRow = (id) => q(`SELECT state, version, meeting_date, meeting_time, meeting_place FROM referrals WHERE id = ${id}`)[0];
const stepCount = (id) => q(`SELECT count(*) AS n FROM referral_steps WHERE referral_id = ${id}`)[0].n;

// ---- 1. counts ----

test('visit counts: nothing above an empty journal; 1 kontakt, 2 kontakter', async () => {
  const p = person('Tom');
  let r = await c.cm1.get(`/visits?person=${p}`);
  assert.equal(r.status, 200);
  assert.match(r.body, /Inga besök registrerade/);
  assert.doesNotMatch(r.body, /kontakter, varav|kontakt, varav/, 'no summary over an empty list');
  assert.equal((await c.cm1.get(`/visits?person=${p}`, { json: true })).json().counts.visits, 0, 'no visits counted as one');
  assert.equal((await c.cm1.post('/visits', { person_id: String(p), date: today, kind: 'home', met: '1', note: 'Fika.' })).status, 303);
  r = await c.cm1.get(`/visits?person=${p}`);
  assert.match(r.body, /<p>1 kontakt, varav 1 hembesök där ni träffades\./);
  assert.doesNotMatch(r.body, /Inga besök registrerade/);
  await c.cm1.post('/visits', { person_id: String(p), date: today, kind: 'phone', met: '1' });
  r = await c.cm1.get(`/visits?person=${p}`);
  assert.match(r.body, /<p>2 kontakter, varav 1 hembesök där ni träffades\./);
  // the socialsekreterare reads the same counts
  assert.match((await c.soc1.get(`/visits?person=${p}`)).body, /2 kontakter, varav 1 hembesök/);
});

test('days ago: "i dag", "för 1 dag sedan", "för N dagar sedan" on the referral, the person page and the start page', async () => {
  const { pid, id } = await sentReferral('Dagny');
  let page = await c.soc1.get(`/referrals/${id}`);
  assert.match(page.body, /<dt>Senaste steget<\/dt><dd>i dag<\/dd>/);
  assert.match(page.body, new RegExp(`<dt>Skickad</dt><dd>${today} \\(i dag\\)</dd>`));
  const yesterday = localUnix(addDays(today, -1), 12, 0);
  q(`UPDATE referrals SET sent_at = ${yesterday}, last_step_at = ${yesterday} WHERE id = ${id}`);
  page = await c.soc1.get(`/referrals/${id}`);
  assert.match(page.body, /<dt>Senaste steget<\/dt><dd>för 1 dag sedan<\/dd>/);
  assert.match(page.body, /\(för 1 dag sedan\)<\/dd>/);
  assert.doesNotMatch(page.body, /1 dagar/);
  assert.match((await c.soc1.get(`/persons/${pid}`)).body, /\(senaste steget för 1 dag sedan\)/);
  const items = (await c.cm1.get('/', { json: true })).json().sections.flatMap((s) => s.items);
  const mine = items.find((i) => i.href === `/referrals/${id}`);
  if (mine) assert.match(mine.detail, /senaste steget för 1 dag sedan$/);
  q(`UPDATE referrals SET last_step_at = ${localUnix(addDays(today, -5), 12, 0)} WHERE id = ${id}`);
  assert.match((await c.soc1.get(`/referrals/${id}`)).body, /<dt>Senaste steget<\/dt><dd>för 5 dagar sedan<\/dd>/);
});

test('other counts agree with their number: plan changes, the due list, the kvarboende page', async () => {
  // the due list's empty text and its count
  const due = (await c.soc1.get('/decisions?within=1', { json: true })).json();
  assert.equal(due.within_text, '1 dag');
  assert.equal((await c.soc1.get('/decisions?within=30', { json: true })).json().within_text, '30 dagar');
  // a district with one person and one tenancy: singular nouns
  const solo = q("INSERT INTO districts(name, created_at, updated_at) VALUES('Ordby', 0, 0) RETURNING id")[0].id;
  const p = person('Ensam', { decisionEnd: addDays(today, 300), district: solo, assign: false });
  const a = apartment('Ordgatan 1', solo);
  q(`INSERT INTO tenancies(person_id, apartment_id, move_in_date, ordinal, created_at, updated_at)
    VALUES(${p}, ${a}, '${addDays(today, -40)}', 1, 0, 0)`);
  const k = await c.chef1.get(`/kvarboende?district=${solo}`);
  assert.equal(k.status, 200);
  assert.match(k.body, /1 av 1 person som flyttat in bor kvar\./);
  assert.match(k.body, /1 av 1 boende pågår/);
  assert.match(k.body, /Andra chanser: 0 personer har bott/);
  assert.doesNotMatch(k.body, /1 personer|1 boenden|1 veckor|1 boende-månader/);
});

// ---- 2. days between dates ----

test('a decision ending in 24 days says 24; a month end; whole calendar days', async () => {
  const in24 = addDays(today, 24);
  const p24 = person('Tjugofyra', { decisionEnd: in24 });
  // the last day of the month after next: a month end, counted on the calendar
  const now = new Date();
  const monthEnd = ymd(new Date(now.getFullYear(), now.getMonth() + 2, 0));
  const pEnd = person('Månadsslut', { decisionEnd: monthEnd });
  const rows = (await c.soc1.get('/decisions?within=120', { json: true })).json().rows;
  const left = (pid) => rows.find((x) => x.person_id === pid)?.days_left;
  assert.equal(left(p24), 24, 'a decision ending in 24 days');
  assert.equal(left(pEnd), calendarDays(today, monthEnd), `ending ${monthEnd}`);
  const html = (await c.soc1.get('/decisions?within=120')).body;
  assert.match(html, new RegExp(`Tjugofyra Ordsson</a></td><td>Centrum</td><td>[0-9-]+ – ${in24}</td><td>24</td>`));
  const items = (await c.soc1.get('/', { json: true })).json().sections.flatMap((s) => s.items);
  const item = items.find((i) => i.label === 'Tjugofyra Ordsson');
  if (item) assert.equal(item.detail, `Beslutet går ut ${in24} (om 24 dagar)`);
  const tomorrow = person('Imorgon', { decisionEnd: addDays(today, 1) });
  const home = (await c.soc1.get('/', { json: true })).json().sections.flatMap((s) => s.items);
  const one = home.find((i) => i.label === 'Imorgon Ordsson');
  if (one) assert.equal(one.detail, `Beslutet går ut ${addDays(today, 1)} (om 1 dag)`);
  assert.equal((await c.soc1.get('/decisions?within=120', { json: true })).json().rows.find((x) => x.person_id === tomorrow).days_left, 1);
});

test('days since a step across a daylight-saving change and from a month end, sent late in the evening', async () => {
  // the most recent change in Europe/Stockholm: a day whose offset differs from the day before
  let change = null;
  for (let n = 1; n < 400 && !change; n++) {
    const d = addDays(today, -n), before = addDays(d, -1);
    const off = (s) => { const [y, m, dd] = s.split('-').map(Number); return new Date(y, m - 1, dd, 12).getTimezoneOffset(); };
    if (off(d) !== off(before)) change = d;
  }
  assert.ok(change, 'a daylight-saving change within a year');
  const eve = addDays(change, -1);	// the Saturday before the Sunday of the change
  const { id } = await sentReferral('Sommartid');
  q(`UPDATE referrals SET sent_at = ${localUnix(eve, 23, 30)}, last_step_at = ${localUnix(eve, 23, 30)} WHERE id = ${id}`);
  const r = (await c.soc1.get(`/referrals/${id}`, { json: true })).json().referral;
  const want = calendarDays(eve, today);
  assert.equal(r.sent_date, eve);
  assert.equal(r.days_since_sent, want, `sent ${eve} 23:30, across the change on ${change}`);
  assert.equal(r.days_since_step, want);
  assert.match((await c.soc1.get(`/referrals/${id}`)).body, new RegExp(`<dt>Senaste steget</dt><dd>för ${want} dagar sedan</dd>`));
  // the last day of last month, 23:30
  const lastMonthEnd = ymd(new Date(new Date().getFullYear(), new Date().getMonth(), 0));
  q(`UPDATE referrals SET last_step_at = ${localUnix(lastMonthEnd, 23, 30)} WHERE id = ${id}`);
  const list = (await c.soc1.get('/referrals', { json: true })).json().rows.find((x) => x.id === id);
  assert.equal(list.days_since_step, calendarDays(lastMonthEnd, today), `last step ${lastMonthEnd} 23:30`);
});

// ---- 3. and 8. the timeline in events; the meeting's time and place ----

test('booking the information meeting: date, time and place validated, what was typed kept, nothing written on an error', async () => {
  const { id } = await sentReferral('Möte');
  assert.equal((await step(c.cm1, id, 'preliminary_positive')).status, 303);
  const form = await c.cm1.get(`/referrals/${id}`);
  assert.match(form.body, /<label for="time-book_meeting">Klockslag<\/label>/);
  assert.match(form.body, /<label for="place-book_meeting">Plats<\/label>/);
  const before = { ...referralRow(id), steps: stepCount(id) };
  const meetingDay = addDays(today, 7);
  let r = await step(c.cm1, id, 'book_meeting', { date: meetingDay, time: '', place: '' });
  assert.equal(r.status, 400);
  assert.match(r.body, /href="#time-book_meeting">Ange klockslag för mötet som TT:MM/);
  assert.match(r.body, /href="#place-book_meeting">Skriv var mötet hålls/);
  assert.match(r.body, new RegExp(`id="date-book_meeting" name="date" type="text"[^>]* value="${meetingDay}"`), 'the date is kept');
  r = await step(c.cm1, id, 'book_meeting', { date: meetingDay, time: '25:00', place: 'Stadsmissionen, Götgatan 1' });
  assert.equal(r.status, 400);
  assert.match(r.body, /Ange klockslag som TT:MM, mellan 00:00 och 23:59/);
  assert.match(r.body, /id="time-book_meeting" name="time"[^>]* value="25:00" aria-invalid="true"/, 'the bad time is kept, marked');
  assert.match(r.body, /id="place-book_meeting" name="place"[^>]* value="Stadsmissionen, Götgatan 1"/, 'the place is kept');
  r = await step(c.cm1, id, 'book_meeting', { date: '2026-02-30', time: '10:00', place: 'x'.repeat(201) });
  assert.equal(r.status, 400);
  assert.match(r.body, /Ange datum som ÅÅÅÅ-MM-DD/);
  assert.match(r.body, /Plats får vara högst 200 tecken \(nu 201\)/);
  assert.deepEqual({ ...referralRow(id), steps: stepCount(id) }, before, 'nothing written');
  r = await step(c.cm1, id, 'book_meeting', { date: meetingDay, time: '9.30', place: 'Stadsmissionen, Götgatan 1' });
  assert.equal(r.status, 303, r.body.slice(0, 500));
  const row = referralRow(id);
  assert.deepEqual([row.state, row.meeting_date, row.meeting_time, row.meeting_place],
    ['meeting_booked', meetingDay, '09:30', 'Stadsmissionen, Götgatan 1']);
  const page = await c.soc1.get(`/referrals/${id}`);
  assert.match(page.body, new RegExp(`<dt>Informationsmöte</dt><dd>bokat ${meetingDay} kl\\. 09:30, Stadsmissionen, Götgatan 1</dd>`));
  assert.match(page.body, new RegExp(`Informationsmötet bokades \\(${meetingDay} kl\\. 09:30, Stadsmissionen, Götgatan 1\\)`));
  // booked again: the form starts from the booking; the timeline keeps both
  const again = await c.cm1.get(`/referrals/${id}`);
  assert.match(again.body, /id="time-book_meeting" name="time"[^>]* value="09:30"/);
  assert.equal((await step(c.cm1, id, 'book_meeting', { date: addDays(today, 8), time: '13:00', place: 'Kontoret' })).status, 303);
  const pid = q(`SELECT person_id FROM referrals WHERE id = ${id}`)[0].person_id;
  const tl = (await c.soc1.get(`/persons/${pid}`, { json: true })).json().timeline.filter((e) => e.kind === 'referral');
  assert.deepEqual(tl.map((e) => [e.label, e.detail ?? null]).slice(-2), [
    ['Informationsmötet bokades', `${meetingDay} kl. 09:30, Stadsmissionen, Götgatan 1`],
    ['Informationsmötet bokades om', `${addDays(today, 8)} kl. 13:00, Kontoret`],
  ]);
  assert.match((await c.soc1.get(`/persons/${pid}`)).body, /Informationsmötet bokades om <span class="muted">\([0-9-]+ kl\. 13:00, Kontoret\)<\/span>/);
});

test('the timeline tells events in the past tense, never the buttons that took them', async () => {
  const { pid, id } = await sentReferral('Tidslinje');
  await step(c.cm1, id, 'preliminary_positive');
  await step(c.cm1, id, 'book_meeting', { date: today, time: '10:00', place: 'Kontoret' });
  await step(c.cm1, id, 'hold_meeting', { date: today });
  await step(c.soc1, id, 'client_accepts');
  await step(c.cm1, id, 'final_alone');
  const f = (await c.soc1.get(`/referrals/${id}/decisions/new`, { json: true })).json();
  const dec = await c.soc1.post(`/referrals/${id}/decisions`, { ...f.form, support_kind: 'internal', provider: 'Bostad först SRF', version: String(f.version) });
  assert.equal(dec.status, 303, dec.body.slice(0, 400));
  const labels = (await c.soc1.get(`/persons/${pid}`, { json: true })).json().timeline.map((e) => e.label);
  assert.deepEqual(labels, [
    'Remissen påbörjades',
    'Remissen skickades till Bostad först-teamet',
    'Teamet lämnade positivt förhandsbesked',
    'Informationsmötet bokades',
    'Informationsmötet hölls',
    'Brukaren accepterade villkoren',
    'Teamet svarade att det kan tillgodose behoven på egen hand',
    'Besluten om bostadsanskaffning och stödinsats fattades',
  ]);
  const page = await c.soc1.get(`/referrals/${id}`);
  const steps = page.body.slice(page.body.indexOf('<h2>Steg</h2>'));
  assert.match(steps, /Besluten fattades/);
  for (const button of ['Remiss:', 'Skicka till Bostad först-teamet', 'Boka informationsmöte', 'Registrera hållet informationsmöte',
    'Fatta de två besluten', 'accepterar villkoren', 'Kan tillgodose behoven'])
    assert.ok(!labels.some((l) => l.includes(button)) && !steps.includes(button), `no button label "${button}"`);
  // a withdrawal, with its reason
  const w = await sentReferral('Tillbaka');
  await step(c.soc1, w.id, 'withdraw', { reason: 'Har fått eget kontrakt.', confirmed: '1' });
  const tl = (await c.soc1.get(`/persons/${w.pid}`, { json: true })).json().timeline;
  assert.deepEqual(tl.map((e) => e.label), ['Remissen påbörjades', 'Remissen skickades till Bostad först-teamet', 'Remissen återtogs']);
  assert.equal(tl[2].note, 'Har fått eget kontrakt.');
});

// ---- 4. plan compare ----

test('plan compare with one version says so; with two it compares and counts in the right number', async () => {
  const p = person('Plan');
  let r = await c.cm1.post(`/persons/${p}/plan`, { a0_area: 'Boende', a0_goal: 'Jag vill bo kvar.', follow_up_dates: addDays(today, 30),
    agreed_date: today, agreed_how: 'Muntligt' });
  assert.equal(r.status, 303);
  const plan = q(`SELECT id FROM plans WHERE person_id = ${p}`)[0].id;
  r = await c.cm1.get(`/plans/${plan}/compare`);
  assert.equal(r.status, 200);
  assert.doesNotMatch(r.body, /Jämför version 1 och 1/);
  assert.match(r.body, /Planen har bara en version\. Det finns inget att jämföra/);
  assert.doesNotMatch(r.body, /<table class="compare">/);
  assert.equal((await c.soc1.get(`/plans/${plan}/compare?from=1&to=1`)).status, 200);
  r = await c.cm1.post(`/plans/${plan}`, { base_version: '1', a0_area: 'Boende', a0_goal: 'Jag vill bo kvar och ha en katt.',
    follow_up_dates: addDays(today, 30), agreed_date: today, agreed_how: 'Muntligt' });
  assert.equal(r.status, 303);
  r = await c.cm1.get(`/plans/${plan}/compare`);
  assert.match(r.body, /<h1>Jämför version 1 och 2: Plan Ordsson<\/h1>/);
  assert.match(r.body, /<p>1 ändrad uppgift mellan version 1 och 2\.<\/p>/);
});

// ---- 5. the access log ----

/* The entity codes the server writes: string literals given to audit_log,
 * audit_update and audit_insert in src/ (the actions filtered out). */
function entityCodes() {
  const actions = new Set(['read', 'create', 'update', 'login', 'login_failed', 'logout', 'denied', 'export', 'import']);
  const codes = new Set();
  for (const f of readdirSync(join(ROOT, 'src')).filter((x) => x.endsWith('.c'))) {
    const src = readFileSync(join(ROOT, 'src', f), 'utf8');
    for (const m of src.matchAll(/audit_(log|update|insert)\(([^;]*?)\)\s*(?:<|;|\|\||==|!=)/gs)) {
      let args = m[2];	// the call's own arguments: nested calls dropped
      while (/\([^()]*\)/.test(args)) args = args.replace(/\([^()]*\)/g, '');
      const lits = [...args.matchAll(/"([a-z_]+)"/g)].map((x) => x[1]);
      if (m[1] === 'log') lits.filter((x) => !actions.has(x)).forEach((x) => codes.add(x));
      else if (lits.length) codes.add(lits[0]);
    }
  }
  return codes;
}

test('the access log: every entity code the server writes has a Swedish label; the filters are choice lists', async () => {
  const codes = entityCodes();
  for (const must of ['tenancy', 'visits', 'visit', 'person', 'referral', 'checklist', 'statusrapport_xlsx', 'csrf', 'user'])
    assert.ok(codes.has(must), `found ${must} in the source (found: ${[...codes].join(', ')})`);
  const page = await c.chef1.get('/audit');
  assert.equal(page.status, 200);
  assert.match(page.body, /<select id="entity" name="entity">/);
  assert.match(page.body, /<select id="action" name="action">/);
  const options = Object.fromEntries([...page.body.slice(page.body.indexOf('id="entity"'), page.body.indexOf('id="action"'))
    .matchAll(/<option value="([^"]+)"[^>]*>([^<]+)<\/option>/g)].map((m) => [m[1], m[2]]));
  for (const code of codes) {
    assert.ok(options[code], `a choice for ${code}`);
    assert.notEqual(options[code], code, `${code} has a Swedish label`);
    assert.doesNotMatch(options[code], /^[a-z_]+$/, `${code}: "${options[code]}"`);
  }
  // the rows show labels, never codes
  const seen = q(`SELECT t.id FROM tenancies t JOIN person_case_managers m ON m.person_id = t.person_id AND m.ended_at IS NULL
    WHERE m.user_id = ${uid('cm1')} LIMIT 1`)[0].id;
  assert.equal((await c.cm1.get(`/tenancies/${seen}`)).status, 200);
  const all = new Set([...codes, ...Object.keys(options)]);
  for (const [entity, label] of [['tenancy', 'Boende'], ['visits', 'Besöksjournal']]) {
    const r = (await c.chef1.get(`/audit?entity=${entity}`, { json: true })).json();
    assert.ok(r.rows.length > 0, `rows for ${entity}`);
    assert.ok(r.rows.every((x) => x.entity === label), `${entity} shown as ${label}`);
  }
  const rows = (await c.admin1.get('/audit', { json: true })).json().rows;
  assert.ok(rows.length > 0 && rows.every((x) => !all.has(x.entity)), rows.map((x) => x.entity).join(', '));
  // a value not in the lists is an error, in Swedish, not an empty log
  let r = await c.chef1.get('/audit?entity=bogus');
  assert.equal(r.status, 400);
  assert.match(r.body, /Välj typ av uppgift i listan/);
  r = await c.chef1.get('/audit?action=peek');
  assert.equal(r.status, 400);
  assert.match(r.body, /Välj händelse i listan/);
  assert.equal((await c.chef1.get('/audit?entity=page&action=read')).status, 200);
});

// ---- 6. brukaren, not klienten ----

test('the remiss says "brukaren" as the process does, never "klienten"; codes and ids stay', async () => {
  const p = person('Brukare', { assign: false });
  const form = await c.soc1.get(`/persons/${p}/referrals/new`);
  assert.match(form.body, /Fyll i remissen tillsammans med brukaren/);
  assert.match(form.body, /<label for="client_participated">Brukaren har varit med och fyllt i remissen<\/label>/);
  assert.match(form.body, /<label for="client_wishes">Brukarens egna önskemål, med brukarens egna ord<\/label>/);
  assert.doesNotMatch(form.body, /klient/i);
  const early = await c.soc1.post(`/persons/${p}/referrals`, { client_participated: '1' });
  const id = Number(early.headers.location.match(/\/referrals\/(\d+)/)[1]);
  const noWishes = await step(c.soc1, id, 'send');
  assert.match(noWishes.body, /Skriv brukarens egna önskemål innan remissen skickas/);
  assert.doesNotMatch(noWishes.body, /klient/i);
  const v = q(`SELECT version FROM referrals WHERE id = ${id}`)[0].version;
  await c.soc1.post(`/referrals/${id}`, { ...allCriteria, client_participated: '1', client_wishes: 'Nära havet.', version: String(v) });
  await step(c.soc1, id, 'send');
  await step(c.cm1, id, 'preliminary_positive');
  await step(c.cm1, id, 'book_meeting', { date: today, time: '10:00', place: 'Kontoret' });
  await step(c.cm1, id, 'hold_meeting', { date: today });
  let page = await c.soc1.get(`/referrals/${id}`);
  assert.match(page.body, /Informationsmöte hållet – väntar på brukarens svar/);
  assert.match(page.body, /<button type="submit" class="button">Brukaren accepterar villkoren<\/button>/);
  assert.match(page.body, /Brukaren tackar nej/);
  assert.match(page.body, /<h2>Brukarens delaktighet och önskemål<\/h2>/);
  assert.doesNotMatch(page.body, /klient/i);
  await step(c.soc1, id, 'client_declines', { reason: 'Vill bo kvar hos sin syster.', confirmed: '1' });
  page = await c.soc1.get(`/referrals/${id}`);
  assert.match(page.body, /Brukaren tackade nej/);
  assert.doesNotMatch(page.body, /klient/i);
  assert.equal(q(`SELECT state FROM referrals WHERE id = ${id}`)[0].state, 'declined', 'the stored code is unchanged');
  const list = await c.soc1.get('/referrals?state=all');
  assert.doesNotMatch(list.body, /klient/i);
});

// ---- 7. checklists only for months the tenancy covers ----

test('checklists: none for a month before the move-in (400, nothing written), and none offered', async () => {
  const p = person('Inflytt', { decisionEnd: addDays(today, 400) });
  const a = apartment('Ordgatan 7');
  const r0 = await c.fast1.post(`/apartments/${a}/tenancies`, { person_id: String(p), move_in_date: today });
  assert.equal(r0.status, 303, r0.body.slice(0, 300));
  const t = q(`SELECT id FROM tenancies WHERE person_id = ${p}`)[0].id;
  const month = today.slice(0, 7);
  const now = new Date();
  const before = ymd(new Date(now.getFullYear(), now.getMonth() - 1, 1)).slice(0, 7);
  const count = () => q(`SELECT count(*) AS n FROM checklists WHERE tenancy_id = ${t}`)[0].n;
  const audits = () => q(`SELECT count(*) AS n FROM audit WHERE entity = 'checklist' AND action = 'create'`)[0].n;
  const a0 = audits();
  let r = await c.cm1.post(`/tenancies/${t}/checklists`, { month: before });
  assert.equal(r.status, 400);
  assert.match(r.body, new RegExp(`Boendet började ${today}, så det finns ingen checklista för [a-zåäö]+ \\d{4}\\.`));
  assert.match(r.body, /Ingen checklista har skapats/);
  assert.equal(count(), 0, 'nothing written');
  assert.equal(audits(), a0, 'nothing audited as created');
  // the page offers the month the tenancy covers, by name
  const page = await c.cm1.get(`/tenancies/${t}`);
  const offered = page.body.match(/<input type="hidden" name="month" value="(\d{4}-\d{2})">\s*<button type="submit" class="button small">Gör checklistan för ([a-zåäö]+ \d{4})<\/button>/);
  assert.ok(offered, 'a checklist is offered, naming its month');
  assert.ok(offered[1] >= month, `offered ${offered[1]}, moved in ${today}`);
  r = await c.cm1.post(`/tenancies/${t}/checklists`, { month: offered[1] });
  assert.equal(r.status, 303);
  r = await c.cm1.post(`/tenancies/${t}/checklists`, {});
  assert.equal(r.status, 303, 'without a month: the offered one');
  assert.deepEqual(q(`SELECT month FROM checklists WHERE tenancy_id = ${t}`).map((x) => x.month), [offered[1]]);
  // a move-in still ahead: nothing offered, nothing made
  const p2 = person('Snart', { decisionEnd: addDays(today, 400) });
  const a2 = apartment('Ordgatan 9');
  const next = ymd(new Date(now.getFullYear(), now.getMonth() + 1, 15));
  const t2 = q(`INSERT INTO tenancies(person_id, apartment_id, move_in_date, ordinal, created_at, updated_at)
    VALUES(${p2}, ${a2}, '${next}', 1, 0, 0) RETURNING id`)[0].id;
  const ahead = await c.cm1.get(`/tenancies/${t2}`);
  assert.doesNotMatch(ahead.body, /Gör checklistan för|Gör månadens checklista/);
  assert.match(ahead.body, /Checklistor görs från inflyttningsmånaden/);
  r = await c.cm1.post(`/tenancies/${t2}/checklists`, {});
  assert.equal(r.status, 400);
  assert.equal(q(`SELECT count(*) AS n FROM checklists WHERE tenancy_id = ${t2}`)[0].n, 0);
});

test('the demo has no checklist for a month its tenancy does not cover', async () => {
  const outside = q(`SELECT c.id, c.month, t.move_in_date, t.end_date FROM checklists c JOIN tenancies t ON t.id = c.tenancy_id
    WHERE c.month < substr(t.move_in_date, 1, 7) OR (t.end_date IS NOT NULL AND c.month > substr(t.end_date, 1, 7))`);
  assert.deepEqual(outside, []);
});

// Wording on the living pages: an ongoing tenancy says "Status: Pågår"
// (no end label); the timeline says who took over the contract and who
// registered an incident, and of which kind; the access log's filter of
// actions is not called "Händelse" (an entity type is); the free
// apartments opened for one person say whom they are for.
test('ongoing tenancy, timeline events with who and kind, audit filter label, free apartments for whom', async () => {
  const soc1District = `(SELECT district_id FROM users WHERE username = 'soc1')`;
  const t = q(`SELECT t.id, t.person_id FROM tenancies t JOIN persons p ON p.id = t.person_id
    WHERE t.end_date IS NULL AND p.district_id = ${soc1District} ORDER BY t.id LIMIT 1`)[0];
  const page = await c.soc1.get(`/tenancies/${t.id}`);
  assert.equal(page.status, 200);
  assert.doesNotMatch(page.body, /<dt>Avslutat<\/dt>/, 'an ongoing tenancy shows no end label');
  assert.match(page.body, /<dt>Status<\/dt><dd>Pågår/);
  q(`UPDATE tenancies SET takeover_date = '${today}', updated_by = ${uid('cm1')} WHERE id = ${t.id}`);
  q(`INSERT INTO incidents(tenancy_id, kind, date, landlord_text, housing_related, created_at, created_by, updated_at, updated_by)
     VALUES(${t.id}, 'damage', '${today}', 'Trasig dörr', 1, CAST(strftime('%s', 'now') AS INTEGER), ${uid('cm1')}, CAST(strftime('%s', 'now') AS INTEGER), ${uid('cm1')})`);
  const cm1Name = q("SELECT name FROM users WHERE username = 'cm1'")[0].name;
  const person = (await c.soc1.get(`/persons/${t.person_id}`)).body;
  assert.match(person, new RegExp(`Förstahandskontraktet togs över <span class="muted">\\(${today}\\)</span>[^<]*<span class="muted">av ${cm1Name}</span>`));
  assert.match(person, new RegExp(`En händelse registrerades: Skada <span class="muted">\\(${today}\\)</span>[^<]*<span class="muted">av ${cm1Name}</span>`));
  const audit = (await c.chef1.get('/audit')).body;
  assert.match(audit, /<label for="action">Vad som gjordes<\/label>/);
  assert.doesNotMatch(audit, /<label for="action">Händelse<\/label>/);
  const waiting = q(`SELECT p.id, p.first_name || ' ' || p.last_name AS name FROM persons p
    WHERE EXISTS (SELECT 1 FROM decisions_open x WHERE x.person_id = p.id AND x.kind = 'housing') ORDER BY p.id LIMIT 1`)[0];
  const free = await c.fast1.get(`/apartments?status=available&for=${waiting.id}`);
  assert.match(free.body, new RegExp(`Välj en ledig lägenhet för inflyttningen för ${waiting.name}\\.`));
});

await run({ after: () => srv.stop() });

// confirm.test.mjs - dangerous changes go through a confirmation page, and
// every change is confirmed on the page it lands on. A takeover while not
// ready needs a written reason (refused without one, kept and shown); the
// takeover, the end of a tenancy and every step that closes a referral are
// refused without confirmed=1 and write nothing; each confirmation page
// says what will happen and what cannot be undone, repeats what was typed
// and posts it back; after a change the landing page says what was done,
// in a role="status" region, and only for the codes in the table.
import assert from 'node:assert/strict';
import { test, run } from '../lib/t.mjs';
import { startServer, Client, sql, runBin } from '../lib/server.mjs';

const srv = await startServer();
const c = {};
for (const u of ['soc1', 'cm1', 'fast1']) {
  c[u] = new Client(srv.url);
  await c[u].login(u);
}
const q = (s) => sql(srv.db, s);
const pad = (n) => String(n).padStart(2, '0');
const ymd = (d) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
const today = ymd(new Date());
const monthsAgo = (m) => { const d = new Date(); d.setDate(1); d.setMonth(d.getMonth() - m); return ymd(d); };
const centrum = q("SELECT id FROM districts WHERE name = 'Centrum'")[0].id;
const uid = (u) => q(`SELECT id FROM users WHERE username = '${u}'`)[0].id;
const esc = (s) => s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;').replaceAll("'", '&#39;');

let serial = 0;
/* A person in Centrum with a current decision pair (in force since 30 months: a move-in needs a housing decision in force), assigned to cm1. */
function person(first) {
  serial++;
  const pnr = `19${60 + serial}0202-01${pad(serial)}`;
  const id = q(`INSERT INTO persons(personnummer, first_name, last_name, district_id, created_at, updated_at)
    VALUES('${pnr}', '${first}', 'Bekräftsson', ${centrum}, 0, 0) RETURNING id`)[0].id;
  q(`INSERT INTO decisions(person_id, district_id, decision_date, start_date, end_date, review_clause, support_kind,
    created_at, updated_at) VALUES(${id}, ${centrum}, '${monthsAgo(30)}', '${monthsAgo(30)}', '${monthsAgo(-17)}', 'x', 'internal', 0, 0)`);
  q(`INSERT INTO person_case_managers(person_id, user_id, started_at) VALUES(${id}, ${uid('cm1')}, 0)`);
  return id;
}
/* A tenancy moved in on moveIn (through the landlord's form); its row. */
async function tenancy(first, moveIn) {
  const p = person(first);
  const a = q(`INSERT INTO apartments(address, district_id, rooms, area_m2, rent, created_at, updated_at)
    VALUES('Bekräftelsegatan ${serial}', ${centrum}, 1, 30, 5000, 0, 0) RETURNING id`)[0].id;
  const r = await c.fast1.post(`/apartments/${a}/tenancies`, { person_id: String(p), move_in_date: moveIn });
  assert.equal(r.status, 303, r.body.slice(0, 300));
  return row(p);
}
const row = (p) => q(`SELECT * FROM tenancies WHERE person_id = ${p} ORDER BY id DESC`)[0];
/* The audit rows that record a change (not the reads) for an entity. */
const changes = (entity, id) => q(`SELECT count(*) AS n FROM audit WHERE entity = '${entity}' AND entity_id = ${id} AND action <> 'read'`)[0].n;
/* The hidden fields of the confirmation page's form, as a form to post. */
function hiddenFields(html) {
  const form = html.match(/<form method="post" action="([^"]+)" class="confirm-actions">([\s\S]*?)<\/form>/);
  assert.ok(form, 'the confirmation form');
  const f = {};
  for (const m of form[2].matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g))
    f[m[1]] = m[2].replaceAll('&#39;', "'").replaceAll('&quot;', '"').replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&amp;', '&');
  return { action: form[1], fields: f };
}
const status = (html) => [...html.matchAll(/<div class="notice done" role="status"><p>([^<]*)<\/p><\/div>/g)].map((m) => m[1]);

/* A referral walked to state (as soc1 and cm1); returns its id. */
async function referral(first, to) {
  const pid = person(first);
  const d = await c.soc1.post(`/persons/${pid}/referrals`, { crit_known: '1', crit_far: '1', crit_health: '1', crit_wants: '1',
    crit_no_violence: '1', crit_no_risk: '1', client_wishes: 'Eget boende.' });
  const id = Number(d.headers.location.match(/\/referrals\/(\d+)/)[1]);
  const path = { sent: ['send'], meeting_held: ['send', 'preliminary_positive', 'book_meeting', 'hold_meeting'],
    accepted: ['send', 'preliminary_positive', 'book_meeting', 'hold_meeting', 'client_accepts'] }[to];
  for (const action of path) {
    const who = ['send', 'client_accepts'].includes(action) ? c.soc1 : c.cm1;
    const r = await step(who, id, action, { date: today, ...(action === 'book_meeting' ? { time: '10:00', place: 'Kontoret' } : {}) });
    assert.equal(r.status, 303, `${action}: ${r.body.slice(0, 300)}`);
  }
  return id;
}
const refRow = (id) => q(`SELECT state, version, outcome_reason, (SELECT count(*) FROM referral_steps s WHERE s.referral_id = r.id) AS steps
  FROM referrals r WHERE id = ${id}`)[0];
function step(client, id, action, extra = {}, path = 'steps') {
  return client.post(`/referrals/${id}/${path}`, { action, version: String(refRow(id).version), ...extra });
}

test('the route table: every confirmation page beside its POST, with the same roles', () => {
  const routes = JSON.parse(runBin(['routes']).stdout);
  const confirms = routes.filter((r) => r.pattern.endsWith('/confirm'));
  assert.deepEqual([...new Set(confirms.map((r) => r.pattern))].sort(),
    ['/admin/gallring/confirm', '/decisions/{id}/end/confirm', '/persons/{id}/transfer/confirm',
      '/referrals/{id}/steps/confirm', '/tenancies/{id}/end/confirm', '/tenancies/{id}/takeover/confirm']);
  for (const r of confirms) {
    const post = routes.find((x) => x.method === 'POST' && x.pattern === r.pattern.replace(/\/confirm$/, ''));
    assert.ok(post, `${r.pattern} confirms a POST`);
    assert.deepEqual(r.roles, post.roles, `${r.method} ${r.pattern} has the roles of the POST`);
  }
  assert.deepEqual(confirms.map((r) => r.method).sort(), [...Array(6).fill('GET'), ...Array(6).fill('POST')]);
});

test('a takeover while not ready: refused without a reason (nothing written); with one, confirmed, stored and shown', async () => {
  const t = await tenancy('Inez', monthsAgo(3));
  const page = await c.fast1.get(`/tenancies/${t.id}`);
  assert.match(page.body, /<form method="post" action="\/tenancies\/\d+\/takeover\/confirm"/, 'the form leads to the confirmation page');
  assert.match(page.body, /Skäl till överlåtelse trots att boendet inte är redo \(krävs\)/);
  assert.match(page.body, /class="button secondary-button">Registrera överlåtelse/, 'no green button beside "Inte redo"');
  const before = changes('tenancy', t.id);

  let r = await c.fast1.post(`/tenancies/${t.id}/takeover/confirm`, { takeover_date: today, version: String(t.version) });
  assert.equal(r.status, 400);
  assert.match(r.body, /Boendet är inte redo för överlåtelse\. Skriv varför överlåtelsen ändå registreras\./);
  assert.match(r.body, /<h1>Bekräftelsegatan/, 'back on the tenancy page, with the error');
  r = await c.fast1.post(`/tenancies/${t.id}/takeover`, { takeover_date: today, takeover_reason: '  ', version: String(t.version), confirmed: '1' });
  assert.equal(r.status, 400, 'the POST itself refuses too, confirmed or not');
  assert.match(r.body, /Skriv varför överlåtelsen ändå registreras/);
  assert.deepEqual(row(t.person_id), t, 'nothing written');
  assert.equal(changes('tenancy', t.id), before, 'no audit row');

  const reason = 'Hyresvärden godkände <tidig> överlåtelse & "skriftligt".';
  r = await c.fast1.post(`/tenancies/${t.id}/takeover/confirm`, { takeover_date: today, takeover_reason: reason, version: String(t.version) });
  assert.equal(r.status, 200);
  assert.match(r.body, /<h1>Bekräfta överlåtelsen av förstahandskontraktet<\/h1>/);
  assert.match(r.body, /Boendet är inte redo för överlåtelse\. Det här villkoret är inte uppfyllt:/);
  assert.match(r.body, /<li>Minst 9 månader sedan inflyttning: uppfylls \d{4}-\d\d-\d\d<\/li>/);
  assert.ok(r.body.includes(`<dd class="prose">${esc(reason)}</dd>`), 'the reason repeated, escaped');
  assert.ok(r.body.includes(`<dd class="prose">${today}</dd>`), 'the date repeated');
  assert.match(r.body, /En registrerad överlåtelse kan inte ändras eller tas bort i systemet\./);
  assert.match(r.body, /<button type="submit" class="button danger">Ja, registrera överlåtelsen<\/button>/);
  assert.match(r.body, new RegExp(`<a href="/tenancies/${t.id}">Avbryt</a>`), 'a way back');
  assert.deepEqual(row(t.person_id), t, 'the confirmation page writes nothing');
  const { action, fields } = hiddenFields(r.body);
  assert.equal(action, `/tenancies/${t.id}/takeover`);
  assert.deepEqual(fields, { confirmed: '1', csrf_token: c.fast1.csrf, version: String(t.version), takeover_date: today, takeover_reason: reason });

  r = await c.fast1.post(action, fields);
  assert.equal(r.status, 303);
  assert.equal(r.headers.location, `/tenancies/${t.id}?klart=overlatelse`);
  const after = row(t.person_id);
  assert.equal(after.takeover_date, today);
  assert.equal(after.takeover_reason, reason);
  assert.equal(changes('tenancy', t.id), before + 1);
  const shown = await c.fast1.get(r.headers.location);
  assert.deepEqual(status(shown.body), ['Överlåtelsen är registrerad: hyresgästen har tagit över förstahandskontraktet.']);
  assert.ok(shown.body.includes(`<dt>Skäl till överlåtelse trots att boendet inte var redo</dt><dd class="prose">${esc(reason)}</dd>`));
  const cm = await c.cm1.get(`/tenancies/${t.id}`, { json: true });
  assert.equal(cm.json().tenancy.takeover_reason, reason, 'the case side sees it too');
});

test('a takeover dated before the waiting time was over needs a reason even when ready today; a ready one needs none', async () => {
  const t = await tenancy('Ivar', monthsAgo(10));
  const early = monthsAgo(2);	// eight months after the move-in
  let r = await c.fast1.post(`/tenancies/${t.id}/takeover/confirm`, { takeover_date: early, version: String(t.version) });
  assert.equal(r.status, 400);
  assert.match(r.body, /Skriv varför överlåtelsen ändå registreras/);
  r = await c.fast1.post(`/tenancies/${t.id}/takeover/confirm`, { takeover_date: early, takeover_reason: 'Avtalat med hyresvärden.', version: String(t.version) });
  assert.equal(r.status, 200);
  assert.match(r.body, new RegExp(`Överlåtelsedagen ${early} är före ${monthsAgo(1)}, då väntetiden efter inflyttningen var över`));

  r = await c.fast1.post(`/tenancies/${t.id}/takeover/confirm`, { takeover_date: today, takeover_reason: 'Behövs inte.', version: String(t.version) });
  assert.equal(r.status, 200, 'ready: no reason needed');
  assert.doesNotMatch(r.body, /inte redo/);
  const { action, fields } = hiddenFields(r.body);
  assert.equal(fields.takeover_reason, undefined, 'a reason is kept only for a takeover that was not ready');
  assert.equal((await c.fast1.post(action, fields)).status, 303);
  assert.equal(row(t.person_id).takeover_reason, null);
});

test('every dangerous POST without confirmed=1 is refused (400, Swedish) and writes nothing', async () => {
  const ready = await tenancy('Jonna', monthsAgo(12));
  const ending = await tenancy('Jussi', monthsAgo(4));
  const tenancyPosts = [
    [ready, 'takeover', { takeover_date: today }],
    [ending, 'end', { end_date: today, end_reason: 'wanted' }],
  ];
  for (const [t, what, form] of tenancyPosts) {
    const before = changes('tenancy', t.id);
    for (const extra of [{}, { confirmed: '0' }, { confirmed: 'ja' }]) {
      const r = await c.fast1.post(`/tenancies/${t.id}/${what}`, { ...form, ...extra, version: String(t.version) });
      assert.equal(r.status, 400, `${what} ${JSON.stringify(extra)}`);
      assert.match(r.body, /har inte bekräftats, så ingenting har sparats/);
      assert.match(r.body, new RegExp(`href="/tenancies/${t.id}"`), 'a way back');
    }
    const j = await c.fast1.post(`/tenancies/${t.id}/${what}`, { ...form, version: String(t.version) }, { json: true });
    assert.equal(j.status, 400);
    assert.match(j.json().error.message, /bekräftats/);
    assert.deepEqual(row(t.person_id), t, `${what}: the row is unchanged`);
    assert.equal(changes('tenancy', t.id), before, `${what}: no audit row`);
  }
  assert.equal(q(`SELECT status FROM apartments WHERE id = ${ending.apartment_id}`)[0].status, 'let', 'still let');

  const steps = [
    [c.soc1, await referral('Klas', 'meeting_held'), 'client_declines'],
    [c.soc1, await referral('Kerstin', 'sent'), 'withdraw'],
    [c.cm1, await referral('Kalle', 'sent'), 'preliminary_negative'],
    [c.cm1, await referral('Karin', 'accepted'), 'final_cannot'],
  ];
  for (const [who, id, action] of steps) {
    const before = refRow(id), audits = changes('referral', id);
    const r = await step(who, id, action, { reason: 'Ett skäl.' });
    assert.equal(r.status, 400, action);
    assert.match(r.body, /Steget avslutar remissen och har inte bekräftats, så ingenting har ändrats\./);
    assert.deepEqual(refRow(id), before, `${action}: nothing written`);
    assert.equal(changes('referral', id), audits, `${action}: no audit row`);
  }
  // a step that does not close the referral needs no confirmation
  const open = await referral('Kent', 'sent');
  assert.equal((await step(c.cm1, open, 'preliminary_positive')).status, 303);
});

test('declining and withdrawing need a reason', async () => {
  const id = await referral('Lisa', 'meeting_held');
  for (const path of ['steps/confirm', 'steps']) {
    const r = await step(c.soc1, id, 'client_declines', { reason: '', confirmed: '1' }, path);
    assert.equal(r.status, 400, path);
    assert.match(r.body, /href="#reason-client_declines">Skriv en motivering/);
  }
  const page = await c.soc1.get(`/referrals/${id}`);
  assert.match(page.body, /<form method="post" action="\/referrals\/\d+\/steps\/confirm" class="step" novalidate>[\s\S]*?name="action" value="client_declines"[\s\S]*?<label for="reason-client_declines">Motivering<\/label>[\s\S]*?class="button danger">Brukaren tackar nej</,
    'the decline form asks for a reason and leads to the confirmation page');
  assert.match(page.body, /<form method="post" action="\/referrals\/\d+\/steps\/confirm"[\s\S]*?value="withdraw"/);
  assert.match(page.body, /<form method="post" action="\/referrals\/\d+\/steps" class="step"[\s\S]*?value="client_accepts"/, 'accepting goes straight on');
  assert.equal(refRow(id).state, 'meeting_held');
});

test('the referral confirmation pages (GET and POST) name the consequence and complete the step', async () => {
  const id = await referral('Maja', 'meeting_held');
  const v = refRow(id).version;
  const reason = 'Klienten vill bo kvar hos sin bror.';
  const get = await c.soc1.get(`/referrals/${id}/steps/confirm?action=client_declines&version=${v}&reason=${encodeURIComponent(reason)}`);
  assert.equal(get.status, 200);
  assert.match(get.body, /<h1>Bekräfta: Brukaren tackar nej<\/h1>/);
  assert.match(get.body, /Remissen för Maja Bekräftsson avslutas med status ”Brukaren tackade nej”/);
  assert.match(get.body, /En avslutad remiss kan inte öppnas igen/);
  assert.ok(get.body.includes(`<dd class="prose">${reason}</dd>`));
  assert.match(get.body, /class="button danger">Ja, avsluta remissen</);
  assert.equal(refRow(id).state, 'meeting_held', 'nothing written');
  const post = await step(c.soc1, id, 'client_declines', { reason }, 'steps/confirm');
  assert.equal(post.status, 200);
  const { action, fields } = hiddenFields(post.body);
  assert.equal(action, `/referrals/${id}/steps`);
  assert.deepEqual(fields, { confirmed: '1', csrf_token: c.soc1.csrf, version: String(v), action: 'client_declines', reason });
  const r = await c.soc1.post(action, fields);
  assert.equal(r.status, 303);
  assert.equal(r.headers.location, `/referrals/${id}?klart=brukaren-tackar-nej`);
  assert.deepEqual(refRow(id), { state: 'declined', version: v + 1, outcome_reason: reason, steps: 6 });
  assert.deepEqual(status((await c.soc1.get(r.headers.location)).body), ['Brukarens nej är registrerat. Remissen är avslutad.']);

  const w = await referral('Mona', 'sent');
  const page = await step(c.soc1, w, 'withdraw', { reason: 'Har fått eget kontrakt.' }, 'steps/confirm');
  assert.match(page.body, /<h1>Bekräfta: Återta remissen<\/h1>/);
  assert.match(page.body, /avslutas med status ”Återtagen”/);
  const done = await c.soc1.post(...Object.values(hiddenFields(page.body)));
  assert.equal(done.headers.location, `/referrals/${w}?klart=remiss-atertagen`);
  assert.equal(refRow(w).state, 'withdrawn');
  // not for a step that does not close the referral; not for the wrong role or state
  const other = await referral('Mats', 'sent');
  const open = await step(c.cm1, other, 'preliminary_positive', {}, 'steps/confirm');
  assert.equal(open.status, 400);
  assert.match(open.body, /tas direkt på remissens sida/);
  assert.equal((await step(c.cm1, other, 'withdraw', { reason: 'x' }, 'steps/confirm')).status, 403);
  assert.equal((await step(c.soc1, w, 'withdraw', { reason: 'x' }, 'steps/confirm')).status, 409, 'closed stays closed');
});

test('the end of a tenancy: the confirmation page repeats what was chosen; the confirmed POST ends it', async () => {
  const t = await tenancy('Nils', monthsAgo(6));
  const bad = await c.fast1.post(`/tenancies/${t.id}/end/confirm`, { end_date: today, end_reason: 'evicted', version: String(t.version) });
  assert.equal(bad.status, 400);
  assert.match(bad.body, /Välj skälet till vräkningen/);
  assert.match(bad.body, /<option value="evicted" selected>/, 'the tenancy page again, with what was chosen');
  const note = 'Flera varningar under hösten.';
  const r = await c.fast1.get(`/tenancies/${t.id}/end/confirm?end_date=${today}&end_reason=evicted&end_ground=disturbance&end_note=${encodeURIComponent(note)}&version=${t.version}`);
  assert.equal(r.status, 200);
  assert.match(r.body, /<h1>Bekräfta att boendet avslutas<\/h1>/);
  assert.match(r.body, /Boendet för Nils Bekräftsson på Bekräftelsegatan \d+ avslutas den \d{4}-\d\d-\d\d\. Lägenheten blir ledig/);
  assert.match(r.body, /Beslutet om stödinsats påverkas inte\./);
  assert.match(r.body, /Ett avslutat boende kan inte öppnas igen\./);
  for (const v of ['Vräkt', 'Störningar', note, today]) assert.ok(r.body.includes(`<dd class="prose">${v}</dd>`), v);
  assert.match(r.body, /class="button danger">Ja, avsluta boendet</);
  assert.deepEqual(row(t.person_id), t);
  const { action, fields } = hiddenFields(r.body);
  const done = await c.fast1.post(action, fields);
  assert.equal(done.headers.location, `/tenancies/${t.id}?klart=boende-avslutat`);
  const ended = row(t.person_id);
  assert.deepEqual([ended.end_date, ended.end_reason, ended.end_ground, ended.end_note], [today, 'evicted', 'disturbance', note]);
  assert.deepEqual(status((await c.fast1.get(done.headers.location)).body), ['Boendet är avslutat.']);
  assert.equal((await c.fast1.get(`/tenancies/${t.id}/end/confirm?end_date=${today}&end_reason=wanted&version=${ended.version}`)).status, 409,
    'an ended tenancy has nothing to confirm');
});

test('after a change the landing page says what was done; only known codes render', async () => {
  const p = person('Olle');
  const r = await c.cm1.post('/visits', { person_id: String(p), date: today, kind: 'home', met: '1', note: 'Kaffe.' });
  assert.equal(r.status, 303);
  assert.equal(r.headers.location, `/visits?person=${p}&klart=besok-sparat`);
  const page = await c.cm1.get(r.headers.location);
  assert.deepEqual(status(page.body), ['Besöket är sparat.']);
  assert.match(page.body, /<main id="main" class="wrap" tabindex="-1">\n<div class="notice done" role="status">/, 'at the top of main');
  assert.equal((await c.cm1.get(r.headers.location, { json: true })).json().klart, 'Besöket är sparat.');
  for (const code of ['okand', 'Besöket är sparat.', '<script>alert(1)</script>', 'besok-sparat2', 'BESOK-SPARAT', '']) {
    const other = await c.cm1.get(`/visits?person=${p}&klart=${encodeURIComponent(code)}`);
    assert.equal(other.status, 200);
    assert.deepEqual(status(other.body), [], `nothing for ${JSON.stringify(code)}`);
    assert.doesNotMatch(other.body, /role="status"><p>|<script>/);
  }
  assert.deepEqual(status((await c.cm1.get(`/visits?person=${p}`)).body), [], 'nothing without a code');

  // a write by each kind of form lands with its confirmation
  const writes = [
    [c.cm1, `/tenancies/${(await tenancy('Pia', monthsAgo(2))).id}/incidents`, { kind: 'damage', date: today, landlord_text: 'Trasig dörr.' },
      'Händelsen är registrerad.'],
    [c.cm1, `/tenancies/${(await tenancy('Per', monthsAgo(2))).id}/checklists`, {}, 'Månadens checklista är skapad.'],
  ];
  for (const [who, path, form, text] of writes) {
    const w = await who.post(path, form);
    assert.equal(w.status, 303, `${path}: ${w.body.slice(0, 300)}`);
    assert.match(w.headers.location, /[?&]klart=[a-z-]+$/, path);
    assert.deepEqual(status((await who.get(w.headers.location)).body), [text], path);
  }
  const sent = await referral('Rut', 'sent');
  const ref = await c.soc1.get(`/referrals/${sent}?klart=remiss-skickad`);
  assert.deepEqual(status(ref.body), ['Remissen är skickad till Bostad först-teamet.']);

  const out = new Client(srv.url);
  await out.login('cm2');
  const bye = await out.post('/logout');
  assert.equal(bye.headers.location, '/login?klart=utloggad');
  assert.deepEqual(status((await out.get(bye.headers.location)).body), ['Du är utloggad.']);
});

await run({ after: () => srv.stop() });

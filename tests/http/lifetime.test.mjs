// lifetime.test.mjs - a case over the years: moving between districts and
// weeding (gallring).
// Transfer: the manager moves a person from Centrum to Hisingen (form,
// Swedish errors, confirmation); then Centrum's socialsekreterare gets 404
// and Hisingen's sees and writes the whole history, which says where each
// part was made; the statusrapport and kvarboende for a date before the
// transfer count the person in Centrum, after it in Hisingen.
// Gallring: persons 4 and 6 years after their last entry; the dry run (CLI
// and admin page) names only the second, by Personkod; the run leaves the
// reports for earlier years byte-identical, removes the name, personnummer
// and texts from every table and from the bytes of the database and its
// WAL, writes an audit row, and ordinary UPDATE/DELETE still fail.
import assert from 'node:assert/strict';
import http from 'node:http';
import { readFileSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { test, run } from '../lib/t.mjs';
import { startServer, Client, sql, runBin, dumpText, PG } from '../lib/server.mjs';

const srv = await startServer();
const q = (s) => sql(srv.db, s);
const c = {};
for (const u of ['soc1', 'soc2', 'chef1', 'admin1', 'cm1']) {
  c[u] = new Client(srv.url);
  await c[u].login(u);
}
const centrum = q("SELECT id FROM districts WHERE name = 'Centrum'")[0].id;
const hisingen = q("SELECT id FROM districts WHERE name = 'Hisingen'")[0].id;
const uid = (u) => q(`SELECT id FROM users WHERE username = '${u}'`)[0].id;
const DAY = 86400;
const now = Math.floor(Date.now() / 1000);
const pad = (n) => String(n).padStart(2, '0');
const ymd = (d) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
const daysAgo = (n) => ymd(new Date(Date.now() - n * DAY * 1000));

/* GET as raw bytes. */
function getBytes(client, path) {
  return new Promise((resolve, reject) => {
    http.get(client.base + path, { headers: { Cookie: [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } }, (res) => {
      const ch = [];
      res.on('data', (d) => ch.push(d));
      res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(ch) }));
    }).on('error', reject);
  });
}
/* The hidden fields of a confirmation page's form. */
function hiddenFields(html) {
  const form = html.match(/<form method="post" action="([^"]+)" class="confirm-actions">([\s\S]*?)<\/form>/);
  assert.ok(form, 'the confirmation form');
  const f = {};
  for (const m of form[2].matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) f[m[1]] = m[2];
  delete f.csrf_token;
  return { action: form[1], fields: f };
}

/* A person with a whole case: referral (sent, a step with a note),
 * decision, a tenancy ended at endDate, a visit and a plan. Timestamps at
 * `at` (Unix seconds), dates as given. */
function casePerson({ first, last, pnr, kod, district, at, moveIn, endDate, decided, note, sex = 'K' }) {
  const p = q(`INSERT INTO persons(personnummer, birth_date, sex, first_name, last_name, phone, address, district_id, personkod,
    created_at, updated_at) VALUES('${pnr}', '${pnr.slice(0, 4)}-${pnr.slice(4, 6)}-${pnr.slice(6, 8)}', '${sex}', '${first}',
    '${last}', '070-${pnr.slice(9)}', '${last}gatan 1', ${district}, '${kod}', ${at}, ${at}) RETURNING id`)[0].id;
  const r = q(`INSERT INTO referrals(person_id, district_id, state, needs, current_situation, sent_at, last_step_at,
    created_at, created_by, updated_at) VALUES(${p}, ${district}, 'decided', 'Behov ${note}', 'Läge ${note}', ${at - 60 * DAY},
    ${at - 30 * DAY}, ${at - 60 * DAY}, ${uid('soc1')}, ${at - 30 * DAY}) RETURNING id`)[0].id;
  q(`INSERT INTO referral_steps(referral_id, at, by, action, from_state, to_state, note) VALUES
    (${r}, ${at - 60 * DAY}, ${uid('soc1')}, 'send', 'draft', 'sent', 'Steg ${note}')`);
  const d = q(`INSERT INTO decisions(person_id, referral_id, district_id, decision_date, start_date, end_date, review_clause,
    support_kind, support_effective_date, decided_by, created_at, updated_at) VALUES(${p}, ${r}, ${district}, '${decided}',
    '${decided}', '${endDate}', 'Omprövas', 'internal', '${decided}', ${uid('soc1')}, ${at - 30 * DAY}, ${at - 30 * DAY}) RETURNING id`)[0].id;
  const a = q(`INSERT INTO apartments(address, district_id, rooms, area_m2, rent, created_at, updated_at)
    VALUES('Livstidsgatan ${p}', ${district}, 1, 30, 5000, ${at}, ${at}) RETURNING id`)[0].id;
  const t = q(`INSERT INTO tenancies(person_id, apartment_id, move_in_date, end_date, end_reason, end_note, ordinal_reason,
    created_at, updated_at) VALUES(${p}, ${a}, '${moveIn}', ${endDate ? `'${endDate}'` : 'NULL'}, ${endDate ? "'other'" : 'NULL'},
    ${endDate ? "'flyttade till annan ort'" : "''"}, 'Boende ${note}', ${at - 20 * DAY}, ${at}) RETURNING id`)[0].id;
  q(`INSERT INTO visits(person_id, date, kind, met, note, created_at) VALUES(${p}, '${moveIn}', 'home', 1, 'Besök ${note}', ${at - 10 * DAY})`);
  const pl = q(`INSERT INTO plans(person_id, created_at, updated_at) VALUES(${p}, ${at - 10 * DAY}, ${at - 10 * DAY}) RETURNING id`)[0].id;
  q(`INSERT INTO plan_versions(plan_id, version_no, areas, agreed_how, created_at) VALUES(${pl}, 1,
    '[{"area":"Boende","goal":"Mål ${note}"}]', 'Plan ${note}', ${at - 10 * DAY})`);
  q(`INSERT INTO incidents(tenancy_id, kind, date, landlord_text, internal_note, created_at, updated_at) VALUES(${t}, 'other',
    '${moveIn}', 'Händelse ${note}', 'Intern ${note}', ${at - 5 * DAY}, ${at - 5 * DAY})`);
  return { p, r, d, t };
}

// ---- moving between districts ----
const mover = casePerson({ first: 'Flyttbar', last: 'Stadsdelsson', pnr: '19700101-1111', kod: 'FLST-54-K', district: centrum,
  at: now - 700 * DAY, moveIn: '2024-03-01', endDate: null, decided: '2024-02-01', note: 'flytt' });
q(`UPDATE decisions SET end_date = '2027-12-31' WHERE id = ${mover.d}`);
// the mover's latest entry in Centrum: a home visit on 2025-06-10
q(`INSERT INTO visits(person_id, date, kind, met, note, created_at) VALUES(${mover.p}, '2025-06-10', 'home', 1, 'Besök i Centrum',
  ${now - 500 * DAY})`);

test('the transfer form: manager only, Swedish errors at the field, nothing stored', async () => {
  assert.equal((await c.soc1.get(`/persons/${mover.p}/transfer`)).status, 403, 'a socialsekreterare may not transfer');
  const form = await c.chef1.get(`/persons/${mover.p}/transfer`);
  assert.equal(form.status, 200);
  assert.match(form.body, /Flytta till en annan stadsdel/);
  assert.match(form.body, /hör i dag till <strong>Centrum<\/strong>/);
  assert.match(form.body, /<p class="hint" id="date-hint">[^<]*Tidigast 2025-06-10, senast i dag\.<\/p>/, 'the earliest date in the hint');
  const page = await c.chef1.get(`/persons/${mover.p}`);
  assert.match(page.body, new RegExp(`href="/persons/${mover.p}/transfer"`), 'the person page links to it');
  const version = q(`SELECT version FROM persons WHERE id = ${mover.p}`)[0].version;
  const post = (f) => c.chef1.post(`/persons/${mover.p}/transfer/confirm`, { version: String(version), ...f });
  let r = await post({ district_id: String(centrum), date: '2026-01-15' });
  assert.equal(r.status, 400);
  assert.match(r.body, /Personen hör redan till den stadsdelen/);
  assert.match(r.body, /value="2026-01-15"/, 'the typed date is kept');
  r = await post({ district_id: String(hisingen), date: '2026-02-30' });
  assert.equal(r.status, 400);
  assert.match(r.body, /riktigt datum skrivet ÅÅÅÅ-MM-DD/);
  r = await post({ district_id: String(hisingen), date: daysAgo(-3) });
  assert.equal(r.status, 400);
  assert.match(r.body, /får inte vara senare än i dag/);
  // no date before the latest entry in the old district (the 2025 register
  // row would move with it), with the earliest possible date at the field
  for (const date of ['2016-12-01', '1901-01-01', '2025-06-09']) {
    r = await post({ district_id: String(hisingen), date });
    assert.equal(r.status, 400, date);
    assert.match(r.body, /Datumet kan inte vara före personens senaste anteckning i Centrum \(2025-06-10\)\. Tidigaste möjliga datum är 2025-06-10\./, date);
    assert.match(r.body, new RegExp(`value="${date}"`), 'the typed date is kept');
  }
  r = await post({ district_id: '', date: '2026-01-15' });
  assert.equal(r.status, 400);
  assert.match(r.body, /Välj den stadsdel personen flyttar till/);
  // the POST without the confirmation's yes writes nothing
  r = await c.chef1.post(`/persons/${mover.p}/transfer`, { version: String(version), district_id: String(hisingen), date: '2026-01-15' });
  assert.equal(r.status, 400);
  assert.match(r.body, /Flytten har inte bekräftats/);
  // a stale form (someone changed the person since): the one 409 shape, the typed values kept
  r = await c.chef1.post(`/persons/${mover.p}/transfer`, { version: String(version - 1 || 999), district_id: String(hisingen),
    date: '15/1 2026', confirmed: '1' });
  assert.equal(r.status, 409);
  assert.match(r.body, /<h2>Sparat av någon annan<\/h2>/);
  assert.match(r.body, /nu sparat är stadsdelen Centrum/);
  assert.match(r.body, /value="15\/1 2026"/);
  assert.equal(q(`SELECT count(*) AS n FROM person_transfers`)[0].n, 0);
  assert.equal(q(`SELECT district_id FROM persons WHERE id = ${mover.p}`)[0].district_id, centrum);
});

// the reports before the transfer, for the comparison after it
const statusCsv = (client, year, district) => getBytes(client, `/reports/status?year=${year}${district ? `&district=${district}` : ''}&format=csv`);
const moved = (k) => { const n = k.json().kvarboende.persons_moved_in; assert.equal(typeof n, 'number'); return n; };
const kvar = (client, date, district) => client.get(`/kvarboende?date=${date}${district ? `&district=${district}` : ''}`, { json: true });

test('transfer: confirmed, audited; old district 404, new district sees and writes the whole history', async () => {
  assert.equal((await c.soc1.get(`/persons/${mover.p}`)).status, 200);
  assert.equal((await c.soc2.get(`/persons/${mover.p}`)).status, 404);
  const before = { c25: moved(await kvar(c.chef1, '2025-12-31', centrum)), h25: moved(await kvar(c.chef1, '2025-12-31', hisingen)) };
  const version = q(`SELECT version FROM persons WHERE id = ${mover.p}`)[0].version;
  const conf = await c.chef1.post(`/persons/${mover.p}/transfer/confirm`, { version: String(version), district_id: String(hisingen), date: '2026-01-15' });
  assert.equal(conf.status, 200, conf.body.slice(0, 500));
  assert.match(conf.body, /flyttas från Centrum till Hisingen från och med 2026-01-15/);
  const { action, fields } = hiddenFields(conf.body);
  assert.equal(action, `/persons/${mover.p}/transfer`);
  const done = await c.chef1.post(action, fields);
  assert.equal(done.status, 303, done.body.slice(0, 500));
  assert.equal(done.headers.location, `/persons/${mover.p}?klart=flyttad`);
  assert.match((await c.chef1.get(done.headers.location)).body, /role="status"><p>Personen är flyttad till den nya stadsdelen/);
  const x = q(`SELECT * FROM person_transfers WHERE person_id = ${mover.p}`);
  assert.equal(x.length, 1);
  assert.deepEqual([x[0].from_district_id, x[0].to_district_id, x[0].date, x[0].created_by], [centrum, hisingen, '2026-01-15', uid('chef1')]);
  assert.equal(q(`SELECT district_id FROM persons WHERE id = ${mover.p}`)[0].district_id, hisingen);
  assert.equal(q(`SELECT count(*) AS n FROM audit WHERE entity = 'person_transfer' AND entity_id = ${x[0].id} AND action = 'create'
    AND user_id = ${uid('chef1')} AND person_id = ${mover.p}`)[0].n, 1, 'audited');
  // a second transfer dated before the first is refused
  const v2 = q(`SELECT version FROM persons WHERE id = ${mover.p}`)[0].version;
  const early = await c.chef1.post(`/persons/${mover.p}/transfer/confirm`, { version: String(v2), district_id: String(centrum), date: '2026-01-10' });
  assert.equal(early.status, 400);
  assert.match(early.body, /senare än förra flytten \(2026-01-15\)\. Tidigaste möjliga datum är 2026-01-16\./);

  // the old district: 404 on the person, the referral and the decision
  for (const path of [`/persons/${mover.p}`, `/referrals/${mover.r}`, `/decisions/${mover.d}`, `/persons/${mover.p}/edit`])
    assert.equal((await c.soc1.get(path)).status, 404, `soc1 ${path}`);
  assert.doesNotMatch((await c.soc1.get('/persons?q=Stadsdelsson')).body, /Flyttbar/);
  // the new district: the whole history, each part with where it was made
  const page = await c.soc2.get(`/persons/${mover.p}`);
  assert.equal(page.status, 200);
  assert.match(page.body, /<dt>Stadsdel<\/dt><dd>Hisingen<\/dd>/);
  assert.match(page.body, new RegExp(`href="/decisions/${mover.d}"`));
  assert.match(page.body, /\(fattat i Centrum\)/, 'the decision says where it was made');
  assert.match(page.body, /Remissen skickades[^<]*(<[^>]*>[^<]*)*?<span class="muted">i Centrum<\/span>/);
  assert.match(page.body, /Ärendet flyttades till en annan stadsdel[\s\S]*?Centrum → Hisingen[\s\S]*?i Hisingen/);
  for (const path of [`/referrals/${mover.r}`, `/decisions/${mover.d}`])
    assert.equal((await c.soc2.get(path)).status, 200, `soc2 ${path}`);
  assert.match((await c.soc2.get(`/decisions/${mover.d}`)).body, /Beslutat av [^<]*, Centrum\./, 'the decision page: made in Centrum');
  // and writes it
  const edit = await c.soc2.get(`/persons/${mover.p}/edit`, { json: true });
  assert.equal(edit.status, 200);
  const w = await c.soc2.post(`/persons/${mover.p}`, { first_name: 'Flyttbar', last_name: 'Stadsdelsson', phone: '070-1',
    email: '', address: 'Nya gatan 2', version: String(edit.json().form.version) });
  assert.equal(w.status, 303, w.body.slice(0, 300));

  // reports: 2025 (before the transfer) counts the person in Centrum, 2026 in Hisingen
  const has = async (client, year, district) => (await statusCsv(client, year, district)).body.toString('utf8').includes('FLST-54-K');
  assert.equal(await has(c.chef1, 2025, centrum), true, '2025 Centrum');
  assert.equal(await has(c.chef1, 2025, hisingen), false, '2025 Hisingen');
  assert.equal(await has(c.chef1, 2026, centrum), false, '2026 Centrum');
  assert.equal(await has(c.chef1, 2026, hisingen), true, '2026 Hisingen');
  // a socialsekreterare's own report: where the person was on the date
  assert.equal(await has(c.soc1, 2025), true, 'soc1 2025');
  assert.equal(await has(c.soc1, 2026), false, 'soc1 2026');
  assert.equal(await has(c.soc2, 2025), false, 'soc2 2025');
  assert.equal(await has(c.soc2, 2026), true, 'soc2 2026');
  assert.equal(moved(await kvar(c.chef1, '2025-12-31', centrum)), before.c25, 'kvarboende 2025 Centrum unchanged');
  assert.equal(moved(await kvar(c.chef1, '2025-12-31', hisingen)), before.h25, 'kvarboende 2025 Hisingen unchanged');
  const c26 = moved(await kvar(c.chef1, '2026-06-30', centrum)), h26 = moved(await kvar(c.chef1, '2026-06-30', hisingen));
  const c26b = q(`SELECT count(DISTINCT t.person_id) AS n FROM tenancies t JOIN persons p ON p.id = t.person_id
    WHERE t.move_in_date <= '2026-06-30' AND p.district_id = ${centrum}`)[0].n;
  assert.equal(c26, c26b, 'kvarboende mid-2026 Centrum: without the person');
  assert.ok(h26 >= 1);
  // last year's register of the old district, imported again, finds the
  // person there (no new person, no new tenancy)
  const file = join(srv.dir, 'centrum-2025.csv');
  writeFileSync(file, (await statusCsv(c.chef1, 2025, centrum)).body);
  const imp = runBin(['import-status', '--db', srv.db, '--district', 'Centrum', '--file', file, '--dry-run']);
  assert.equal(imp.code, 0, imp.stderr);
  assert.match(imp.stdout, / 0 nya personer, 0 nya boenden, /);
});

// ---- gallring ----
const yearsAgo = (y) => now - Math.round(y * 365.25 * DAY);
const ymdAt = (t) => ymd(new Date(t * 1000));
const four = casePerson({ first: 'Fyraårig', last: 'Kvarsson', pnr: '19600202-2222', kod: 'FYKV-62-K', district: centrum,
  at: yearsAgo(4), moveIn: ymdAt(yearsAgo(5.5)), endDate: ymdAt(yearsAgo(4)), decided: ymdAt(yearsAgo(5.6)), note: 'FYRAHEMLIS' });
const six = casePerson({ first: 'Sexårig', last: 'Gallringsson', pnr: '19550303-3333', kod: 'SEGA-60-M', district: centrum, sex: 'M',
  at: yearsAgo(6), moveIn: ymdAt(yearsAgo(7.5)), endDate: ymdAt(yearsAgo(6)), decided: ymdAt(yearsAgo(7.6)), note: 'SEXHEMLIS' });
// a refused decision's motivering and an ended decision's note, review
// clause and external provider: texts about the person
q(`INSERT INTO decisions(person_id, district_id, decision_date, start_date, end_date, review_clause, support_kind, provider,
  decided_by, created_at, updated_at, kind, outcome, motivering) VALUES(${six.p}, ${centrum}, '${ymdAt(yearsAgo(7.7))}',
  '${ymdAt(yearsAgo(7.7))}', '${ymdAt(yearsAgo(7.2))}', 'Omprövas SEXHEMLIS', 'external', 'Utförare SEXHEMLIS', ${uid('soc1')},
  ${yearsAgo(7.7)}, ${yearsAgo(7.7)}, 'housing', 'refused', 'Avslag SEXHEMLIS motivering')`);
q(`UPDATE decisions SET ended_on = '${ymdAt(yearsAgo(6.1))}', end_reason = 'other', end_note = 'Avslut SEXHEMLIS notering',
  ended_at = ${yearsAgo(6.1)} WHERE twin_of = ${six.d}`);
// ongoing work keeps a person however old the last entry: an open referral
// (sent, waiting on the team) or a case manager still assigned
const waiting = casePerson({ first: 'Väntande', last: 'Remissdotter', pnr: '19580404-4444', kod: 'VARE-58-K', district: centrum,
  at: yearsAgo(6), moveIn: ymdAt(yearsAgo(7.5)), endDate: ymdAt(yearsAgo(6)), decided: ymdAt(yearsAgo(7.6)), note: 'VANTAR' });
q(`INSERT INTO referrals(person_id, district_id, state, needs, current_situation, sent_at, last_step_at, created_at, created_by,
  updated_at) VALUES(${waiting.p}, ${centrum}, 'sent', 'Behov', 'Läge', ${yearsAgo(6)}, ${yearsAgo(6)}, ${yearsAgo(6)},
  ${uid('soc1')}, ${yearsAgo(6)})`);
const followed = casePerson({ first: 'Följd', last: 'Casemanagersson', pnr: '19590505-5555', kod: 'FOCA-59-M', district: centrum,
  sex: 'M', at: yearsAgo(6), moveIn: ymdAt(yearsAgo(7.5)), endDate: ymdAt(yearsAgo(6)), decided: ymdAt(yearsAgo(7.6)), note: 'FOLJD' });
q(`INSERT INTO person_case_managers(person_id, user_id, started_at, started_by) VALUES(${followed.p}, ${uid('cm1')},
  ${yearsAgo(7)}, ${uid('chef1')})`);
const SECRETS = ['Sexårig', 'Gallringsson', '19550303-3333', 'SEXHEMLIS', 'sexarig', 'gallringsson', '070-3333'];
const yr = (y) => new Date(y * 1000).getFullYear();

test('gallring dry run: the CLI and the admin page name only the person 6 years after the last entry, by Personkod', async () => {
  const r = runBin(['gallra', '--db', srv.db, '--dry-run']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^SEGA-60-M\n1 person med senaste anteckning före \d{4}-\d\d-\d\d \(provkörning, inget gallrat\)\n$/);
  assert.equal(runBin(['gallra', '--db', srv.db, '--years', '3', '--dry-run']).stdout.split('\n')[0], 'FYKV-62-K',
    '--years 3 finds both (by Personkod)');
  assert.equal(runBin(['gallra', '--db', srv.db, '--years', 'x']).code, 2);
  // an open decision or an ongoing tenancy keeps a person
  q(`UPDATE decisions SET end_date = '2099-01-01' WHERE id = ${six.d}`);
  assert.match(runBin(['gallra', '--db', srv.db, '--dry-run']).stdout, /^0 personer/);
  q(`UPDATE decisions SET end_date = '${ymdAt(yearsAgo(6))}' WHERE id = ${six.d}`);
  // the admin page, reached by a click from the admin start page
  const home = await c.admin1.get('/');
  assert.match(home.body, /<a href="\/admin\/gallring">Gallring<\/a>/);
  const page = await c.admin1.get('/admin/gallring');
  assert.equal(page.status, 200);
  assert.match(page.body, /äldre än 5 år/);
  // the rule as GALLRING_OPEN_DECISION has it, and ongoing work
  assert.match(page.body, /Ett beslut är gällande om det är beviljat \(inte avslag\), inte har ersatts vid en omprövning, inte har avslutats och inte har löpt ut/);
  assert.doesNotMatch(page.body, /inte ersatts vid en omprövning och slutdatumet är i dag eller senare\./);
  assert.match(page.body, /öppen remiss eller en tilldelad case manager gallras inte/);
  const list = await c.admin1.get('/admin/gallring?lista=1');
  assert.match(list.body, /1 person att gallra/);
  assert.match(list.body, /<li>SEGA-60-M<\/li>/);
  assert.doesNotMatch(list.body, /FYKV-62-K|Sexårig|Gallringsson|Fyraårig/);
  assert.equal((await c.chef1.get('/admin/gallring')).status, 403);
});

test('gallring: reports for earlier years byte-identical; names and texts gone from every table, the file and the WAL; audited', async () => {
  const years = [yr(yearsAgo(7.5)), yr(yearsAgo(6)), yr(yearsAgo(5)), yr(yearsAgo(4))];
  const snap = async () => {
    const out = [];
    for (const y of years)
      for (const d of [centrum, null])
        out.push((await statusCsv(c.chef1, y, d)).body.toString('base64'));
    for (const y of years)
      for (const d of [centrum, null])
        out.push((await c.chef1.get(`/kvarboende/summary?date=${y}-12-31${d ? `&district=${d}` : ''}`, { json: true })).body);
    return out;
  };
  const before = await snap();
  assert.ok(Buffer.from(before[0], 'base64').toString('utf8').includes('SEGA-60-M'), 'the person is in the register');
  // without the confirmation's yes: nothing
  let r = await c.admin1.post('/admin/gallring', {});
  assert.equal(r.status, 400);
  assert.equal(q(`SELECT first_name FROM persons WHERE id = ${six.p}`)[0].first_name, 'Sexårig');
  const conf = await c.admin1.post('/admin/gallring/confirm', {});
  assert.equal(conf.status, 200);
  assert.match(conf.body, /1 person vars senaste anteckning är äldre än/);
  assert.doesNotMatch(conf.body, /Det du har fyllt i/, 'nothing was typed');
  assert.match(conf.body, /<h2>Det som gallras<\/h2>/);
  // a form without the cutoff is not a stale confirmation: a plain 400
  r = await c.admin1.post('/admin/gallring', { confirmed: '1' });
  assert.equal(r.status, 400);
  assert.match(r.body, /Formuläret saknar gränsen för gallring/);
  assert.doesNotMatch(r.body, /har ändrats/);
  assert.equal(q(`SELECT count(*) AS n FROM gallring_runs`)[0].n, 0);
  const { action, fields } = hiddenFields(conf.body);
  r = await c.admin1.post(action, fields);
  assert.equal(r.status, 303, r.body.slice(0, 400));
  assert.match((await c.admin1.get(r.headers.location)).body, /Gallringen är klar/);

  assert.deepEqual(await snap(), before, 'statusrapport CSV and kvarboende summary unchanged');
  const p = q(`SELECT * FROM persons WHERE id = ${six.p}`)[0];
  assert.deepEqual([p.first_name, p.personnummer, p.birth_date, p.phone, p.address, p.personkod, p.sex, p.district_id],
    ['Gallrad', null, null, '', '', 'SEGA-60-M', 'M', centrum]);
  assert.ok(p.weeded_on);
  assert.equal(q(`SELECT first_name FROM persons WHERE id = ${four.p}`)[0].first_name, 'Fyraårig', 'the 4-year person stays');
  assert.equal(q(`SELECT count(*) AS n FROM visits WHERE note LIKE 'Besök FYRAHEMLIS'`)[0].n, 1);
  // every table, as text
  const dump = dumpText(srv.db);
  for (const s of SECRETS) assert.ok(!dump.includes(s), `${s} left in a table`);
  assert.ok(dump.includes('FYRAHEMLIS'), 'the dump reads the texts');
  // the bytes of the database file and its WAL (SQLite's: on PostgreSQL the
  // server's files hold dead row versions until its VACUUM and checkpoints,
  // see README "Running on PostgreSQL")
  if (!PG) for (const f of [srv.db, `${srv.db}-wal`]) {
    if (!existsSync(f)) continue;
    const bytes = readFileSync(f);
    for (const s of SECRETS) assert.equal(bytes.indexOf(Buffer.from(s, 'utf8')), -1, `${s} in the bytes of ${f}`);
  }
  if (!PG) assert.ok(readFileSync(srv.db).indexOf(Buffer.from('FYRAHEMLIS')) >= 0, 'the byte search finds what stays');
  // the decisions' rows stay (dates, outcome, ending), their texts go
  const ds = q(`SELECT outcome, motivering, end_note, review_clause, provider, ended_on, end_reason FROM decisions
    WHERE person_id = ${six.p} ORDER BY id`);
  assert.ok(ds.some((d) => d.outcome === 'refused' && d.motivering === 'Gallrad'), 'the avslag stays, its motivering goes');
  assert.ok(ds.some((d) => d.ended_on && d.end_reason === 'other' && d.end_note === ''), 'the ending stays, its note goes');
  assert.ok(ds.every((d) => d.review_clause === '' && !/HEMLIS/.test(d.provider)));
  // the audit row: how many and by whom, not whom
  const run1 = q(`SELECT * FROM gallring_runs`);
  assert.equal(run1.length, 1);
  assert.deepEqual([run1[0].persons, run1[0].by, run1[0].years, run1[0].via], [1, uid('admin1'), 5, 'web']);
  const a = q(`SELECT * FROM audit WHERE entity = 'gallring'`);
  assert.equal(a.length, 1);
  assert.deepEqual([a[0].action, a[0].user_id, a[0].entity_id, a[0].person_id], ['update', uid('admin1'), run1[0].id, null]);
  assert.match((await c.admin1.get('/admin/gallring')).body, /<td>1<\/td>/);
  // nothing more to weed: a sentence, not "0 personer" above an empty list
  assert.match(runBin(['gallra', '--db', srv.db, '--dry-run']).stdout, /^0 personer/);
  const empty = await c.admin1.get('/admin/gallring?lista=1');
  assert.match(empty.body, /<h3 id="found-heading">Ingen att gallra<\/h3>\s*<p>Ingen person har sin senaste anteckning före \d{4}-\d\d-\d\d och uppfyller villkoren i dag/);
  assert.doesNotMatch(empty.body, /0 personer|class="found"/);
});

test('gallring keeps ongoing work; a weeded person offers no write action and refuses every write', async () => {
  for (const who of [waiting, followed])
    assert.notEqual(q(`SELECT first_name FROM persons WHERE id = ${who.p}`)[0].first_name, 'Gallrad', 'ongoing work is not weeded');
  const home = await c.cm1.get('/');
  assert.equal(home.status, 200);
  assert.doesNotMatch(home.body, /Gallrad person/, 'the case manager start page lists no weeded person');
  assert.match(home.body, /Casemanagersson/, 'the assigned person is still hers');
  // the weeded person's page: what is left, no actions
  const page = await c.chef1.get(`/persons/${six.p}`);
  assert.equal(page.status, 200);
  assert.match(page.body, /Personens uppgifter gallrades \d{4}-\d\d-\d\d/);
  assert.doesNotMatch(page.body, /\/transfer"|Tilldela|case-managers/, 'no transfer, no case manager');
  const socPage = await c.soc1.get(`/persons/${six.p}`);
  assert.doesNotMatch(socPage.body, /Ändra personuppgifter|Ny remiss|\/edit"/);
  // and the writes answer 410 in Swedish, storing nothing
  const version = String(q(`SELECT version FROM persons WHERE id = ${six.p}`)[0].version);
  const writes = [
    [c.chef1, `/persons/${six.p}/transfer/confirm`, { version, district_id: String(hisingen), date: daysAgo(1) }],
    [c.chef1, `/persons/${six.p}/transfer`, { version, district_id: String(hisingen), date: daysAgo(1), confirmed: '1' }],
    [c.chef1, `/persons/${six.p}/case-managers`, { user_id: String(uid('cm1')) }],
    [c.soc1, `/persons/${six.p}`, { first_name: 'Ny', last_name: 'Identitet', phone: '', email: '', address: '', version }],
  ];
  for (const [client, path, body] of writes) {
    const r = await client.post(path, body);
    assert.equal(r.status, 410, path);
    assert.match(r.body, /gallrades [\s\S]*ingenting kan läggas till eller ändras/, path);
  }
  assert.equal((await c.chef1.get(`/persons/${six.p}/transfer`)).status, 410);
  assert.equal((await c.soc1.get(`/persons/${six.p}/referrals/new`)).status, 410);
  assert.equal(q(`SELECT count(*) AS n FROM person_transfers WHERE person_id = ${six.p}`)[0].n, 0);
  assert.equal(q(`SELECT count(*) AS n FROM person_case_managers WHERE person_id = ${six.p}`)[0].n, 0);
  assert.equal(q(`SELECT first_name FROM persons WHERE id = ${six.p}`)[0].first_name, 'Gallrad');
  // the weeded person's decisions: shown, never reviewed again
  for (const { id } of q(`SELECT id FROM decisions WHERE person_id = ${six.p} AND replaced_by_id IS NULL`)) {
    const shown = await c.soc1.get(`/decisions/${id}`);
    assert.equal(shown.status, 200);
    assert.doesNotMatch(shown.body, /Ompröva beslutet|Avsluta beslutet|\/effective"/, `decision ${id} offers no action`);
    assert.equal((await c.soc1.get(`/decisions/${id}/review`)).status, 410);
    const before = q('SELECT count(*) AS n FROM decisions')[0].n;
    const r = await c.soc1.post(`/decisions/${id}/review`, { version: '1', decision_date: daysAgo(1), start_date: daysAgo(1),
      review_clause: 'x', housing_outcome: 'granted', support_outcome: 'granted', support_kind: 'internal' });
    assert.equal(r.status, 410, `review of ${id}`);
    assert.equal(q('SELECT count(*) AS n FROM decisions')[0].n, before);
  }
});

test('the append-only journal: an ordinary UPDATE or DELETE still fails, for weeded and other persons', () => {
  const fails = (s) => assert.throws(() => sql(srv.db, s), /append-only/, s);
  for (const who of [six, four]) {
    fails(`UPDATE visits SET note = 'x' WHERE person_id = ${who.p}`);
    fails(`DELETE FROM visits WHERE person_id = ${who.p}`);
    fails(`UPDATE referral_steps SET note = 'x' WHERE referral_id = ${who.r}`);
    fails(`DELETE FROM referral_steps WHERE referral_id = ${who.r}`);
    fails(`UPDATE plan_versions SET agreed_how = 'x' WHERE plan_id IN (SELECT id FROM plans WHERE person_id = ${who.p})`);
    fails(`DELETE FROM plan_versions WHERE plan_id IN (SELECT id FROM plans WHERE person_id = ${who.p})`);
  }
  fails(`DELETE FROM audit WHERE entity = 'gallring'`);
  fails('UPDATE gallring_runs SET persons = 0');
  fails('DELETE FROM person_transfers');
  assert.equal(q('SELECT count(*) AS n FROM gallring_guard')[0].n, 0, 'the guard is empty outside the run');
});

await run({ after: () => srv.stop() });

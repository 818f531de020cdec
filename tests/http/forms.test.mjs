// forms.test.mjs - generated from the form descriptions (`bostadforst
// forms --json`, src/formdefs.c): for every described form and every field
// that can be made bad, a submission with that one field bad answers 4xx,
// shows the error at the field (aria-invalid, aria-describedby pointing at
// the error) and keeps every other typed value. A new form in the table is
// covered without a line here, unless its page names a record this file
// does not know yet ({placeholder} below).
import assert from 'node:assert/strict';
import { test, run } from '../lib/t.mjs';
import { startServer, Client, sql, runBin } from '../lib/server.mjs';

const listed = runBin(['forms', '--json']);
assert.equal(listed.code, 0, listed.stderr);
const forms = JSON.parse(listed.stdout);

const srv = await startServer();
const q = (s) => sql(srv.db, s);
const clients = {};
async function as(user) {
  if (!clients[user]) {
    clients[user] = new Client(srv.url);
    await clients[user].login(user);
  }
  return clients[user];
}

// The records a form's page and action name, one the form's user may reach.
const mine = (u) => `(SELECT id FROM users WHERE username = '${u}')`;
const caseload = `JOIN person_case_managers m ON m.person_id = t.person_id AND m.ended_at IS NULL AND m.user_id = ${mine('cm1')}`;
const records = {
  person: `SELECT id FROM persons WHERE district_id = (SELECT district_id FROM users WHERE username = 'soc1')`,
  apartment: 'SELECT id FROM apartments',
  tenancy: `SELECT t.id FROM tenancies t ${caseload} WHERE t.end_date IS NULL`,
  user: "SELECT id FROM users WHERE username = 'soc2'",
  district: "SELECT id FROM districts WHERE name = 'Hisingen'",
  life_area: "SELECT id FROM config_items WHERE list = 'life_area'",
  checklist_item: "SELECT id FROM config_items WHERE list = 'checklist_item'",
  decision: `SELECT d.id FROM decisions d JOIN persons p ON p.id = d.person_id WHERE d.replaced_by_id IS NULL AND p.district_id = (SELECT district_id FROM users WHERE username = 'soc1')`,
  unenforced_support: `SELECT d.id FROM decisions d JOIN persons p ON p.id = d.person_id WHERE d.kind = 'support' AND d.outcome = 'granted' AND d.replaced_by_id IS NULL AND d.ended_on IS NULL AND d.support_effective_date IS NULL AND d.end_date >= date('now', 'localtime') AND p.district_id = (SELECT district_id FROM users WHERE username = 'soc2')`,
  approved_referral: `SELECT r.id FROM referrals r JOIN persons p ON p.id = r.person_id WHERE r.state = 'approved' AND p.district_id = (SELECT district_id FROM users WHERE username = 'soc1')`,
  open_housing_decision: `SELECT d.id FROM decisions d JOIN persons p ON p.id = d.person_id WHERE d.kind = 'housing' AND d.replaced_by_id IS NULL AND d.ended_on IS NULL AND p.district_id = (SELECT district_id FROM users WHERE username = 'soc1')`,
  open_support_decision: `SELECT d.id FROM decisions d JOIN persons p ON p.id = d.person_id WHERE d.kind = 'support' AND d.outcome = 'granted' AND d.replaced_by_id IS NULL AND d.ended_on IS NULL AND d.end_date >= date('now', 'localtime') AND p.district_id = (SELECT district_id FROM users WHERE username = 'soc1')`,
  cm_person: `SELECT m.person_id AS id FROM person_case_managers m WHERE m.ended_at IS NULL AND m.user_id = ${mine('cm1')}`,
  draft_checklist: `SELECT c.id FROM checklists c JOIN tenancies t ON t.id = c.tenancy_id ${caseload} WHERE c.state = 'draft'`,
  sent_checklist: "SELECT id FROM checklists WHERE state = 'sent'",
  person_without_plan: `SELECT m.person_id AS id FROM person_case_managers m WHERE m.ended_at IS NULL AND m.user_id = ${mine('cm1')} AND NOT EXISTS (SELECT 1 FROM plans pl WHERE pl.person_id = m.person_id)`,
  plan: `SELECT pl.id FROM plans pl JOIN person_case_managers m ON m.person_id = pl.person_id AND m.ended_at IS NULL WHERE m.user_id = ${mine('cm1')}`,
  draft_referral: `SELECT r.id FROM referrals r JOIN persons p ON p.id = r.person_id WHERE r.state = 'draft' AND p.district_id = (SELECT district_id FROM users WHERE username = 'soc1')`,
  referral_to_book: "SELECT id FROM referrals WHERE state IN ('preliminary_positive', 'meeting_booked')",
  referral_booked: "SELECT id FROM referrals WHERE state = 'meeting_booked'",
  open_tenancy: `SELECT t.id FROM tenancies t WHERE t.end_date IS NULL AND t.takeover_date IS NULL AND t.imported = 0`,
  free_apartment: `SELECT a.id FROM apartments a WHERE a.status <> 'blocked' AND a.imported = 0 AND NOT EXISTS (SELECT 1 FROM tenancies t WHERE t.apartment_id = a.id AND t.end_date IS NULL)`,
  transfer_person: 'SELECT id FROM persons WHERE weeded_on IS NULL',
  incident: `SELECT i.id FROM incidents i JOIN tenancies t ON t.id = i.tenancy_id ${caseload} WHERE i.housing_related = 1`,
};
function resolve(path) {
  return path.replace(/\{(\w+)\}/g, (_, name) => {
    assert.ok(records[name], `forms.test.mjs: no record for {${name}}: add a query to "records"`);
    const row = q(`${records[name]} ORDER BY 1 LIMIT 1`)[0];
    assert.ok(row, `no demo record for {${name}}`);
    return String(row.id);
  });
}

const decode = (s) => s.replace(/&(amp|lt|gt|quot|#39);/g, (_, e) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" }[e]));
const attr = (tag, name) => {
  const m = new RegExp(`\\s${name}="([^"]*)"`).exec(tag);
  return m ? decode(m[1]) : null;
};
const has = (tag, name) => new RegExp(`\\s${name}(\\s|>|=|$)`).test(tag);

/* The controls of the form posting to action in html (the one holding the
 * hidden field match, "NAME=VALUE", when several do): {values, controls},
 * values as a browser would send them, controls[name] = the opening tag. */
function formIn(html, action, match) {
  const [mk, mv] = match ? match.split('=') : [];
  const forms = [...html.matchAll(/<form\b[^>]*>[\s\S]*?<\/form>/g)].map((m) => m[0])
    .filter((f) => attr(f.slice(0, f.indexOf('>') + 1), 'action') === action)
    .filter((f) => !match || [...f.matchAll(/<input\b[^>]*>/g)].some((i) => attr(i[0], 'name') === mk && attr(i[0], 'value') === mv));
  assert.ok(forms.length, `no form posting to ${action}${match ? ` with ${match}` : ''}`);
  const f = forms[forms.length - 1];
  const values = {}, controls = {};
  for (const m of f.matchAll(/<input\b[^>]*>/g)) {
    const name = attr(m[0], 'name');
    if (!name) continue;
    controls[name] = m[0];
    const type = attr(m[0], 'type') || 'text';
    if ((type === 'checkbox' || type === 'radio') && !has(m[0], 'checked')) continue;
    values[name] = attr(m[0], 'value') ?? '';
  }
  for (const m of f.matchAll(/(<textarea\b[^>]*>)([\s\S]*?)<\/textarea>/g)) {
    controls[attr(m[1], 'name')] = m[1];
    values[attr(m[1], 'name')] = decode(m[2]).replace(/^\n/, '');
  }
  for (const m of f.matchAll(/(<select\b[^>]*>)([\s\S]*?)<\/select>/g)) {
    const name = attr(m[1], 'name');
    controls[name] = m[1];
    const opts = [...m[2].matchAll(/<option\b[^>]*>/g)].map((o) => o[0]);
    const sel = opts.find((o) => has(o, 'selected')) || opts[0];
    values[name] = sel ? attr(sel, 'value') : '';
    controls[name + ' options'] = opts.map((o) => attr(o, 'value'));
  }
  return { values, controls };
}

const today = new Date().toISOString().slice(0, 10);

/* A value the field accepts. */
function good(field, controls) {
  if (field.sample !== undefined) return field.sample;
  switch (field.kind) {
    case 'text': return 'Prov åäö'.slice(0, field.max_chars);
    case 'textarea': return 'Rad ett med å, ä och ö.';
    case 'date': return today;
    case 'time': return '13:30';
    case 'number': return String(field.min);
    case 'choice': return field.choices[0].value;
    case 'yesno': return '1';
    case 'ref': return (controls[field.name + ' options'] || []).find((v) => v) ?? '';
    default: return undefined;
  }
}

/* A value the field refuses, or undefined when it has none. */
function bad(field) {
  switch (field.kind) {
    case 'text': case 'textarea': return 'å'.repeat(field.max_chars + 1);	// characters, not bytes
    case 'date': return '31/2';
    case 'dates': return '1/3 2027, 31/2';
    case 'time': return '25:00';
    case 'number': return 'många';
    case 'choice': return 'ingen-sådan';
    case 'ref': return 'x';
    case 'yesno': return 'kanske';
    case 'password': return 'kort';
    default: return undefined;
  }
}

test('every form is listed with fields', () => {
  assert.ok(forms.length >= 8, `${forms.length} forms described`);
  for (const f of forms) assert.ok(f.fields.length, `${f.id} has fields`);
});

for (const form of forms) {
  test(`${form.id}: one bad field at a time keeps every other value and shows the error at the field`, async () => {
    const c = await as(form.user);
    const page = resolve(form.page), action = resolve(form.action);
    const shown = await c.get(page);
    assert.equal(shown.status, 200, `${form.id}: GET ${page}`);
    const { values, controls } = formIn(shown.body, action, form.match);
    for (const f of form.fields) {
      if (f.kind !== 'check') assert.ok(controls[f.name], `${form.id}: ${page} shows ${f.name}`);
      if (f.required && f.kind !== 'check')
        assert.match(controls[f.name], /aria-required="true"/, `${form.id}.${f.name} marked required`);
    }
    const base = { ...values };
    for (const f of form.fields) {
      const v = good(f, controls);
      if (v !== undefined) base[f.name] = v;
    }
    let tried = 0;
    for (const f of form.fields) {
      const wrong = bad(f);
      if (wrong === undefined) continue;
      tried++;
      const sent = { ...base, [f.name]: wrong };
      const r = await c.post(action, sent);
      const where = `${form.id}: ${f.name}=${wrong.slice(0, 12)}`;
      assert.ok(r.status >= 400 && r.status < 500, `${where}: status ${r.status}`);
      const back = formIn(r.body, action, form.match);
      const tag = back.controls[f.name];
      assert.ok(tag, `${where}: the field is shown again`);
      assert.match(tag, /aria-invalid="true"/, `${where}: aria-invalid`);
      // the error sits at the field: aria-describedby names it ("NAME-error",
      // "NAME-ROW-error" in a list whose rows are forms), and it is there
      const described = (attr(tag, 'aria-describedby') || '').split(' ').filter((x) => x.endsWith('-error'));
      assert.ok(described.length === 1, `${where}: aria-describedby names the error (${attr(tag, 'aria-describedby')})`);
      assert.match(r.body, new RegExp(`<p class="field-error" id="${described[0]}">`), `${where}: the error at the field`);
      for (const o of form.fields) {
        if (o.kind === 'check' || o.kind === 'password' || (o === f && ['choice', 'ref', 'yesno'].includes(f.kind))) continue;
        assert.equal(back.values[o.name], sent[o.name], `${where}: ${o.name} kept`);
      }
    }
    assert.ok(tried > 0, `${form.id}: no field could be made bad`);
  });
}

// One conflict shape for every stale form: 409, "Sparat av någon annan",
// the summary's link to the box (#conflict), no field marked invalid (a
// conflict is the form's, not its first field's) (here a person, an apartment and a
// referral's step, each sent with a version someone else already used).
test('a stale form answers 409 in the one conflict shape, nothing written', async () => {
  const stale = [
    ['soc1', resolve('/persons/{person}'), { first_name: 'Gammal', last_name: 'Version' }, 'persons'],
    ['fast1', resolve('/apartments/{apartment}'), { address: 'Gammal väg 1', district_id: String(q(records.district)[0].id),
      rooms: '1', area_m2: '30', rent: '5000', status: 'available' }, 'apartments'],
    ['cm1', resolve('/referrals/{referral_to_book}/steps'), { action: 'book_meeting', date: today, time: '10:00', place: 'Kontoret' }, 'referrals'],
  ];
  for (const [user, path, form, table] of stale) {
    const id = path.split('/')[2];
    const version = q(`SELECT version FROM ${table} WHERE id = ${id}`)[0].version;
    const r = await (await as(user)).post(path, { ...form, version: String(version - 1 || 999) });
    assert.equal(r.status, 409, `${path}: ${r.status}`);
    assert.match(r.body, /<div class="conflict" role="region" aria-label="Det som nu är sparat"[^>]*>\s*<h2>Sparat av någon annan<\/h2>/, path);
    assert.match(r.body, /<a href="#conflict">Någon annan har ändrat /, `${path}: the summary leads to the box`);
    assert.match(r.body, /id="conflict" tabindex="-1"/, `${path}: the box is where the summary leads`);
    assert.doesNotMatch(r.body, /aria-invalid="true"/, `${path}: a conflict marks no field invalid`);
    assert.equal(q(`SELECT version FROM ${table} WHERE id = ${id}`)[0].version, version, `${path}: nothing written`);
  }
});

// Two tabs on a referral: A books the meeting, B (stale) books another.
// B's page keeps what B typed in the step's fields, shows A's saved
// meeting in the box, and the conflict is the form's: the summary leads to
// the box and no field is marked invalid. The page links to the person.
test('a stale referral step keeps what was typed, the box shows what is saved', async () => {
  const cm = await as('cm1');
  const id = q(`${records.referral_to_book} ORDER BY 1 DESC LIMIT 1`)[0].id;
  const version = q(`SELECT version FROM referrals WHERE id = ${id}`)[0].version;
  const a = await cm.post(`/referrals/${id}/steps`, { action: 'book_meeting', date: '2026-12-09', time: '14:00', place: 'Kontoret', version: String(version) });
  assert.equal(a.status, 303, a.body.slice(0, 300));
  const b = await cm.post(`/referrals/${id}/steps`, { action: 'book_meeting', date: '2026-12-10', time: '10:00', place: 'Annat ställe', version: String(version) });
  assert.equal(b.status, 409);
  assert.match(b.body, /<a href="#conflict">Någon annan har ändrat remissen/);
  assert.doesNotMatch(b.body, /aria-invalid="true"/, 'no field is marked invalid');
  assert.match(b.body, /id="place-book_meeting"[^>]*value="Annat ställe"|value="Annat ställe"[^>]*id="place-book_meeting"/, 'the typed place is kept');
  assert.match(b.body, /value="2026-12-10"/, 'the typed date is kept');
  const box = b.body.slice(b.body.indexOf('id="conflict"'), b.body.indexOf('</div>', b.body.indexOf('id="conflict"')));
  assert.match(box, /<dd>Kontoret<\/dd>/, "the box shows A's saved place");
  assert.match(box, /<dd>2026-12-09<\/dd>/, "the box shows A's saved date");
  const pid = q(`SELECT person_id FROM referrals WHERE id = ${id}`)[0].person_id;
  assert.match(b.body, new RegExp(`<a href="/persons/${pid}">Till personen: `));
  assert.equal(q(`SELECT meeting_place FROM referrals WHERE id = ${id}`)[0].meeting_place, 'Kontoret', 'nothing written');
});

// The filter forms (GET) read dates as the other forms do: the access log's
// from/to and the kvarboende summary's date take D/M ÅÅÅÅ and ÅÅÅÅMMDD,
// show them back normalised, and refuse a date that does not exist at the
// field.
test('filter forms read dates as every form does', async () => {
  const chef = await as('chef1');
  const typed = await chef.get('/audit?from=' + encodeURIComponent('1/11 2026') + '&to=20261130', { json: true });
  assert.equal(typed.status, 200);
  assert.equal(typed.json().form.from, '2026-11-01');
  assert.equal(typed.json().form.to, '2026-11-30');
  const bad = await chef.get('/audit?from=31%2F4');
  assert.equal(bad.status, 400);
  assert.match(bad.body, /id="from-error"[^>]*>(<span[^>]*>Fel: <\/span>)?Skriv från-datum som ÅÅÅÅ-MM-DD, ÅÅÅÅMMDD, D\/M eller D\/M ÅÅÅÅ/);
  const iso = await chef.get('/kvarboende/summary?date=2025-12-31', { json: true });
  const dm = await chef.get('/kvarboende/summary?date=' + encodeURIComponent('31/12 2025'), { json: true });
  assert.equal(dm.status, 200);
  assert.deepEqual(dm.json().summary ?? dm.json().figures ?? dm.json(), iso.json().summary ?? iso.json().figures ?? iso.json());
  assert.equal((await chef.get('/kvarboende/summary?date=2025-02-30')).status, 400);
});

await run({ after: () => srv.stop() });

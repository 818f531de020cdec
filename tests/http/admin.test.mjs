// admin.test.mjs - users and districts: validation in Swedish with typed
// values kept, no lost updates (two sessions), deactivation, resets.
import assert from 'node:assert/strict';
import { test, run } from '../lib/t.mjs';
import { startServer, Client, sql } from '../lib/server.mjs';

const srv = await startServer();
const admin = new Client(srv.url);
await admin.login('admin1');
const centrum = sql(srv.db, "SELECT id FROM districts WHERE name = 'Centrum'")[0].id;

test('create a user: 303 to the edit page, row and audit written, can log in', async () => {
  const r = await admin.post('/admin/users', { username: 'soc3', name: 'Siri Socialsekreterare', role: 'socialsekreterare',
    district_id: String(centrum), password: 'ett långt lösenord', password_again: 'ett långt lösenord' });
  assert.equal(r.status, 303);
  assert.match(r.headers.location, /^\/admin\/users\/\d+\?klart=anvandare-skapad$/);
  const row = sql(srv.db, "SELECT id, name, role, district_id, active, version FROM users WHERE username = 'soc3'")[0];
  assert.deepEqual({ ...row, id: 0 }, { id: 0, name: 'Siri Socialsekreterare', role: 'socialsekreterare', district_id: centrum, active: 1, version: 1 });
  const adminId = sql(srv.db, "SELECT id FROM users WHERE username = 'admin1'")[0].id;
  const audit = sql(srv.db, `SELECT user_id FROM audit WHERE action = 'create' AND entity = 'user' AND entity_id = ${row.id}`);
  assert.deepEqual(audit, [{ user_id: adminId }]);
  const page = await admin.get(r.headers.location);
  assert.match(page.body, /<div class="notice done" role="status"><p>Användaren är skapad\.<\/p><\/div>/);
  const soc3 = new Client(srv.url);
  assert.equal((await soc3.login('soc3', 'ett långt lösenord')).status, 303);
  const me = (await soc3.get('/', { json: true })).json().user;
  assert.equal(me.district, 'Centrum');
});

test('invalid new user: 400, Swedish errors per field, typed values kept, nothing stored', async () => {
  const before = sql(srv.db, 'SELECT count(*) AS n FROM users')[0].n;
  const r = await admin.post('/admin/users', { username: 'Bad Name!', name: 'Namn <script>', role: 'socialsekreterare',
    district_id: '', password: 'kort', password_again: 'kort' });
  assert.equal(r.status, 400);
  assert.match(r.body, /href="#username">Användarnamnet ska vara 2–64 tecken/);
  assert.match(r.body, /href="#district_id">En socialsekreterare måste tillhöra en stadsdel/);
  assert.match(r.body, /href="#password">Lösenordet måste ha minst 12 tecken/);
  assert.match(r.body, /value="Bad Name!"/, 'username kept');
  assert.match(r.body, /value="Namn &lt;script&gt;"/, 'name kept and escaped');
  assert.doesNotMatch(r.body, /<script>/);
  assert.match(r.body, /<option value="socialsekreterare" selected>/, 'role kept');
  assert.equal(sql(srv.db, 'SELECT count(*) AS n FROM users')[0].n, before);
  const j = await admin.post('/admin/users', { username: 'x' }, { json: true });
  assert.equal(j.status, 400);
  const fields = j.json().errors.map((e) => e.field).sort();
  assert.deepEqual(fields, ['name', 'password', 'role', 'username']);
});

test('duplicate username (any case) is refused with the form kept', async () => {
  const r = await admin.post('/admin/users', { username: 'cm1', name: 'Kopia', role: 'case_manager',
    password: 'ett långt lösenord', password_again: 'ett långt lösenord' });
  assert.equal(r.status, 400);
  assert.match(r.body, /Användarnamnet är upptaget/);
  assert.match(r.body, /value="Kopia"/);
});

test('mismatched password repetition', async () => {
  const r = await admin.post('/admin/users', { username: 'ny.person', name: 'Ny', role: 'manager',
    password: 'ett långt lösenord', password_again: 'ett annat lösenord' });
  assert.equal(r.status, 400);
  assert.match(r.body, /Lösenorden är inte lika/);
});

test('stale edit: 409 shows what the other admin saved beside what was typed', async () => {
  const other = new Client(srv.url);
  await other.login('admin1');
  const id = sql(srv.db, "SELECT id FROM users WHERE username = 'cm2'")[0].id;
  const formA = (await admin.get(`/admin/users/${id}`, { json: true })).json().form;
  const formB = (await other.get(`/admin/users/${id}`, { json: true })).json().form;
  assert.equal(formA.version, formB.version);
  const saveB = await other.post(`/admin/users/${id}`, { name: 'Carl Andersson', role: 'case_manager', active: '1', version: String(formB.version) });
  assert.equal(saveB.status, 303);
  const saveA = await admin.post(`/admin/users/${id}`, { name: 'Carl C. Manager', role: 'manager', active: '1', version: String(formA.version) });
  assert.equal(saveA.status, 409);
  assert.match(saveA.body, /Sparat av någon annan/);
  assert.match(saveA.body, /<dd>Carl Andersson<\/dd>/, 'theirs shown');
  assert.match(saveA.body, /value="Carl C. Manager"/, 'mine kept in the form');
  assert.match(saveA.body, /<option value="manager" selected>/, 'my role choice kept');
  assert.equal(sql(srv.db, `SELECT name FROM users WHERE id = ${id}`)[0].name, 'Carl Andersson', 'nothing overwritten');
  const newVersion = saveA.body.match(/name="version" value="(\d+)"/)[1];
  assert.equal(Number(newVersion), formA.version + 1, 'the form now carries the current version');
  const retry = await admin.post(`/admin/users/${id}`, { name: 'Carl C. Manager', role: 'case_manager', active: '1', version: newVersion });
  assert.equal(retry.status, 303, 'saving again after merging works');
  assert.equal(sql(srv.db, `SELECT name FROM users WHERE id = ${id}`)[0].name, 'Carl C. Manager');
});

test('deactivating a user ends their sessions; they cannot log in; row kept', async () => {
  const victim = new Client(srv.url);
  await victim.login('fast1');
  const id = sql(srv.db, "SELECT id FROM users WHERE username = 'fast1'")[0].id;
  const v = (await admin.get(`/admin/users/${id}`, { json: true })).json().form.version;
  const r = await admin.post(`/admin/users/${id}`, { name: 'Fatima F', role: 'landlord', version: String(v) }); // no active box
  assert.equal(r.status, 303);
  assert.equal(sql(srv.db, `SELECT active FROM users WHERE id = ${id}`)[0].active, 0);
  assert.equal((await victim.get('/')).status, 303, 'session ended');
  assert.equal((await new Client(srv.url).login('fast1')).status, 401, 'cannot log in');
});

test('the admin cannot deactivate their own account', async () => {
  const id = sql(srv.db, "SELECT id FROM users WHERE username = 'admin1'")[0].id;
  const v = (await admin.get(`/admin/users/${id}`, { json: true })).json().form.version;
  const r = await admin.post(`/admin/users/${id}`, { name: 'Adam', role: 'admin', version: String(v) });
  assert.equal(r.status, 400);
  assert.match(r.body, /Du kan inte inaktivera ditt eget konto/);
});

test('password reset: new password works, old sessions end', async () => {
  const user = new Client(srv.url);
  await user.login('cm1');
  const id = sql(srv.db, "SELECT id FROM users WHERE username = 'cm1'")[0].id;
  const bad = await admin.post(`/admin/users/${id}/password`, { password: 'kort', password_again: 'kort' });
  assert.equal(bad.status, 400);
  assert.match(bad.body, /minst 12 tecken/);
  const r = await admin.post(`/admin/users/${id}/password`, { password: 'helt nytt lösenord', password_again: 'helt nytt lösenord' });
  assert.equal(r.status, 303);
  assert.equal((await user.get('/')).status, 303, 'old session ended');
  assert.equal((await new Client(srv.url).login('cm1')).status, 401, 'old password gone');
  assert.equal((await new Client(srv.url).login('cm1', 'helt nytt lösenord')).status, 303);
});

test('unknown or malformed user ids: 404', async () => {
  for (const p of ['/admin/users/999', '/admin/users/0', '/admin/users/abc', '/admin/users/1x']) {
    const r = await admin.get(p);
    assert.equal(r.status, 404, p);
  }
  const r = await admin.post('/admin/users/999', { name: 'x', role: 'admin', version: '1' });
  assert.equal(r.status, 404);
});

test('districts: create, duplicate refused, rename with version, stale rename 409', async () => {
  const r = await admin.post('/admin/districts', { name: 'Angered' });
  assert.equal(r.status, 303);
  const dup = await admin.post('/admin/districts', { name: 'angered' });
  assert.equal(dup.status, 400);
  assert.match(dup.body, /Det finns redan en stadsdel med det namnet/);
  const empty = await admin.post('/admin/districts', { name: '   ' });
  assert.equal(empty.status, 400);
  assert.match(empty.body, /Ange stadsdelens namn/);
  const d = sql(srv.db, "SELECT id, version FROM districts WHERE name = 'Angered'")[0];
  const ok = await admin.post(`/admin/districts/${d.id}`, { name: 'Angered Centrum', active: '1', version: String(d.version) });
  assert.equal(ok.status, 303);
  const stale = await admin.post(`/admin/districts/${d.id}`, { name: 'Gamla Angered', active: '1', version: String(d.version) });
  assert.equal(stale.status, 409);
  assert.match(stale.body, /Gamla Angered/, 'the typed name is shown');
  assert.equal(sql(srv.db, `SELECT name FROM districts WHERE id = ${d.id}`)[0].name, 'Angered Centrum');
  const list = (await admin.get('/admin/districts', { json: true })).json();
  assert.ok(list.districts.some((x) => x.name === 'Angered Centrum' && x.active));
});

test('nothing is ever deleted: no DELETE statements in the server but the login throttle\'s and gallring\'s own bookkeeping', async () => {
  const { readFileSync, readdirSync } = await import('node:fs');
  // src/copy.c is the copy command, not the server: in a new, empty
  // PostgreSQL database it replaces the rows the migrations seeded
  // (settings, config_items, ...) with the installation's, in the copy's
  // transaction; that is its one DELETE
  const src = readdirSync('src').filter((f) => f.endsWith('.c') && f !== 'copy.c')
    .map((f) => readFileSync('src/' + f, 'utf8')).join('\n');
  assert.deepEqual([...readFileSync('src/copy.c', 'utf8').matchAll(/DELETE\s+FROM\s+([\w.%]+)/gi)].map((m) => m[1]),
    ['public.%I'], 'copy.c deletes in one place (the seeded tables)');
  const targets = [...src.matchAll(/DELETE\s+FROM\s+(\w+)/gi)].map((m) => m[1]);
  // gallring_guard: the ids gallring lets past the append-only triggers,
  // emptied inside its own transaction (src/gallring.c); gallring itself
  // blanks texts and deletes no row
  assert.deepEqual([...new Set(targets)].sort(), ['gallring_guard', 'login_attempts'],
    'only throttle counters and the gallring guard (no case data) are ever removed');
});

await run({ after: () => srv.stop() });

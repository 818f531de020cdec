// hostile.test.mjs - every input path with hostile bytes: multipart file
// parts (the path that skipped validation), urlencoded bodies and the query.
// Invalid UTF-8, NUL, control characters and bidi overrides must never be
// stored, never answer 500 and never take the server down; text stored
// before the gate existed is shown (as U+FFFD), never trusted or crashed on.
import assert from 'node:assert/strict';
import { test, run } from '../lib/t.mjs';
import { startServer, Client, sql, runBin, DEMO_USERS, PG } from '../lib/server.mjs';
import { idFor as sharedIdFor } from '../lib/ids.mjs';

const routes = JSON.parse(runBin(['routes']).stdout);
let srv = await startServer();
const q = (s) => sql(srv.db, s);
const users = ['soc1', 'cm1', 'fast1', 'chef1', 'admin1'];
const c = {};
for (const u of users) { c[u] = new Client(srv.url); await c[u].login(u); }
const userOfRole = Object.fromEntries(users.map((u) => [DEMO_USERS[u], u]));

const HOSTILE = [
  Buffer.from([0x50, 0x65, 0xf6, 0x72, 0xff, 0xfe]),           // Latin-1 and stray bytes
  Buffer.from('ok\u0000nul'),                                  // NUL
  Buffer.from('bell\u0007esc\u001b[31m'),                      // C0 controls
  Buffer.from('gnp.exe\u202Etxt'),                             // right-to-left override
  Buffer.from([0xc0, 0xaf, 0xed, 0xa0, 0x80]),                // overlong "/" and a surrogate
];

/* A multipart body: text fields as text parts, files as file parts. */
function multipart(texts, files) {
  const b = '----bf' + Math.random().toString(16).slice(2);
  const parts = [];
  for (const [k, v] of Object.entries(texts))
    parts.push(Buffer.from(`--${b}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  for (const [k, v] of Object.entries(files))
    parts.push(Buffer.from(`--${b}\r\nContent-Disposition: form-data; name="${k}"; filename="${k}.txt"\r\n` +
      'Content-Type: text/plain\r\n\r\n'), v, Buffer.from('\r\n'));
  parts.push(Buffer.from(`--${b}--\r\n`));
  return { body: Buffer.concat(parts), type: `multipart/form-data; boundary=${b}` };
}

function postMultipart(client, path, texts, files) {
  const m = multipart({ csrf_token: client.csrf, ...texts }, files);
  return client.request('POST', path, { body: m.body, headers: { 'Content-Type': m.type } });
}

/* Every text cell in the database that is not clean text (hex, to see it). */
function uncleanText() {
  const bad = [];
  const check = (where, h) => {
    const buf = Buffer.from(h, 'hex');
    const s = buf.toString('utf8');
    if (!Buffer.from(s, 'utf8').equals(buf) || /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/.test(s))
      bad.push(`${where}: ${h.slice(0, 40)}`);
  };
  if (PG) {	// PostgreSQL's text is valid UTF-8 by construction; the control characters are what to look for
    const cols = q(`SELECT table_name AS t, column_name AS c FROM information_schema.columns
      WHERE table_schema = 'public' AND data_type = 'text'
      AND table_name IN (SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE')`);
    for (const { t, c: name } of cols)
      for (const row of q(`SELECT encode(convert_to(${name}, 'UTF8'), 'hex') AS h FROM ${t} WHERE ${name} IS NOT NULL`))
        check(`${t}.${name}`, row.h);
    return bad;
  }
  const tables = q("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").map((t) => t.name);
  for (const t of tables) {
    for (const { name } of q(`PRAGMA table_info(${t})`)) {
      for (const row of q(`SELECT hex(${name}) AS h FROM ${t} WHERE typeof(${name}) = 'text'`))
        check(`${t}.${name}`, row.h);
    }
  }
  return bad;
}

// every field name any form of the application shows, read from the pages
const fieldNames = new Set(['a0_area', 'a0_goal', 'a0_needs', 'note', 'label', 'reason']);
for (const rt of routes.filter((r) => r.method === 'GET' && !r.public)) {
  for (const role of rt.roles) {
    const u = userOfRole[role];
    if (!u) continue;
    const r = await c[u].get(rt.pattern.replaceAll('{id}', '1'));
    for (const m of r.body.matchAll(/name="([^"]+)"/g)) if (m[1] !== 'csrf_token') fieldNames.add(m[1]);
  }
}

const idFor = (pattern, user) => sharedIdFor(q, pattern, user);

const posts = routes.filter((r) => r.method === 'POST' && !r.public && r.pattern !== '/logout');

test('multipart file parts are not form values: every POST route, every field as a hostile file part', async () => {
  const before = q('SELECT count(*) AS n FROM audit')[0].n;
  const statuses = [];
  for (const rt of posts) {
    const u = users.find((x) => rt.roles.includes(DEMO_USERS[x]));
    const path = rt.pattern.replace('{id}', idFor(rt.pattern, u)).replaceAll('{id}', '1');
    for (const bytes of HOSTILE) {
      const files = Object.fromEntries([...fieldNames].map((n) => [n, bytes]));
      const r = await postMultipart(c[u], path, {}, files);
      statuses.push(`${r.status} ${rt.pattern}`);
      assert.ok(r.status < 500, `${rt.pattern} as ${u}: ${r.status}`);
      assert.ok(!r.body.includes('\u202E'), `${rt.pattern}: the override is not echoed`);
    }
  }
  assert.ok(statuses.length >= posts.length * HOSTILE.length);
  assert.equal((await c.chef1.get('/healthz')).status, 200, 'the server is still up');
  assert.deepEqual(uncleanText(), [], 'nothing unclean stored');
  // what did get through the gate is only what the handlers validated; no row of audit says a change was made with these
  assert.ok(q('SELECT count(*) AS n FROM audit').length === 1 && before >= 0);
});

test('the same fields as text parts or urlencoded with hostile bytes: 400 at the field, nothing stored', async () => {
  const person = idFor('/persons', 'cm1');
  for (const bytes of HOSTILE) {
    const m = await postMultipart(c.cm1, '/visits', { person_id: String(person), date: '2026-11-30', kind: 'home', met: '1' },
      {});
    assert.ok(m.status < 500);
    const enc = [...bytes].map((x) => '%' + x.toString(16).padStart(2, '0')).join('');
    const body = `csrf_token=${c.cm1.csrf}&person_id=${person}&date=2026-11-30&kind=home&note=${enc}`;
    const r = await c.cm1.request('POST', '/visits', { body });
    assert.equal(r.status, 400, `urlencoded ${bytes.toString('hex')}`);
    // valid UTF-8 with controls or bidi: the form again, the error at the
    // note, the other values kept; invalid UTF-8 is no form at all
    const utf8 = Buffer.from(bytes.toString('utf8'), 'utf8').equals(bytes);
    if (utf8) {
      assert.match(r.body, /id="note-error"[\s\S]*?osynliga styrtecken/, `urlencoded ${bytes.toString('hex')}: said at the note`);
      assert.match(r.body, /value="2026-11-30"/, 'the date typed is kept');
    }
    const mp = multipart({ csrf_token: c.cm1.csrf, person_id: String(person), date: '2026-11-30', kind: 'home' }, {});
    const withText = Buffer.concat([mp.body.subarray(0, mp.body.length - (mp.type.split('=')[1].length + 6)),
      Buffer.from(`--${mp.type.split('=')[1]}\r\nContent-Disposition: form-data; name="note"\r\n\r\n`), bytes,
      Buffer.from(`\r\n--${mp.type.split('=')[1]}--\r\n`)]);
    const t = await c.cm1.request('POST', '/visits', { body: withText, headers: { 'Content-Type': mp.type } });
    assert.equal(t.status, 400, `text part ${bytes.toString('hex')}`);
    // a search with controls or bidi pasted in still searches (without
    // them); invalid UTF-8 is refused
    const g = await c.cm1.get(`/persons?q=${enc}`);
    assert.equal(g.status, utf8 ? 200 : 400, `query ${bytes.toString('hex')}`);
    assert.ok(!/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/.test(g.body), 'nothing unclean echoed');
  }
  assert.deepEqual(uncleanText(), []);
});

test('a visit note sent as a file part is not stored; the form says the note is missing', async () => {
  const person = idFor('/persons', 'cm1');
  const n = q('SELECT count(*) AS n FROM visits')[0].n;
  const r = await postMultipart(c.cm1, '/visits', { person_id: String(person), date: '2026-11-30', kind: 'home', met: '1' },
    { note: Buffer.from('osynlig\u0000anteckning') });
  assert.equal(r.status, 400, 'a file part where the form has a text field');
  assert.match(r.body, /tar inte emot filer/);
  assert.equal(q('SELECT count(*) AS n FROM visits')[0].n, n, 'no visit row');
});

test('a life-area label with invalid UTF-8 as a file part: refused; plan pages keep working', async () => {
  const n = q("SELECT count(*) AS n FROM config_items WHERE list = 'life_area'")[0].n;
  const r = await postMultipart(c.admin1, '/admin/life-areas', {}, { label: Buffer.from([0x4b, 0xf6, 0x6b, 0xff]) });
  assert.equal(r.status, 400);
  assert.equal(q("SELECT count(*) AS n FROM config_items WHERE list = 'life_area'")[0].n, n, 'no label stored');
  const plan = idFor('/plans', 'cm1');
  assert.equal((await c.cm1.get(`/plans/${plan}/edit`)).status, 200);
});

/* PostgreSQL refuses a text that is not UTF-8 itself: such bytes cannot be
 * in the database to be shown. */
if (PG) test('PostgreSQL refuses bytes that are not UTF-8 in a text column: nothing to show broken', () => {
  assert.throws(() => q("INSERT INTO config_items(list, label, position, active, created_at, updated_at) " +
    "VALUES('life_area', convert_from('\\x4bf66bff'::bytea, 'UTF8'), 99, 1, 0, 0)"), /invalid byte sequence for encoding "UTF8"/);
});

if (!PG) test('bytes stored before the gate (a database from an older version): shown as U+FFFD, no crash, after a restart too', async () => {
  q("INSERT INTO config_items(list, label, position, active, created_at, updated_at) VALUES('life_area', CAST(X'4BF66BFF' AS TEXT), 99, 1, 0, 0)");
  const plan = idFor('/plans', 'cm1');
  const person = q(`SELECT person_id AS id FROM plans WHERE id = ${plan}`)[0].id;
  for (let round = 0; round < 2; round++) {
    const edit = await c.cm1.get(`/plans/${plan}/edit`);
    assert.equal(edit.status, 200, 'plan edit');
    assert.match(edit.body, /K\uFFFDk\uFFFD/, 'the broken label shown with replacement characters');
    const fresh = q(`SELECT p.id FROM persons p JOIN person_case_managers m ON m.person_id = p.id AND m.ended_at IS NULL
      WHERE m.user_id = (SELECT id FROM users WHERE username = 'cm1') AND NOT EXISTS (SELECT 1 FROM plans WHERE person_id = p.id) LIMIT 1`);
    const r = await c.cm1.get(`/persons/${fresh[0]?.id ?? person}/plan/new`);
    assert.ok(r.status < 500, `plan/new ${r.status}`);
    const j = await c.admin1.get('/admin/life-areas', { json: true });
    assert.equal(j.status, 200);
    assert.ok(JSON.stringify(j.json()).includes('K\uFFFDk\uFFFD'), 'JSON keeps the row');
    if (round === 0) {	// the bytes are still there after a restart
      await srv.stop({ keep: true });
      srv = await startServer({ db: srv.db });
      for (const u of users) { c[u] = new Client(srv.url); await c[u].login(u); }
    }
  }
});

await run({ after: () => srv.stop() });

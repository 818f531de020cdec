// search.test.mjs - one box finds a person: a personnummer in every common
// form (10 or 12 digits, with or without '-', '+' from 100 years, a
// samordningsnummer), first name, last name or both in either order, any
// case, with or without å/ä/ö/é, prefixes; a wrong number says so. The
// scope holds (a socialsekreterare their district, a case manager their
// caseload, the manager all, the others 403), every person shown is
// audited, pages follow each other, and the header has the search box for
// those who read persons. The fold in src/search.c and the one in
// migrations/0010_search.sql list the same pairs and agree on each.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, run } from '../lib/t.mjs';
import { startServer, Client, sql, ROOT } from '../lib/server.mjs';

const srv = await startServer();
const q = (s) => sql(srv.db, s);
const users = {};
for (const u of ['soc1', 'soc2', 'cm1', 'chef1', 'fast1', 'admin1']) {
  users[u] = new Client(srv.url);
  await users[u].login(u);
}
const { soc1, soc2, cm1, chef1 } = users;
const uid = Object.fromEntries(q('SELECT id, username FROM users').map((x) => [x.username, x.id]));
const centrum = q("SELECT id FROM districts WHERE name = 'Centrum'")[0].id;
const hisingen = q("SELECT id FROM districts WHERE name = 'Hisingen'")[0].id;

/* YYMMDD + three digits + the Luhn digit. */
function luhn10(nine) {
  let sum = 0;
  for (let i = 0; i < 9; i++) {
    const v = Number(nine[i]) * (i % 2 === 0 ? 2 : 1);
    sum += v > 9 ? v - 9 : v;
  }
  return nine + String((10 - (sum % 10)) % 10);
}

/* Registers a person through soc1's form; returns the id. */
async function register(personnummer, first_name, last_name) {
  const r = await soc1.post('/persons', { personnummer, first_name, last_name });
  assert.equal(r.status, 303, r.body.slice(0, 300));
  return Number(r.headers.location.match(/\/persons\/(\d+)/)[1]);
}

const linnea = await register('850312-2387', 'Linnea', 'Åkerström');	// 19850312-2387
const old = luhn10('200315123');	// born 1920: 100 years or older, written with '+'
const greta = await register(`${old.slice(0, 6)}+${old.slice(6)}`, 'Greta', 'Öberg');
const coord = luhn10('900172456');	// samordningsnummer: 12 January 1990, day + 60
const amir = await register(`19${coord.slice(0, 6)}-${coord.slice(6)}`, 'Amir', 'Đorđević');

/* GETs /persons?q= as JSON; returns the view. */
async function search(client, text, extra = '') {
  const r = await client.get(`/persons?q=${encodeURIComponent(text)}${extra}`, { json: true });
  assert.equal(r.status, 200, `${text}: ${r.status}`);
  return r.json();
}
const ids = (view) => view.rows.map((r) => r.id);

test('every personnummer form finds her: 12 or 10 digits, with or without the dash', async () => {
  assert.equal(q(`SELECT personnummer FROM persons WHERE id = ${linnea}`)[0].personnummer, '19850312-2387');
  for (const form of ['19850312-2387', '198503122387', '850312-2387', '8503122387', ' 850312 2387 ']) {
    const v = await search(soc1, form);
    assert.deepEqual(ids(v), [linnea], form);
    assert.equal(v.search_error, undefined, form);
  }
});

test("'+' for 100 years or older, and a samordningsnummer in every form", async () => {
  const p = q(`SELECT personnummer FROM persons WHERE id = ${greta}`)[0].personnummer;
  assert.equal(p, `1920${old.slice(2, 6)}-${old.slice(6)}`);
  for (const form of [`${old.slice(0, 6)}+${old.slice(6)}`, p, p.replace('-', '')]) assert.deepEqual(ids(await search(soc1, form)), [greta], form);
  assert.deepEqual(ids(await search(soc1, `${old.slice(0, 6)}-${old.slice(6)}`)), [], "with '-' it is someone born 2020");
  const s = `19${coord.slice(0, 6)}-${coord.slice(6)}`;
  for (const form of [s, s.replace('-', ''), coord, `${coord.slice(0, 6)}-${coord.slice(6)}`]) assert.deepEqual(ids(await search(soc1, form)), [amir], form);
});

test('the start of a number: a birth date in either form', async () => {
  for (const form of ['19850312', '850312', '850312-23']) assert.ok(ids(await search(soc1, form)).includes(linnea), form);
  assert.ok(!ids(await search(soc1, '850313')).includes(linnea));
});

test('a wrong check digit finds nothing and says so', async () => {
  for (const form of ['850312-2388', '198503122388']) {
    const v = await search(soc1, form);
    assert.deepEqual(v.rows, [], form);
    assert.match(v.search_error, /Kontrollsiffran stämmer inte/);
  }
  const html = (await soc1.get('/persons?q=850312-2388')).body;
  assert.match(html, /<p class="field-error" id="q-error"><span class="visually-hidden">Fel: <\/span>Kontrollsiffran stämmer inte/);
  assert.match(html, /aria-describedby="q-hint q-error" aria-invalid="true"/);
  assert.match(html, /Ingen person hittades för ”850312-2388”/);
  assert.match((await search(soc1, '19850312238')).search_error, /10 eller 12 siffror/);
  assert.ok(ids(await search(soc1, '850312\u00A02387')).length === 1, 'a no-break space in the personnummer');
});

test('names: any case, with or without å/ä/ö, first, last or both in either order, prefixes', async () => {
  const finds = ['åkerström', 'ÅKERSTRÖM', 'Akerstrom', 'akerstrom', 'AKERSTROM', 'Åker', 'ak', 'Linnea', 'linnea',
    'LIN', 'Linnea Åkerström', 'linnea akerstrom', 'Åkerström Linnea', 'Akerstrom linnea', 'Linnea Åk', 'Lin Åke',
    'lin ake', 'Åke Lin', 'Åkerström, Linnea', '  linnea   åkerström  ',
    // pasted from Word or a web page: a no-break space, a direction mark,
    // a zero-width space, a right-to-left override (the gate takes it out)
    'Linnea\u00A0Åkerström', 'Linnea\u200E', '\u200BÅkerström', 'Linnea \u202EÅkerström'];
  for (const text of finds) assert.ok(ids(await search(soc1, text)).includes(linnea), text);
  for (const text of ['Linnea Berg', 'nnea', 'kerström', 'Åkerströmm', 'Linnea Åkerström X'])
    assert.ok(!ids(await search(soc1, text)).includes(linnea), `${text} does not find her`);
  assert.deepEqual(ids(await search(soc1, 'Dordevic')), [amir]);
  assert.deepEqual(ids(await search(soc1, 'đorđević amir')), [amir]);
  assert.deepEqual(ids(await search(soc1, 'Oberg Greta')), [greta]);
});

test('a renamed person is found by the new name (the triggers keep the columns)', async () => {
  const version = q(`SELECT version FROM persons WHERE id = ${greta}`)[0].version;
  const r = await soc1.post(`/persons/${greta}`, { first_name: 'Gréta', last_name: 'Öberg-Ståhl', version: String(version) });
  assert.equal(r.status, 303);
  assert.deepEqual(q(`SELECT search_first, search_last FROM persons WHERE id = ${greta}`)[0],
    { search_first: 'greta', search_last: 'oberg stahl' });
  for (const text of ['Öberg-Ståhl', 'oberg stahl', 'Greta Öberg-St', 'gréta'])
    assert.ok(ids(await search(soc1, text)).includes(greta), text);
  assert.ok(!ids(await search(soc1, 'Öberg Greta X')).includes(greta));
  const stale = q(`SELECT count(*) AS n FROM persons p JOIN persons_search_fold f USING (id)
    WHERE p.search_first IS DISTINCT FROM f.first OR p.search_last IS DISTINCT FROM f.last`)[0].n;
  assert.equal(stale, 0, 'every row as the view folds it (the backfill and the triggers)');
});

test('src/search.c and the migration fold the same pairs, and agree on every one', async () => {
  const C_ESC = { '\\t': '\t', '\\n': '\n', '\\r': '\r' };
  const src = readFileSync(join(ROOT, 'src/search.c'), 'utf8');
  const table = src.slice(src.indexOf('search_folds[] = {'), src.indexOf('};', src.indexOf('search_folds[] = {')));
  const cPairs = [...table.matchAll(/\{ "((?:[^"\\]|\\.)*)", "((?:[^"\\]|\\.)*)" \}/g)]
    .map((m) => [C_ESC[m[1]] ?? m[1], m[2]]);
  const mig = readFileSync(join(ROOT, 'migrations/0010_search.sql'), 'utf8');
  const lit = (s) => (s.startsWith('char(') ? String.fromCharCode(Number(s.slice(5, -1))) : s.slice(1, -1).replaceAll("''", "'"));
  // the pairs of each view's chain for the first name, in order; the last
  // view ends with the two collapses of double spaces
  const sp = [];
  for (const view of mig.split('CREATE VIEW').slice(1)) {
    const chain = view.slice(0, view.search(/\sAS first,/));
    for (const m of chain.matchAll(/, ('(?:[^']|'')*'|char\(\d+\)), ('(?:[^']|'')*')\)/g)) sp.push([lit(m[1]), lit(m[2])]);
  }
  assert.deepEqual(sp.slice(-2), [['  ', ' '], ['  ', ' ']]);
  assert.ok(cPairs.length > 60, `pairs in src/search.c: ${cPairs.length}`);
  assert.deepEqual(cPairs, sp.slice(0, -2), 'the same pairs in the same order');
  // every letter that folds, in a name stored through SQL (the triggers),
  // found by typing it (src/search.c folds) and by typing its base letters
  const letters = cPairs.filter(([from]) => /\p{L}/u.test(from));
  const name = 'Q' + letters.map(([from]) => from).join('');
  const folded = 'q' + letters.map(([, to]) => to).join('');
  const now = Math.floor(Date.now() / 1000);
  q(`INSERT INTO persons(reserve, sex, first_name, last_name, district_id, created_at, updated_at)
    VALUES(1, 'X', 'Vikt', '${name}', ${centrum}, ${now}, ${now})`);
  const id = q(`SELECT id FROM persons WHERE last_name = '${name}'`)[0].id;
  assert.equal(q(`SELECT search_last FROM persons WHERE id = ${id}`)[0].search_last, folded);
  assert.deepEqual(ids(await search(soc1, name)), [id], 'typed with every diacritic');
  assert.deepEqual(ids(await search(soc1, folded.toUpperCase())), [id], 'typed without them');
});

test('scope: the other district, a case manager not assigned, the landlord office and the admin', async () => {
  for (const text of ['Åkerström', '19850312-2387']) {
    assert.deepEqual(ids(await search(soc2, text)), [], `soc2 (Hisingen): ${text}`);
    assert.deepEqual(ids(await search(cm1, text)), [], `cm1 before the assignment: ${text}`);
    assert.deepEqual(ids(await search(chef1, text)), [linnea], `chef1: ${text}`);
  }
  const none = await soc2.get('/persons?q=%C3%85kerstr%C3%B6m');
  assert.match(none.body, /Ingen person hittades för ”Åkerström”\.<\/strong> Du ser personer i din stadsdel\./);
  assert.match(none.body, /Prova att skriva/);
  for (const u of ['fast1', 'admin1']) {
    assert.equal((await users[u].get('/persons?q=%C3%85kerstr%C3%B6m')).status, 403, u);
    assert.equal((await users[u].get('/persons?q=19850312-2387')).status, 403, u);
  }
  assert.deepEqual(ids(await search(chef1, 'Åkerström', `&district=${hisingen}`)), [], 'the manager, another district chosen');
  assert.deepEqual(ids(await search(chef1, 'Åkerström', `&district=${centrum}`)), [linnea]);
  assert.deepEqual(ids(await search(soc1, 'Åkerström', `&district=${hisingen}`)), [], 'a socialsekreterare cannot widen it');
  const assign = await chef1.post(`/persons/${linnea}/case-managers`, { user_id: String(uid.cm1) });
  assert.equal(assign.status, 303);
  for (const text of ['Åkerström', 'lin ake', '8503122387']) assert.deepEqual(ids(await search(cm1, text)), [linnea], `cm1 assigned: ${text}`);
});

test('every person a search shows is audited for that user by that request', async () => {
  const before = q(`SELECT coalesce(max(id), 0) AS m FROM audit`)[0].m;
  const v = await search(chef1, 'a');
  assert.ok(v.rows.length > 1);
  const seen = q(`SELECT person_id FROM audit WHERE id > ${before} AND user_id = ${uid.chef1}
    AND action = 'read' AND entity = '/persons'`).map((x) => x.person_id);
  for (const r of v.rows) assert.ok(seen.includes(r.id), `person ${r.id} audited`);
  const one = q(`SELECT coalesce(max(id), 0) AS m FROM audit`)[0].m;
  await search(soc1, '850312-2387');
  assert.deepEqual(q(`SELECT person_id FROM audit WHERE id > ${one} AND user_id = ${uid.soc1} AND action = 'read'`)
    .map((x) => x.person_id), [linnea]);
});

test('pages of a name search: every hit once, in order, whether the first or the last name matched', async () => {
  const now = Math.floor(Date.now() / 1000);
  const values = [];
  for (let i = 0; i < 30; i++) values.push(`(1, 'X', 'Sidan${String(i).padStart(2, '0')}', 'Berg', ${centrum}, ${now}, ${now})`);
  for (let i = 0; i < 30; i++) values.push(`(1, 'X', 'Eva', 'Sidansson${String(i).padStart(2, '0')}', ${centrum}, ${now}, ${now})`);
  q(`INSERT INTO persons(reserve, sex, first_name, last_name, district_id, created_at, updated_at) VALUES ${values.join(',')}`);
  const want = q(`SELECT id FROM persons WHERE search_first LIKE 'sidan%' OR search_last LIKE 'sidan%'`).map((x) => x.id);
  assert.equal(want.length, 60);
  for (const client of [soc1, chef1]) {
    const got = [], names = [];
    let path = '/persons?q=Sidan', pages = 0;
    while (path) {
      const v = (await client.get(path, { json: true })).json();
      got.push(...ids(v));
      names.push(...v.rows.map((r) => r.name));
      path = v.pager && v.pager.next_href;
      pages++;
    }
    assert.equal(pages, 2);
    assert.deepEqual([...got].sort(), [...want].sort(), 'every hit, once');
    // sorted by the name that matched: "Sidan00 Berg" .. then "Eva Sidansson00" ..
    const key = (n) => (n.startsWith('Sidan') ? n.toLowerCase() : n.split(' ').reverse().join(' ').toLowerCase());
    assert.deepEqual(names.map(key), names.map(key).sort());
  }
  const numbered = [];
  for (let i = 0; i < 60; i++) numbered.push(`('19700101-${String(i).padStart(4, '0')}', 0, 'K', 'Nummer', 'Nummersson', ${centrum}, ${now}, ${now})`);
  q(`INSERT INTO persons(personnummer, reserve, sex, first_name, last_name, district_id, created_at, updated_at) VALUES ${numbered.join(',')}`);
  const pnrPages = [];
  let path = '/persons?q=1970';
  while (path) {
    const v = (await chef1.get(path, { json: true })).json();
    pnrPages.push(...v.rows.map((r) => r.personnummer));
    path = v.pager && v.pager.next_href;
  }
  const all = q("SELECT personnummer FROM persons WHERE personnummer LIKE '1970%' ORDER BY personnummer").map((x) => x.personnummer);
  assert.ok(all.length > 50);
  assert.deepEqual(pnrPages, all, 'a personnummer start pages in number order');
});

test('nothing found: says so in Swedish and suggests what to type', async () => {
  const r = await soc1.get('/persons?q=Xyzzy');
  assert.match(r.body, /Ingen person hittades för ”Xyzzy”/);
  assert.match(r.body, /bara början av namnet/);
  assert.match(r.body, /förnamn och efternamn i valfri ordning/);
  assert.match(r.body, /personnumret med 10 eller 12 siffror/);
  assert.match((await soc1.get('/persons')).body, /<p class="hint" id="q-hint">Förnamn, efternamn eller båda/);
  assert.doesNotMatch((await soc1.get('/persons')).body, /Ingen person hittades/, 'the plain list is no search');
});

test('the header search box: for those who read persons, one labelled search landmark', async () => {
  for (const u of ['soc1', 'cm1', 'chef1']) {
    for (const path of ['/', '/persons', '/referrals']) {
      const body = (await users[u].get(path)).body;
      const forms = [...body.matchAll(/<form[^>]*role="search"[^>]*>/g)];
      assert.equal(forms.length, 1, `${u} ${path}: one search landmark`);
      assert.match(forms[0][0], /method="get" action="\/persons"/);
      assert.match(forms[0][0], /aria-label="Personsökning"/);
      assert.match(body, /<label id="header-q-label" for="header-q">Sök person<\/label>/);
      assert.match(body, /<input id="header-q" name="q" type="search"/);
    }
  }
  for (const u of ['fast1', 'admin1']) {
    const body = (await users[u].get('/')).body;
    assert.doesNotMatch(body, /role="search"|Sök person|header-q/, u);
  }
  assert.doesNotMatch((await new Client(srv.url).get('/login')).body, /Sök person/, 'not before logging in');
  // the box's answer is the search
  const r = await soc1.get('/persons?q=Lin+%C3%85ke');
  assert.match(r.body, /<a href="\/persons\/\d+">Linnea Åkerström<\/a>/);
});

await run({ after: () => srv.stop() });

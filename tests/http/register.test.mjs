// register.test.mjs - the statusrapport as the register seed 000 describes:
// one register from the programme's start, updated at each year end.
// - three years built by hand, each year's CSV byte for byte (the register
//   since the start, and "bara året");
// - the Personkod given once at the first move-in, identical in every
//   year, a collision with its suffix;
// - a file kept by hand the seed's way (every variant people write), then
//   next year's file of the same district, then the same file again: counted
//   once, states updated and audited, nothing changed the second time; the
//   dashboard on a date after the file's 31/12 (unknown, censored);
// - eviction grounds and second chances on the dashboard and the one-page
//   summary, which agrees with the register.
import assert from 'node:assert/strict';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import http from 'node:http';
import { test, run } from '../lib/t.mjs';
import { startServer, Client, sql, runBin } from '../lib/server.mjs';
import { readSheet, rowOf } from '../lib/xlsx.mjs';

const srv = await startServer();
const q = (s) => sql(srv.db, s);
const chef = new Client(srv.url);
await chef.login('chef1');
const tmp = mkdtempSync(join(tmpdir(), 'bf-register-'));

function getBytes(client, path) {
  return new Promise((resolve, reject) => {
    http.get(client.base + path, { headers: { Cookie: [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } }, (res) => {
      const ch = [];
      res.on('data', (d) => ch.push(d));
      res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(ch) }));
    }).on('error', reject);
  });
}

const csvCell = (s) => (/[;,"\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s);
const head = (year) => '\uFEFFStatusrapport Bostad först-verksamheten per 31/12;;;;;;;;;;;Avseende år: ' + year + ';;\r\n' +
  'Lght i pågående insats från socialtjänsten;;;;;;;Lght förstahandskontraktet övertaget av hyresgästen;;;;;;\r\n' +
  'Personkod;inflytt;första gången?;bor kvar;utflyttad;anledning;avliden;fortsatt insats soc;om ej insats;kontakt m team;utflyttad;anledning;avliden;annan info\r\n' +
  'namn-ålder-kön;datum;"om inte, vilken?";ja/nej;datum;"vräkt, ville, annat";datum;ja/nej;ja/nej;datum;datum;"vräkt, ville, annat";datum;\r\n';

// ---- three years by hand, district Treår ----
const d3 = q("INSERT INTO districts(name, created_at, updated_at) VALUES('Treår', 0, 0) RETURNING id")[0].id;
function person(first, last, birth, sex) {
  return q(`INSERT INTO persons(reserve, birth_date, sex, first_name, last_name, district_id, created_at, updated_at)
    VALUES(1, '${birth}', '${sex}', '${first}', '${last}', ${d3}, 0, 0) RETURNING id`)[0].id;
}
function tenancy(p, moveIn, { ordinal = 1, takeover = null, end = null, reason = null, ground = null } = {}) {
  const a = q(`INSERT INTO apartments(address, district_id, rooms, area_m2, rent, created_at, updated_at)
    VALUES('Treårsgatan ${moveIn}', ${d3}, 1, 30, 5000, 0, 0) RETURNING id`)[0].id;
  const v = (x) => (x === null ? 'NULL' : `'${x}'`);
  return q(`INSERT INTO tenancies(person_id, apartment_id, move_in_date, ordinal, takeover_date, end_date, end_reason, end_ground,
    created_at, updated_at) VALUES(${p}, ${a}, '${moveIn}', ${ordinal}, ${v(takeover)}, ${v(end)}, ${v(reason)}, ${v(ground)}, 0, 0) RETURNING id`)[0].id;
}
const alva = person('Alva', 'Ahlin', '1979-12-01', 'K');
tenancy(alva, '2023-01-10', { end: '2023-06-30', reason: 'wanted' });
const alma = person('Alma', 'Ahl', '1980-02-10', 'K');              // the same code as Alva, later: the suffix
tenancy(alma, '2023-03-01', { end: '2023-09-30', reason: 'evicted', ground: 'disturbance' });  // eviction in year 1
tenancy(alma, '2024-02-01', { ordinal: 2 });                         // her second chance
const bertil = person('Bertil', 'Berg', '1970-06-15', 'M');
tenancy(bertil, '2023-05-01', { takeover: '2024-06-01' });           // takeover in year 2
q(`INSERT INTO visits(person_id, date, kind, met, created_at) VALUES(${bertil}, '2025-03-03', 'home', 1, 0)`);
const cilla = person('Cilla', 'Cedergren', '1950-12-01', 'K');
tenancy(cilla, '2024-08-15', { end: '2025-04-04', reason: 'deceased' });  // death in year 3
const dan = person('Dan', 'Dahl', '1990-01-01', 'M');
tenancy(dan, '2025-10-01');
// the Personkod is given by migrate (and by the move-in form) in first move-in order
const mig = runBin(['migrate', '--db', srv.db]);
assert.equal(mig.code, 0, mig.stderr);
assert.match(mig.stdout, /Personkod given/);

const ROWS = {
  2023: ['ALAH-43-K;2023-01-10;ja;nej;2023-06-30;ville;;;;;;;;',
    'ALAH-43-K-2;2023-03-01;ja;nej;2023-09-30;vräkt (störningar);;;;;;;;',
    'BEBE-52-M;2023-05-01;ja;ja;;;;;;;;;;'],
  2024: ['ALAH-43-K;2023-01-10;ja;nej;2023-06-30;ville;;;;;;;;',
    'ALAH-43-K-2;2023-03-01;ja;nej;2023-09-30;vräkt (störningar);;;;;;;;',
    'ALAH-43-K-2;2024-02-01;2;ja;;;;;;;;;;',
    'CICE-73-K;2024-08-15;ja;ja;;;;;;;;;;',
    'BEBE-52-M;2023-05-01;ja;;;;;nej;nej;;;;;Övertaget 2024-06-01'],
  2025: ['ALAH-43-K;2023-01-10;ja;nej;2023-06-30;ville;;;;;;;;',
    'ALAH-43-K-2;2023-03-01;ja;nej;2023-09-30;vräkt (störningar);;;;;;;;',
    'ALAH-43-K-2;2024-02-01;2;ja;;;;;;;;;;',
    'CICE-73-K;2024-08-15;ja;nej;;;2025-04-04;;;;;;;',
    'DADA-35-M;2025-10-01;ja;ja;;;;;;;;;;',
    'BEBE-52-M;2023-05-01;ja;;;;;nej;ja;2025-03-03;;;;Övertaget 2024-06-01'],
};

let rules;
test('three years by hand: each year\'s register CSV, byte for byte', async () => {
  rules = (await chef.get(`/reports/status?year=2023&district=${d3}`, { json: true })).json().rules;
  assert.ok(rules.length >= 8);
  for (const year of [2023, 2024, 2025]) {
    const r = await getBytes(chef, `/reports/status?year=${year}&district=${d3}&format=csv`);
    assert.equal(r.status, 200);
    const want = head(year) + ROWS[year].map((l) => l + '\r\n').join('') + ';;;;;;;;;;;;;\r\n' +
      rules.map((x) => csvCell(x) + '\r\n').join('');
    assert.equal(r.body.toString('utf8'), want, `register ${year}`);
  }
});

test('the workbook holds the same register, and its Kvarboende sheet the same figures', async () => {
  const x = await getBytes(chef, `/reports/status?year=2025&district=${d3}&format=xlsx`);
  assert.equal(x.status, 200);
  const file = join(tmp, 'treår-2025.xlsx');
  writeFileSync(file, x.body);
  const { cells } = readSheet(file, 1);
  ROWS[2025].forEach((line, i) => assert.deepEqual(rowOf(cells, 5 + i, 14),
    line.split(';').map((v) => v), `row ${5 + i}`));
  const k = readSheet(file, 2).cells;
  const fig = (row) => [k.get(`A${row}`), k.get(`B${row}`)];
  assert.deepEqual(fig(3), ['Personer som flyttat in', 5]);
  assert.deepEqual(fig(4), ['Personer som bor kvar', 3]);
  assert.deepEqual(fig(6), ['Boenden som startat', 6]);
  assert.deepEqual(fig(7), ['Boenden som pågår', 3]);
  assert.deepEqual(fig(9), ['Avslutade: vräkt', 1]);
  assert.deepEqual(fig(10), ['  varav störningar', 1]);
  assert.deepEqual(fig(11), ['  varav hyresskuld', 0]);
  assert.deepEqual(fig(16), ['Avslutade: avliden', 1]);
  assert.deepEqual(fig(17), ['Andra chanser (personer)', 1]);
});

test('"bara året": only the tenancies that lasted into the year', async () => {
  const r = (await getBytes(chef, `/reports/status?year=2025&district=${d3}&format=csv&only_year=1`)).body.toString('utf8');
  const rows = r.split('\r\n').slice(4, r.split('\r\n').indexOf(';;;;;;;;;;;;;'));
  assert.deepEqual(rows, [ROWS[2025][2], ROWS[2025][3], ROWS[2025][4], ROWS[2025][5]]);
  const page = await chef.get(`/reports/status?year=2025&district=${d3}&only_year=1`);
  assert.match(page.body, /<input id="only_year" name="only_year" type="checkbox" value="1" checked>/);
  assert.match(page.body, /Boenden som pågick någon dag under 2025/);
});

test('Personkod: stored once, the same in every year, a collision gets its suffix', async () => {
  const codes = q(`SELECT first_name, personkod FROM persons WHERE district_id = ${d3} ORDER BY id`);
  assert.deepEqual(codes.map((x) => x.personkod), ['ALAH-43-K', 'ALAH-43-K-2', 'BEBE-52-M', 'CICE-73-K', 'DADA-35-M']);
  // a birthday or a new year changes nothing: the code stays
  q(`UPDATE persons SET birth_date = '1979-11-30' WHERE id = ${alva}`);
  const r = (await getBytes(chef, `/reports/status?year=2025&district=${d3}&format=csv`)).body.toString('utf8');
  assert.match(r, /\r\nALAH-43-K;2023-01-10;/);
  q(`UPDATE persons SET birth_date = '1979-12-01' WHERE id = ${alva}`);
  // a move-in through the form gives the code at once (the landlord's form, a person with a decision)
  const eva = person('Eva', 'Ek', '1985-05-05', 'K');
  q(`INSERT INTO decisions(person_id, district_id, decision_date, start_date, end_date, review_clause, support_kind, created_at, updated_at)
     VALUES(${eva}, ${d3}, date('now'), date('now'), date('now', '+18 months'), 'x', 'internal', 0, 0)`);
  const apt = q(`INSERT INTO apartments(address, district_id, rooms, area_m2, rent, created_at, updated_at)
    VALUES('Ledig gatan 1', ${d3}, 1, 30, 5000, 0, 0) RETURNING id`)[0].id;
  const fast = new Client(srv.url);
  await fast.login('fast1');
  const today = new Date().toISOString().slice(0, 10);
  const mv = await fast.post(`/apartments/${apt}/tenancies`, { person_id: String(eva), move_in_date: today });
  assert.equal(mv.status, 303, mv.body.slice(0, 300));
  const age = new Date().getFullYear() - 1985 - (new Date().toISOString().slice(5, 10) < '05-05' ? 1 : 0);
  assert.equal(q(`SELECT personkod FROM persons WHERE id = ${eva}`)[0].personkod, `EVEK-${age}-K`);
});

test('the dashboard and the summary agree with the register on 31/12', async () => {
  const k = (await chef.get(`/kvarboende?date=2025-12-31&district=${d3}`, { json: true })).json().kvarboende;
  // register 2025: 6 rows; bor kvar: Alma's 2nd, Dan, Bertil (B, not ended)
  assert.equal(k.tenancies_started, 6);
  assert.equal(k.tenancies_ongoing, 3);
  assert.equal(k.persons_moved_in, 5);
  assert.equal(k.persons_housed, 3);
  assert.equal(k.tenancies_first_hand, 1);
  assert.deepEqual(k.tenancies_ended, { evicted: 1, wanted: 1, other: 0, deceased: 1 });
  assert.deepEqual(k.evictions, { disturbance: 1, arrears: 0, other: 0, not_given: 0 });
  assert.equal(k.second_chances, 1, 'Alma');
  const s = await chef.get(`/kvarboende/summary?date=2025-12-31&district=${d3}`, { json: true });
  assert.equal(s.status, 200);
  const sum = s.json().summary;
  assert.equal(sum.persons_housed, 3);
  assert.equal(sum.tenancies_second_hand, 2);
  const html = (await chef.get(`/kvarboende/summary?date=2025-12-31&district=${d3}`)).body;
  assert.match(html, /<h1>Bostad först: resultat per 2025-12-31<\/h1>/);
  assert.match(html, /Personer som bor kvar<\/th><td>3 \(60,0 %\)/);
  assert.match(html, /… på grund av störningar<\/th><td>1</);
  assert.match(html, /Andra chanser \(personer som bott i Bostad först mer än en gång\)<\/th><td>1</);
  assert.match((await chef.get(`/kvarboende?date=2025-12-31&district=${d3}`)).body, /Sammanställning på en sida/);
});

// ---- a programme that kept the seed's sheet by hand since 2021 ----
const HAND_2023 = 'Statusrapport Bostad först-verksamheten per 31/12;;;;;;;;;;;Avseende år: 2023;;\r\n' +
  ';;;;;;;;;;;;;\r\n' +
  'Personkod;inflytt;första gången?;bor kvar;utflyttad;anledning;avliden;fortsatt insats soc;om ej insats;kontakt m team;utflyttad;anledning;avliden;annan info\r\n' +
  'namn-ålder-kön;datum;om inte, vilken?;ja/nej;datum;vräkt, ville, annat;datum;ja/nej;ja/nej;datum;datum;vräkt, ville, annat;datum;\r\n' +
  'Doris-62-K;2021-03-01;ja;Ja ;;;;;;;;;;\r\n' +                               // ja with a stray space
  'kalle - 45 - m;20210915;ja;nej;3/6 2022;Vräkt (störningar);;;;;;;;\r\n' +  // spaced code, ÅÅÅÅMMDD, D/M ÅÅÅÅ, ground
  'Kalle-45-M;2022-10-01;nej, 2;JA;;;;;;;;;;\r\n' +                           // the same person again: nej, 2
  'Eva-50-K;44562;2:a;ja;;;;nej;ja;15/11 2023;;;;Övertaget 2023-06-01\r\n' +   // Excel serial, both groups filled: B wins
  'Bo-70-M;2022-01-10;ja;ja;;;;;;;;;;\r\n' +
  'Ulla-80-K;2021-05-05;ja;nej;;;2023-02-01;;;;;;;\r\n' +
  'Sven-33-M;2021-04-01;nej 2;  NEJ;2022-08-01;annat: flyttade till sin mor;;;;;;;;\r\n' +
  'Lisa-28-K;2022-02-02;ja;nej;2023-01-31;vräkt (hyresskuld);;;;;;;;\r\n' +
  'Per-40-M;2021-06-01;ja;nej;1/9 2023;ville;;;;;;;;\r\n';
const HAND_2024 = HAND_2023.replace('Avseende år: 2023', 'Avseende år: 2024').split('\r\n').filter((l) => !/^(Doris|Bo-)/.test(l)).join('\r\n')
  .replace('Kalle-45-M;2022-10-01;nej, 2;JA;', 'KALLE-46-M;2022-10-01;nej, 2;ja;')     // a year older
  .replace('Eva-50-K;44562', 'eva-51-k;2022-01-01') +
  'Doris-63-K;2021-03-01;ja;nej;2024-04-01;vräkt (hyresskuld);;;;;;;;\r\n' +       // moved out since
  'Bo-71-M;2022-01-10;ja;ja;;;;ja;;;;;;Övertaget 2024-05-01\r\n' +                 // taken over since
  'Nils-40-M;2024-02-01;ja;ja;;;;;;;;;;\r\n';                                     // new this year

test('a hand-kept file in the seed\'s free style, then next year\'s, then the same again', async () => {
  const f23 = join(tmp, 'norr-2023.csv');
  const f24 = join(tmp, 'norr-2024.csv');
  writeFileSync(f23, HAND_2023);
  writeFileSync(f24, HAND_2024);
  // the dry run says what would happen and writes nothing
  const dry = runBin(['import-status', '--db', srv.db, '--district', 'Norr', '--file', f23, '--dry-run']);
  assert.equal(dry.code, 0, dry.stderr);
  assert.match(dry.stdout, /9 rader, år 2023: 8 nya personer, 9 nya boenden, 0 uppdaterade, 0 oförändrade \(provkörning, inget sparat\)/);
  assert.match(dry.stdout, /Rad 7 \(Kalle-45-M, inflytt 2022-10-01\): nytt boende för en person som redan finns/);
  assert.equal(q("SELECT count(*) AS n FROM districts WHERE name = 'Norr'")[0].n, 0, 'the dry run creates no district');
  const one = runBin(['import-status', '--db', srv.db, '--district', 'Norr', '--file', f23]);
  assert.equal(one.code, 0, one.stderr);
  assert.match(one.stdout, /8 nya personer, 9 nya boenden/);
  const norr = q("SELECT id FROM districts WHERE name = 'Norr'")[0].id;
  const rows = () => q(`SELECT p.personkod, t.move_in_date AS m, t.ordinal AS o, t.takeover_date AS tk, t.end_date AS e, t.end_reason AS r,
    t.end_ground AS g, t.end_note AS note, t.known_until AS k FROM tenancies t JOIN persons p ON p.id = t.person_id
    WHERE p.district_id = ${norr} ORDER BY t.move_in_date`);
  assert.deepEqual(rows(), [
    { personkod: 'Doris-62-K', m: '2021-03-01', o: 1, tk: null, e: null, r: null, g: null, note: '', k: '2023-12-31' },
    { personkod: 'Sven-33-M', m: '2021-04-01', o: 2, tk: null, e: '2022-08-01', r: 'other', g: null, note: 'flyttade till sin mor', k: null },
    { personkod: 'Ulla-80-K', m: '2021-05-05', o: 1, tk: null, e: '2023-02-01', r: 'deceased', g: null, note: '', k: null },
    { personkod: 'Per-40-M', m: '2021-06-01', o: 1, tk: null, e: '2023-09-01', r: 'wanted', g: null, note: '', k: null },
    { personkod: 'kalle-45-M', m: '2021-09-15', o: 1, tk: null, e: '2022-06-03', r: 'evicted', g: 'disturbance', note: '', k: null },
    { personkod: 'Eva-50-K', m: '2022-01-01', o: 2, tk: '2023-06-01', e: null, r: null, g: null, note: '', k: '2023-12-31' },
    { personkod: 'Bo-70-M', m: '2022-01-10', o: 1, tk: null, e: null, r: null, g: null, note: '', k: '2023-12-31' },
    { personkod: 'Lisa-28-K', m: '2022-02-02', o: 1, tk: null, e: '2023-01-31', r: 'evicted', g: 'arrears', note: '', k: null },
    { personkod: 'kalle-45-M', m: '2022-10-01', o: 2, tk: null, e: null, r: null, g: null, note: '', k: '2023-12-31' },
  ]);
  assert.equal(q(`SELECT count(DISTINCT person_id) AS n FROM tenancies t JOIN persons p ON p.id = t.person_id WHERE p.district_id = ${norr}`)[0].n, 8);
  assert.equal(q(`SELECT count(*) AS n FROM apartments WHERE district_id = ${norr} AND status <> 'blocked'`)[0].n, 0,
    'imported apartments are never offered for a move-in');

  // next year's file, by upload: one moved out, one taken over, one new, the rest a year older
  const m = multipart({ csrf_token: chef.csrf, district_id: String(norr), dry_run: '1' }, Buffer.from(HAND_2024));
  let up = await chef.request('POST', '/reports/status/import', { body: m.body, headers: { 'Content-Type': m.type } });
  assert.equal(up.status, 200, up.body.slice(0, 500));
  assert.match(up.body, /Det här skulle hända/);
  assert.match(up.body, /Rad \d+ \(Doris-63-K, inflytt 2021-03-01\): uppdateras: utflyttad 2024-04-01/);
  assert.match(up.body, /Rad \d+ \(Bo-71-M, inflytt 2022-01-10\): uppdateras: överlåtelse 2024-05-01, bor kvar 31\/12 2024/);
  assert.match(up.body, /Rad \d+ \(Nils-40-M, inflytt 2024-02-01\): ny person och nytt boende/);
  assert.equal(rows().length, 9, 'the dry run wrote nothing');
  const real = multipart({ csrf_token: chef.csrf, district_id: String(norr) }, Buffer.from(HAND_2024));
  up = await chef.request('POST', '/reports/status/import', { body: real.body, headers: { 'Content-Type': real.type } });
  assert.equal(up.status, 200);
  assert.match(up.body, /10 rader för år 2024\. Nya personer: 1\. Nya boenden: 1\. Boenden som uppdaterades: 4\. Oförändrade boenden: 5\./);
  const after = rows();
  assert.equal(after.length, 10, 'persons and tenancies counted once');
  assert.equal(q(`SELECT count(DISTINCT person_id) AS n FROM tenancies t JOIN persons p ON p.id = t.person_id WHERE p.district_id = ${norr}`)[0].n, 9);
  const doris = after.find((x) => x.personkod === 'Doris-62-K');
  assert.deepEqual([doris.e, doris.r, doris.g, doris.k], ['2024-04-01', 'evicted', 'arrears', null], 'the first code stays');
  const bo = after.find((x) => x.personkod === 'Bo-70-M');
  assert.deepEqual([bo.tk, bo.k], ['2024-05-01', '2024-12-31']);
  assert.equal(after.find((x) => x.m === '2022-10-01').k, '2024-12-31', 'KALLE-46-M is kalle-45-M a year later');
  const audited = q(`SELECT count(*) AS n FROM audit WHERE action = 'import' AND entity = 'tenancy'`)[0].n;
  // the same file again: no change
  const again = runBin(['import-status', '--db', srv.db, '--district', 'Norr', '--file', f24]);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, /10 rader, år 2024: 0 nya personer, 0 nya boenden, 0 uppdaterade, 10 oförändrade/);
  assert.deepEqual(rows(), after);
  assert.equal(q(`SELECT count(*) AS n FROM audit WHERE action = 'import' AND entity = 'tenancy'`)[0].n, audited, 'no audit row for no change');
  // and last year's file after this year's: consistent, nothing changes
  const back = runBin(['import-status', '--db', srv.db, '--district', 'Norr', '--file', f23]);
  assert.match(back.stdout, /0 nya personer, 0 nya boenden, 0 uppdaterade, 9 oförändrade/);

  // the dashboard after the file's 31/12: what the file knows ends there
  const k = (await chef.get(`/kvarboende?date=2025-06-30&district=${norr}`, { json: true })).json().kvarboende;
  assert.equal(k.tenancies_started, 10);
  assert.equal(k.tenancies_imported, 10);
  assert.equal(k.tenancies_unknown, 4, 'Eva, Bo, Kalle 2, Nils: "bor kvar" known only to 2024-12-31');
  assert.equal(k.tenancies_ongoing, 0);
  assert.equal(k.tenancies_retention_pct, 0, '0 of the 6 whose state is known');
  assert.deepEqual(k.evictions, { disturbance: 1, arrears: 2, other: 0, not_given: 0 });
  assert.equal(k.second_chances, 3, 'Sven (nej 2), Eva (2:a), Kalle');
  const known = (await chef.get(`/kvarboende?date=2024-12-31&district=${norr}`, { json: true })).json().kvarboende;
  assert.equal(known.tenancies_ongoing, 4);
  assert.equal(known.tenancies_unknown, 0);
  assert.equal(known.tenancies_retention_pct, 40);
  // Kaplan–Meier: the four are censored at 2024-12-31, not counted as ending
  const events = k.kaplan_meier.reduce((n, x) => n + (x.events || 0), 0);
  assert.equal(events, 5, 'ended: kalle 2022, Sven, Lisa, Per, Doris (Ulla died: censored)');
  const page = (await chef.get(`/kvarboende?date=2025-06-30&district=${norr}`)).body;
  assert.match(page, /10 av boendena är kända bara från importerade statusrapporter; för 4 av dem är läget efter filens 31\/12 okänt/);
  // the register for 2025 says so
  const reg = (await getBytes(chef, `/reports/status?year=2025&district=${norr}&format=csv`)).body.toString('utf8');
  assert.match(reg, /\r\nNils-40-M;2024-02-01;ja;uppgift saknas;;;;;;;;;;uppgift saknas efter 2024-12-31\r\n/);
  assert.match(reg, /\r\nBo-70-M;2022-01-10;ja;;;;;uppgift saknas;;;;;;"Övertaget 2024-05-01; uppgift saknas efter 2024-12-31"\r\n/);
  const reg24 = (await getBytes(chef, `/reports/status?year=2024&district=${norr}&format=csv`)).body.toString('utf8');
  assert.match(reg24, /\r\nBo-70-M;2022-01-10;ja;;;;;ja;;;;;;Övertaget 2024-05-01\r\n/, 'fortsatt insats as the 2024 file said');
  assert.match(reg24, /\r\nEva-50-K;2022-01-01;2;;;;;nej;nej;;;;;Övertaget 2023-06-01\r\n/, 'contact in 2023 is not contact in 2024');
  const reg23 = (await getBytes(chef, `/reports/status?year=2023&district=${norr}&format=csv`)).body.toString('utf8');
  assert.match(reg23, /\r\nEva-50-K;2022-01-01;2;;;;;nej;ja;2023-11-15;;;;Övertaget 2023-06-01\r\n/, 'the 2023 file read back');
  assert.match(reg, /\r\nDoris-62-K;2021-03-01;ja;nej;2024-04-01;vräkt \(hyresskuld\);;/);
});

test('what cannot be read is a line error with the cell, the value and what was expected', async () => {
  const bad = HAND_2023.replace('Doris-62-K;2021-03-01;ja;Ja ;', 'Doris-62;2021-03-01;kanske;Ja ;')
    .replace('20210915', '2021-13-15').replace('Vräkt (störningar)', 'utkastad');
  const f = join(tmp, 'bad.csv');
  writeFileSync(f, bad);
  const r = runBin(['import-status', '--db', srv.db, '--district', 'Norr', '--file', f]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /Rad 5, Personkod \(A5\): Personkod ska vara namn-ålder-kön, t\.ex\. Doris-62-K eller ANBE-45-K\. Värdet är "Doris-62"\./);
  assert.match(r.stderr, /Rad 5, första gången\? \(C5\): .* Värdet är "kanske"\./);
  assert.match(r.stderr, /Rad 6, inflytt \(B6\): Skriv ett datum .* Värdet är "2021-13-15"\./);
  assert.match(r.stderr, /Rad 6, anledning \(F6\): Anledning ska vara vräkt .* Värdet är "utkastad"\./);
  assert.match(r.stderr, /4 fel; inget har sparats/);
});

test('files as people really have them: Windows-1252, a year without colon, notes, clashes, twins, cells with line breaks', async () => {
  // Swedish Excel's "CSV (semikolonavgränsad)" is Windows-1252
  const text = 'avseende år 2023;;;;;;;;;;;;;\r\n' +
    'Personkod;inflytt;första gången?;bor kvar;utflyttad;anledning;avliden;fortsatt insats soc;om ej insats;kontakt m team;utflyttad;anledning;avliden;annan info\r\n' +
    'Åsa-41-K;2023-02-01;ja;ja;;;;;;;;;;flyttade in med hund\r\n' +
    'Olof-55-M;2023-03-01;ja;ja;;;;;;;;;;\r\n' +
    'Olof-56-M;2023-03-01;ja;ja;;;;;;;;;;\r\n' +
    'Anna-30-K;2023-04-01;ja;ja;;;;;;;;;;\r\n';
  const latin1 = Buffer.from(text, 'latin1');
  assert.ok(!latin1.equals(Buffer.from(text, 'utf8')), 'really not UTF-8');
  const f = join(tmp, 'syd-2023.csv');
  writeFileSync(f, latin1);
  // Anna-30-K already exists in another district: the code gets a suffix here
  const other = runBin(['import-status', '--db', srv.db, '--district', 'Väst', '--file', f]);
  assert.equal(other.code, 0, other.stderr);
  const r1 = runBin(['import-status', '--db', srv.db, '--district', 'Syd', '--file', f]);
  assert.equal(r1.code, 0, r1.stderr);
  assert.match(r1.stdout, /4 rader, år 2023: 4 nya personer, 4 nya boenden/, 'the twins Olof 55 and 56 are two people');
  const syd = q("SELECT id FROM districts WHERE name = 'Syd'")[0].id;
  const codes = q(`SELECT p.personkod, t.import_note FROM tenancies t JOIN persons p ON p.id = t.person_id WHERE p.district_id = ${syd} ORDER BY p.id`);
  assert.deepEqual(codes, [{ personkod: 'Åsa-41-K-2', import_note: 'flyttade in med hund' }, { personkod: 'Olof-55-M-2', import_note: '' },
    { personkod: 'Olof-56-M-2', import_note: '' }, { personkod: 'Anna-30-K-2', import_note: '' }], 'Väst had the plain codes');
  const again = runBin(['import-status', '--db', srv.db, '--district', 'Syd', '--file', f]);
  assert.match(again.stdout, /0 nya personer, 0 nya boenden, 0 uppdaterade, 4 oförändrade/, 'a suffix the file does not carry still matches');
  // next year: a note on a known tenancy and "fortsatt insats: ja" are kept; the group A note is in the register
  const next = text.replace('avseende år 2023', 'Avseende år 2024').replace('Olof-56-M;2023-03-01;ja;ja;;;;;;;;;;', 'Olof-57-M;2023-03-01;ja;ja;;;;ja;;;;;;"Övertaget 2024-03-01; övertog 1 mars"')
    .replace('Anna-30-K', 'Anna-31-K').replace('Åsa-41-K', 'Åsa-42-K').replace('Olof-55-M', 'Olof-56-M');
  writeFileSync(join(tmp, 'syd-2024.csv'), Buffer.from(next, 'latin1'));
  const r2 = runBin(['import-status', '--db', srv.db, '--district', 'Syd', '--file', join(tmp, 'syd-2024.csv')]);
  assert.equal(r2.code, 0, r2.stderr);
  assert.match(r2.stdout, /Olof-57-M, inflytt 2023-03-01\): uppdaterades: överlåtelse 2024-03-01, bor kvar 31\/12 2024, fortsatt insats 31\/12 2024, anteckning/);
  const reg = (await getBytes(chef, `/reports/status?year=2024&district=${syd}&format=csv`)).body.toString('utf8');
  assert.match(reg, /\r\nÅsa-41-K-2;2023-02-01;ja;ja;;;;;;;;;;flyttade in med hund\r\n/, 'annan info of group A');
  assert.match(reg, /\r\nOlof-56-M-2;2023-03-01;ja;;;;;ja;;;;;;"Övertaget 2024-03-01; övertog 1 mars"\r\n/, 'fortsatt insats from the file');
  // a cell with line breaks is one spreadsheet row: the error names the row Excel shows
  const broken = 'Avseende år: 2023;;;;;;;;;;;;;\r\nPersonkod;inflytt;första gången?;bor kvar;utflyttad;anledning;avliden;fortsatt insats soc;om ej insats;kontakt m team;utflyttad;anledning;avliden;annan info\r\n' +
    'Bea-30-K;2023-01-01;ja;ja;;;;;;;;;;"rad ett\nrad två\nrad tre"\r\nCarl-40-M;2023-13-01;ja;ja;;;;;;;;;;\r\n';
  writeFileSync(join(tmp, 'broken-rows.csv'), broken);
  const b = runBin(['import-status', '--db', srv.db, '--district', 'Syd', '--file', join(tmp, 'broken-rows.csv')]);
  assert.match(b.stderr, /^Rad 4, inflytt \(B4\)/m);
  // a coming year is refused, nothing written, no district made
  writeFileSync(join(tmp, 'future.csv'), text.replace('avseende år 2023', `Avseende år: ${new Date().getFullYear() + 1}`));
  const fut = runBin(['import-status', '--db', srv.db, '--district', 'Framtid', '--file', join(tmp, 'future.csv')]);
  assert.equal(fut.code, 1);
  assert.match(fut.stderr, /inte ett kommande år/);
  assert.equal(q("SELECT count(*) AS n FROM districts WHERE name = 'Framtid'")[0].n, 0);
});

test('our own export with unknown states reads back into an empty database, byte for byte', async () => {
  const norr = q("SELECT id FROM districts WHERE name = 'Norr'")[0].id;
  const csv = (await getBytes(chef, `/reports/status?year=2025&district=${norr}&format=csv`)).body;
  assert.match(csv.toString('utf8'), /uppgift saknas/);
  const file = join(tmp, 'norr-export-2025.csv');
  writeFileSync(file, csv);
  const other = await startServer({
    demo: false,
    setup: (db) => {
      const imp = runBin(['import-status', '--db', db, '--district', 'Norr', '--file', file]);
      assert.equal(imp.code, 0, imp.stderr);
      const add = runBin(['adduser', '--db', db, '--username', 'chef', '--role', 'manager', '--name', 'Chef'], 'ett långt lösenord\n');
      assert.equal(add.code, 0, add.stderr);
    },
  });
  try {
    const c2 = new Client(other.url);
    assert.equal((await c2.login('chef', 'ett långt lösenord')).status, 303);
    const back = await getBytes(c2, '/reports/status?year=2025&format=csv');
    assert.equal(back.body.toString('utf8'), csv.toString('utf8'));
  } finally {
    await other.stop();
  }
});

/* Builds a multipart body with a file part and text fields. */
function multipart(fields, file) {
  const boundary = '----bf' + Math.random().toString(16).slice(2);
  const parts = Object.entries(fields).map(([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`);
  parts.push(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="norr.csv"\r\nContent-Type: text/csv\r\n\r\n`);
  const body = Buffer.concat([Buffer.from(parts.join('')), file, Buffer.from(`\r\n--${boundary}--\r\n`)]);
  return { body, type: `multipart/form-data; boundary=${boundary}` };
}

await run({ after: () => srv.stop() });

// reports.test.mjs - the statusrapport per 31/12 and the kvarboende
// dashboard against a small hand-computed dataset in its own district:
// a second chance, a death, takeovers, a move-out on 31/12 and one on 1/1,
// a corrected visit; the CSV's bytes, the XLSX read back with unzip, the
// import (line errors, dry run, all or nothing, the round trip), scope.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import http from 'node:http';
import { test, run } from '../lib/t.mjs';
import { startServer, Client, sql, runBin } from '../lib/server.mjs';
import { readSheet, rowOf } from '../lib/xlsx.mjs';

const srv = await startServer();
const q = (s) => sql(srv.db, s);
const c = {};
for (const u of ['soc1', 'cm1', 'chef1', 'fast1', 'admin1']) {
  c[u] = new Client(srv.url);
  await c[u].login(u);
}
const tmp = mkdtempSync(join(tmpdir(), 'bf-reports-'));

// ---- the dataset, district Testby ----
const testby = q("INSERT INTO districts(name, created_at, updated_at) VALUES('Testby', 0, 0) RETURNING id")[0].id;
function person(first, last, birth, sex) {
  return q(`INSERT INTO persons(reserve, birth_date, sex, first_name, last_name, district_id, created_at, updated_at)
    VALUES(1, '${birth}', '${sex}', '${first}', '${last}', ${testby}, 0, 0) RETURNING id`)[0].id;
}
function tenancy(p, moveIn, { ordinal = 1, takeover = null, end = null, reason = null, note = '', importNote = '' } = {}) {
  const a = q(`INSERT INTO apartments(address, district_id, rooms, area_m2, rent, created_at, updated_at)
    VALUES('Testvägen ${moveIn}', ${testby}, 1, 30, 5000, 0, 0) RETURNING id`)[0].id;
  const v = (x) => (x === null ? 'NULL' : `'${x.replaceAll("'", "''")}'`);
  return q(`INSERT INTO tenancies(person_id, apartment_id, move_in_date, ordinal, takeover_date, end_date, end_reason, end_note,
    import_note, created_at, updated_at) VALUES(${p}, ${a}, '${moveIn}', ${ordinal}, ${v(takeover)}, ${v(end)}, ${v(reason)},
    ${v(note)}, ${v(importNote)}, 0, 0) RETURNING id`)[0].id;
}
const anna = person('Anna', 'Berg', '1980-05-05', 'K');
tenancy(anna, '2024-01-15', { end: '2024-10-20', reason: 'evicted' });
tenancy(anna, '2025-01-10', { ordinal: 2 });                       // a second chance
const osten = person('Östen', 'Åberg', '1950-01-01', 'M');
tenancy(osten, '2024-03-01', { end: '2025-03-01', reason: 'deceased' });
const pia = person('Pia', 'Ek', '1990-02-02', 'K');
tenancy(pia, '2024-06-01', { takeover: '2025-03-01', importNote: 'Hyresvärd: "Bostadsbolaget"; nyckel hos teamet' });
const karl = person('Karl', 'Lind', '1985-07-07', 'M');
tenancy(karl, '2025-02-01', { end: '2025-12-31', reason: 'wanted' });  // moves out on 31/12
const sara = person('Sara', 'Holm', '1995-03-03', 'K');
tenancy(sara, '2025-05-05', { end: '2026-01-01', reason: 'other', note: 'Flyttade; till syster' });  // on 1/1
const ulla = person('Ulla', 'Ny', '1970-01-01', 'K');
tenancy(ulla, '2026-07-15');                                       // after the dates asked about
const bo = person('Bo', 'Ek', '1960-01-01', 'M');
tenancy(bo, '2023-01-01', { takeover: '2024-01-01' });
q(`INSERT INTO decisions(person_id, district_id, decision_date, start_date, end_date, review_clause, support_kind, created_at, updated_at)
   VALUES(${bo}, ${testby}, '2025-06-01', '2025-06-01', '2026-12-01', 'x', 'internal', 0, 0)`);
// Pia: no decision; contact with the team 2025-06-01 and 2025-11-20; a
// later visit was corrected into "not met", so it does not count
q(`INSERT INTO visits(person_id, date, kind, met, created_at) VALUES(${pia}, '2025-06-01', 'home', 1, 0), (${pia}, '2025-11-20', 'phone', 1, 0),
   (${pia}, '2025-12-15', 'home', 1, 0)`);
const wrong = q(`SELECT id FROM visits WHERE person_id = ${pia} AND date = '2025-12-15'`)[0].id;
q(`INSERT INTO visits(person_id, date, kind, met, corrects_id, created_at) VALUES(${pia}, '2025-12-14', 'home', 0, ${wrong}, 0)`);
q(`INSERT INTO person_case_managers(person_id, user_id, started_at) VALUES(${anna}, (SELECT id FROM users WHERE username = 'cm1'), 0)`);

/* GET as raw bytes: {status, headers, body: Buffer}. */
function getBytes(client, path) {
  return new Promise((resolve, reject) => {
    http.get(client.base + path, { headers: { Cookie: [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } }, (res) => {
      const ch = [];
      res.on('data', (d) => ch.push(d));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(ch) }));
    }).on('error', reject);
  });
}

const HEAD = '\uFEFFStatusrapport Bostad först-verksamheten per 31/12;;;;;;;;;;;Avseende år: 2025;;\r\n' +
  'Lght i pågående insats från socialtjänsten;;;;;;;Lght förstahandskontraktet övertaget av hyresgästen;;;;;;\r\n' +
  'Personkod;inflytt;första gången?;bor kvar;utflyttad;anledning;avliden;fortsatt insats soc;om ej insats;kontakt m team;utflyttad;anledning;avliden;annan info\r\n' +
  'namn-ålder-kön;datum;"om inte, vilken?";ja/nej;datum;"vräkt, ville, annat";datum;ja/nej;ja/nej;datum;datum;"vräkt, ville, annat";datum;\r\n';
// the register since the start: Anna's first tenancy (evicted in 2024) is in it
const ROWS_2025 =
  'ANBE-43-K;2024-01-15;ja;nej;2024-10-20;vräkt;;;;;;;;\r\n' +
  'ÖSÅB-74-M;2024-03-01;ja;nej;;;2025-03-01;;;;;;;\r\n' +
  'ANBE-43-K;2025-01-10;2;ja;;;;;;;;;;\r\n' +
  'KALI-39-M;2025-02-01;ja;nej;2025-12-31;ville;;;;;;;;\r\n' +
  'SAHO-30-K;2025-05-05;ja;ja;;;;;;;;;;\r\n' +
  'BOEK-63-M;2023-01-01;ja;;;;;ja;;;;;;Övertaget 2024-01-01\r\n' +
  'PIEK-34-K;2024-06-01;ja;;;;;nej;ja;2025-11-20;;;;"Övertaget 2025-03-01; Hyresvärd: ""Bostadsbolaget""; nyckel hos teamet"\r\n';

let csv2025;
test('statusrapport 2025 as CSV: BOM, the seed header rows, every rule, quoting, CRLF', async () => {
  const r = await getBytes(c.chef1, `/reports/status?year=2025&district=${testby}&format=csv`);
  assert.equal(r.status, 200);
  assert.match(r.headers['content-type'], /^text\/csv; charset=utf-8/);
  assert.equal(r.headers['content-disposition'], 'attachment; filename="statusrapport-2025-testby.csv"', 'the district in the name');
  csv2025 = r.body;
  const text = r.body.toString('utf8');
  assert.equal(r.body.subarray(0, 3).toString('hex'), 'efbbbf', 'UTF-8 BOM');
  assert.ok(text.startsWith(HEAD + ROWS_2025), `got:\n${text.slice(0, 1500)}`);
  assert.ok(!/[^\r]\n/.test(text), 'every line ends in CRLF');
  assert.match(text, /\r\n;;;;;;;;;;;;;\r\n"Registret per 31\/12 ÅÅÅÅ tar med varje boende sedan verksamhetens start/, 'the rules follow one empty record');
  assert.equal(q("SELECT count(*) AS n FROM audit WHERE action = 'export' AND entity = 'statusrapport_csv' AND entity_id = 2025")[0].n, 1);
});

test('a move-out on 1/1 shows in the next year; "annat" keeps its text, quoted', async () => {
  const r = await getBytes(c.chef1, `/reports/status?year=2026&district=${testby}&format=csv`);
  const text = r.body.toString('utf8');
  assert.match(text, /\r\nSAHO-30-K;2025-05-05;ja;nej;2026-01-01;"annat: Flyttade; till syster";;;;;;;;\r\n/);
  assert.match(text, /\r\nULNY-56-K;2026-07-15;ja;ja;/, 'moved in during 2026');
  // the register keeps earlier years' tenancies with their state on 31/12
  assert.match(text, /\r\nKALI-39-M;2025-02-01;ja;nej;2025-12-31;ville;;/, 'moved out 31/12 2025: still in the register');
  assert.match(text, /\r\nÖSÅB-74-M;2024-03-01;ja;nej;;;2025-03-01;/, 'deceased in 2025: still in the register');
  assert.match(text, /\r\nANBE-43-K;2024-01-15;ja;nej;2024-10-20;vräkt;/, 'evicted in 2024: still in the register');
  // "bara året": only what lasted into 2026
  const only = (await getBytes(c.chef1, `/reports/status?year=2026&district=${testby}&format=csv&only_year=1`)).body.toString('utf8');
  assert.match(only, /\r\nSAHO-30-K;2025-05-05;ja;nej;2026-01-01;"annat: Flyttade; till syster";;;;;;;;\r\n/);
  assert.doesNotMatch(only, /KALI-/, 'moved out 31/12 2025: not in 2026 alone');
  assert.doesNotMatch(only, /ÖSÅB-/, 'deceased in 2025: not in 2026 alone');
  assert.doesNotMatch(only, /2024-10-20/, 'evicted 2024: not in 2026 alone');
});

test('the page shows the same table with the rules; JSON twin', async () => {
  const page = await c.chef1.get(`/reports/status?year=2025&district=${testby}`);
  assert.equal(page.status, 200);
  assert.match(page.body, /<colgroup span="7" class="group-a"><\/colgroup>\s*<colgroup span="7" class="group-b"><\/colgroup>/);
  assert.match(page.body, /<th scope="colgroup" colspan="7" id="group-a"><span>Lght i pågående insats från socialtjänsten<\/span><\/th>/);
  assert.match(page.body, /<th scope="colgroup" colspan="7" id="group-b"><span>Lght förstahandskontraktet övertaget av hyresgästen<\/span><\/th>/);
  assert.match(page.body, /Bor kvar = ja om boendet pågår efter 31\/12/);
  const j = (await c.chef1.get(`/reports/status?year=2025&district=${testby}`, { json: true })).json();
  assert.deepEqual(j.rows.map((r) => r.cells[0].v), ['ANBE-43-K', 'ÖSÅB-74-M', 'ANBE-43-K', 'KALI-39-M', 'SAHO-30-K', 'BOEK-63-M', 'PIEK-34-K']);
  const y = (await c.chef1.get(`/reports/status?year=2025&district=${testby}&only_year=1`, { json: true })).json();
  assert.deepEqual(y.rows.map((r) => r.cells[1].v), ['2024-03-01', '2025-01-10', '2025-02-01', '2025-05-05', '2023-01-01', '2024-06-01'], 'bara året');
  assert.match(page.body, /Registret sedan verksamhetens start/);
  assert.equal((await c.chef1.get('/reports/status?year=20x5')).status, 400);
  assert.equal((await c.chef1.get('/reports/status?year=2999')).status, 400);
});

test('the Excel file: every heading cell of rows 1-4 by address, every cell of every data row, three sheets', async () => {
  const r = await getBytes(c.chef1, `/reports/status?year=2025&district=${testby}&format=xlsx`);
  assert.equal(r.status, 200);
  assert.equal(r.headers['content-type'], 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
  assert.equal(r.body.subarray(0, 2).toString(), 'PK', 'a zip file');
  const file = join(tmp, 'r.xlsx');
  writeFileSync(file, r.body);
  const { cells, merges, names, xml } = readSheet(file, 1);
  // rows 1-4 exactly as the CSV's header rows: nothing more, nothing less
  const csvRows = HEAD.replace('\uFEFF', '').split('\r\n').slice(0, 4)
    .map((l) => l.match(/("([^"]|"")*"|[^;]*)(;|$)/g).slice(0, 14).map((x) => x.replace(/;$/, '').replace(/^"|"$/g, '')));
  for (let row = 1; row <= 4; row++)
    assert.deepEqual(rowOf(cells, row, 14), csvRows[row - 1], `header row ${row}`);
  assert.equal(cells.get('A3'), 'Personkod');
  assert.equal(cells.get('F3'), 'anledning');
  assert.equal(cells.get('N3'), 'annan info');
  assert.equal(cells.get('C4'), 'om inte, vilken?');
  assert.equal(cells.get('L4'), 'vräkt, ville, annat');
  assert.equal(cells.get('H2'), 'Lght förstahandskontraktet övertaget av hyresgästen');
  assert.equal(cells.get('L1'), 'Avseende år: 2025');
  assert.deepEqual(merges, ['A2:G2', 'H2:N2']);
  // every data row, every cell, as the CSV says it (dates as real dates)
  const data = ROWS_2025.split('\r\n').filter(Boolean)
    .map((l) => l.match(/("([^"]|"")*"|[^;]*)(;|$)/g).slice(0, 14).map((x) => x.replace(/;$/, '').replace(/^"|"$/g, '').replaceAll('""', '"')));
  data.forEach((want, i) => assert.deepEqual(rowOf(cells, 5 + i, 14), want, `data row ${5 + i}`));
  assert.equal(rowOf(cells, 5 + data.length, 14).join(''), '', 'nothing after the last row');
  assert.match(xml, /<c r="B6" s="\d+"><v>45352<\/v><\/c>/, '2024-03-01 as an Excel date number');
  assert.equal(cells.get('H10'), 'ja', 'group B row: fortsatt insats in column H');
  assert.equal(cells.get('D10'), undefined, 'group B row: nothing in group A');
  assert.match(xml, /<pane [^>]*ySplit="4"[^>]*state="frozen"/);
  assert.match(xml, /<autoFilter ref="A4:N11"\/>/);
  assert.deepEqual(names, ['Statusrapport', 'Kvarboende', 'Regler']);
  const styles = execFileSync('unzip', ['-p', file, 'xl/styles.xml'], { encoding: 'utf8' });
  assert.match(styles, /<b\/>/, 'a bold font for the header');
  const k = readSheet(file, 2).cells;
  assert.equal(k.get('A1'), 'Kvarboende per 2025-12-31');
  assert.equal(k.get('A3'), 'Personer som flyttat in');
  assert.equal(typeof k.get('B3'), 'number');
  const rules = readSheet(file, 3).cells;
  assert.match(rules.get("A1"), /^Registret per 31\/12 ÅÅÅÅ tar med varje boende sedan verksamhetens start/);
  assert.equal(q("SELECT count(*) AS n FROM audit WHERE action = 'export' AND entity = 'statusrapport_xlsx'")[0].n, 1);
});

test('a 9,000-character "annat:" reason does not overrun the export (cut with an ellipsis, CSV, Excel and page)', async () => {
  const d2 = q("INSERT INTO districts(name, created_at, updated_at) VALUES('Långby', 0, 0) RETURNING id")[0].id;
  const p = q(`INSERT INTO persons(reserve, birth_date, sex, first_name, last_name, district_id, created_at, updated_at)
    VALUES(1, '1970-01-01', 'K', 'Lång', 'Text', ${d2}, 0, 0) RETURNING id`)[0].id;
  const a = q(`INSERT INTO apartments(address, district_id, rooms, area_m2, rent, created_at, updated_at)
    VALUES('Långa gatan 1', ${d2}, 1, 30, 5000, 0, 0) RETURNING id`)[0].id;
  const long = 'å'.repeat(4500);	// 9,000 bytes
  q(`INSERT INTO tenancies(person_id, apartment_id, move_in_date, ordinal, takeover_date, end_date, end_reason, end_note, import_note,
    created_at, updated_at) VALUES(${p}, ${a}, '2024-01-01', 1, '2024-06-01', '2025-05-01', 'other', '${long}', '${'ö'.repeat(4500)}', 0, 0)`);
  const csv = (await getBytes(c.chef1, `/reports/status?year=2025&district=${d2}&format=csv`));
  assert.equal(csv.status, 200);
  const row = csv.body.toString('utf8').split('\r\n')[4].match(/("([^"]|"")*"|[^;]*)(;|$)/g)
    .map((x) => x.replace(/;$/, '').replace(/^"|"$/g, ''));
  assert.equal(row[0], 'LÅTE-54-K', 'age at the first move-in');
  assert.ok(row[11].startsWith('annat: ååå') && row[11].endsWith('å…'), 'the reason cut at a character, with an ellipsis');
  assert.ok(Buffer.byteLength(row[11]) <= 4000, 'at most 4,000 bytes');
  assert.ok(row[13].startsWith('Övertaget 2024-06-01; ööö') && row[13].endsWith('ö…'), row[13].slice(0, 40) + ' … ' + row[13].slice(-20));
  const x = await getBytes(c.chef1, `/reports/status?year=2025&district=${d2}&format=xlsx`);
  assert.equal(x.status, 200);
  writeFileSync(join(tmp, 'long.xlsx'), x.body);
  assert.ok(readSheet(join(tmp, 'long.xlsx')).cells.get('L5').endsWith('å…'));
  assert.equal((await c.chef1.get(`/reports/status?year=2025&district=${d2}`)).status, 200);
});

test('kvarboende on 2026-06-30: hand-computed counts, cohorts and Kaplan–Meier', async () => {
  const r = await c.chef1.get(`/kvarboende?date=2026-06-30&district=${testby}`, { json: true });
  assert.equal(r.status, 200);
  const k = r.json().kvarboende;
  assert.equal(k.date, '2026-06-30');
  assert.equal(k.persons_moved_in, 6, 'Anna once, though she had two tenancies');
  assert.equal(k.persons_housed, 3);
  assert.equal(k.persons_retention_pct, 50);
  assert.equal(k.tenancies_started, 7, 'the second chance counts as two tenancies');
  assert.equal(k.tenancies_ongoing, 3);
  assert.equal(k.tenancies_first_hand, 2);
  assert.deepEqual(k.tenancies_ended, { evicted: 1, wanted: 1, other: 1, deceased: 1 });
  const cohorts = Object.fromEntries(k.cohorts.map((x) => [x.year, [x.n12, x.housed12, x.n24, x.housed24, x.pct_12, x.pct_24]]));
  assert.deepEqual(cohorts, { 2023: [1, 1, 1, 1, 100, 100], 2024: [3, 1, 3, 1, 33.3, 33.3], 2025: [3, 1, 0, 0, 33.3, null] });
  // events at 7, 9 and 10 months (7, 6, 5 at risk); censored at 11 (deceased), 17, 24, 41
  const km = k.kaplan_meier;
  assert.equal(km.length, 42);
  assert.deepEqual([0, 6, 7, 8, 9, 10, 11, 24, 41].map((m) => km[m].survival), [1, 1, 0.8571, 0.8571, 0.7143, 0.5714, 0.5714, 0.5714, 0.5714]);
  assert.deepEqual([km[7].at_risk, km[9].at_risk, km[10].at_risk, km[11].at_risk], [7, 6, 5, 4]);
  const page = await c.chef1.get(`/kvarboende?date=2026-06-30&district=${testby}`);
  assert.match(page.body, /<svg class="km"[^>]*role="img"/);
  assert.match(page.body, /<th scope="row">10<\/th><td>57,1<\/td><td>5<\/td><td>1<\/td>/, 'the table beside the chart');
  assert.match(page.body, /50,0 %/);
  assert.equal((await c.chef1.get('/kvarboende?date=2026-02-30')).status, 400);
});

test('scope: soc own district, case manager own caseload, landlord and admin none', async () => {
  const soc = (await getBytes(c.soc1, `/reports/status?year=2025&district=${testby}&format=csv`)).body.toString('utf8');
  assert.doesNotMatch(soc, /ANBE-43-K|PIEK-34-K/, 'soc1 (Centrum) sees no Testby rows, whatever the filter says');
  const cm = (await getBytes(c.cm1, '/reports/status?year=2025&format=csv')).body.toString('utf8');
  assert.match(cm, /ANBE-43-K/, 'cm1 is Anna’s case manager');
  assert.doesNotMatch(cm, /PIEK-34-K/);
  const k = (await c.cm1.get('/kvarboende?date=2026-06-30', { json: true })).json().kvarboende;
  assert.ok(k.persons_moved_in >= 1);
  for (const u of ['fast1', 'admin1']) {
    assert.equal((await c[u].get('/reports/status')).status, 403, u);
    assert.equal((await c[u].get('/kvarboende')).status, 403, u);
  }
  assert.equal((await c.soc1.get('/reports/status/import')).status, 403, 'only the manager imports');
});

/* Builds a multipart body with a file part and text fields. */
function multipart(fields, file) {
  const boundary = '----bf' + Math.random().toString(16).slice(2);
  const parts = Object.entries(fields).map(([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`);
  parts.push(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="rapport.csv"\r\nContent-Type: text/csv\r\n\r\n`);
  const body = Buffer.concat([Buffer.from(parts.join('')), file, Buffer.from(`\r\n--${boundary}--\r\n`)]);
  return { body, type: `multipart/form-data; boundary=${boundary}` };
}

const BROKEN = HEAD.replace('2025', '2024') +
  'ANBE-43-K;2024-01-15;ja;nej;2024-10-20;vräkt;;;;;;;;\r\n' +
  'XX-45;2024-02-30;ja;ja;;;;;;;;;;\r\n' +
  'KALI-39-M;2024-02-01;ja;ja;2024-12-31;ville;;;;;;;;\r\n' +
  'PIEK-34-K;2024-06-01;tre;;;;;kanske;;;;;;\r\n';

test('import: broken rows give line errors and write nothing (CLI and upload)', async () => {
  const file = join(tmp, 'broken.csv');
  writeFileSync(file, BROKEN);
  const before = q('SELECT count(*) AS n FROM tenancies')[0].n;
  const r = runBin(['import-status', '--db', srv.db, '--district', 'Testby', '--file', file]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /Rad 6, Personkod \(A6\): Personkod ska vara namn-ålder-kön, t\.ex\. Doris-62-K eller ANBE-45-K\. Värdet är "XX-45"\./);
  assert.match(r.stderr, /Rad 6, inflytt \(B6\): Skriv ett datum .* Värdet är "2024-02-30"\./);
  assert.match(r.stderr, /Rad 7, bor kvar \(D7\): Bor kvar = ja, men utflyttad eller avliden är ifylld\./);
  assert.match(r.stderr, /Rad 8, första gången\? \(C8\): .* Värdet är "tre"\./);
  assert.match(r.stderr, /Rad 8, fortsatt insats soc \(H8\): Fortsatt insats soc ska vara ja eller nej\. Värdet är "kanske"\./);
  assert.doesNotMatch(r.stderr, /Rad 5/, 'the good row has no error');
  assert.equal(q("SELECT count(*) AS n FROM districts WHERE name = 'Ny stadsdel'")[0].n, 0);
  const refused = runBin(['import-status', '--db', srv.db, '--district', 'Ny stadsdel', '--file', file]);
  assert.equal(refused.code, 1);
  assert.equal(q("SELECT count(*) AS n FROM districts WHERE name = 'Ny stadsdel'")[0].n, 0, 'a refused import creates no district');
  const zero = runBin(['import-status', '--db', srv.db, '--district', 'Testby', '--file', '/dev/zero']);
  assert.equal(zero.code, 1);
  assert.match(zero.stderr, /larger than 32 MiB/);
  assert.equal(q('SELECT count(*) AS n FROM tenancies')[0].n, before, 'all or nothing');
  const m = multipart({ csrf_token: c.chef1.csrf, district_id: String(testby) }, Buffer.from(BROKEN));
  const up = await c.chef1.request('POST', '/reports/status/import', { body: m.body, headers: { 'Content-Type': m.type } });
  assert.equal(up.status, 422);
  assert.match(up.body, /Filen har fel – inget har sparats/);
  assert.match(up.body, /Rad 7, bor kvar \(D7\): Bor kvar = ja, men utflyttad eller avliden är ifylld\./);
  assert.equal(q('SELECT count(*) AS n FROM tenancies')[0].n, before);
  const noCsrf = multipart({ district_id: String(testby) }, Buffer.from(BROKEN));
  assert.equal((await c.chef1.request('POST', '/reports/status/import', { body: noCsrf.body, headers: { 'Content-Type': noCsrf.type } })).status, 403);
  const notUtf8 = multipart({ csrf_token: c.chef1.csrf, district_id: String(testby) }, Buffer.from([0x50, 0x65, 0x81, 0x72]));
  const bad = await c.chef1.request('POST', '/reports/status/import', { body: notUtf8.body, headers: { 'Content-Type': notUtf8.type } });
  assert.equal(bad.status, 422);
  assert.match(bad.body, /Filen är inte text som går att läsa \(UTF-8 eller Windows-1252\)/);
});

test('import by upload: a dry run writes nothing; the real run writes, audited; the seed layout with commas reads too', async () => {
  const seedLike = Buffer.from('Statusrapport Bostad först-verksamheten per 31/12,,,,,,,,,,,Avseende år: 2019,,\n' +
    'Personkod,inflytt,första gången?,bor kvar,utflyttad,anledning,avliden,fortsatt insats soc,om ej insats,kontakt m team,utflyttad,anledning,avliden,annan info\n' +
    'namn-ålder-kön,datum,"om inte, vilken?",ja/nej,datum,"vräkt, ville, annat",datum,ja/nej,ja/nej,datum,datum,"vräkt, ville, annat",datum,\n' +
    'LAPE-40-M,2018-04-01,ja,ja,,,,,,,,,,\n' +
    'MAJO-51-K,2017-09-01,ja,,,,,nej,ja,2019-05-05,,,,Flyttade inom området\n');
  const before = q('SELECT count(*) AS n FROM tenancies')[0].n;
  let m = multipart({ csrf_token: c.chef1.csrf, district_id: String(testby), dry_run: '1' }, seedLike);
  let r = await c.chef1.request('POST', '/reports/status/import', { body: m.body, headers: { 'Content-Type': m.type } });
  assert.equal(r.status, 200, r.body.slice(0, 400));
  assert.match(r.body, /Provkörning: filen går att importera/);
  assert.equal(q('SELECT count(*) AS n FROM tenancies')[0].n, before, 'dry run wrote nothing');
  m = multipart({ csrf_token: c.chef1.csrf, district_id: String(testby) }, seedLike);
  r = await c.chef1.request('POST', '/reports/status/import', { body: m.body, headers: { 'Content-Type': m.type } });
  assert.equal(r.status, 200);
  assert.match(r.body, /Nya personer: 2\. Nya boenden: 2\. Boenden som uppdaterades: 0\. Oförändrade boenden: 0\./);
  const t = q("SELECT t.takeover_date, t.import_note, p.reserve, p.sex FROM tenancies t JOIN persons p ON p.id = t.person_id WHERE p.first_name = 'MA' AND p.last_name = 'JO'")[0];
  assert.deepEqual(t, { takeover_date: '2019-12-31', import_note: 'Flyttade inom området', reserve: 1, sex: 'K' });
  assert.equal(q("SELECT count(*) AS n FROM audit WHERE action = 'import' AND entity = 'statusrapport' AND entity_id = 2019")[0].n, 1);
});

test('round trip: export, import into an empty database, export again: the same bytes', async () => {
  const file = join(tmp, 'export-2025.csv');
  writeFileSync(file, csv2025);
  const other = await startServer({
    demo: false,
    setup: (db) => {
      const imp = runBin(['import-status', '--db', db, '--district', 'Testby', '--file', file]);
      assert.equal(imp.code, 0, imp.stderr);
      assert.match(imp.stdout, /7 rader, år 2025: 6 nya personer, 7 nya boenden, 0 uppdaterade, 0 oförändrade \(sparat\)/);
      const add = runBin(['adduser', '--db', db, '--username', 'chef', '--role', 'manager', '--name', 'Chef'], 'ett långt lösenord\n');
      assert.equal(add.code, 0, add.stderr);
    },
  });
  try {
    const chef = new Client(other.url);
    assert.equal((await chef.login('chef', 'ett långt lösenord')).status, 303);
    const again = await getBytes(chef, '/reports/status?year=2025&format=csv');
    assert.equal(again.status, 200);
    assert.equal(again.body.toString('utf8'), csv2025.toString('utf8'));
    assert.ok(again.body.equals(csv2025), 'byte for byte');
    const dry = runBin(['import-status', '--db', other.db, '--district', 'Testby', '--file', file, '--dry-run']);
    assert.equal(dry.code, 0);
    assert.match(dry.stdout, /provkörning, inget sparat/);
    assert.match(dry.stdout, /7 rader, år 2025: 0 nya personer, 0 nya boenden, 0 uppdaterade, 7 oförändrade/);
    assert.equal(sql(other.db, 'SELECT count(*) AS n FROM tenancies')[0].n, 7, 'the dry run added nothing');
  } finally {
    await other.stop();
  }
  assert.equal(runBin(['import-status', '--db', srv.db]).code, 2, 'missing flags: exit 2');
});

test('kvarboende waiting times: medians of hand-picked days, in a district of their own', async () => {
  const vb = q("INSERT INTO districts(name, created_at, updated_at) VALUES('Väntby', 0, 0) RETURNING id")[0].id;
  const noon = (d) => Math.floor(new Date(`${d}T12:00:00`).getTime() / 1000);	// the server's local day
  // referral sent, decision, first move-in: 10/30, 20/39, 40/60 days, and 30 without an apartment
  const cases = [['2025-01-01', '2025-01-11', '2025-02-10'], ['2025-02-01', '2025-02-21', '2025-04-01'],
    ['2025-03-01', '2025-04-10', '2025-06-09'], ['2025-03-01', '2025-03-31', null]];
  cases.forEach(([sent, decided, moved], i) => {
    const p = q(`INSERT INTO persons(reserve, birth_date, sex, first_name, last_name, district_id, created_at, updated_at)
      VALUES(1, '1980-01-01', 'K', 'Vänt${i}', 'Ström', ${vb}, 0, 0) RETURNING id`)[0].id;
    const f = q(`INSERT INTO referrals(person_id, district_id, state, sent_at, last_step_at, created_at, updated_at)
      VALUES(${p}, ${vb}, 'approved', ${noon(sent)}, ${noon(decided)}, 0, 0) RETURNING id`)[0].id;
    q(`INSERT INTO decisions(person_id, referral_id, district_id, decision_date, start_date, end_date, review_clause, support_kind,
      created_at, updated_at) VALUES(${p}, ${f}, ${vb}, '${decided}', '${decided}', '2026-12-31', 'x', 'internal', 0, 0)`);
    if (moved) {
      const a = q(`INSERT INTO apartments(address, district_id, rooms, area_m2, rent, created_at, updated_at)
        VALUES('Väntvägen ${i}', ${vb}, 1, 30, 5000, 0, 0) RETURNING id`)[0].id;
      q(`INSERT INTO tenancies(person_id, apartment_id, move_in_date, created_at, updated_at) VALUES(${p}, ${a}, '${moved}', 0, 0)`);
    }
  });
  const days = async (d) => {
    const w = (await c.chef1.get(`/kvarboende?date=${d}&district=${vb}`, { json: true })).json().kvarboende.waiting_days;
    return { referral_to_decision: w.referral_to_decision, decision_to_move_in: w.decision_to_move_in };
  };
  assert.deepEqual(await days('2026-06-30'), { referral_to_decision: 25, decision_to_move_in: 39 }, 'medians of 10/20/30/40 and 30/39/60');
  // on a date before the last decision, only what had happened by then counts
  assert.deepEqual(await days('2025-03-15'), { referral_to_decision: 15, decision_to_move_in: 30 }, 'medians of 10/20 and 30');
  assert.deepEqual(await days('2024-12-31'), { referral_to_decision: null, decision_to_move_in: null }, 'nothing yet');
});

test('kvarboende compliance on 2026-06-30: home-visit weeks and checklists by hand', async () => {
  const bb = q("INSERT INTO districts(name, created_at, updated_at) VALUES('Besöksby', 0, 0) RETURNING id")[0].id;
  const local = (d, t = '12:00:00') => Math.floor(new Date(`${d}T${t}`).getTime() / 1000);
  const who = (first, moveIn, end = null) => {
    const p = q(`INSERT INTO persons(reserve, birth_date, sex, first_name, last_name, district_id, created_at, updated_at)
      VALUES(1, '1980-01-01', 'M', '${first}', 'Besök', ${bb}, 0, 0) RETURNING id`)[0].id;
    const a = q(`INSERT INTO apartments(address, district_id, rooms, area_m2, rent, created_at, updated_at)
      VALUES('Besöksvägen ${first}', ${bb}, 1, 30, 5000, 0, 0) RETURNING id`)[0].id;
    const t = q(`INSERT INTO tenancies(person_id, apartment_id, move_in_date, end_date, end_reason, created_at, updated_at)
      VALUES(${p}, ${a}, '${moveIn}', ${end ? `'${end}', 'wanted'` : 'NULL, NULL'}, 0, 0) RETURNING id`)[0].id;
    return { p, t };
  };
  const visit = (p, date, kind = 'home', met = 1, corrects = 'NULL') =>
    q(`INSERT INTO visits(person_id, date, kind, met, corrects_id, created_at) VALUES(${p}, '${date}', '${kind}', ${met}, ${corrects}, 0) RETURNING id`)[0].id;
  const checklist = (t, month, state, sentAt) =>
    q(`INSERT INTO checklists(tenancy_id, month, state, items, sent_at, created_at, updated_at)
      VALUES(${t}, '${month}', '${state}', '[]', ${sentAt ?? 'NULL'}, 0, 0)`);
  // the 12 weeks end with the week of 2026-06-30 (Monday 2026-06-29): 2026-04-13 .. 2026-06-30
  const a = who('Arne', '2026-01-01');
  visit(a.p, '2026-04-12');			// the day before the window
  visit(a.p, '2026-04-13'); visit(a.p, '2026-04-14');	// week 0, twice: one week
  visit(a.p, '2026-04-20');			// week 1 (a Monday)
  visit(a.p, '2026-05-04');			// week 3
  visit(a.p, '2026-05-11', 'home', 0);		// did not meet
  visit(a.p, '2026-05-18', 'phone');		// not a home visit
  visit(a.p, '2026-06-30');			// week 11, the day itself
  visit(a.p, '2026-07-01');			// after the date
  const b = who('Bert', '2026-03-01');
  const wrong = visit(b.p, '2026-05-05');
  visit(b.p, '2026-05-05', 'home', 0, wrong);	// corrected: the home visit did not happen
  visit(b.p, '2026-06-01');			// week 7
  const c3 = who('Cilla', '2026-01-01', '2026-05-31');	// moved out in week 6: her weeks 0-6 count, and her visit
  visit(c3.p, '2026-05-05');
  // checklist months 2025-06..2026-05 (the last whose deadline, the 10th, has passed):
  // Arne Jan–May (5), Bert Mar–May (3), Cilla Jan–Apr (4, she left on the last day of May) = 12
  checklist(a.t, '2026-01', 'reviewed', local('2026-02-05'));	// on time
  checklist(a.t, '2026-02', 'reviewed', local('2026-03-15'));	// late
  checklist(a.t, '2026-03', 'draft', null);			// never sent
  checklist(b.t, '2026-05', 'sent', local('2026-06-10', '23:59:00'));	// the last minute of the 10th
  checklist(c3.t, '2026-04', 'sent', local('2026-05-11', '00:00:01'));	// a second too late
  const k = (await c.chef1.get(`/kvarboende?date=2026-06-30&district=${bb}`, { json: true })).json().kvarboende;
  assert.equal(k.persons_housed, 2);
  assert.deepEqual(k.compliance, {
    participant_weeks: 31, weeks_with_home_visit: 6, home_visit_pct: 19.4,
    checklists_needed: 12, checklists_on_time: 2, checklists_reviewed: 2,
    checklists_on_time_pct: 16.7, checklists_reviewed_pct: 16.7,
    home_visit_pct_label: '19,4', checklists_on_time_pct_label: '16,7', checklists_reviewed_pct_label: '16,7',
  });
  // the window follows the date's week: on Sunday 2026-06-28 it begins Monday 2026-04-06 (the 12th counts),
  // on Monday 2026-06-29 it begins 2026-04-13
  const weeksOn = async (d) => (await c.chef1.get(`/kvarboende?date=${d}&district=${bb}`, { json: true })).json().kvarboende
    .compliance.weeks_with_home_visit;
  assert.equal(await weeksOn('2026-06-28'), 6, 'Arne weeks 0, 1, 2, 4; Bert week 8; Cilla week 4');
  assert.equal(await weeksOn('2026-06-29'), 5, 'Arne weeks 0, 1, 3; Bert week 7; Cilla week 3');
});

await run({ after: () => srv.stop() });

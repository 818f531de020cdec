// compliance.test.mjs - the dashboard's follow-up figures (/kvarboende,
// "compliance") against hand-computed data in a district of its own:
// home-visit weeks count only the weeks a person had a tenancy, checklists
// count only the tenancy-months they are divided by, imported history is
// outside both bases, and an empty base says "uppgift saknas". On the demo
// data: no share over 100 %, and the figures equal a brute-force count in
// SQL written independently of the server's.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test, run } from '../lib/t.mjs';
import { startServer, Client, sql, PG } from '../lib/server.mjs';

const srv = await startServer();
const q = (s) => sql(srv.db, s);
const chef = new Client(srv.url);
await chef.login('chef1');

// ---- the dataset, district Följby, counted on Tuesday 2026-06-30 ----
// Home-visit window: the 12 weeks from Monday 2026-04-13 (week 0) to the
// date; week k begins 2026-04-13 + 7k (week 3: 05-04, week 4: 05-11, week 5:
// 05-18, week 7: 06-01, week 11: 06-29..06-30).
// Checklist window: 2025-06..2026-05 (May's deadline, 10 June, has passed;
// June's has not).
const D = '2026-06-30';
const district = (name) => q(`INSERT INTO districts(name, created_at, updated_at) VALUES('${name}', 0, 0) RETURNING id`)[0].id;
const fb = district('Följby');
function person(d, first) {
  return q(`INSERT INTO persons(reserve, birth_date, sex, first_name, last_name, district_id, created_at, updated_at)
    VALUES(1, '1980-01-01', 'K', '${first}', 'Följsam', ${d}, 0, 0) RETURNING id`)[0].id;
}
function tenancy(d, p, moveIn, { end = null, ordinal = 1, imported = 0 } = {}) {
  const a = q(`INSERT INTO apartments(address, district_id, rooms, area_m2, rent, created_at, updated_at)
    VALUES('Följvägen ${p} ${moveIn}', ${d}, 1, 30, 5000, 0, 0) RETURNING id`)[0].id;
  return q(`INSERT INTO tenancies(person_id, apartment_id, move_in_date, ordinal, end_date, end_reason, imported, created_at, updated_at)
    VALUES(${p}, ${a}, '${moveIn}', ${ordinal}, ${end ? `'${end}', 'wanted'` : 'NULL, NULL'}, ${imported}, 0, 0) RETURNING id`)[0].id;
}
const visit = (p, date, kind = 'home', met = 1, corrects = null) =>
  q(`INSERT INTO visits(person_id, date, kind, met, corrects_id, created_at)
    VALUES(${p}, '${date}', '${kind}', ${met}, ${corrects ?? 'NULL'}, 0) RETURNING id`)[0].id;
/* sent: a local time 'YYYY-MM-DDTHH:MM:SS' (the server's time zone is ours) */
const unix = (local) => Math.floor(new Date(local).getTime() / 1000);
const checklist = (t, month, state, sent = null) =>
  q(`INSERT INTO checklists(tenancy_id, month, state, items, sent_at, created_at, updated_at)
    VALUES(${t}, '${month}', '${state}', '[]', ${sent ? unix(sent) : 'NULL'}, 0, 0)`);

// Anna: housed the whole window (12 weeks), visited in weeks 0, 4 and 11
const anna = person(fb, 'Anna');
const ta = tenancy(fb, anna, '2025-01-15');
visit(anna, '2026-04-12');				// the day before the window
visit(anna, '2026-04-13'); visit(anna, '2026-04-15');	// week 0 twice: one week
visit(anna, '2026-04-20', 'phone');			// week 1: a phone call is no home visit
visit(anna, '2026-04-27', 'home', 0);			// week 2: did not meet
const wrong = visit(anna, '2026-05-04');		// week 3: corrected into "did not meet"
visit(anna, '2026-05-04', 'home', 0, wrong);
const moved = visit(anna, '2026-05-11');		// week 4: corrected to the next day; the correction counts
visit(anna, '2026-05-12', 'home', 1, moved);
visit(anna, '2026-06-30');				// week 11, the date itself
visit(anna, '2026-07-01');				// after the date
checklist(ta, '2026-05', 'reviewed', '2026-06-10T23:59:59');	// the last second of the 10th: on time
checklist(ta, '2026-04', 'reviewed', '2026-05-11T00:00:00');	// midnight starting the 11th: late
checklist(ta, '2026-03', 'sent', '2026-04-10T12:00:00');	// on time, not reviewed
checklist(ta, '2026-02', 'draft');				// never sent
checklist(ta, '2025-05', 'reviewed', '2025-06-02T12:00:00');	// before the window
checklist(ta, '2026-06', 'reviewed', '2026-06-29T12:00:00');	// its deadline has not passed: after the window

// Bengt: moved in on Wednesday 2026-05-20 (week 5): weeks 5..11 = 7
const bengt = person(fb, 'Bengt');
const tb = tenancy(fb, bengt, '2026-05-20');
visit(bengt, '2026-05-05');				// week 3, before he had an apartment
visit(bengt, '2026-06-02');				// week 7
checklist(tb, '2026-04', 'reviewed', '2026-05-05T12:00:00');	// a month before his tenancy
checklist(tb, '2026-05', 'sent', '2026-06-09T12:00:00');	// needed (began by 31 May), on time

// Cecilia: moved out on Wednesday 2026-05-20 (week 5; her last day housed
// the 19th): weeks 0..5 = 6; checklists needed 2025-09..2026-04 = 8
const cecilia = person(fb, 'Cecilia');
const tc = tenancy(fb, cecilia, '2025-09-10', { end: '2026-05-20' });
visit(cecilia, '2026-04-21');				// week 1
visit(cecilia, '2026-05-12');				// week 4
visit(cecilia, '2026-05-27');				// week 6, after she moved out
checklist(tc, '2025-12', 'reviewed', '2026-01-08T12:00:00');	// on time and reviewed
checklist(tc, '2026-05', 'reviewed', '2026-06-05T12:00:00');	// the month she moved out: not needed

// David: a second chance inside the window, one week with both tenancies:
// the first ends Wednesday 05-06 and the second begins Friday 05-08 (week 3).
// Weeks 0..3 and 3..11 = 12, not 13. Checklists: the first needs
// 2025-06..2026-04 (11), the second 2026-05 (1); May has two checklists.
const david = person(fb, 'David');
const td1 = tenancy(fb, david, '2025-06-01', { end: '2026-05-06' });
const td2 = tenancy(fb, david, '2026-05-08', { ordinal: 2 });
visit(david, '2026-05-04'); visit(david, '2026-05-08');	// week 3, once
checklist(td1, '2026-05', 'reviewed', '2026-06-03T12:00:00');	// the first tenancy did not need May
checklist(td2, '2026-05', 'sent', '2026-06-03T12:00:00');	// the second did: on time

// Anna, Bengt, Cecilia, David: 12 + 7 + 6 + 12 weeks, 3 + 1 + 2 + 1 with a visit.
// Checklists needed 12 + 1 + 8 + 12 = 33; on time: Anna 2026-03 and 2026-05,
// Bengt 2026-05, Cecilia 2025-12, David's second 2026-05 = 5; reviewed: Anna
// 2026-04 and 2026-05, Cecilia 2025-12 = 3.
const WANT = {
  participant_weeks: 37, weeks_with_home_visit: 7, home_visit_pct: 18.9,
  checklists_needed: 33, checklists_on_time: 5, checklists_reviewed: 3,
  checklists_on_time_pct: 15.2, checklists_reviewed_pct: 9.1,
  home_visit_pct_label: '18,9', checklists_on_time_pct_label: '15,2', checklists_reviewed_pct_label: '9,1',
};

const figures = async (date, d) => {
  const r = await chef.get(`/kvarboende?date=${date}${d ? `&district=${d}` : ''}`, { json: true });
  assert.equal(r.status, 200);
  return r.json().kvarboende.compliance;
};

test('hand-computed: housed weeks only, one count per week and per needed tenancy-month, the 10th to the second', async () => {
  assert.deepEqual(await figures(D, fb), WANT);
});

test('a tenancy-month has one checklist at most: the database refuses a second', async () => {
  const second = `INSERT INTO checklists(tenancy_id, month, state, items, created_at, updated_at) VALUES(${ta}, '2026-03', 'draft', '[]', 0, 0)`;
  assert.throws(() => sql(srv.db, second), PG ? /duplicate key value violates unique constraint "checklists_tenancy_id_month_key"/
    : /UNIQUE constraint failed: checklists.tenancy_id, checklists.month/);
  assert.deepEqual(await figures(D, fb), WANT);
});

test('the page prints the shares with what they are counted of', async () => {
  const page = (await chef.get(`/kvarboende?date=${D}&district=${fb}`)).body;
  assert.match(page, /<dt>Deltagarveckor med hembesök<\/dt><dd>18,9 % \(7 av 37 veckor med boende\)<\/dd>/);
  assert.match(page, /<dt>Checklistor skickade senast den 10:e<\/dt><dd>15,2 % \(5 av 33 boende-månader\)<\/dd>/);
  assert.match(page, /<dt>Checklistor granskade av fastighetskontoret<\/dt><dd>9,1 % \(3 av 33 boende-månader\)<\/dd>/);
  assert.match(page, /Underlaget är deltagarveckor då personen hade ett boende minst en dag/);
  assert.match(page, /Checklistor för andra månader eller andra boenden räknas inte, så andelen blir aldrig över 100 %/);
});

test('an imported tenancy changes no base and no count, even with a visit and a checklist', async () => {
  const erik = person(fb, 'Erik');
  const te = tenancy(fb, erik, '2024-01-01', { imported: 1 });
  visit(erik, '2026-06-01');
  checklist(te, '2026-05', 'reviewed', '2026-06-02T12:00:00');
  // counted, they would add 12 weeks (one with a visit) and 12 needed months (one on time, reviewed)
  assert.deepEqual(await figures(D, fb), WANT);
});

test('a district with only imported history: both shares null, the page says "uppgift saknas"', async () => {
  const ab = district('Arkivby');
  const p = person(ab, 'Greta');
  tenancy(ab, p, '2023-02-01', { imported: 1 });
  tenancy(ab, person(ab, 'Hugo'), '2022-05-01', { end: '2026-03-01', imported: 1 });
  const k = (await chef.get(`/kvarboende?date=${D}&district=${ab}`, { json: true })).json().kvarboende;
  assert.ok(k.tenancies_started >= 2, 'the imported tenancies are in the dashboard\'s other figures');
  assert.deepEqual(k.compliance, {
    participant_weeks: 0, weeks_with_home_visit: 0, home_visit_pct: null,
    checklists_needed: 0, checklists_on_time: 0, checklists_reviewed: 0,
    checklists_on_time_pct: null, checklists_reviewed_pct: null,
  });
  const page = (await chef.get(`/kvarboende?date=${D}&district=${ab}`)).body;
  assert.match(page, /<dt>Deltagarveckor med hembesök<\/dt><dd>uppgift saknas<\/dd>/);
  assert.match(page, /<dt>Checklistor skickade senast den 10:e<\/dt><dd>uppgift saknas<\/dd>/);
  assert.match(page, /<dt>Checklistor granskade av fastighetskontoret<\/dt><dd>uppgift saknas<\/dd>/);
  assert.doesNotMatch(page, /<dd>[^<]*(–|0,0) %/, 'no dash and no 0 % for a share of nothing');
});

// ---- the demo data ----

/* 'YYYY-MM-DD' arithmetic in UTC (calendar dates, no time zone). */
const iso = (ms) => new Date(ms).toISOString().slice(0, 10);
const addDays = (d, n) => iso(Date.parse(`${d}T00:00:00Z`) + n * 86400000);
const monthStart = (d, n) => { const [y, m] = d.split('-').map(Number); return iso(Date.UTC(y, m - 1 + n, 1)); };

/* The figures by brute force, per week and per month, in SQL that does not
 * share the server's: every participant-week of the window with a day of a
 * tenancy, every tenancy-month, each checked with EXISTS; the deadline with
 * SQLite's own 'utc' conversion of local midnight. */
function bruteForce(date, d = null) {
  const where = d ? `AND t.person_id IN (SELECT id FROM persons WHERE district_id = ${d})` : '';
  const weekday = (new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7;	// Monday 0
  const first = addDays(date, -weekday - 77);
  const wstart = monthStart(addDays(date, -10), -12);	// the overdue month, 11 months back
  const [w] = q(`WITH RECURSIVE w(k, mon) AS (SELECT 0, '${first}' UNION ALL SELECT k + 1, date(mon, '+7 days') FROM w WHERE k < 11),
    wk AS (SELECT k, mon, min(date(mon, '+6 days'), '${date}') AS sun FROM w),
    housed AS (SELECT DISTINCT t.person_id, wk.mon, wk.sun FROM tenancies t, wk WHERE t.imported = 0 ${where}
      AND t.move_in_date <= wk.sun AND (t.end_date IS NULL OR (t.end_date > wk.mon AND t.end_date > t.move_in_date)))
    SELECT count(*) AS weeks, coalesce(sum(EXISTS (SELECT 1 FROM visits v WHERE v.person_id = h.person_id AND v.kind = 'home'
      AND v.met = 1 AND v.date BETWEEN h.mon AND h.sun AND NOT EXISTS (SELECT 1 FROM visits c WHERE c.corrects_id = v.id))), 0) AS visited
    FROM housed h`);
  const [c] = q(`WITH RECURSIVE m(i, first) AS (SELECT 0, '${wstart}' UNION ALL SELECT i + 1, date(first, '+1 month') FROM m WHERE i < 11),
    mm AS (SELECT substr(first, 1, 7) AS month, date(first, '+1 month', '-1 day') AS last,
      CAST(strftime('%s', first, '+1 month', '+10 days', 'utc') AS INTEGER) AS deadline FROM m),
    need AS (SELECT t.id AS tid, mm.* FROM tenancies t, mm WHERE t.imported = 0 ${where} AND t.move_in_date <= mm.last
      AND (t.end_date IS NULL OR t.end_date > mm.last))
    SELECT count(*) AS needed,
      coalesce(sum(EXISTS (SELECT 1 FROM checklists x WHERE x.tenancy_id = n.tid AND x.month = n.month AND x.state <> 'draft'
        AND x.sent_at < n.deadline)), 0) AS on_time,
      coalesce(sum(EXISTS (SELECT 1 FROM checklists x WHERE x.tenancy_id = n.tid AND x.month = n.month AND x.state = 'reviewed')), 0) AS reviewed
    FROM need n`);
  return { participant_weeks: w.weeks, weeks_with_home_visit: w.visited,
    checklists_needed: c.needed, checklists_on_time: c.on_time, checklists_reviewed: c.reviewed };
}

const COUNTS = ['participant_weeks', 'weeks_with_home_visit', 'checklists_needed', 'checklists_on_time', 'checklists_reviewed'];
const counts = (k) => Object.fromEntries(COUNTS.map((key) => [key, k[key]]));

test('the brute-force count agrees with the hand-computed district (the checker checked)', async () => {
  assert.deepEqual(bruteForce(D, fb), counts(WANT));
});

test('demo data: no share over 100 %, every count within its base, the same as the brute-force count', async () => {
  const today = new Date().toLocaleDateString('sv-SE');
  const demo = q("SELECT id FROM districts WHERE name NOT IN ('Följby', 'Arkivby')").map((x) => x.id);
  assert.ok(demo.length > 0);
  for (const date of [today, addDays(today, -45), addDays(today, -200)]) {
    for (const d of [0, ...demo]) {
      const k = await figures(date, d);
      const what = `${date}, district ${d || 'all'}`;
      assert.deepEqual(counts(k), bruteForce(date, d || null), what);
      assert.ok(k.weeks_with_home_visit <= k.participant_weeks, what);
      assert.ok(k.checklists_on_time <= k.checklists_needed && k.checklists_reviewed <= k.checklists_needed, what);
      for (const key of ['home_visit_pct', 'checklists_on_time_pct', 'checklists_reviewed_pct'])
        assert.ok(k[key] === null || (k[key] >= 0 && k[key] <= 100), `${what}: ${key} = ${k[key]}`);
      if (d === 0 && date === today)
        for (const key of ['home_visit_pct', 'checklists_on_time_pct', 'checklists_reviewed_pct'])
          assert.notEqual(k[key], null, `the demo has ${key} today`);
    }
  }
  const page = (await chef.get('/kvarboende')).body;
  assert.doesNotMatch(page, /<dd>(\d{4,}|[2-9]\d\d|1\d[1-9]|1[1-9]\d|10[1-9]),\d %|<dd>100,[1-9] %/, 'no share over 100 % on the page');
});

await run({ after: () => srv.stop() });

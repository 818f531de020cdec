// bench.mjs - make bench: generates data at three sizes, drives the real
// server with wrk and prints one table of figures, each page as a ratio to
// a ceiling measured in the same run (the same server sending the same
// number of bytes from memory), then one line of name=value pairs. Then
// the same server on SQLite and on PostgreSQL 15 (a throwaway cluster,
// fsync on) with BENCH_PG_PERSONS generated persons in each: one table of
// both engines' figures and their ratio.
//   BENCH_SIZES=1000,100000,1000000 (default; "none": the comparison only)
//   BENCH_SECONDS=4  BENCH_PG_PERSONS=10000 (default; 0: no PostgreSQL)
import { execFile, execFileSync, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, Client, sql } from '../lib/server.mjs';
import { startPg } from '../lib/pg.mjs';

const BIN = join(ROOT, 'bostadforst');
const DIR = join(ROOT, 'var/bench');
const SIZES = process.env.BENCH_SIZES === 'none' ? [] : (process.env.BENCH_SIZES || '1000,100000,1000000').split(',').map(Number);
const PG_PERSONS = Number(process.env.BENCH_PG_PERSONS ?? 10000);
const SECONDS = Number(process.env.BENCH_SECONDS || 4);
mkdirSync(DIR, { recursive: true });

function generate(n) {
  const db = join(DIR, `persons-${n}.db`);
  if (!existsSync(db)) {
    const t = Date.now();
    execFileSync(BIN, ['demo', '--db', db, '--persons', String(n)], { stdio: ['ignore', 'ignore', 'inherit'] });
    console.error(`generated ${n} persons in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  }
  return db;
}

async function serve(db) {
  // wrk stands where nginx would (deploy/): up to 208 connections from
  // 127.0.0.1, past the 32 one client address may hold
  const proc = spawn(BIN, ['serve', '--db', db, '--port', '0', '--threads', '2', '--quiet', '--bench', '--trusted-proxy', '127.0.0.1'],
    { stdio: ['ignore', 'ignore', 'pipe'] });
  const port = await new Promise((resolve, reject) => {
    let err = '';
    proc.stderr.on('data', (d) => { err += d; const m = /listening on http:\/\/[^:]+:(\d+)/.exec(err); if (m) resolve(Number(m[1])); });
    proc.on('exit', (c) => reject(new Error(`server exited ${c}: ${err}`)));
  });
  return { proc, url: `http://127.0.0.1:${port}` };
}

/* wrk's arguments for a run of path. */
function wrkArgs(url, path, cookie, { conns = 64, lua = null, seconds = SECONDS, threads = 2 } = {}) {
  const args = [`-t${threads}`, `-c${conns}`, `-d${seconds}s`, '--latency', '-H', `Cookie: ${cookie}`];
  if (lua) args.push('-s', lua);
  args.push(url + path);
  return args;
}

/* Runs wrk; returns {rps, p50, p99 (ms), errors, out}. */
function wrk(url, path, cookie, opts = {}) {
  return parseWrk(execFileSync('wrk', wrkArgs(url, path, cookie, opts), { encoding: 'utf8' }));
}

/* As wrk, without waiting: resolves to the same figures. */
function wrkLater(url, path, cookie, opts = {}) {
  return new Promise((resolve, reject) => execFile('wrk', wrkArgs(url, path, cookie, opts), { encoding: 'utf8' },
    (err, out) => (err ? reject(err) : resolve(parseWrk(out)))));
}

/* Reads wrk's --latency report. */
function parseWrk(out) {
  const ms = (s) => { const m = /([\d.]+)(us|ms|s)/.exec(s); return m ? Number(m[1]) * { us: 0.001, ms: 1, s: 1000 }[m[2]] : NaN; };
  return {
    rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)[1]),
    p50: ms(/^\s+50%\s+(\S+)/m.exec(out)[1]),
    p99: ms(/^\s+99%\s+(\S+)/m.exec(out)[1]),
    errors: Number((/Non-2xx or 3xx responses: (\d+)/.exec(out) || [0, 0])[1]),
    out,
  };
}

const cookieOf = (c) => [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
async function timed(client, path, runs = 3) {
  const times = [];
  let bytes = 0;
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    const r = await client.get(path);
    times.push(performance.now() - t);
    bytes = r.body.length;
    if (r.status !== 200) throw new Error(`${path}: ${r.status}`);
  }
  times.sort((a, b) => a - b);
  return { ms: times[Math.floor(runs / 2)], bytes };
}

const rows = [];
const headline = {};
for (const n of SIZES) {
  const db = generate(n);
  const tenancies = sql(db, 'SELECT count(*) AS n FROM tenancies')[0].n;
  const srv = await serve(db);
  try {
    const who = {};
    for (const u of ['cm1', 'chef1', 'fast1']) { who[u] = new Client(srv.url); await who[u].login(u); }
    const person = sql(db, "SELECT c.person_id AS id FROM person_case_managers c JOIN users u ON u.id = c.user_id WHERE u.username = 'cm1' LIMIT 1")[0].id;
    const pages = [
      ['caseload (cm1, 50 rows)', 'cm1', '/persons'],
      ['person page + timeline', 'cm1', `/persons/${person}`],
      ['referrals by district', 'chef1', '/referrals?district=1'],
      ['landlord checklist inbox', 'fast1', '/checklists'],
    ];
    for (const [name, u, path] of pages) {
      const size = (await who[u].get(path)).body.length;
      const ceil = wrk(srv.url, `/_ceiling/${size}`, cookieOf(who[u]));
      const page = wrk(srv.url, path, cookieOf(who[u]));
      rows.push({ n, name, rps: page.rps, p50: page.p50, p99: page.p99, ratio: page.rps / ceil.rps, ceiling: ceil.rps, bytes: size, errors: page.errors });
      if (name.startsWith('caseload')) headline[`caseload_ratio_${n}`] = (page.rps / ceil.rps).toFixed(2), headline[`caseload_p99_ms_${n}`] = page.p99.toFixed(2);
      headline[`p99_ms_${name.split(' ')[0]}_${n}`] = page.p99.toFixed(2);
    }
    // the write path: a visit note with CSRF, audit row and fsync
    const lua = join(DIR, 'post-visit.lua');
    const body = new URLSearchParams({ csrf_token: who.cm1.csrf, person_id: String(person), date: new Date().toISOString().slice(0, 10),
      kind: 'phone', met: '1', note: 'Samtal i belastningstestet.' }).toString();
    writeFileSync(lua, `wrk.method = "POST"\nwrk.body = "${body}"\nwrk.headers["Content-Type"] = "application/x-www-form-urlencoded"\n`);
    const post = wrk(srv.url, '/visits', cookieOf(who.cm1), { conns: 16, lua });
    rows.push({ n, name: 'POST visit note (16 conns)', rps: post.rps, p50: post.p50, p99: post.p99, ratio: NaN, ceiling: NaN, bytes: 0, errors: post.errors });
    // reports and the dashboard: one request at a time, median of three
    const year = new Date().getFullYear() - 1;
    for (const [name, path] of [['statusrapport CSV', `/reports/status?year=${year}&format=csv`],
      ['statusrapport XLSX', `/reports/status?year=${year}&format=xlsx`], ['kvarboende dashboard', '/kvarboende']]) {
      const t = await timed(who.chef1, path);
      rows.push({ n, name: `${name} (${tenancies} tenancies)`, rps: 1000 / t.ms, p50: t.ms, p99: NaN, ratio: NaN, ceiling: NaN, bytes: t.bytes, errors: 0 });
      headline[`${name.split(' ').pop().toLowerCase()}_ms_${n}`] = t.ms.toFixed(0);
    }
    // 200 logins at once: bounded memory, excess refused, nothing crashes
    const pre = new Client(srv.url);
    const form = (await pre.get('/login', { json: true })).json();
    const loginLua = join(DIR, 'login.lua');
    const lbody = new URLSearchParams({ csrf_token: form.csrf_token, username: 'cm1', password: 'bostadforst-demo' }).toString();
    writeFileSync(loginLua, `wrk.method = "POST"\nwrk.body = "${lbody}"\nwrk.headers["Content-Type"] = "application/x-www-form-urlencoded"\n`);
    // ... and meanwhile the caseload, on 8 connections of its own
    const storm = wrkLater(srv.url, '/login', cookieOf(pre), { conns: 200, lua: loginLua });
    await new Promise((r) => setTimeout(r, 500));
    const during = wrk(srv.url, '/persons', cookieOf(who.cm1), { conns: 8, threads: 1, seconds: Math.max(1, SECONDS - 1) });
    const logins = await storm;
    const alive = (await new Client(srv.url).get('/healthz')).status;
    const total = Number(/(\d+) requests in/.exec(logins.out)[1]);
    const accepted = (total - logins.errors) / SECONDS;
    rows.push({ n, name: `200 concurrent logins (${accepted.toFixed(0)}/s in, ${logins.errors} refused (503, or 429: at most 5 checks of one account at once), then healthz ${alive})`, rps: logins.rps, p50: logins.p50, p99: logins.p99, ratio: NaN, ceiling: NaN, bytes: 0, errors: 0 });
    headline[`logins_accepted_per_s_${n}`] = accepted.toFixed(0);
    headline[`logins_p99_ms_${n}`] = logins.p99.toFixed(0);
    rows.push({ n, name: 'caseload during the logins (8 conns)', rps: during.rps, p50: during.p50, p99: during.p99, ratio: NaN, ceiling: NaN, bytes: 0, errors: during.errors });
    headline[`caseload_p99_ms_during_logins_${n}`] = during.p99.toFixed(1);
    const rss = Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${srv.proc.pid}/status`, 'utf8'))[1]) / 1024;
    rows.push({ n, name: 'server peak RSS (MiB)', rps: NaN, p50: rss, p99: NaN, ratio: NaN, ceiling: NaN, bytes: 0, errors: 0 });
    headline[`rss_mib_${n}`] = rss.toFixed(0);
  } finally {
    srv.proc.kill('SIGTERM');
    await new Promise((r) => srv.proc.on('exit', r));
  }
}

const f = (x, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : '');
if (rows.length) {
  console.log(`\n${'persons'.padStart(8)}  ${'what'.padEnd(58)} ${'req/s'.padStart(9)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'ceiling'.padStart(9)} ${'ratio'.padStart(6)}`);
  for (const r of rows)
    console.log(`${String(r.n).padStart(8)}  ${r.name.padEnd(58)} ${f(r.rps, 0).padStart(9)} ${f(r.p50, 2).padStart(8)} ${f(r.p99, 2).padStart(8)} ${f(r.ceiling, 0).padStart(9)} ${f(r.ratio, 2).padStart(6)}${r.errors ? `  (${r.errors} non-2xx/3xx)` : ''}`);
  const first = SIZES[0], last = SIZES[SIZES.length - 1];
  if (SIZES.length > 1)
    for (const what of ['caseload', 'person', 'referrals', 'landlord']) {
      const a = Number(headline[`p99_ms_${what}_${first}`]), b = Number(headline[`p99_ms_${what}_${last}`]);
      headline[`p99_growth_${what}`] = (b / a).toFixed(2);
    }
  console.log('\n' + Object.entries(headline).map(([k, v]) => `${k}=${v}`).join(' '));
}

/* Measures the figures both engines are compared on, against the server
 * at srv with the generated data of db (q runs SQL on it). Returns
 * { name: { value, unit, p99 } }. */
async function engineFigures(srv, q) {
  const who = {};
  for (const u of ['cm1', 'chef1']) { who[u] = new Client(srv.url); await who[u].login(u); }
  const person = q("SELECT c.person_id AS id FROM person_case_managers c JOIN users u ON u.id = c.user_id WHERE u.username = 'cm1' ORDER BY c.person_id LIMIT 1")[0].id;
  const out = {};
  // the reports first, one request at a time (a new connection right
  // after wrk's 64 may be refused while the server closes those)
  const year = new Date().getFullYear() - 1;
  for (const [name, path] of [['statusrapport CSV', `/reports/status?year=${year}&format=csv`], ['kvarboende dashboard', '/kvarboende']]) {
    await timed(who.chef1, path, 1);	// warm: the first run reads the tables from disk
    out[name] = { value: (await timed(who.chef1, path)).ms, unit: 'ms' };
  }
  for (const [name, u, path] of [['caseload (cm1, 50 rows)', 'cm1', '/persons'], ['person page + timeline', 'cm1', `/persons/${person}`],
    ['referrals by district', 'chef1', '/referrals?district=1']]) {
    const r = wrk(srv.url, path, cookieOf(who[u]));
    if (r.errors) throw new Error(`${name}: ${r.errors} non-2xx/3xx`);
    out[name] = { value: r.rps, unit: 'req/s', p99: r.p99 };
  }
  const lua = join(DIR, 'post-visit-cmp.lua');
  const body = new URLSearchParams({ csrf_token: who.cm1.csrf, person_id: String(person), date: new Date().toISOString().slice(0, 10),
    kind: 'phone', met: '1', note: 'Samtal i jämförelsen.' }).toString();
  writeFileSync(lua, `wrk.method = "POST"\nwrk.body = "${body}"\nwrk.headers["Content-Type"] = "application/x-www-form-urlencoded"\n`);
  const post = wrk(srv.url, '/visits', cookieOf(who.cm1), { conns: 16, lua });
  if (post.errors) throw new Error(`POST visit: ${post.errors} non-2xx/3xx`);
  out['POST visit note (16 conns)'] = { value: post.rps, unit: 'req/s', p99: post.p99 };
  return out;
}

/* SQLite and PostgreSQL on the same generated data (the same generator
 * and seed, the same N): each engine's figures and PostgreSQL's as a
 * ratio of SQLite's (> 1 is faster for req/s, slower for ms). */
if (PG_PERSONS > 0) {
  const n = PG_PERSONS;
  const figures = {};
  // a copy: the write measured here must not lengthen the next run's
  // person page (the PostgreSQL database is new every run)
  const lite = join(DIR, `compare-${n}.db`);
  for (const x of ['', '-wal', '-shm']) rmSync(lite + x, { force: true });
  copyFileSync(generate(n), lite);
  let srv = await serve(lite);
  try { figures.sqlite = await engineFigures(srv, (s) => sql(lite, s)); } finally {
    srv.proc.kill('SIGTERM');
    await new Promise((r) => srv.proc.on('exit', r));
  }
  const pg = await startPg({ durable: true });
  try {
    const url = pg.createDb('bench');
    // generated with commits that do not wait for the disk (the
    // generator commits per person); measured with them waiting again
    pg.superPsql('postgres', 'ALTER DATABASE bench SET synchronous_commit = off');
    const t = Date.now();
    execFileSync(BIN, ['demo', '--db', url, '--persons', String(n)], { stdio: ['ignore', 'ignore', 'inherit'] });
    console.error(`generated ${n} persons on PostgreSQL in ${((Date.now() - t) / 1000).toFixed(1)} s`);
    pg.superPsql('postgres', 'ALTER DATABASE bench RESET synchronous_commit');
    pg.superPsql('bench', 'VACUUM ANALYZE');
    srv = await serve(url);
    try { figures.pg = await engineFigures(srv, (s) => pg.query(url, s)); } finally {
      srv.proc.kill('SIGTERM');
      await new Promise((r) => srv.proc.on('exit', r));
    }
  } finally {
    await pg.stop();
  }
  const tenancies = sql(lite, 'SELECT count(*) AS n FROM tenancies')[0].n;
  console.log(`\nSQLite and PostgreSQL 15, ${n} persons (${tenancies} tenancies), the same server (2 threads), wrk as above`);
  console.log(`${'what'.padEnd(30)} ${'unit'.padEnd(6)} ${'SQLite'.padStart(9)} ${'PostgreSQL'.padStart(11)} ${'PG/SQLite'.padStart(10)} ${'p99 ms SQLite'.padStart(14)} ${'p99 ms PG'.padStart(10)}`);
  const cmp = {};
  const order = ['caseload (cm1, 50 rows)', 'person page + timeline', 'referrals by district', 'POST visit note (16 conns)', 'statusrapport CSV', 'kvarboende dashboard'];
  for (const name of order) {
    const a = figures.sqlite[name];
    const b = figures.pg[name];
    console.log(`${name.padEnd(30)} ${a.unit.padEnd(6)} ${f(a.value, 0).padStart(9)} ${f(b.value, 0).padStart(11)} ${f(b.value / a.value, 2).padStart(10)} ${f(a.p99, 2).padStart(14)} ${f(b.p99, 2).padStart(10)}`);
    cmp[`pg_ratio_${name.split(' ')[0].toLowerCase()}_${n}`] = (b.value / a.value).toFixed(2);
  }
  console.log('\n' + Object.entries(cmp).map(([k, v]) => `${k}=${v}`).join(' '));
}

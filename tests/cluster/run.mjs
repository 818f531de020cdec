// run.mjs - failover, proved (`make cluster-test`; not part of `make test`:
// it takes minutes and needs root). On loopback ports of one machine: etcd
// (one member), three PostgreSQL 15 nodes under Patroni with synchronous
// replication (deploy/patroni/n1..n3.yml), HAProxy in front of the primary
// (deploy/haproxy-pg.cfg) and, when the server speaks PostgreSQL, two
// bostadforst nodes behind HAProxy (deploy/haproxy-app.cfg).
//
// Under a steady write load, faults in sequence, each followed by recovery:
//   (a) kill -9 the primary's postmaster
//   (b) kill -9 the Patroni leader process (its PostgreSQL stays up: no
//       watchdog here); Patroni is then started again, as a supervisor would
//   (c) kill -9 one app node (app mode only); then it is started again
// Per fault: seconds without an acknowledged write (the longest gap between
// two acknowledgements across the fault), the errors writers saw by kind,
// and whether the app nodes recovered without a restart. After the run every
// acknowledged note is read back on the (new) primary: lost must be 0.
//
// The load: app mode (detected: `bostadforst migrate --db postgresql://...`
// succeeds and creates tables) - WRITERS logged-in case managers (cm1, cm2
// of the demo) post visit notes through the app's HAProxy; an answer 303 to
// /visits is an acknowledgement. SQL mode (the fallback) - tests/cluster/
// writer.py, WRITERS connections inserting notes through HAProxy port 5000.
//
// Env: REPS (5), WRITERS (4), FAULTS (abc: which to inject), PAUSE_MS (10:
// each writer's pause between writes), CLUSTER_MODE auto|sql|app|app-sqlite
// (auto; app-sqlite: the app path on one SQLite file, to check the harness),
// BF_BIN (./bostadforst, else build/bostadforst), KEEP=1 keeps the folder.
// `node tests/cluster/run.mjs --cleanup` kills what a killed run left
// behind (anything started under /tmp/bf-cluster-*).
// Ports: etcd 2379-2380, Patroni REST 8008-8010, PostgreSQL 5441-5443,
// HAProxy 5000 (the files in deploy/ name them); the app ports are free ones.
import { spawn, execFile } from 'node:child_process';
import { mkdtempSync, rmSync, readFileSync, writeFileSync, openSync, closeSync, existsSync, readdirSync,
  chownSync, chmodSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import net from 'node:net';
import http from 'node:http';
import { randomBytes } from 'node:crypto';

const REPO = new URL('../..', import.meta.url).pathname.replace(/\/$/, '');
const DEPLOY = join(REPO, 'deploy');
const REPS = Number(process.env.REPS || 5);
const WRITERS = Number(process.env.WRITERS || 4);
const MODE = process.env.CLUSTER_MODE || 'auto';
const PAUSE_MS = Number(process.env.PAUSE_MS ?? 10);	// each writer's pause between writes
const BIN = process.env.BF_BIN || [join(REPO, 'bostadforst'), join(REPO, 'build/bostadforst')].find(existsSync)
  || join(REPO, 'bostadforst');
const PG_UID = Number(readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith('postgres:'))?.split(':')[2] ?? -1);
const PG_GID = Number(readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith('postgres:'))?.split(':')[3] ?? -1);
const NODES = [1, 2, 3].map((i) => ({ i, name: `n${i}`, pg: 5440 + i, rest: 8007 + i }));
const PRIMARY_PORT = 5000;
const started = Date.now();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const sleepSync = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
const secs = (ms) => (ms / 1000).toFixed(1);
const secs2 = (ms) => (ms / 1000).toFixed(2);
const log = (...a) => console.log(`[${secs(Date.now() - started).padStart(6)} s]`, ...a);

/* ---------- processes: every one we start is registered, teardown ends them ---------- */

const procs = [];	// {name, proc, kind}
let root = null;

/* Starts cmd with output to ROOT/logs/name.log; returns the ChildProcess. */
function start(name, cmd, args, { kind = name, env = process.env, cwd = root } = {}) {
  const fd = openSync(join(root, 'logs', `${name}.log`), 'a');
  const proc = spawn(cmd, args, { stdio: ['ignore', fd, fd], env, cwd });
  closeSync(fd);
  proc.on('error', (e) => log(`${name}: ${e.message}`));
  procs.push({ name, proc, kind });
  return proc;
}

/* True when pid is gone or a zombie (killed, not yet reaped). */
function gone(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z';
  } catch { return true; }
}

function kill(pid, sig) { try { process.kill(pid, sig); } catch { /* gone */ } }

/* Every process: [{pid, ppid, cmd}]. */
function processes() {
  const out = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const cmd = readFileSync(`/proc/${d}/cmdline`, 'utf8').replace(/\0/g, ' ');
      out.push({ pid: Number(d), ppid, cmd });
    } catch { /* exited meanwhile */ }
  }
  return out;
}

/* Processes whose command line names a folder matching pattern, and their
 * descendants (the postmasters' backends name no folder). */
function ours(pattern) {
  const all = processes().filter((p) => p.pid !== process.pid);
  const set = new Set(all.filter((p) => pattern.test(p.cmd)).map((p) => p.pid));
  for (let grew = true; grew;) {
    grew = false;
    for (const p of all) if (!set.has(p.pid) && set.has(p.ppid)) { set.add(p.pid); grew = true; }
  }
  return [...set].filter((pid) => !gone(pid));
}

/* The postmaster of node n (from postmaster.pid, checked against the
 * process's command line: the file outlives a killed postmaster), or 0. */
function postmasterPid(n) {
  try {
    const pid = Number(readFileSync(join(root, n.name, 'data', 'postmaster.pid'), 'utf8').split('\n')[0]);
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(join(root, n.name, 'data')) && !gone(pid) ? pid : 0;
  } catch { return 0; }
}

let tornDown = false;
/* Ends everything we started (synchronously: also from a signal or exit
 * handler): SIGKILL to Patroni, HAProxy, etcd, app nodes and writers,
 * SIGQUIT to the postmasters (found by their -D under our folder), then
 * SIGKILL to whatever is left of them and their children; removes the folder. Returns the pids still alive (should be none). */
function teardown() {
  if (tornDown || !root) return [];
  tornDown = true;
  const pattern = new RegExp(root.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const under = ours(pattern);
  for (const { proc } of procs) if (proc.pid && !gone(proc.pid)) kill(proc.pid, 'SIGKILL');
  const all = () => [...new Set([...under, ...ours(pattern), ...procs.map((p) => p.proc.pid).filter(Boolean)])]
    .filter((pid) => !gone(pid));
  // twice: a Patroni may have forked a postmaster just before its SIGKILL
  for (let pass = 0; pass < 2; pass++) {
    for (const pid of all()) {
      const cmd = (() => { try { return readFileSync(`/proc/${pid}/cmdline`, 'utf8'); } catch { return ''; } })();
      if (/postgres\0-D/.test(cmd)) kill(pid, 'SIGQUIT');
    }
    sleepSync(300);
  }
  for (let i = 0; i < 30 && all().length; i++) sleepSync(100);
  for (const pid of all()) kill(pid, 'SIGKILL');
  for (let i = 0; i < 20 && all().length; i++) sleepSync(100);
  const left = all();
  if (process.env.KEEP) console.log(`kept ${root}`);
  else rmSync(root, { recursive: true, force: true });
  return left;
}

for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => {
    console.error(`\n${sig}: tearing down`);
    const left = teardown();
    console.error(`teardown: ${left.length ? `LEFT BEHIND ${left.join(' ')}` : 'no process left'}`);
    process.exit(130);
  });
}
process.on('exit', () => { teardown(); });

/* ---------- small clients: psql, Patroni REST, HAProxy stats ---------- */

const pw = { superuser: randomBytes(12).toString('hex'), replication: randomBytes(12).toString('hex'),
  rewind: randomBytes(12).toString('hex'), owner: randomBytes(12).toString('hex'), app: randomBytes(12).toString('hex') };

/* Runs psql (no blocking: the writers share this event loop); resolves to
 * {code, out, err}. who: postgres | owner | app. */
function psql(port, args, { who = 'postgres', db = 'postgres', input } = {}) {
  const user = { postgres: 'postgres', owner: 'bostadforst_owner', app: 'bostadforst_app' }[who];
  const password = { postgres: pw.superuser, owner: pw.owner, app: pw.app }[who];
  return new Promise((resolve) => {
    const child = execFile('psql', ['-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-h', '127.0.0.1', '-p', String(port),
      '-U', user, '-d', db, ...args],
    { env: { ...process.env, PGPASSWORD: password, PGCONNECT_TIMEOUT: '3' }, maxBuffer: 256 << 20, timeout: 60000 },
    (err, out, errOut) => resolve({ code: err ? (err.code ?? 1) : 0, out: String(out), err: String(errOut) }));
    if (input !== undefined) { child.stdin.end(input); }
  });
}

async function psqlOk(port, args, opts) {
  const r = await psql(port, args, opts);
  if (r.code !== 0) throw new Error(`psql ${args.join(' ')}: ${r.err}`);
  return r.out;
}

/* GET a Patroni REST path on node n; resolves to JSON or null. */
async function rest(n, path) {
  try {
    const res = await fetch(`http://127.0.0.1:${n.rest}${path}`, { signal: AbortSignal.timeout(1500) });
    return await res.json();
  } catch { return null; }
}

/* The members as the first answering node sees them: [{name, role, state}] or null. */
async function members(except = null) {
  for (const n of NODES) {
    if (n === except) continue;
    const c = await rest(n, '/cluster');
    if (c && Array.isArray(c.members)) return c.members;
  }
  return null;
}

/* HAProxy "show stat" on a stats socket: the names of the servers UP. */
function haproxyUp(sock) {
  return new Promise((resolve) => {
    let data = '';
    const s = net.connect(sock, () => s.write('show stat\n'));
    s.on('data', (d) => { data += d; });
    s.on('end', () => resolve(data.split('\n').map((l) => l.split(','))
      .filter((f) => f.length > 17 && f[1] !== 'FRONTEND' && f[1] !== 'BACKEND' && f[0] !== '# pxname' && /^UP/.test(f[17]))
      .map((f) => f[1])));
    s.on('error', () => resolve(null));
    s.setTimeout(2000, () => { s.destroy(); resolve(null); });
  });
}

/* Polls cond (async) every ms until it returns truthy or timeout; returns it or throws. */
async function until(what, cond, { timeout = 60000, every = 200 } = {}) {
  const end = Date.now() + timeout;
  let last;
  while (Date.now() < end) {
    last = await cond();
    if (last) return last;
    await sleep(every);
  }
  throw new Error(`timed out after ${timeout / 1000} s waiting for ${what}`);
}

/* Healthy: a leader, a sync standby and a replica, all running, two
 * walsenders streaming on the leader, HAProxy sending to exactly the
 * leader. Resolves to {leader: node} or null. */
async function healthy() {
  const m = await members();
  if (!m || m.length !== 3 || !m.every((x) => x.state === 'running')) return null;
  const roles = m.map((x) => x.role).sort().join(',');
  if (roles !== 'leader,replica,sync_standby') return null;
  const leader = NODES.find((n) => n.name === m.find((x) => x.role === 'leader').name);
  const r = await psql(leader.pg, ['-c', "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'"]);
  if (r.code !== 0 || r.out.trim() !== '2') return null;
  const up = await haproxyUp(join(root, 'haproxy-pg.sock'));
  if (!up || up.length !== 1 || up[0] !== leader.name) return null;
  return { leader };
}

/* Checks a port is free on 127.0.0.1; resolves to true/false. */
function portFree(port) {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

/* A free port chosen by the kernel. */
function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
  });
}

/* Copies a deploy/ template to dest with @KEY@ replaced; fails on one left over. */
function render(src, dest, vars) {
  let text = readFileSync(join(DEPLOY, src), 'utf8');
  for (const [k, v] of Object.entries(vars)) text = text.split(`@${k}@`).join(v);
  const left = text.replace(/^\s*#.*$/gm, '').match(/@[A-Z0-9_]+@/);
  if (left) throw new Error(`${src}: placeholder ${left[0]} not replaced`);
  writeFileSync(dest, text, { mode: 0o600 });
  return dest;
}

/* ---------- the cluster ---------- */

const patroni = new Map();	// node name -> ChildProcess

function startPatroni(n) {
  const proc = start(`patroni-${n.name}`, 'setpriv', ['--reuid=postgres', '--regid=postgres', '--init-groups', '--reset-env',
    '/usr/bin/patroni', join(root, n.name, 'patroni.yml')], { kind: 'patroni' });
  patroni.set(n.name, proc);
  return proc;
}

async function startCluster() {
  for (const p of [2379, 2380, PRIMARY_PORT, ...NODES.flatMap((n) => [n.pg, n.rest])]) {
    if (!(await portFree(p))) throw new Error(`port ${p} on 127.0.0.1 is in use: another cluster test, or a leftover (node tests/cluster/run.mjs --cleanup)`);
  }
  start('etcd', 'etcd', ['--name', 'e1', '--data-dir', join(root, 'etcd'),
    '--listen-client-urls', 'http://127.0.0.1:2379', '--advertise-client-urls', 'http://127.0.0.1:2379',
    '--listen-peer-urls', 'http://127.0.0.1:2380', '--initial-advertise-peer-urls', 'http://127.0.0.1:2380',
    '--initial-cluster', 'e1=http://127.0.0.1:2380', '--initial-cluster-state', 'new']);
  await until('etcd', async () => {
    try { return (await (await fetch('http://127.0.0.1:2379/health', { signal: AbortSignal.timeout(1000) })).json()).health === 'true'; }
    catch { return false; }
  }, { timeout: 20000 });
  log('etcd healthy');
  for (const n of NODES) {
    const dir = join(root, n.name);
    mkdirSync(dir, { mode: 0o700 });
    render(join('patroni', `${n.name}.yml`), join(dir, 'patroni.yml'), { ROOT: root, SUPERUSER_PASSWORD: pw.superuser,
      REPLICATION_PASSWORD: pw.replication, REWIND_PASSWORD: pw.rewind });
    chownSync(dir, PG_UID, PG_GID);
    chownSync(join(dir, 'patroni.yml'), PG_UID, PG_GID);
    startPatroni(n);
  }
  render('haproxy-pg.cfg', join(root, 'haproxy-pg.cfg'), { ROOT: root });
  start('haproxy-pg', '/usr/sbin/haproxy', ['-db', '-f', join(root, 'haproxy-pg.cfg')]);
  const h = await until('a leader, a sync standby and a replica streaming, HAProxy on the leader', healthy, { timeout: 90000 });
  log(`cluster healthy: leader ${h.leader.name}`);
  return h;
}

/* The role, the database (deploy/postgres-roles.sql) and checks of what the
 * app role may not do. */
async function createDatabase() {
  await psqlOk(PRIMARY_PORT, ['-v', `owner_password=${pw.owner}`, '-v', `app_password=${pw.app}`,
    '-f', join(DEPLOY, 'postgres-roles.sql')]);
}

/* ---------- the load ---------- */

const records = [];	// {w, t0, t1, ok, note?, kind?}
const results = [];	// per fault: {rep, fault, outage, errors, recovered, note}
const acked = [];	// notes acknowledged
function record(r) {
  records.push(r);
  if (r.ok) acked.push(r.note);
}

/* SQL mode: writer.py through HAProxy. Returns {stop()}. */
function sqlLoad(tag) {
  const dsn = `host=127.0.0.1 port=${PRIMARY_PORT} dbname=bostadforst user=bostadforst_app password=${pw.app}`;
  const fd = openSync(join(root, 'logs', 'writer.err'), 'a');
  const proc = spawn('/usr/bin/python3', [join(REPO, 'tests/cluster/writer.py'), dsn, String(WRITERS), tag, String(PAUSE_MS)],
    { stdio: ['pipe', 'pipe', fd] });
  closeSync(fd);
  procs.push({ name: 'writer', proc, kind: 'writer' });
  let buf = '';
  proc.stdout.on('data', (d) => {
    buf += d;
    let i;
    while ((i = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      if (line) record(JSON.parse(line));
    }
  });
  const done = new Promise((r) => proc.on('exit', r));
  return { async stop() { proc.stdin.end(); await Promise.race([done, sleep(5000)]); if (!gone(proc.pid)) proc.kill('SIGKILL'); await done; } };
}

/* A cookie-keeping HTTP client with a timeout (one browser). */
class Browser {
  constructor(port) { this.port = port; this.cookies = new Map(); this.csrf = null; }
  request(method, path, body = null, { json = false } = {}) {
    const headers = { Host: 'localhost' };
    if (json) headers.Accept = 'application/json';
    if (this.cookies.size) headers.Cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (body !== null) {
      headers['Content-Type'] = 'application/x-www-form-urlencoded';
      headers['Content-Length'] = Buffer.byteLength(body);
    }
    return new Promise((resolve) => {
      const req = http.request({ host: '127.0.0.1', port: this.port, method, path, headers, agent: false }, (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          for (const c of res.headers['set-cookie'] || []) {
            const [pair, ...attrs] = c.split(';');
            const k = pair.slice(0, pair.indexOf('=')).trim(), v = pair.slice(pair.indexOf('=') + 1).trim();
            if (v === '' || attrs.some((a) => /max-age=0/i.test(a))) this.cookies.delete(k); else this.cookies.set(k, v);
          }
          resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') });
        });
        res.on('error', (e) => resolve({ status: 0, error: e.code || e.message }));
      });
      req.setTimeout(20000, () => req.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })));
      req.on('error', (e) => resolve({ status: 0, error: e.code || e.message }));
      if (body !== null) req.write(body);
      req.end();
    });
  }
  async login(username) {
    const f = await this.request('GET', '/login', null, { json: true });
    if (f.status !== 200) return f;
    this.csrf = JSON.parse(f.body).csrf_token;
    const r = await this.request('POST', '/login', new URLSearchParams({ csrf_token: this.csrf, username, password: 'bostadforst-demo' }).toString());
    if (r.status === 303) {
      const home = await this.request('GET', '/', null, { json: true });
      if (home.status === 200) this.csrf = JSON.parse(home.body).csrf_token;
    }
    return r;
  }
  visit(personId, note, date) {
    return this.request('POST', '/visits', new URLSearchParams({ csrf_token: this.csrf, person_id: String(personId), date,
      kind: 'home', met: '1', note }).toString());
  }
}

const today = (() => { const d = new Date(); const p = (n) => String(n).padStart(2, '0'); return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`; })();

/* What a user saw, as one word: ok, or the error's kind. */
function kindOf(r) {
  if (r.status === 0) return `conn:${r.error}`;
  const proxy = r.headers['x-bostadforst-proxy'] ? 'haproxy-' : '';
  if (r.status === 303) return /^\/visits/.test(r.headers.location || '') ? 'ok' : `303→${(r.headers.location || '').split('?')[0]}`;
  return `${proxy}${r.status}${r.headers['retry-after'] ? '+Retry-After' : ''}`;
}

/* App mode: WRITERS browsers posting visit notes through the app's HAProxy. */
async function appLoad(tag, appPort, caseloads) {
  let running = true;
  const loops = [];
  for (let w = 0; w < WRITERS; w++) {
    const user = w % 2 ? 'cm2' : 'cm1';
    const persons = caseloads[user];
    const b = new Browser(appPort);
    const l = await b.login(user);
    if (l.status !== 303) throw new Error(`login ${user} through HAProxy: ${l.status} ${l.error || ''}`);
    loops.push((async () => {
      for (let seq = 1; running; seq++) {
        const note = `${tag}-w${w}-${seq}`;
        const t0 = Date.now();
        const r = await b.visit(persons[seq % persons.length], note, today);
        let kind = kindOf(r);
        // an error page of the app: does it give the typed note back (no lost form)?
        if (r.status >= 400 && !r.headers['x-bostadforst-proxy']) kind += r.body.includes(note) ? ' (note kept)' : ' (note not shown)';
        record(kind === 'ok' ? { w, t0, t1: Date.now(), ok: true, note } : { w, t0, t1: Date.now(), ok: false, kind });
        if (kind.startsWith('303→/login') || r.status === 403) await b.login(user);	// a lost session: counted, then log in again
        else if (kind !== 'ok') await sleep(100);
        else if (PAUSE_MS) await sleep(PAUSE_MS);
      }
    })());
  }
  return { async stop() { running = false; await Promise.all(loops); } };
}

/* ---------- app nodes ---------- */

let appDb = 'pg';	// pg, or sqlite (CLUSTER_MODE=app-sqlite: the harness checking its app path)
let sqlitePath = null;

/* Runs a query on the app's database (PostgreSQL on port, or the SQLite
 * file); resolves to the first column of each row. */
async function appQuery(port, sql) {
  if (appDb === 'sqlite') {
    const out = await new Promise((resolve, reject) => execFile('sqlite3', ['-batch', '-noheader', sqlitePath, sql],
      { maxBuffer: 256 << 20 }, (err, o) => (err ? reject(err) : resolve(String(o)))));
    return out.split('\n').filter(Boolean);
  }
  return (await psqlOk(port, ['-c', sql], { db: 'bostadforst' })).split('\n').filter(Boolean);
}

const apps = [];	// {name, port, proc}

async function startApp(name, dbUrl, { port = 0, demo = false } = {}) {
  const args = ['serve', '--db', dbUrl, '--port', String(port), '--threads', '2', '--trusted-proxy', '127.0.0.1', '--quiet',
    ...(demo ? ['--demo'] : [])];
  const proc = start(name, BIN, args, { kind: 'app' });
  const logPath = join(root, 'logs', `${name}.log`);
  const got = await until(`${name} listening`, async () => {
    if (proc.exitCode !== null) throw new Error(`${name} exited ${proc.exitCode}: ${readFileSync(logPath, 'utf8').slice(-2000)}`);
    const m = [...readFileSync(logPath, 'utf8').matchAll(/listening on http:\/\/[^:]+:(\d+)/g)].pop();
    return m ? Number(m[1]) : 0;
  }, { timeout: 30000, every: 100 });
  const app = apps.find((a) => a.name === name) || { name };
  Object.assign(app, { port: got, proc });
  if (!apps.includes(app)) apps.push(app);
  return app;
}

/* One logged-in visit through node app directly (not HAProxy): 'ok' or the kind. */
async function directWrite(app, persons, tag) {
  const b = new Browser(app.port);
  const l = await b.login('cm1');
  if (l.status !== 303) return `login ${l.status || l.error}`;
  const note = `${tag}-direct-${app.name}-${Date.now()}`;
  const r = await b.visit(persons[0], note, today);
  const kind = kindOf(r);
  if (kind === 'ok') acked.push(note);
  return kind;
}

/* ---------- measuring ---------- */

/* The longest time without an acknowledgement across [from, to]: from the
 * last one before `from` to the first one after it, and every gap up to `to`. */
function outage(from, to) {
  const t = records.filter((r) => r.ok).map((r) => r.t1).sort((a, b) => a - b);
  let prev = from;
  for (const x of t) if (x <= from) prev = x;
  let worst = 0;
  for (const x of t) {
    if (x <= from) continue;
    if (x > to) { worst = Math.max(worst, x - prev); break; }
    worst = Math.max(worst, x - prev);
    prev = x;
  }
  return worst;
}

function errorsIn(from, to) {
  const out = {};
  for (const r of records) if (!r.ok && r.t1 >= from && r.t1 <= to) out[r.kind] = (out[r.kind] || 0) + 1;
  return out;
}

/* Waits until another node than old leads (as the others see it); returns
 * the time it was seen. */
async function newLeader(old) {
  await until(`a new leader instead of ${old.name}`, async () => {
    const m = await members(old);
    return m && m.some((x) => x.role === 'leader' && x.name !== old.name && x.state === 'running');
  }, { timeout: 90000, every: 100 });
  return Date.now();
}

/* Waits until acknowledgements flow again after t: at least 5 after it. */
async function writesFlowing(t, timeout = 90000) {
  await until('acknowledged writes again', async () => records.filter((r) => r.ok && r.t0 > t).length >= 5, { timeout, every: 50 });
}

/* ---------- main ---------- */

async function main() {
  if (process.getuid() !== 0) throw new Error('run as root (Patroni runs as postgres via setpriv)');
  if (PG_UID < 0) throw new Error('no postgres user: make cluster-deps');
  root = mkdtempSync('/tmp/bf-cluster-');
  chmodSync(root, 0o755);
  mkdirSync(join(root, 'logs'));
  log(`folder ${root}; ${REPS} repetition(s), ${WRITERS} writers`);
  await startCluster();
  await createDatabase();

  // the mode: the server's own migrate against PostgreSQL, or the SQL writer
  const ownerUrl = `postgresql://bostadforst_owner:${pw.owner}@127.0.0.1:${PRIMARY_PORT}/bostadforst?connect_timeout=3`;
  let appUrl = `postgresql://bostadforst_app:${pw.app}@127.0.0.1:${PRIMARY_PORT}/bostadforst?connect_timeout=3`;
  let mode = 'sql', why = '';
  if (MODE === 'app-sqlite') {
    // the harness's own check of the app path: both nodes on one SQLite file
    mode = 'app';
    appDb = 'sqlite';
    appUrl = sqlitePath = join(root, 'app.db');
    await new Promise((resolve, reject) => execFile(BIN, ['migrate', '--db', appUrl], (err) => (err ? reject(err) : resolve())));
  } else if (MODE !== 'sql') {
    if (!existsSync(BIN)) why = `${BIN} not built (make)`;
    else {
      const m = await new Promise((resolve) => execFile(BIN, ['migrate', '--db', ownerUrl], { cwd: join(root, 'logs'), timeout: 120000 },
        (err, out, errOut) => resolve({ code: err ? (err.code ?? 1) : 0, out: String(out) + String(errOut) })));
      const tables = (await psql(PRIMARY_PORT, ['-c', "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"], { db: 'bostadforst' })).out.trim();
      if (m.code === 0 && Number(tables) > 0) mode = 'app';
      else why = `\`${BIN.replace(REPO + '/', '')} migrate --db postgresql://...\` ${m.code === 0 ? 'created no table'
        : `exited ${m.code}: ${m.out.trim().split('\n')[0].replace(/:\/\/([^:@/]+):[^@]*@/g, '://$1:***@')}`}`;
    }
    if (MODE === 'app' && mode !== 'app') throw new Error(`CLUSTER_MODE=app but ${why}`);
  }
  log(mode === 'app' ? `mode: app nodes (${appDb === 'pg' ? 'the server speaks PostgreSQL' : 'on one SQLite file: the harness checking itself'})`
    : `mode: SQL writer${why ? ` (${why})` : ''}`);

  // least privilege, checked: the app role owns nothing, cannot DROP/ALTER,
  // cannot change or remove audit rows
  const privilege = [];
  let caseloads = null, appHaproxy = null;
  if (mode === 'sql') {
    await psqlOk(PRIMARY_PORT, ['-c', 'CREATE TABLE cluster_notes(id bigserial PRIMARY KEY, note text NOT NULL UNIQUE, writer int NOT NULL, at timestamptz NOT NULL DEFAULT now())'],
      { who: 'owner', db: 'bostadforst' });
    await psqlOk(PRIMARY_PORT, ['-c', 'GRANT SELECT, INSERT ON cluster_notes TO bostadforst_app',
      '-c', 'GRANT USAGE ON SEQUENCE cluster_notes_id_seq TO bostadforst_app'], { who: 'owner', db: 'bostadforst' });
  }	// app mode: bostadforst migrate gives the app role its rights (migrations-pg/grants.sql)
  const table = mode === 'sql' ? 'cluster_notes' : 'audit';
  if (appDb === 'pg') for (const [what, sql] of [['DROP', `DROP TABLE ${table}`], ['ALTER', `ALTER TABLE ${table} ADD COLUMN x int`],
    ['CREATE', 'CREATE TABLE app_made(x int)'], ...(mode === 'app' ? [['UPDATE audit', 'UPDATE audit SET id = id'], ['DELETE audit', 'DELETE FROM audit']] : [])]) {
    const r = await psql(PRIMARY_PORT, ['-c', sql], { who: 'app', db: 'bostadforst' });
    privilege.push(`${what}: ${r.code === 0 ? 'ALLOWED (wrong)' : 'refused'}`);
    if (r.code === 0) throw new Error(`the app role may ${sql}`);
  }
  if (privilege.length) log(`app role: ${privilege.join(', ')}`);

  let load;
  const tag = `cl${Date.now().toString(36)}`;
  if (mode === 'app') {
    await startApp('app1', appUrl, { demo: true });
    await startApp('app2', appUrl);
    const q = (u) => `SELECT p.id FROM person_case_managers c JOIN users u ON u.id = c.user_id JOIN persons p ON p.id = c.person_id
      WHERE u.username = '${u}' AND c.ended_at IS NULL ORDER BY p.id`;
    caseloads = {};
    for (const u of ['cm1', 'cm2']) {
      caseloads[u] = (await appQuery(PRIMARY_PORT, q(u))).map(Number);
      if (!caseloads[u].length) throw new Error(`${u} has no caseload in the demo`);
    }
    const appPort = await freePort();
    render('haproxy-app.cfg', join(root, 'haproxy-app.cfg'), { ROOT: root, DEPLOY, APP_PORT: String(appPort),
      APP1_PORT: String(apps[0].port), APP2_PORT: String(apps[1].port) });
    appHaproxy = { port: appPort, sock: join(root, 'haproxy-app.sock') };
    start('haproxy-app', '/usr/sbin/haproxy', ['-db', '-f', join(root, 'haproxy-app.cfg')]);
    await until('both app nodes up in HAProxy', async () => (await haproxyUp(appHaproxy.sock))?.length === 2, { timeout: 20000 });
    log(`app nodes on ${apps.map((a) => a.port).join(', ')}, HAProxy on ${appPort}`);
    load = await appLoad(tag, appPort, caseloads);
  } else {
    load = sqlLoad(tag);
  }
  await writesFlowing(Date.now(), 20000);
  const steady = Date.now();
  await sleep(2000);
  const baseline = records.filter((r) => r.ok && r.t1 >= steady).length / ((Date.now() - steady) / 1000);
  log(`load steady: ${baseline.toFixed(0)} acknowledged writes/s`);

  // FAULTS picks some; app-sqlite runs only c unless asked (its nodes do not use PostgreSQL)
  const runs = (f) => (process.env.FAULTS ? process.env.FAULTS.includes(f) : appDb === 'pg' || f === 'c');
  const appPids = () => apps.map((a) => a.proc.pid).join(',');
  for (let rep = 1; rep <= REPS; rep++) {
    // (a) kill -9 the primary's postmaster
    if (runs('a')) {
      const { leader } = await until('healthy', healthy, { timeout: 90000 });
      const pids = appPids();
      const pm = postmasterPid(leader);
      if (!pm) throw new Error(`no postmaster found for the leader ${leader.name}`);
      const tf = Date.now();
      kill(pm, 'SIGKILL');
      log(`rep ${rep} (a): kill -9 postmaster ${pm} of leader ${leader.name}`);
      await writesFlowing(await newLeader(leader));
      const tw = Date.now();
      const h = await until('healthy again (the old primary rejoined)', healthy, { timeout: 120000 });
      const tr = Date.now();
      results.push(await faultResult(rep, 'a', tf, tw, pids, caseloads, tag,
        `leader ${leader.name} → ${h.leader.name}; whole cluster healthy after ${secs(tr - tf)} s`));
    }
    // (b) kill -9 the Patroni leader; then start it again, as a supervisor would
    if (runs('b')) {
      await sleep(1000);
      const { leader } = await until('healthy', healthy, { timeout: 90000 });
      const pids = appPids();
      const p = patroni.get(leader.name);
      const tf = Date.now();
      p.kill('SIGKILL');
      log(`rep ${rep} (b): kill -9 Patroni ${p.pid} of leader ${leader.name}`);
      await writesFlowing(await newLeader(leader));
      const tw = Date.now();
      const m = await members(leader);
      const next = m?.find((x) => x.role === 'leader')?.name;
      startPatroni(leader);
      const h = await until('healthy again (Patroni restarted, the old primary rejoined)', healthy, { timeout: 120000 });
      const tr = Date.now();
      results.push(await faultResult(rep, 'b', tf, tw, pids, caseloads, tag,
        `leader ${leader.name} → ${next ?? h.leader.name}; Patroni restarted, healthy after ${secs(tr - tf)} s`));
    }
    // (c) kill -9 one app node; then start it again
    if (mode === 'app' && runs('c')) {
      await sleep(1000);
      await until('healthy', healthy, { timeout: 90000 });
      const victim = apps[(rep - 1) % 2], other = apps[rep % 2];
      const otherPid = other.proc.pid;
      const tf = Date.now();
      victim.proc.kill('SIGKILL');
      log(`rep ${rep} (c): kill -9 app node ${victim.name} (${victim.proc.pid})`);
      await writesFlowing(tf);
      const tw = Date.now();
      await until('HAProxy marks the dead node down', async () => {
        const up = await haproxyUp(appHaproxy.sock);
        return up && up.length === 1;
      }, { timeout: 20000 });
      const otherAlive = other.proc.exitCode === null && other.proc.pid === otherPid;
      const direct = await directWrite(other, caseloads.cm1, tag);
      await startApp(victim.name, appUrl, { port: victim.port });
      await until('both app nodes up again', async () => (await haproxyUp(appHaproxy.sock))?.length === 2, { timeout: 20000 });
      const tr = Date.now();
      await sleep(500);
      results.push({ rep, fault: 'c', outage: outage(tf, tw), errors: errorsIn(tf, tr),
        recovered: otherAlive && direct === 'ok' ? 'yes' : `no (${other.name} ${otherAlive ? 'alive' : 'restarted'}, write ${direct})`,
        note: `${victim.name} killed, ${other.name} served; ${victim.name} restarted, back in HAProxy after ${secs(tr - tf)} s` });
    }
    const last = results.slice(-3).filter((r) => r.rep === rep);
    for (const r of last) log(`rep ${rep} (${r.fault}): ${secs(r.outage)} s without a write; errors ${JSON.stringify(r.errors)}; recovered ${r.recovered}`);
  }

  await sleep(1000);
  await load.stop();
  // read back every acknowledged note on the primary (directly, not through HAProxy)
  const { leader } = await until('healthy before the read-back', healthy, { timeout: 90000 });
  const sql = mode === 'sql' ? `SELECT note FROM cluster_notes WHERE note LIKE '${tag}-%'` : `SELECT note FROM visits WHERE note LIKE '${tag}-%'`;
  const storedRows = await appQuery(leader.pg, sql);
  const stored = new Set(storedRows);
  const twice = storedRows.length - stored.size;	// a POST sent twice (a retry that must not happen)
  const lost = acked.filter((n) => !stored.has(n));
  const attempts = records.length;
  log(`read back ${appDb === 'sqlite' ? 'from the SQLite file' : `on ${leader.name}`}: ${acked.length} acknowledged, ${stored.size} stored, ${lost.length} lost, ${twice} stored twice`);
  if (lost.length) log(`lost: ${lost.slice(0, 20).join(' ')}`);
  // and on the two standbys, once they have replayed what the primary has
  const onStandbys = [];
  for (const n of NODES.filter((x) => x !== leader && appDb === 'pg')) {
    let missing = acked.length;
    const end = Date.now() + 20000;
    while (missing && Date.now() < end) {
      const r = await psql(n.pg, ['-c', sql], { db: 'bostadforst' });
      if (r.code === 0) { const have = new Set(r.out.split('\n').filter(Boolean)); missing = acked.filter((x) => !have.has(x)).length; }
      if (missing) await sleep(500);
    }
    onStandbys.push(`${n.name} ${missing ? `MISSING ${missing}` : 'all'}`);
  }
  log(`acknowledged notes on the standbys: ${onStandbys.join(', ')}`);

  const wall = Date.now() - started;
  printSummary({ mode, why, results, acked: acked.length, lost: lost.length, stored: stored.size, attempts, baseline, privilege, wall, onStandbys, twice });
  const bad = results.filter((r) => r.recovered !== 'yes' && r.recovered !== 'n/a');
  const errors500 = results.reduce((n, r) => n + Object.entries(r.errors).filter(([k]) => /(^|-)500/.test(k)).reduce((s, [, v]) => s + v, 0), 0);
  return lost.length === 0 && twice === 0 && bad.length === 0 && errors500 === 0 && onStandbys.every((x) => x.endsWith(' all'));
}

/* The record of fault (a) or (b): outage, errors, app nodes recovered. */
async function faultResult(rep, fault, tf, tw, pids, caseloads, tag, note) {
  const tr = Date.now();
  let recovered = 'n/a';
  if (apps.length) {
    const same = appPids() === pids && apps.every((a) => a.proc.exitCode === null);
    const direct = [];
    for (const a of apps) direct.push(await directWrite(a, caseloads.cm1, tag));
    recovered = same && direct.every((d) => d === 'ok') ? 'yes' : `no (${same ? 'same processes' : 'restarted'}; direct writes ${direct.join(', ')})`;
  }
  return { rep, fault, outage: outage(tf, tw), errors: errorsIn(tf, tr), recovered, note };
  function appPids() { return apps.map((a) => a.proc.pid).join(','); }
}

const FAULTS = { a: 'kill -9 the primary\'s postmaster', b: 'kill -9 the Patroni leader', c: 'kill -9 one app node' };

function printSummary({ mode, why, results, acked, lost, stored, attempts, baseline, privilege, wall, onStandbys, twice }) {
  const fmtErr = (e) => Object.entries(e).sort().map(([k, v]) => `${k} ×${v}`).join(', ') || 'none';
  const lines = [];
  lines.push('', `## Cluster test (${mode === 'app' ? (appDb === 'pg' ? 'app nodes' : 'app nodes on one SQLite file, the harness checking itself') : 'SQL writer'}): ${new Date().toISOString().slice(0, 16)}Z, ${REPS} repetition(s), ${WRITERS} writers`, '');
  if (why) lines.push(`SQL-writer mode: ${why}.`, '');
  lines.push('| fault | rep | seconds without an acknowledged write | errors seen | app nodes recovered without restart | what happened |');
  lines.push('|---|---|---|---|---|---|');
  for (const r of results) lines.push(`| (${r.fault}) ${FAULTS[r.fault]} | ${r.rep} | ${secs2(r.outage)} | ${fmtErr(r.errors)} | ${r.recovered} | ${r.note} |`);
  lines.push('', '| fault | seconds without a write: min / median / max | errors (all repetitions) |', '|---|---|---|');
  for (const f of Object.keys(FAULTS)) {
    const rs = results.filter((r) => r.fault === f);
    if (!rs.length) continue;
    const o = rs.map((r) => r.outage).sort((a, b) => a - b);
    const sum = {};
    for (const r of rs) for (const [k, v] of Object.entries(r.errors)) sum[k] = (sum[k] || 0) + v;
    lines.push(`| (${f}) ${FAULTS[f]} | ${secs2(o[0])} / ${secs2(o[Math.floor(o.length / 2)])} / ${secs2(o[o.length - 1])} | ${fmtErr(sum)} |`);
  }
  lines.push('', `Writes attempted ${attempts}, acknowledged ${acked}, read back ${appDb === 'pg' ? 'on the new primary' : 'from the database'} ${stored}: **acknowledged writes lost: ${lost}**`
    + ` (${stored - acked + lost} stored without an acknowledgement: committed, the answer lost with the connection).`
    + (twice ? ` STORED TWICE: ${twice}.` : ' None stored twice.')
    + (onStandbys.length ? ` Every acknowledged note on the standbys too: ${onStandbys.join(', ')}.` : ''),
    `Steady load before the faults: ${baseline.toFixed(0)} acknowledged writes/s.` + (privilege.length ? ` App role: ${privilege.join(', ')}.` : ''),
    `Total run time ${secs(wall)} s.`, '');
  console.log(lines.join('\n'));
}

/* ---------- entry ---------- */

if (process.argv.includes('--cleanup')) {
  const left = ours(/\/tmp\/bf-cluster-/);
  for (const pid of left) kill(pid, 'SIGKILL');
  for (const d of readdirSync('/tmp')) if (d.startsWith('bf-cluster-')) rmSync(join('/tmp', d), { recursive: true, force: true });
  console.log(`cleanup: killed ${left.length} process(es)`);
  process.exit(0);
}

let ok = false;
try {
  ok = await main();
} catch (e) {
  console.error(`cluster test failed: ${e.stack || e}`);
  for (const r of results) console.error(`done before: rep ${r.rep} (${r.fault}) ${secs2(r.outage)} s, errors ${JSON.stringify(r.errors)}, recovered ${r.recovered}`);
  const recent = {};
  for (const r of records) if (!r.ok && r.t1 > Date.now() - 30000) recent[r.kind] = (recent[r.kind] || 0) + 1;
  console.error(`writes in the last 30 s: ${records.filter((r) => r.ok && r.t1 > Date.now() - 30000).length} acknowledged, errors ${JSON.stringify(recent)}`);
  if (root) {
    for (const f of ['patroni-n1', 'patroni-n2', 'patroni-n3', 'app1', 'app2', 'haproxy-pg'].map((n) => join(root, 'logs', `${n}.log`)))
      if (existsSync(f)) console.error(`--- ${f} (end)\n${readFileSync(f, 'utf8').split('\n').slice(-15).join('\n')}`);
  }
}
const left = teardown();
console.log(`teardown: ${left.length ? `LEFT BEHIND ${left.join(' ')}` : 'no process left'}; total ${secs(Date.now() - started)} s`);
console.log(ok && !left.length ? 'cluster test: passed' : 'cluster test: FAILED');
process.exit(ok && !left.length ? 0 : 1);

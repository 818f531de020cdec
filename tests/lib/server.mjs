// server.mjs - starts the real server (the ASan build) on a free port
// against a temporary database, and a cookie-keeping HTTP client for it.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, readFileSync, openSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import http from 'node:http';
import https from 'node:https';
import assert from 'node:assert/strict';
import { attachPg } from './pg.mjs';

export const ROOT = new URL('../..', import.meta.url).pathname;
export const BIN = process.env.BF_BIN || join(ROOT, 'build/asan/bostadforst');
export const DEMO_PASSWORD = 'bostadforst-demo';
export const DEMO_USERS = {
  soc1: 'socialsekreterare', soc2: 'socialsekreterare', cm1: 'case_manager', cm2: 'case_manager',
  fast1: 'landlord', chef1: 'manager', admin1: 'admin',
};

/* BF_TEST_PG (set by tests/run.sh for its PostgreSQL pass, see
 * tests/lib/pg-cluster.mjs): the throwaway cluster every server of the
 * suite runs against, one fresh database each, instead of a SQLite file. */
export const PG = process.env.BF_TEST_PG ? attachPg(JSON.parse(process.env.BF_TEST_PG)) : null;
export const ENGINE = PG ? 'postgresql' : 'sqlite';
let dbSeq = 0;

/* For a suite that runs both engines itself (its own PostgreSQL): on the
 * PostgreSQL pass it would only repeat itself, so it says so and exits
 * with a "0 passed, 0 failed" line. */
export function oncePerRun(why) {
  if (!PG) return;
  console.log(`# runs in the SQLite pass: ${why}`);
  console.log('0 passed, 0 failed');
  process.exit(0);
}

/* Returns a new empty database for a server: a file in dir, or a fresh
 * PostgreSQL database of the test cluster (its URL as the owner role, for
 * migrate, the CLI and sql(); the server itself runs as the app role). */
function freshDb(dir, engine) {
  return PG && engine !== 'sqlite' ? PG.createDb(`t${process.pid}_${++dbSeq}`) : join(dir, 'test.db');
}

/* Returns a PostgreSQL database already migrated and seeded with the demo,
 * copied from the run's template (tests/lib/pg-cluster.mjs makes it), or
 * null when there is none: then the server migrates and seeds its own. */
function demoDb(engine) {
  return PG && PG.template && engine !== 'sqlite' ? PG.createDbFrom(`t${process.pid}_${++dbSeq}`, PG.template) : null;
}

const isUrl = (db) => /^postgres(ql)?:/.test(db);

/* Runs the binary with args (and stdin input); returns {code, stdout, stderr}. */
export function runBin(args, input = '') {
  try {
    const stdout = execFileSync(BIN, args, { input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
    return { code: 0, stdout, stderr: '' };
  } catch (e) {
    return { code: e.status, stdout: e.stdout || '', stderr: e.stderr || '' };
  }
}

/* Starts a server (setup(db) runs first, after migrate); resolves to
 * {url, port, db, serveDb, dir, log(), stop()}. engine 'sqlite': a SQLite
 * file even when BF_TEST_PG is set. db: an existing database (a file, or a
 * PostgreSQL URL: one of the BF_TEST_PG cluster is served as its app role,
 * any other as it is). */
export async function startServer({ args = [], demo = true, migrate = true, setup = null, db: existing = null,
  engine = null } = {}) {
  const dir = existing && !isUrl(existing) ? dirname(existing) : mkdtempSync(join(tmpdir(), 'bf-http-'));
  const copied = !existing && demo && migrate && !setup ? demoDb(engine) : null;	// --demo finds its data there
  const db = existing || copied || await freshDb(dir, engine);
  const ours = PG && isUrl(db) && new URL(db).port === String(PG.port);	// a database of the BF_TEST_PG cluster
  if (existing) demo = false;	// a restart on a database that has its data
  if (migrate && !existing && !copied) {
    const m = runBin(['migrate', '--db', db]);
    assert.equal(m.code, 0, `migrate failed: ${m.stderr}`);
  }
  if (setup) await setup(db);
  const logPath = join(dir, 'server.log');
  const logFd = openSync(logPath, 'w');
  const serveDb = ours ? PG.appUrl(db) : db;	// least privilege
  const argv = ['serve', '--db', serveDb, '--port', '0', '--threads', '2', ...(demo ? ['--demo'] : []), ...args];
  const proc = spawn(BIN, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${stderr}`)), 20000);
    proc.stderr.on('data', (d) => {
      stderr += d;
      const m = /listening on http:\/\/[^:]+:(\d+)/.exec(stderr);
      if (m) { clearTimeout(timer); resolve(Number(m[1])); }
    });
    proc.on('exit', (code) => { clearTimeout(timer); reject(new Error(`server exited ${code}:\n${stderr}`)); });
  });
  proc.stdout.on('data', () => {});
  proc.removeAllListeners('exit');
  closeSync(logFd);
  const exited = new Promise((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal })));
  return {
    url: `http://127.0.0.1:${port}`, port, db, serveDb, dir, proc,
    log: () => stderr,
    /* SIGTERM; asserts a clean exit and no sanitizer report. keep: the
     * database stays for a restart (startServer({db})). */
    async stop({ keep = false } = {}) {
      proc.kill('SIGTERM');
      const { code, signal } = await exited;
      const out = stderr;
      if (process.env.BF_SHOW_DB_ERRORS)
        for (const l of out.split('\n')) if (/^db: |^  in: /.test(l)) console.error(l);
      if (!keep) {
        rmSync(dir, { recursive: true, force: true });
        if (ours) PG.dropDb(db);
      }
      assert.ok(!/AddressSanitizer|LeakSanitizer|runtime error/.test(out), `sanitizer report:\n${out.slice(-3000)}`);
      assert.equal(code, 0, `server exit ${code} ${signal}\n${out.slice(-2000)}`);
      return out;
    },
  };
}

/* Runs SQL against the test database (the sqlite3 CLI, or psql for a
 * PostgreSQL URL); returns the rows. */
export function sql(db, query) {
  if (PG && isUrl(db)) return PG.query(db, query);
  const out = execFileSync('sqlite3', ['-json', db, query], { encoding: 'utf8' });
  return out.trim() ? JSON.parse(out) : [];
}

/* Returns every row of the test database as SQL text (sqlite3 .dump, or
 * pg_dump for PostgreSQL), to search for what must be gone. */
export function dumpText(db) {
  if (PG && /^postgres(ql)?:/.test(db)) return PG.dump(db);
  return execFileSync('sqlite3', [db, '.dump'], { encoding: 'utf8', maxBuffer: 1 << 28 });
}

/* A client that keeps cookies, like one browser. base may be https (any
 * certificate is accepted: the deploy suite's is self-signed); localAddress
 * picks the address it connects from (127.x.y.z on Linux). */
export class Client {
  constructor(base, { localAddress } = {}) {
    this.base = base;
    this.cookies = new Map();
    this.csrf = null;
    this.localAddress = localAddress;
  }

  /* Raw request; path is sent as is (no normalisation). */
  request(method, path, { body = null, headers = {}, json = false, chunked = false } = {}) {
    const u = new URL(this.base);
    const h = { ...headers };
    if (json) h['Accept'] = 'application/json';
    if (this.cookies.size) h['Cookie'] = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (body !== null && h['Content-Type'] === undefined) h['Content-Type'] = 'application/x-www-form-urlencoded';
    if (body !== null && !chunked) h['Content-Length'] = Buffer.byteLength(body);
    return new Promise((resolve, reject) => {
      const tls = u.protocol === 'https:';
      const req = (tls ? https : http).request({ host: u.hostname, port: u.port, method, path, headers: h,
        localAddress: this.localAddress, ...(tls ? { rejectUnauthorized: false } : {}) }, (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          for (const c of res.headers['set-cookie'] || []) {
            const [pair, ...attrs] = c.split(';');
            const i = pair.indexOf('=');
            const k = pair.slice(0, i).trim(), v = pair.slice(i + 1).trim();
            if (v === '' || attrs.some((a) => /max-age=0/i.test(a))) this.cookies.delete(k);
            else this.cookies.set(k, v);
          }
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode, headers: res.headers, body: text,
            json() { return JSON.parse(text); } });
        });
      });
      // A server that answers early (413) and closes makes our write fail
      // with EPIPE; the answer still arrives, so wait for it a little.
      req.on('error', (e) => setTimeout(() => reject(e), 1000));
      if (body !== null) req.write(body);
      req.end();
    });
  }

  get(path, opts = {}) { return this.request('GET', path, opts); }

  /* POSTs a form; adds csrf_token unless the form has one or csrf:false. */
  post(path, form = {}, { csrf = true, json = false, headers = {} } = {}) {
    const f = { ...form };
    if (csrf && f.csrf_token === undefined && this.csrf) f.csrf_token = this.csrf;
    return this.request('POST', path, { body: new URLSearchParams(f).toString(), json, headers });
  }

  /* Fetches the current CSRF token from a page's JSON twin. */
  async refreshCsrf(path = '/') {
    const r = await this.get(path, { json: true });
    this.csrf = r.json().csrf_token;
    return this.csrf;
  }

  async login(username, password = DEMO_PASSWORD) {
    const r = await this.get('/login', { json: true });
    this.csrf = r.json().csrf_token;
    const res = await this.post('/login', { username, password });
    if (res.status === 303) await this.refreshCsrf('/');
    return res;
  }
}

// pg.mjs - a throwaway PostgreSQL 15 cluster for one test run.
//
//   const pg = await startPg();           // initdb + start, ~0.6 s
//   const url = await pg.createDb('x');   // postgresql://bf_owner:...@127.0.0.1:PORT/x
//   const app = pg.appUrl(url);           // the same database as bf_app
//   pg.psql(url, ['-c', 'SELECT 1']);     // psql on that URL (ON_ERROR_STOP)
//   await pg.stop();                      // stop the server, remove the folder
//   await startPg({ durable: true });     // fsync on, as a real server (make bench)
//
// The cluster lives in a temp folder owned by `postgres` (initdb refuses
// root), listens on 127.0.0.1 only, on a free port (never the ports the
// cluster test uses: 5441-5443, 5000, 2379, 8008-8010), with its socket in
// the folder. The superuser `postgres` connects over the socket without a
// password; the roles of README "Running on PostgreSQL" log in over TCP with
// a password (scram-sha-256), as the server will: `bf_owner` owns each
// database and its tables (migrate, copy, and the tests' own SQL), `bf_app`
// is a member of the group role `bostadforst_app`, which migrations-pg/
// grants.sql gives rows only (the server runs as bf_app). Every database is created with
// ENCODING UTF8, LC_COLLATE 'C', LC_CTYPE 'C' (see migrations-pg/0001):
// text sorts by code point like SQLite's BINARY and lower() folds A-Z only.
// stop() also runs on process exit, SIGINT and SIGTERM.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import net from 'node:net';

export const PG_BIN = '/usr/lib/postgresql/15/bin';
const AVOID = new Set([5441, 5442, 5443, 5000, 2379, 8008, 8009, 8010]);
const APP_PASSWORD = 'bf_app_test_pw';
const OWNER_PASSWORD = 'bf_owner_test_pw';

// A port nobody listens on now (the kernel's pick, checked against AVOID).
async function freePort() {
  for (;;) {
    const port = await new Promise((resolve, reject) => {
      const s = net.createServer();
      s.once('error', reject);
      s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
    });
    if (!AVOID.has(port)) return port;
  }
}

// Runs a command as the postgres user; throws with its output on failure.
function asPostgres(cmd, args) {
  const r = spawnSync('runuser', ['-u', 'postgres', '--', cmd, ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} failed (${r.status}): ${r.stdout}${r.stderr}`);
  return r.stdout;
}

export async function startPg({ durable = false } = {}) {
  if (!existsSync(join(PG_BIN, 'initdb'))) throw new Error('PostgreSQL 15 missing: make deps-test');
  const t0 = Date.now();
  const dir = mkdtempSync(join(tmpdir(), 'bf-pg-'));
  chmodSync(dir, 0o755);
  const data = join(dir, 'data'), sock = join(dir, 'sock');
  execFileSync('install', ['-d', '-o', 'postgres', '-g', 'postgres', '-m', '700', data, sock]);
  asPostgres(join(PG_BIN, 'initdb'), ['-D', data, '-U', 'postgres', '--auth-local=trust',
    '--auth-host=scram-sha-256', '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync']);
  let port = 0, stopped = false;
  const stopSync = () => {
    if (stopped) return;
    stopped = true;
    spawnSync('runuser', ['-u', 'postgres', '--', join(PG_BIN, 'pg_ctl'), '-D', data, '-m', 'immediate', '-w', 'stop'],
      { stdio: 'ignore' });
    rmSync(dir, { recursive: true, force: true });
  };
  const onSignal = (sig) => { stopSync(); process.exit(sig === 'SIGINT' ? 130 : 143); };
  process.on('exit', stopSync);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  // a port can be taken between the check and the start: try a few
  for (let i = 0; ; i++) {
    port = await freePort();
    const r = spawnSync('runuser', ['-u', 'postgres', '--', join(PG_BIN, 'pg_ctl'), '-D', data, '-l', join(data, 'log'),
      '-w', '-o', serverOptions(port, sock, durable), 'start'],
      { encoding: 'utf8' });
    if (r.status === 0) break;
    if (i === 4) { stopSync(); throw new Error(`pg_ctl start failed: ${r.stdout}${r.stderr}`); }
  }
  const pg = clusterApi({ port, dir, sock }, durable);
  pg.superPsql('postgres', 'CREATE ROLE bostadforst_app NOLOGIN',
    `CREATE ROLE bf_app LOGIN PASSWORD '${APP_PASSWORD}' IN ROLE bostadforst_app`,
    `CREATE ROLE bf_owner LOGIN PASSWORD '${OWNER_PASSWORD}'`);
  pg.startMs = Date.now() - t0;
  pg.stop = async () => { stopSync(); };
  return pg;
}

/* The API over a running test cluster ({port, dir, sock}): started here by
 * startPg, or by another process (tests/lib/pg-cluster.mjs for the whole
 * of make test) and attached with attachPg(info). */
export function attachPg(info) {
  return clusterApi(info);
}

function clusterApi({ port, dir, sock, template = null }, durable = false) {
  const env = { ...process.env, PGCLIENTENCODING: 'UTF8', PGOPTIONS: '', PGPASSWORD: '' };
  const su = ['-h', sock, '-p', String(port), '-U', 'postgres', '-X', '-q', '-v', 'ON_ERROR_STOP=1'];
  const superPsql = (db, ...cmds) => {
    const args = [...su, '-d', db];
    for (const c of cmds) args.push('-c', c);	// one transaction per -c (CREATE DATABASE needs that)
    return execFileSync('psql', args, { encoding: 'utf8', env });
  };
  const url = (name) => `postgresql://bf_app:${APP_PASSWORD}@127.0.0.1:${port}/${name}`;
  const ownerUrl = (name) => `postgresql://bf_owner:${OWNER_PASSWORD}@127.0.0.1:${port}/${name}`;
  const pg = {
    port, dir, sock, template,
    info: { port, dir, sock, template },
    url,		// the database name as bf_app (the runtime role)
    ownerUrl,	// the database name as bf_owner (its owner)
    // The same database as url, logged in as bf_app.
    appUrl(target) {
      const u = new URL(target);
      return url(u.pathname.slice(1)) + u.search;	// its options (options=-c ...) too
    },
    // A fresh database owned by bf_owner (its schema public too); returns
    // its libpq URL as bf_owner (migrate with it; serve with appUrl of it).
    createDb(name) {
      if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`bad database name ${name}`);
      superPsql('postgres', `CREATE DATABASE ${name} OWNER bf_owner ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0`);
      superPsql(name, 'ALTER SCHEMA public OWNER TO bf_owner');
      return ownerUrl(name);
    },
    // A copy of the database template (as made by tests/lib/pg-cluster.mjs:
    // migrated, the demo seeded), owned by bf_owner; returns its owner URL.
    // A file copy on the server: much faster than migrating and seeding.
    createDbFrom(name, template) {
      if (!/^[a-z_][a-z0-9_]*$/.test(name) || !/^[a-z_][a-z0-9_]*$/.test(template)) throw new Error(`bad database name ${name}`);
      superPsql('postgres', `CREATE DATABASE ${name} OWNER bf_owner TEMPLATE ${template}`);
      return ownerUrl(name);
    },
    // Drops the database of url (its connections closed first).
    dropDb(target) {
      const name = new URL(target).pathname.slice(1);
      superPsql('postgres', `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
    // Runs query (SQLite's dialect where functions.sql covers it) on url;
    // returns the rows as objects, like sqlite3 -json ([] for a statement
    // that returns none).
    query(target, query) {
      const q = query.trim().replace(/;$/, '');
      const select = /^(select|with|values)\b/i.test(q), returning = /\breturning\b/i.test(q);
      const rows = select || returning;
      const text = select ? `SELECT coalesce(json_agg(q), '[]'::json) FROM (${q}) q`
        : returning ? `WITH q AS (${q}) SELECT coalesce(json_agg(q), '[]'::json) FROM q` : q;
      const out = execFileSync('psql', [target, '-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-c', text],
        { encoding: 'utf8', env: { ...env, PGOPTIONS: '-c search_path=sqlite_compat,pg_catalog,public' } });
      return rows ? JSON.parse(out) : [];
    },
    // Every row of the database of url as SQL text (pg_dump --data-only).
    dump(target) {
      return execFileSync('pg_dump', ['--data-only', '--no-owner', target], { encoding: 'utf8', env, maxBuffer: 1 << 28 });
    },
    // psql on a URL with ON_ERROR_STOP; returns { status, stdout, stderr }.
    psql(target, args, input) {
      return spawnSync('psql', [target, '-X', '-q', '-v', 'ON_ERROR_STOP=1', ...args],
        { encoding: 'utf8', env, input });
    },
    // as psql, but throws on failure and returns stdout
    psqlOk(target, args, input) {
      const r = pg.psql(target, args, input);
      if (r.status !== 0) throw new Error(`psql ${args.join(' ')}: ${r.stderr}`);
      return r.stdout;
    },
    superPsql,
    // Stops the PostgreSQL server (fast: connections are cut), as a
    // failover or a crash does to the clients; startServer starts it
    // again with the same port and socket.
    stopServer() {
      spawnSync('runuser', ['-u', 'postgres', '--', join(PG_BIN, 'pg_ctl'), '-D', join(dir, 'data'), '-m', 'fast', '-w', 'stop'],
        { stdio: 'ignore' });
    },
    startServer() {
      const r = spawnSync('runuser', ['-u', 'postgres', '--', join(PG_BIN, 'pg_ctl'), '-D', join(dir, 'data'), '-l',
        join(dir, 'data', 'log'), '-w', '-o', serverOptions(port, sock, durable), 'start'], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`pg_ctl start failed: ${r.stdout}${r.stderr}`);
    },
  };
  return pg;
}

/* The server's options: the port, the socket folder, loopback only, and
 * no waiting for the disk (a test cluster) unless durable (the bench's,
 * whose writes wait for fsync as SQLite's do). */
function serverOptions(port, sock, durable = false) {
  return `-p ${port} -k ${sock} -c listen_addresses=127.0.0.1${durable ? '' : ' -c fsync=off -c full_page_writes=off'}`;
}

// Command line: `node tests/lib/pg.mjs` starts a cluster, makes a database,
// prints the timings and its URL, and stops it again.
if (import.meta.url === `file://${process.argv[1]}`) {
  const t0 = Date.now();
  const pg = await startPg();
  const t1 = Date.now();
  const u = await pg.createDb('probe');
  const t2 = Date.now();
  process.stdout.write(pg.psqlOk(u, ['-At', '-c', 'SELECT version()']));
  await pg.stop();
  console.log(`start ${t1 - t0} ms, createDb ${t2 - t1} ms, stop ${Date.now() - t2} ms; url ${u}`);
}

// deploy.test.mjs - the recommended deployment, run for real: Debian's nginx
// with deploy/nginx/bostadforst.conf (ports and paths replaced, a
// self-signed certificate made here) in front of a test server, spoken to
// over HTTPS; slowloris against the server directly and through nginx; and
// deploy/systemd/bostadforst.service checked by systemd-analyze.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, rmSync, existsSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import net from 'node:net';
import { test, run } from '../lib/t.mjs';
import { startServer, Client, ROOT, BIN, DEMO_PASSWORD } from '../lib/server.mjs';
import { slowloris, probe, sleep } from '../lib/slow.mjs';

const SITE = join(ROOT, 'deploy/nginx/bostadforst.conf');
const UNIT = join(ROOT, 'deploy/systemd/bostadforst.service');
const DEADLINE = 10000;	// the server's default --request-deadline, and nginx's client_header_timeout

/* Finds a program on PATH or in /usr/sbin; returns its path or null. */
function which(name) {
  for (const d of [...(process.env.PATH || '').split(':'), '/usr/sbin', '/sbin']) {
    if (d && existsSync(join(d, name))) return join(d, name);
  }
  return null;
}

/* A free TCP port on 127.0.0.1. */
function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

/* Replaces each [from, to] in text, asserting each matches exactly once,
 * so a changed site file breaks this test instead of passing untested. */
function substitute(text, pairs) {
  for (const [from, to] of pairs) {
    const n = text.split(from).length - 1;
    assert.equal(n, 1, `deploy/nginx/bostadforst.conf: expected "${from}" once, found ${n}`);
    text = text.replace(from, to);
  }
  return text;
}

/* ---------- systemd ---------- */

test('systemd unit: sandboxed as asked, passes systemd-analyze verify', () => {
  const unit = readFileSync(UNIT, 'utf8');
  for (const line of ['User=bostadforst', 'ProtectSystem=strict', 'ReadWritePaths=/var/lib/bostadforst', 'NoNewPrivileges=yes',
    'PrivateTmp=yes', 'ProtectHome=yes', 'PrivateDevices=yes', 'RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX',
    'MemoryDenyWriteExecute=yes', 'SystemCallFilter=@system-service', 'CapabilityBoundingSet=',
    'Environment=TZ=Europe/Stockholm', 'Restart=on-failure']) {
    assert.ok(unit.split('\n').includes(line), `the unit has ${line}`);
  }
  const exec = /^ExecStart=(\S+) (.*)$/m.exec(unit);
  assert.ok(exec, 'ExecStart');
  const args = exec[2].split(/\s+/);
  assert.ok(args.includes('--secure-cookies') && args.includes('--trusted-proxy'), 'behind nginx: Secure cookies, the proxy trusted');
  assert.equal(args[args.indexOf('--db') + 1].startsWith('/var/lib/bostadforst/'), true, 'the database in the writable folder');
  // every flag is one the program knows (--help comes last: unknown flags fail first)
  const help = spawnSync(BIN, [...args, '--help'], { encoding: 'utf8' });
  assert.equal(help.status, 0, `${exec[1]} ${exec[2]}: ${help.stderr}`);

  const analyze = which('systemd-analyze');
  if (!analyze) {
    console.log('note: systemd-analyze is not installed; the unit was not verified');
    return;
  }
  // verify needs the ExecStart program to exist: point it at this build
  const dir = mkdtempSync(join(tmpdir(), 'bf-unit-'));
  try {
    const file = join(dir, 'bostadforst.service');
    writeFileSync(file, unit.replace(/^ExecStart=\S+/m, `ExecStart=${BIN}`));
    const v = spawnSync(analyze, ['verify', file], { encoding: 'utf8' });
    assert.equal(v.status, 0, `systemd-analyze verify:\n${v.stdout}${v.stderr}`);
    assert.equal((v.stdout + v.stderr).trim(), '', `systemd-analyze verify warns:\n${v.stdout}${v.stderr}`);
    const sec = spawnSync(analyze, ['security', '--offline=true', file], { encoding: 'utf8' });
    const m = /Overall exposure level for bostadforst\.service: ([\d.]+)/.exec(sec.stdout + sec.stderr);
    if (m) assert.ok(Number(m[1]) <= 2, `systemd-analyze security: exposure ${m[1]} (was 1.1)`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/* ---------- nginx in front of the server ---------- */

const nginxBin = which('nginx');
const openssl = which('openssl');
const missing = !nginxBin ? 'nginx' : !openssl ? 'openssl' : null;

if (missing) {
  test('nginx in front of the server', () => {
    assert.fail(`${missing} is not installed here, so the nginx deployment was not tested. ` +
      `tools/deps.sh test installs it from Debian (apt-get install ${missing}); run it as root or with sudo.`);
  });
  await run();
} else {
  const srv = await startServer({ args: ['--trusted-proxy', '127.0.0.1'] });
  const dir = mkdtempSync(join(tmpdir(), 'bf-nginx-'));
  chmodSync(dir, 0o755);	// nginx's workers run as nobody when the test is root
  const httpsPort = await freePort();
  const httpPort = await freePort();
  const conf = join(dir, 'nginx.conf');
  const nginxArgs = ['-p', dir, '-c', conf, '-e', join(dir, 'error.log')];
  let nginx = null;
  let startError = null;
  try {
    const cert = spawnSync(openssl, ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
      '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '2', '-subj', '/CN=localhost'], { encoding: 'utf8' });
    assert.equal(cert.status, 0, `openssl: ${cert.stderr}`);
    const site = substitute(readFileSync(SITE, 'utf8'), [
      ['listen 443 ssl http2;', `listen 127.0.0.1:${httpsPort} ssl http2;`],
      ['listen [::]:443 ssl http2;', ''],
      ['listen 80;', `listen 127.0.0.1:${httpPort};`],
      ['listen [::]:80;', ''],
      ['ssl_certificate /etc/ssl/bostadforst/fullchain.pem;', `ssl_certificate ${join(dir, 'cert.pem')};`],
      ['ssl_certificate_key /etc/ssl/bostadforst/privkey.pem;', `ssl_certificate_key ${join(dir, 'key.pem')};`],
      ['server 127.0.0.1:8080;', `server 127.0.0.1:${srv.port};`],
    ]);
    writeFileSync(join(dir, 'site.conf'), site);
    writeFileSync(conf, `worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 1024; }
http {
	access_log ${dir}/access.log;
	client_body_temp_path ${dir}/body;
	proxy_temp_path ${dir}/proxy;
	fastcgi_temp_path ${dir}/fastcgi;
	uwsgi_temp_path ${dir}/uwsgi;
	scgi_temp_path ${dir}/scgi;
	include ${dir}/site.conf;
}
`);
    const check = spawnSync(nginxBin, [...nginxArgs, '-t'], { encoding: 'utf8' });
    assert.equal(check.status, 0, `nginx -t:\n${check.stderr}`);
  } catch (e) {
    startError = e.message;
  }
  if (!startError) {
    nginx = spawn(nginxBin, [...nginxArgs, '-g', 'daemon off;'], { stdio: ['ignore', 'ignore', 'pipe'] });
    process.on('exit', () => { if (nginx.exitCode === null) nginx.kill('SIGKILL'); });	// never left running
    let err = '';
    nginx.stderr.on('data', (d) => { err += d; });
    nginx.on('exit', (code) => { if (code !== null) startError = `nginx exited ${code}: ${err}`; });
    for (let i = 0; i < 50; i++) {
      if ((await probe(`https://127.0.0.1:${httpsPort}/healthz`, { timeoutMs: 500 })).status === 200) break;
      if (startError) break;
      await sleep(100);
    }
  }
  const base = `https://127.0.0.1:${httpsPort}`;
  const nginxLog = () => { try { return readFileSync(join(dir, 'error.log'), 'utf8'); } catch { return ''; } };
  const ready = async () => {
    assert.equal(startError, null, `nginx could not be started: ${startError}\n${nginxLog()}`);
    const h = await probe(`${base}/healthz`);
    assert.equal(h.status, 200, `nginx answers: ${h.error || h.status}\n${nginxLog()}`);
  };

  test('through nginx: the login page over HTTPS with HSTS and the server\'s own headers', async () => {
    await ready();
    const direct = await probe(`${srv.url}/login`);
    const r = await probe(`${base}/login`);
    assert.equal(r.status, 200);
    assert.match(r.body, /<html lang="sv">/);
    assert.match(r.headers['strict-transport-security'], /^max-age=\d{8,}/);
    assert.equal(r.headers['content-security-policy'], direct.headers['content-security-policy'], 'the server\'s CSP, once');
    assert.equal(r.headers['x-content-type-options'], 'nosniff');
    assert.equal(r.headers['x-frame-options'], 'DENY');
    assert.equal(r.headers.server, 'nginx', 'no version');
    const plain = await probe(`http://127.0.0.1:${httpPort}/login`);
    assert.equal(plain.status, 301);
    assert.match(plain.headers.location, /^https:\/\//);
  });

  test('through nginx: log in, the session cookie is Secure (from X-Forwarded-Proto), pages follow', async () => {
    await ready();
    const c = new Client(base);
    const r = await c.login('cm1');
    assert.equal(r.status, 303, `login: ${r.status}`);
    const cookie = r.headers['set-cookie'].find((s) => s.startsWith('__Host-bf_session='));
    assert.ok(cookie, 'behind TLS the session cookie carries the __Host- prefix');
    assert.match(cookie, /; Secure/, 'Secure without --secure-cookies: nginx said https');
    assert.match(cookie, /HttpOnly/);
    const home = await c.get('/');
    assert.equal(home.status, 200);
    assert.match(home.body, /Hej .*!/);
    assert.match(home.headers['strict-transport-security'], /max-age/);
    const persons = await c.get('/persons', { json: true });
    assert.equal(persons.status, 200);
    const out = await c.post('/logout');
    assert.equal(out.status, 303);
  });

  test('through nginx: the client\'s address reaches the login throttle', async () => {
    await ready();
    const c = new Client(base, { localAddress: '127.0.0.9' });
    c.csrf = (await c.get('/login', { json: true })).json().csrf_token;
    const r = await c.post('/login', { username: 'cm2', password: 'not the password!' }, { headers: { 'X-Forwarded-For': '203.0.113.7' } });
    assert.equal(r.status, 401);
    await sleep(100);
    assert.match(srv.log(), /login failed: uid=\d+ ip=127\.0\.0\.9\n/, 'the address nginx saw, not one the client sent');
  });

  test('through nginx: its own refusals carry security headers and HSTS', async () => {
    await ready();
    const c = new Client(base);
    await c.login('admin1');
    const big = await c.post('/admin/districts', { name: 'x'.repeat(1100 * 1024) });
    assert.equal(big.status, 413, 'client_max_body_size matches --max-body');
    assert.match(big.headers['content-security-policy'], /default-src 'none'/);
    assert.equal(big.headers['x-content-type-options'], 'nosniff');
    assert.match(big.headers['strict-transport-security'], /max-age/);
    const fits = await c.post('/admin/districts', { name: 'Nära gränsen', pad: 'x'.repeat(1000 * 1024) });
    assert.equal(fits.status, 303, 'a body under 1 MiB goes through');
    const cookieLine = await probe(`${base}/healthz`, { headers: { Cookie: 'x=' + 'y'.repeat(20000) } });
    assert.equal(cookieLine.status, 400, 'a header line over 8 KiB: nginx');
    assert.match(cookieLine.headers['content-security-policy'], /default-src 'none'/);
    const lines = await probe(`${base}/healthz`, { headers: { 'X-A': 'a'.repeat(6000), 'X-B': 'b'.repeat(6000), 'X-C': 'c'.repeat(6000) } });
    assert.equal(lines.status, 431, 'over 16 KiB in all: the server\'s own 431');
    assert.match(lines.headers['content-security-policy'], /script-src 'self'/, 'with the server\'s headers');
  });

  test('slowloris: 200 slow connections at the server and 200 at nginx; normal clients served promptly, the slow closed', async () => {
    await ready();
    const [direct, proxied] = await Promise.all([
      slowloris({ port: srv.port, count: 200, from: ['127.0.0.2'], everyMs: 2000 }),
      slowloris({ port: httpsPort, count: 200, from: ['127.0.0.3'], everyMs: 2000, tls: true }),
    ]);
    try {
      await sleep(500);
      const held = direct.conns.filter((x) => x.closedAt === null);
      assert.ok(held.length >= 30 && held.length <= 34, `the server holds 32 from one address: ${held.length}`);
      assert.ok(proxied.open() >= 190, `nginx holds them (${proxied.open()}); they cost the server nothing`);
      const c = new Client(base);
      assert.equal((await c.login('soc1')).status, 303, 'a login through nginx during the attack');
      const slowest = { direct: 0, nginx: 0 };
      while (Date.now() - direct.t0 < DEADLINE - 1000) {
        const t = Date.now();
        const [d, p, page] = await Promise.all([probe(`${srv.url}/healthz`), probe(`${base}/login`), c.get('/')]);
        assert.equal(d.status, 200, `direct: ${d.error || d.status}`);
        assert.equal(p.status, 200, `through nginx: ${p.error || p.status}`);
        assert.equal(page.status, 200);
        slowest.direct = Math.max(slowest.direct, d.ms);
        slowest.nginx = Math.max(slowest.nginx, p.ms);
        await sleep(Math.max(0, 1000 - (Date.now() - t)));
      }
      assert.ok(slowest.direct < 1000 && slowest.nginx < 1500, `slowest answers: ${JSON.stringify(slowest)} ms`);
      // the server's deadline (10 s + its 250 ms sweep) and nginx's client_header_timeout
      await sleep(Math.max(0, DEADLINE + 2500 - (Date.now() - direct.t0)));
      assert.equal(direct.open(), 0, `at the server ${direct.open()} slow connections are still open`);
      assert.ok(held.every((x) => x.closedAt >= DEADLINE - 500), `closed before the deadline: ${held.map((x) => x.closedAt).filter((t) => t < DEADLINE - 500)}`);
      assert.equal(proxied.open(), 0, `at nginx ${proxied.open()} slow connections are still open`);
    } finally {
      direct.stop();
      proxied.stop();
    }
  });

  await run({
    after: async () => {
      if (nginx && nginx.exitCode === null) {
        const gone = new Promise((r) => nginx.on('exit', r));
        nginx.kill('SIGTERM');
        await gone;
      }
      rmSync(dir, { recursive: true, force: true });
      await srv.stop();
    },
  });
}

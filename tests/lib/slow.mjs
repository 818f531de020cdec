// slow.mjs - slow clients (slowloris) and a prompt-answer probe, for the
// limits and deploy suites.
import net from 'node:net';
import tls from 'node:tls';
import http from 'node:http';
import https from 'node:https';

const HEADER = 'X-Slow: 1\r\n';

/* Opens count connections to host:port from the local addresses in from
 * (round robin; any 127.x.y.z works on Linux), each sending a request line
 * and then one header byte every everyMs, never finishing. With tls: true
 * over TLS. Resolves when each has connected or closed, to
 * {conns: [{from, connectedAt, closedAt, got}], open(), closed(), stop()};
 * times in ms since the start. */
export async function slowloris({ host = '127.0.0.1', port, count, from = ['127.0.0.2'], everyMs = 2000, tls: useTls = false }) {
  const t0 = Date.now();
  const conns = [];
  await Promise.all(Array.from({ length: count }, (_, i) => new Promise((resolve) => {
    const c = { from: from[i % from.length], connectedAt: null, closedAt: null, got: 0, error: null };
    conns.push(c);
    const opts = { host, port, localAddress: c.from };
    const s = useTls ? tls.connect({ ...opts, rejectUnauthorized: false, servername: 'localhost' }) : net.connect(opts);
    c.socket = s;
    let n = 0;
    s.on(useTls ? 'secureConnect' : 'connect', () => {
      c.connectedAt = Date.now() - t0;
      s.write('GET / HTTP/1.1\r\nHost: localhost\r\n');
      c.timer = setInterval(() => { if (!s.destroyed) s.write(HEADER[n++ % HEADER.length]); }, everyMs);
      resolve();
    });
    s.on('data', (d) => { c.got += d.length; });
    s.on('error', (e) => { c.error = e.code; });
    s.on('close', () => { c.closedAt = Date.now() - t0; clearInterval(c.timer); resolve(); });
  })));
  return {
    t0, conns,
    open: () => conns.filter((c) => c.closedAt === null).length,
    closed: () => conns.filter((c) => c.closedAt !== null).length,
    stop() { for (const c of conns) { clearInterval(c.timer); c.socket.destroy(); } },
  };
}

/* One GET on a fresh connection (from localAddress); resolves to
 * {status, ms, headers, body} or {error, ms} (timeout after timeoutMs). */
export function probe(url, { timeoutMs = 3000, localAddress, headers = {} } = {}) {
  const t = Date.now();
  const u = new URL(url);
  const mod = u.protocol === 'https:' ? https : http;
  return new Promise((resolve) => {
    const req = mod.get(u, { agent: false, localAddress, headers, rejectUnauthorized: false, timeout: timeoutMs }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString(), ms: Date.now() - t }));
      res.on('error', (e) => resolve({ error: e.code || String(e), ms: Date.now() - t }));
    });
    req.on('timeout', () => { req.destroy(new Error('timeout')); });
    req.on('error', (e) => resolve({ error: e.code || e.message, ms: Date.now() - t }));
  });
}

/* Sends raw bytes on a fresh connection and collects everything until the
 * server closes or timeoutMs passes; resolves to {text, ms, closed}. */
export function raw(port, bytes, { timeoutMs = 3000, localAddress, host = '127.0.0.1' } = {}) {
  const t = Date.now();
  return new Promise((resolve) => {
    const chunks = [];
    const s = net.connect({ host, port, localAddress });
    const done = (closed) => { clearTimeout(timer); s.destroy(); resolve({ text: Buffer.concat(chunks).toString('utf8'), ms: Date.now() - t, closed }); };
    const timer = setTimeout(() => done(false), timeoutMs);
    s.on('connect', () => s.write(bytes));
    s.on('data', (d) => chunks.push(d));
    s.on('error', () => {});
    s.on('close', () => done(true));
  });
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

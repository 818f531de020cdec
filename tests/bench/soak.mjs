// soak.mjs - make bench's last part: the release server under a steady mix
// of reads and writes for SOAK_SECONDS (default 600), its resident memory
// sampled every 30 s. Prints the samples and one line: rss_start_mib,
// rss_end_mib, rss_growth_mib, requests, errors. A leak shows as growth
// that keeps rising after the first minutes (caches and SQLite's page cache
// fill early, then stay).
import { execFile, execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, Client } from '../lib/server.mjs';

const BIN = join(ROOT, 'bostadforst');
const SECONDS = Number(process.env.SOAK_SECONDS || 600);
const N = Number(process.env.SOAK_PERSONS || 100000);
const db = join(ROOT, `var/bench/persons-${N}.db`);
if (!existsSync(db)) execFileSync(BIN, ['demo', '--db', db, '--persons', String(N)], { stdio: ['ignore', 'ignore', 'inherit'] });

const proc = spawn(BIN, ['serve', '--db', db, '--port', '0', '--threads', '2', '--quiet', '--trusted-proxy', '127.0.0.1'],
  { stdio: ['ignore', 'ignore', 'pipe'] });
const port = await new Promise((resolve, reject) => {
  let err = '';
  proc.stderr.on('data', (d) => { err += d; const m = /listening on http:\/\/[^:]+:(\d+)/.exec(err); if (m) resolve(Number(m[1])); });
  proc.on('exit', (c) => reject(new Error(`server exited ${c}: ${err}`)));
});
const url = `http://127.0.0.1:${port}`;
const rss = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${proc.pid}/status`, 'utf8'))[1]) / 1024;
const cm = new Client(url);
await cm.login('cm1');
const cookie = [...cm.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
const person = (await cm.get('/persons', { json: true })).json().rows[0].id;
const wrk = (path, seconds, conns) => new Promise((resolve) => execFile('wrk', ['-t1', `-c${conns}`, `-d${seconds}s`, '-H',
  `Cookie: ${cookie}`, url + path], { encoding: 'utf8' }, (e, out) => resolve(out || '')));

const samples = [[0, rss()]];
const t0 = Date.now();
const load = Promise.all([wrk('/persons', SECONDS, 4), wrk(`/persons/${person}`, SECONDS, 4), wrk('/kvarboende', SECONDS, 1)]);
// writes: a visit note every 100 ms through the real form
let writes = 0, failed = 0, stop = false;
const writer = (async () => {
  while (!stop) {
    const r = await cm.post('/visits', { person_id: String(person), date: new Date().toISOString().slice(0, 10), kind: 'phone',
      met: '1', note: `Soak ${writes}` });
    if (r.status === 303) writes++; else failed++;
    await new Promise((res) => setTimeout(res, 100));
  }
})();
while (Date.now() - t0 < SECONDS * 1000) {
  await new Promise((res) => setTimeout(res, 30000));
  samples.push([Math.round((Date.now() - t0) / 1000), rss()]);
  console.error(`soak ${samples.at(-1)[0]} s: RSS ${samples.at(-1)[1].toFixed(1)} MiB`);
}
const outs = await load;
stop = true;
await writer;
const requests = outs.reduce((n, o) => n + Number((/(\d+) requests in/.exec(o) || [0, 0])[1]), 0);
const errors = outs.reduce((n, o) => n + Number((/Non-2xx or 3xx responses: (\d+)/.exec(o) || [0, 0])[1]), 0) + failed;
const start = samples[1] ? samples[1][1] : samples[0][1];	// after the first 30 s: caches filled
const end = samples.at(-1)[1];
proc.kill('SIGTERM');
console.log(`soak_seconds=${SECONDS} rss_start_mib=${start.toFixed(1)} rss_end_mib=${end.toFixed(1)} ` +
  `rss_growth_mib=${(end - start).toFixed(1)} requests=${requests} writes=${writes} errors=${errors}`);

// faults.test.mjs - the server when its process or its disk fails.
// (a) kill -9 under write load: several case-manager clients post visit
//     notes while the server is killed, a few times, restarted on the same
//     database each time; every note that got its 303 is there afterwards,
//     each with its audit row, and the database passes integrity_check.
// (b) a full disk: the database on a small filesystem of its own (tmpfs
//     with size=, mounted as root; without the right to mount, a file size
//     limit on the server process, which SQLite sees as an I/O error) is
//     filled with notes until a write fails: the answer is 503 with a
//     Swedish message and Retry-After (never 500), nothing stored before is
//     lost, the failed note is not stored, pages without an access-log row
//     are still served, and once there is space again writing works
//     without a restart. Bounded: about 20 s in all. BF_FAULTS_NO_MOUNT=1
//     runs the file-size-limit variant even as root.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, copyFileSync, existsSync, rmSync, statfsSync, statSync, writeFileSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, run } from '../lib/t.mjs';
import { startServer, Client, sql, PG } from '../lib/server.mjs';

const pad = (n) => String(n).padStart(2, '0');
const ymd = (d) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
const today = ymd(new Date());
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/* A person in Centrum with a current decision, assigned to cm1. */
function person(db, first, pnr) {
  const q = (s) => sql(db, s);
  const centrum = q("SELECT id FROM districts WHERE name = 'Centrum'")[0].id;
  const cm1 = q("SELECT id FROM users WHERE username = 'cm1'")[0].id;
  const id = q(`INSERT INTO persons(personnummer, first_name, last_name, district_id, created_at, updated_at)
    VALUES('${pnr}', '${first}', 'Feltestsson', ${centrum}, 0, 0) RETURNING id`)[0].id;
  q(`INSERT INTO decisions(person_id, district_id, decision_date, start_date, end_date, review_clause, support_kind,
    created_at, updated_at) VALUES(${id}, ${centrum}, '2025-01-01', '2025-01-01', '2099-12-31', 'x', 'internal', 0, 0)`);
  q(`INSERT INTO person_case_managers(person_id, user_id, started_at) VALUES(${id}, ${cm1}, 0)`);
  return id;
}

const visit = (client, personId, note, opts) =>
  client.post('/visits', { person_id: String(personId), date: today, kind: 'home', met: '1', note }, opts);

/* Kills the server process with SIGKILL and waits for it to be gone. */
async function kill9(srv) {
  const gone = new Promise((resolve) => {
    if (srv.proc.exitCode !== null || srv.proc.signalCode !== null) resolve();
    else srv.proc.once('exit', resolve);
  });
  srv.proc.kill('SIGKILL');
  await gone;
}

test('kill -9 under write load, four times: every note answered 303 is stored, with its audit row', async () => {
  let srv = await startServer();
  const db = srv.db;
  const p = person(db, 'Kill', '19700101-0003');
  const clients = [];
  for (let i = 0; i < 4; i++) {
    const c = new Client(srv.url);
    assert.equal((await c.login('cm1')).status, 303);
    clients.push(c);
  }
  const acked = [];
  let unanswered = 0, other = 0;
  for (let round = 0; round < 4; round++) {
    let alive = true;
    const writer = async (c, k) => {
      for (let i = 0; alive; i++) {
        const note = `r${round} c${k} n${i}: anteckning under belastning`;
        try {
          const r = await visit(c, p, note);
          if (r.status === 303) acked.push(note);
          else other++;
        } catch {
          unanswered++;	// killed mid-request: it may or may not be stored
          return;
        }
      }
    };
    const writers = clients.map((c, k) => writer(c, k));
    await sleep(400 + 300 * round);
    await kill9(srv);
    alive = false;
    await Promise.all(writers);
    srv = await startServer({ db });	// the same database, the sessions in it still valid
    for (const c of clients) c.base = srv.url;
  }
  assert.ok(acked.length >= 20, `only ${acked.length} writes were answered before the kills`);
  assert.equal(other, 0, 'every answered write was a 303');
  const stored = new Set(sql(db, `SELECT note FROM visits WHERE person_id = ${p}`).map((r) => r.note));
  const lost = acked.filter((n) => !stored.has(n));
  assert.deepEqual(lost, [], `${lost.length} of ${acked.length} acknowledged notes lost`);
  const orphans = sql(db, `SELECT count(*) AS n FROM visits v WHERE v.person_id = ${p} AND NOT EXISTS
    (SELECT 1 FROM audit a WHERE a.entity = 'visit' AND a.action = 'create' AND a.entity_id = v.id)`)[0].n;
  assert.equal(orphans, 0, 'a stored note without its audit row');
  if (!PG) assert.equal(sql(db, 'PRAGMA integrity_check')[0].integrity_check, 'ok');
  // the server after the last restart reads them back too
  const j = (await clients[0].get(`/visits?person=${p}`, { json: true })).json();
  assert.equal(j.counts.visits, stored.size, 'the journal counts every stored note');
  assert.ok(stored.size <= acked.length + unanswered, 'nothing stored that was never sent');
  console.log(`     kill -9: ${acked.length} acknowledged, ${unanswered} cut off, 0 lost`);
  await srv.stop();
});

/* A directory on a filesystem of its own: tmpfs (as root, or sudo without
 * a password), else null. */
function smallFilesystem() {
  const dir = mkdtempSync(join(tmpdir(), 'bf-full-'));
  const sudo = process.getuid && process.getuid() === 0 ? [] : ['sudo', '-n'];
  const as = (args) => execFileSync(sudo.length ? sudo[0] : args[0], sudo.length ? [...sudo.slice(1), ...args] : args.slice(1),
    { stdio: 'ignore' });
  try {
    if (process.env.BF_FAULTS_NO_MOUNT) throw new Error('the fallback asked for');
    as(['mount', '-t', 'tmpfs', '-o', 'size=64m,mode=0700', 'tmpfs', dir]);
    return { dir, umount: () => as(['umount', dir]) };
  } catch {
    return { dir, umount: null };	// no right to mount: the fallback
  }
}

/* On PostgreSQL the disk is the database server's; what the application
 * meets instead is the server going away (a crash, a switch to a
 * standby) and coming back: 503 with Retry-After and a Swedish message
 * meanwhile, nothing acknowledged lost, and writing again without a
 * restart of bostadforst, on the same session. */
if (PG) test('PostgreSQL goes away: 503 with a Swedish message and Retry-After, nothing lost, writing resumes without a restart', async () => {
  const srv = await startServer();
  const p = person(srv.db, 'Borta', '19700101-0012');
  const cm = new Client(srv.url);
  assert.equal((await cm.login('cm1')).status, 303);
  try {
    assert.equal((await visit(cm, p, 'före avbrottet')).status, 303);
    PG.stopServer();
    const failed = await visit(cm, p, 'under avbrottet');
    assert.equal(failed.status, 503, `a write without the database answers ${failed.status}:\n${failed.body.slice(0, 400)}`);
    assert.match(failed.body, /Databasen går inte att nå just nu\. Försök igen om en stund; inget av det du skrev har sparats\./);
    assert.equal(failed.headers['retry-after'], '5');
    // nothing typed is lost: the page gives the note back, and a form to send it again
    assert.match(failed.body, /<h2 id="typed-h">Det du skrev<\/h2>[\s\S]*<dt>Anteckning<\/dt><dd>under avbrottet<\/dd>/);
    var retry = Object.fromEntries([...failed.body.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)]
      .map((m) => [m[1], m[2].replace(/&amp;/g, '&')]));
    assert.equal(retry.note, 'under avbrottet');
    assert.match(failed.body, /<form method="post" action="\/visits">[\s\S]*<button type="submit">Försök igen<\/button>/);
    const page = await cm.get(`/visits?person=${p}`);
    assert.equal(page.status, 503, 'a page without the database');
    assert.match(page.body, /Databasen går inte att nå just nu/);
    assert.match(page.body, /<a href="\/">Till startsidan<\/a>/, 'a user whose session could not be read is not sent to log in');
    assert.doesNotMatch(page.body, /Till inloggningen/);
    const j = await cm.get(`/visits?person=${p}`, { json: true });
    assert.equal(j.status, 503);
    assert.match(j.json().error.message, /Databasen går inte att nå/);
    const health = await cm.get('/healthz');
    assert.equal(health.status, 503, '/healthz tells a load balancer the database is out of reach');
  } finally {
    PG.startServer();
  }
  // the same server process and session: no restart, no new login
  assert.deepEqual(sql(srv.db, `SELECT note FROM visits WHERE person_id = ${p} ORDER BY id`).map((r) => r.note),
    ['före avbrottet'], 'the refused note was not stored');
  const resent = await cm.post('/visits', retry, { csrf: false });
  assert.equal(resent.status, 303, `"Försök igen" once the database is back: ${resent.status}`);
  const again = await visit(cm, p, 'efter avbrottet');
  assert.equal(again.status, 303, `after the database came back: ${again.status}`);
  const notes = sql(srv.db, `SELECT note FROM visits WHERE person_id = ${p} ORDER BY id`).map((r) => r.note);
  assert.deepEqual(notes, ['före avbrottet', 'under avbrottet', 'efter avbrottet'], 'each note once');
  await srv.stop();
});

/* A database that holds a lock (another session, a long migration) must
 * not hold the page: past lock_timeout (1 s here through the connection
 * string; 10 s by default) the user gets the 503 with the note given back,
 * and sends it again once the lock is gone. */
if (PG) test('a lock held elsewhere: 503 after lock_timeout with the note given back, then it goes through', async () => {
  const first = await startServer();
  const p = person(first.db, 'Las', '19700101-0013');
  await first.stop({ keep: true });
  const url = new URL(first.db);
  url.search = `?options=${encodeURIComponent('-c lock_timeout=1000')}`;	// libpq reads %20, not +
  const srv = await startServer({ db: url.toString() });
  const cm = new Client(srv.url);
  assert.equal((await cm.login('cm1')).status, 303);
  const { spawn } = await import('node:child_process');
  // the journal's table, locked against writes by another session for 4 s
  const holder = spawn('psql', [PG.ownerUrl(url.pathname.slice(1)), '-X', '-q', '-c',
    'BEGIN; LOCK TABLE visits IN EXCLUSIVE MODE; SELECT pg_sleep(4); COMMIT'], { stdio: 'ignore' });
  await sleep(500);
  const t0 = Date.now();
  const r = await visit(cm, p, 'under låset');
  const waited = Date.now() - t0;
  assert.equal(r.status, 503, `a write behind a held lock: ${r.status}`);
  assert.ok(waited < 3500, `answered after ${waited} ms, not when the lock was let go`);
  assert.match(r.body, /<dd>under låset<\/dd>/, 'the note given back');
  await new Promise((resolve) => holder.on('exit', resolve));
  assert.equal((await visit(cm, p, 'under låset')).status, 303, 'sent again once the lock is gone');
  assert.equal(sql(first.db, `SELECT count(*) AS n FROM visits WHERE person_id = ${p} AND note = 'under låset'`)[0].n, 1);
  await srv.stop();
});

if (!PG) test('a full disk: 503 with a Swedish message, nothing lost, reads go on, writing resumes with space', async () => {
  // the demo database, made on the ordinary disk and moved onto the small one
  const first = await startServer();
  const p = person(first.db, 'Disk', '19700101-0011');
  await first.stop({ keep: true });
  const fs = smallFilesystem();
  const db = join(fs.dir, 'full.db');
  copyFileSync(first.db, db);
  if (existsSync(first.db + '-wal')) copyFileSync(first.db + '-wal', db + '-wal');
  rmSync(first.dir, { recursive: true, force: true });

  const srv = await startServer({ db });
  let filler = null;
  try {
    const cm = new Client(srv.url);
    assert.equal((await cm.login('cm1')).status, 303);
    let mode;
    if (fs.umount) {
      // leave 256 KiB free: the WAL runs into the end of the filesystem
      mode = 'tmpfs';
      const st = statfsSync(fs.dir);
      filler = join(fs.dir, 'filler');
      writeFileSync(filler, Buffer.alloc(Math.max(0, Number(st.bavail) * Number(st.bsize) - 256 * 1024), 1));
    } else {
      // no mount: the server may not grow a file past 256 KiB more than the biggest
      mode = 'fsize';
      const size = (f) => (existsSync(f) ? statSync(f).size : 0);
      const limit = Math.max(size(db), size(db + '-wal')) + 256 * 1024;
      execFileSync('prlimit', ['--pid', String(srv.proc.pid), `--fsize=${limit}:unlimited`]);
    }
    const note = (i) => `Anteckning ${i}: ` + 'Hembesök, allt lugnt. '.repeat(180) + 'Slut.';
    const acked = [];
    let failed = null, i = 0;
    for (; i < 400 && !failed; i++) {
      const r = await visit(cm, p, note(i));
      if (r.status === 303) acked.push(note(i));
      else failed = r;
    }
    assert.ok(failed, `${i} writes and the disk is still not full (${mode})`);
    assert.ok(acked.length >= 3, `only ${acked.length} writes before the disk was full`);
    assert.equal(failed.status, 503, `a full disk answers ${failed.status}:\n${failed.body.slice(0, 500)}`);
    assert.match(failed.body, /Databasen är full eller inte skrivbar\. Försök igen senare; inget av det du skrev har sparats\./);
    assert.ok(Number(failed.headers['retry-after']) > 0, 'Retry-After');
    const lastNote = note(i - 1);
    // JSON clients get the same answer as JSON
    const j = await visit(cm, p, 'en till', { json: true });
    assert.equal(j.status, 503);
    assert.match(j.json().error.message, /Databasen är full/);

    // nothing stored is lost, the failed notes are not stored
    const stored = sql(db, `SELECT note FROM visits WHERE person_id = ${p} ORDER BY id`).map((r) => r.note);
    const label = (n) => n.slice(0, n.indexOf(':'));
    assert.deepEqual(stored.map(label), acked.map(label), 'exactly the acknowledged notes are stored');
    assert.deepEqual(stored, acked);
    assert.ok(!stored.includes(lastNote) && !stored.includes('en till'));

    // reads that write nothing are still served; a journal page must write
    // its access-log row first: shown with that row, or refused with 503
    // when even the row finds no room, never shown unlogged
    assert.equal((await cm.get('/healthz')).status, 200, 'GET /healthz while the disk is full');
    // pages that show persons write one audit row per person shown: with
    // room they are shown, without it refused (503), never shown unlogged
    for (const path of ['/', '/persons', '/visits']) {
      const before = sql(db, "SELECT count(*) AS n FROM audit WHERE action = 'read'")[0].n;
      const r = await cm.get(path);
      const after = sql(db, "SELECT count(*) AS n FROM audit WHERE action = 'read'")[0].n;
      if (r.status === 200) assert.ok(after > before, `GET ${path} shown while the disk is full has its audit rows`);
      else {
        assert.equal(r.status, 503, `GET ${path} while the disk is full: shown or 503, never 500`);
        assert.equal(after, before);
      }
    }
    const reads = () => sql(db, `SELECT count(*) AS n FROM audit WHERE entity = 'visits' AND action = 'read'
      AND entity_id = ${p}`)[0].n;
    const logged = reads();
    const journal = await cm.get(`/visits?person=${p}`);
    if (journal.status === 200) {
      assert.equal(reads(), logged + 1, 'a journal shown while the disk is full has its audit row');
    } else {
      assert.equal(journal.status, 503, 'an audited read without room for its audit row');
      assert.match(journal.body, /Databasen går inte att läsa eller skriva just nu/);
      assert.equal(reads(), logged);
    }

    // space again: writing works at once, no restart, and everything reads back
    if (mode === 'tmpfs') unlinkSync(filler);
    else execFileSync('prlimit', ['--pid', String(srv.proc.pid), '--fsize=unlimited:unlimited']);
    filler = null;
    assert.equal((await visit(cm, p, 'Efter att disken fått plats igen.')).status, 303);
    const back = (await cm.get(`/visits?person=${p}`, { json: true })).json();
    assert.equal(back.counts.visits, acked.length + 1);
    assert.equal(sql(db, 'PRAGMA integrity_check')[0].integrity_check, 'ok');
    console.log(`     full disk (${mode}): ${acked.length} notes stored, then 503; none lost; the journal ${journal.status}`);
    const log = await srv.stop({ keep: true });
    assert.doesNotMatch(log, /^\S+ \S+ \S+ 500 /m, 'no request answered 500');
  } finally {
    if (srv.proc.exitCode === null && srv.proc.signalCode === null) await kill9(srv);
    if (filler) rmSync(filler, { force: true });
    if (fs.umount) fs.umount();
    rmSync(fs.dir, { recursive: true, force: true });
  }
});

await run();

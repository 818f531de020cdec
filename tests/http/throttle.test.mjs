// throttle.test.mjs - login throttling against real servers: attempts are
// reserved before the password check (parallel attempts never get more
// checks than the limit), past the limit the answer is 429 with a
// Retry-After that grows, the right password logs in once it has passed,
// per account and per client address, the client address from
// X-Forwarded-For only behind a --trusted-proxy, and all of it in the
// database (two servers on one database share it).
//
// How the checks are counted: the server prints the number of Argon2id
// verifications it ran when it stops ("stopped (N password checks)"),
// counted where the verification happens. Counting rows in login_attempts
// would measure the reservations with the bookkeeping under test (a check
// that ran without a reservation would not show); the count of 401
// answers is compared with it too.
import assert from 'node:assert/strict';
import { test, run } from '../lib/t.mjs';
import { startServer, Client, sql, DEMO_PASSWORD } from '../lib/server.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const WRONG = 'fel-lösenord-';	// never a real password; must not reach a log
const logs = [];

/* Starts a server and remembers its log for the last test. */
async function server(args, opts = {}) {
  const s = await startServer({ args, ...opts });
  logs.push(s.log);
  return s;
}

/* Stops s; returns the number of password checks it ran. */
async function checksAtStop(s, opts) {
  const out = await s.stop(opts);
  const m = /stopped \((\d+) password checks\)/.exec(out);
  assert.ok(m, `no count in the stop line:\n${out.slice(-500)}`);
  return Number(m[1]);
}

/* A client with the login form's CSRF token. */
async function ready(url) {
  const c = new Client(url);
  c.csrf = (await c.get('/login', { json: true })).json().csrf_token;
  return c;
}

/* One login attempt, from the forwarded address xff when given. */
async function attempt(url, username, password, xff) {
  const c = await ready(url);
  const headers = xff ? { 'X-Forwarded-For': xff } : {};
  return c.post('/login', { username, password }, { headers });
}

function assert429(r, where) {
  assert.equal(r.status, 429, `${where}: ${r.status}`);
  const wait = Number(r.headers['retry-after']);
  assert.ok(Number.isInteger(wait) && wait >= 1 && wait <= 900, `${where}: Retry-After ${r.headers['retry-after']}`);
  assert.match(r.body, /För många inloggningsförsök\. Försök igen om \d+ (sekund|sekunder|minut|minuter)\./, where);
  return wait;
}

const failures = (db, where = '1 = 1') => sql(db, `SELECT count(*) AS n FROM login_attempts WHERE done = 1 AND cleared = 0 AND ${where}`)[0].n;

test('30 parallel wrong passwords (the per-address connection limit is 32) for one account: 5 checks, the rest 429; after the wait the right password logs in', async () => {
  const srv = await server([]);	// the defaults: limit 5, first wait 2 s
  let checks;
  try {
    const clients = await Promise.all(Array.from({ length: 30 }, () => ready(srv.url)));
    const results = await Promise.all(clients.map((c, i) => c.post('/login', { username: 'cm1', password: WRONG + i })));
    const checked = results.filter((r) => r.status === 401).length;
    const refused = results.filter((r) => r.status === 429);
    assert.equal(checked + refused.length, 30, `only 401 and 429: ${results.map((r) => r.status)}`);
    assert.ok(checked >= 1 && checked <= 5, `checked ${checked} of 30 (limit 5)`);
    refused.forEach((r, i) => assert429(r, `refused ${i}`));
    assert.equal(failures(srv.db), checked, 'each check is one failure row');
    const early = await attempt(srv.url, 'cm1', DEMO_PASSWORD);
    const wait = assert429(early, 'the right password during the wait');
    await sleep(wait * 1000);
    assert.equal((await attempt(srv.url, 'cm1', DEMO_PASSWORD)).status, 303, 'the right password after the wait');
    assert.equal(failures(srv.db), 0, 'the success cleared the failures for the account');
    assert.equal(sql(srv.db, 'SELECT count(*) AS n FROM login_attempts WHERE cleared = 1')[0].n, 5, 'kept for the address bucket');
    checks = checked + 1;
  } finally {
    const ran = await checksAtStop(srv);
    if (checks !== undefined) assert.equal(ran, checks, `password checks run: ${ran}, expected the ${checks - 1} failures and 1 login`);
  }
});

const srv = await server([]);

test('past the limit the wait doubles with each failure (2 s, 4 s, 8 s), and no check runs meanwhile', async () => {
  for (let i = 0; i < 5; i++) assert.equal((await attempt(srv.url, 'chef1', WRONG + i)).status, 401);
  const waits = [];
  for (let round = 0; round < 3; round++) {
    const r = await attempt(srv.url, 'chef1', WRONG + 'x');
    waits.push(assert429(r, `round ${round}`));
    if (round < 2) {
      await sleep(waits[round] * 1000);
      assert.equal((await attempt(srv.url, 'chef1', WRONG + round)).status, 401, 'checked after the wait');
    }
  }
  assert.deepEqual(waits, [2, 4, 8]);
  assert.equal(failures(srv.db), 7, 'the 429s are not failures');
  const r = await attempt(srv.url, 'chef1', DEMO_PASSWORD);
  assert.equal(r.status, 429, 'the right password waits too (not checked)');
  assert.match(r.body, /Försök igen om [78] sekunder/);
});

test('without --trusted-proxy, X-Forwarded-For is ignored: a forged header does not dodge the address limit', async () => {
  const s = await server(['--login-address-limit', '3']);
  try {
    for (let i = 0; i < 3; i++) assert.equal((await attempt(s.url, `okand-${i}`, WRONG, `10.50.0.${i}`)).status, 401);
    assert429(await attempt(s.url, 'okand-9', WRONG, '10.50.0.99'), 'a fourth account, another forged address');
    assert429(await attempt(s.url, 'cm2', DEMO_PASSWORD, '10.50.0.100'), 'even a right password from this peer');
    assert.deepEqual(sql(s.db, 'SELECT DISTINCT address FROM login_attempts'), [{ address: '127.0.0.1' }], 'counted under the peer');
  } finally {
    await s.stop();
  }
});

test("the victim's login does not forgive an attacker's guesses from another address", async () => {
  const s = await server(['--trusted-proxy', '127.0.0.1', '--login-address-limit', '8']);
  try {
    const attacker = '10.70.0.71', victim = '10.70.0.72';
    let checked = 0;
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 4; i++) {
        const r = await attempt(s.url, 'soc2', WRONG + round + i, attacker);
        if (r.status === 401) checked++;
      }
      assert.equal((await attempt(s.url, 'soc2', DEMO_PASSWORD, victim)).status, 303, `the victim logs in (round ${round})`);
    }
    assert.ok(checked <= 8, `at most the address limit of guesses were checked: ${checked}`);
    assert429(await attempt(s.url, 'cm2', WRONG, attacker), 'the attacker\'s address is still counted');
  } finally {
    await s.stop();
  }
});

// behind a proxy: the test client is the proxy (127.0.0.1) and says who
// the client is in X-Forwarded-For
// (the flag repeated and comma-separated: 127.0.0.1 is the second item)
const proxied = await server(['--trusted-proxy', '192.0.2.1', '--trusted-proxy', '::1,127.0.0.1', '--login-address-limit', '8']);

test("an insider's failures from one address keep the owner out for the first delay only", async () => {
  // before: five failures locked the account for 15 minutes, right password or not
  const insider = '10.20.0.66', owner = '10.20.0.7';
  for (let i = 0; i < 5; i++) assert.equal((await attempt(proxied.url, 'soc1', WRONG + i, insider)).status, 401);
  await sleep(assert429(await attempt(proxied.url, 'soc1', WRONG, insider), 'the insider, 6th') * 1000);
  assert.equal((await attempt(proxied.url, 'soc1', WRONG + 5, insider)).status, 401, 'one more after the wait');
  const insiderWait = assert429(await attempt(proxied.url, 'soc1', WRONG, insider), 'the insider, 7th');
  const ownerEarly = await attempt(proxied.url, 'soc1', DEMO_PASSWORD, owner);
  if (ownerEarly.status !== 303) {	// 303 already: the first delay had passed on a slow machine
    const ownerWait = assert429(ownerEarly, 'the owner right after');
    assert.ok(ownerWait <= 2, `the owner waits the first delay (2 s) at most, not the growing one: ${ownerWait}`);
    assert.ok(insiderWait > ownerWait, `the insider's own wait grows: ${insiderWait} > ${ownerWait}`);
    await sleep(ownerWait * 1000);
    assert.equal((await attempt(proxied.url, 'soc1', DEMO_PASSWORD, owner)).status, 303, 'the owner logs in');
  }
  assert.ok(insiderWait >= 3, `the insider's second wait is 4 s: ${insiderWait}`);
  assert.equal(failures(proxied.db), 0, "the success cleared the account's failures");
});

test('two accounts from one address hit the address limit; another address is not slowed', async () => {
  const a = '10.30.0.1', b = '10.30.0.2';
  for (let i = 0; i < 5; i++) assert.equal((await attempt(proxied.url, 'cm1', WRONG + i, a)).status, 401, `cm1 ${i}`);
  for (let i = 0; i < 3; i++) assert.equal((await attempt(proxied.url, 'cm2', WRONG + i, a)).status, 401, `cm2 ${i}`);
  assert429(await attempt(proxied.url, 'cm2', WRONG, a), 'cm2 has 3 failures of its 5, but the address 8 of 8');
  assert429(await attempt(proxied.url, 'fast1', DEMO_PASSWORD, a), 'a third account from the address');
  assert.equal((await attempt(proxied.url, 'fast1', DEMO_PASSWORD, b)).status, 303, 'the same account from another address');
  assert.equal((await attempt(proxied.url, 'cm2', DEMO_PASSWORD, b)).status, 303, 'cm2 from another address');
  assert.equal(failures(proxied.db, `address = '${a}'`), 5, "cm2's success cleared its 3; cm1's 5 stay");
});

test('behind a trusted proxy the buckets follow the forwarded address: two clients do not share one', async () => {
  const a = '10.40.0.1', b = '10.40.0.2';
  for (let i = 0; i < 8; i++) assert.equal((await attempt(proxied.url, `okand-a${i}`, WRONG, a)).status, 401);
  assert429(await attempt(proxied.url, 'okand-a9', WRONG, a), 'client a is at its limit');
  assert.equal((await attempt(proxied.url, 'okand-b0', WRONG, b)).status, 401, 'client b is checked');
  assert.equal((await attempt(proxied.url, 'admin1', DEMO_PASSWORD, b)).status, 303, 'and logs in');
  assert.equal(failures(proxied.db, `address = '${a}'`), 8);
  assert.equal(failures(proxied.db, `address = '${b}'`), 1);
  // the right-most address is the one our proxy wrote; what the client
  // put in front of it, or in a line of its own above it, is not read
  assert429(await attempt(proxied.url, 'okand-a9', WRONG, `203.0.113.250, ${a}`), 'a forged address in front');
  assert429(await attempt(proxied.url, 'okand-a9', WRONG, ['203.0.113.251', a]), 'a forged header line above');
  // IPv6 clients are counted by their /64
  for (let i = 0; i < 8; i++) assert.equal((await attempt(proxied.url, `okand-v${i}`, WRONG, `2001:db8:7:7::${i + 1}`)).status, 401);
  assert429(await attempt(proxied.url, 'okand-v9', WRONG, '2001:db8:7:7:ffff::1'), 'the same /64');
  assert.equal((await attempt(proxied.url, 'okand-w0', WRONG, '2001:db8:7:8::1')).status, 401, 'the next /64');
  assert.equal(failures(proxied.db, "address = '2001:db8:7:7::/64'"), 8);
});

test('two servers on one database share the counts: 40 parallel attempts over both get 5 checks', async () => {
  // a longer first wait: the 40 attempts may take their time to arrive
  const one = await server(['--login-delay-base-ms', '5000']);
  const two = await server(['--login-delay-base-ms', '5000'], { db: one.db });
  let checked = -1, ran = 0;
  try {
    const clients = await Promise.all(Array.from({ length: 40 }, (_, i) => ready(i % 2 ? two.url : one.url)));
    const results = await Promise.all(clients.map((c, i) => c.post('/login', { username: 'fast1', password: WRONG + i })));
    checked = results.filter((r) => r.status === 401).length;
    assert.equal(checked + results.filter((r) => r.status === 429).length, 40, `${results.map((r) => r.status)}`);
    assert.ok(checked >= 1 && checked <= 5, `checked ${checked} of 40 over two servers`);
    const wait = assert429(await attempt(two.url, 'fast1', DEMO_PASSWORD), 'the other server knows');
    assert.ok(wait >= 4 && wait <= 5, `--login-delay-base-ms 5000: Retry-After ${wait}`);
    assert429(await attempt(one.url, 'fast1', DEMO_PASSWORD), 'and this one');
  } finally {
    ran += await checksAtStop(two, { keep: true });	// its directory is the first one's
    ran += await checksAtStop(one);
  }
  assert.equal(ran, checked, 'the checks both servers ran are the 401s');
});

test('the 503 of a full login queue is not an attempt', async () => {
  const s = await server(['--login-queue', '1']);
  try {
    const clients = await Promise.all(Array.from({ length: 12 }, () => ready(s.url)));
    const users = ['soc1', 'soc2', 'cm1', 'cm2', 'fast1', 'chef1'];
    const results = await Promise.all(clients.map((c, i) => c.post('/login', { username: users[i % 6], password: WRONG + i })));
    const statuses = results.map((r) => r.status);
    assert.ok(statuses.includes(503), `some refused: ${statuses}`);
    assert.ok(statuses.every((x) => x === 401 || x === 503), `${statuses}`);
    assert.equal(failures(s.db), statuses.filter((x) => x === 401).length, 'a failure row per check, none per 503');
    assert.equal(sql(s.db, 'SELECT count(*) AS n FROM login_attempts WHERE done = 0')[0].n, 0, 'no reservation left behind');
  } finally {
    await s.stop();
  }
});

test('no username or password reaches the log', async () => {
  const all = logs.map((l) => l()).join('\n');
  assert.match(all, /POST \/login 429/, 'the log has the answers');
  assert.doesNotMatch(all, /fel-lösenord|bostadforst-demo|okand-|\b(soc1|cm1|cm2|fast1|chef1|admin1)\b/);
});

await run({ after: async () => { await proxied.stop(); await srv.stop(); } });

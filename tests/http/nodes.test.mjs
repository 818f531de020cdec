// nodes.test.mjs - two nodes on one database keep nothing of their own: a
// login on one is valid on the other, a form from one is accepted by the
// other (the CSRF key is the database's), a logout on one ends the session
// on both. Runs on SQLite and on PostgreSQL (tests/run.sh's second pass),
// as two app nodes behind a load balancer would (deploy/haproxy-app.cfg).
import assert from 'node:assert/strict';
import { test, run } from '../lib/t.mjs';
import { startServer, Client, sql } from '../lib/server.mjs';

const one = await startServer();
const two = await startServer({ db: one.db });
const today = new Date().toISOString().slice(0, 10);

test('a login on one node is valid on the other, and its form token too', async () => {
  const c = new Client(one.url);
  assert.equal((await c.login('cm1')).status, 303);
  const person = sql(one.db, `SELECT pc.person_id AS id FROM person_case_managers pc JOIN users u ON u.id = pc.user_id
    WHERE u.username = 'cm1' AND pc.ended_at IS NULL ORDER BY pc.person_id LIMIT 1`)[0].id;
  c.base = two.url;	// the load balancer sends the next request elsewhere
  const home = await c.get('/', { json: true });
  assert.equal(home.status, 200);
  assert.equal(home.json().user.username, 'cm1', 'the same user on the second node');
  const r = await c.post('/visits', { person_id: String(person), date: today, kind: 'home', met: '1',
    note: 'skriven via nod två med formuläret från nod ett' });
  assert.equal(r.status, 303, `a form token from node one on node two: ${r.status}`);
  assert.equal(sql(one.db, "SELECT count(*) AS n FROM visits WHERE note = 'skriven via nod två med formuläret från nod ett'")[0].n, 1);
});

test('a logout on one node ends the session on both', async () => {
  const c = new Client(one.url);
  assert.equal((await c.login('soc1')).status, 303);
  const session = c.cookies.get('bf_session');
  assert.ok(session, 'a session cookie');
  c.base = two.url;
  assert.equal((await c.post('/logout', {})).status, 303);
  const stale = new Client(one.url);	// the cookie as it was before the logout
  stale.cookies.set('bf_session', session);
  const r = await stale.get('/');
  assert.equal(r.status, 303, 'the first node no longer knows the session');
  assert.equal(r.headers.location, '/login');
});

await run({ after: async () => { await two.stop({ keep: true }); await one.stop(); } });

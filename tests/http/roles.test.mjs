// roles.test.mjs - the role x route x method matrix, generated from the
// route table the binary prints: a new route cannot ship untested.
// Allowed roles get past the gate (not 401/403/405); every other role gets
// 403; nobody logged in is sent to /login (HTML) or gets 401 (JSON); a
// method the table does not list for a path is 405.
import assert from 'node:assert/strict';
import { test, run } from '../lib/t.mjs';
import { startServer, Client, runBin, DEMO_USERS } from '../lib/server.mjs';

const routes = JSON.parse(runBin(['routes']).stdout);
assert.ok(routes.length >= 10, 'route table printed');
const srv = await startServer();

// one logged-in client per role; the demo has at least one user of each
const roleUser = {};
for (const [u, role] of Object.entries(DEMO_USERS)) roleUser[role] ??= u;
const clients = {};
for (const [role, u] of Object.entries(roleUser)) {
  clients[role] = new Client(srv.url);
  const r = await clients[role].login(u);
  assert.equal(r.status, 303, `login ${u}`);
}

const concrete = (pattern) => pattern.replaceAll('{id}', '1');
// logout last: it ends the session the other checks use
const ordered = [...routes].sort((a, b) => (a.pattern === '/logout') - (b.pattern === '/logout'));

for (const rt of ordered) {
  const path = concrete(rt.pattern);
  for (const role of Object.keys(roleUser)) {
    const allowed = rt.public || rt.roles.includes(role);
    test(`${rt.method} ${rt.pattern} as ${role}: ${allowed ? 'allowed' : '403'}`, async () => {
      const c = clients[role];
      const r = rt.method === 'GET' ? await c.get(path) : await c.post(path, {});
      // the login form answers its own validation errors with 401
      // 404 is a pass: the role got in, the record is outside its scope
      const gate = rt.public ? [403, 405] : [401, 403, 405];
      if (allowed) {
        assert.ok(!gate.includes(r.status) && r.status < 500,
          `${role} should pass the gate of ${rt.method} ${path}, got ${r.status}`);
        // a confirmation page asked without the values it confirms answers
        // with the form's errors (400)
        const fine = [200, 303, 404, 409, ...(rt.pattern.endsWith('/confirm') ? [400] : [])];
        if (rt.method === 'GET' && !rt.public) assert.ok(fine.includes(r.status), `GET ${path}: ${r.status}`);
      } else {
        assert.equal(r.status, 403, `${role} must be denied ${rt.method} ${path}`);
      }
      if (rt.pattern === '/logout' && allowed) await c.login(roleUser[role]);
    });
  }
  test(`${rt.method} ${rt.pattern} without login`, async () => {
    const c = new Client(srv.url);
    if (rt.public) {
      await c.get('/login');
      c.csrf = (await c.get('/login', { json: true })).json().csrf_token;
    }
    const r = rt.method === 'GET' ? await c.get(path) : await c.post(path, {});
    if (rt.public) {
      assert.ok(![403, 404, 405].includes(r.status) && r.status < 500, `${path}: ${r.status}`);
    } else {
      assert.equal(r.status, 303);
      assert.equal(r.headers.location, '/login');
      const j = rt.method === 'GET' ? await c.get(path, { json: true }) : await c.post(path, {}, { json: true });
      assert.equal(j.status, 401);
    }
  });
}

// methods the table does not list for a path
const byPath = new Map();
for (const rt of routes) byPath.set(rt.pattern, [...(byPath.get(rt.pattern) || []), rt.method]);
for (const [pattern, methods] of byPath) {
  for (const m of ['GET', 'POST', 'PUT', 'DELETE', 'PATCH']) {
    if (methods.includes(m)) continue;
    test(`${m} ${pattern} is 405`, async () => {
      const c = clients.admin;
      const r = m === 'POST' ? await c.post(concrete(pattern), {}) : await c.request(m, concrete(pattern));
      assert.equal(r.status, 405, `${m} ${pattern}`);
    });
  }
}

await run({ after: () => srv.stop() });

// audit.test.mjs - every read of personal data leaves an audit row, lists
// and searches included: generated from the route table, so a new page is
// covered. For every GET route and every role that may use it, the names
// and personnummer of persons the answer shows must each have a "read" row
// for that user, written by that request. Then loggkontroll: who has looked
// at a person, what a user has looked at, as a page and as CSV.
import assert from 'node:assert/strict';
import { test, run } from '../lib/t.mjs';
import { startServer, Client, sql, runBin, DEMO_USERS } from '../lib/server.mjs';
import { idFor } from '../lib/ids.mjs';

const routes = JSON.parse(runBin(['routes']).stdout);
const srv = await startServer();
const q = (s) => sql(srv.db, s);
const users = ['soc1', 'cm1', 'fast1', 'chef1', 'admin1'];
const c = {};
for (const u of users) { c[u] = new Client(srv.url); await c[u].login(u); }
const uid = Object.fromEntries(q('SELECT id, username FROM users').map((x) => [x.username, x.id]));
const persons = q("SELECT id, first_name || ' ' || last_name AS name, personnummer FROM persons");

/* The persons an HTML or JSON body shows by name or personnummer. */
function shown(body) {
  const ids = new Set();
  for (const p of persons) {
    if (body.includes(p.name) || (p.personnummer && body.includes(p.personnummer))) ids.add(p.id);
  }
  return ids;
}

const gets = routes.filter((r) => r.method === 'GET' && !r.public);
const extra = ['/persons?q=a', '/persons?q=Alva', '/referrals?state=sent', '/tenancies?state=all', '/visits?person=1'];

test('every GET route, every role: each person shown is audited for that user by that request', async () => {
  const missing = [];
  let checked = 0;
  for (const rt of gets) {
    for (const u of users.filter((x) => rt.roles.includes(DEMO_USERS[x]))) {
      const paths = [rt.pattern.replace('{id}', idFor(q, rt.pattern, u)).replaceAll('{id}', '1')];
      if (rt.pattern === '/persons') paths.push(...extra.filter((e) => e.startsWith('/persons')));
      for (const path of paths) {
        for (const json of [false, true]) {
          const before = q('SELECT coalesce(max(id), 0) AS m FROM audit')[0].m;
          if (process.env.TRACE) console.error(u, path, json);
          const r = await c[u].get(path, { json });
          if (r.status !== 200) continue;
          const audited = new Set(q(`SELECT person_id FROM audit WHERE id > ${before} AND user_id = ${uid[u]} AND action = 'read' AND person_id IS NOT NULL`).map((x) => x.person_id));
          for (const id of shown(r.body)) {
            checked++;
            if (!audited.has(id)) missing.push(`${u} ${json ? 'JSON' : 'HTML'} ${path}: person ${id}`);
          }
        }
      }
    }
  }
  assert.ok(checked > 100, `checked ${checked} person appearances`);
  const pages = [...new Set(missing.map((m) => m.replace(/: person \d+$/, '')))];
  if (pages.length) console.error(pages.join('\n'));
  assert.equal(pages.length, 0, 'pages that show persons without an audit row (listed above)');
});

await run({ after: () => srv.stop() });

// offers.test.mjs - a page offers only what its reader may do. For every
// demo role, the pages reachable by following links from the start page
// (breadth first, a bounded number) are read as the role sees them, and
// every link (<a href>) and every form (<form action method>) on them must
// be a route the route table lets that role use: a button that answers 403
// is a bug the role matrix cannot see. The route table comes from the
// binary (`bostadforst routes`), so a new page or route is covered.
import assert from 'node:assert/strict';
import { test, run } from '../lib/t.mjs';
import { startServer, Client, runBin, DEMO_USERS } from '../lib/server.mjs';

const MAX_PAGES = 60;	// per role; the demo's pages of each kind repeat after that
const routes = JSON.parse(runBin(['routes']).stdout);
const srv = await startServer();

/* Returns the route for method and path (query stripped), or null. */
function routeFor(method, path) {
  const p = path.split('?')[0].split('#')[0];
  return routes.find((rt) => rt.method === method &&
    new RegExp('^' + rt.pattern.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replaceAll('{id}', '[1-9][0-9]*') + '$').test(p)) || null;
}

/* Decodes the few entities a Mustache-escaped href can hold. */
const unescape = (s) => s.replaceAll('&amp;', '&').replaceAll('&#x2F;', '/').replaceAll('&#x3D;', '=').replaceAll('&quot;', '"');

/* Returns the same-site links and POST forms of an HTML page. */
function offers(html) {
  const links = [...html.matchAll(/<a\b[^>]*\bhref="([^"]*)"/g)].map((m) => unescape(m[1]));
  const forms = [...html.matchAll(/<form\b([^>]*)>/g)].map((m) => {
    const method = (/\bmethod="([^"]*)"/i.exec(m[1]) || [, 'get'])[1].toUpperCase();
    const action = unescape((/\baction="([^"]*)"/.exec(m[1]) || [, ''])[1]);
    return { method, action };
  });
  const local = (h) => h.startsWith('/') && !h.startsWith('//') && !h.startsWith('/static/');
  return { links: links.filter(local), forms: forms.filter((f) => local(f.action)) };
}

const roleUser = {};
for (const [u, role] of Object.entries(DEMO_USERS)) roleUser[role] ??= u;

for (const [role, user] of Object.entries(roleUser)) {
  test(`${role}: every link and form shown is allowed by the route table`, async () => {
    const c = new Client(srv.url);
    assert.equal((await c.login(user)).status, 303);
    const seen = new Set(['/']);
    const queue = ['/'];
    const wrong = [];
    let read = 0;
    while (queue.length && read < MAX_PAGES) {
      const path = queue.shift();
      const r = await c.get(path);
      read++;
      if (r.status !== 200 || !/text\/html/.test(r.headers['content-type'] || '')) continue;
      const { links, forms } = offers(r.body);
      for (const href of links) {
        const rt = routeFor('GET', href);
        if (!rt) wrong.push(`${path}: link ${href} is no route`);
        else if (!rt.public && !rt.roles.includes(role)) wrong.push(`${path}: link ${href} is not for ${role}`);
        // the crawl reads pages, it does not follow the way out
        else if (!seen.has(href.split('#')[0]) && !/\/(logout|export|print|letter)\b|format=|\.csv|\.xlsx/.test(href)) {
          seen.add(href.split('#')[0]);
          queue.push(href.split('#')[0]);
        }
      }
      for (const f of forms) {
        const rt = routeFor(f.method, f.action);
        if (!rt) wrong.push(`${path}: form ${f.method} ${f.action} is no route`);
        else if (!rt.public && !rt.roles.includes(role)) wrong.push(`${path}: form ${f.method} ${f.action} is not for ${role}`);
      }
    }
    assert.ok(read >= 3, `${role} read only ${read} pages`);
    assert.deepEqual([...new Set(wrong)], [], `${role} is offered what it may not do`);
  });
}

await run({ after: () => srv.stop() });

// phone.test.mjs - every user's pages on a phone (390×844), by clicking
// alone from /login (tests/e2e/lib.mjs), in Debian's Chromium
// (playwright-core). Every demo user logs in, opens "Meny" and clicks each
// link of the menu, and from the start page and each menu page every link
// in the page's main part that leads to a kind of page not yet seen
// (ids and query values aside), three clicks deep, back with the browser's
// Back between. On every page: nothing wider than the screen (a wide table
// scrolls inside its region, not the page), no heading wider than its box,
// one h1, axe clean. Then the wide tables: the statusrapport shows both
// groups, headings over their columns, at 1280 px and reaches group B at
// 390 px by scrolling its region with the arrow keys (the Personkod column
// stays in view); the checklist's comment column the same way; the menu
// folds on a phone and is open on a wide screen; the Kaplan–Meier chart's
// text is at least 12 px on a phone. One server, one browser, one
// logged-in context per user for the whole file.
import assert from 'node:assert/strict';
import { test, run } from '../lib/t.mjs';
import { readFileSync } from 'node:fs';
import { sql, DEMO_USERS, ROOT } from '../lib/server.mjs';
import { suite, PHONE, WIDE, axe, fits, look, menu, home, kind } from './lib.mjs';

const s = await suite();
const { srv } = s;

/* True when the text of the element `sel` in region (its first line; the
 * element itself when it has no text) lies inside the region's visible box
 * and nothing covers it: the element at its middle is it or inside it. */
async function seen(page, region, sel) {
  return region.evaluate((reg, s) => {
    const el = reg.querySelector(s);
    const node = document.createTreeWalker(el, NodeFilter.SHOW_TEXT, { acceptNode: (n) => (n.data.trim() ? 1 : 3) }).nextNode();
    let t = el.getBoundingClientRect();
    if (node) {
      const range = document.createRange();
      range.selectNodeContents(node);
      t = range.getClientRects()[0] || t;
    }
    const r = reg.getBoundingClientRect();
    const inside = t.width > 0 && t.left >= r.left - 0.5 && t.right <= r.left + reg.clientWidth + 0.5;
    const hit = document.elementFromPoint(t.left + t.width / 2, t.top + t.height / 2);
    return inside && !!hit && el.contains(hit);
  }, sel);
}

/* Presses ArrowRight in the focused region until `sel` is seen; returns the
 * number of presses (fails after 100). */
async function scrollTo(page, region, sel) {
  await region.focus();
  for (let i = 0; i <= 100; i++) {
    if (await seen(page, region, sel)) return i;
    await page.keyboard.press('ArrowRight');
  }
  assert.fail(`${sel} not reached by scrolling its region`);
}

/* The hint above a table that is wider than its region (CSS: ::before). */
async function hint(region) {
  return region.evaluate((r) => {
    const s = getComputedStyle(r, '::before');
    return s.visibility === 'visible' && parseFloat(s.height) > 0 ? s.content : '';
  });
}

/* Visible links in the page's main part to pages of a kind not yet in
 * seen: their hrefs (downloads and in-page anchors left out). */
async function newLinks(page, seen) {
  const hrefs = await page.locator('main a[href^="/"]:not([download])').evaluateAll(
    (as) => as.filter((a) => a.checkVisibility()).map((a) => a.getAttribute('href')));
  return [...new Set(hrefs)].filter((h) => !seen.has(kind(h)));
}

/* From the current page: clicks each link to a new kind of page, checks
 * it (look), walks on from there while depth lasts, and goes Back. Returns
 * the number of pages checked. */
async function walk(page, who, seen, depth) {
  let n = 0;
  const from = page.url();
  for (const href of await newLinks(page, seen)) {
    if (seen.has(kind(href))) continue;	// reached deeper meanwhile
    seen.add(kind(href));
    await page.locator(`main a[href=${JSON.stringify(href)}]:visible`).first().click();
    await page.waitForLoadState();
    const at = new URL(page.url());
    assert.equal(at.pathname + at.search, href, `${who}: clicking ${href} got there`);
    await look(page, `${who} ${href}`);
    n++;
    if (depth > 1) n += await walk(page, who, seen, depth - 1);
    await page.goBack();
    assert.equal(page.url(), from, `${who}: Back from ${href}`);
  }
  return n;
}

/* one demo user per role (soc2 and cm2 are soc1 and cm1 in another district) */
const perRole = Object.entries(DEMO_USERS).filter(([, role], i, all) => all.findIndex(([, r]) => r === role) === i);

/* One role's walk at 390×844: the start page and what it links to, three
 * clicks deep, then each menu link and what its page links to, two deep;
 * then the logout. Returns the kinds of page checked. */
async function walkRole(username, role) {
  const page = await s.as(username, PHONE);
  const nav = page.getByRole('navigation', { name: 'Huvudmeny' });
  assert.match(await page.getByRole('heading', { level: 1 }).textContent(), /^Hej .+!$/);
  if (role === 'admin')
    assert.ok(await page.getByText('Inget väntar på dig i dag.').isVisible(), 'empty state');
  else
    assert.ok(await page.locator('section.due h3').count() > 0, 'work due today is listed');
  await look(page, `${username} start page`);
  const seen = new Set([kind('/')]);
  await walk(page, username, seen, 3);
  const items = await nav.locator('a').evaluateAll((as) => as.map((a) => [a.textContent.trim(), a.getAttribute('href')]));
  assert.ok(items.length > 1, 'the menu has links');
  if (role !== 'admin') assert.ok(!items.some(([, h]) => h.startsWith('/admin')), 'no admin pages in the menu');
  for (const [label, href] of items) {
    assert.equal(await nav.locator(`a[href="${href}"]`).isVisible(), false, `${href}: the menu is folded until "Meny" is pressed`);
    await menu(page, label);
    const at = new URL(page.url());
    assert.equal(at.pathname + at.search, href, `${username}: the menu's ${label} got there`);
    if (!seen.has(kind(href))) {
      seen.add(kind(href));
      await look(page, `${username} ${href}`);

    }
    await walk(page, username, seen, 2);
  }
  await page.getByRole('button', { name: 'Logga ut' }).click();
  await page.waitForURL(`${srv.url}/login?klart=utloggad`);
  assert.equal((await page.getByRole('status').textContent()).trim(), 'Du är utloggad.');
  await page.goBack();
  await page.waitForLoadState();
  assert.equal(new URL(page.url()).pathname, '/login', 'logged out for real: Back shows the login page');
  await s.drop(username);
  return [...seen];
}

/* The GET routes of src/route.c a role may use: {role: [pattern]}. */
function getRoutes() {
  const bits = { ROLE_SOC: ['socialsekreterare'], ROLE_CM: ['case_manager'], ROLE_LANDLORD: ['landlord'],
    ROLE_MANAGER: ['manager'], ROLE_ADMIN: ['admin'], PUBLIC: [] };
  bits.CASE = [...bits.ROLE_SOC, ...bits.ROLE_CM, ...bits.ROLE_MANAGER];
  bits.HOUSING = [...bits.CASE, ...bits.ROLE_LANDLORD];
  bits.PLAN = [...bits.ROLE_CM, ...bits.ROLE_SOC];
  bits.ANY = [...bits.HOUSING, ...bits.ROLE_ADMIN];
  const out = {};
  const src = readFileSync(`${ROOT}src/route.c`, 'utf8');
  for (const m of src.matchAll(/\{ "GET",\s+"([^"]+)",\s+([A-Z_| ]+?),/g)) {
    for (const role of new Set(m[2].split('|').flatMap((b) => bits[b.trim()]))) (out[role] ||= []).push(m[1]);
  }
  return out;
}

/* Pages a role may open that the walks do not reach (they need a state the
 * demo data's first rows do not have, or come after a POST); the suite
 * named reaches each by clicking, at 390 px unless said. A page missing
 * from both is an app bug (nothing links to it) or a test to write. */
const ELSEWHERE = {
  '/healthz': 'not a page (the load balancer\'s probe)',
  '/login': 'before any walk (run.mjs: the login test)',
  '/persons/{id}/plan/new': 'only for a person without a plan (run.mjs: the case path)',
  '/plans/{id}/edit': 'run.mjs: the plan test',
  '/plans/{id}/compare': 'run.mjs: the plan test',
  '/plans/{id}/print': 'run.mjs: the plan test',
  '/referrals/{id}/edit': 'only for a draft (run.mjs: the case path)',
  '/referrals/{id}/steps/confirm': 'after the step\'s POST (http/confirm; not in a browser)',
  '/tenancies/{id}/takeover/confirm': 'after the POST (run.mjs: dangerous changes)',
  '/tenancies/{id}/end/confirm': 'after the POST (run.mjs: dangerous changes)',
  '/referrals/{id}/decisions/new': 'only for an approved referral (run.mjs: the case path)',
  '/decisions/{id}/assignment': 'only where one is written (run.mjs: the case path)',
  '/decisions/{id}/assignment/edit': 'run.mjs: the case path',
  '/decisions/{id}/review': 'only near the decision\'s end (http/decisions)',
  '/apartments/{id}/tenancies/new': 'run.mjs: the landlord\'s move-in',
  '/tenancies/{id}/incidents/new': 'the case manager: run.mjs, living there',
  '/persons/{id}/referrals/new': 'run.mjs: the case path',
  '/persons/new': 'run.mjs: the case path',
  '/decisions/{id}': 'run.mjs: the case path',
  '/plans/{id}': 'run.mjs: the plan test',
  '/decisions/unenforced': 'from the start page when its list has rows (decisions.test.mjs; chef1 walks it)',
  '/decisions/{id}/end/confirm': 'after the POST (decisions.test.mjs)',
  '/admin/gallring/confirm': 'after the dry run\'s POST (lifetime.test.mjs)',
  '/persons/{id}/transfer/confirm': 'after the POST (lifetime.test.mjs)',
};

/* The roles' walks only read (GET), so two run at once (the machine has
 * two cores; the server two threads). Then every GET route of each role
 * is either walked or named in ELSEWHERE. */
test('every role at 390×844: every kind of page reached by clicking from the start page and the menu, then logout', async () => {
  const queue = [...perRole];
  const failures = [];
  const routes = getRoutes();
  const worker = async () => {
    for (let next; (next = queue.shift());) {
      try {
        const kinds = await walkRole(...next);
        if (process.env.VERBOSE) console.log(`     ${next[0]}: ${kinds.length} kinds of page: ${kinds.join(' ')}`);
        const walked = new Set(kinds.map((k) => k.split('?')[0]));
        const missing = routes[next[1]].filter((r) => !walked.has(r) && !ELSEWHERE[r]);
        assert.deepEqual(missing, [], `${next[0]}: pages of the role that no click reaches`);
      } catch (e) {
        failures.push(`${next[0]}: ${e && e.message || e}`);
      }
    }
  };
  await Promise.all([worker(), worker()]);
  if (failures.length) console.log(failures.join('\n'));
  assert.ok(!failures.length, `${failures.length} roles failed (above)`);
});

test('the header at 320 to 1280 px: brand, "Meny", the search box and who is logged in never overlap; the search works on a phone', async () => {
  const p = await s.as('soc1', PHONE);
  for (const width of [320, 390, 600, 767, 768, 1024, 1280]) {
    await p.setViewportSize({ width, height: 844 });
    const boxes = await p.evaluate(() => [...document.querySelectorAll('.brand, .menu > summary, .header-search, .who')]
      .filter((e) => e.checkVisibility())
      .map((e) => { const b = e.getBoundingClientRect(); return { name: e.className || `${e.tagName.toLowerCase()} "${e.textContent.trim()}"`, l: b.left, r: b.right, t: b.top, b: b.bottom }; }));
    assert.ok(boxes.length >= 3, `${width}: brand, search and who drawn`);
    for (const a of boxes) {
      assert.ok(a.l >= 0 && a.r <= width + 0.5, `${width}: ${a.name} inside the window (${a.l}–${a.r})`);
      for (const b of boxes) {
        if (a === b) continue;
        const overlap = a.l < b.r - 0.5 && b.l < a.r - 0.5 && a.t < b.b - 0.5 && b.t < a.b - 0.5;
        assert.ok(!overlap, `${width}: ${a.name} overlaps ${b.name}`);
      }
    }
    await fits(p, `header at ${width}`);
  }
  await p.setViewportSize(PHONE);
  const search = p.getByRole('search', { name: 'Personsökning' });
  await search.getByLabel('Sök person').fill('tornqvist');
  await search.getByRole('button', { name: 'Sök' }).click();
  await p.waitForURL(/\/persons\?q=tornqvist/);
  await look(p, 'search results on a phone');
});

test('the menu: folded under "Meny" on a phone, open on a wide screen, one list of links', async () => {
  let p = await s.as('cm1', PHONE);
  let nav = p.getByRole('navigation', { name: 'Huvudmeny' });
  const folded = await nav.evaluate((n) => n.getBoundingClientRect().height);
  assert.ok(folded <= 48, `the folded menu takes ${folded} px`);
  const header = await p.locator('header').evaluate((h) => h.getBoundingClientRect().height);
  assert.ok(header <= 844 / 6, `the header takes ${header} px of 844`);
  const menu = nav.getByText('Meny', { exact: true });
  assert.ok(await menu.isVisible(), '"Meny" shows');
  assert.equal(await nav.getByRole('link').count(), 0, 'no menu link reachable while folded');
  const total = await nav.locator('a').count();
  await menu.click();
  assert.equal(await nav.getByRole('link').count(), total, 'every link once opened');
  assert.ok(await nav.getByRole('link', { name: 'Personer' }).isVisible());
  await axe(p, 'phone with the menu open');
  await menu.click();
  assert.equal(await nav.getByRole('link', { name: 'Personer' }).isVisible(), false, 'folds again');

  p = await s.as('cm1', WIDE);
  nav = p.getByRole('navigation', { name: 'Huvudmeny' });
  assert.equal(await nav.getByText('Meny', { exact: true }).isVisible(), false, 'no "Meny" on a wide screen');
  assert.equal(await nav.getByRole('link').count(), total, 'every link, without opening anything');
  for (const link of await nav.getByRole('link').all()) assert.ok(await link.isVisible(), `${await link.textContent()} shows`);
  assert.equal(await p.locator('nav a[href="/persons"]').count(), 1, 'the menu is not drawn twice');
  await nav.getByRole('link', { name: 'Personer' }).focus();
  assert.equal(await p.evaluate(() => document.activeElement.getAttribute('href')), '/persons', 'its links take the focus');
  await axe(p, 'wide screen menu');
});

test('statusrapport at 1280 px: both groups in view, each heading over its seven columns', async () => {
  const page = await s.as('chef1', WIDE);
  await menu(page, 'Statusrapport');
  await page.getByRole('heading', { level: 1, name: /Statusrapport per 31\/12/ }).waitFor();
  const region = page.getByRole('region', { name: /^Statusrapport \d{4}$/ });
  assert.ok(await page.getByRole('columnheader', { name: 'Lght förstahandskontraktet övertaget av hyresgästen' }).isVisible());
  assert.ok(await seen(page, region, '#group-b'), 'the group B heading is in view without scrolling');
  assert.ok(await seen(page, region, 'thead tr:nth-child(2) th:last-child'), 'so is the last column');
  const cols = await region.evaluate((r) => {
    const x = (e) => { const b = e.getBoundingClientRect(); return [Math.round(b.left), Math.round(b.right)]; };
    const heads = [...r.querySelectorAll('thead tr:nth-child(2) th')].map(x);
    return { a: x(r.querySelector('#group-a')), b: x(r.querySelector('#group-b')), heads, wide: r.scrollWidth > r.clientWidth };
  });
  assert.equal(cols.heads.length, 14);
  assert.equal(cols.wide, false, 'the table fits its region at 1280 px');
  assert.deepEqual(cols.a, [cols.heads[0][0], cols.heads[6][1]], 'group A over columns 1–7');
  assert.deepEqual(cols.b, [cols.heads[7][0], cols.heads[13][1]], 'group B over columns 8–14');
  assert.equal(await hint(region), '', 'no scroll hint when the table fits');
  await fits(page, 'statusrapport at 1280');
  await axe(page, 'statusrapport at 1280');
});

test('statusrapport at 390 px: the region scrolls (arrow keys) to group B, the Personkod column stays', async () => {
  const page = await s.as('chef1', PHONE);
  await menu(page, 'Statusrapport');
  await page.getByRole('heading', { level: 1, name: /Statusrapport per 31\/12/ }).waitFor();
  const region = page.getByRole('region', { name: /^Statusrapport \d{4}$/ });
  assert.match(await hint(region), /Tabellen kan rullas i sidled/, 'the hint shows above the wide table');
  assert.equal(await seen(page, region, '#group-b'), false, 'group B starts out of view');
  assert.ok(await seen(page, region, 'caption'), 'the caption is read in the region');
  const presses = await scrollTo(page, region, '#group-b');
  assert.ok(presses > 0);
  assert.ok(await region.evaluate((r) => r.scrollLeft > 0), 'the region scrolled');
  assert.ok(await seen(page, region, 'tbody tr:first-child td:first-child'), 'the Personkod stays in view');
  assert.ok(await seen(page, region, 'thead tr:nth-child(2) th:first-child'), 'and its heading');
  assert.ok(await seen(page, region, 'caption'), 'and the caption');
  await scrollTo(page, region, 'thead tr:nth-child(2) th:last-child');
  await fits(page, 'statusrapport at 390, scrolled');
  await axe(page, 'statusrapport at 390');
});

test("checklist at 390 px: the comment column is reached by scrolling the table's region", async () => {
  const [c] = sql(srv.db, "SELECT id FROM checklists WHERE state = 'reviewed' AND items LIKE '%Soporna behöver%' ORDER BY id LIMIT 1");
  const page = await s.as('chef1', PHONE);
  await menu(page, 'Checklistor');	// to the one with a comment, page by page
  const link = page.locator(`main a[href="/checklists/${c.id}"]`);
  while (!(await link.count())) await page.getByRole('link', { name: 'Nästa sida' }).click();
  await link.first().click();
  await page.getByRole('heading', { level: 1, name: /Checklista/ }).waitFor();
  const region = page.getByRole('region', { name: 'Punkter' });
  assert.match(await hint(region), /Tabellen kan rullas i sidled/);
  const row = await region.locator('tbody tr').evaluateAll((rs) => rs.findIndex((r) => /Soporna behöver/.test(r.textContent)) + 1);
  await scrollTo(page, region, 'thead th:nth-child(3)');
  await scrollTo(page, region, `tbody tr:nth-child(${row}) td:nth-child(3)`);
  assert.ok(await seen(page, region, `tbody tr:nth-child(${row}) td:first-child`), 'the Punkt column stays in view');
  await fits(page, 'checklist at 390');
  await axe(page, 'checklist at 390');
});

test('tables that fit show no hint; the Kaplan–Meier chart at 390 px: text at least 12 px, inside the screen', async () => {
  const wide = await s.as('chef1', WIDE);
  await menu(wide, 'Personer');
  assert.equal(await hint(wide.getByRole('region', { name: 'Personer' })), '', 'the person list fits at 1280 px');

  const page = await s.as('chef1', PHONE);
  await menu(page, 'Kvarboende');
  const chart = page.getByRole('img', { name: /Andel boenden som pågår/ });
  await chart.waitFor();
  const m = await chart.evaluate((svg) => ({
    svg: svg.getBoundingClientRect().toJSON(),
    texts: [...svg.querySelectorAll('text')].map((t) => {
      const b = t.getBoundingClientRect();
      return { text: t.textContent, px: parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a, height: b.height, left: b.left, right: b.right };
    }),
  }));
  assert.ok(m.texts.length >= 8, 'axis labels drawn');
  for (const t of m.texts) {
    assert.ok(t.px >= 12, `"${t.text}" is ${t.px.toFixed(1)} px`);
    assert.ok(t.height >= 12, `"${t.text}" is ${t.height.toFixed(1)} px high on screen`);
    assert.ok(t.left >= 0 && t.right <= PHONE.width, `"${t.text}" inside the screen (${t.left}–${t.right})`);
  }
  assert.ok(m.svg.right <= PHONE.width && m.svg.width > 300, 'the chart fills the phone width');
  if (process.env.VERBOSE) console.log(`     chart text at 390 px: ${m.texts[0].px} px (box ${m.texts[0].height} px high)`);
  await fits(page, 'kvarboende at 390');
  await axe(page, 'kvarboende at 390');
});

test("the app's CSP reports no violation on any page of this suite", async () => {
  assert.deepEqual(s.problems, []);
});

await run({ after: () => s.close() });

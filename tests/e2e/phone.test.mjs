// phone.test.mjs - the everyday path on a phone (390×844), by clicking
// alone, in Debian's Chromium (playwright-core) like run.mjs. Every demo
// user logs in, opens "Meny" and follows each link of the menu and of the
// start page's lists one by one, back to the start page (the brand link)
// between. On every page: nothing wider than the screen (a wide table
// scrolls inside its region, not the page), no heading wider than its box,
// one h1, axe clean. Then the wide tables: the statusrapport shows both
// groups, headings over their columns, at 1280 px and reaches group B at
// 390 px by scrolling its region with the arrow keys (the Personkod column
// stays in view); the checklist's comment column the same way; the menu
// folds on a phone and is open on a wide screen; the Kaplan–Meier chart's
// text is at least 12 px on a phone.
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { test, run } from '../lib/t.mjs';
import { startServer, sql, ROOT, DEMO_USERS, DEMO_PASSWORD } from '../lib/server.mjs';

const AXE = `${ROOT}node_modules/axe-core/axe.min.js`;
const PHONE = { width: 390, height: 844 };
const WIDE = { width: 1280, height: 800 };

const srv = await startServer();
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ['--no-sandbox'] });

/* axe on the current page; fails with the violations listed. */
async function axe(page, what) {
  await page.addScriptTag({ path: AXE });
  const violations = await page.evaluate(async () => (await window.axe.run(document, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
  })).violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`));
  assert.deepEqual(violations, [], `axe on ${what}`);
}

/* Logs username in, in a fresh context of the given size, by clicking. */
async function session(username, viewport) {
  const ctx = await browser.newContext({ bypassCSP: true, viewport });	// bypassCSP: axe is injected
  const page = await ctx.newPage();
  await page.goto(`${srv.url}/login`);
  await page.getByLabel('Användarnamn').fill(username);
  await page.getByLabel('Lösenord').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Logga in' }).click();
  await page.waitForURL(`${srv.url}/`);
  return { ctx, page };
}

/* The page fits the screen: the document no wider than the window, no
 * heading wider than its box. Lists what sticks out when it fails. */
async function fits(page, what) {
  const r = await page.evaluate(() => {
    const name = (e) => `${e.tagName.toLowerCase()}${e.id ? `#${e.id}` : ''}${e.className && typeof e.className === 'string' ? `.${e.className.trim().replace(/\s+/g, '.')}` : ''} "${(e.textContent || '').trim().replace(/\s+/g, ' ').slice(0, 40)}"`;
    return {
      width: document.documentElement.scrollWidth,
      window: document.documentElement.clientWidth,
      out: [...document.querySelectorAll('body *')]
        .filter((e) => !e.closest('.table-wrap') && e.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5)
        .slice(0, 5).map(name),
      headings: [...document.querySelectorAll('h1, h2, h3, h4, legend')]
        .filter((h) => h.scrollWidth > h.clientWidth + 1).map(name),
    };
  });
  assert.ok(r.width <= r.window, `${what}: the page is ${r.width} px wide in a ${r.window} px window: ${r.out.join(', ')}`);
  assert.deepEqual(r.headings, [], `${what}: headings wider than their box`);
}

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

for (const username of Object.keys(DEMO_USERS)) {
  test(`${username} at 390×844: every page of the menu and the start page, by clicking`, async () => {
    const { ctx, page } = await session(username, PHONE);
    const start = `${srv.url}/`;
    const nav = page.getByRole('navigation', { name: 'Huvudmeny' });
    await fits(page, `${username} start page`);
    await axe(page, `${username} start page`);
    const navHrefs = await nav.locator('a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    const listHrefs = await page.locator('main ul a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    assert.ok(navHrefs.length > 1, 'the menu has links');
    const seenHrefs = new Set();
    const visits = [...navHrefs.map((href) => ['menu', href]), ...listHrefs.map((href) => ['list', href])]
      .filter(([, href]) => href.startsWith('/') && !seenHrefs.has(href) && seenHrefs.add(href));
    for (const [where, href] of visits) {
      if (where === 'menu') {
        const link = nav.locator(`a[href="${href}"]`);
        assert.equal(await link.isVisible(), false, `${href}: the menu is folded until "Meny" is pressed`);
        await nav.getByText('Meny', { exact: true }).click();
        await link.click();
      } else {
        await page.locator('main ul').locator(`a[href="${href}"]`).first().click();
      }
      await page.waitForLoadState();
      const at = new URL(page.url());
      assert.equal(at.pathname + at.search, href, `${username}: clicking ${href} got there`);
      assert.equal(await page.locator('main h1').count(), 1, `${href} has one h1`);
      await fits(page, `${username} ${href}`);
      await axe(page, `${username} ${href}`);
      await page.getByRole('link', { name: 'Bostad först', exact: true }).click();
      await page.waitForURL(start);
    }
    await ctx.close();
  });
}

test('the menu: folded under "Meny" on a phone, open on a wide screen, one list of links', async () => {
  const phone = await session('cm1', PHONE);
  let p = phone.page;
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
  await phone.ctx.close();

  const wide = await session('cm1', WIDE);
  p = wide.page;
  nav = p.getByRole('navigation', { name: 'Huvudmeny' });
  assert.equal(await nav.getByText('Meny', { exact: true }).isVisible(), false, 'no "Meny" on a wide screen');
  assert.equal(await nav.getByRole('link').count(), total, 'every link, without opening anything');
  for (const link of await nav.getByRole('link').all()) assert.ok(await link.isVisible(), `${await link.textContent()} shows`);
  assert.equal(await p.locator('nav a[href="/persons"]').count(), 1, 'the menu is not drawn twice');
  await nav.getByRole('link', { name: 'Personer' }).focus();
  assert.equal(await p.evaluate(() => document.activeElement.getAttribute('href')), '/persons', 'its links take the focus');
  await axe(p, 'wide screen menu');
  await wide.ctx.close();
});

test('statusrapport at 1280 px: both groups in view, each heading over its seven columns', async () => {
  const { ctx, page } = await session('chef1', WIDE);
  await page.getByRole('navigation', { name: 'Huvudmeny' }).getByRole('link', { name: 'Statusrapport' }).click();
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
  await ctx.close();
});

test('statusrapport at 390 px: the region scrolls (arrow keys) to group B, the Personkod column stays', async () => {
  const { ctx, page } = await session('chef1', PHONE);
  const nav = page.getByRole('navigation', { name: 'Huvudmeny' });
  await nav.getByText('Meny', { exact: true }).click();
  await nav.getByRole('link', { name: 'Statusrapport' }).click();
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
  await ctx.close();
});

test("checklist at 390 px: the comment column is reached by scrolling the table's region", async () => {
  const [c] = sql(srv.db, "SELECT id FROM checklists WHERE state = 'reviewed' AND items LIKE '%Soporna behöver%' ORDER BY id LIMIT 1");
  const { ctx, page } = await session('chef1', PHONE);
  await page.goto(`${srv.url}/checklists/${c.id}`);	// one with a comment (the clicking is done above)
  const region = page.getByRole('region', { name: 'Punkter' });
  assert.match(await hint(region), /Tabellen kan rullas i sidled/);
  const row = await region.locator('tbody tr').evaluateAll((rs) => rs.findIndex((r) => /Soporna behöver/.test(r.textContent)) + 1);
  await scrollTo(page, region, 'thead th:nth-child(3)');
  await scrollTo(page, region, `tbody tr:nth-child(${row}) td:nth-child(3)`);
  assert.ok(await seen(page, region, `tbody tr:nth-child(${row}) td:first-child`), 'the Punkt column stays in view');
  await fits(page, 'checklist at 390');
  await axe(page, 'checklist at 390');
  await ctx.close();
});

test('tables that fit show no hint; the Kaplan–Meier chart at 390 px: text at least 12 px, inside the screen', async () => {
  const wide = await session('chef1', WIDE);
  await wide.page.goto(`${srv.url}/persons`);
  assert.equal(await hint(wide.page.getByRole('region', { name: 'Personer' })), '', 'the person list fits at 1280 px');
  await wide.ctx.close();

  const { ctx, page } = await session('chef1', PHONE);
  const nav = page.getByRole('navigation', { name: 'Huvudmeny' });
  await nav.getByText('Meny', { exact: true }).click();
  await nav.getByRole('link', { name: 'Kvarboende' }).click();
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
  await ctx.close();
});

await run({ after: async () => { await browser.close(); await srv.stop(); } });

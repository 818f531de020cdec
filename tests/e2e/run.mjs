// run.mjs - end-to-end in a real browser: Debian's Chromium driven by
// playwright-core. Every role logs in, sees its start page and its pages,
// and logs out; axe-core checks every page (0 violations), a second
// context without bypassCSP proves the app's own CSP reports nothing, and
// a screenshot of each page (desktop and phone) lands in tests/e2e/out/.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { test, run } from '../lib/t.mjs';
import { startServer, ROOT, DEMO_USERS, DEMO_PASSWORD } from '../lib/server.mjs';

const OUT = `${ROOT}tests/e2e/out`;
mkdirSync(OUT, { recursive: true });
const AXE = `${ROOT}node_modules/axe-core/axe.min.js`;

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

async function shoot(page, name) {
  await page.screenshot({ path: `${OUT}/${name}.png`, fullPage: true });
}

/* Opens a context that keeps the app's CSP and records any violation. */
async function cspWatcher() {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  const problems = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
  page.on('pageerror', (e) => problems.push(String(e)));
  return { ctx, page, problems };
}

async function login(page, username, password = DEMO_PASSWORD) {
  await page.goto(`${srv.url}/login`);
  await page.getByLabel('Användarnamn').fill(username);
  await page.getByLabel('Lösenord').fill(password);
  await page.getByRole('button', { name: 'Logga in' }).click();
}

test('login page: axe, phone layout, failed login shows the error summary', async () => {
  const ctx = await browser.newContext({ bypassCSP: true, viewport: { width: 390, height: 844 } });
  const page = await ctx.newPage();
  await page.goto(`${srv.url}/login`);
  assert.equal(await page.title(), 'Logga in – Bostad först');
  await axe(page, 'login');
  await shoot(page, 'login-phone');
  await login(page, 'cm1', 'fel lösenord igen');
  await page.getByRole('heading', { name: 'Det finns fel i formuläret' }).waitFor();
  assert.equal(await page.getByLabel('Användarnamn').inputValue(), 'cm1', 'typed username kept');
  await axe(page, 'login with errors');
  await shoot(page, 'login-error-phone');
  await page.getByRole('link', { name: 'Fel användarnamn eller lösenord.' }).click();
  assert.equal(await page.evaluate(() => document.activeElement.id), 'password', 'summary link moves focus to the field');
  await ctx.close();
});

for (const [username, role] of Object.entries(DEMO_USERS)) {
  test(`${username} (${role}): start page, every page in the menu, logout`, async () => {
    const ctx = await browser.newContext({ bypassCSP: true });
    const page = await ctx.newPage();
    await login(page, username);
    await page.waitForURL(`${srv.url}/`);
    const h1 = await page.getByRole('heading', { level: 1 }).textContent();
    assert.match(h1, /^Hej .+!$/);
    assert.ok(await page.getByRole('navigation', { name: 'Huvudmeny' }).isVisible());
    if (role === 'landlord' || role === 'admin')
      assert.ok(await page.getByText('Inget väntar på dig i dag.').isVisible(), 'empty state');
    else
      assert.ok(await page.locator('section.due h3').count() > 0, 'work due today is listed');
    await axe(page, `${username} start`);
    await shoot(page, `${username}-start`);
    const links = await page.getByRole('navigation', { name: 'Huvudmeny' }).getByRole('link').evaluateAll(
      (as) => as.map((a) => a.getAttribute('href')));
    for (const href of links) {
      await page.goto(`${srv.url}${href}`);
      assert.equal(await page.locator('main h1').count(), 1, `${href} has one h1`);
      await axe(page, `${username} ${href}`);
      await shoot(page, `${username}${href === '/' ? '-home' : href.replaceAll('/', '-')}`);
    }
    if (role !== 'admin') assert.ok(!links.includes('/admin/users'), 'no admin pages in the menu');
    await page.getByRole('button', { name: 'Logga ut' }).click();
    await page.waitForURL(`${srv.url}/login`);
    await page.goto(`${srv.url}/`);
    assert.equal(page.url(), `${srv.url}/login`, 'logged out for real');
    await ctx.close();
  });
}

test('admin pages: new user form with errors, edit form, districts; phone width', async () => {
  const ctx = await browser.newContext({ bypassCSP: true, viewport: { width: 390, height: 844 } });
  const page = await ctx.newPage();
  await login(page, 'admin1');
  await page.waitForURL(`${srv.url}/`);
  await page.goto(`${srv.url}/admin/users/new`);
  await axe(page, 'new user');
  await page.getByLabel('Namn', { exact: true }).fill('Test Testsson');
  await page.getByRole('button', { name: 'Skapa användare' }).click();
  await page.getByRole('heading', { name: 'Det finns fel i formuläret' }).waitFor();
  assert.equal(await page.getByLabel('Namn', { exact: true }).inputValue(), 'Test Testsson', 'typed name kept');
  await axe(page, 'new user with errors');
  await shoot(page, 'admin-user-new-errors-phone');
  await page.getByLabel('Användarnamn').fill('test.testsson');
  await page.getByLabel('Roll').selectOption('manager');
  await page.getByLabel('Lösenord', { exact: true }).fill('ett långt lösenord');
  await page.getByLabel('Upprepa lösenordet').fill('ett långt lösenord');
  await page.getByRole('button', { name: 'Skapa användare' }).click();
  await page.getByText('Ändringen är sparad.').waitFor();
  await axe(page, 'edit user');
  await shoot(page, 'admin-user-edit-phone');
  await page.goto(`${srv.url}/admin/districts`);
  await axe(page, 'districts');
  await shoot(page, 'admin-districts-phone');
  await page.goto(`${srv.url}/nowhere`);
  assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Hittades inte');
  await axe(page, '404 page');
  await ctx.close();
});

test("the app's CSP reports no violation on any page", async () => {
  const w = await cspWatcher();
  await login(w.page, 'admin1');
  await w.page.waitForURL(`${srv.url}/`);
  for (const p of ['/', '/audit', '/admin/users', '/admin/users/new', '/admin/districts', '/nowhere']) {
    await w.page.goto(`${srv.url}${p}`);
  }
  const css = await w.page.evaluate(() => getComputedStyle(document.querySelector('.site-header')).backgroundColor);
  assert.notEqual(css, 'rgba(0, 0, 0, 0)', 'the stylesheet loaded under the CSP');
  assert.deepEqual(w.problems.filter((p) => !/404/.test(p)), []);
  await w.ctx.close();
});

await run({ after: async () => { await browser.close(); await srv.stop(); } });

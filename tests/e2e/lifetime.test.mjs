// lifetime.test.mjs - in a real browser, by clicking: the manager moves a
// person to another stadsdel (form with an error, confirmation, the person
// page saying where each part was made); the admin finds Gallring from the
// start page, runs the dry run and confirms the weeding. axe on every new
// page (0 violations).
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { test, run } from '../lib/t.mjs';
import { startServer, sql, ROOT, DEMO_PASSWORD } from '../lib/server.mjs';

const AXE = `${ROOT}node_modules/axe-core/axe.min.js`;
const srv = await startServer();
const q = (s) => sql(srv.db, s);
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ['--no-sandbox'] });

async function axe(page, what) {
  await page.addScriptTag({ path: AXE });
  const violations = await page.evaluate(async () => (await window.axe.run(document, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
  })).violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`));
  assert.deepEqual(violations, [], `axe on ${what}`);
}

async function login(username) {
  const ctx = await browser.newContext({ bypassCSP: true });
  const page = await ctx.newPage();
  await page.goto(`${srv.url}/login`);
  await page.getByLabel('Användarnamn').fill(username);
  await page.getByLabel('Lösenord').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Logga in' }).click();
  await page.waitForURL(`${srv.url}/`);
  return { ctx, page };
}

const centrum = q("SELECT id FROM districts WHERE name = 'Centrum'")[0].id;
const old = Math.floor(Date.now() / 1000) - 7 * 366 * 86400;
const person = q(`INSERT INTO persons(personnummer, first_name, last_name, district_id, created_at, updated_at)
  VALUES('19800404-4444', 'Webbflytt', 'Klicksson', ${centrum}, 0, 0) RETURNING id`)[0].id;
q(`INSERT INTO persons(personnummer, first_name, last_name, district_id, personkod, created_at, updated_at)
  VALUES('19500505-5555', 'Gammal', 'Akt', ${centrum}, 'GAAK-70-X', ${old}, ${old})`);

test('the manager transfers a person to Hisingen by clicking', async () => {
  const { ctx, page } = await login('chef1');
  // by clicking (the browser suites type only /login): the header's search box
  await page.getByRole('search', { name: 'Personsökning' }).getByLabel('Sök person').fill('Webbflytt Klicksson');
  await page.getByRole('search', { name: 'Personsökning' }).getByRole('button', { name: 'Sök' }).click();
  await page.locator('main').getByRole('link', { name: 'Webbflytt Klicksson' }).click();
  await page.getByRole('heading', { level: 1, name: 'Webbflytt Klicksson' }).waitFor();
  await page.getByRole('link', { name: 'Flytta till en annan stadsdel' }).click();
  await page.getByRole('heading', { name: 'Flytta till en annan stadsdel' }).waitFor();
  await axe(page, 'transfer form');
  await page.getByLabel('Ny stadsdel').selectOption({ label: 'Centrum' });
  await page.getByRole('button', { name: 'Fortsätt' }).click();
  await page.getByRole('heading', { name: 'Det finns fel i formuläret' }).waitFor();
  await axe(page, 'transfer form with an error');
  await page.getByLabel('Ny stadsdel').selectOption({ label: 'Hisingen' });
  await page.getByRole('button', { name: 'Fortsätt' }).click();
  await page.getByRole('heading', { name: 'Bekräfta flytten till en annan stadsdel' }).waitFor();
  await axe(page, 'transfer confirmation');
  await page.getByRole('button', { name: 'Ja, flytta ärendet' }).click();
  await page.getByRole('status').filter({ hasText: 'Personen är flyttad' }).waitFor();
  assert.match(await page.locator('dl.facts').innerText(), /Stadsdel\s+Hisingen/);
  assert.match(await page.locator('ol.timeline').innerText(), /Ärendet flyttades till en annan stadsdel.*Centrum → Hisingen/);
  await axe(page, 'person page after the transfer');
  await ctx.close();
});

test('the admin weeds from the start page: dry run by Personkod, confirmation, the run listed', async () => {
  const { ctx, page } = await login('admin1');
  await page.getByRole('main').getByRole('link', { name: 'Gallring' }).click();
  await page.getByRole('heading', { name: 'Gallring', level: 1 }).waitFor();
  await axe(page, 'gallring');
  await page.getByRole('button', { name: 'Visa vilka som gallras' }).click();
  await page.getByRole('heading', { name: '1 person att gallra' }).waitFor();
  assert.match(await page.locator('ul.found').innerText(), /^GAAK-70-X$/);
  await axe(page, 'gallring dry run');
  await page.getByRole('button', { name: 'Gallra 1 person' }).click();
  await page.getByRole('heading', { name: 'Bekräfta gallringen' }).waitFor();
  await axe(page, 'gallring confirmation');
  await page.getByRole('button', { name: 'Ja, gallra' }).click();
  await page.getByRole('status').filter({ hasText: 'Gallringen är klar' }).waitFor();
  assert.match(await page.locator('table').innerText(), /\t1\t/);
  await axe(page, 'gallring after the run');
  assert.equal(q("SELECT count(*) AS n FROM persons WHERE first_name = 'Gammal'")[0].n, 0);
  await ctx.close();
});

await run({ after: async () => { await browser.close(); await srv.stop(); } });

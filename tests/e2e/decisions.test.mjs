// decisions.test.mjs - the two decisions in a real browser, from /login by
// clicking only: the socialsekreterare refuses the housing decision and
// grants the support, opens and prints the letter, later ends the support
// through its confirmation page; the unenforced list and the admin's
// letter texts. axe-core on every new page (0 violations). Setup as in
// run.mjs (Debian's Chromium, playwright-core).
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { test, run } from '../lib/t.mjs';
import { startServer, ROOT, DEMO_PASSWORD } from '../lib/server.mjs';

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

/* A context logged in as username through the login form. */
async function session(username, viewport) {
  const ctx = await browser.newContext({ bypassCSP: true, ...(viewport ? { viewport } : {}) });
  const page = await ctx.newPage();
  await page.goto(`${srv.url}/login`);
  await page.getByLabel('Användarnamn').fill(username);
  await page.getByLabel('Lösenord').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Logga in' }).click();
  await page.waitForURL(`${srv.url}/`);
  return { ctx, page };
}

test('soc1 refuses the housing decision, prints the letter, later ends the support', async () => {
  const { ctx, page: p } = await session('soc1', { width: 390, height: 844 });
  // the demo's approved referral waits for her on the start page
  await p.locator('section.due', { has: p.getByRole('heading', { name: 'Remisser som väntar på dig' }) })
    .getByRole('link', { name: /Gunilla Gustavsson/ }).click();
  await p.getByRole('link', { name: 'Fatta de två besluten' }).click();
  await axe(p, 'decision form');
  const housing = p.getByRole('group', { name: '1. Hjälp med bostadsanskaffning – Bostad först' });
  await housing.getByLabel('Beslut', { exact: true }).selectOption({ label: 'Avslag' });
  await p.getByRole('button', { name: 'Fatta besluten' }).click();
  await p.getByRole('heading', { name: 'Det finns fel i formuläret' }).waitFor();
  assert.equal(await housing.getByLabel('Beslut', { exact: true }).inputValue(), 'refused', 'the choice is kept');
  await axe(p, 'decision form with errors');
  await housing.getByLabel(/Motivering/).fill('Gunilla har fått ett eget kontrakt genom bostadsförmedlingen.');
  await p.getByRole('button', { name: 'Fatta besluten' }).click();
  await p.getByRole('heading', { level: 1, name: 'Beslut för Gunilla Gustavsson: Stödinsats Bostad först' }).waitFor();
  assert.match(await p.getByRole('status').first().textContent(), /Besluten är fattade/);
  await axe(p, 'support decision page');
  await shoot(p, 'decisions-support-phone');

  // the refused housing decision and its letter
  await p.getByRole('link', { name: 'Hjälp med bostadsanskaffning – Bostad först' }).click();
  await p.getByRole('heading', { level: 1, name: /Hjälp med bostadsanskaffning/ }).waitFor();
  assert.match(await p.locator('p.lead').textContent(), /Avslag/);
  await axe(p, 'housing decision page (avslag)');
  await p.getByRole('link', { name: 'Beslutsmeddelande (utskrift)' }).click();
  await p.getByRole('heading', { level: 1, name: 'Beslutsmeddelande' }).waitFor();
  const letter = await p.locator('article.letter').textContent();
  assert.match(letter, /Avslag\./);
  assert.match(letter, /Gunilla har fått ett eget kontrakt/);
  assert.match(letter, /4 kap\. 1 §/);
  assert.match(letter, /inom tre veckor/);
  await axe(p, 'decision letter');
  await p.emulateMedia({ media: 'print' });
  assert.equal(await p.locator('.no-print').first().isVisible(), false, 'the print hides the links');
  assert.ok(await p.locator('article.letter').isVisible());
  await shoot(p, 'decisions-letter-print');
  await p.emulateMedia({ media: 'screen' });

  // later: the support ends at her wish
  await p.getByRole('link', { name: 'Tillbaka till beslutet' }).click();
  await p.getByRole('link', { name: 'Stödinsats Bostad först' }).click();
  await p.getByRole('link', { name: 'Avsluta beslutet' }).click();
  await p.getByRole('heading', { level: 1, name: /Avsluta beslutet/ }).waitFor();
  await axe(p, 'end form');
  await p.getByRole('button', { name: 'Fortsätt' }).click();
  await p.getByRole('heading', { name: 'Det finns fel i formuläret' }).waitFor();
  await axe(p, 'end form with errors');
  await p.getByLabel('Anledning').selectOption({ label: 'Brukaren avböjer' });
  await p.getByRole('button', { name: 'Fortsätt' }).click();
  await p.getByRole('heading', { level: 1, name: 'Bekräfta att beslutet avslutas' }).waitFor();
  await axe(p, 'end confirmation');
  await p.getByRole('button', { name: 'Ja, avsluta beslutet' }).click();
  await p.getByRole('heading', { level: 1, name: 'Beslut för Gunilla Gustavsson: Stödinsats Bostad först' }).waitFor();
  assert.match(await p.getByRole('status').first().textContent(), /Beslutet är avslutat/);
  assert.match(await p.locator('dl.facts').textContent(), /Brukaren avböjer/);
  await axe(p, 'ended support decision');
  await p.getByRole('link', { name: /Tillbaka till Gunilla/ }).click();
  assert.match(await p.locator('ul.decision-status').textContent(), /Avslutat \d{4}-\d\d-\d\d \(Brukaren avböjer\)/);
  await axe(p, 'person page with the decisions');
  await shoot(p, 'decisions-person-phone');
  await ctx.close();
});

test('the unenforced list from the start page; the admin letter texts from the menu', async () => {
  const soc = await session('chef1');	// the manager sees every district's
  const section = soc.page.locator('section.due', { has: soc.page.getByRole('heading', { name: /Ej verkställda beslut/ }) });
  await section.getByRole('link', { name: 'Visa alla' }).click();
  await soc.page.getByRole('heading', { level: 1, name: 'Ej verkställda beslut' }).waitFor();
  assert.ok(await soc.page.locator('table tbody tr').count() > 0);
  await axe(soc.page, 'unenforced decisions');
  await soc.ctx.close();
  const admin = await session('admin1');
  await admin.page.getByRole('navigation', { name: 'Huvudmeny' }).getByRole('link', { name: 'Beslutstexter' }).click();
  await admin.page.getByRole('heading', { level: 1, name: 'Texter i beslutsmeddelanden' }).waitFor();
  await axe(admin.page, 'admin letter texts');
  await admin.page.getByLabel('Lagrum').fill('');
  await admin.page.getByRole('button', { name: 'Spara' }).click();
  await admin.page.getByRole('heading', { name: 'Det finns fel i formuläret' }).waitFor();
  await axe(admin.page, 'admin letter texts with errors');
  await admin.ctx.close();
});

await run({ after: async () => { await browser.close(); await srv.stop(); } });

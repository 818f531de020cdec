// decisions.test.mjs - the two decisions in a real browser, from /login by
// clicking only: the socialsekreterare refuses the housing decision and
// grants the support, opens and prints the letter, later ends the support
// through its confirmation page; the unenforced list and the admin's
// letter texts. Every new page: axe-core (0 violations), one h1, no wider
// than the window (lib.mjs, at 390 px but for the manager's list).
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { test, run } from '../lib/t.mjs';
import { ROOT } from '../lib/server.mjs';
import { suite, look, menu, WIDE } from './lib.mjs';

const OUT = `${ROOT}tests/e2e/out`;
mkdirSync(OUT, { recursive: true });
const s = await suite();

/* A screenshot only when SHOTS=1 (as in lib.mjs's suites). */
async function shoot(page, name) {
  if (process.env.SHOTS) await page.screenshot({ path: `${OUT}/${name}.png`, fullPage: true });
}

test('soc1 refuses the housing decision, prints the letter, later ends the support', async () => {
  const p = await s.as('soc1');
  // the demo's approved referral waits for her on the start page
  await p.locator('section.due', { has: p.getByRole('heading', { name: 'Remisser som väntar på dig' }) })
    .getByRole('link', { name: /Gunilla Gustavsson/ }).click();
  await p.getByRole('link', { name: 'Fatta de två besluten' }).click();
  await look(p, 'decision form');
  const housing = p.getByRole('group', { name: '1. Hjälp med bostadsanskaffning – Bostad först' });
  await housing.getByLabel('Beslut', { exact: true }).selectOption({ label: 'Avslag' });
  await p.getByRole('button', { name: 'Fatta besluten' }).click();
  await p.getByRole('heading', { name: 'Det finns fel i formuläret' }).waitFor();
  assert.equal(await housing.getByLabel('Beslut', { exact: true }).inputValue(), 'refused', 'the choice is kept');
  await look(p, 'decision form with errors');
  await housing.getByLabel(/Motivering/).fill('Gunilla har fått ett eget kontrakt genom bostadsförmedlingen.');
  await p.getByRole('button', { name: 'Fatta besluten' }).click();
  await p.getByRole('heading', { level: 1, name: 'Beslut för Gunilla Gustavsson: Stödinsats Bostad först' }).waitFor();
  assert.match(await p.getByRole('status').first().textContent(), /Besluten är fattade/);
  await look(p, 'support decision page');
  await shoot(p, 'decisions-support-phone');

  // the refused housing decision and its letter
  await p.getByRole('link', { name: 'Hjälp med bostadsanskaffning – Bostad först' }).click();
  await p.getByRole('heading', { level: 1, name: /Hjälp med bostadsanskaffning/ }).waitFor();
  assert.match(await p.locator('p.lead').textContent(), /Avslag/);
  await look(p, 'housing decision page (avslag)');
  await p.getByRole('link', { name: 'Beslutsmeddelande (utskrift)' }).click();
  await p.getByRole('heading', { level: 1, name: 'Beslutsmeddelande' }).waitFor();
  const letter = await p.locator('article.letter').textContent();
  assert.match(letter, /Avslag\./);
  assert.match(letter, /Gunilla har fått ett eget kontrakt/);
  assert.match(letter, /4 kap\. 1 §/);
  assert.match(letter, /inom tre veckor/);
  await look(p, 'decision letter');
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
  await look(p, 'end form');
  await p.getByRole('button', { name: 'Fortsätt' }).click();
  await p.getByRole('heading', { name: 'Det finns fel i formuläret' }).waitFor();
  await look(p, 'end form with errors');
  await p.getByLabel('Anledning').selectOption({ label: 'Brukaren avböjer' });
  await p.getByRole('button', { name: 'Fortsätt' }).click();
  await p.getByRole('heading', { level: 1, name: 'Bekräfta att beslutet avslutas' }).waitFor();
  await look(p, 'end confirmation');
  await p.getByRole('button', { name: 'Ja, avsluta beslutet' }).click();
  await p.getByRole('heading', { level: 1, name: 'Beslut för Gunilla Gustavsson: Stödinsats Bostad först' }).waitFor();
  assert.match(await p.getByRole('status').first().textContent(), /Beslutet är avslutat/);
  assert.match(await p.locator('dl.facts').textContent(), /Brukaren avböjer/);
  await look(p, 'ended support decision');
  await p.getByRole('link', { name: /Tillbaka till Gunilla/ }).click();
  assert.match(await p.locator('ul.decision-status').textContent(), /Avslutat \d{4}-\d\d-\d\d \(Brukaren avböjer\)/);
  await look(p, 'person page with the decisions');
  await shoot(p, 'decisions-person-phone');
});

test('the unenforced list from the start page; the admin letter texts from the menu', async () => {
  const soc = { page: await s.as('chef1', WIDE) };	// the manager sees every district's
  const section = soc.page.locator('section.due', { has: soc.page.getByRole('heading', { name: /Ej verkställda beslut/ }) });
  await section.getByRole('link', { name: 'Visa alla' }).click();
  await soc.page.getByRole('heading', { level: 1, name: 'Ej verkställda beslut' }).waitFor();
  assert.ok(await soc.page.locator('table tbody tr').count() > 0);
  await look(soc.page, 'unenforced decisions');
  const admin = { page: await s.as('admin1') };
  await menu(admin.page, 'Beslutstexter');
  await admin.page.getByRole('heading', { level: 1, name: 'Texter i beslutsmeddelanden' }).waitFor();
  await look(admin.page, 'admin letter texts');
  await admin.page.getByLabel('Lagrum').fill('');
  await admin.page.getByRole('button', { name: 'Spara' }).click();
  await admin.page.getByRole('heading', { name: 'Det finns fel i formuläret' }).waitFor();
  await look(admin.page, 'admin letter texts with errors');
});

test('no console error, CSP violation or missing asset on any page', () => {
  assert.deepEqual(s.problems, []);
});

await run({ after: () => s.close() });

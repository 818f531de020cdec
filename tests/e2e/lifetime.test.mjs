// lifetime.test.mjs - in a real browser, by clicking: the manager moves a
// person to another stadsdel (form with an error, confirmation, the person
// page saying where each part was made); the admin finds Gallring from the
// start page, runs the dry run and confirms the weeding. axe on every new
// page (0 violations), every page at 390 px (lib.mjs: one h1, fits the window).
import assert from 'node:assert/strict';
import { test, run } from '../lib/t.mjs';
import { sql } from '../lib/server.mjs';
import { suite, look } from './lib.mjs';

const s = await suite();
const srv = s.srv;
const q = (x) => sql(srv.db, x);

const centrum = q("SELECT id FROM districts WHERE name = 'Centrum'")[0].id;
const old = Math.floor(Date.now() / 1000) - 7 * 366 * 86400;
const person = q(`INSERT INTO persons(personnummer, first_name, last_name, district_id, created_at, updated_at)
  VALUES('19800404-4444', 'Webbflytt', 'Klicksson', ${centrum}, 0, 0) RETURNING id`)[0].id;
q(`INSERT INTO persons(personnummer, first_name, last_name, district_id, personkod, created_at, updated_at)
  VALUES('19500505-5555', 'Gammal', 'Akt', ${centrum}, 'GAAK-70-X', ${old}, ${old})`);

test('the manager transfers a person to Hisingen by clicking', async () => {
  const page = await s.as('chef1');
  // by clicking (the browser suites type only /login): the header's search box
  await page.getByRole('search', { name: 'Personsökning' }).getByLabel('Sök person').fill('Webbflytt Klicksson');
  await page.getByRole('search', { name: 'Personsökning' }).getByRole('button', { name: 'Sök' }).click();
  await page.locator('main').getByRole('link', { name: 'Webbflytt Klicksson' }).click();
  await page.getByRole('heading', { level: 1, name: 'Webbflytt Klicksson' }).waitFor();
  await page.getByRole('link', { name: 'Flytta till en annan stadsdel' }).click();
  await page.getByRole('heading', { name: 'Flytta till en annan stadsdel' }).waitFor();
  await look(page, 'transfer form');
  await page.getByLabel('Ny stadsdel').selectOption({ label: 'Centrum' });
  await page.getByRole('button', { name: 'Fortsätt' }).click();
  await page.getByRole('heading', { name: 'Det finns fel i formuläret' }).waitFor();
  await look(page, 'transfer form with an error');
  await page.getByLabel('Ny stadsdel').selectOption({ label: 'Hisingen' });
  await page.getByRole('button', { name: 'Fortsätt' }).click();
  await page.getByRole('heading', { name: 'Bekräfta flytten till en annan stadsdel' }).waitFor();
  await look(page, 'transfer confirmation');
  await page.getByRole('button', { name: 'Ja, flytta ärendet' }).click();
  await page.getByRole('status').filter({ hasText: 'Personen är flyttad' }).waitFor();
  assert.match(await page.locator('dl.facts').innerText(), /Stadsdel\s+Hisingen/);
  assert.match(await page.locator('ol.timeline').innerText(), /Ärendet flyttades till en annan stadsdel.*Centrum → Hisingen/);
  await look(page, 'person page after the transfer');
});

test('the admin weeds from the start page: dry run by Personkod, confirmation, the run listed', async () => {
  const page = await s.as('admin1');
  await page.getByRole('main').getByRole('link', { name: 'Gallring' }).click();
  await page.getByRole('heading', { name: 'Gallring', level: 1 }).waitFor();
  await look(page, 'gallring');
  await page.getByRole('button', { name: 'Visa vilka som gallras' }).click();
  await page.getByRole('heading', { name: '1 person att gallra' }).waitFor();
  assert.match(await page.locator('ul.found').innerText(), /^GAAK-70-X$/);
  await look(page, 'gallring dry run');
  await page.getByRole('button', { name: 'Gallra 1 person' }).click();
  await page.getByRole('heading', { name: 'Bekräfta gallringen' }).waitFor();
  await look(page, 'gallring confirmation');
  await page.getByRole('button', { name: 'Ja, gallra' }).click();
  await page.getByRole('status').filter({ hasText: 'Gallringen är klar' }).waitFor();
  assert.match(await page.locator('table').innerText(), /\t1\t/);
  await look(page, 'gallring after the run');
  assert.equal(q("SELECT count(*) AS n FROM persons WHERE first_name = 'Gammal'")[0].n, 0);
});

test('no console error or CSP violation on any page', () => {
  assert.deepEqual(s.problems, []);
});

await run({ after: () => s.close() });

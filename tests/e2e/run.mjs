// run.mjs - the everyday path end to end in a real browser: Debian's
// Chromium driven by playwright-core, by clicking alone from /login
// (tests/e2e/lib.mjs: the only URL typed is /login). The remiss to the
// decisions and the case manager's assignment, the landlord's move-in from
// the start page, a home visit, a checklist and its review, the plan one
// life area at a time, the reports, the confirmation pages of dangerous
// changes. axe-core and the width check (the page no wider than the
// window) on every page a test lands on; the app's CSP stays on and
// reports nothing. SHOTS=1 writes screenshots to tests/e2e/out/.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { test, run } from '../lib/t.mjs';
import { sql, ROOT } from '../lib/server.mjs';
import { suite, PHONE, WIDE, login, look, menu, home } from './lib.mjs';

const OUT = `${ROOT}tests/e2e/out`;
const s = await suite();
const { srv } = s;

async function shoot(page, name) {
  if (!process.env.SHOTS) return;
  mkdirSync(OUT, { recursive: true });
  await page.screenshot({ path: `${OUT}/${name}.png`, fullPage: true });
}

/* Finds a person by the header's search box and opens their page. */
async function findPerson(page, name) {
  await page.getByRole('search', { name: 'Personsökning' }).getByLabel('Sök person').fill(name);
  await page.getByRole('search', { name: 'Personsökning' }).getByRole('button', { name: 'Sök' }).click();
  await page.waitForURL(/\/persons\?q=/);
  await look(page, `search results for ${name}`);
  await page.locator('main').getByRole('link', { name, exact: true }).first().click();
  await page.getByRole('heading', { level: 1, name }).waitFor();
}

/* From the start page: the link `name` in the list `section`, or, when
 * the list shows only the first few, the same link behind its "Visa alla"
 * (page by page). */
async function fromStart(page, section, name) {
  await home(page);
  const list = page.locator('section.due', { has: page.getByRole('heading', { name: section, exact: true }) });
  const link = list.getByRole('link', { name, exact: true });
  if (await link.count()) {
    await link.first().click();
  } else {
    await list.getByRole('link', { name: 'Visa alla' }).click();
    const there = page.locator('main').getByRole('link', { name, exact: true });
    while (!(await there.count())) await page.getByRole('link', { name: 'Nästa sida' }).click();
    await there.first().click();
  }
  await page.waitForLoadState();
}

test('login page: axe, phone layout, failed login shows the error summary', async () => {
  const page = await s.fresh(PHONE);
  await login(page, srv, 'cm1', 'fel lösenord igen');
  await page.getByRole('heading', { name: 'Det finns fel i formuläret' }).waitFor();
  assert.equal(await page.title(), 'Logga in – Bostad först');
  assert.equal(await page.getByLabel('Användarnamn').inputValue(), 'cm1', 'typed username kept');
  await look(page, 'login with errors');
  await shoot(page, 'login-error-phone');
  await page.getByRole('link', { name: 'Fel användarnamn eller lösenord.' }).click();
  assert.equal(await page.evaluate(() => document.activeElement.id), 'password', 'summary link moves focus to the field');
  await page.context().close();
});

test('admin pages: new user form with errors, edit form, districts; phone width', async () => {
  const page = await s.as('admin1', PHONE);
  await menu(page, 'Användare');
  await page.getByRole('link', { name: 'Ny användare' }).click();
  await look(page, 'new user');
  await page.getByLabel('Namn', { exact: true }).fill('Test Testsson');
  await page.getByRole('button', { name: 'Skapa användare' }).click();
  await page.getByRole('heading', { name: 'Det finns fel i formuläret' }).waitFor();
  assert.equal(await page.getByLabel('Namn', { exact: true }).inputValue(), 'Test Testsson', 'typed name kept');
  await look(page, 'new user with errors');
  await shoot(page, 'admin-user-new-errors-phone');
  await page.getByLabel('Användarnamn').fill('test.testsson');
  await page.getByLabel('Roll').selectOption('manager');
  await page.getByLabel('Lösenord', { exact: true }).fill('ett långt lösenord');
  await page.getByLabel('Upprepa lösenordet').fill('ett långt lösenord');
  await page.getByRole('button', { name: 'Skapa användare' }).click();
  await page.getByRole('status').getByText('Användaren är skapad.').waitFor();
  await look(page, 'edit user');
  await shoot(page, 'admin-user-edit-phone');
  await menu(page, 'Stadsdelar');
  await look(page, 'districts');
  await shoot(page, 'admin-districts-phone');
});

/* Clicks the step button `name` on a referral page (filling date, the
 * meeting's time and place, reason). */
async function takeStep(page, name, { date, time, place, reason } = {}) {
  const form = page.locator('form.step', { has: page.getByRole('button', { name, exact: true }) });
  if (date) await form.getByLabel(/Datum för mötet|Mötet hölls/).fill(date);
  if (time) await form.getByLabel('Klockslag').fill(time);
  if (place) await form.getByLabel('Plats').fill(place);
  if (reason) await form.getByLabel('Motivering').fill(reason);
  await form.getByRole('button', { name, exact: true }).click();
  await page.waitForLoadState();
  await look(page, `after the step ${name}`);
}

test('remiss to decisions in the browser: soc1 files with the client, cm1 answers, soc1 decides, chef1 assigns', async () => {
  const today = new Date().toISOString().slice(0, 10);
  const p = await s.as('soc1', PHONE);
  await menu(p, 'Personer');
  await p.getByRole('link', { name: 'Registrera person' }).click();
  await look(p, 'register person');
  await p.getByLabel('Personnummer', { exact: true }).fill('19870303-0002'.replace(/.$/, String(luhn('870303000'))));
  await p.getByLabel('Förnamn').fill('Selma');
  await p.getByLabel('Efternamn').fill('Stigsdotter');
  await p.getByRole('button', { name: 'Registrera' }).click();
  await p.getByRole('heading', { level: 1, name: 'Selma Stigsdotter' }).waitFor();
  await look(p, 'person page');
  await p.getByRole('link', { name: 'Ny remiss' }).click();
  await look(p, 'referral form');
  for (const legend of ['Aktuell på vuxenenheten', 'Står långt från', 'Missbruk och/eller', 'Vill bo i hyreslägenhet', 'Inga hot- eller', 'Bedöms inte ha hög risk']) {
    await p.getByRole('group', { name: new RegExp(legend) }).getByLabel('Ja').check();
  }
  await p.getByLabel('Brukaren har varit med och fyllt i remissen').check();
  await p.getByLabel(/Brukarens egna önskemål/).fill('Jag vill ha ett eget kök och en katt.');
  await p.getByRole('button', { name: 'Spara utkast' }).click();
  await p.getByRole('heading', { level: 1, name: /Remiss för Selma/ }).waitFor();
  await look(p, 'referral page (draft)');
  await p.getByRole('link', { name: 'Ändra remissen' }).click();
  await look(p, 'referral edit form (draft)');
  assert.equal(await p.getByLabel(/Brukarens egna önskemål/).inputValue(), 'Jag vill ha ett eget kök och en katt.');
  await p.getByRole('button', { name: 'Spara utkast' }).click();
  await p.getByRole('heading', { level: 1, name: /Remiss för Selma/ }).waitFor();
  await shoot(p, 'soc1-referral-draft-phone');
  await takeStep(p, 'Skicka till Bostad först-teamet');
  assert.match(await p.locator('.facts').first().textContent(), /Skickad – väntar på förhandsbesked/);

  const c = await s.as('cm1', WIDE);
  await fromStart(c, 'Remisser som väntar på teamet', 'Selma Stigsdotter');
  await look(c, 'referral page for the team');
  await takeStep(c, 'Lämna positivt förhandsbesked');
  await takeStep(c, 'Boka informationsmöte', { date: today, time: '10:00', place: 'Bostad först SRF' });
  await takeStep(c, 'Registrera hållet informationsmöte', { date: today });
  assert.match(await c.locator('.facts').first().textContent(), /väntar på brukarens svar/);

  await fromStart(p, 'Remisser som väntar på dig', 'Selma Stigsdotter');
  await takeStep(p, 'Brukaren accepterar villkoren');
  await fromStart(c, 'Remisser som väntar på teamet', 'Selma Stigsdotter');
  await takeStep(c, 'Kan tillgodose behoven på egen hand');
  await shoot(c, 'cm1-referral-approved');

  await fromStart(p, 'Remisser som väntar på dig', 'Selma Stigsdotter');
  await p.getByRole('link', { name: 'Fatta de två besluten' }).click();
  await look(p, 'decision form');
  await p.getByLabel('Utförare').fill('Bostad först SRF');
  await p.getByRole('button', { name: 'Fatta besluten' }).click();
  await p.getByRole('heading', { level: 1, name: /Beslut för Selma/ }).waitFor();
  await look(p, 'decision page');
  await shoot(p, 'soc1-decision-phone');
  await p.getByRole('link', { name: 'Skriv uppdragsbeskrivning' }).click();
  await look(p, 'assignment form');
  await p.getByLabel('Individuella mål').fill('Flytta in och behålla lägenheten.');
  await p.getByRole('button', { name: 'Spara' }).click();
  await p.getByRole('heading', { level: 1, name: /Uppdragsbeskrivning/ }).waitFor();
  await look(p, 'assignment');

  // the socialsekreterare is told who assigns; the manager finds her on the start page
  await p.getByRole('link', { name: 'Tillbaka till beslutet' }).click();
  await look(p, 'decision page with its assignment');
  await p.getByRole('link', { name: /^Tillbaka till Selma Stigsdotter/ }).click();
  await p.getByText(/Chefen för Bostad först tilldelar en case manager/).waitFor();
  assert.ok(await p.getByText(/^Väntar på lägenhet\. Fastighetskontoret registrerar inflyttningen/).isVisible(), 'who moves her in');
  await look(p, 'person page, no case manager yet');
  const h = await s.as('chef1', PHONE);
  await fromStart(h, 'Beviljade utan case manager', 'Selma Stigsdotter');
  await h.getByLabel('Tilldela case manager').selectOption({ label: 'Cecilia Case Manager (cm1)' });
  await h.getByRole('button', { name: 'Tilldela' }).click();
  await h.getByText('Cecilia Case Manager', { exact: false }).first().waitFor();
  await look(h, 'person page for the manager');
  await shoot(h, 'chef1-person');

  await home(c);
  assert.ok(await c.getByRole('link', { name: 'Selma Stigsdotter' }).isVisible(), 'cm1 sees the person on the start page');
  await look(c, 'cm1 start page with participants');
  await fromStart(c, 'Dina deltagare', 'Selma Stigsdotter');
  assert.match(await c.locator('ol.timeline').textContent(), /Besluten om bostadsanskaffning och stödinsats fattades/);
  await c.getByRole('link', { name: 'Skriv genomförandeplan' }).click();
  await look(c, 'new plan form');
  await shoot(c, 'cm1-person-timeline');
});

test('landlord office: apartment form with errors, apartment page with its edit form', async () => {
  const p = await s.as('fast1', PHONE);
  await menu(p, 'Lägenheter');
  await p.getByRole('link', { name: 'Ny lägenhet' }).click();
  await look(p, 'new apartment');
  await p.getByLabel('Adress').fill('Provgatan 9');
  await p.getByRole('button', { name: 'Spara' }).click();
  await p.getByRole('heading', { name: 'Det finns fel i formuläret' }).waitFor();
  assert.equal(await p.getByLabel('Adress').inputValue(), 'Provgatan 9');
  await look(p, 'new apartment with errors');
  await menu(p, 'Lägenheter');
  await p.locator('main table tbody a').first().click();
  await look(p, 'apartment page');
  await shoot(p, 'fast1-apartment-phone');
  // the move-in, by clicking only: start page "Väntar på lägenhet" -> Selma -> a free apartment -> Flytta in en person
  await fromStart(p, 'Väntar på lägenhet', 'Selma Stigsdotter');
  await p.waitForURL(/status=available&for=\d+/);
  await p.getByText('Välj en ledig lägenhet för inflyttningen för Selma Stigsdotter.').waitFor();
  await look(p, 'free apartments for a move-in');
  await p.locator('table tbody tr a').first().click();
  await p.getByRole('link', { name: 'Flytta in en person' }).click();
  await p.getByRole('heading', { level: 1, name: /^Inflyttning:/ }).waitFor();
  await look(p, 'move-in form');
  assert.equal(await p.getByLabel('Hyresgäst').locator('option:checked').textContent(), 'Selma Stigsdotter (Centrum)',
    'the person chosen on the start page');
  await p.getByRole('button', { name: 'Registrera inflyttning' }).click();
  await p.waitForURL(/\/tenancies\/\d+\?klart=inflyttning$/);
  assert.equal((await p.getByRole('status').textContent()).trim(), 'Inflyttningen är registrerad. Lägenheten är uthyrd.');
  assert.match(await p.locator('.facts').textContent(), /Selma Stigsdotter/);
  await look(p, 'tenancy page after the move-in');
  await p.getByRole('link', { name: /lgh/ }).first().click();
  assert.equal(await p.getByRole('link', { name: 'Flytta in en person' }).count(), 0, 'no move-in link on a let apartment');
  await look(p, 'a let apartment');
});

test('living there in the browser: cm1 logs a home visit and sends a checklist; fast1 reviews it; cm1 sees the review', async () => {
  const [alva] = sql(srv.db, "SELECT p.first_name || ' ' || p.last_name AS name, a.address FROM persons p JOIN tenancies t ON t.person_id = p.id "
    + "JOIN apartments a ON a.id = t.apartment_id WHERE p.first_name = 'Alva' AND t.end_date IS NULL");
  const c = await s.as('cm1', PHONE);
  await findPerson(c, alva.name);
  await look(c, 'person page (case manager)');
  await c.getByRole('link', { name: 'Besök och kontakter' }).click();
  await look(c, 'visit journal');
  await c.getByRole('textbox', { name: 'Anteckning' }).fill('Hembesök i webbläsartestet. Vi drack kaffe.');
  await c.getByRole('button', { name: 'Spara besöket' }).click();
  await c.getByText('Hembesök i webbläsartestet. Vi drack kaffe.').waitFor();
  await c.getByRole('link', { name: 'Rätta' }).first().click();
  await c.getByRole('heading', { name: /Rätta anteckningen/ }).waitFor();
  await look(c, 'visit correction form');
  await c.getByRole('textbox', { name: 'Anteckning' }).fill('Rättelse: vi drack te.');
  await c.getByRole('button', { name: 'Spara rättelsen' }).click();
  await c.getByText('Rättelse: vi drack te.').waitFor();
  assert.ok(await c.getByText('Hembesök i webbläsartestet. Vi drack kaffe.').isVisible(), 'the original stays beside the correction');
  await look(c, 'visit journal with a correction');
  await shoot(c, 'cm1-visits-phone');

  await c.getByRole('link', { name: 'Personens sida' }).click();
  await c.getByRole('link', { name: alva.address }).click();
  await look(c, 'tenancy page (case manager)');
  await c.getByRole('link', { name: 'Ny händelse' }).click();
  await look(c, 'new incident form (case manager)');
  await c.goBack();
  await c.getByRole('button', { name: /^Gör checklistan för / }).click();
  await c.getByRole('heading', { level: 1, name: /Checklista/ }).waitFor();
  await look(c, 'checklist form');
  await c.getByRole('group', { name: 'Hall' }).getByLabel('OK').check();
  await c.getByRole('group', { name: 'Kök' }).getByLabel('Behöver åtgärdas').check();
  await c.getByRole('button', { name: 'Skicka till fastighetskontoret' }).click();
  await c.getByRole('heading', { name: 'Det finns fel i formuläret' }).waitFor();
  assert.ok(await c.getByRole('group', { name: 'Kök' }).getByLabel('Behöver åtgärdas').isChecked(), 'the choice is kept');
  await look(c, 'checklist with errors');
  await c.getByLabel('Kommentar: Kök').fill('Kylskåpet behöver frostas av.');
  await c.getByLabel('Överenskomna åtgärder').fill('Frosta av kylskåpet på lördag.');
  await c.getByRole('button', { name: 'Skicka till fastighetskontoret' }).click();
  await c.getByText('Skickad till fastighetskontoret').first().waitFor();
  const checklistPath = new URL(c.url()).pathname;
  await look(c, 'checklist sent');
  await shoot(c, 'cm1-checklist-sent-phone');

  const f = await s.as('fast1', WIDE);
  assert.ok(await f.getByRole('heading', { name: 'Checklistor att granska' }).isVisible());
  await menu(f, 'Checklistor');
  await look(f, 'landlord checklist inbox');
  await f.locator(`main a[href="${checklistPath}"]`).first().click();
  await f.getByText('Kylskåpet behöver frostas av.').waitFor();
  await look(f, 'checklist review form');
  await f.getByLabel('Fastighetskontorets kommentar').fill('Tack, ser bra ut. Hör av er om kylskåpet.');
  await f.getByRole('button', { name: 'Markera som granskad' }).click();
  await f.getByText('Granskad av fastighetskontoret').first().waitFor();
  await look(f, 'checklist reviewed (landlord)');
  await shoot(f, 'fast1-checklist-reviewed');
  await f.getByRole('link', { name: 'Tillbaka till boendet' }).click();
  await look(f, 'tenancy page (landlord)');
  assert.ok(!(await f.content()).includes('drack'), 'no visit text on the landlord side');

  await findPerson(c, alva.name);
  await c.getByRole('link', { name: alva.address }).click();
  await c.locator(`main a[href="${checklistPath}"]`).click();
  await c.getByText('Tack, ser bra ut. Hör av er om kylskåpet.').waitFor();
  await look(c, 'checklist reviewed (case manager)');

  await menu(f, 'Händelser');
  await f.locator('main table tbody a').first().click();
  await look(f, 'incident page (landlord)');
  await home(f);
  await f.locator('section.due', { hasText: 'Redo för prövning av överlåtelse' }).getByRole('link', { name: 'Visa alla' }).click();
  await look(f, 'tenancies ready for takeover');
  const h = await s.as('chef1', PHONE);
  await h.locator('section.due', { hasText: 'Stöd utan lägenhet' }).getByRole('link', { name: 'Visa alla' }).click();
  await look(h, 'support without apartment');
});

test('the plan, one life area at a time: areas that open, progress counted, a new version, compare, print', async () => {
  const [alva] = sql(srv.db, "SELECT first_name || ' ' || last_name AS name FROM persons WHERE first_name = 'Alva' LIMIT 1");
  const c = await s.as('cm1', PHONE);
  await findPerson(c, alva.name);
  await c.getByRole('link', { name: /^Genomförandeplan, version \d+$/ }).click();
  await c.getByRole('heading', { level: 1, name: /Genomförandeplan/ }).waitFor();
  await look(c, 'plan page');
  await c.getByRole('link', { name: 'Ändra (ny version)' }).click();
  await look(c, 'plan form');
  await shoot(c, 'cm1-plan-form-phone');
  const count = async () => Number(/^(\d+) av (\d+) livsområden har något ifyllt/.exec(await c.locator('#plan-progress').textContent())[1]);
  const before = await count();
  assert.ok(await c.locator('details.area').count() >= 8, 'every life area is a section of its own');
  assert.ok(await c.locator('details.area[open]').count() <= 1, 'at most one area open to begin with');
  // an area nobody has started, closed: its fields are hidden until its heading is pressed
  const name = (await c.locator('details.area:not([open])', { hasText: 'inte påbörjat' }).first().locator('summary').textContent()).split(' – ')[0].trim();
  const area = c.locator('details.area', { has: c.locator('summary', { hasText: name }) });
  const goal = area.getByRole('textbox', { name: 'Mitt mål (med deltagarens egna ord)' });
  assert.equal(await goal.isVisible(), false, `${name}: closed`);
  const mark = () => area.locator('summary > .mark').evaluate((m) => getComputedStyle(m, '::before').content);
  assert.match(await mark(), /○/, `${name}: marked not started`);
  await area.locator('summary').click();
  await goal.fill('Ett mål skrivet i webbläsartestet.');
  await c.getByRole('button', { name: 'Spara ny version' }).click();
  await c.getByRole('status').waitFor();
  assert.match(await c.locator('main').textContent(), /Ett mål skrivet i webbläsartestet\./, 'the new text on the plan page');
  await look(c, 'plan page after saving');
  await c.getByRole('link', { name: 'Ändra (ny version)' }).click();
  assert.equal(await count(), before + 1, 'one more area counted as started');
  assert.match(await area.locator('summary').textContent(), /1 av \d+ fält ifyllda/, 'the area says how far it is');
  assert.match(await mark(), /●/, `${name}: marked started`);
  await c.getByRole('link', { name: 'Tillbaka till planen' }).click();
  await c.getByRole('link', { name: 'Jämför med föregående version' }).click();
  await look(c, 'plan compare');
  assert.match(await c.locator('main').textContent(), /Ett mål skrivet i webbläsartestet\./);
  await c.goBack();
  await c.getByRole('link', { name: 'Utskrift till deltagaren' }).click();
  await look(c, 'plan print');
  assert.equal(await c.locator('main details').count(), 0, 'the print shows every area, nothing folded');
  await shoot(c, 'cm1-plan-print-phone');
});

test('chef1: the kvarboende dashboard with its chart, the statusrapport, both downloads', async () => {
  const p = await s.as('chef1', WIDE);
  await menu(p, 'Kvarboende');
  await p.getByRole('heading', { level: 1, name: 'Kvarboende' }).waitFor();
  assert.ok(await p.getByRole('img', { name: /Andel boenden som pågår/ }).isVisible(), 'the chart has an accessible name');
  assert.ok(await p.getByRole('table', { name: /i siffror/ }).isVisible(), 'the numbers beside the chart');
  await look(p, 'kvarboende dashboard');
  await shoot(p, 'chef1-kvarboende');
  await p.getByRole('link', { name: 'Sammanställning på en sida (för utskrift)' }).click();
  await p.getByRole('heading', { level: 1, name: /^Bostad först: resultat per / }).waitFor();
  assert.match(await p.locator('table.summary-table').textContent(), /Personer som bor kvar/);
  await look(p, 'programme summary');
  await shoot(p, 'chef1-summary');
  await p.getByRole('link', { name: 'Tillbaka till kvarboende' }).click();
  await menu(p, 'Statusrapport');
  await p.getByRole('heading', { level: 1, name: /Statusrapport per 31\/12/ }).waitFor();
  await look(p, 'statusrapport');
  await shoot(p, 'chef1-statusrapport');
  for (const [name, ext, magic] of [['Ladda ner CSV', 'csv', 'efbbbf'], ['Ladda ner Excel', 'xlsx', '504b']]) {
    const [download] = await Promise.all([p.waitForEvent('download'), p.getByRole('link', { name }).click()]);
    assert.match(download.suggestedFilename(), new RegExp(`^statusrapport-\\d{4}\\.${ext}$`));
    const chunks = [];
    for await (const c of await download.createReadStream()) chunks.push(c);
    assert.ok(Buffer.concat(chunks).toString('hex').startsWith(magic), `${ext} content`);
  }
  await p.getByLabel(/Bara året/).check();
  await p.getByRole('button', { name: 'Visa' }).click();
  await p.getByText(/Boenden som pågick någon dag under/).waitFor();
  await look(p, 'statusrapport, only the year');
  await p.getByRole('link', { name: 'Importera tidigare års statusrapporter' }).click();
  await look(p, 'import form');
});

function luhn(nine) {
  let sum = 0;
  for (let i = 0; i < 9; i++) { let v = Number(nine[i]) * (i % 2 === 0 ? 2 : 1); sum += v > 9 ? v - 9 : v; }
  return (10 - sum % 10) % 10;
}

test('dangerous changes by clicking: a takeover while not ready and the end of a tenancy go through their confirmation pages', async () => {
  const p = await s.as('fast1', PHONE);
  await menu(p, 'Boenden');
  await p.getByRole('heading', { level: 1, name: 'Boenden' }).waitFor();
  const row = p.locator('table tbody tr', { hasText: 'Inte redo' }).first();
  await row.getByRole('link').click();
  await p.getByRole('heading', { level: 2, name: 'Registrera överlåtelse' }).waitFor();
  await look(p, 'tenancy page, not ready (landlord)');
  const tenancyUrl = p.url();
  assert.match(await p.locator('main').textContent(), /Inte redo för överlåtelse/);
  // not ready and no reason: asked for one, nothing saved
  await p.getByRole('button', { name: 'Registrera överlåtelse' }).click();
  await p.getByRole('heading', { name: 'Det finns fel i formuläret' }).waitFor();
  await look(p, 'takeover without a reason');
  const reason = 'Hyresvärden har godkänt överlåtelsen i förtid efter ett möte.';
  await p.getByLabel(/Skäl till överlåtelse trots att boendet inte är redo/).fill(reason);
  await p.getByRole('button', { name: 'Registrera överlåtelse' }).click();
  await p.getByRole('heading', { level: 1, name: 'Bekräfta överlåtelsen av förstahandskontraktet' }).waitFor();
  assert.match(await p.locator('.warning').textContent(), /Boendet är inte redo för överlåtelse/);
  assert.match(await p.locator('dl.facts').textContent(), new RegExp(reason));
  await look(p, 'takeover confirmation page');
  await shoot(p, 'fast1-takeover-confirm');
  await p.getByRole('button', { name: 'Ja, registrera överlåtelsen' }).click();
  await p.waitForURL(/\/tenancies\/\d+\?klart=overlatelse$/);
  assert.equal((await p.getByRole('status').textContent()).trim(),
    'Överlåtelsen är registrerad: hyresgästen har tagit över förstahandskontraktet.');
  const facts = await p.locator('dl.facts').textContent();
  assert.match(facts, /Övertaget \d{4}-\d\d-\d\d/);
  assert.match(facts, new RegExp(reason), 'the reason is on the tenancy page');
  await look(p, 'tenancy page with the confirmation');
  await shoot(p, 'fast1-takeover-done');

  // the end: to its confirmation page and back without a change, then for real
  await p.getByLabel('Anledning').selectOption({ label: 'Ville flytta' });
  await p.getByRole('button', { name: 'Avsluta boendet' }).click();
  await p.getByRole('heading', { level: 1, name: 'Bekräfta att boendet avslutas' }).waitFor();
  assert.match(await p.locator('main').textContent(), /Ett avslutat boende kan inte öppnas igen/);
  await look(p, 'end confirmation page');
  await p.getByRole('link', { name: 'Avbryt' }).click();
  await p.waitForURL(tenancyUrl);
  assert.match(await p.locator('dl.facts').textContent(), /Pågår/, 'nothing ended');
  await p.getByLabel('Anledning').selectOption({ label: 'Ville flytta' });
  await p.getByRole('button', { name: 'Avsluta boendet' }).click();
  await p.getByRole('button', { name: 'Ja, avsluta boendet' }).click();
  await p.waitForURL(/\?klart=boende-avslutat$/);
  assert.equal((await p.getByRole('status').textContent()).trim(), 'Boendet är avslutat.');
  assert.match(await p.locator('dl.facts').textContent(), /Ville flytta/);
  await look(p, 'tenancy page, ended');
});

test("the app's CSP reports no violation on any page of this suite", async () => {
  assert.deepEqual(s.problems, []);
});

await run({ after: () => s.close() });

// run.mjs - end-to-end in a real browser: Debian's Chromium driven by
// playwright-core. Every role logs in, sees its start page and its pages,
// and logs out; axe-core checks every page (0 violations), a second
// context without bypassCSP proves the app's own CSP reports nothing, and
// a screenshot of each page (desktop and phone) lands in tests/e2e/out/.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { test, run } from '../lib/t.mjs';
import { startServer, sql, ROOT, DEMO_USERS, DEMO_PASSWORD } from '../lib/server.mjs';

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
    if (role === 'admin')
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

/* Logs in a fresh context for username; returns {ctx, page}. */
async function session(username, viewport) {
  const ctx = await browser.newContext({ bypassCSP: true, ...(viewport ? { viewport } : {}) });
  const page = await ctx.newPage();
  await login(page, username);
  await page.waitForURL(`${srv.url}/`);
  return { ctx, page };
}

/* Clicks the step button `name` on a referral page (filling date/reason). */
async function takeStep(page, name, { date, reason } = {}) {
  const form = page.locator('form.step', { has: page.getByRole('button', { name, exact: true }) });
  if (date) await form.getByLabel(/Datum för mötet|Mötet hölls/).fill(date);
  if (reason) await form.getByLabel('Motivering').fill(reason);
  await form.getByRole('button', { name, exact: true }).click();
  await page.waitForLoadState();
}

test('remiss to decisions in the browser: soc1 files with the client, cm1 answers, soc1 decides, chef1 assigns', async () => {
  const today = new Date().toISOString().slice(0, 10);
  const soc = await session('soc1', { width: 390, height: 844 });
  let p = soc.page;
  await p.goto(`${srv.url}/persons/new`);
  await axe(p, 'register person');
  await p.getByLabel('Personnummer', { exact: true }).fill('19870303-0002'.replace(/.$/, String(luhn('870303000'))));
  await p.getByLabel('Förnamn').fill('Selma');
  await p.getByLabel('Efternamn').fill('Stigsdotter');
  await p.getByRole('button', { name: 'Registrera' }).click();
  await p.getByRole('heading', { level: 1, name: 'Selma Stigsdotter' }).waitFor();
  await axe(p, 'person page');
  await p.getByRole('link', { name: 'Ny remiss' }).click();
  await axe(p, 'referral form');
  for (const legend of ['Aktuell på vuxenenheten', 'Står långt från', 'Missbruk och/eller', 'Vill bo i hyreslägenhet', 'Inga hot- eller', 'Bedöms inte ha hög risk']) {
    await p.getByRole('group', { name: new RegExp(legend) }).getByLabel('Ja').check();
  }
  await p.getByLabel('Klienten har varit med och fyllt i remissen').check();
  await p.getByLabel(/Klientens egna önskemål/).fill('Jag vill ha ett eget kök och en katt.');
  await p.getByRole('button', { name: 'Spara utkast' }).click();
  await p.getByRole('heading', { level: 1, name: /Remiss för Selma/ }).waitFor();
  await axe(p, 'referral page (draft)');
  await shoot(p, 'soc1-referral-draft-phone');
  await takeStep(p, 'Skicka till Bostad först-teamet');
  assert.match(await p.locator('.facts').first().textContent(), /Skickad – väntar på förhandsbesked/);
  const refUrl = p.url();

  const cm = await session('cm1');
  const c = cm.page;
  await c.goto(refUrl);
  await axe(c, 'referral page for the team');
  await takeStep(c, 'Lämna positivt förhandsbesked');
  await takeStep(c, 'Boka informationsmöte', { date: today });
  await takeStep(c, 'Registrera hållet informationsmöte', { date: today });
  assert.match(await c.locator('.facts').first().textContent(), /väntar på klientens svar/);

  await p.goto(refUrl);
  await takeStep(p, 'Klienten accepterar villkoren');
  await c.goto(refUrl);
  await takeStep(c, 'Kan tillgodose behoven på egen hand');
  await shoot(c, 'cm1-referral-approved');

  await p.goto(refUrl);
  await p.getByRole('link', { name: 'Fatta de två besluten' }).click();
  await axe(p, 'decision form');
  await p.getByLabel('Utförare').fill('Bostad först SRF');
  await p.getByRole('button', { name: 'Fatta besluten' }).click();
  await p.getByRole('heading', { level: 1, name: /Beslut för Selma/ }).waitFor();
  await axe(p, 'decision page');
  await shoot(p, 'soc1-decision-phone');
  await p.getByRole('link', { name: 'Skriv uppdragsbeskrivning' }).click();
  await axe(p, 'assignment form');
  await p.getByLabel('Individuella mål').fill('Flytta in och behålla lägenheten.');
  await p.getByRole('button', { name: 'Spara' }).click();
  await p.getByRole('heading', { level: 1, name: /Uppdragsbeskrivning/ }).waitFor();
  await axe(p, 'assignment');

  const chef = await session('chef1');
  const h = chef.page;
  await h.goto(`${srv.url}/persons?q=Stigsdotter`);
  await h.getByRole('link', { name: 'Selma Stigsdotter' }).click();
  await h.getByLabel('Tilldela case manager').selectOption({ label: 'Cecilia Case Manager (cm1)' });
  await h.getByRole('button', { name: 'Tilldela' }).click();
  await h.getByText('Cecilia Case Manager', { exact: false }).first().waitFor();
  await axe(h, 'person page for the manager');
  await shoot(h, 'chef1-person');

  await c.goto(`${srv.url}/`);
  assert.ok(await c.getByRole('link', { name: 'Selma Stigsdotter' }).isVisible(), 'cm1 sees the person on the start page');
  await axe(c, 'cm1 start page with participants');
  await c.getByRole('link', { name: 'Selma Stigsdotter' }).click();
  assert.match(await c.locator('ol.timeline').textContent(), /Beslut om bostadsanskaffning och stödinsats/);
  await shoot(c, 'cm1-person-timeline');
  for (const s of [soc, cm, chef]) await s.ctx.close();
});

test('landlord office: apartment form with errors, apartment page with its edit form', async () => {
  const s = await session('fast1', { width: 390, height: 844 });
  const p = s.page;
  await p.goto(`${srv.url}/apartments/new`);
  await axe(p, 'new apartment');
  await p.getByLabel('Adress').fill('Provgatan 9');
  await p.getByRole('button', { name: 'Spara' }).click();
  await p.getByRole('heading', { name: 'Det finns fel i formuläret' }).waitFor();
  assert.equal(await p.getByLabel('Adress').inputValue(), 'Provgatan 9');
  await axe(p, 'new apartment with errors');
  await p.goto(`${srv.url}/apartments/1`);
  await axe(p, 'apartment page');
  await shoot(p, 'fast1-apartment-phone');
  // the move-in, by clicking only: Meny -> Lägenheter -> a free apartment -> Flytta in en person
  await p.getByRole('navigation', { name: 'Huvudmeny' }).getByText('Meny', { exact: true }).click();
  await p.getByRole('navigation', { name: 'Huvudmeny' }).getByRole('link', { name: 'Lägenheter' }).click();
  await p.getByLabel('Status').selectOption({ label: 'Ledig' });
  await p.getByRole('button', { name: 'Visa' }).click();
  await p.waitForURL(/status=available/);
  await p.locator('table tbody tr a').first().click();
  await p.getByRole('link', { name: 'Flytta in en person' }).click();
  await p.getByRole('heading', { level: 1, name: /^Inflyttning:/ }).waitFor();
  await axe(p, 'move-in form');
  await p.getByLabel('Hyresgäst').selectOption({ label: 'Selma Stigsdotter (Centrum)' });
  await p.getByRole('button', { name: 'Registrera inflyttning' }).click();
  await p.waitForURL(/\/tenancies\/\d+$/);
  assert.match(await p.locator('.facts').textContent(), /Selma Stigsdotter/);
  await p.getByRole('link', { name: /lgh/ }).first().click();
  assert.equal(await p.getByRole('link', { name: 'Flytta in en person' }).count(), 0, 'no move-in link on a let apartment');
  await s.ctx.close();
});

test('living there in the browser: cm1 logs a home visit and sends a checklist; fast1 reviews it; cm1 sees the review', async () => {
  const [alva] = sql(srv.db, "SELECT p.id, t.id AS tenancy FROM persons p JOIN tenancies t ON t.person_id = p.id WHERE p.first_name = 'Alva' AND t.end_date IS NULL");
  const cm = await session('cm1', { width: 390, height: 844 });
  const c = cm.page;
  await c.goto(`${srv.url}/persons/${alva.id}`);
  await c.getByRole('link', { name: 'Besök och kontakter' }).click();
  await axe(c, 'visit journal');
  await c.getByRole('textbox', { name: 'Anteckning' }).fill('Hembesök i webbläsartestet. Vi drack kaffe.');
  await c.getByRole('button', { name: 'Spara besöket' }).click();
  await c.getByText('Hembesök i webbläsartestet. Vi drack kaffe.').waitFor();
  await c.getByRole('link', { name: 'Rätta' }).first().click();
  await c.getByRole('heading', { name: /Rätta anteckningen/ }).waitFor();
  await axe(c, 'visit correction form');
  await c.getByRole('textbox', { name: 'Anteckning' }).fill('Rättelse: vi drack te.');
  await c.getByRole('button', { name: 'Spara rättelsen' }).click();
  await c.getByText('Rättelse: vi drack te.').waitFor();
  assert.ok(await c.getByText('Hembesök i webbläsartestet. Vi drack kaffe.').isVisible(), 'the original stays beside the correction');
  await shoot(c, 'cm1-visits-phone');

  await c.goto(`${srv.url}/tenancies/${alva.tenancy}`);
  await axe(c, 'tenancy page (case manager)');
  await c.getByRole('button', { name: 'Gör månadens checklista' }).click();
  await c.getByRole('heading', { level: 1, name: /Checklista/ }).waitFor();
  await axe(c, 'checklist form');
  await c.getByRole('group', { name: 'Hall' }).getByLabel('OK').check();
  await c.getByRole('group', { name: 'Kök' }).getByLabel('Behöver åtgärdas').check();
  await c.getByRole('button', { name: 'Skicka till fastighetskontoret' }).click();
  await c.getByRole('heading', { name: 'Det finns fel i formuläret' }).waitFor();
  assert.ok(await c.getByRole('group', { name: 'Kök' }).getByLabel('Behöver åtgärdas').isChecked(), 'the choice is kept');
  await axe(c, 'checklist with errors');
  await c.getByLabel('Kommentar: Kök').fill('Kylskåpet behöver frostas av.');
  await c.getByLabel('Överenskomna åtgärder').fill('Frosta av kylskåpet på lördag.');
  await c.getByRole('button', { name: 'Skicka till fastighetskontoret' }).click();
  await c.getByText('Skickad till fastighetskontoret').first().waitFor();
  const checklistUrl = c.url();
  await shoot(c, 'cm1-checklist-sent-phone');

  const fast = await session('fast1');
  const f = fast.page;
  assert.ok(await f.getByRole('heading', { name: 'Checklistor att granska' }).isVisible());
  await f.goto(`${srv.url}/checklists`);
  await axe(f, 'landlord checklist inbox');
  await f.locator(`a[href="${new URL(checklistUrl).pathname}"]`).click();
  await f.getByText('Kylskåpet behöver frostas av.').waitFor();
  await axe(f, 'checklist review form');
  await f.getByLabel('Fastighetskontorets kommentar').fill('Tack, ser bra ut. Hör av er om kylskåpet.');
  await f.getByRole('button', { name: 'Markera som granskad' }).click();
  await f.getByText('Granskad av fastighetskontoret').first().waitFor();
  await shoot(f, 'fast1-checklist-reviewed');
  await f.goto(`${srv.url}/tenancies/${alva.tenancy}`);
  await axe(f, 'tenancy page (landlord)');
  assert.ok(!(await f.content()).includes('drack'), 'no visit text on the landlord side');

  await c.goto(checklistUrl);
  await c.getByText('Tack, ser bra ut. Hör av er om kylskåpet.').waitFor();
  await axe(c, 'checklist reviewed (case manager)');

  // the plan: page, edit form, compare, print
  const plan = sql(srv.db, `SELECT id FROM plans WHERE person_id = ${alva.id}`)[0].id;
  for (const path of [`/plans/${plan}`, `/plans/${plan}/edit`, `/plans/${plan}/compare`, `/plans/${plan}/print`]) {
    await c.goto(`${srv.url}${path}`);
    await axe(c, `plan ${path}`);
  }
  await shoot(c, 'cm1-plan-print-phone');
  const inc = sql(srv.db, 'SELECT id FROM incidents WHERE housing_related = 1 LIMIT 1')[0].id;
  await f.goto(`${srv.url}/incidents/${inc}`);
  await axe(f, 'incident page (landlord)');
  await f.goto(`${srv.url}/tenancies?ready=1`);
  await axe(f, 'tenancies ready for takeover');
  const chef = await session('chef1');
  await chef.page.goto(`${srv.url}/persons/without-apartment`);
  await axe(chef.page, 'support without apartment');
  for (const s of [cm, fast, chef]) await s.ctx.close();
});

test('chef1: the kvarboende dashboard with its chart, the statusrapport, both downloads', async () => {
  const s = await session('chef1');
  const p = s.page;
  await p.getByRole('navigation', { name: 'Huvudmeny' }).getByRole('link', { name: 'Kvarboende' }).click();
  await p.getByRole('heading', { level: 1, name: 'Kvarboende' }).waitFor();
  assert.ok(await p.getByRole('img', { name: /Andel boenden som pågår/ }).isVisible(), 'the chart has an accessible name');
  assert.ok(await p.getByRole('table', { name: /i siffror/ }).isVisible(), 'the numbers beside the chart');
  await axe(p, 'kvarboende dashboard');
  await shoot(p, 'chef1-kvarboende');
  await p.getByRole('link', { name: 'Sammanställning på en sida (för utskrift)' }).click();
  await p.getByRole('heading', { level: 1, name: /^Bostad först: resultat per / }).waitFor();
  assert.match(await p.locator('table.summary-table').textContent(), /Personer som bor kvar/);
  await axe(p, 'programme summary');
  await shoot(p, 'chef1-summary');
  await p.getByRole('link', { name: 'Tillbaka till kvarboende' }).click();
  await p.getByRole('navigation', { name: 'Huvudmeny' }).getByRole('link', { name: 'Statusrapport' }).click();
  await p.getByRole('heading', { level: 1, name: /Statusrapport per 31\/12/ }).waitFor();
  await axe(p, 'statusrapport');
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
  await axe(p, 'statusrapport, only the year');
  await p.getByRole('link', { name: 'Importera tidigare års statusrapporter' }).click();
  await axe(p, 'import form');
  await s.ctx.close();
});

function luhn(nine) {
  let sum = 0;
  for (let i = 0; i < 9; i++) { let v = Number(nine[i]) * (i % 2 === 0 ? 2 : 1); sum += v > 9 ? v - 9 : v; }
  return (10 - sum % 10) % 10;
}

test("the app's CSP reports no violation on any page", async () => {
  const w = await cspWatcher();
  await login(w.page, 'admin1');
  await w.page.waitForURL(`${srv.url}/`);
  for (const p of ['/', '/audit', '/admin/users', '/admin/users/new', '/admin/districts', '/admin/assignment-text', '/nowhere']) {
    await w.page.goto(`${srv.url}${p}`);
  }
  await w.page.getByRole('button', { name: 'Logga ut' }).click();
  await w.page.waitForURL(`${srv.url}/login`);
  await login(w.page, 'chef1');
  await w.page.waitForURL(`${srv.url}/`);
  for (const p of ['/persons', '/persons/1', '/referrals', '/referrals/1', '/decisions', '/decisions/1', '/tenancies',
    '/tenancies/1', '/incidents', '/incidents/1', '/checklists', '/checklists/1', '/visits', '/persons/without-apartment']) {
    await w.page.goto(`${srv.url}${p}`);
  }
  const css = await w.page.evaluate(() => getComputedStyle(document.querySelector('.site-header')).backgroundColor);
  assert.notEqual(css, 'rgba(0, 0, 0, 0)', 'the stylesheet loaded under the CSP');
  assert.deepEqual(w.problems.filter((p) => !/404/.test(p)), []);
  await w.ctx.close();
});

await run({ after: async () => { await browser.close(); await srv.stop(); } });

// lib.mjs - what the browser suites share: one server and one Chromium per
// suite file, one logged-in context per user kept for the whole file, and
// the checks made on every page a test lands on.
//
// The rule of these suites: the only URL ever typed is /login
// (`page.goto` appears here once, in login()); every other page is reached
// by clicking a link or a button as a person would (or the browser's Back).
// A page that cannot be reached that way is an app bug.
//
// Contexts keep the app's Content-Security-Policy (no bypassCSP): axe-core
// is added to every document as an init script through the DevTools
// protocol, which the CSP does not govern, and every console error (but
// the browser's note on a 4xx answer) is collected for the suite's last
// test ("no CSP violation on any page").
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { startServer, ROOT, DEMO_PASSWORD } from '../lib/server.mjs';

export const PHONE = { width: 390, height: 844 };
export const WIDE = { width: 1280, height: 800 };
const AXE = readFileSync(`${ROOT}node_modules/axe-core/axe.min.js`, 'utf8');

/* Starts the server and the browser; returns {srv, browser, problems,
 * as(username, viewport), close()}. as() logs a user in on first use (by
 * the login form) and returns the same page afterwards, resized to
 * viewport (PHONE when not given) and on the start page. */
export async function suite() {
  const srv = await startServer();
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ['--no-sandbox'] });
  const problems = [];
  const pages = new Map();
  const s = {
    srv, browser, problems,
    /* a fresh context (nobody logged in) that records console errors */
    async fresh(viewport = PHONE) {
      const ctx = await browser.newContext({ viewport });
      await ctx.addInitScript({ content: AXE });	// in every document, like the DevTools protocol it is outside the CSP
      const page = await ctx.newPage();
      const goto = page.goto.bind(page);	// the rule, kept: only /login is typed
      page.goto = (url, opts) => {
        assert.equal(new URL(url).pathname, '/login', `typed ${url}: reach it by clicking`);
        return goto(url, opts);
      };
      page.on('console', (m) => {
        if (m.type() === 'error' && !/^Failed to load resource: the server responded with a status of [45]\d\d/.test(m.text())) problems.push(`${page.url()}: ${m.text()}`);
      });
      page.on('pageerror', (e) => problems.push(`${page.url()}: ${e}`));
      // an asset the page asks for (the style sheet, the icon, the
      // browser's own /favicon.ico) answers; a page's own 4xx is a test's
      page.on('response', (res) => {
        if (res.status() >= 400 && /\/(static\/|favicon)/.test(new URL(res.url()).pathname)) problems.push(`${page.url()}: ${res.status()} ${res.url()}`);
      });
      return page;
    },
    async as(username, viewport = PHONE) {
      let page = pages.get(username);
      if (!page) {
        page = await s.fresh(viewport);
        await login(page, srv, username);
        await page.waitForURL(`${srv.url}/`);
        pages.set(username, page);
      } else {
        await page.setViewportSize(viewport);
        await home(page);
      }
      return page;
    },
    /* forgets username's page (after its logout) */
    async drop(username) {
      const page = pages.get(username);
      pages.delete(username);
      if (page) await page.context().close();
    },
    async close() {
      await browser.close();
      await srv.stop();
    },
  };
  return s;
}

/* The one typed URL: /login; fills the form and sends it. */
export async function login(page, srv, username, password = DEMO_PASSWORD) {
  await page.goto(`${srv.url}/login`);
  await page.getByLabel('Användarnamn').fill(username);
  await page.getByLabel('Lösenord').fill(password);
  await page.getByRole('button', { name: 'Logga in' }).click();
}

/* Back to the start page by the brand link in the header. */
export async function home(page) {
  await page.getByRole('link', { name: 'Bostad först', exact: true }).click();
  await page.waitForURL((u) => u.pathname === '/');
}

/* Clicks the menu link `name`, opening "Meny" first where it is folded. */
export async function menu(page, name) {
  const nav = page.getByRole('navigation', { name: 'Huvudmeny' });
  const summary = nav.getByText('Meny', { exact: true });
  if (await summary.isVisible()) {
    if (!(await nav.locator('details.menu').evaluate((d) => d.open))) await summary.click();
  }
  await nav.getByRole('link', { name, exact: true }).click();
  await page.waitForLoadState();
}

/* axe-core on the current page (0 violations, listed when it fails). */
export async function axe(page, what) {
  const violations = await page.evaluate(async () => (await window.axe.run(document, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
    resultTypes: ['violations'],	// passes are not collected in full: faster, the same violations
  })).violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`));
  assert.deepEqual(violations, [], `axe on ${what}`);
}

/* The page fits its window: the document no wider than the window
 * (document.documentElement.scrollWidth <= innerWidth; a wide table
 * scrolls inside its region), no heading wider than its box (those for
 * screen readers only aside). Lists what
 * sticks out when it fails. */
export async function fits(page, what) {
  const r = await page.evaluate(() => {
    const name = (e) => `${e.tagName.toLowerCase()}${e.id ? `#${e.id}` : ''}${e.className && typeof e.className === 'string' ? `.${e.className.trim().replace(/\s+/g, '.')}` : ''} "${(e.textContent || '').trim().replace(/\s+/g, ' ').slice(0, 40)}"`;
    const width = document.documentElement.scrollWidth;
    return {
      width, window: window.innerWidth,
      out: width > window.innerWidth ? [...document.querySelectorAll('body *')]
        .filter((e) => !e.closest('.table-wrap') && e.getBoundingClientRect().right > window.innerWidth + 0.5)
        .slice(0, 5).map(name) : [],
      headings: [...document.querySelectorAll('h1, h2, h3, h4, legend')]
        .filter((h) => !h.closest('.visually-hidden') && h.scrollWidth > h.clientWidth + 1).map(name),
    };
  });
  assert.ok(r.width <= r.window, `${what}: the page is ${r.width} px wide in a ${r.window} px window: ${r.out.join(', ')}`);
  assert.deepEqual(r.headings, [], `${what}: headings wider than their box`);
}

/* The checks on every page a test lands on: one h1, it fits the window,
 * axe clean. */
export async function look(page, what) {
  assert.equal(await page.locator('main h1').count(), 1, `${what}: one h1`);
  await fits(page, what);
  await axe(page, what);
}

/* The kind of page an address is: ids as {id}, the names of its query
 * parameters (not the pager's), e.g. "/persons/{id}?" or "/apartments?for&status". */
export function kind(href) {
  const u = new URL(href, 'http://x');
  const keys = [...u.searchParams.keys()].filter((k) => k !== 'page' && k !== 'klart').sort();
  return `${u.pathname.replace(/\/\d+(?=\/|$)/g, '/{id}')}?${keys.join('&')}`;
}

// housing.test.mjs - apartments: the landlord office writes, the others
// read; validation in Swedish; no lost updates.
import assert from 'node:assert/strict';
import { test, run } from '../lib/t.mjs';
import { startServer, Client, sql } from '../lib/server.mjs';

const srv = await startServer();
const c = {};
for (const u of ['fast1', 'soc1', 'cm1', 'chef1', 'admin1']) {
  c[u] = new Client(srv.url);
  await c[u].login(u);
}
const centrum = sql(srv.db, "SELECT id FROM districts WHERE name = 'Centrum'")[0].id;

test('the landlord office registers an apartment', async () => {
  const r = await c.fast1.post('/apartments', { address: 'Testgatan 1, lgh 1001', district_id: String(centrum), rooms: '1',
    area_m2: '33', rent: '5100', housing_company: 'Bolaget', contract_number: 'K-1', status: 'available' });
  assert.equal(r.status, 303);
  const row = sql(srv.db, "SELECT rooms, area_m2, rent, status FROM apartments WHERE address = 'Testgatan 1, lgh 1001'")[0];
  assert.deepEqual(row, { rooms: 1, area_m2: 33, rent: 5100, status: 'available' });
  // numbers as Swedes write them: a space between thousands, a decimal comma
  const sw = await c.fast1.post('/apartments', { address: 'Kommagatan 5', district_id: String(centrum), rooms: '2',
    area_m2: '38,5', rent: '6 200', status: 'available' });
  assert.equal(sw.status, 303, sw.body.slice(0, 300));
  assert.deepEqual(sql(srv.db, "SELECT area_m2, rent FROM apartments WHERE address = 'Kommagatan 5'")[0], { area_m2: 38.5, rent: 6200 });
  assert.match((await c.fast1.get(sw.headers.location)).body, /2 rum, 38,5 m²/);
  const bad = await c.fast1.post('/apartments', { address: 'Kommagatan 6', district_id: String(centrum), rooms: '2',
    area_m2: '38,55', rent: '6 200,50', status: 'available' });
  assert.equal(bad.status, 400);
  assert.match(bad.body, /value="38,55"/, 'what was typed is kept');
  assert.match(bad.body, /href="#rent">Ange hyran i hela kronor/);
  const audit = sql(srv.db, "SELECT count(*) AS n FROM audit WHERE entity = 'apartment' AND action = 'create'")[0].n;
  assert.equal(audit, 2, 'one audit row per apartment made');
});

test('invalid apartment: Swedish errors, typed values kept, nothing stored', async () => {
  const before = sql(srv.db, 'SELECT count(*) AS n FROM apartments')[0].n;
  const r = await c.fast1.post('/apartments', { address: 'Halvgatan 2', district_id: '', rooms: 'två', area_m2: '3', rent: '-1', status: 'available' });
  assert.equal(r.status, 400);
  assert.match(r.body, /href="#district_id">Välj en stadsdel/);
  assert.match(r.body, /href="#rooms">Ange antal rum som ett heltal, 1–10/);
  assert.match(r.body, /href="#area_m2">Ange ytan/);
  assert.match(r.body, /href="#rent">Ange hyran/);
  assert.match(r.body, /value="Halvgatan 2"/);
  assert.match(r.body, /value="två"/);
  assert.equal(sql(srv.db, 'SELECT count(*) AS n FROM apartments')[0].n, before);
});

test('everyone on the case side reads the list; only the landlord writes', async () => {
  for (const u of ['soc1', 'cm1', 'chef1', 'fast1']) {
    const list = await c[u].get('/apartments', { json: true });
    assert.equal(list.status, 200, u);
    assert.ok(list.json().rows.some((a) => a.address === 'Testgatan 1, lgh 1001'), u);
  }
  assert.equal((await c.admin1.get('/apartments')).status, 403, 'the admin sees no case content');
  const id = sql(srv.db, "SELECT id FROM apartments WHERE address = 'Testgatan 1, lgh 1001'")[0].id;
  const r = await c.cm1.post(`/apartments/${id}`, { address: 'Kapad', district_id: String(centrum), rooms: '1', area_m2: '30', rent: '1', status: 'let', version: '1' });
  assert.equal(r.status, 403);
  assert.equal(sql(srv.db, `SELECT address FROM apartments WHERE id = ${id}`)[0].address, 'Testgatan 1, lgh 1001');
  const page = await c.soc1.get(`/apartments/${id}`);
  assert.equal(page.status, 200);
  assert.doesNotMatch(page.body, /Ändra lägenheten/, 'no edit form for readers');
  const filtered = (await c.chef1.get('/apartments?status=blocked', { json: true })).json().rows;
  assert.ok(filtered.length > 0 && filtered.every((a) => a.status === 'blocked'));
});

test('stale apartment edit: 409, the typed values kept, nothing overwritten', async () => {
  const id = sql(srv.db, "SELECT id FROM apartments WHERE address = 'Testgatan 1, lgh 1001'")[0].id;
  const other = new Client(srv.url);
  await other.login('fast1');
  const base = { district_id: String(centrum), rooms: '1', area_m2: '33', rent: '5100', status: 'available', version: '1' };
  assert.equal((await other.post(`/apartments/${id}`, { ...base, address: 'Testgatan 1, lgh 1001 B' })).status, 303);
  const r = await c.fast1.post(`/apartments/${id}`, { ...base, address: 'Testgatan 1, lgh 1001 A' });
  assert.equal(r.status, 409);
  assert.match(r.body, /Någon annan har ändrat lägenheten/);
  assert.match(r.body, /value="Testgatan 1, lgh 1001 A"/);
  assert.equal(sql(srv.db, `SELECT address FROM apartments WHERE id = ${id}`)[0].address, 'Testgatan 1, lgh 1001 B');
  assert.equal((await c.fast1.get('/apartments/999999')).status, 404);
});

await run({ after: () => srv.stop() });

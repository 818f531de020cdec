// ids.mjs - a real id for a route's {id}, one the demo user may reach, so
// generated tests walk the routes with records, not only with 404s.
export function idFor(q, pattern, user) {
  const parts = pattern.split('/');
  const seg = parts[1] === 'admin' ? parts[2] : parts[1];
  const mine = (u) => `(SELECT id FROM users WHERE username = '${u}')`;
  const pick = {
    persons: user === 'cm1' ? `SELECT person_id AS id FROM person_case_managers WHERE user_id = ${mine('cm1')} AND ended_at IS NULL`
      : `SELECT id FROM persons WHERE district_id = (SELECT district_id FROM users WHERE username = 'soc1') ORDER BY housed DESC`,
    referrals: `SELECT r.id FROM referrals r JOIN persons p ON p.id = r.person_id WHERE p.district_id = (SELECT district_id FROM users WHERE username = 'soc1') ORDER BY r.state = 'draft' DESC`,
    plans: `SELECT pl.id FROM plans pl JOIN person_case_managers m ON m.person_id = pl.person_id AND m.ended_at IS NULL WHERE m.user_id = ${mine('cm1')}`,
    tenancies: `SELECT t.id FROM tenancies t JOIN person_case_managers m ON m.person_id = t.person_id AND m.ended_at IS NULL WHERE t.end_date IS NULL AND m.user_id = ${mine('cm1')}`,
    checklists: `SELECT c.id FROM checklists c JOIN tenancies t ON t.id = c.tenancy_id JOIN person_case_managers m ON m.person_id = t.person_id AND m.ended_at IS NULL WHERE m.user_id = ${mine('cm1')} ORDER BY c.state = 'draft' DESC`,
    incidents: `SELECT i.id FROM incidents i JOIN tenancies t ON t.id = i.tenancy_id JOIN person_case_managers m ON m.person_id = t.person_id AND m.ended_at IS NULL WHERE m.user_id = ${mine('cm1')}`,
    decisions: `SELECT d.id FROM decisions d JOIN persons p ON p.id = d.person_id WHERE p.district_id = (SELECT district_id FROM users WHERE username = 'soc1')`,
    apartments: 'SELECT apartment_id AS id FROM tenancies WHERE end_date IS NULL',
    'life-areas': "SELECT id FROM config_items WHERE list = 'life_area'",
    'checklist-items': "SELECT id FROM config_items WHERE list <> 'life_area'",
  }[seg];
  return pick ? (q(pick + ' LIMIT 1')[0] || { id: 1 }).id : 1;
}

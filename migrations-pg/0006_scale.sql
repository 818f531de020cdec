-- PostgreSQL version of migrations/0006_scale.sql (the rules: migrations-pg/0001_init.sql).
-- 0006: what the query-plan test and make bench found at a million persons.

-- the referral page's decision link read every decision
CREATE INDEX decisions_referral ON decisions(referral_id, id);

-- "support without an apartment" (start page of the manager, its own page)
-- walked every current decision and looked for an ongoing tenancy of each.
-- Each person now carries whether a tenancy is ongoing and when the last one
-- ended, kept by triggers on tenancies (never written by the application),
-- and the persons without an apartment have an index of their own, in the
-- order the page shows them: moved out first (longest ago first), then
-- those still waiting, by name.
ALTER TABLE persons ADD COLUMN housed bigint NOT NULL DEFAULT 0;
ALTER TABLE persons ADD COLUMN last_moved_out text;
-- EXISTS is a boolean here, not SQLite's 0/1: ::int makes it the column's 0/1
UPDATE persons SET
	housed = (EXISTS (SELECT 1 FROM tenancies t WHERE t.person_id = persons.id AND t.end_date IS NULL))::int,
	last_moved_out = (SELECT max(t.end_date) FROM tenancies t WHERE t.person_id = persons.id);
CREATE FUNCTION tenancies_housed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	UPDATE persons SET
		housed = (EXISTS (SELECT 1 FROM tenancies t WHERE t.person_id = persons.id AND t.end_date IS NULL))::int,
		last_moved_out = (SELECT max(t.end_date) FROM tenancies t WHERE t.person_id = persons.id)
	WHERE id IN (NEW.person_id, OLD.person_id);	-- OLD is NULL on INSERT
	RETURN NULL;
END $$;
CREATE TRIGGER tenancies_housed_insert AFTER INSERT ON tenancies
FOR EACH ROW EXECUTE FUNCTION tenancies_housed();
CREATE TRIGGER tenancies_housed_update AFTER UPDATE OF end_date, person_id ON tenancies
FOR EACH ROW EXECUTE FUNCTION tenancies_housed();
CREATE INDEX persons_unhoused ON persons(last_moved_out, last_name, first_name, id) WHERE housed = 0;
CREATE INDEX persons_unhoused_district ON persons(district_id, last_moved_out, last_name, first_name, id) WHERE housed = 0;
-- and a district's persons with an apartment (their monthly checklists)
CREATE INDEX persons_housed_district ON persons(district_id, id) WHERE housed = 1;

-- the landlord's start page: open housing-related incidents, oldest first
CREATE INDEX incidents_open_housing ON incidents(date, id) WHERE resolved_date IS NULL AND housing_related = 1;

-- the referral list by district and the landlord's inbox read their rows
-- from these indexes alone: at a million persons the seek from index to
-- table for each of the 50 rows was a fifth of the page's time
DROP INDEX referrals_district_waiting;
CREATE INDEX referrals_district_waiting ON referrals(district_id, last_step_at, id, state, person_id, sent_at);
DROP INDEX checklists_state_id;
CREATE INDEX checklists_state_id ON checklists(state, id, tenancy_id, month, sent_at, review_date);

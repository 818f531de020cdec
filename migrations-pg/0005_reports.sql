-- PostgreSQL version of migrations/0005_reports.sql (the rules: migrations-pg/0001_init.sql).
-- 0005: the statusrapport and the kvarboende dashboard: a note kept from
-- imported reports ("annan info"), and indexes for the year queries.
ALTER TABLE tenancies ADD COLUMN import_note text NOT NULL DEFAULT '';
CREATE INDEX tenancies_end ON tenancies(end_date, move_in_date);
CREATE INDEX decisions_person_dates ON decisions(person_id, start_date, end_date);
CREATE INDEX referrals_sent ON referrals(person_id, sent_at);
-- the dashboard's home-visit weeks: one covering range scan by date
CREATE INDEX visits_week ON visits(kind, date, met, person_id);
-- the dashboard's checklist figures: one covering range scan by month
CREATE INDEX checklists_window ON checklists(month, tenancy_id, state, sent_at);
-- lists ordered by waiting time walk this index and stop after a page
CREATE INDEX referrals_wait ON referrals(last_step_at, id);
-- a person's case managers (person page, timeline) without scanning them all
CREATE INDEX pcm_person ON person_case_managers(person_id, ended_at);
-- the same for one district
CREATE INDEX referrals_district_waiting ON referrals(district_id, last_step_at, id);
-- a list of one state's checklists (the landlord's inbox) in id order
CREATE INDEX checklists_state_id ON checklists(state, id);

-- 0005: the statusrapport and the kvarboende dashboard: a note kept from
-- imported reports ("annan info"), and indexes for the year queries.
ALTER TABLE tenancies ADD COLUMN import_note TEXT NOT NULL DEFAULT '';
CREATE INDEX tenancies_end ON tenancies(end_date, move_in_date);
CREATE INDEX decisions_person_dates ON decisions(person_id, start_date, end_date);
CREATE INDEX referrals_sent ON referrals(person_id, sent_at);

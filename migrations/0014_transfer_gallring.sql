-- 0014: a person moves to another stadsdel (transfer), and old records are
-- weeded (gallring).
--
-- person_transfers is the history of a person's districts: each row says
-- that from `date` on the person belongs to to_district_id (before it to
-- from_district_id). A person never transferred has no rows and belongs to
-- persons.district_id on every date. persons.district_id is always the
-- current district (the scope reads it); the reports ask for the district
-- on their own date (DISTRICT_ON in src/scope.h). created_at is when the
-- transfer was registered: everything written before it was made in the
-- old district (the person page's timeline says so). Append-only.
CREATE TABLE person_transfers (
	id                INTEGER PRIMARY KEY,
	person_id         INTEGER NOT NULL REFERENCES persons(id),
	from_district_id  INTEGER NOT NULL REFERENCES districts(id),
	to_district_id    INTEGER NOT NULL REFERENCES districts(id),
	date              TEXT NOT NULL,
	created_at        INTEGER NOT NULL,
	created_by        INTEGER REFERENCES users(id),
	CHECK (from_district_id <> to_district_id)
);
CREATE INDEX person_transfers_person ON person_transfers(person_id, date, id);
CREATE TRIGGER person_transfers_no_update BEFORE UPDATE ON person_transfers
BEGIN SELECT RAISE(ABORT, 'transfers are append-only'); END;
CREATE TRIGGER person_transfers_no_delete BEFORE DELETE ON person_transfers
BEGIN SELECT RAISE(ABORT, 'transfers are append-only'); END;

-- Gallring (src/gallring.c): the years after the last entry (admin setting).
INSERT INTO settings(name, value) VALUES ('gallring_years', '5');

-- A weeded person keeps the row the statistics need (district, sex,
-- Personkod, tenancy dates); weeded_on is the day the rest was removed.
ALTER TABLE persons ADD COLUMN weeded_on TEXT;
-- the run starts from the persons whose own record is older than the
-- cutoff (a range of this index), not from every person
CREATE INDEX persons_gallring ON persons(updated_at) WHERE weeded_on IS NULL;

-- One row per real gallring run: how many, by whom (a user, or the command
-- line), never which persons. The audit row ('update', 'gallring', id)
-- points here.
CREATE TABLE gallring_runs (
	id          INTEGER PRIMARY KEY,
	at          INTEGER NOT NULL,
	by          INTEGER REFERENCES users(id),
	via         TEXT NOT NULL,            -- 'web' or 'cli:<os user>'
	years       INTEGER NOT NULL,
	cutoff      TEXT NOT NULL,            -- last entry before this date
	persons     INTEGER NOT NULL
);
CREATE TRIGGER gallring_runs_no_update BEFORE UPDATE ON gallring_runs
BEGIN SELECT RAISE(ABORT, 'gallring runs are append-only'); END;
CREATE TRIGGER gallring_runs_no_delete BEFORE DELETE ON gallring_runs
BEGIN SELECT RAISE(ABORT, 'gallring runs are append-only'); END;

-- The one way past the append-only journal triggers. gallring_guard holds
-- the persons being weeded only inside gallring's own transaction (it
-- inserts them, blanks their texts and empties the table before COMMIT);
-- outside it the table is empty and every UPDATE of these journal tables
-- fails as before. Even inside it, only the rows of the persons in the
-- guard may change. DELETE stays refused on every path: gallring blanks
-- texts, it never deletes a row.
CREATE TABLE gallring_guard (person_id INTEGER PRIMARY KEY);

DROP TRIGGER referral_steps_no_update;
CREATE TRIGGER referral_steps_no_update BEFORE UPDATE ON referral_steps
WHEN NOT EXISTS (SELECT 1 FROM referrals f JOIN gallring_guard g ON g.person_id = f.person_id WHERE f.id = OLD.referral_id)
BEGIN SELECT RAISE(ABORT, 'referral steps are append-only'); END;

DROP TRIGGER plan_versions_no_update;
CREATE TRIGGER plan_versions_no_update BEFORE UPDATE ON plan_versions
WHEN NOT EXISTS (SELECT 1 FROM plans l JOIN gallring_guard g ON g.person_id = l.person_id WHERE l.id = OLD.plan_id)
BEGIN SELECT RAISE(ABORT, 'plan versions are append-only'); END;

DROP TRIGGER visits_no_update;
CREATE TRIGGER visits_no_update BEFORE UPDATE ON visits
WHEN NOT EXISTS (SELECT 1 FROM gallring_guard g WHERE g.person_id = OLD.person_id)
BEGIN SELECT RAISE(ABORT, 'visits are append-only'); END;

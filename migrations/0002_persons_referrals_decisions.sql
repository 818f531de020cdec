-- 0002: persons, case-manager assignment, referrals and their steps, the
-- two linked decisions, the assignment to the provider (uppdrag).
-- Later tables (tenancies, visits, checklists, incidents) hang off persons.

CREATE TABLE persons (
	id            INTEGER PRIMARY KEY,
	personnummer  TEXT UNIQUE CHECK (personnummer IS NULL OR personnummer GLOB '[12][0-9][0-9][0-9][0-1][0-9][0-9][0-9]-[0-9][0-9][0-9][0-9]'),
	reserve       INTEGER NOT NULL DEFAULT 0 CHECK (reserve IN (0, 1)),
	birth_date    TEXT,           -- from the personnummer, or given for a reserve identity
	sex           TEXT CHECK (sex IN ('K', 'M', 'X')),
	first_name    TEXT NOT NULL CHECK (length(first_name) BETWEEN 1 AND 100),
	last_name     TEXT NOT NULL CHECK (length(last_name) BETWEEN 1 AND 100),
	phone         TEXT NOT NULL DEFAULT '',
	email         TEXT NOT NULL DEFAULT '',
	address       TEXT NOT NULL DEFAULT '',
	district_id   INTEGER NOT NULL REFERENCES districts(id),
	version       INTEGER NOT NULL DEFAULT 1,
	created_at    INTEGER NOT NULL,
	created_by    INTEGER REFERENCES users(id),
	updated_at    INTEGER NOT NULL,
	updated_by    INTEGER REFERENCES users(id),
	CHECK (reserve = 1 OR personnummer IS NOT NULL)
);
CREATE INDEX persons_district_name ON persons(district_id, last_name, first_name, id);
CREATE INDEX persons_name ON persons(last_name, first_name, id);

-- Which case managers work with whom. Ended, never deleted.
CREATE TABLE person_case_managers (
	id          INTEGER PRIMARY KEY,
	person_id   INTEGER NOT NULL REFERENCES persons(id),
	user_id     INTEGER NOT NULL REFERENCES users(id),
	started_at  INTEGER NOT NULL,
	started_by  INTEGER REFERENCES users(id),
	ended_at    INTEGER,
	ended_by    INTEGER REFERENCES users(id)
);
CREATE UNIQUE INDEX pcm_active ON person_case_managers(person_id, user_id) WHERE ended_at IS NULL;
CREATE INDEX pcm_user ON person_case_managers(user_id, ended_at, person_id);

-- The remiss. state is the state machine's current state (src/referral_state.c);
-- every step is also a row in referral_steps.
CREATE TABLE referrals (
	id                    INTEGER PRIMARY KEY,
	person_id             INTEGER NOT NULL REFERENCES persons(id),
	district_id           INTEGER NOT NULL REFERENCES districts(id),
	state                 TEXT NOT NULL DEFAULT 'draft' CHECK (state IN ('draft', 'sent',
	                      'preliminary_positive', 'meeting_booked', 'meeting_held', 'accepted',
	                      'approved', 'decided', 'rejected', 'declined', 'not_approved', 'withdrawn')),
	crit_known            INTEGER CHECK (crit_known IN (0, 1)),
	crit_known_note       TEXT NOT NULL DEFAULT '',
	crit_far              INTEGER CHECK (crit_far IN (0, 1)),
	crit_far_note         TEXT NOT NULL DEFAULT '',
	crit_health           INTEGER CHECK (crit_health IN (0, 1)),
	crit_health_note      TEXT NOT NULL DEFAULT '',
	crit_wants            INTEGER CHECK (crit_wants IN (0, 1)),
	crit_wants_note       TEXT NOT NULL DEFAULT '',
	crit_no_violence      INTEGER CHECK (crit_no_violence IN (0, 1)),
	crit_no_violence_note TEXT NOT NULL DEFAULT '',
	crit_no_risk          INTEGER CHECK (crit_no_risk IN (0, 1)),
	crit_no_risk_note     TEXT NOT NULL DEFAULT '',
	client_participated   INTEGER NOT NULL DEFAULT 0 CHECK (client_participated IN (0, 1)),
	client_wishes         TEXT NOT NULL DEFAULT '',
	homeless_duration     TEXT NOT NULL DEFAULT '',
	current_situation     TEXT NOT NULL DEFAULT '',
	needs                 TEXT NOT NULL DEFAULT '',
	sent_at               INTEGER,
	last_step_at          INTEGER NOT NULL,
	meeting_date          TEXT,
	meeting_held_date     TEXT,
	outcome_reason        TEXT NOT NULL DEFAULT '',  -- negative förhandsbesked, final no, withdrawal
	final_answer          TEXT CHECK (final_answer IN ('alone', 'with_other', 'cannot')),
	version               INTEGER NOT NULL DEFAULT 1,
	created_at            INTEGER NOT NULL,
	created_by            INTEGER REFERENCES users(id),
	updated_at            INTEGER NOT NULL,
	updated_by            INTEGER REFERENCES users(id)
);
CREATE INDEX referrals_person ON referrals(person_id, id);
CREATE INDEX referrals_state_wait ON referrals(state, last_step_at, id);
CREATE INDEX referrals_district_wait ON referrals(district_id, state, last_step_at, id);

-- Each step of a referral: who, when, what. Append-only.
CREATE TABLE referral_steps (
	id           INTEGER PRIMARY KEY,
	referral_id  INTEGER NOT NULL REFERENCES referrals(id),
	at           INTEGER NOT NULL,
	by           INTEGER REFERENCES users(id),
	action       TEXT NOT NULL,
	from_state   TEXT NOT NULL,
	to_state     TEXT NOT NULL,
	date         TEXT,           -- the date the step is about (meeting date...)
	note         TEXT NOT NULL DEFAULT ''
);
CREATE INDEX referral_steps_referral ON referral_steps(referral_id, id);
CREATE TRIGGER referral_steps_no_update BEFORE UPDATE ON referral_steps
BEGIN SELECT RAISE(ABORT, 'referral steps are append-only'); END;
CREATE TRIGGER referral_steps_no_delete BEFORE DELETE ON referral_steps
BEGIN SELECT RAISE(ABORT, 'referral steps are append-only'); END;

-- One row is the linked pair: (1) Hjälp med bostadsanskaffning – Bostad först
-- and (2) Stödinsats Bostad först, decided together on one form, sharing
-- dates and the review clause. A review makes a new pair; the old one gets
-- replaced_by.
CREATE TABLE decisions (
	id               INTEGER PRIMARY KEY,
	person_id        INTEGER NOT NULL REFERENCES persons(id),
	referral_id      INTEGER REFERENCES referrals(id),
	district_id      INTEGER NOT NULL REFERENCES districts(id),
	decision_date    TEXT NOT NULL,
	start_date       TEXT NOT NULL,
	end_date         TEXT NOT NULL,
	review_clause    TEXT NOT NULL,
	support_kind     TEXT NOT NULL CHECK (support_kind IN ('internal', 'external')),
	provider         TEXT NOT NULL DEFAULT '',
	support_effective_date TEXT,   -- verkställd; may precede move-in
	replaces_id      INTEGER REFERENCES decisions(id),
	replaced_by_id   INTEGER REFERENCES decisions(id),
	replaced_at      INTEGER,
	decided_by       INTEGER REFERENCES users(id),
	version          INTEGER NOT NULL DEFAULT 1,
	created_at       INTEGER NOT NULL,
	created_by       INTEGER REFERENCES users(id),
	updated_at       INTEGER NOT NULL,
	updated_by       INTEGER REFERENCES users(id),
	CHECK (end_date > start_date),
	CHECK (support_kind = 'internal' OR length(provider) > 0)
);
CREATE INDEX decisions_person ON decisions(person_id, id);
CREATE INDEX decisions_due ON decisions(replaced_by_id, end_date, district_id);

-- The standard text of the assignment, edited by the admin; every save is
-- a new version.
CREATE TABLE assignment_texts (
	id          INTEGER PRIMARY KEY,
	text        TEXT NOT NULL,
	created_at  INTEGER NOT NULL,
	created_by  INTEGER REFERENCES users(id)
);
INSERT INTO assignment_texts(text, created_at) VALUES (
'Uppdraget är att ge stöd enligt Bostad först-modellen: stöd i att skaffa och behålla en egen bostad med hyreskontrakt, utifrån personens egna mål, styrkor och behov. Stödet bygger på återhämtning och skademinskning, ges utan krav på behandling och så länge personen vill och behöver. Boende och behandling hålls isär. Stödpersonalen träffar hyresgästen minst en gång i veckan i bostaden, gör varje månad en genomgång av lägenhetens skötsel tillsammans med hyresgästen och upprättar en genomförandeplan tillsammans med personen.',
strftime('%s', 'now'));

-- The socialsekreterare's assignment to the provider for one decision pair.
CREATE TABLE assignments (
	id               INTEGER PRIMARY KEY,
	person_id        INTEGER NOT NULL REFERENCES persons(id),
	decision_id      INTEGER NOT NULL UNIQUE REFERENCES decisions(id),
	text_id          INTEGER NOT NULL REFERENCES assignment_texts(id),
	goals            TEXT NOT NULL DEFAULT '',
	followup_dates   TEXT NOT NULL DEFAULT '',  -- 'YYYY-MM-DD' separated by ','
	version          INTEGER NOT NULL DEFAULT 1,
	created_at       INTEGER NOT NULL,
	created_by       INTEGER REFERENCES users(id),
	updated_at       INTEGER NOT NULL,
	updated_by       INTEGER REFERENCES users(id)
);
CREATE INDEX assignments_person ON assignments(person_id);

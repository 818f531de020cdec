-- 0004: living there: the admin's lists (life areas, checklist items), the
-- genomförandeplan in versions, visits as a journal, monthly checklists.

-- The admin-configurable lists. Items are never deleted, only made
-- inactive; plans and checklists copy the label they used, so renaming an
-- item does not rewrite history.
CREATE TABLE config_items (
	id          INTEGER PRIMARY KEY,
	list        TEXT NOT NULL CHECK (list IN ('life_area', 'checklist_item')),
	label       TEXT NOT NULL CHECK (length(label) BETWEEN 1 AND 120),
	position    INTEGER NOT NULL,
	active      INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
	version     INTEGER NOT NULL DEFAULT 1,
	created_at  INTEGER NOT NULL,
	created_by  INTEGER REFERENCES users(id),
	updated_at  INTEGER NOT NULL,
	updated_by  INTEGER REFERENCES users(id)
);
CREATE UNIQUE INDEX config_items_label ON config_items(list, label);
CREATE INDEX config_items_order ON config_items(list, active, position, id);
INSERT INTO config_items(list, label, position, created_at, updated_at) VALUES
	('life_area', 'Boende', 1, strftime('%s', 'now'), strftime('%s', 'now')),
	('life_area', 'Ekonomi', 2, strftime('%s', 'now'), strftime('%s', 'now')),
	('life_area', 'Hälsa', 3, strftime('%s', 'now'), strftime('%s', 'now')),
	('life_area', 'Missbruk och skademinskning', 4, strftime('%s', 'now'), strftime('%s', 'now')),
	('life_area', 'Sysselsättning', 5, strftime('%s', 'now'), strftime('%s', 'now')),
	('life_area', 'Relationer', 6, strftime('%s', 'now'), strftime('%s', 'now')),
	('life_area', 'Vardagsliv', 7, strftime('%s', 'now'), strftime('%s', 'now')),
	('life_area', 'Trygghet', 8, strftime('%s', 'now'), strftime('%s', 'now')),
	('checklist_item', 'Hall', 1, strftime('%s', 'now'), strftime('%s', 'now')),
	('checklist_item', 'Kök', 2, strftime('%s', 'now'), strftime('%s', 'now')),
	('checklist_item', 'Badrum', 3, strftime('%s', 'now'), strftime('%s', 'now')),
	('checklist_item', 'Golv', 4, strftime('%s', 'now'), strftime('%s', 'now')),
	('checklist_item', 'Fönster och ventilation', 5, strftime('%s', 'now'), strftime('%s', 'now')),
	('checklist_item', 'Brandvarnaren fungerar', 6, strftime('%s', 'now'), strftime('%s', 'now')),
	('checklist_item', 'Sopor tas om hand', 7, strftime('%s', 'now'), strftime('%s', 'now')),
	('checklist_item', 'Inga skadedjur', 8, strftime('%s', 'now'), strftime('%s', 'now')),
	('checklist_item', 'Skador på lägenheten', 9, strftime('%s', 'now'), strftime('%s', 'now')),
	('checklist_item', 'Gemensamma utrymmen', 10, strftime('%s', 'now'), strftime('%s', 'now')),
	('checklist_item', 'Nycklar', 11, strftime('%s', 'now'), strftime('%s', 'now'));

-- One genomförandeplan per person; its content lives in versions. Saving
-- makes a new version, the old ones stay (append-only). next_follow_up is
-- the current version's earliest follow-up date, for the start page.
CREATE TABLE plans (
	id               INTEGER PRIMARY KEY,
	person_id        INTEGER NOT NULL UNIQUE REFERENCES persons(id),
	current_version  INTEGER NOT NULL DEFAULT 1,
	next_follow_up   TEXT,
	created_at       INTEGER NOT NULL,
	created_by       INTEGER REFERENCES users(id),
	updated_at       INTEGER NOT NULL,
	updated_by       INTEGER REFERENCES users(id)
);
CREATE INDEX plans_follow_up ON plans(next_follow_up);

-- areas: JSON [{"area", "goal", "strengths", "needs", "what", "how",
-- "when", "who"}] with the life area's label as it was when saved.
CREATE TABLE plan_versions (
	id               INTEGER PRIMARY KEY,
	plan_id          INTEGER NOT NULL REFERENCES plans(id),
	version_no       INTEGER NOT NULL,
	areas            TEXT NOT NULL,
	follow_up_dates  TEXT NOT NULL DEFAULT '',  -- 'YYYY-MM-DD' separated by ','
	agreed_date      TEXT,
	agreed_how       TEXT NOT NULL DEFAULT '',
	created_at       INTEGER NOT NULL,
	created_by       INTEGER REFERENCES users(id),
	UNIQUE (plan_id, version_no)
);
CREATE TRIGGER plan_versions_no_update BEFORE UPDATE ON plan_versions
BEGIN SELECT RAISE(ABORT, 'plan versions are append-only'); END;
CREATE TRIGGER plan_versions_no_delete BEFORE DELETE ON plan_versions
BEGIN SELECT RAISE(ABORT, 'plan versions are append-only'); END;

-- Visits (contacts) are journal entries: append-only. A correction is a
-- new entry whose corrects_id points at the entry it corrects; the
-- corrected entry stays and is shown with it, and is no longer counted.
CREATE TABLE visits (
	id           INTEGER PRIMARY KEY,
	person_id    INTEGER NOT NULL REFERENCES persons(id),
	date         TEXT NOT NULL,
	kind         TEXT NOT NULL CHECK (kind IN ('home', 'office', 'phone', 'accompaniment', 'other')),
	met          INTEGER NOT NULL CHECK (met IN (0, 1)),
	note         TEXT NOT NULL DEFAULT '',
	corrects_id  INTEGER UNIQUE REFERENCES visits(id),
	created_at   INTEGER NOT NULL,
	created_by   INTEGER REFERENCES users(id)
);
CREATE INDEX visits_person ON visits(person_id, date);
CREATE INDEX visits_person_kind ON visits(person_id, kind, date);
CREATE TRIGGER visits_no_update BEFORE UPDATE ON visits
BEGIN SELECT RAISE(ABORT, 'visits are append-only'); END;
CREATE TRIGGER visits_no_delete BEFORE DELETE ON visits
BEGIN SELECT RAISE(ABORT, 'visits are append-only'); END;

-- The monthly apartment checklist: one per tenancy and month ('YYYY-MM').
-- items: JSON [{"label", "status": "ok"|"action"|"unchecked", "comment"}].
-- draft -> sent (to the landlord office) -> reviewed.
CREATE TABLE checklists (
	id                   INTEGER PRIMARY KEY,
	tenancy_id           INTEGER NOT NULL REFERENCES tenancies(id),
	month                TEXT NOT NULL,
	state                TEXT NOT NULL DEFAULT 'draft' CHECK (state IN ('draft', 'sent', 'reviewed')),
	items                TEXT NOT NULL,
	done_date            TEXT,
	agreed_actions       TEXT NOT NULL DEFAULT '',
	participant_comment  TEXT NOT NULL DEFAULT '',
	sent_at              INTEGER,
	sent_by              INTEGER REFERENCES users(id),
	review_date          TEXT,
	review_comment       TEXT NOT NULL DEFAULT '',
	reviewed_at          INTEGER,
	reviewed_by          INTEGER REFERENCES users(id),
	version              INTEGER NOT NULL DEFAULT 1,
	created_at           INTEGER NOT NULL,
	created_by           INTEGER REFERENCES users(id),
	updated_at           INTEGER NOT NULL,
	updated_by           INTEGER REFERENCES users(id),
	UNIQUE (tenancy_id, month)
);
CREATE INDEX checklists_state ON checklists(state, sent_at);
CREATE INDEX checklists_month ON checklists(month, state);

CREATE INDEX tenancies_open ON tenancies(end_date, takeover_date, move_in_date);
CREATE INDEX incidents_kind_open ON incidents(tenancy_id, kind, resolved_date);

-- When a tenancy ends, its apartment is free again (the landlord office
-- may block it afterwards); in the same transaction as the end.
CREATE TRIGGER tenancy_end_frees_apartment AFTER UPDATE OF end_date ON tenancies
WHEN old.end_date IS NULL AND new.end_date IS NOT NULL
BEGIN
	UPDATE apartments SET status = 'available', version = version + 1, updated_at = new.updated_at,
		updated_by = new.updated_by WHERE id = new.apartment_id AND status = 'let';
END;

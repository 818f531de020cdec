-- 0003: the housing side: apartments, tenancies (second-hand contract,
-- takeover, end), incidents, and settings the admin may change.

CREATE TABLE settings (
	name   TEXT PRIMARY KEY,
	value  TEXT NOT NULL
);
INSERT INTO settings(name, value) VALUES ('takeover_months', '9');

CREATE TABLE apartments (
	id               INTEGER PRIMARY KEY,
	address          TEXT NOT NULL CHECK (length(address) BETWEEN 1 AND 300),
	district_id      INTEGER NOT NULL REFERENCES districts(id),
	rooms            INTEGER NOT NULL CHECK (rooms BETWEEN 1 AND 10),
	area_m2          INTEGER NOT NULL CHECK (area_m2 BETWEEN 5 AND 500),
	rent             INTEGER NOT NULL CHECK (rent BETWEEN 0 AND 100000),  -- kronor per month
	housing_company  TEXT NOT NULL DEFAULT '',
	contract_number  TEXT NOT NULL DEFAULT '',
	status           TEXT NOT NULL DEFAULT 'available' CHECK (status IN ('available', 'let', 'blocked')),
	version          INTEGER NOT NULL DEFAULT 1,
	created_at       INTEGER NOT NULL,
	created_by       INTEGER REFERENCES users(id),
	updated_at       INTEGER NOT NULL,
	updated_by       INTEGER REFERENCES users(id)
);
CREATE INDEX apartments_address ON apartments(address, id);
CREATE INDEX apartments_status ON apartments(status, address);

-- One person in one apartment. ordinal: which time in Bostad först (derived
-- from earlier tenancies, overridable with a reason). Ending a tenancy does
-- not end the support decision.
CREATE TABLE tenancies (
	id               INTEGER PRIMARY KEY,
	person_id        INTEGER NOT NULL REFERENCES persons(id),
	apartment_id     INTEGER NOT NULL REFERENCES apartments(id),
	move_in_date     TEXT NOT NULL,
	ordinal          INTEGER NOT NULL DEFAULT 1 CHECK (ordinal >= 1),
	ordinal_reason   TEXT NOT NULL DEFAULT '',
	takeover_date    TEXT,
	end_date         TEXT,
	end_reason       TEXT CHECK (end_reason IN ('evicted', 'wanted', 'other', 'deceased')),
	end_note         TEXT NOT NULL DEFAULT '',
	version          INTEGER NOT NULL DEFAULT 1,
	created_at       INTEGER NOT NULL,
	created_by       INTEGER REFERENCES users(id),
	updated_at       INTEGER NOT NULL,
	updated_by       INTEGER REFERENCES users(id),
	CHECK (end_date IS NULL OR end_date >= move_in_date),
	CHECK ((end_date IS NULL) = (end_reason IS NULL))
);
CREATE INDEX tenancies_person ON tenancies(person_id, move_in_date);
CREATE INDEX tenancies_apartment ON tenancies(apartment_id, end_date);
CREATE INDEX tenancies_dates ON tenancies(move_in_date, end_date);

-- landlord_text is what the landlord office reads; internal_note is for
-- the social services and the team only and never reaches the landlord.
CREATE TABLE incidents (
	id               INTEGER PRIMARY KEY,
	tenancy_id       INTEGER NOT NULL REFERENCES tenancies(id),
	kind             TEXT NOT NULL CHECK (kind IN ('disturbance', 'damage', 'rent_arrears', 'threat', 'sanitary', 'other')),
	date             TEXT NOT NULL,
	reported_by      TEXT NOT NULL DEFAULT '',
	housing_related  INTEGER NOT NULL DEFAULT 1 CHECK (housing_related IN (0, 1)),
	landlord_text    TEXT NOT NULL DEFAULT '',
	action_taken     TEXT NOT NULL DEFAULT '',
	internal_note    TEXT NOT NULL DEFAULT '',
	resolved_date    TEXT,
	version          INTEGER NOT NULL DEFAULT 1,
	created_at       INTEGER NOT NULL,
	created_by       INTEGER REFERENCES users(id),
	updated_at       INTEGER NOT NULL,
	updated_by       INTEGER REFERENCES users(id)
);
CREATE INDEX incidents_tenancy ON incidents(tenancy_id, resolved_date);
CREATE INDEX incidents_open ON incidents(resolved_date, kind, date);

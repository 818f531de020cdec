-- 0001_init.sql: districts, users, sessions, login throttling, audit, secrets.
-- Conventions (see src/db.h): instants are INTEGER Unix seconds (UTC),
-- calendar dates TEXT 'YYYY-MM-DD'; editable tables carry version and
-- created_/updated_ columns; nothing is deleted.

CREATE TABLE districts (
	id          INTEGER PRIMARY KEY,
	name        TEXT NOT NULL UNIQUE COLLATE NOCASE CHECK (length(name) BETWEEN 1 AND 100),
	active      INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
	version     INTEGER NOT NULL DEFAULT 1,
	created_at  INTEGER NOT NULL,
	created_by  INTEGER REFERENCES users(id),
	updated_at  INTEGER NOT NULL,
	updated_by  INTEGER REFERENCES users(id)
);

CREATE TABLE users (
	id            INTEGER PRIMARY KEY,
	username      TEXT NOT NULL UNIQUE COLLATE NOCASE CHECK (length(username) BETWEEN 2 AND 64),
	name          TEXT NOT NULL DEFAULT '',
	role          TEXT NOT NULL CHECK (role IN ('socialsekreterare', 'case_manager', 'landlord', 'manager', 'admin')),
	district_id   INTEGER REFERENCES districts(id),
	password_hash TEXT NOT NULL,
	active        INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
	version       INTEGER NOT NULL DEFAULT 1,
	created_at    INTEGER NOT NULL,
	created_by    INTEGER REFERENCES users(id),
	updated_at    INTEGER NOT NULL,
	updated_by    INTEGER REFERENCES users(id),
	CHECK (role <> 'socialsekreterare' OR district_id IS NOT NULL)
);
CREATE INDEX users_role ON users(role, username);

-- Only a hash of the session token is stored: a copy of the database does
-- not let anyone log in.
CREATE TABLE sessions (
	id          INTEGER PRIMARY KEY,
	token_hash  BLOB NOT NULL UNIQUE,
	user_id     INTEGER NOT NULL REFERENCES users(id),
	created_at  INTEGER NOT NULL,
	last_seen   INTEGER NOT NULL,
	ended_at    INTEGER
);
CREATE INDEX sessions_user ON sessions(user_id);

-- Throttling input. Username as typed (lower-cased), never the password.
CREATE TABLE login_attempts (
	id        INTEGER PRIMARY KEY,
	at        INTEGER NOT NULL,
	username  TEXT NOT NULL,
	ip        TEXT NOT NULL,
	ok        INTEGER NOT NULL
);
CREATE INDEX login_attempts_user ON login_attempts(username, at);
CREATE INDEX login_attempts_ip ON login_attempts(ip, at);

-- Who read or changed whose data. Append-only: the triggers refuse change.
CREATE TABLE audit (
	id         INTEGER PRIMARY KEY,
	at         INTEGER NOT NULL,
	user_id    INTEGER REFERENCES users(id),
	action     TEXT NOT NULL CHECK (action IN ('read', 'create', 'update', 'login',
	           'login_failed', 'logout', 'denied', 'export', 'import')),
	entity     TEXT NOT NULL,
	entity_id  INTEGER,
	person_id  INTEGER
);
CREATE INDEX audit_user ON audit(user_id, id);
CREATE INDEX audit_entity ON audit(entity, entity_id, id);
CREATE INDEX audit_person ON audit(person_id, id);
CREATE INDEX audit_at ON audit(at);
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END;

-- Server secrets (the CSRF key), written from libsodium at first start.
CREATE TABLE secrets (
	name   TEXT PRIMARY KEY,
	value  BLOB NOT NULL
);

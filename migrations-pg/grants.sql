-- grants.sql (PostgreSQL only): what the application's runtime role may do.
-- db_migrate runs this after the migrations on every `bostadforst migrate`
-- (as the role that owns the tables), so a table added by a later migration
-- is granted too. It does something only when the group role
-- bostadforst_app exists (README "Running on PostgreSQL" creates it, NOLOGIN,
-- with the login role the servers use as its member); without it nothing is
-- granted and the database is served by its owner, as before.
--
-- The app role reads and writes rows and nothing else: it owns no table, so
-- it cannot DROP, ALTER or TRUNCATE one, nor CREATE in the schemas (public
-- has no CREATE for PUBLIC since PostgreSQL 15). The audit table is
-- append-only by privilege as well as by its triggers: INSERT and SELECT
-- only. schema_migrations is read only (db_open checks the version).
-- Every other table keeps UPDATE and DELETE: the app updates most rows
-- (optimistic locking), deletes sessions, login_attempts and gallring_guard
-- rows; the append-only journal tables (visits, ...) are guarded by their
-- triggers, which gallring passes through gallring_guard.
-- Runtime needs nothing more: VACUUM after gallring is skipped by a role
-- that does not own the tables (src/db.c db_scrub; autovacuum runs anyway),
-- and setval (sqlite_compat.bf_sync_identities) is for `copy`, run by the
-- owner.
DO $$
BEGIN
	IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'bostadforst_app') THEN
		RETURN;
	END IF;
	GRANT USAGE ON SCHEMA public, sqlite_compat TO bostadforst_app;
	GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA public, sqlite_compat TO bostadforst_app;
	GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO bostadforst_app;
	GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO bostadforst_app;
	REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON audit FROM bostadforst_app;
	REVOKE INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON schema_migrations FROM bostadforst_app;
END $$;

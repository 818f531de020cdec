-- deploy/postgres-roles.sql - the database and its two roles, least privilege.
-- Run once, as the superuser, against the primary (through HAProxy):
--   psql "host=127.0.0.1 port=5000 user=postgres dbname=postgres" \
--     -v owner_password=... -v app_password=... -f deploy/postgres-roles.sql
--
--   bostadforst_owner  owns the database and the schema; `bostadforst migrate`
--                      runs as it. Not used by the server.
--   bostadforst_app    what `bostadforst serve` connects as: it owns nothing,
--                      so it cannot DROP or ALTER anything and cannot CREATE in
--                      the schema; it may SELECT/INSERT/UPDATE/DELETE the
--                      owner's tables and use their sequences, except what
--                      bostadforst migrate takes back (UPDATE/DELETE
--                      on audit). No TRUNCATE, no REFERENCES, no TRIGGER.
-- psql runs each statement on its own (CREATE DATABASE cannot be in a
-- transaction).
\set ON_ERROR_STOP on
CREATE ROLE bostadforst_owner LOGIN PASSWORD :'owner_password';
CREATE ROLE bostadforst_app LOGIN PASSWORD :'app_password';
CREATE DATABASE bostadforst OWNER bostadforst_owner ENCODING 'UTF8' LOCALE 'C.UTF-8' TEMPLATE template0;
REVOKE ALL ON DATABASE bostadforst FROM PUBLIC;
GRANT CONNECT ON DATABASE bostadforst TO bostadforst_app;
\connect bostadforst
-- PostgreSQL 15: public belongs to pg_database_owner and PUBLIC may not
-- create in it; make the owner explicit and leave PUBLIC nothing
ALTER SCHEMA public OWNER TO bostadforst_owner;
REVOKE ALL ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO bostadforst_app;
-- every table and sequence a migration creates (as the owner) is usable by the app
ALTER DEFAULT PRIVILEGES FOR ROLE bostadforst_owner IN SCHEMA public
  GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO bostadforst_app;
ALTER DEFAULT PRIVILEGES FOR ROLE bostadforst_owner IN SCHEMA public
  GRANT USAGE, SELECT ON SEQUENCES TO bostadforst_app;
ALTER DEFAULT PRIVILEGES FOR ROLE bostadforst_owner IN SCHEMA public
  GRANT EXECUTE ON FUNCTIONS TO bostadforst_app;

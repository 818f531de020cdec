-- deploy/postgres-grants.sql - takes back from the app role what the default
-- privileges (deploy/postgres-roles.sql) gave it on append-only tables.
-- Run after every `bostadforst migrate`, as bostadforst_owner:
--   psql "host=127.0.0.1 port=5000 user=bostadforst_owner dbname=bostadforst" -f deploy/postgres-grants.sql
-- The audit trail is only ever added to: the app may INSERT and SELECT it,
-- never UPDATE or DELETE it (the journal tables keep their triggers
-- instead: gallring must blank their texts through its guard).
-- Tables that do not exist yet are skipped.
\set ON_ERROR_STOP on
DO $$
BEGIN
  IF to_regclass('public.audit') IS NOT NULL THEN
    REVOKE UPDATE, DELETE, TRUNCATE ON public.audit FROM bostadforst_app;
  END IF;
END $$;

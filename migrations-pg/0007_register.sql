-- PostgreSQL version of migrations/0007_register.sql (the rules: migrations-pg/0001_init.sql).
-- 0007: the statusrapport as the register seed 000 describes, one register
-- from the programme's start updated at each year end:
--   persons.personkod     given once, at the first move-in (statusrapport.h
--                         says how), the same in every later year; unique,
--                         a collision gets a suffix ("ANBE-45-K-2"). NULL
--                         until the first move-in. An imported person keeps
--                         the code the programme's own file gave.
--   tenancies.end_ground  why an eviction happened (seed 004 reports them).
--   tenancies.imported    the row came from an imported file, not from work
--                         done in the system (no visits or checklists exist).
--   tenancies.known_until for an imported "bor kvar: ja": the 31/12 of the
--                         latest file that said so. After it the state is
--                         unknown (censored), until a later file or a user
--                         says more. NULL: the system knows.
--   tenancies.import_support_until
--                         the latest 31/12 a file said "fortsatt insats soc:
--                         ja" (the register's column reads it beside the
--                         decisions; an import makes no decisions).
--   apartments.imported   a placeholder for an imported tenancy: never
--                         offered for a move-in, not in the apartment list.
ALTER TABLE persons ADD COLUMN personkod text;
CREATE UNIQUE INDEX persons_personkod ON persons(personkod) WHERE personkod IS NOT NULL;
ALTER TABLE tenancies ADD COLUMN end_ground text
	CHECK (end_ground IS NULL OR (end_ground IN ('disturbance', 'arrears', 'other') AND end_reason = 'evicted'));
ALTER TABLE tenancies ADD COLUMN imported bigint NOT NULL DEFAULT 0 CHECK (imported IN (0, 1));
ALTER TABLE tenancies ADD COLUMN known_until text CHECK (known_until IS NULL OR imported = 1);
ALTER TABLE tenancies ADD COLUMN import_support_until text CHECK (import_support_until IS NULL OR imported = 1);
ALTER TABLE apartments ADD COLUMN imported bigint NOT NULL DEFAULT 0 CHECK (imported IN (0, 1));
UPDATE tenancies SET imported = 1 WHERE ordinal_reason = 'Importerad från statusrapport.';
UPDATE apartments SET imported = 1 WHERE id IN (SELECT apartment_id FROM tenancies WHERE imported = 1);
-- the import finds a file's row by district, move-in date and sex
CREATE INDEX tenancies_move_in_person ON tenancies(move_in_date, person_id);

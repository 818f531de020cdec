-- PostgreSQL version of migrations/0015_decision_effective_at.sql (the rules: migrations-pg/0001_init.sql).
-- 0015: when a decision was registered verkställd (effective_at, Unix
-- seconds), so the person's timeline dates and places the event by when it
-- happened, not by the decision's last change (updated_at moves with a
-- review, an end or a transfer). Set wherever support_effective_date is
-- set (the decision page, the move-in, the decision form). Old rows: the
-- best we know is updated_at (what the timeline showed until now); rows
-- written by the demo/generator without it fall back to updated_at too.
ALTER TABLE decisions ADD COLUMN effective_at bigint;
UPDATE decisions SET effective_at = updated_at WHERE support_effective_date IS NOT NULL;
-- decisions_open is SELECT * FROM decisions: PostgreSQL fixed its columns
-- in 0013, SQLite reads the new column through it at once
CREATE OR REPLACE VIEW decisions_open AS
SELECT * FROM decisions WHERE outcome = 'granted' AND replaced_by_id IS NULL AND ended_on IS NULL
	AND end_date >= to_char(current_date, 'YYYY-MM-DD');

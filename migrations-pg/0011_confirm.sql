-- PostgreSQL version of migrations/0011_confirm.sql (the rules: migrations-pg/0001_init.sql).
-- 0011: a takeover registered while the readiness indicator said "not
-- ready" (the waiting time not over, open rent arrears, an open
-- disturbance, or a takeover date before the waiting time was over)
-- keeps the written reason it needed. NULL for a takeover that was ready,
-- and for takeovers from before this column (and from imports).
ALTER TABLE tenancies ADD COLUMN takeover_reason text;

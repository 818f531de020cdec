-- 0009: separation of duties. A change to a user account that gives case
-- access (a new or changed manager, socialsekreterare or case manager, a
-- password reset) is listed on the managers' start page until a manager
-- acknowledges it, so an administrator cannot quietly make an account that
-- reads every person. The audit rows are the changes; this table says
-- which a manager has seen. Append-only like the audit.
CREATE TABLE access_change_acks (
	audit_id   INTEGER PRIMARY KEY REFERENCES audit(id),
	acked_by   INTEGER NOT NULL REFERENCES users(id),
	acked_at   INTEGER NOT NULL
);
CREATE TRIGGER access_change_acks_no_update BEFORE UPDATE ON access_change_acks
BEGIN SELECT RAISE(ABORT, 'acknowledgements are append-only'); END;
CREATE TRIGGER access_change_acks_no_delete BEFORE DELETE ON access_change_acks
BEGIN SELECT RAISE(ABORT, 'acknowledgements are append-only'); END;
-- the managers' "Beviljade utan case manager": the decisions of the last
-- months, newest first, without a sort
CREATE INDEX decisions_recent ON decisions(decision_date, id) WHERE replaced_by_id IS NULL;

-- 0006: indexes found by the query-plan test (tests/http/plans.test.mjs).
-- the referral page's decision link read every decision
CREATE INDEX decisions_referral ON decisions(referral_id, id);

-- PostgreSQL version of migrations/0012_meeting.sql (the rules: migrations-pg/0001_init.sql).
-- 0012: the information meeting's time and place. Booking it asks for a
-- date, a time (HH:MM, local) and a place. The referral keeps the current
-- booking beside meeting_date; each step row keeps what that booking said,
-- so a meeting booked again still shows the first booking on the timeline.
ALTER TABLE referrals ADD COLUMN meeting_time text;
ALTER TABLE referrals ADD COLUMN meeting_place text;
ALTER TABLE referral_steps ADD COLUMN time text;
ALTER TABLE referral_steps ADD COLUMN place text;

-- 0012: the information meeting's time and place. Booking it asks for a
-- date, a time (HH:MM, local) and a place. The referral keeps the current
-- booking beside meeting_date; each step row keeps what that booking said,
-- so a meeting booked again still shows the first booking on the timeline.
ALTER TABLE referrals ADD COLUMN meeting_time TEXT;
ALTER TABLE referrals ADD COLUMN meeting_place TEXT;
ALTER TABLE referral_steps ADD COLUMN time TEXT;
ALTER TABLE referral_steps ADD COLUMN place TEXT;

-- 0008: login throttling that slows down instead of locking out, counted
-- in the database so every server on it shares the counts (src/auth.h,
-- docs/design.md "Logins under load"). A row is written *before* its
-- password check runs (a reservation, in the same transaction as the
-- count that allowed it) and settled after:
--   at_ms    when the check was reserved, Unix milliseconds: the delays
--            start at a few seconds (tests run them at a fraction of one),
--            so whole seconds are too coarse here
--   account  keyed BLAKE2b (16 bytes) of the username as typed,
--            lower-cased: a password typed into the username field is
--            never stored
--   address  the client address (see --trusted-proxy); an IPv6 client is
--            counted by its /64
--   done     0 while the check runs, 1 when it ran and failed.
--   cleared  1 once the account's owner logged in after the failure: it
--            no longer counts for the account, but still for its address
--            (an attacker's guesses are not forgiven by the victim's login).
-- Rows older than a day are pruned as new ones are written. The old rows
-- (failures keyed by the name in clear) are not carried over.
DROP TABLE login_attempts;
CREATE TABLE login_attempts (
	id       INTEGER PRIMARY KEY,
	at_ms    INTEGER NOT NULL,
	account  BLOB NOT NULL,
	address  TEXT NOT NULL,
	done     INTEGER NOT NULL DEFAULT 0 CHECK (done IN (0, 1)),
	cleared  INTEGER NOT NULL DEFAULT 0 CHECK (cleared IN (0, 1))
);
CREATE INDEX login_attempts_account ON login_attempts(account, at_ms);
CREATE INDEX login_attempts_address ON login_attempts(address, at_ms);
CREATE INDEX login_attempts_at ON login_attempts(at_ms);

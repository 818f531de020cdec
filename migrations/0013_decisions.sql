-- 0013: the two linked decisions become two records (issue 15).
--
-- Until now one row of `decisions` was the pair (bostadsanskaffning +
-- stödinsats) with shared dates. From here each row is ONE decision:
--   kind      'housing' (Hjälp med bostadsanskaffning – Bostad först) or
--             'support' (Stödinsats Bostad först; support_kind/provider say
--             internal or external and who)
--   outcome   'granted' (beviljat) or 'refused' (avslag; motivering required)
--   pair_id   links the pair made together on one form: both carry the id
--             of one of them (the first row made; for old rows the support
--             row that began the review chain). A review
--             (omprövning) of one decision makes a new decision of the same
--             kind with the same pair_id, replaces_id = the old one, and the
--             old one gets replaced_by_id (ersatt). So "the linked decision"
--             of d is the other kind with d.pair_id and replaced_by_id NULL.
--   support_effective_date
--             verkställd, for either kind (the name is kept from 0002 so
--             every reader and old insert keeps working): the support from
--             its own date, the housing decision on the move-in.
--   ended_on, end_reason, end_note, ended_at, ended_by
--             avslutat: date and reason (goal_reached = målet uppnått,
--             declined = brukaren avböjer, moved = flyttat, deceased =
--             avliden, other = annat + text).
--   legal_basis, appeal_text
--             the letter's snapshot (the admin texts of decision_texts as
--             they were when the decision was made; appeal_text only for an
--             avslag), so a later edit does not change a letter given.
--
-- Why keep the table name `decisions` with a kind column, not two tables:
-- every reader (statusrapport, kvarboende, start pages, tenancies, scope,
-- demo, generate, the assignment's decision_id) already joins `decisions`;
-- they only need "AND kind = ..." where one row per pair mattered, the ids
-- in old links and audit rows stay valid, and a person's decisions stay one
-- history.
--
-- Migration of old rows: the old row keeps its id and every field and
-- becomes the SUPPORT decision (the assignment, which hangs off it, is the
-- support's uppdrag; the audit rows about it keep pointing at it). A new
-- HOUSING row is made for each old row with every shared field copied
-- (dates, review clause, decider, created/updated stamps, versions); its
-- replaces/replaced_by follow the support rows' chain; it counts as
-- verkställd from the person's move-in that falls within it (or the start
-- of the decision if the person already lived there); one audit row (no
-- user: the migration) records each new housing row.
--
-- Old-style writes (one support row without pair_id: demo, generate, tests)
-- still make a pair: the trigger decisions_old_style_pair adds the housing
-- twin (twin_of = the support row), and when such a support row is later
-- marked replaced by / replacing another old-style row, the triggers
-- decisions_old_style_replaced/_replaces do the same to the twins.
--
-- IN FORCE. A decision is in force on date D when
--     outcome = 'granted' AND replaced_by_id IS NULL
--     AND start_date <= D AND end_date >= D
--     AND (ended_on IS NULL OR ended_on > D)
-- The view decisions_open holds the decisions that are open today (in
-- force now or later: granted, not replaced, not ended, not run out). "A
-- person with an open decision" = EXISTS (SELECT 1 FROM decisions_open ...).

ALTER TABLE decisions ADD COLUMN kind TEXT NOT NULL DEFAULT 'support' CHECK (kind IN ('housing', 'support'));
ALTER TABLE decisions ADD COLUMN outcome TEXT NOT NULL DEFAULT 'granted' CHECK (outcome IN ('granted', 'refused'));
ALTER TABLE decisions ADD COLUMN motivering TEXT NOT NULL DEFAULT ''
	CHECK (outcome = 'granted' OR length(motivering) > 0);
ALTER TABLE decisions ADD COLUMN pair_id INTEGER REFERENCES decisions(id);
ALTER TABLE decisions ADD COLUMN ended_on TEXT;
ALTER TABLE decisions ADD COLUMN end_reason TEXT
	CHECK (end_reason IS NULL OR (end_reason IN ('goal_reached', 'declined', 'moved', 'deceased', 'other') AND ended_on IS NOT NULL));
ALTER TABLE decisions ADD COLUMN end_note TEXT NOT NULL DEFAULT '';
ALTER TABLE decisions ADD COLUMN ended_at INTEGER;
ALTER TABLE decisions ADD COLUMN ended_by INTEGER REFERENCES users(id);
ALTER TABLE decisions ADD COLUMN legal_basis TEXT NOT NULL DEFAULT '';
ALTER TABLE decisions ADD COLUMN appeal_text TEXT NOT NULL DEFAULT '';

-- The admin's texts for decision letters; every save is a new version.
CREATE TABLE decision_texts (
	id          INTEGER PRIMARY KEY,
	kind        TEXT NOT NULL CHECK (kind IN ('legal_basis', 'appeal')),
	text        TEXT NOT NULL,
	created_at  INTEGER NOT NULL,
	created_by  INTEGER REFERENCES users(id)
);
CREATE INDEX decision_texts_kind ON decision_texts(kind, id);
INSERT INTO decision_texts(kind, text, created_at) VALUES ('legal_basis', 'Socialtjänstlagen (2001:453) 4 kap. 1 §.',
	strftime('%s', 'now'));
INSERT INTO decision_texts(kind, text, created_at) VALUES ('appeal',
'Om du inte är nöjd med beslutet kan du överklaga det hos förvaltningsrätten. Skriv till socialtjänsten och tala om vilket beslut du överklagar och hur du vill att det ska ändras. Överklagandet ska ha kommit in till socialtjänsten inom tre veckor från den dag du fick del av beslutet. Socialtjänsten prövar först om beslutet ska ändras och skickar annars överklagandet vidare till förvaltningsrätten. Du kan få hjälp med att överklaga av din handläggare.',
	strftime('%s', 'now'));

-- the old rows: the support decision of their pair; pair_id = the first
-- row of their review chain
UPDATE decisions SET legal_basis = 'Socialtjänstlagen (2001:453) 4 kap. 1 §.';
WITH RECURSIVE chain(id, root) AS (
	SELECT id, id FROM decisions WHERE replaces_id IS NULL
	UNION ALL
	SELECT d.id, c.root FROM decisions d JOIN chain c ON d.replaces_id = c.id
)
UPDATE decisions SET pair_id = (SELECT root FROM chain WHERE chain.id = decisions.id);
UPDATE decisions SET pair_id = id WHERE pair_id IS NULL;

-- the housing twin of each old row; twin_of remembers the row it was made from
-- (kept: it says which housing rows the migration made)
ALTER TABLE decisions ADD COLUMN twin_of INTEGER REFERENCES decisions(id);
INSERT INTO decisions(person_id, referral_id, district_id, decision_date, start_date, end_date, review_clause,
	support_kind, provider, support_effective_date, replaced_at, decided_by, version, created_at, created_by,
	updated_at, updated_by, kind, outcome, pair_id, legal_basis, twin_of)
SELECT s.person_id, s.referral_id, s.district_id, s.decision_date, s.start_date, s.end_date, s.review_clause,
	s.support_kind, s.provider,
	(SELECT max(min(t.move_in_date), s.start_date) FROM tenancies t WHERE t.person_id = s.person_id
	 AND t.move_in_date <= s.end_date AND (t.end_date IS NULL OR t.end_date >= s.start_date)),
	s.replaced_at, s.decided_by, s.version, s.created_at, s.created_by, s.updated_at, s.updated_by,
	'housing', 'granted', s.pair_id, s.legal_basis, s.id
FROM decisions s WHERE s.kind = 'support' ORDER BY s.id;
UPDATE decisions SET
	replaces_id = (SELECT h.id FROM decisions s JOIN decisions h ON h.twin_of = s.replaces_id WHERE s.id = decisions.twin_of),
	replaced_by_id = (SELECT h.id FROM decisions s JOIN decisions h ON h.twin_of = s.replaced_by_id WHERE s.id = decisions.twin_of)
WHERE twin_of IS NOT NULL;
INSERT INTO audit(at, user_id, action, entity, entity_id, person_id)
SELECT strftime('%s', 'now'), NULL, 'create', 'decision', id, person_id FROM decisions WHERE twin_of IS NOT NULL ORDER BY id;

-- an insert the old way (no pair_id) is a whole pair: add its housing twin
CREATE TRIGGER decisions_old_style_pair AFTER INSERT ON decisions
WHEN NEW.pair_id IS NULL AND NEW.kind = 'support'
BEGIN
	UPDATE decisions SET pair_id = NEW.id WHERE id = NEW.id;
	INSERT INTO decisions(person_id, referral_id, district_id, decision_date, start_date, end_date, review_clause,
		support_kind, provider, decided_by, created_at, created_by, updated_at, updated_by, kind, pair_id, twin_of)
	VALUES (NEW.person_id, NEW.referral_id, NEW.district_id, NEW.decision_date, NEW.start_date, NEW.end_date,
		NEW.review_clause, NEW.support_kind, NEW.provider, NEW.decided_by, NEW.created_at, NEW.created_by,
		NEW.updated_at, NEW.updated_by, 'housing', NEW.id, NEW.id);
END;

CREATE TRIGGER decisions_old_style_replaced AFTER UPDATE OF replaced_by_id ON decisions
WHEN NEW.kind = 'support' AND NEW.replaced_by_id IS NOT NULL AND OLD.replaced_by_id IS NULL
	AND EXISTS (SELECT 1 FROM decisions WHERE twin_of = NEW.replaced_by_id)
BEGIN
	UPDATE decisions SET replaced_by_id = (SELECT id FROM decisions WHERE twin_of = NEW.replaced_by_id),
		replaced_at = NEW.replaced_at WHERE twin_of = NEW.id AND replaced_by_id IS NULL;
END;
CREATE TRIGGER decisions_old_style_replaces AFTER UPDATE OF replaces_id ON decisions
WHEN NEW.kind = 'support' AND NEW.replaces_id IS NOT NULL AND OLD.replaces_id IS NULL
	AND EXISTS (SELECT 1 FROM decisions WHERE twin_of = NEW.replaces_id)
BEGIN
	UPDATE decisions SET replaces_id = (SELECT id FROM decisions WHERE twin_of = NEW.replaces_id)
		WHERE twin_of = NEW.id AND replaces_id IS NULL;
END;

CREATE INDEX decisions_pair ON decisions(pair_id, kind, id);
CREATE INDEX decisions_unenforced ON decisions(decision_date, id)
	WHERE outcome = 'granted' AND support_effective_date IS NULL AND replaced_by_id IS NULL AND ended_on IS NULL;

CREATE VIEW decisions_open AS
SELECT * FROM decisions WHERE outcome = 'granted' AND replaced_by_id IS NULL AND ended_on IS NULL
	AND end_date >= date('now', 'localtime');

-- PostgreSQL version of migrations/0010_search.sql (the rules: migrations-pg/0001_init.sql).
-- 0010: search that finds people. One box takes a name in any case, with or
-- without å, ä, ö, é and the like ("Akerstrom" finds Åkerström), the start
-- of a first name, a last name or both, in either order ("Lin Åke"). SQLite's
-- lower() folds A-Z only and LIKE is case-blind for ASCII only, and neither
-- can use an index here, so each person carries folded copies of the two
-- names, kept by triggers (the application never writes them), and the
-- search asks for prefix ranges on them,
--     search_last >= :t AND search_last < :t || char(1114111)
-- (U+10FFFF, above every character), which an index answers at a million
-- persons; src/person.c has the queries, docs/design.md the why.
-- (PostgreSQL has no char(): chr(1114111), or the character itself
-- '\U0010FFFF' as UTF-8 in the SQL text, which both engines read; in a 'C'
-- collation database the range means the same as in SQLite.)
ALTER TABLE persons ADD COLUMN search_first text NOT NULL DEFAULT '';
ALTER TABLE persons ADD COLUMN search_last text NOT NULL DEFAULT '';

-- The fold, written once: persons_search_fold(id, first, last). Each
-- letter with a diacritic (both cases) becomes its base letter, æ ae and
-- ß ss; apostrophes go; hyphens, tabs and line breaks become spaces; then
-- lower() (A-Z), double spaces collapsed, trimmed. The replace() chain is
-- cut into four views because SQLite's parser stops at about 30 nested
-- calls. src/search.c folds what is typed in the box with the same pairs
-- in the same order (search_folds[]); tests/http/search.test.mjs checks
-- that the two lists are the same and that both sides fold every pair.
-- PostgreSQL: each view's replace() chain is a function of one name
-- (bf_fold_1..3, bf_search_fold; the pairs and their order exactly as in
-- migrations/0010), the views apply them, and a BEFORE trigger sets the
-- folded copies on the row being written (SQLite's AFTER trigger updates
-- the row once more through the view; the result is the same). char(n) is
-- chr(n) here. lower() runs on the text COLLATE "C" so that it folds A-Z
-- only, like SQLite's and src/search.c's, whatever the database's ctype.
-- tests/http/schema.test.mjs checks that both engines fold alike.
CREATE FUNCTION bf_fold_1(x text) RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE RETURN
	replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(
		x
		, 'Å', 'a'), 'å', 'a'), 'Ä', 'a'), 'ä', 'a'), 'Á', 'a'), 'á', 'a'), 'À', 'a'), 'à', 'a'), 'Â', 'a'), 'â', 'a'), 'Ã', 'a'), 'ã', 'a')
		, 'Ö', 'o'), 'ö', 'o'), 'Ø', 'o'), 'ø', 'o'), 'Ó', 'o'), 'ó', 'o'), 'Ò', 'o'), 'ò', 'o'), 'Ô', 'o'), 'ô', 'o'), 'Õ', 'o'), 'õ', 'o');
CREATE FUNCTION bf_fold_2(x text) RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE RETURN
	replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(
		x
		, 'É', 'e'), 'é', 'e'), 'È', 'e'), 'è', 'e'), 'Ê', 'e'), 'ê', 'e'), 'Ë', 'e'), 'ë', 'e'), 'Ü', 'u'), 'ü', 'u'), 'Ú', 'u'), 'ú', 'u')
		, 'Ù', 'u'), 'ù', 'u'), 'Û', 'u'), 'û', 'u'), 'Í', 'i'), 'í', 'i'), 'Ì', 'i'), 'ì', 'i'), 'Î', 'i'), 'î', 'i'), 'Ï', 'i'), 'ï', 'i');
CREATE FUNCTION bf_fold_3(x text) RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE RETURN
	replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(
		x
		, 'Ý', 'y'), 'ý', 'y'), 'Ñ', 'n'), 'ñ', 'n'), 'Ç', 'c'), 'ç', 'c'), 'Č', 'c'), 'č', 'c'), 'Ć', 'c'), 'ć', 'c'), 'Š', 's'), 'š', 's')
		, 'Ş', 's'), 'ş', 's'), 'Ž', 'z'), 'ž', 'z'), 'Đ', 'd'), 'đ', 'd'), 'Ł', 'l'), 'ł', 'l'), 'Ğ', 'g'), 'ğ', 'g'), 'İ', 'i'), 'ı', 'i');
CREATE FUNCTION bf_search_fold(x text) RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE RETURN
	trim(replace(replace(lower((replace(replace(replace(replace(replace(replace(replace(replace(replace(
		x
		, 'Æ', 'ae'), 'æ', 'ae'), 'ß', 'ss'), '''', ''), '’', ''), '-', ' '), chr(9), ' '), chr(10), ' '), chr(13), ' ') COLLATE "C")), '  ', ' '), '  ', ' '));

CREATE VIEW persons_fold_1 AS SELECT id, bf_fold_1(first_name) AS first, bf_fold_1(last_name) AS last FROM persons;
CREATE VIEW persons_fold_2 AS SELECT id, bf_fold_2(first) AS first, bf_fold_2(last) AS last FROM persons_fold_1;
CREATE VIEW persons_fold_3 AS SELECT id, bf_fold_3(first) AS first, bf_fold_3(last) AS last FROM persons_fold_2;
CREATE VIEW persons_search_fold AS SELECT id, bf_search_fold(first) AS first, bf_search_fold(last) AS last FROM persons_fold_3;

-- the persons that exist already
UPDATE persons SET search_first = bf_search_fold(bf_fold_3(bf_fold_2(bf_fold_1(first_name)))),
	search_last = bf_search_fold(bf_fold_3(bf_fold_2(bf_fold_1(last_name))));

CREATE FUNCTION persons_search() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	NEW.search_first := bf_search_fold(bf_fold_3(bf_fold_2(bf_fold_1(NEW.first_name))));
	NEW.search_last := bf_search_fold(bf_fold_3(bf_fold_2(bf_fold_1(NEW.last_name))));
	RETURN NEW;
END $$;
CREATE TRIGGER persons_search_insert BEFORE INSERT ON persons
FOR EACH ROW EXECUTE FUNCTION persons_search();
CREATE TRIGGER persons_search_update BEFORE UPDATE OF first_name, last_name ON persons
FOR EACH ROW EXECUTE FUNCTION persons_search();

-- One index per name to start from, the other name beside it so that "Lin
-- Åke" is decided in the index; the rows come out in the order the page
-- shows them (the matched name, then the other). A socialsekreterare's
-- search (and a district filter) walks the district's part only.
CREATE INDEX persons_search_first ON persons(search_first, search_last);
CREATE INDEX persons_search_last ON persons(search_last, search_first);
CREATE INDEX persons_search_district_first ON persons(district_id, search_first, search_last);
CREATE INDEX persons_search_district_last ON persons(district_id, search_last, search_first);

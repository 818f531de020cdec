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
ALTER TABLE persons ADD COLUMN search_first TEXT NOT NULL DEFAULT '';
ALTER TABLE persons ADD COLUMN search_last TEXT NOT NULL DEFAULT '';

-- The fold, written once: persons_search_fold(id, first, last). Each
-- letter with a diacritic (both cases) becomes its base letter, æ ae and
-- ß ss; apostrophes go; hyphens, tabs and line breaks become spaces; then
-- lower() (A-Z), double spaces collapsed, trimmed. The replace() chain is
-- cut into four views because SQLite's parser stops at about 30 nested
-- calls. src/search.c folds what is typed in the box with the same pairs
-- in the same order (search_folds[]); tests/http/search.test.mjs checks
-- that the two lists are the same and that both sides fold every pair.
CREATE VIEW persons_fold_1 AS SELECT id,
	replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(
		first_name
		, 'Å', 'a'), 'å', 'a'), 'Ä', 'a'), 'ä', 'a'), 'Á', 'a'), 'á', 'a'), 'À', 'a'), 'à', 'a'), 'Â', 'a'), 'â', 'a'), 'Ã', 'a'), 'ã', 'a')
		, 'Ö', 'o'), 'ö', 'o'), 'Ø', 'o'), 'ø', 'o'), 'Ó', 'o'), 'ó', 'o'), 'Ò', 'o'), 'ò', 'o'), 'Ô', 'o'), 'ô', 'o'), 'Õ', 'o'), 'õ', 'o')
	AS first,
	replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(
		last_name
		, 'Å', 'a'), 'å', 'a'), 'Ä', 'a'), 'ä', 'a'), 'Á', 'a'), 'á', 'a'), 'À', 'a'), 'à', 'a'), 'Â', 'a'), 'â', 'a'), 'Ã', 'a'), 'ã', 'a')
		, 'Ö', 'o'), 'ö', 'o'), 'Ø', 'o'), 'ø', 'o'), 'Ó', 'o'), 'ó', 'o'), 'Ò', 'o'), 'ò', 'o'), 'Ô', 'o'), 'ô', 'o'), 'Õ', 'o'), 'õ', 'o')
	AS last
FROM persons;
CREATE VIEW persons_fold_2 AS SELECT id,
	replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(
		first
		, 'É', 'e'), 'é', 'e'), 'È', 'e'), 'è', 'e'), 'Ê', 'e'), 'ê', 'e'), 'Ë', 'e'), 'ë', 'e'), 'Ü', 'u'), 'ü', 'u'), 'Ú', 'u'), 'ú', 'u')
		, 'Ù', 'u'), 'ù', 'u'), 'Û', 'u'), 'û', 'u'), 'Í', 'i'), 'í', 'i'), 'Ì', 'i'), 'ì', 'i'), 'Î', 'i'), 'î', 'i'), 'Ï', 'i'), 'ï', 'i')
	AS first,
	replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(
		last
		, 'É', 'e'), 'é', 'e'), 'È', 'e'), 'è', 'e'), 'Ê', 'e'), 'ê', 'e'), 'Ë', 'e'), 'ë', 'e'), 'Ü', 'u'), 'ü', 'u'), 'Ú', 'u'), 'ú', 'u')
		, 'Ù', 'u'), 'ù', 'u'), 'Û', 'u'), 'û', 'u'), 'Í', 'i'), 'í', 'i'), 'Ì', 'i'), 'ì', 'i'), 'Î', 'i'), 'î', 'i'), 'Ï', 'i'), 'ï', 'i')
	AS last
FROM persons_fold_1;
CREATE VIEW persons_fold_3 AS SELECT id,
	replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(
		first
		, 'Ý', 'y'), 'ý', 'y'), 'Ñ', 'n'), 'ñ', 'n'), 'Ç', 'c'), 'ç', 'c'), 'Č', 'c'), 'č', 'c'), 'Ć', 'c'), 'ć', 'c'), 'Š', 's'), 'š', 's')
		, 'Ş', 's'), 'ş', 's'), 'Ž', 'z'), 'ž', 'z'), 'Đ', 'd'), 'đ', 'd'), 'Ł', 'l'), 'ł', 'l'), 'Ğ', 'g'), 'ğ', 'g'), 'İ', 'i'), 'ı', 'i')
	AS first,
	replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(
		last
		, 'Ý', 'y'), 'ý', 'y'), 'Ñ', 'n'), 'ñ', 'n'), 'Ç', 'c'), 'ç', 'c'), 'Č', 'c'), 'č', 'c'), 'Ć', 'c'), 'ć', 'c'), 'Š', 's'), 'š', 's')
		, 'Ş', 's'), 'ş', 's'), 'Ž', 'z'), 'ž', 'z'), 'Đ', 'd'), 'đ', 'd'), 'Ł', 'l'), 'ł', 'l'), 'Ğ', 'g'), 'ğ', 'g'), 'İ', 'i'), 'ı', 'i')
	AS last
FROM persons_fold_2;
CREATE VIEW persons_search_fold AS SELECT id,
	trim(replace(replace(lower(replace(replace(replace(replace(replace(replace(replace(replace(replace(
		first
		, 'Æ', 'ae'), 'æ', 'ae'), 'ß', 'ss'), '''', ''), '’', ''), '-', ' '), char(9), ' '), char(10), ' '), char(13), ' ')), '  ', ' '), '  ', ' '))
	AS first,
	trim(replace(replace(lower(replace(replace(replace(replace(replace(replace(replace(replace(replace(
		last
		, 'Æ', 'ae'), 'æ', 'ae'), 'ß', 'ss'), '''', ''), '’', ''), '-', ' '), char(9), ' '), char(10), ' '), char(13), ' ')), '  ', ' '), '  ', ' '))
	AS last
FROM persons_fold_3;

UPDATE persons SET (search_first, search_last) =
	(SELECT f.first, f.last FROM persons_search_fold f WHERE f.id = persons.id);

CREATE TRIGGER persons_search_insert AFTER INSERT ON persons
BEGIN
	UPDATE persons SET (search_first, search_last) =
		(SELECT f.first, f.last FROM persons_search_fold f WHERE f.id = NEW.id)
	WHERE id = NEW.id;
END;
CREATE TRIGGER persons_search_update AFTER UPDATE OF first_name, last_name ON persons
BEGIN
	UPDATE persons SET (search_first, search_last) =
		(SELECT f.first, f.last FROM persons_search_fold f WHERE f.id = NEW.id)
	WHERE id = NEW.id;
END;

-- One index per name to start from, the other name beside it so that "Lin
-- Åke" is decided in the index; the rows come out in the order the page
-- shows them (the matched name, then the other). A socialsekreterare's
-- search (and a district filter) walks the district's part only.
CREATE INDEX persons_search_first ON persons(search_first, search_last);
CREATE INDEX persons_search_last ON persons(search_last, search_first);
CREATE INDEX persons_search_district_first ON persons(district_id, search_first, search_last);
CREATE INDEX persons_search_district_last ON persons(district_id, search_last, search_first);

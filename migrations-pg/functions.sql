-- functions.sql (PostgreSQL): the SQLite built-ins and our registered SQL
-- functions that the application's SQL calls, so that one SQL text runs on
-- both engines. Idempotent (CREATE OR REPLACE): applied before the
-- migrations, and again at every start of a newer program.
--
-- They live in the schema sqlite_compat. Every connection of the
-- application sets
--     SET search_path = sqlite_compat, pg_catalog, public
-- (or the role/database default: ALTER ROLE bf_app SET search_path = ...):
-- sqlite_compat comes before pg_catalog, so where both have a function of
-- the same name and arguments ours is the one called (tested in
-- tests/pg/functions.test.mjs). The migrations do not depend on this file.
--
-- Times: SQLite's 'now' is the time of the statement; here it is
-- statement_timestamp(). A Unix time's local date is taken in the session's
-- TimeZone (SET TimeZone = 'Europe/Stockholm' or the server's zone), as
-- SQLite's 'localtime' and src/date.c's date_of take the process's TZ.
--
-- date(x, ...) with a single argument cannot be had: PostgreSQL reads
-- date('...') with one unknown-type literal as the cast '...'::date before
-- it looks for functions, so write date(x, ...) with at least one modifier
-- (every call in src/*.c has one).

CREATE SCHEMA IF NOT EXISTS sqlite_compat;
-- pure functions over their arguments: every role may call them (the app's
-- least-privileged role included; EXECUTE is PUBLIC's by default)
GRANT USAGE ON SCHEMA sqlite_compat TO PUBLIC;

-- A 'YYYY-MM-DD' text as src/form.c valid_date accepts it (years
-- 1900-2200, a day that exists), else NULL.
CREATE OR REPLACE FUNCTION sqlite_compat.bf_valid_date(d text) RETURNS date
LANGUAGE sql IMMUTABLE PARALLEL SAFE RETURN
	CASE WHEN d ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'
		AND substr(d, 1, 4)::int BETWEEN 1900 AND 2200
		AND substr(d, 6, 2)::int BETWEEN 1 AND 12
		AND substr(d, 9, 2)::int BETWEEN 1 AND
			extract(day from make_date(substr(d, 1, 4)::int, substr(d, 6, 2)::int, 1) + interval '1 month' - interval '1 day')
	THEN make_date(substr(d, 1, 4)::int, substr(d, 6, 2)::int, substr(d, 9, 2)::int) END;

-- add_months(date, n): src/date.c date_add_months (the day is clamped to
-- the month's last: 2024-01-31 + 1 = 2024-02-29). NULL for NULL or a
-- malformed date.
CREATE OR REPLACE FUNCTION sqlite_compat.add_months(d text, n bigint) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE RETURN
	to_char(sqlite_compat.bf_valid_date(d) + make_interval(months => n::int), 'YYYY-MM-DD');

-- The day a days_between argument stands for: a 'YYYY-MM-DD' text as it
-- is; a Unix time as its date in the session's TimeZone.
CREATE OR REPLACE FUNCTION sqlite_compat.bf_day(d text) RETURNS date
LANGUAGE sql IMMUTABLE PARALLEL SAFE RETURN sqlite_compat.bf_valid_date(d);
CREATE OR REPLACE FUNCTION sqlite_compat.bf_day(t bigint) RETURNS date
LANGUAGE sql STABLE PARALLEL SAFE RETURN to_timestamp(t)::date;

-- days_between(a, b): whole calendar days b - a (src/db.c sql_days_between);
-- each a date text or a Unix time. NULL for NULL or a malformed value.
CREATE OR REPLACE FUNCTION sqlite_compat.days_between(a text, b text) RETURNS bigint
LANGUAGE sql STABLE PARALLEL SAFE RETURN sqlite_compat.bf_day(b) - sqlite_compat.bf_day(a);
CREATE OR REPLACE FUNCTION sqlite_compat.days_between(a bigint, b text) RETURNS bigint
LANGUAGE sql STABLE PARALLEL SAFE RETURN sqlite_compat.bf_day(b) - sqlite_compat.bf_day(a);
CREATE OR REPLACE FUNCTION sqlite_compat.days_between(a text, b bigint) RETURNS bigint
LANGUAGE sql STABLE PARALLEL SAFE RETURN sqlite_compat.bf_day(b) - sqlite_compat.bf_day(a);
CREATE OR REPLACE FUNCTION sqlite_compat.days_between(a bigint, b bigint) RETURNS bigint
LANGUAGE sql STABLE PARALLEL SAFE RETURN sqlite_compat.bf_day(b) - sqlite_compat.bf_day(a);

-- SQLite's date and time functions, on one core: bf_time(value, modifiers)
-- is the instant as SQLite holds it, a timestamp without time zone in UTC
-- unless 'localtime' moved it, or NULL where SQLite gives NULL.
--   value:      'now'; 'YYYY-MM-DD', 'YYYY-MM-DD HH:MM[:SS[.SSS]]' (or T);
--               a number (with the modifier 'unixepoch': Unix seconds)
--   modifiers:  'unixepoch' (first), 'localtime', 'utc', 'start of day',
--               'start of month', 'start of year', 'weekday N', '+N days', '-N day',
--               '+N hours'/'minutes'/'seconds', '+N months', '+N years'
--               (months and years as SQLite does them: the day is not
--               clamped, 2024-01-31 '+1 month' is 2024-03-02)
-- A value that is not a valid date ('2024-02-30') is NULL here; SQLite
-- reads some of those as the next month's days.
CREATE OR REPLACE FUNCTION sqlite_compat.bf_time(v text, mods text[]) RETURNS timestamp
LANGUAGE plpgsql STABLE PARALLEL SAFE AS $$
DECLARE
	ts timestamp;
	m text;
	i int := 1;
	n numeric;
	unit text;
	mm int;
BEGIN
	IF v IS NULL THEN
		RETURN NULL;
	END IF;
	IF coalesce(array_length(mods, 1), 0) >= 1 AND lower(mods[1]) = 'unixepoch' THEN
		IF v !~ '^\s*[-+]?[0-9]+(\.[0-9]*)?\s*$' THEN
			RETURN NULL;
		END IF;
		ts := to_timestamp(v::numeric) AT TIME ZONE 'UTC';
		i := 2;
	ELSIF lower(v) = 'now' THEN
		ts := statement_timestamp() AT TIME ZONE 'UTC';
	ELSIF v ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}([ T][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?)?$' THEN
		BEGIN
			ts := v::timestamp;
		EXCEPTION WHEN others THEN
			RETURN NULL;
		END;
	ELSE
		RETURN NULL;
	END IF;
	WHILE i <= coalesce(array_length(mods, 1), 0) LOOP
		m := lower(trim(mods[i]));
		i := i + 1;
		IF m IS NULL THEN
			RETURN NULL;
		ELSIF m = 'localtime' THEN
			ts := (ts AT TIME ZONE 'UTC') AT TIME ZONE current_setting('TimeZone');
		ELSIF m = 'utc' THEN
			ts := (ts AT TIME ZONE current_setting('TimeZone')) AT TIME ZONE 'UTC';
		ELSIF m = 'start of day' THEN
			ts := date_trunc('day', ts);
		ELSIF m = 'start of month' THEN
			ts := date_trunc('month', ts);
		ELSIF m = 'start of year' THEN
			ts := date_trunc('year', ts);
		ELSIF m ~ '^weekday [0-6]$' THEN
			-- forward to the next day that is weekday N (0 = Sunday), or stay
			ts := ts + ((substr(m, 9, 1)::int - extract(dow from ts)::int + 7) % 7) * interval '1 day';
		ELSIF m ~ '^[-+]?[0-9]+(\.[0-9]+)?\s+(day|hour|minute|second|month|year)s?$' THEN
			n := substring(m from '^([-+]?[0-9]+(?:\.[0-9]+)?)')::numeric;
			unit := substring(m from '(day|hour|minute|second|month|year)s?$');
			IF unit IN ('month', 'year') THEN
				IF n <> trunc(n) THEN
					RETURN NULL;	-- SQLite takes fractions of a month differently; not used here
				END IF;
				mm := extract(year from ts)::int * 12 + extract(month from ts)::int - 1
					+ (CASE unit WHEN 'year' THEN 12 ELSE 1 END) * n::int;
				-- the day is kept and overflows into the next month, as in SQLite
				ts := make_date(mm / 12, mm % 12 + 1, 1) + (extract(day from ts)::int - 1) * interval '1 day'
					+ (ts - date_trunc('day', ts));
			ELSE
				ts := ts + n * ('1 ' || unit)::interval;
			END IF;
		ELSE
			RETURN NULL;
		END IF;
	END LOOP;
	RETURN ts;
END $$;

-- date(value, modifier, ...): 'YYYY-MM-DD' (see bf_time). The value is a
-- text (a date, 'now') or an integer (with 'unixepoch').
CREATE OR REPLACE FUNCTION sqlite_compat.date(v text, VARIADIC mods text[]) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE RETURN to_char(sqlite_compat.bf_time(v, mods), 'YYYY-MM-DD');
CREATE OR REPLACE FUNCTION sqlite_compat.date(v bigint, VARIADIC mods text[]) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE RETURN to_char(sqlite_compat.bf_time(v::text, mods), 'YYYY-MM-DD');

-- julianday(value, modifier, ...): SQLite's Julian day number (a double;
-- days since noon UTC 24 November 4714 BC, proleptic Gregorian).
CREATE OR REPLACE FUNCTION sqlite_compat.julianday(v text, VARIADIC mods text[]) RETURNS double precision
LANGUAGE sql STABLE PARALLEL SAFE RETURN
	extract(epoch from sqlite_compat.bf_time(v, mods) AT TIME ZONE 'UTC')::double precision / 86400 + 2440587.5;
CREATE OR REPLACE FUNCTION sqlite_compat.julianday(v text) RETURNS double precision
LANGUAGE sql STABLE PARALLEL SAFE RETURN sqlite_compat.julianday(v, VARIADIC '{}'::text[]);
CREATE OR REPLACE FUNCTION sqlite_compat.julianday(v bigint, VARIADIC mods text[]) RETURNS double precision
LANGUAGE sql STABLE PARALLEL SAFE RETURN sqlite_compat.julianday(v::text, VARIADIC mods);

-- unixepoch() and unixepoch(value, modifier, ...): Unix seconds (an
-- integer, the fraction cut off as SQLite does).
CREATE OR REPLACE FUNCTION sqlite_compat.unixepoch() RETURNS bigint
LANGUAGE sql STABLE PARALLEL SAFE RETURN floor(extract(epoch from statement_timestamp()))::bigint;
CREATE OR REPLACE FUNCTION sqlite_compat.unixepoch(v text, VARIADIC mods text[]) RETURNS bigint
LANGUAGE sql STABLE PARALLEL SAFE RETURN
	floor(extract(epoch from sqlite_compat.bf_time(v, mods) AT TIME ZONE 'UTC'))::bigint;
CREATE OR REPLACE FUNCTION sqlite_compat.unixepoch(v text) RETURNS bigint
LANGUAGE sql STABLE PARALLEL SAFE RETURN sqlite_compat.unixepoch(v, VARIADIC '{}'::text[]);

-- strftime(format, value, modifier, ...): SQLite's %d %f %H %j %J %m %M %s
-- %S %w %Y %%; another % letter makes NULL (SQLite leaves it out).
CREATE OR REPLACE FUNCTION sqlite_compat.strftime(fmt text, v text, VARIADIC mods text[]) RETURNS text
LANGUAGE plpgsql STABLE PARALLEL SAFE AS $$
DECLARE
	ts timestamp := sqlite_compat.bf_time(v, mods);
	out text := '';
	i int := 1;
	c text;
BEGIN
	IF ts IS NULL OR fmt IS NULL THEN
		RETURN NULL;
	END IF;
	WHILE i <= length(fmt) LOOP
		c := substr(fmt, i, 1);
		IF c <> '%' THEN
			out := out || c;
			i := i + 1;
			CONTINUE;
		END IF;
		c := substr(fmt, i + 1, 1);
		i := i + 2;
		out := out || CASE c
			WHEN 'Y' THEN to_char(ts, 'YYYY')
			WHEN 'm' THEN to_char(ts, 'MM')
			WHEN 'd' THEN to_char(ts, 'DD')
			WHEN 'H' THEN to_char(ts, 'HH24')
			WHEN 'M' THEN to_char(ts, 'MI')
			WHEN 'S' THEN to_char(ts, 'SS')
			WHEN 'f' THEN to_char(ts, 'SS.MS')
			WHEN 'j' THEN to_char(ts, 'DDD')
			WHEN 'w' THEN extract(dow from ts)::text
			WHEN 's' THEN floor(extract(epoch from ts AT TIME ZONE 'UTC'))::bigint::text
			WHEN 'J' THEN (extract(epoch from ts AT TIME ZONE 'UTC')::double precision / 86400 + 2440587.5)::text
			WHEN '%' THEN '%'
		END;
		IF out IS NULL THEN
			RETURN NULL;
		END IF;
	END LOOP;
	RETURN out;
END $$;
CREATE OR REPLACE FUNCTION sqlite_compat.strftime(fmt text, v text) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE RETURN sqlite_compat.strftime(fmt, v, VARIADIC '{}'::text[]);
CREATE OR REPLACE FUNCTION sqlite_compat.strftime(fmt text, v bigint, VARIADIC mods text[]) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE RETURN sqlite_compat.strftime(fmt, v::text, VARIADIC mods);

-- Scalar max(a, b) / min(a, b) of SQLite: NULL when either is NULL
-- (greatest()/least() would skip the NULL). The aggregates max(x)/min(x)
-- of pg_catalog are untouched (one argument).
CREATE OR REPLACE FUNCTION sqlite_compat.max(a anycompatible, b anycompatible) RETURNS anycompatible
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT CASE WHEN a IS NOT NULL AND b IS NOT NULL THEN greatest(a, b) END $$;
CREATE OR REPLACE FUNCTION sqlite_compat.min(a anycompatible, b anycompatible) RETURNS anycompatible
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT CASE WHEN a IS NOT NULL AND b IS NOT NULL THEN least(a, b) END $$;

-- ifnull(a, b), iif(c, a, b), instr(hay, needle): not used by src/*.c
-- today; cheap to have.
CREATE OR REPLACE FUNCTION sqlite_compat.ifnull(a anycompatible, b anycompatible) RETURNS anycompatible
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT coalesce(a, b) $$;
CREATE OR REPLACE FUNCTION sqlite_compat.iif(c boolean, a anycompatible, b anycompatible) RETURNS anycompatible
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT CASE WHEN c THEN a ELSE b END $$;
CREATE OR REPLACE FUNCTION sqlite_compat.instr(hay text, needle text) RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE RETURN strpos(hay, needle);

-- JSON as src/checklist.c, demo_living.c, generate.c and referral.c use it:
-- json_object('k', v, ...) of texts, json_group_array(json_object(...))
-- (a text '[{...},...]'), and SELECT value FROM json_each(:array) over a
-- JSON array of strings or numbers (value as text).
CREATE OR REPLACE FUNCTION sqlite_compat.json_object(VARIADIC kv text[]) RETURNS json
LANGUAGE sql IMMUTABLE PARALLEL SAFE RETURN pg_catalog.json_object(kv);
CREATE OR REPLACE FUNCTION sqlite_compat.bf_json_array_text(a json[]) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE RETURN
	'[' || coalesce(array_to_string(a::text[], ','), '') || ']';
CREATE OR REPLACE AGGREGATE sqlite_compat.json_group_array(json) (
	SFUNC = array_append, STYPE = json[], INITCOND = '{}',
	FINALFUNC = sqlite_compat.bf_json_array_text
);
-- replace(number, from, to): SQLite replaces in the number's text, and a
-- real's text keeps ".0" when it is whole (38.0, not 38).
CREATE OR REPLACE FUNCTION sqlite_compat.bf_real_text(v double precision) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE WHEN v = trunc(v) AND abs(v) < 1e15 THEN trunc(v)::bigint::text || '.0' ELSE v::text END;
CREATE OR REPLACE FUNCTION sqlite_compat.replace(v double precision, a text, b text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE RETURN pg_catalog.replace(sqlite_compat.bf_real_text(v), a, b);
CREATE OR REPLACE FUNCTION sqlite_compat.replace(v bigint, a text, b text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE RETURN pg_catalog.replace(v::text, a, b);

-- hex(blob): SQLite's upper-case hex of the bytes.
CREATE OR REPLACE FUNCTION sqlite_compat.hex(b bytea) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE RETURN upper(encode(b, 'hex'));

-- sum(a = b AND ...): SQLite counts the rows where a comparison holds by
-- summing it (a comparison is 0 or 1 there); PostgreSQL's comparisons are
-- boolean, and sum(boolean) is this: the number of true ones (NULL
-- counts nothing).
CREATE OR REPLACE FUNCTION sqlite_compat.bf_sum_bool(s bigint, b boolean) RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE RETURN coalesce(s, 0) + CASE WHEN b THEN 1 ELSE 0 END;
CREATE OR REPLACE AGGREGATE sqlite_compat.sum(boolean) (SFUNC = sqlite_compat.bf_sum_bool, STYPE = bigint);

CREATE OR REPLACE FUNCTION sqlite_compat.json_each(a text) RETURNS TABLE (key bigint, value text)
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
	SELECT o - 1, e FROM json_array_elements_text(a::json) WITH ORDINALITY AS x(e, o)
$$;

-- bf_sync_identities(): after rows were copied in with their ids (a
-- restore, a move from SQLite), moves every identity column's sequence of
-- the schema public past the largest id, so the next insert does not
-- collide (SQLite's rowid needs no such step). Returns how many it moved.
CREATE OR REPLACE FUNCTION sqlite_compat.bf_sync_identities() RETURNS int
LANGUAGE plpgsql AS $$
DECLARE
	r record;
	n int := 0;
BEGIN
	FOR r IN SELECT c.relname AS tab, a.attname AS col
		FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
		WHERE c.relnamespace = 'public'::regnamespace AND a.attidentity <> '' AND NOT a.attisdropped
	LOOP
		EXECUTE format('SELECT setval(pg_get_serial_sequence(%L, %L), coalesce(max(%I), 0) + 1, false) FROM %I',
			'public.' || r.tab, r.col, r.col, r.tab);
		n := n + 1;
	END LOOP;
	RETURN n;
END $$;

/* test_db_pg.c - pg_translate: SQLite's dialect into PostgreSQL's, with no
 * server (the HTTP suites run every statement against a real one). */
#include "check.h"
#include "db_pg.h"

#include <stdlib.h>
#include <string.h>

/* Translates sql and checks the text, the parameter count and RETURNING. */
static void expect(const char *sql, const char *want, int nparams, int returning)
{
	int n = -1, ret = -1;
	char **names = NULL;
	char *got = pg_translate(sql, " persons visits ", &n, &names, &ret);
	CHECK(strcmp(got, want) == 0, "translate\n  %s\n  got  %s\n  want %s", sql, got, want);
	CHECK(n == nparams, "%s: %d parameters, want %d", sql, n, nparams);
	CHECK(ret == returning, "%s: returning %d", sql, ret);
	for (int i = 0; i < n; i++)
		free(names[i]);
	free(names);
	free(got);
}

int main(void)
{
	expect("SELECT 1", "SELECT 1", 0, 0);
	expect("SELECT a FROM t WHERE x = ? AND y = ?", "SELECT a FROM t WHERE x = $1 AND y = $2", 2, 0);
	expect("SELECT ?2, ?1, ?", "SELECT $2, $1, $3", 3, 0);
	/* named: numbered at first use, the same number every time after */
	expect("SELECT :a, :b, :a, ?", "SELECT $1, $2, $1, $3", 3, 0);
	expect("WHERE (?2 IS NULL OR e = ?2) AND ?1", "WHERE ($2 IS NULL OR e = $2) AND $1", 2, 0);
	/* literals, quoted names, casts and comments are left alone */
	expect("SELECT '?', ':x', 'it''s ?', \"a?b\", x::text", "SELECT '?', ':x', 'it''s ?', \"a?b\", x::text", 0, 0);
	expect("SELECT 1 -- what? :no\n, ?", "SELECT 1 \n, $1", 1, 0);
	/* SQLite's planner hints go */
	expect("FROM incidents i INDEXED BY incidents_open WHERE +i.kind = 'x' AND (+v.met = 1)",
	    "FROM incidents i  WHERE i.kind = 'x' AND (v.met = 1)", 0, 0);
	expect("SELECT a + b, a +1, sum(+v.kind = 'home')", "SELECT a + b, a +1, sum(v.kind = 'home')", 0, 0);
	expect("WHERE s < :t || char(1114111)", "WHERE s < $1 || chr(1114111)", 1, 0);
	expect("SELECT my_char(1), charx(2)", "SELECT my_char(1), charx(2)", 0, 0);
	/* a subquery in FROM gets a name when it has none; CROSS JOIN ... ON joins */
	expect("SELECT * FROM (SELECT a FROM t) ORDER BY a", "SELECT * FROM (SELECT a FROM t) AS sq1 ORDER BY a", 0, 0);
	expect("SELECT * FROM (SELECT a FROM (SELECT 1 AS a)) WHERE a > (SELECT 1)",
	    "SELECT * FROM (SELECT a FROM (SELECT 1 AS a) AS sq1) AS sq2 WHERE a > (SELECT 1)", 0, 0);
	expect("SELECT x FROM (SELECT 1 AS x) s, json_each(?) j", "SELECT x FROM (SELECT 1 AS x) s, json_each($1) j", 1, 0);
	expect("SELECT * FROM (SELECT 1 UNION ALL SELECT 2)", "SELECT * FROM (SELECT 1 UNION ALL SELECT 2) AS sq1", 0, 0);
	expect("FROM a CROSS JOIN b ON b.id = a.id CROSS  JOIN c ON 1", "FROM a JOIN b ON b.id = a.id JOIN c ON 1", 0, 0);
	/* an INSERT into a table with an identity id tells its id */
	expect("INSERT INTO persons(a) VALUES(?);", "INSERT INTO persons(a) VALUES($1) RETURNING id", 1, 1);
	expect("INSERT INTO settings(name) VALUES(?)", "INSERT INTO settings(name) VALUES($1)", 1, 0);
	expect("INSERT INTO visits(a) VALUES(1) ON CONFLICT DO NOTHING",
	    "INSERT INTO visits(a) VALUES(1) ON CONFLICT DO NOTHING RETURNING id", 0, 1);
	expect("INSERT INTO persons(a) VALUES(1) RETURNING a", "INSERT INTO persons(a) VALUES(1) RETURNING a", 0, 0);
	expect("INSERT INTO persons_x(a) VALUES(1)", "INSERT INTO persons_x(a) VALUES(1)", 0, 0);
	return check_done();
}

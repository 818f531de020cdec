/* register.c - the stored Personkod (see register.h). */
#include "register.h"
#include "db.h"
#include "statusrapport.h"
#include "util.h"

#include <stdio.h>
#include <string.h>

/* Returns 1 when code is free, 0 when taken, -1 on error. */
static int code_free(const char *code)
{
	static const char sql[] = "SELECT 1 FROM persons WHERE personkod = ?";
	dbstmt *st = db_stmt(sql);
	if (!st)
		return -1;
	db_bindf(st, "t", code);
	int rc = db_step(st);
	db_done(st);
	return rc == DB_DONE ? 1 : rc == DB_ROW ? 0 : -1;
}

int personkod_free(const char *base, char out[48])
{
	snprintf(out, 48, "%s", base);
	for (unsigned n = 2; n < 100000; n++) {
		int ok = code_free(out);
		if (ok)
			return ok < 0 ? -1 : 0;
		snprintf(out, 48, "%.32s-%u", base, n % 100000u);
	}
	return -1;
}

int personkod_assign(long long person_id)
{
	static const char who[] = "SELECT p.personkod, p.first_name, p.last_name, p.birth_date, p.sex, "
	    "(SELECT min(t.move_in_date) FROM tenancies t WHERE t.person_id = p.id) FROM persons p WHERE p.id = ?";
	static const char set[] = "UPDATE persons SET personkod = ? WHERE id = ? AND personkod IS NULL";
	dbstmt *st = db_stmt(who);
	if (!st)
		return -1;
	db_bindf(st, "i", person_id);
	int rc = db_step(st);
	if (rc != DB_ROW) {
		db_done(st);
		return rc == DB_DONE ? 0 : -1;
	}
	if (db_col_type(st, 0) != DB_NULL || db_col_type(st, 5) == DB_NULL) {
		db_done(st);
		return 0;	/* has one, or has not moved in */
	}
	char base[32], code[48];
	status_personkod(db_col_text(st, 1), db_col_text(st, 2), db_col_type(st, 3) == DB_NULL ? NULL :
	    db_col_text(st, 3), db_col_text(st, 4), db_col_text(st, 5), base);
	db_done(st);
	if (personkod_free(base, code) < 0)
		return -1;
	dbstmt *up = db_stmt(set);
	if (!up)
		return -1;
	db_bindf(up, "ti", code, person_id);
	return db_write(up, NULL) == DB_DONE ? 0 : -1;
}

long long personkod_backfill(void)
{
	static const char sql[] = "SELECT t.person_id, min(t.move_in_date) AS first FROM tenancies t "
	    "JOIN persons p ON p.id = t.person_id WHERE p.personkod IS NULL GROUP BY t.person_id ORDER BY first, t.person_id";
	dbstmt *st = db_stmt(sql);
	if (!st)
		return -1;
	size_t n = 0, cap = 256;
	long long *ids = xmalloc(cap * sizeof *ids);
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		if (n == cap)
			ids = xrealloc(ids, (cap *= 2) * sizeof *ids);
		ids[n++] = db_col_int64(st, 0);
	}
	db_done(st);
	long long given = rc == DB_DONE ? 0 : -1;
	int own = n && !db_in_transaction();	/* else inside the caller's transaction */
	if (given == 0 && own && db_begin() < 0)
		given = -1;
	for (size_t i = 0; i < n && given >= 0; i++)
		given = personkod_assign(ids[i]) < 0 ? -1 : given + 1;
	if (own && given >= 0 && db_commit() < 0)
		given = -1;
	if (own && given < 0)
		db_rollback();
	free(ids);
	return given;
}

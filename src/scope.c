/* scope.c - binding the viewer into the scope fragments. */
#include "scope.h"
#include "db.h"
#include "http.h"

void db_bind_named_int(sqlite3_stmt *st, const char *name, long long v)
{
	int i = sqlite3_bind_parameter_index(st, name);
	if (i)
		sqlite3_bind_int64(st, i, v);
}

void db_bind_named_text(sqlite3_stmt *st, const char *name, const char *s)
{
	int i = sqlite3_bind_parameter_index(st, name);
	if (i)
		db_bind_text_or_null(st, i, s);
}

void scope_bind(sqlite3_stmt *st, const struct req *r)
{
	db_bind_named_text(st, ":role", role_name(r->user.role));
	db_bind_named_int(st, ":district", r->user.district_id);
	db_bind_named_int(st, ":uid", r->user.id);
}

json_t *scope_row(const char *sql, const struct req *r, long long id)
{
	sqlite3_stmt *st = db_stmt(sql);
	if (!st)
		return NULL;
	scope_bind(st, r);
	db_bind_named_int(st, ":id", id);
	json_t *o = sqlite3_step(st) == SQLITE_ROW ? db_row_json(st) : NULL;
	db_done(st);
	return o;
}

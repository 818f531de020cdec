/* scope.c - binding the viewer into the scope fragments. */
#include "scope.h"
#include "db.h"
#include "http.h"

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

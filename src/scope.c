/* scope.c - binding the viewer into the scope fragments. */
#include "scope.h"
#include "db.h"
#include "http.h"
#include "date.h"

void scope_bind(dbstmt *st, const struct req *r)
{
	db_bind_named_text(st, ":role", role_name(r->user.role));
	db_bind_named_int(st, ":district", r->user.district_id);
	db_bind_named_int(st, ":uid", r->user.id);
	if (db_bind_index(st, ":today")) {
		char today[11];
		date_today(today);
		db_bind_named_text(st, ":today", today);
	}
	if (db_bind_index(st, ":months"))
		db_bind_named_int(st, ":months", db_setting_int("takeover_months", 9));
}

json_t *scope_rows(const char *sql, const struct req *r, long long id)
{
	dbstmt *st = db_stmt(sql);
	if (!st)
		return NULL;
	scope_bind(st, r);
	db_bind_named_int(st, ":id", id);
	return db_rows_json(st, 0, NULL);
}

json_t *scope_row(const char *sql, const struct req *r, long long id)
{
	dbstmt *st = db_stmt(sql);
	if (!st)
		return NULL;
	scope_bind(st, r);
	db_bind_named_int(st, ":id", id);
	json_t *o = db_step(st) == DB_ROW ? db_row_json(st) : NULL;
	db_done(st);
	return o;
}

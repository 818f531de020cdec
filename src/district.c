/* district.c - districts (stadsdelar): admin pages and lookups. */
#include "district.h"
#include "formdef.h"
#include "audit.h"
#include "db.h"
#include "handlers.h"

#include <stdio.h>
#include <string.h>

long long district_id_by_name(const char *name)
{
	static const char sql[] = "SELECT id FROM districts WHERE lower(name) = lower(?)";
	dbstmt *st = db_stmt(sql);
	if (!st)
		return -1;
	db_bind_text(st, 1, name, -1);
	int rc = db_step(st);
	long long id = rc == DB_ROW ? db_col_int64(st, 0) : 0;
	db_done(st);
	return rc == DB_ROW || rc == DB_DONE ? id : -1;
}

long long district_insert(const char *name, long long by)
{
	static const char sql[] = "INSERT INTO districts(name, created_at, created_by, updated_at, updated_by) "
	    "VALUES(?, ?, ?, ?, ?)";
	dbstmt *st = db_stmt(sql);
	if (!st)
		return -1;
	long long now = now_unix();
	db_bind_text(st, 1, name, -1);
	db_bind_int64(st, 2, now);
	if (by)
		db_bind_int64(st, 3, by);
	db_bind_int64(st, 4, now);
	if (by)
		db_bind_int64(st, 5, by);
	int rc = db_step(st);
	db_done(st);
	if (rc == DB_CONSTRAINT_UNIQUE)
		return -2;
	return rc == DB_DONE ? db_last_id() : -1;
}

int district_exists(long long id)
{
	static const char sql[] = "SELECT 1 FROM districts WHERE id = ? AND active = 1";
	dbstmt *st = db_stmt(sql);
	if (!st)
		return 0;
	db_bind_int64(st, 1, id);
	int ok = db_step(st) == DB_ROW;
	db_done(st);
	return ok;
}

json_t *district_options(long long selected)
{
	static const char sql[] = "SELECT id, name FROM districts WHERE active = 1 OR id = ? ORDER BY lower(name), id";
	json_t *a = json_array();
	dbstmt *st = db_stmt(sql);
	if (!st)
		return a;
	db_bind_int64(st, 1, selected);
	while (db_step(st) == DB_ROW) {
		long long id = db_col_int64(st, 0);
		json_array_append_new(a, json_pack("{s:I, s:s, s:b}", "value", (json_int_t)id,
		    "label", db_col_text(st, 1), "selected", id == selected));
	}
	db_done(st);
	return a;
}

/* Fills view.districts with every district and its user count. */
static int load_districts(struct req *r)
{
	static const char sql[] =
	    "SELECT d.id, d.name, d.active, d.version, "
	    "(SELECT count(*) FROM users u WHERE u.district_id = d.id) "
	    "FROM districts d ORDER BY lower(d.name), d.id";
	dbstmt *st = db_stmt(sql);
	if (!st)
		return -1;
	json_t *a = json_array();
	while (db_step(st) == DB_ROW)
		json_array_append_new(a, json_pack("{s:I, s:s, s:b, s:I, s:I}",
		    "id", (json_int_t)db_col_int64(st, 0), "name", db_col_text(st, 1),
		    "active", db_col_int(st, 2), "version", (json_int_t)db_col_int64(st, 3),
		    "users", (json_int_t)db_col_int64(st, 4)));
	db_done(st);
	form_row_errors(r, a, "name");
	json_object_set_new(r->view, "districts", a);
	json_object_set_new(r->view, "title", json_string("Stadsdelar"));
	return 0;
}

/* GET /admin/districts */
int districts_list(struct req *r)
{
	if (load_districts(r) < 0)
		return http_fail(r, 500, NULL);
	form_view(r, formdef_find("district_new"), NULL, NULL);
	return 200;
}

/* POST /admin/districts : create */
int district_create(struct req *r)
{
	const struct formdef *d = formdef_find("district_new");
	struct fvals *v = form_read(r, d);
	const char *name = fv_str(v, "name");
	long long id = 0;
	if (!view_has_errors(r)) {
		if (db_begin() < 0)
			return http_fail(r, 500, NULL);
		id = district_insert(name, r->user.id);
		if (id == -2) {
			db_rollback();
			view_error(r, "name", "Det finns redan en stadsdel med det namnet.");
		} else if (id < 0 || audit_log(r->user.id, "create", "district", id, 0) < 0 || db_commit() < 0) {
			db_rollback();
			return http_fail(r, 500, NULL);
		}
	}
	if (view_has_errors(r)) {
		form_view(r, d, v, NULL);
		if (load_districts(r) < 0)
			return http_fail(r, 500, NULL);
		return 400;
	}
	return http_redirect_done(r, "/admin/districts", DONE_DISTRICT_CREATED);
}

/* POST /admin/districts/{id} : rename or (de)activate, version-checked */
int district_update(struct req *r)
{
	static const char upd[] = "UPDATE districts SET name = ?, active = ?, version = version + 1, "
	    "updated_at = ?, updated_by = ? WHERE id = ? AND version = ?";
	static const char exists[] = "SELECT version FROM districts WHERE id = ?";
	long long id = r->params[0];
	long long version = parse_id(http_param(r, "version"));

	dbstmt *st = db_stmt(exists);
	if (!st)
		return http_fail(r, 500, NULL);
	db_bind_int64(st, 1, id);
	int found = db_step(st) == DB_ROW;
	db_done(st);
	if (!found)
		return http_fail(r, 404, "Stadsdelen finns inte.");

	if (!version)
		return http_fail(r, 400, "Formuläret saknar version. Ladda om sidan och försök igen.");
	struct fvals *v = form_read_row(r, formdef_find("district_edit"), id);
	const char *name = fv_str(v, "name");
	int active = fv_num(v, "active") != 0;
	if (!view_has_errors(r)) {
		if (db_begin() < 0)
			return http_fail(r, 500, NULL);
		st = db_stmt(upd);
		if (!st) {
			db_rollback();
			return http_fail(r, 500, NULL);
		}
		db_bind_text(st, 1, name, -1);
		db_bind_int(st, 2, active);
		db_bind_int64(st, 3, now_unix());
		db_bind_int64(st, 4, r->user.id);
		db_bind_int64(st, 5, id);
		db_bind_int64(st, 6, version);
		int rc = db_step(st);
		int changed = db_changes();
		db_done(st);
		if (rc == DB_CONSTRAINT_UNIQUE) {
			db_rollback();
			view_error(r, arena_printf(&r->arena, "name-%lld", id), "Det finns redan en stadsdel med det namnet.");
		} else if (rc != DB_DONE) {
			db_rollback();
			return http_fail(r, 500, NULL);
		} else if (!changed) {
			db_rollback();
			form_conflict(r, NULL, NULL, arena_printf(&r->arena, "name-%lld", id), "stadsdelen", NULL);
			form_conflict_typed(r, v);
			form_view(r, formdef_find("district_new"), NULL, NULL);
			if (load_districts(r) < 0)
				return http_fail(r, 500, NULL);
			return 409;
		} else if (audit_log(r->user.id, "update", "district", id, 0) < 0 || db_commit() < 0) {
			db_rollback();
			return http_fail(r, 500, NULL);
		}
	}
	if (view_has_errors(r)) {
		form_view(r, formdef_find("district_new"), NULL, NULL);
		if (load_districts(r) < 0)
			return http_fail(r, 500, NULL);
		form_row_keep(json_object_get(r->view, "districts"), id, v);
		return 400;
	}
	return http_redirect_done(r, "/admin/districts", DONE_DISTRICT_SAVED);
}

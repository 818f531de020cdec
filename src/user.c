/* user.c - user accounts: the admin pages and storage. Users are never
 * deleted; they are deactivated, which also ends their sessions. */
#include "user.h"
#include "audit.h"
#include "db.h"
#include "district.h"
#include "formdef.h"
#include "handlers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define USERS_PAGE 50

int username_valid(const char *u)
{
	size_t n = u ? strlen(u) : 0;
	if (n < 2 || n > 64)
		return 0;
	for (const char *p = u; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '.' || *p == '_' || *p == '-'))
			return 0;
	return 1;
}

int user_insert(const char *username, const char *name, int role,
    long long district_id, const char *hash, long long by, long long *id)
{
	static const char sql[] = "INSERT INTO users(username, name, role, district_id, password_hash, "
	    "created_at, created_by, updated_at, updated_by) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?)";
	dbstmt *st = db_stmt(sql);
	if (!st)
		return -1;
	long long now = now_unix();
	db_bind_text(st, 1, username, -1);
	db_bind_text(st, 2, name ? name : "", -1);
	db_bind_text(st, 3, role_name(role), -1);
	if (district_id > 0)
		db_bind_int64(st, 4, district_id);
	db_bind_text(st, 5, hash, -1);
	db_bind_int64(st, 6, now);
	if (by)
		db_bind_int64(st, 7, by);
	db_bind_int64(st, 8, now);
	if (by)
		db_bind_int64(st, 9, by);
	int rc = db_step(st);
	db_done(st);
	if (rc == DB_CONSTRAINT_UNIQUE)
		return -2;
	if (rc != DB_DONE)
		return -1;
	*id = db_last_id();
	return 0;
}

int user_set_password(const char *username, const char *hash)
{
	static const char sql[] = "UPDATE users SET password_hash = ?, version = version + 1, "
	    "updated_at = ? WHERE lower(username) = lower(?)";
	dbstmt *st = db_stmt(sql);
	if (!st)
		return -1;
	db_bind_text(st, 1, hash, -1);
	db_bind_int64(st, 2, now_unix());
	db_bind_text(st, 3, username, -1);
	int rc = db_step(st);
	int n = db_changes();
	db_done(st);
	if (rc != DB_DONE)
		return -1;
	if (!n)
		return -2;
	static const char end[] = "UPDATE sessions SET ended_at = ? WHERE ended_at IS NULL AND "
	    "user_id = (SELECT id FROM users WHERE lower(username) = lower(?))";
	st = db_stmt(end);
	if (!st)
		return -1;
	db_bind_int64(st, 1, now_unix());
	db_bind_text(st, 2, username, -1);
	rc = db_step(st);
	db_done(st);
	return rc == DB_DONE ? 0 : -1;
}

long long user_count(void)
{
	static const char sql[] = "SELECT count(*) FROM users";
	dbstmt *st = db_stmt(sql);
	if (!st)
		return -1;
	long long n = db_step(st) == DB_ROW ? db_col_int64(st, 0) : -1;
	db_done(st);
	return n;
}

/* ---------- pages ---------- */

/* Fills the district choices and the page's labels. */
static void form_choices(struct req *r, int is_new)
{
	form_view_options(r, "district_id", district_options(0));
	json_object_set_new(r->view, "is_new", json_boolean(is_new));
	json_object_set_new(r->view, "title", json_string(is_new ? "Ny användare" : "Ändra användare"));
}

/* GET /admin/users?after= */
int users_list(struct req *r)
{
	static const char sql[] =
	    "SELECT u.id, u.username, u.name, u.role, coalesce(d.name, ''), u.active "
	    "FROM users u LEFT JOIN districts d ON d.id = u.district_id "
	    "WHERE (?1 IS NULL OR lower(u.username) > lower(?1)) ORDER BY lower(u.username) LIMIT ?2";
	static const char *const keys[] = { NULL };
	const char *after = http_param(r, "after");
	dbstmt *st = db_stmt(sql);
	if (!st)
		return http_fail(r, 500, NULL);
	db_bind_text_or_null(st, 1, after);
	db_bind_int(st, 2, USERS_PAGE + 1);
	json_t *rows = json_array();
	int n = 0;
	const char *last = NULL;
	while (db_step(st) == DB_ROW) {
		if (++n > USERS_PAGE)
			break;
		int role = role_from_name(db_col_text(st, 3));
		last = arena_strdup(&r->arena, db_col_text(st, 1));
		json_array_append_new(rows, json_pack("{s:I, s:s, s:s, s:s, s:s, s:b}",
		    "id", (json_int_t)db_col_int64(st, 0), "username", last,
		    "name", db_col_text(st, 2), "role_label", role_label(role),
		    "district", db_col_text(st, 4), "active", db_col_int(st, 5)));
	}
	db_done(st);
	json_object_set_new(r->view, "rows", rows);
	json_object_set_new(r->view, "title", json_string("Användare"));
	view_pager(r, n > USERS_PAGE && last ? http_link(r, keys, "after", last) : NULL,
	    after ? "/admin/users" : NULL);
	return 200;
}

/* GET /admin/users/new */
int user_new_form(struct req *r)
{
	form_view(r, formdef_find("user_new"), NULL, NULL);
	json_object_set_new(r->view, "action", json_string("/admin/users"));
	form_choices(r, 1);
	return 200;
}

struct user_input {
	const char *username;
	const char *name;
	int role;
	long long district_id;
	int active;
	long long version;
};

/* Validates a new password and its repetition. Returns it or NULL. */
static const char *read_password(struct req *r)
{
	const char *pw = form_get(&r->form, "password");
	const char *again = form_get(&r->form, "password_again");
	const char *why = pw && *pw ? auth_password_problem(pw) : "Ange ett lösenord.";
	if (why) {
		view_error(r, "password", why);
		return NULL;
	}
	if (!again || strcmp(pw, again) != 0) {
		view_error(r, "password_again", "Lösenorden är inte lika.");
		return NULL;
	}
	return pw;
}

/* Reads and validates the user form (user_new or user_edit in formdefs.c)
 * and, for a new user, the password; records errors and the typed values
 * in the view. A new user is always active; on the edit form an unticked
 * box is absent. Returns the password (new user) or NULL. */
static const char *read_user_input(struct req *r, struct user_input *in, int is_new)
{
	const struct formdef *d = formdef_find(is_new ? "user_new" : "user_edit");
	struct fvals *v = form_read(r, d);
	in->name = fv_str(v, "name");
	in->role = role_from_name(fv_str(v, "role"));
	in->district_id = (long long)fv_num(v, "district_id");
	in->active = is_new || fv_num(v, "active") != 0;
	in->version = parse_id(http_param(r, "version"));
	if (is_new) {
		in->username = fv_str(v, "username");
		if (!username_valid(in->username) && !view_has_field_error(r, "username"))
			view_error(r, "username", "Användarnamnet ska vara 2–64 tecken: a–z, 0–9, punkt, bindestreck eller understreck.");
	}
	if (in->district_id && !district_exists(in->district_id))
		view_error(r, "district_id", "Välj en stadsdel i listan.");
	else if (role_needs_district(in->role) && !in->district_id && !view_has_field_error(r, "district_id"))
		view_error(r, "district_id", "En socialsekreterare måste tillhöra en stadsdel.");
	const char *pw = is_new ? read_password(r) : NULL;
	form_view(r, d, v, NULL);
	return pw;
}

/* POST /admin/users : create */
int user_create(struct req *r)
{
	struct user_input in = { 0 };
	const char *pw = read_user_input(r, &in, 1);
	json_object_set_new(r->view, "action", json_string("/admin/users"));
	if (view_has_errors(r)) {
		form_choices(r, 1);
		return 400;
	}
	char *hash = auth_hash_password(pw);
	if (!hash)
		return http_fail(r, 503, NULL);
	long long id = 0;
	if (db_begin() < 0) {
		free(hash);
		return http_fail(r, 500, NULL);
	}
	int rc = user_insert(in.username, in.name, in.role, in.district_id, hash, r->user.id, &id);
	free(hash);
	if (rc == -2) {
		db_rollback();
		view_error(r, "username", "Användarnamnet är upptaget.");
		form_view(r, formdef_find("user_new"), NULL, json_object_get(r->view, "form"));
		form_choices(r, 1);
		return 400;
	}
	if (rc < 0 || audit_log(r->user.id, "create", "user", id, 0) < 0 || db_commit() < 0) {
		db_rollback();
		return http_fail(r, 500, NULL);
	}
	return http_redirect_done(r, arena_printf(&r->arena, "/admin/users/%lld", id), DONE_USER_CREATED);
}

/* Loads user id into a JSON object (the stored state). NULL when absent. */
static json_t *load_user(long long id)
{
	static const char sql[] =
	    "SELECT u.username, u.name, u.role, coalesce(u.district_id, 0), coalesce(d.name, ''), "
	    "u.active, u.version FROM users u LEFT JOIN districts d ON d.id = u.district_id WHERE u.id = ?";
	dbstmt *st = db_stmt(sql);
	if (!st)
		return NULL;
	db_bind_int64(st, 1, id);
	json_t *o = NULL;
	if (db_step(st) == DB_ROW) {
		int role = role_from_name(db_col_text(st, 2));
		o = json_pack("{s:s, s:s, s:s, s:s, s:I, s:s, s:b, s:I}",
		    "username", db_col_text(st, 0), "name", db_col_text(st, 1),
		    "role", role_name(role), "role_label", role_label(role),
		    "district_id", (json_int_t)db_col_int64(st, 3), "district", db_col_text(st, 4),
		    "active", db_col_int(st, 5), "version", (json_int_t)db_col_int64(st, 6));
	}
	db_done(st);
	return o;
}

/* Fills what the edit page needs besides the form values: the password
 * form's fields, the districts. */
static void edit_view(struct req *r, long long id)
{
	form_view(r, formdef_find("user_password"), NULL, NULL);
	json_object_set_new(r->view, "id", json_integer(id));
	json_object_set_new(r->view, "action", json_string(arena_printf(&r->arena, "/admin/users/%lld", id)));
	json_object_set_new(r->view, "password_action",
	    json_string(arena_printf(&r->arena, "/admin/users/%lld/password", id)));
	form_choices(r, 0);
}

/* GET /admin/users/{id} */
int user_edit_form(struct req *r)
{
	long long id = r->params[0];
	json_t *u = load_user(id);
	if (!u)
		return http_fail(r, 404, "Användaren finns inte.");
	json_object_set_new(r->view, "form", u);
	form_view(r, formdef_find("user_edit"), NULL, u);
	edit_view(r, id);
	return 200;
}

/* POST /admin/users/{id} : change name, role, district, active */
int user_update(struct req *r)
{
	static const char sql[] = "UPDATE users SET name = ?, role = ?, district_id = ?, active = ?, "
	    "version = version + 1, updated_at = ?, updated_by = ? WHERE id = ? AND version = ?";
	long long id = r->params[0];
	json_t *stored = load_user(id);
	if (!stored)
		return http_fail(r, 404, "Användaren finns inte.");
	struct user_input in = { 0 };
	read_user_input(r, &in, 0);
	json_object_set_new(json_object_get(r->view, "form"), "version", json_integer(in.version));
	if (!in.version)
		view_error(r, "version", "Formuläret saknar version. Ladda om sidan och försök igen.");
	if (id == r->user.id && !in.active)
		view_error(r, "active", "Du kan inte inaktivera ditt eget konto.");
	if (id == r->user.id && in.role != r->user.role)	/* separation of duties: nobody gives themselves access */
		view_error(r, "role", "Du kan inte ändra rollen på ditt eget konto. Be en annan systemförvaltare.");
	json_object_set(json_object_get(r->view, "form"), "username", json_object_get(stored, "username"));
	edit_view(r, id);
	if (view_has_errors(r)) {
		json_decref(stored);
		return 400;
	}
	if (db_begin() < 0) {
		json_decref(stored);
		return http_fail(r, 500, NULL);
	}
	dbstmt *st = db_stmt(sql);
	int rc = DB_ERROR, changed = 0;
	if (st) {
		db_bind_text(st, 1, in.name, -1);
		db_bind_text(st, 2, role_name(in.role), -1);
		if (in.district_id)
			db_bind_int64(st, 3, in.district_id);
		db_bind_int(st, 4, in.active);
		db_bind_int64(st, 5, now_unix());
		db_bind_int64(st, 6, r->user.id);
		db_bind_int64(st, 7, id);
		db_bind_int64(st, 8, in.version);
		rc = db_step(st);
		changed = db_changes();
		db_done(st);
	}
	if (rc == DB_DONE && !changed) {
		/* someone saved in between: show theirs beside what was typed */
		db_rollback();
		json_object_set_new(json_object_get(r->view, "form"), "version",
		    json_integer(json_integer_value(json_object_get(stored, "version"))));
		form_conflict(r, formdef_find("user_edit"), stored, "name", "användaren", NULL);
		json_decref(stored);
		return 409;
	}
	json_decref(stored);
	if (rc != DB_DONE || (!in.active && session_end_user(id) < 0) ||
	    audit_log(r->user.id, "update", "user", id, 0) < 0 || db_commit() < 0) {
		db_rollback();
		return http_fail(r, 500, NULL);
	}
	return http_redirect_done(r, arena_printf(&r->arena, "/admin/users/%lld", id), DONE_USER_SAVED);
}

/* POST /admin/users/{id}/password : set a new password, end sessions */
int user_password_reset(struct req *r)
{
	static const char sql[] = "UPDATE users SET password_hash = ?, version = version + 1, "
	    "updated_at = ?, updated_by = ? WHERE id = ?";
	long long id = r->params[0];
	json_t *stored = load_user(id);
	if (!stored)
		return http_fail(r, 404, "Användaren finns inte.");
	const char *pw = read_password(r);
	if (!pw) {
		json_object_set_new(r->view, "form", stored);
		form_view(r, formdef_find("user_edit"), NULL, stored);
		edit_view(r, id);
		return 400;
	}
	json_decref(stored);
	char *hash = auth_hash_password(pw);
	if (!hash)
		return http_fail(r, 503, NULL);
	int ok = db_begin() == 0;
	dbstmt *st = ok ? db_stmt(sql) : NULL;
	if (st) {
		db_bind_text(st, 1, hash, -1);
		db_bind_int64(st, 2, now_unix());
		db_bind_int64(st, 3, r->user.id);
		db_bind_int64(st, 4, id);
		ok = db_step(st) == DB_DONE;
		db_done(st);
	} else {
		ok = 0;
	}
	free(hash);
	if (!ok || session_end_user(id) < 0 || audit_log(r->user.id, "update", "user_password", id, 0) < 0 ||
	    db_commit() < 0) {
		db_rollback();
		return http_fail(r, 500, NULL);
	}
	return http_redirect_done(r, arena_printf(&r->arena, "/admin/users/%lld", id), DONE_PASSWORD_SET);
}

/* assignment.c - the uppdragsbeskrivning: the socialsekreterare's assignment
 * to the provider (standard text + individual goals and follow-up dates),
 * its print view, and the admin's versioned standard text. */
#include "audit.h"
#include "db.h"
#include "formdef.h"
#include "handlers.h"
#include "scope.h"

#include <stdio.h>
#include <string.h>

static const char not_found[] = "Beslutet finns inte eller ingår inte i det du har tillgång till.";

/* Returns the current standard text {id, text, created} or NULL. */
static json_t *current_text(void)
{
	static const char sql[] = "SELECT id, text, date(created_at, 'unixepoch', 'localtime') AS created "
	    "FROM assignment_texts ORDER BY id DESC LIMIT 1";
	dbstmt *st = db_stmt(sql);
	if (!st)
		return NULL;
	json_t *o = db_step(st) == DB_ROW ? db_row_json(st) : NULL;
	db_done(st);
	return o;
}

/* Loads the visible support decision id with its assignment (if any);
 * the uppdrag is the support's, a housing decision has none. */
static json_t *load(struct req *r, long long decision_id)
{
	static const char sql[] =
	    "SELECT d.id AS decision_id, d.person_id, d.start_date, d.end_date, d.support_kind, d.provider, "
	    "d.replaced_by_id, p.first_name || ' ' || p.last_name AS person_name, a.id AS assignment_id, "
	    "a.goals, a.followup_dates, a.version, t.text AS standard_text "
	    "FROM decisions d JOIN persons p ON p.id = d.person_id "
	    "LEFT JOIN assignments a ON a.decision_id = d.id LEFT JOIN assignment_texts t ON t.id = a.text_id "
	    "WHERE d.id = :id AND d.kind = 'support' AND " SCOPE_DECISION("d");
	return scope_row(sql, r, decision_id);
}

/* Splits "2026-01-01, 2026-06-01" into a list of {date}; returns 0 when
 * every part is a valid date. */
static int parse_followups(const char *s, json_t *out)
{
	char part[32];
	int ok = 1;
	while (s && *s) {
		size_t n = strcspn(s, ",;\n ");
		if (n > 0) {
			snprintf(part, sizeof part, "%.*s", (int)(n < 31 ? n : 31), s);
			if (!valid_date(part) || n > 10)
				ok = 0;
			else
				json_array_append_new(out, json_pack("{s:s}", "date", part));
		}
		s += n;
		while (*s == ',' || *s == ';' || *s == '\n' || *s == ' ' || *s == '\r')
			s++;
	}
	return ok ? 0 : -1;
}

/* The page around the form: the standard text, where it posts. */
static void page_view(struct req *r, long long decision_id)
{
	json_t *t = current_text();
	json_object_set_new(r->view, "standard_text", t ? t : json_object());
	json_object_set_new(r->view, "action", json_string(arena_printf(&r->arena, "/decisions/%lld/assignment", decision_id)));
	json_object_set_new(r->view, "title", json_string("Uppdragsbeskrivning"));
}

/* GET /decisions/{id}/assignment/edit */
int assignment_form(struct req *r)
{
	long long id = r->params[0];
	json_t *a = load(r, id);
	if (!a)
		return http_fail(r, 404, not_found);
	json_object_set_new(r->view, "form", a);
	form_view(r, formdef_find("assignment"), NULL, a);
	page_view(r, id);
	return 200;
}

/* POST /decisions/{id}/assignment : create or update (version-checked) */
int assignment_save(struct req *r)
{
	static const char ins[] = "INSERT INTO assignments(person_id, decision_id, text_id, goals, followup_dates, "
	    "created_at, created_by, updated_at, updated_by) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?)";
	static const char upd[] = "UPDATE assignments SET goals = ?, followup_dates = ?, text_id = ?, "
	    "version = version + 1, updated_at = ?, updated_by = ? WHERE decision_id = ? AND version = ?";
	long long id = r->params[0];
	json_t *stored = load(r, id);
	if (!stored)
		return http_fail(r, 404, not_found);
	const struct formdef *d = formdef_find("assignment");
	struct fvals *v = form_read(r, d);
	const char *goals = fv_str(v, "goals");
	const char *followups = fv_str(v, "followup_dates");
	long long version = parse_id(http_param(r, "version"));
	json_t *form = json_deep_copy(stored);
	json_object_set_new(form, "version", json_integer(version));
	json_object_set_new(r->view, "form", form);
	form_view(r, d, v, NULL);
	page_view(r, id);
	long long text_id = json_integer_value(json_object_get(json_object_get(r->view, "standard_text"), "id"));
	if (view_has_errors(r)) {
		json_decref(stored);
		return 400;
	}
	long long pid = json_integer_value(json_object_get(stored, "person_id"));
	int exists = json_object_get(stored, "assignment_id") != NULL;
	if (db_begin() < 0) {
		json_decref(stored);
		return http_fail(r, 500, NULL);
	}
	long long now = now_unix();
	int changed = 0, rc = DB_ERROR;
	dbstmt *st = db_stmt(exists ? upd : ins);
	if (st) {
		if (exists)
			db_bindf(st, "ttiiiii", goals, followups ? followups : "", text_id, now, r->user.id, id, version);
		else
			db_bindf(st, "iiittiiii", pid, id, text_id, goals, followups ? followups : "", now, r->user.id, now, r->user.id);
		rc = db_write(st, &changed);
	}
	if (rc == DB_DONE && !changed) {
		db_rollback();
		json_object_set_new(form, "version", json_integer(json_integer_value(json_object_get(stored, "version"))));
		form_conflict(r, d, stored, "goals", "uppdragsbeskrivningen", NULL);
		json_decref(stored);
		return 409;
	}
	json_decref(stored);
	if (rc != DB_DONE || audit_log(r->user.id, exists ? "update" : "create", "assignment", id, pid) < 0 ||
	    db_commit() < 0) {
		db_rollback();
		return http_fail(r, 500, NULL);
	}
	return http_redirect_done(r, arena_printf(&r->arena, "/decisions/%lld/assignment", id), DONE_ASSIGNMENT_SAVED);
}

/* GET /decisions/{id}/assignment : the assignment as read and printed;
 * the socialsekreterare is sent to the form when there is none yet */
int assignment_page(struct req *r)
{
	long long id = r->params[0];
	json_t *a = load(r, id);
	if (a && !json_object_get(a, "assignment_id") && r->user.role == ROLE_SOC) {
		json_decref(a);
		return http_redirect(r, arena_printf(&r->arena, "/decisions/%lld/assignment/edit", id));
	}
	if (!a || !json_object_get(a, "assignment_id")) {
		json_decref(a);
		return http_fail(r, 404, "Uppdragsbeskrivningen finns inte eller ingår inte i det du har tillgång till.");
	}
	json_t *dates = json_array();
	parse_followups(json_string_value(json_object_get(a, "followup_dates")), dates);
	json_object_set_new(a, "followups", dates);
	json_object_set_new(a, "support_label", json_string(
	    str_eq(json_string_value(json_object_get(a, "support_kind")), "internal") ? "internt" : "externt"));
	long long pid = json_integer_value(json_object_get(a, "person_id"));
	json_object_set_new(r->view, "assignment", a);
	json_object_set_new(r->view, "title", json_string("Uppdragsbeskrivning"));
	view_may(r, "can_edit", 1, "POST", "/decisions/%lld/assignment", (long long)json_integer_value(json_object_get(a, "decision_id")));
	if (audit_log(r->user.id, "read", "assignment", id, pid) < 0)
		return http_fail(r, 500, NULL);
	return 200;
}

/* GET /admin/assignment-text */
int assignment_text_form(struct req *r)
{
	static const char count[] = "SELECT count(*) AS versions FROM assignment_texts";
	json_t *t = current_text();
	if (!t)
		return http_fail(r, 500, NULL);
	dbstmt *st = db_stmt(count);
	if (st && db_step(st) == DB_ROW)
		json_object_set_new(r->view, "versions", json_integer(db_col_int64(st, 0)));
	db_done(st);
	json_object_set_new(r->view, "form", t);
	form_view(r, formdef_find("assignment_text"), NULL, t);
	json_object_set_new(r->view, "title", json_string("Standardtext för uppdrag"));
	return 200;
}

/* POST /admin/assignment-text : a new version (old ones kept) */
int assignment_text_save(struct req *r)
{
	static const char sql[] = "INSERT INTO assignment_texts(text, created_at, created_by) VALUES(?, ?, ?)";
	const struct formdef *d = formdef_find("assignment_text");
	long long base = parse_id(http_param(r, "base_id"));
	json_t *current = current_text();
	long long now_id = json_integer_value(json_object_get(current, "id"));
	json_object_set_new(r->view, "form", json_pack("{s:I}", "id", (json_int_t)now_id));
	json_object_set_new(r->view, "title", json_string("Standardtext för uppdrag"));
	if (now_id && base != now_id) {	/* someone saved a version after this form was opened */
		form_conflict(r, d, current, "text", "standardtexten", NULL);
		json_decref(current);
		form_view(r, d, form_read(r, d), NULL);
		return 409;
	}
	json_decref(current);
	struct fvals *v = form_read(r, d);
	const char *text = fv_str(v, "text");
	form_view(r, d, v, NULL);
	if (view_has_errors(r))
		return 400;
	if (db_begin() < 0)
		return http_fail(r, 500, NULL);
	dbstmt *st = db_stmt(sql);
	int ok = 0;
	if (st) {
		db_bindf(st, "tii", text, now_unix(), r->user.id);
		ok = db_write(st, NULL) == DB_DONE;
	}
	if (!ok || audit_log(r->user.id, "create", "assignment_text", db_last_id(), 0) < 0 ||
	    db_commit() < 0) {
		db_rollback();
		return http_fail(r, 500, NULL);
	}
	return http_redirect_done(r, "/admin/assignment-text", DONE_ASSIGNMENT_TEXT_SAVED);
}

/* visit.c - visits (contacts) as a journal: append-only, author and time
 * stamped; a correction is a new entry pointing at the one it corrects,
 * shown together with it. The case manager writes and reads the notes; the
 * socialsekreterare and the manager see dates, kinds and counts only. */
#include "visit.h"
#include "audit.h"
#include "date.h"
#include "db.h"
#include "formdef.h"
#include "handlers.h"
#include "person.h"
#include "scope.h"

#include <string.h>

#define OVERVIEW_PAGE 50
#define JOURNAL_PAGE 100


/* GET /visits : compliance per participant (no ?person) */
/* The overview over from/where (from joins persons p): the case manager's
 * starts from the assignments, like the caseload. */
#define OVERVIEW(from, where) \
	"SELECT p.id, p.id AS person_id, p.first_name || ' ' || p.last_name AS name, d.name AS district, " \
	"(SELECT max(v.date) FROM visits v WHERE v.person_id = p.id AND +v.kind = 'home' AND v.met = 1 " \
	" AND " VISIT_COUNTS("v") ") AS last_home_visit, " \
	"(SELECT count(*) FROM visits v WHERE v.person_id = p.id AND v.date > date(:today, '-30 days') " \
	" AND " VISIT_COUNTS("v") ") AS visits_30_days, " VISIT_WEEKS_COLS("p") " " \
	"FROM " from " JOIN districts d ON d.id = p.district_id WHERE " where " " \
	"AND (:after IS NULL OR (p.last_name, p.first_name, p.id) > " \
	"(SELECT last_name, first_name, id FROM persons WHERE id = :after)) " \
	"ORDER BY p.last_name, p.first_name, p.id LIMIT :limit"

static int overview(struct req *r)
{
	static const char sql[] = OVERVIEW("persons p", "EXISTS (SELECT 1 FROM person_case_managers c "
	    "WHERE c.person_id = p.id AND c.ended_at IS NULL) AND " SCOPE_PERSON("p"));
	static const char caseload_sql[] = OVERVIEW("person_case_managers c CROSS JOIN persons p ON p.id = c.person_id",
	    "c.user_id = :uid AND c.ended_at IS NULL");
	static const char *const keys[] = { NULL };
	dbstmt *st = db_stmt(r->user.role == ROLE_CM ? caseload_sql : sql);
	if (!st)
		return http_fail(r, 500, NULL);
	scope_bind(st, r);
	if (!view_keyset_page(r, st, OVERVIEW_PAGE, keys, "/visits"))
		return http_fail(r, 500, NULL);
	json_object_set_new(r->view, "overview", json_true());
	json_object_set_new(r->view, "title", json_string("Besök"));
	return 200;
}

/* Groups journal rows: corrections go under the entry they correct (the
 * first of the chain). Takes rows; returns the top-level entries. */
static json_t *group_corrections(json_t *rows)
{
	json_t *byid = json_object(), *top = json_array();
	size_t i;
	json_t *x;
	json_array_foreach(rows, i, x) {
		char key[24];
		snprintf(key, sizeof key, "%lld", (long long)json_integer_value(json_object_get(x, "id")));
		json_object_set(byid, key, x);
		json_object_set_new(x, "kind_label", json_string(fchoice_label(visit_kinds,
		    json_string_value(json_object_get(x, "kind")))));
		char when[17];
		local_time(json_integer_value(json_object_get(x, "created_at")), when);
		json_object_set_new(x, "written", json_string(when));
	}
	json_array_foreach(rows, i, x) {
		json_t *root = x, *up;
		int hops = 0;
		while ((up = json_object_get(root, "corrects_id")) && hops++ < 100) {
			char key[24];
			snprintf(key, sizeof key, "%lld", (long long)json_integer_value(up));
			json_t *o = json_object_get(byid, key);
			if (!o)
				break;
			root = o;
		}
		if (root == x) {
			json_array_append(top, x);
			continue;
		}
		json_t *c = json_object_get(root, "corrections");
		if (!c) {
			c = json_array();
			json_object_set_new(root, "corrections", c);
		}
		json_array_append(c, x);
	}
	json_decref(byid);
	json_decref(rows);
	return top;
}

/* The new-entry form; corrected (NULL or an entry) pre-fills a correction;
 * v is what was typed on a refused POST. */
static void entry_form(struct req *r, long long person_id, json_t *corrected, const struct fvals *v)
{
	char today[11];
	date_today(today);
	json_t *defaults = json_pack("{s:s, s:s, s:s}", "date", today, "kind", "home", "met", "1");
	form_view(r, formdef_find("visit"), v, corrected ? corrected : defaults);
	json_decref(defaults);
	json_object_set_new(r->view, "person_id", json_integer(person_id));
	if (corrected)
		json_object_set_new(r->view, "correcting", json_pack("{s:I, s:s}", "id", json_integer_value(json_object_get(corrected, "id")),
		    "date", json_string_value(json_object_get(corrected, "date"))));
}

/* Fills the journal view for person_id. Returns 0, 404 or 500. */
static int journal_view(struct req *r, long long person_id)
{
	static const char sql[] =
	    "SELECT v.id, v.date, v.kind, v.met, CASE WHEN :role = 'case_manager' THEN v.note END AS note, v.corrects_id, "
	    "v.created_at, u.name AS author, EXISTS (SELECT 1 FROM visits c WHERE c.corrects_id = v.id) AS corrected "
	    "FROM visits v LEFT JOIN users u ON u.id = v.created_by WHERE v.person_id = :id "
	    "AND (:before IS NULL OR v.date < :before) ORDER BY v.date DESC, v.id DESC LIMIT :limit";
	static const char counts_sql[] =
	    "SELECT count(v.id) AS visits, coalesce(sum(+v.kind = 'home' AND v.met = 1), 0) AS home_visits, max(v.date) AS last_visit, "
	    VISIT_WEEKS_COLS("p") " FROM persons p LEFT JOIN visits v ON v.person_id = p.id AND " VISIT_COUNTS("v") " "
	    "WHERE p.id = :id GROUP BY p.id";	/* one group; PostgreSQL needs it named for p.id in the subqueries */
	static const char *const keys[] = { "person", NULL };
	int vis = person_visible(r, person_id);
	if (vis < 0)
		return 500;
	if (!vis)
		return 404;
	json_t *p = person_load(person_id);
	json_t *counts = scope_row(counts_sql, r, person_id);
	if (!p || !counts) {
		json_decref(p);
		json_decref(counts);
		return 500;
	}
	/* count(v.id), not count(*): the LEFT JOIN gives a person without
	 * visits one row, which once read "1 kontakter" above an empty list */
	view_count(r, counts, "visits", "kontakt", "kontakter");
	json_object_set_new(counts, "any", json_boolean(json_integer_value(json_object_get(counts, "visits")) > 0));
	json_object_set_new(r->view, "person", p);
	json_object_set_new(r->view, "counts", counts);
	json_object_set_new(r->view, "title", json_string(arena_printf(&r->arena, "Besök: %s",
	    json_string_value(json_object_get(p, "name")))));
	const char *before = http_param(r, "before");
	dbstmt *st = db_stmt(sql);
	if (!st)
		return 500;
	scope_bind(st, r);
	db_bind_named_int(st, ":id", person_id);
	db_bind_named_text(st, ":before", before && valid_date(before) ? before : NULL);
	db_bind_named_int(st, ":limit", JOURNAL_PAGE + 1);
	int more;
	json_t *rows = db_rows_json(st, JOURNAL_PAGE, &more);
	if (!rows)
		return 500;
	json_t *last = json_array_get(rows, json_array_size(rows) - 1);
	view_pager(r, more ? http_link(r, keys, "before", json_string_value(json_object_get(last, "date"))) : NULL,
	    before ? arena_printf(&r->arena, "/visits?person=%lld", person_id) : NULL);
	json_object_set_new(r->view, "entries", group_corrections(rows));
	json_object_set_new(r->view, "shows_notes", json_boolean(r->user.role == ROLE_CM));
	view_may(r, "can_write", 1, "POST", "/visits");
	return 0;
}

/* Returns the visit id (of person_id) as stored, or NULL. */
static json_t *visit_of(long long person_id, long long id)
{
	static const char sql[] = "SELECT v.id, v.person_id, v.date, v.kind, v.met, v.note, "
	    "EXISTS (SELECT 1 FROM visits c WHERE c.corrects_id = v.id) AS corrected FROM visits v WHERE v.id = ?";
	json_t *v = db_row_for(sql, id);
	if (v && json_integer_value(json_object_get(v, "person_id")) != person_id) {
		json_decref(v);
		return NULL;
	}
	return v;
}

/* GET /visits[?person=ID[&correct=VID]] */
int visits_page(struct req *r)
{
	const char *ps = http_param(r, "person");
	if (!ps)
		return overview(r);
	long long person_id = parse_id(ps);
	int rc = person_id ? journal_view(r, person_id) : 404;
	if (rc == 404)
		return http_fail(r, 404, "Personen finns inte eller ingår inte i det du har tillgång till.");
	if (rc)
		return http_fail(r, 500, NULL);
	if (r->user.role == ROLE_CM) {
		long long cid = parse_id(http_param(r, "correct"));
		json_t *corrected = cid ? visit_of(person_id, cid) : NULL;
		if (cid && !corrected)
			return http_fail(r, 404, "Anteckningen finns inte.");
		entry_form(r, person_id, corrected, NULL);
		json_decref(corrected);
	}
	if (audit_log(r->user.id, "read", "visits", person_id, person_id) < 0)
		return http_fail(r, 500, NULL);
	return 200;
}

/* POST /visits : a new journal entry, or a correction (corrects=ID) */
int visit_create(struct req *r)
{
	static const char sql[] = "INSERT INTO visits(person_id, date, kind, met, note, corrects_id, created_at, created_by) "
	    "VALUES(?, ?, ?, ?, ?, ?, ?, ?)";
	long long person_id = parse_id(http_param(r, "person_id"));
	if (!person_id || person_visible(r, person_id) != 1)
		return http_fail(r, 404, "Personen finns inte eller ingår inte i det du har tillgång till.");
	char today[11];
	date_today(today);
	struct fvals *v = form_read(r, formdef_find("visit"));
	const char *date = fv_str(v, "date"), *kind = fv_str(v, "kind"), *met = fv_str(v, "met");
	const char *note = fv_text(v, "note");
	long long corrects = parse_id(http_param(r, "corrects"));
	json_t *corrected = corrects ? visit_of(person_id, corrects) : NULL;
	if (corrects && !corrected)
		return http_fail(r, 404, "Anteckningen som ska rättas finns inte.");
	int status = 400;
	if (date && strcmp(date, today) > 0)
		view_error(r, "date", "Ett besök kan inte registreras i förväg.");
	if (corrected && json_integer_value(json_object_get(corrected, "corrected"))) {
		view_error(r, "note", "Anteckningen har redan rättats. Rätta den senaste rättelsen i stället.");
		status = 409;
	}
	if (view_has_errors(r)) {
		int rc = journal_view(r, person_id);
		if (rc)
			return http_fail(r, rc, NULL);
		entry_form(r, person_id, corrected, v);
		json_decref(corrected);
		return status;
	}
	if (db_begin() < 0) {
		json_decref(corrected);
		return http_fail(r, 500, NULL);
	}
	dbstmt *st = db_stmt(sql);
	int ok = 0;
	if (st) {
		db_bindf(st, "ittitnii", person_id, date, kind, (long long)(met[0] == '1'), note, now_unix(), r->user.id);
		if (corrects)
			db_bind_int64(st, 6, corrects);
		ok = db_write(st, NULL) == DB_DONE;
	}
	long long id = db_last_id();
	if (!ok) {
		/* the UNIQUE corrects_id: someone corrected it a moment ago; the
		 * one conflict answer, the entry beside what was typed */
		db_rollback();
		form_conflict(r, formdef_find("visit"), corrected, "note", "anteckningen", NULL);
		int rc = journal_view(r, person_id);
		if (rc)
			return http_fail(r, rc, NULL);
		entry_form(r, person_id, corrected, v);
		json_decref(corrected);
		return 409;
	}
	json_decref(corrected);
	if (audit_log(r->user.id, "create", "visit", id, person_id) < 0 || db_commit() < 0) {
		db_rollback();
		return http_fail(r, 500, NULL);
	}
	return http_redirect_done(r, arena_printf(&r->arena, "/visits?person=%lld", person_id),
	    corrects ? DONE_VISIT_CORRECTED : DONE_VISIT_SAVED);
}

/* decision_end.c - the later life of one decision: ending it (avslutat,
 * with reason and date, after a confirmation), its letter
 * (beslutsmeddelande, from the texts stored with it), the granted
 * decisions not put into effect within three months (IVO), verkställighet
 * at a move-in, and the admin's letter texts. */
#include "audit.h"
#include "date.h"
#include "db.h"
#include "decision.h"
#include "formdef.h"
#include "handlers.h"
#include "scope.h"
#include "transfer.h"

#include <string.h>

static const char not_found[] = "Beslutet finns inte eller ingår inte i det du har tillgång till.";

/* Loads decision id if visible, with state and labels; NULL otherwise. */
static json_t *load(struct req *r, long long id)
{
	static const char sql[] =
	    "SELECT d.*, " DECISION_STATE("d") " AS state, p.first_name || ' ' || p.last_name AS person_name, "
	    "p.personnummer, p.address AS person_address, di.name AS district, u.name AS decided_by_name "
	    "FROM decisions d JOIN persons p ON p.id = d.person_id JOIN districts di ON di.id = d.district_id "
	    "LEFT JOIN users u ON u.id = d.decided_by WHERE d.id = :id AND " SCOPE_DECISION("d");
	json_t *o = scope_row(sql, r, id);
	if (o)
		decision_labels(o);
	return o;
}

struct end_input {
	const char *date, *reason, *note;
	struct fvals *v;	/* as read, for the form shown again */
};

/* The end form's fields (described in src/formdefs.c), showing v (what
 * was typed) or today's date. */
static void end_view(struct req *r, json_t *d, long long id, const struct fvals *v)
{
	char today[11];
	date_today(today);
	json_t *stored = json_pack("{s:s}", "ended_on", today);
	form_view(r, formdef_find("decision_end"), v, stored);
	json_decref(stored);
	json_object_set_new(r->view, "title", json_string(arena_printf(&r->arena, "Avsluta beslutet: %s",
	    json_string_value(json_object_get(d, "kind_label")))));
	json_object_set_new(r->view, "action", json_string(arena_printf(&r->arena, "/decisions/%lld/end/confirm", id)));
	const char *ver = r->is_post ? http_param(r, "version") : NULL;
	json_object_set_new(r->view, "version", ver ? json_string(ver) :
	    json_sprintf("%lld", (long long)json_integer_value(json_object_get(d, "version"))));
	json_object_set(r->view, "decision", d);
}

/* Whether d may be ended: a granted decision in force (or verkställd). */
static int endable(json_t *d)
{
	const char *state = json_string_value(json_object_get(d, "state"));
	return str_eq(json_string_value(json_object_get(d, "outcome")), "granted") &&
	    (str_eq(state, "in_force") || str_eq(state, "effective"));
}

/* Reads and checks the end form against d. Errors to the view. Returns
 * 0, 400, or 409 when d is not an open granted decision. */
static int end_check(struct req *r, json_t *d, struct end_input *in)
{
	in->v = form_read(r, formdef_find("decision_end"));
	in->date = fv_str(in->v, "ended_on");
	in->reason = fv_str(in->v, "end_reason");
	in->note = fv_text(in->v, "end_note");
	if (!endable(d)) {
		view_error(r, "ended_on", "Beslutet är inte ett gällande beviljat beslut och kan inte avslutas.");
		return 409;
	}
	const char *decided = json_string_value(json_object_get(d, "decision_date"));
	char today[11];
	date_today(today);
	if (in->date && strcmp(in->date, decided) < 0)
		view_error(r, "ended_on", "Insatsen kan inte avslutas före beslutsdatumet.");
	else if (in->date && strcmp(in->date, today) > 0)
		view_error(r, "ended_on", "Registrera avslutet när det har skett; datumet kan inte vara i framtiden.");
	if (str_eq(in->reason, "other") && !*in->note && !view_has_field_error(r, "end_note"))
		view_error(r, "end_note", "Beskriv anledningen när du väljer Annat.");
	return view_has_errors(r) ? 400 : 0;
}

/* Shows the end form again with status (errors in the view). */
static int end_form_error(struct req *r, json_t *d, long long id, int status, const struct fvals *v)
{
	r->template = "decisions/end";
	end_view(r, d, id, v);
	json_decref(d);
	return status;
}

/* GET /decisions/{id}/end : the form (reason and date) */
int decision_end_form(struct req *r)
{
	long long id = r->params[0];
	json_t *d = load(r, id);
	if (!d)
		return http_fail(r, 404, not_found);
	http_saw_person(r, json_integer_value(json_object_get(d, "person_id")));
	if (!endable(d)) {
		json_decref(d);
		r->back = arena_printf(&r->arena, "/decisions/%lld", id);
		return http_fail(r, 409, "Beslutet är inte ett gällande beviljat beslut och kan inte avslutas.");
	}
	end_view(r, d, id, NULL);
	json_decref(d);
	return 200;
}

/* GET or POST /decisions/{id}/end/confirm : the end form, checked, shown
 * for a yes (nothing written) */
int decision_end_confirm(struct req *r)
{
	long long id = r->params[0];
	json_t *d = load(r, id);
	if (!d)
		return http_fail(r, 404, not_found);
	http_saw_person(r, json_integer_value(json_object_get(d, "person_id")));
	struct end_input in;
	int rc = end_check(r, d, &in);
	if (rc)
		return end_form_error(r, d, id, rc, in.v);
	const char *kind = json_string_value(json_object_get(d, "kind_label"));
	const char *name = json_string_value(json_object_get(d, "person_name"));
	int support = json_is_true(json_object_get(d, "is_support"));
	json_t *c = view_confirm(r, "Bekräfta att beslutet avslutas",
	    arena_printf(&r->arena, "Beslutet %s för %s avslutas den %s. %s", kind, name, in.date, support ?
	    "Beslutet om bostadsanskaffning och ett pågående boende påverkas inte." :
	    "Beslutet om stödinsats och ett pågående boende påverkas inte."),
	    "Ett avslutat beslut kan inte öppnas igen. Behöver personen insatsen på nytt fattas ett nytt beslut.",
	    arena_printf(&r->arena, "/decisions/%lld/end", id), "Ja, avsluta beslutet",
	    arena_printf(&r->arena, "/decisions/%lld", id));
	view_confirm_fact(c, "Person", name);
	view_confirm_fact(c, "Beslut", kind);
	view_confirm_fact(c, "Datum", in.date);
	view_confirm_fact(c, "Anledning", fchoice_label(decision_end_reasons, in.reason));
	view_confirm_fact(c, "Beskrivning", in.note);
	view_confirm_hidden(c, "version", http_param(r, "version"));
	view_confirm_hidden(c, "ended_on", in.date);
	view_confirm_hidden(c, "end_reason", in.reason);
	view_confirm_hidden(c, "end_note", in.note);
	json_decref(d);
	return 200;
}

/* POST /decisions/{id}/end : avslutat (confirmed=1 from the confirmation
 * page), version-checked */
int decision_end(struct req *r)
{
	static const char sql[] = "UPDATE decisions SET ended_on = ?, end_reason = ?, end_note = ?, ended_at = ?, "
	    "ended_by = ?, version = version + 1, updated_at = ?, updated_by = ? "
	    "WHERE id = ? AND version = ? AND ended_on IS NULL AND replaced_by_id IS NULL AND outcome = 'granted'";
	long long id = r->params[0];
	json_t *d = load(r, id);
	if (!d)
		return http_fail(r, 404, not_found);
	long long pid = json_integer_value(json_object_get(d, "person_id"));
	struct end_input in;
	int rc = end_check(r, d, &in);
	if (rc)
		return end_form_error(r, d, id, rc, in.v);
	if (!http_confirmed(r)) {
		json_decref(d);
		r->back = arena_printf(&r->arena, "/decisions/%lld/end", id);
		return http_fail(r, 400, "Att beslutet avslutas har inte bekräftats, så ingenting har sparats. Fyll i "
		    "formuläret och bekräfta på sidan som visas.");
	}
	long long now = now_unix();
	rc = audit_update(r->user.id, "decision", id, pid, sql, "tttiiiiii", in.date, in.reason, in.note,
	    now, r->user.id, now, r->user.id, id, parse_id(http_param(r, "version")));
	if (rc == 0) {
		json_decref(d);
		d = load(r, id);
		if (!d)
			return http_fail(r, 500, NULL);
		form_conflict(r, formdef_find("decision_end"), NULL, "ended_on", "beslutet", NULL);
		long long now_version = json_integer_value(json_object_get(d, "version"));
		rc = end_form_error(r, d, id, 409, in.v);
		/* the form carries the version saved now */
		json_object_set_new(r->view, "version", json_sprintf("%lld", now_version));
		return rc;
	}
	json_decref(d);
	if (rc < 0)
		return http_fail(r, 500, NULL);
	return http_redirect_done(r, arena_printf(&r->arena, "/decisions/%lld", id), DONE_DECISION_ENDED);
}

/* GET /decisions/{id}/letter : the beslutsmeddelande, printable; the
 * legal basis and the besvärshänvisning as stored with the decision */
int decision_letter(struct req *r)
{
	long long id = r->params[0];
	json_t *d = load(r, id);
	if (!d)
		return http_fail(r, 404, not_found);
	long long pid = json_integer_value(json_object_get(d, "person_id"));
	/* a snapshot: the district the decision was made in, also after a transfer */
	json_t *transfers = transfer_history(pid);
	if (!transfers) {
		json_decref(d);
		return http_fail(r, 500, NULL);
	}
	json_t *one = json_pack("[O]", d);
	transfer_label_districts(one, "created_at", transfers);
	json_decref(one);
	json_decref(transfers);
	json_object_set_new(r->view, "title", json_string(arena_printf(&r->arena, "Beslutsmeddelande: %s",
	    json_string_value(json_object_get(d, "kind_label")))));
	json_object_set_new(r->view, "decision", d);
	if (audit_log(r->user.id, "read", "decision", id, pid) < 0)
		return http_fail(r, 500, NULL);
	return 200;
}

json_t *decisions_unenforced_rows(const struct req *r, int limit)
{
	static const char sql[] =
	    "SELECT d.id, d.person_id, d.kind, p.first_name || ' ' || p.last_name AS person_name, di.name AS district, "
	    "d.decision_date, days_between(d.decision_date, date('now', 'localtime')) AS days "
	    "FROM decisions d JOIN persons p ON p.id = d.person_id "
	    "JOIN districts di ON di.id = d.district_id "
	    "WHERE d.outcome = 'granted' AND d.support_effective_date IS NULL AND d.replaced_by_id IS NULL "
	    "AND d.ended_on IS NULL AND d.decision_date < date('now', 'localtime', '-3 months') "
	    "AND " SCOPE_DECISION("d") " ORDER BY d.decision_date, d.id LIMIT :limit";
	dbstmt *st = db_stmt(sql);
	if (!st)
		return NULL;
	scope_bind(st, r);
	db_bind_named_int(st, ":limit", limit);
	return decision_rows(st);
}

/* GET /decisions/unenforced : beviljat, not verkställt, over three months */
int decisions_unenforced(struct req *r)
{
	json_t *rows = decisions_unenforced_rows(r, 500);
	if (!rows)
		return http_fail(r, 500, NULL);
	http_saw_rows(r, rows, "person_id");
	json_object_set_new(r->view, "rows", rows);
	json_object_set_new(r->view, "title", json_string("Ej verkställda beslut"));
	return 200;
}

long long decision_housing_in_force(long long person_id, const char *date)
{
	static const char sql[] =
	    "SELECT id FROM decisions WHERE person_id = ? AND kind = 'housing' AND outcome = 'granted' "
	    "AND replaced_by_id IS NULL AND start_date <= ?2 AND end_date >= ?2 AND (ended_on IS NULL OR ended_on > ?2) "
	    "ORDER BY id DESC LIMIT 1";
	dbstmt *st = db_stmt(sql);
	if (!st)
		return -1;
	db_bindf(st, "it", person_id, date);
	long long id = 0;
	int rc = db_step(st);
	if (rc == DB_ROW)
		id = db_col_int64(st, 0);
	else if (rc != DB_DONE)
		id = -1;
	db_done(st);
	return id;
}

long long decision_support_unenforced(long long person_id)
{
	static const char sql[] =
	    "SELECT id FROM decisions WHERE person_id = ? AND kind = 'support' AND outcome = 'granted' "
	    "AND replaced_by_id IS NULL AND ended_on IS NULL AND support_effective_date IS NULL "
	    "AND end_date >= date('now', 'localtime') ORDER BY id DESC LIMIT 1";
	json_t *row = db_row_for(sql, person_id);
	long long id = row ? json_integer_value(json_object_get(row, "id")) : 0;
	json_decref(row);
	return id;
}

/* Marks decision id verkställd on date if not yet, with its audit row.
 * Inside the caller's transaction. Returns 0 or -1. */
static int mark_effective(long long user_id, long long id, long long person_id, const char *date)
{
	static const char sql[] = "UPDATE decisions SET support_effective_date = ?, effective_at = ?2, version = version + 1, "
	    "updated_at = ?2, updated_by = ? WHERE id = ? AND support_effective_date IS NULL";
	dbstmt *st = db_stmt(sql);
	if (!st)
		return -1;
	db_bindf(st, "tiii", date, now_unix(), user_id, id);
	int changed = 0;
	if (db_write(st, &changed) != DB_DONE)
		return -1;
	return changed ? audit_log(user_id, "update", "decision", id, person_id) : 0;
}

int decisions_move_in(long long user_id, long long person_id, const char *date, const char *support_date)
{
	long long hid = decision_housing_in_force(person_id, date);
	if (hid < 0 || (hid && mark_effective(user_id, hid, person_id, date) < 0))
		return -1;
	if (support_date && *support_date) {
		long long sid = decision_support_unenforced(person_id);
		if (sid < 0 || (sid && mark_effective(user_id, sid, person_id, support_date) < 0))
			return -1;
	}
	return 0;
}

int decisions_backfill_effective(void)
{
	static const char sql[] =
	    "UPDATE decisions SET support_effective_date = (SELECT max(min(t.move_in_date), decisions.start_date) "
	    "FROM tenancies t WHERE t.person_id = decisions.person_id AND t.move_in_date <= decisions.end_date "
	    "AND (t.end_date IS NULL OR t.end_date >= decisions.start_date)) "
	    "WHERE twin_of IS NOT NULL AND kind = 'housing' AND support_effective_date IS NULL";
	int n = db_has_column("decisions", "twin_of");
	if (n <= 0)
		return n < 0 ? -1 : 0;
	return db_execf(sql, "");
}

/* The admin's current texts: {legal_basis, appeal, id (the newest
 * version's id, the form's base_id), versions}. New reference, NULL on
 * error. */
static json_t *current_texts(void)
{
	static const char sql[] = "SELECT kind, text, (SELECT max(id) FROM decision_texts) AS top, "
	    "(SELECT count(*) FROM decision_texts) AS versions "
	    "FROM decision_texts t WHERE id = (SELECT max(id) FROM decision_texts u WHERE u.kind = t.kind)";
	dbstmt *st = db_stmt(sql);
	if (!st)
		return NULL;
	json_t *cur = json_pack("{s:s, s:s, s:i, s:i}", "legal_basis", "", "appeal", "", "id", 0, "versions", 0);
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		json_object_set_new(cur, db_col_text(st, 0), json_string(db_col_text(st, 1)));
		json_object_set_new(cur, "id", json_integer(db_col_int64(st, 2)));
		json_object_set_new(cur, "versions", json_integer(db_col_int64(st, 3)));
	}
	db_done(st);
	if (rc != DB_DONE) {
		json_decref(cur);
		return NULL;
	}
	return cur;
}

/* The admin page's view: the form (what was typed in v, else cur), the
 * version the form is based on and the number of versions. */
static void texts_view(struct req *r, json_t *cur, const struct fvals *v)
{
	json_object_set(r->view, "versions", json_object_get(cur, "versions"));
	json_object_set(r->view, "base_id", json_object_get(cur, "id"));
	form_view(r, formdef_find("decision_texts"), v, cur);
	json_object_set_new(r->view, "title", json_string("Texter i beslutsmeddelanden"));
}

/* GET /admin/decision-texts */
int decision_texts_form(struct req *r)
{
	json_t *cur = current_texts();
	if (!cur)
		return http_fail(r, 500, NULL);
	texts_view(r, cur, NULL);
	json_decref(cur);
	return 200;
}

/* POST /admin/decision-texts : a new version of each text that changed
 * (old versions kept; letters already given keep their own copy). A form
 * opened before someone else saved (base_id not the newest version)
 * answers the one conflict shape with what was typed, nothing saved. */
int decision_texts_save(struct req *r)
{
	static const char ins[] = "INSERT INTO decision_texts(kind, text, created_at, created_by) VALUES(?, ?, ?, ?)";
	static const char *const names[] = { "legal_basis", "appeal" };
	const struct formdef *def = formdef_find("decision_texts");
	json_t *cur = current_texts();
	if (!cur)
		return http_fail(r, 500, NULL);
	struct fvals *v = form_read(r, def);
	if (parse_id(http_param(r, "base_id")) != json_integer_value(json_object_get(cur, "id"))) {
		form_conflict(r, def, cur, "legal_basis", "texterna", NULL);
		texts_view(r, cur, v);
		json_decref(cur);
		return 409;
	}
	if (view_has_errors(r)) {
		texts_view(r, cur, v);
		json_decref(cur);
		return 400;
	}
	if (db_begin() < 0) {
		json_decref(cur);
		return http_fail(r, 500, NULL);
	}
	for (int i = 0; i < 2; i++) {
		const char *val = fv_text(v, names[i]);
		if (str_eq(json_string_value(json_object_get(cur, names[i])), val))
			continue;
		if (db_execf(ins, "ttii", names[i], val, now_unix(), r->user.id) < 0 ||
		    audit_log(r->user.id, "create", "decision_text", db_last_id(), 0) < 0) {
			db_rollback();
			json_decref(cur);
			return http_fail(r, 500, NULL);
		}
	}
	json_decref(cur);
	if (db_commit() < 0) {
		db_rollback();
		return http_fail(r, 500, NULL);
	}
	return http_redirect_done(r, "/admin/decision-texts", DONE_DECISION_TEXTS_SAVED);
}

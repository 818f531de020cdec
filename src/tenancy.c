/* tenancy.c - a person in an apartment on a second-hand contract: move-in
 * (the landlord office), takeover of the first-hand contract with its
 * readiness indicator, the end (moved out or deceased), second chances.
 * Ending a tenancy never ends the support decision. */
#include "tenancy.h"
#include "register.h"
#include "audit.h"
#include "checklist.h"
#include "date.h"
#include "db.h"
#include "decision.h"
#include "formdef.h"
#include "handlers.h"
#include "scope.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TENANCIES_PAGE 50

const char *tenancy_end_label(const char *reason)
{
	return fchoice_label(end_reason_choices, reason);
}

void tenancy_readiness(json_t *row, const char *today, long long months)
{
	if (json_integer_value(json_object_get(row, "imported")) && !json_object_get(row, "end_date")) {
		const char *known = json_string_value(json_object_get(row, "known_until"));
		json_object_set_new(row, "readiness_label", json_string(known ? "Känt från importerad statusrapport" :
		    "Från importerad statusrapport"));
		return;
	}
	if (json_object_get(row, "end_date")) {
		json_object_set_new(row, "readiness_label", json_string("Avslutat"));
		return;
	}
	if (json_object_get(row, "takeover_date")) {
		json_object_set_new(row, "readiness_label", json_string("Förstahandskontraktet övertaget"));
		return;
	}
	const char *ready_date = json_string_value(json_object_get(row, "ready_date"));
	int time_ok = ready_date && strcmp(ready_date, today) <= 0;
	int arrears_ok = json_integer_value(json_object_get(row, "open_arrears")) == 0;
	int calm_ok = json_integer_value(json_object_get(row, "open_disturbance")) == 0;
	json_t *c = json_array();
	char buf[160];
	snprintf(buf, sizeof buf, time_ok ? "Minst %lld %s sedan inflyttning (sedan %s)" :
	    "Minst %lld %s sedan inflyttning: uppfylls %s", months, plural(months, "månad", "månader"),
	    ready_date ? ready_date : "–");
	json_array_append_new(c, json_pack("{s:s, s:b}", "label", buf, "met", time_ok));
	json_array_append_new(c, json_pack("{s:s, s:b}", "label", arrears_ok ? "Ingen obetald hyra (ingen öppen händelse om hyresskuld)" :
	    "Öppen händelse om hyresskuld", "met", arrears_ok));
	json_array_append_new(c, json_pack("{s:s, s:b}", "label", calm_ok ? "Inga öppna störningsärenden" :
	    "Öppet störningsärende", "met", calm_ok));
	int ready = time_ok && arrears_ok && calm_ok;
	json_object_set_new(row, "conditions", c);
	json_object_set_new(row, "ready", json_boolean(ready));
	json_object_set_new(row, "readiness_label", json_string(ready ? "Redo för prövning av överlåtelse" :
	    "Inte redo för överlåtelse"));
}

/* Adds labels and readiness to tenancy rows. */
static void label_rows(json_t *rows)
{
	char today[11];
	date_today(today);
	long long months = db_setting_int("takeover_months", 9);
	size_t i;
	json_t *x;
	json_array_foreach(rows, i, x) {
		const char *reason = json_string_value(json_object_get(x, "end_reason"));
		if (reason)
			json_object_set_new(x, "end_label", json_string(tenancy_end_label(reason)));
		const char *ground = json_string_value(json_object_get(x, "end_ground"));
		if (ground)
			json_object_set_new(x, "ground_label", json_string(fchoice_label(end_ground_choices, ground)));
		tenancy_readiness(x, today, months);
	}
}

/* GET /tenancies?state=ongoing|ended|all&ready=1&after= */
int tenancies_list(struct req *r)
{
	/* a case manager's list starts from the caseload (see CASELOAD_OF) */
#define TENANCIES_LIST(where) \
	"SELECT t.id, t.person_id, t.move_in_date, t.ordinal, t.takeover_date, t.end_date, t.end_reason, t.imported, t.known_until, " \
	"a.id AS apartment_id, " \
	"a.address, p.first_name || ' ' || p.last_name AS tenant, " TENANCY_READINESS_COLS " " \
	"FROM tenancies t JOIN persons p ON p.id = t.person_id JOIN apartments a ON a.id = t.apartment_id " \
	"WHERE " where SCOPE_TENANCY("t") " " \
	"AND (:state = 'all' OR (:state = 'ongoing' AND t.end_date IS NULL) OR (:state = 'ended' AND t.end_date IS NOT NULL)) " \
	"AND (:ready IS NULL OR " TENANCY_READY_WHERE ") " \
	"AND t.id < coalesce(:after, " KEYSET_MAX ") ORDER BY t.id DESC LIMIT :limit"
	static const char sql[] = TENANCIES_LIST("");
	static const char caseload_sql[] = TENANCIES_LIST(CASELOAD_OF("t.person_id") " AND ");
	static const char *const keys[] = { "state", "ready", NULL };
	static const char *const states[] = { "ongoing", "ended", "all", NULL };
	static const char *const state_labels[] = { "Pågående", "Avslutade", "Alla", NULL };
	const char *state = http_param(r, "state");
	if (!one_of(states, state))
		state = "ongoing";
	const char *ready = http_param(r, "ready");
	dbstmt *st = db_stmt(r->user.role == ROLE_CM ? caseload_sql : sql);
	if (!st)
		return http_fail(r, 500, NULL);
	scope_bind(st, r);
	db_bind_named_text(st, ":state", state);
	if (ready && !strcmp(ready, "1"))
		db_bind_named_int(st, ":ready", 1);
	json_t *rows = view_keyset_page(r, st, TENANCIES_PAGE, keys, "/tenancies");
	if (!rows)
		return http_fail(r, 500, NULL);
	label_rows(rows);
	json_object_set_new(r->view, "title", json_string("Boenden"));
	json_object_set_new(r->view, "states", view_options(states, state_labels, state));
	json_object_set_new(r->view, "ready_only", json_boolean(ready && !strcmp(ready, "1")));
	return 200;
}

/* Returns the tenancy (viewer's scope) with its apartment, tenant name and
 * readiness, or NULL. New reference. */
static json_t *tenancy_load(struct req *r, long long id)
{
	static const char sql[] =
	    "SELECT t.id, t.person_id, t.apartment_id, t.move_in_date, t.ordinal, t.ordinal_reason, t.takeover_date, "
	    "t.takeover_reason, t.imported, "
	    "t.end_date, t.end_reason, t.end_ground, t.end_note, t.known_until, t.version, p.first_name || ' ' || p.last_name AS tenant, "
	    "a.address, d.name AS district, " TENANCY_READINESS_COLS " "
	    "FROM tenancies t JOIN persons p ON p.id = t.person_id JOIN apartments a ON a.id = t.apartment_id "
	    "JOIN districts d ON d.id = a.district_id WHERE t.id = :id AND " SCOPE_TENANCY("t");
	json_t *t = scope_row(sql, r, id);
	if (t) {
		json_t *one = json_pack("[O]", t);
		label_rows(one);
		json_decref(one);
	}
	return t;
}

/* The takeover and end forms on the tenancy page: what was typed in v
 * (the form that was sent and refused), the other with today's date. */
static void tenancy_forms_view(struct req *r, json_t *t, const struct fvals *v)
{
	char today[11];
	date_today(today);
	json_t *defaults = json_pack("{s:s, s:s}", "takeover_date", today, "end_date", today);
	const struct formdef *forms[] = { formdef_find("takeover"), formdef_find("tenancy_end") };
	for (size_t i = 0; i < 2; i++)
		form_view(r, forms[i], v && v->def == forms[i] ? v : NULL, defaults);
	json_decref(defaults);
	/* not ready: the reason is asked for, and kept */
	json_t *reason = json_object_get(json_object_get(r->view, "f"), "takeover_reason");
	if (json_is_false(json_object_get(t, "ready"))) {
		json_object_set_new(reason, "label", json_string("Skäl till överlåtelse trots att boendet inte är redo"));
		json_object_set_new(reason, "required", json_true());
		json_object_set_new(reason, "hint", json_string("Boendet är inte redo för överlåtelse (se villkoren ovan). Skriv "
		    "varför överlåtelsen ändå registreras; skälet sparas och visas här."));
	} else {
		const char *rd = json_string_value(json_object_get(t, "ready_date"));
		json_object_set_new(reason, "hint", json_string(arena_printf(&r->arena, "Krävs bara om datumet för överlåtelsen "
		    "är före %s.", rd ? rd : "den dag väntetiden är över")));
	}
}

/* Fills the tenancy page's view: the tenancy, its incidents and checklists,
 * and the forms the viewer may use. Returns 0, 404 or 500. */
static int tenancy_view(struct req *r, long long id)
{
	static const char incidents_sql[] =
	    "SELECT i.id, i.kind, i.date, i.resolved_date FROM incidents i JOIN tenancies t ON t.id = i.tenancy_id "
	    "WHERE i.tenancy_id = :id AND " SCOPE_INCIDENT("i", "t") " ORDER BY i.date DESC, i.id DESC";
	static const char checklists_sql[] =
	    "SELECT c.id, c.month, c.state, c.review_date FROM checklists c WHERE c.tenancy_id = :id ORDER BY c.month DESC";
	json_t *t = tenancy_load(r, id);
	if (!t)
		return 404;
	json_object_set_new(r->view, "tenancy", t);
	json_object_set_new(r->view, "title", json_string(arena_printf(&r->arena, "Boende: %s",
	    json_string_value(json_object_get(t, "address")))));
	json_t *incidents = scope_rows(incidents_sql, r, id);
	json_t *checklists = db_rows_for(checklists_sql, id);
	if (!incidents || !checklists) {
		json_decref(incidents);
		json_decref(checklists);
		return 500;
	}
	incident_label_rows(incidents);
	checklist_label_rows(checklists);
	json_object_set_new(r->view, "incidents", incidents);
	json_object_set_new(r->view, "checklists", checklists);
	int ongoing = !json_object_get(t, "end_date");
	view_may(r, "can_takeover", ongoing && !json_object_get(t, "takeover_date"), "POST", "/tenancies/%lld/takeover", id);
	/* judged and not ready: the takeover needs a written reason */
	json_object_set_new(r->view, "takeover_judged", json_boolean(json_object_get(t, "ready") != NULL));
	json_object_set_new(r->view, "takeover_not_ready", json_boolean(json_is_false(json_object_get(t, "ready"))));
	view_may(r, "can_end", ongoing, "POST", "/tenancies/%lld/end", id);
	view_may(r, "can_report", ongoing, "POST", "/tenancies/%lld/incidents", id);
	if (r->user.role == ROLE_CM && ongoing) {
		/* offered only for a month the tenancy covers: the due month, or
		 * this month after a recent move-in; none before the move-in */
		char today[11], month[8], name[24];
		date_today(today);
		const char *move_in = json_string_value(json_object_get(t, "move_in_date"));
		if (checklist_offer_month(today, move_in, NULL, month) == 0) {
			checklist_month_name(month, name);
			json_object_set_new(r->view, "checklist_offer", json_pack("{s:s, s:s}", "month", month, "label", name));
		} else {
			checklist_month_name(move_in, name);
			json_object_set_new(r->view, "checklist_from", json_string(name));
		}
	}
	json_object_set_new(r->view, "is_case_side", json_boolean(r->user.role != ROLE_LANDLORD));
	json_object_set_new(r->view, "deceased", json_boolean(str_eq(json_string_value(json_object_get(t, "end_reason")),
	    "deceased")));
	if (!json_object_get(r->view, "form"))
		json_object_set_new(r->view, "form", json_pack("{s:I}", "version", json_integer_value(json_object_get(t, "version"))));
	tenancy_forms_view(r, t, NULL);
	return 0;
}

/* GET /tenancies/{id} */
int tenancy_page(struct req *r)
{
	int rc = tenancy_view(r, r->params[0]);
	if (rc == 404)
		return http_fail(r, 404, "Boendet finns inte eller ingår inte i det du har tillgång till.");
	if (rc)
		return http_fail(r, 500, NULL);
	if (audit_log(r->user.id, "read", "tenancy", r->params[0],
	    json_integer_value(json_object_get(json_object_get(r->view, "tenancy"), "person_id"))) < 0)
		return http_fail(r, 500, NULL);
	return 200;
}

/* Persons who may move in: an open granted housing decision (the view
 * decisions_open, migrations/0013) and no ongoing tenancy.
 * Names only (the landlord office sees no more). */
static json_t *candidates(long long selected)
{
	static const char sql[] =
	    "SELECT p.id AS value, p.first_name || ' ' || p.last_name || ' (' || d.name || ')' AS label, "
	    "p.id = :sel AS selected FROM persons p JOIN districts d ON d.id = p.district_id "
	    "WHERE EXISTS (SELECT 1 FROM decisions_open x WHERE x.person_id = p.id AND x.kind = 'housing') "
	    "AND NOT EXISTS (SELECT 1 FROM tenancies o WHERE o.person_id = p.id AND o.end_date IS NULL) "
	    "AND NOT " PERSON_DECEASED("p") " ORDER BY p.last_name, p.first_name, p.id";
	dbstmt *st = db_stmt(sql);
	if (!st)
		return NULL;
	db_bind_named_int(st, ":sel", selected);
	return db_rows_json(st, 0, NULL);
}

static json_t *apartment_brief(long long id)
{
	static const char sql[] = "SELECT id, address, status, "
	    "(SELECT count(*) FROM tenancies t WHERE t.apartment_id = a.id AND t.end_date IS NULL) AS occupied "
	    "FROM apartments a WHERE id = ?";
	return db_row_for(sql, id);
}

/* The move-in form's fields. */
static int move_in_view(struct req *r, json_t *apt, long long person_id, const struct fvals *v)
{
	json_t *cands = candidates(person_id);
	if (!cands)
		return -1;
	json_object_set_new(r->view, "apartment", apt);
	json_object_set_new(r->view, "title", json_string(arena_printf(&r->arena, "Inflyttning: %s",
	    json_string_value(json_object_get(apt, "address")))));
	json_object_set_new(r->view, "action", json_string(arena_printf(&r->arena, "/apartments/%lld/tenancies",
	    (long long)json_integer_value(json_object_get(apt, "id")))));
	char today[11];
	date_today(today);
	json_t *defaults = json_pack("{s:s, s:I}", "move_in_date", today, "person_id", (json_int_t)person_id);
	form_view(r, formdef_find("move_in"), v, defaults);
	json_decref(defaults);
	http_saw_rows(r, cands, "value");	/* the choice list names them */
	form_view_options(r, "person_id", cands);
	return 0;
}

/* A move-in on date needs a granted housing decision in force then
 * (migrations/0013); otherwise an error at the date. Returns 0 or -1. */
static int housing_check(struct req *r, long long person_id, const char *date)
{
	static const char open_sql[] = "SELECT start_date, end_date FROM decisions_open WHERE person_id = ? "
	    "AND kind = 'housing' ORDER BY id DESC LIMIT 1";
	long long hid = decision_housing_in_force(person_id, date);
	if (hid < 0)
		return -1;
	if (hid)
		return 0;
	json_t *d = db_row_for(open_sql, person_id);
	if (d)
		view_error(r, "move_in_date", arena_printf(&r->arena, "Beslutet om bostadsanskaffning gäller %s – %s. "
		    "Inflyttningen måste ske under den tiden.", json_string_value(json_object_get(d, "start_date")),
		    json_string_value(json_object_get(d, "end_date"))));
	else
		view_error(r, "move_in_date", "Personen har inget beviljat beslut om bostadsanskaffning som gäller det datumet.");
	json_decref(d);
	return 0;
}

/* GET /apartments/{id}/tenancies/new */
int tenancy_new_form(struct req *r)
{
	json_t *apt = apartment_brief(r->params[0]);
	if (!apt)
		return http_fail(r, 404, "Lägenheten finns inte.");
	/* from "Väntar på lägenhet": that person is chosen already */
	if (move_in_view(r, apt, parse_id(http_param(r, "person_id")), NULL) < 0)
		return http_fail(r, 500, NULL);
	return 200;
}

/* POST /apartments/{id}/tenancies : move-in; the apartment becomes let */
int tenancy_create(struct req *r)
{
	static const char count_sql[] = "SELECT count(*) AS n, coalesce(max(ordinal), 0) AS top FROM tenancies WHERE person_id = ?";
	static const char ins[] =
	    "INSERT INTO tenancies(person_id, apartment_id, move_in_date, ordinal, ordinal_reason, created_at, created_by, "
	    "updated_at, updated_by) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?)";
	static const char let[] = "UPDATE apartments SET status = 'let', version = version + 1, updated_at = ?, updated_by = ? "
	    "WHERE id = ?";
	long long apt_id = r->params[0];
	json_t *apt = apartment_brief(apt_id);
	if (!apt)
		return http_fail(r, 404, "Lägenheten finns inte.");
	struct fvals *v = form_read(r, formdef_find("move_in"));
	long long person_id = (long long)fv_num(v, "person_id");
	const char *move_in = fv_str(v, "move_in_date");
	const char *ord_s = fv_str(v, "ordinal");
	const char *reason = fv_str(v, "ordinal_reason");
	json_t *cands = candidates(0);
	int eligible = 0;
	size_t i;
	json_t *x;
	json_array_foreach(cands, i, x)
		if (json_integer_value(json_object_get(x, "value")) == person_id)
			eligible = 1;
	json_decref(cands);
	if (!eligible && !view_has_field_error(r, "person_id"))
		view_error(r, "person_id", "Välj en person med gällande beslut som inte redan har ett boende.");
	char today[11];
	date_today(today);
	if (move_in && strcmp(move_in, today) > 0)
		view_error(r, "move_in_date", "Registrera inflyttningen när den har skett; datumet kan inte vara i framtiden.");
	else if (move_in && eligible && housing_check(r, person_id, move_in) < 0)
		return http_fail(r, 500, NULL);
	const char *support_date = fv_str(v, "support_effective_date");
	if (support_date && strcmp(support_date, today) > 0)
		view_error(r, "support_effective_date",
		    "Registrera verkställigheten när den har skett; datumet kan inte vara i framtiden.");
	json_t *prior = db_row_for(count_sql, person_id);
	long long derived = prior ? json_integer_value(json_object_get(prior, "top")) + 1 : 1;
	json_decref(prior);
	long long ordinal = derived;
	if (ord_s) {
		ordinal = (long long)fv_num(v, "ordinal");
		if (ordinal != derived && !reason && !view_has_field_error(r, "ordinal_reason"))
			view_error(r, "ordinal_reason", arena_printf(&r->arena, "Systemet räknar detta som gång %lld. "
			    "Skriv varför en annan ordning gäller.", derived));
	}
	if (json_integer_value(json_object_get(apt, "occupied")) > 0)
		view_error(r, "person_id", "Lägenheten har redan en hyresgäst. Avsluta det boendet först.");
	else if (str_eq(json_string_value(json_object_get(apt, "status")), "blocked"))
		view_error(r, "person_id", "Lägenheten är spärrad. Ändra status på lägenheten först.");
	if (view_has_errors(r)) {
		if (move_in_view(r, apt, person_id, v) < 0)
			return http_fail(r, 500, NULL);
		return json_integer_value(json_object_get(apt, "occupied")) > 0 ? 409 : 400;
	}
	json_decref(apt);
	long long now = now_unix();
	if (db_begin() < 0)
		return http_fail(r, 500, NULL);
	dbstmt *st = db_stmt(ins);
	int ok = 0;
	if (st) {
		db_bindf(st, "iititiiii", person_id, apt_id, move_in, ordinal, ordinal != derived && reason ? reason : "",
		    now, r->user.id, now, r->user.id);
		ok = db_write(st, NULL) == DB_DONE;
	}
	long long id = db_last_id();
	st = ok ? db_stmt(let) : NULL;
	if (st) {
		db_bindf(st, "iii", now, r->user.id, apt_id);
		ok = db_write(st, NULL) == DB_DONE;
	}
	if (!ok || personkod_assign(person_id) < 0 || audit_log(r->user.id, "create", "tenancy", id, person_id) < 0 ||
	    decisions_move_in(r->user.id, person_id, move_in, support_date && *support_date ? support_date : move_in) < 0 ||
	    db_commit() < 0) {
		db_rollback();
		return http_fail(r, 500, NULL);
	}
	return http_redirect_done(r, arena_printf(&r->arena, "/tenancies/%lld", id), DONE_MOVE_IN);
}

/* Re-renders the tenancy page after a rejected takeover or end form (also
 * from a confirmation page, whose route names another template), the form
 * that was sent (v) showing what was typed. */
static int tenancy_form_error(struct req *r, long long id, int status, const struct fvals *v)
{
	r->template = "tenancies/show";
	const char *version = http_param(r, "version");
	json_object_set_new(r->view, "form", json_pack("{s:s}", "version", version ? version : ""));
	int rc = tenancy_view(r, id);
	if (rc)
		return http_fail(r, rc, NULL);
	tenancy_forms_view(r, json_object_get(r->view, "tenancy"), v);
	if (status == 409)
		json_object_set_new(json_object_get(r->view, "form"), "version", json_integer(json_integer_value(json_object_get(
		    json_object_get(r->view, "tenancy"), "version"))));
	return status;
}

/* Answers a version-checked tenancy write (audit_update's result):
 * redirect with the confirmation done, 409 with the page and what was
 * typed, or 500. */
static int tenancy_written(struct req *r, long long id, int rc, enum done done, const struct fvals *v)
{
	if (rc == 0) {
		form_conflict(r, NULL, NULL, v->def->fields[0].name, "boendet", NULL);
		return tenancy_form_error(r, id, 409, v);
	}
	if (rc < 0)
		return http_fail(r, 500, NULL);
	return http_redirect_done(r, arena_printf(&r->arena, "/tenancies/%lld", id), done);
}

/* A dangerous POST without the confirmation page's yes: 400, nothing written. */
static int not_confirmed(struct req *r, long long id, const char *what)
{
	r->back = arena_printf(&r->arena, "/tenancies/%lld", id);
	return http_fail(r, 400, arena_printf(&r->arena, "%s har inte bekräftats, så ingenting har sparats. Gå tillbaka till "
	    "boendets sida, fyll i uppgifterna och bekräfta på sidan som visas.", what));
}

/* A takeover form, checked against the tenancy t (its readiness included). */
struct takeover_input {
	struct fvals *v;	/* the form as typed */
	const char *date;
	const char *reason;	/* kept only when not ready */
	json_t *unmet;	/* what was not met, Swedish (new reference; NULL when ready) */
};

/*
 * Checks a takeover form: the date (not before the move-in, not in the
 * future) and, when the takeover is not ready, a written reason. Not ready
 * means what the readiness indicator shows today (the time, an open rent
 * arrears incident, an open disturbance), or a takeover date before the
 * waiting time was over (a takeover dated at 8 months of 9 is early even
 * when the tenancy is ready today). Errors go to the view. Returns 0, 400,
 * or 409 when the tenancy is already ended or taken over.
 */
static int takeover_check(struct req *r, json_t *t, struct takeover_input *in)
{
	in->v = form_read(r, formdef_find("takeover"));
	in->date = fv_str(in->v, "takeover_date");
	in->reason = fv_str(in->v, "takeover_reason");
	in->unmet = NULL;
	if (json_object_get(t, "end_date") || json_object_get(t, "takeover_date")) {
		view_error(r, "takeover_date", "Boendet är redan avslutat eller övertaget.");
		return 409;
	}
	const char *move_in = json_string_value(json_object_get(t, "move_in_date"));
	char today[11];
	date_today(today);
	int date_ok = 0;
	if (!in->date)
		;	/* form_read said what is wrong */
	else if (strcmp(in->date, move_in) < 0)
		view_error(r, "takeover_date", "Överlåtelsen kan inte vara före inflyttningen.");
	else if (strcmp(in->date, today) > 0)
		view_error(r, "takeover_date", "Överlåtelsen registreras när den har skett; datumet kan inte vara i framtiden.");
	else
		date_ok = 1;
	json_t *ready = json_object_get(t, "ready");	/* absent when not judged (imported) */
	if (ready) {
		json_t *unmet = json_array();
		size_t i;
		json_t *c;
		json_array_foreach(json_object_get(t, "conditions"), i, c)
			if (!json_is_true(json_object_get(c, "met")))
				json_array_append(unmet, json_object_get(c, "label"));
		const char *ready_date = json_string_value(json_object_get(t, "ready_date"));
		if (date_ok && ready_date && strcmp(in->date, ready_date) < 0 && strcmp(ready_date, today) <= 0)
			json_array_append_new(unmet, json_string(arena_printf(&r->arena, "Överlåtelsedagen %s är före %s, då "
			    "väntetiden efter inflyttningen var över", in->date, ready_date)));
		if (json_array_size(unmet))
			in->unmet = unmet;
		else
			json_decref(unmet);
	}
	if (!in->unmet)
		in->reason = NULL;
	else if (!in->reason && !view_has_field_error(r, "takeover_reason"))
		view_error(r, "takeover_reason", "Boendet är inte redo för överlåtelse. Skriv varför överlåtelsen ändå registreras.");
	return view_has_errors(r) ? 400 : 0;
}

/* GET or POST /tenancies/{id}/takeover/confirm : what the takeover form
 * says, checked, shown for a yes (nothing written) */
int tenancy_takeover_confirm(struct req *r)
{
	long long id = r->params[0];
	json_t *t = tenancy_load(r, id);
	if (!t)
		return http_fail(r, 404, "Boendet finns inte.");
	http_saw_person(r, json_integer_value(json_object_get(t, "person_id")));
	struct takeover_input in;
	int rc = takeover_check(r, t, &in);
	if (rc) {
		json_decref(t);
		json_decref(in.unmet);
		return tenancy_form_error(r, id, rc, in.v);
	}
	const char *tenant = json_string_value(json_object_get(t, "tenant"));
	const char *address = json_string_value(json_object_get(t, "address"));
	json_t *c = view_confirm(r, "Bekräfta överlåtelsen av förstahandskontraktet",
	    arena_printf(&r->arena, "Du registrerar att %s har tagit över förstahandskontraktet för %s den %s. Boendet visas "
	    "sedan som övertaget och räknas till grupp B (eget förstahandskontrakt) i statusrapporten.", tenant, address, in.date),
	    "En registrerad överlåtelse kan inte ändras eller tas bort i systemet.",
	    arena_printf(&r->arena, "/tenancies/%lld/takeover", id), "Ja, registrera överlåtelsen",
	    arena_printf(&r->arena, "/tenancies/%lld", id));
	if (in.unmet) {
		json_object_set_new(c, "warning", json_string(json_array_size(in.unmet) > 1 ?
		    "Boendet är inte redo för överlåtelse. De här villkoren är inte uppfyllda:" :
		    "Boendet är inte redo för överlåtelse. Det här villkoret är inte uppfyllt:"));
		json_object_set_new(c, "unmet", in.unmet);
	}
	view_confirm_fact(c, "Hyresgäst", tenant);
	view_confirm_fact(c, "Lägenhet", address);
	view_confirm_fact(c, "Datum för överlåtelsen", in.date);
	view_confirm_fact(c, "Skäl till överlåtelse trots att boendet inte är redo", in.reason);
	view_confirm_hidden(c, "version", http_param(r, "version"));
	view_confirm_hidden(c, "takeover_date", in.date);
	if (in.reason)
		view_confirm_hidden(c, "takeover_reason", in.reason);
	json_object_set_new(r->view, "tenancy", t);
	return 200;
}

/* POST /tenancies/{id}/takeover : the first-hand contract is taken over
 * (confirmed=1 from the confirmation page) */
int tenancy_takeover(struct req *r)
{
	static const char sql[] = "UPDATE tenancies SET takeover_date = ?, takeover_reason = ?, version = version + 1, "
	    "updated_at = ?, updated_by = ? WHERE end_date IS NULL AND takeover_date IS NULL AND id = ? AND version = ?";
	long long id = r->params[0];
	json_t *t = tenancy_load(r, id);
	if (!t)
		return http_fail(r, 404, "Boendet finns inte.");
	long long person_id = json_integer_value(json_object_get(t, "person_id"));
	struct takeover_input in;
	int rc = takeover_check(r, t, &in);
	json_decref(t);
	json_decref(in.unmet);
	if (rc)
		return tenancy_form_error(r, id, rc, in.v);
	if (!http_confirmed(r))
		return not_confirmed(r, id, "Överlåtelsen");
	return tenancy_written(r, id, audit_update(r->user.id, "tenancy", id, person_id, sql, "teiiii", in.date, in.reason,
	    now_unix(), r->user.id, id, parse_id(http_param(r, "version"))), DONE_TAKEOVER, in.v);
}

/* An end form, checked. */
struct end_input {
	struct fvals *v;	/* the form as typed */
	const char *date, *reason, *ground, *note;
};

/* Checks an end form against the tenancy t: a date not before the move-in,
 * a reason from the list, the ground of an eviction, the text of "other".
 * Errors go to the view. Returns 0, 400, or 409 when already ended. */
static int end_check(struct req *r, json_t *t, struct end_input *in)
{
	in->v = form_read(r, formdef_find("tenancy_end"));
	in->date = fv_str(in->v, "end_date");
	in->reason = fv_str(in->v, "end_reason");
	in->note = fv_str(in->v, "end_note");
	in->ground = fv_str(in->v, "end_ground");
	if (json_object_get(t, "end_date")) {
		view_error(r, "end_date", "Boendet är redan avslutat.");
		return 409;
	}
	const char *move_in = json_string_value(json_object_get(t, "move_in_date"));
	if (in->date && strcmp(in->date, move_in) < 0)
		view_error(r, "end_date", "Slutdatumet kan inte vara före inflyttningen.");
	if (str_eq(in->reason, "other") && !in->note && !view_has_field_error(r, "end_note"))
		view_error(r, "end_note", "Beskriv anledningen när du väljer Annat.");
	if (str_eq(in->reason, "evicted") && !in->ground && !view_has_field_error(r, "end_ground"))
		view_error(r, "end_ground", "Välj skälet till vräkningen: störningar, hyresskuld eller annat skäl.");
	else if (!str_eq(in->reason, "evicted"))
		in->ground = NULL;	/* only an eviction has a ground */
	return view_has_errors(r) ? 400 : 0;
}

/* GET or POST /tenancies/{id}/end/confirm : the end form, checked, shown
 * for a yes (nothing written) */
int tenancy_end_confirm(struct req *r)
{
	long long id = r->params[0];
	json_t *t = tenancy_load(r, id);
	if (!t)
		return http_fail(r, 404, "Boendet finns inte.");
	http_saw_person(r, json_integer_value(json_object_get(t, "person_id")));
	struct end_input in;
	int rc = end_check(r, t, &in);
	if (rc) {
		json_decref(t);
		return tenancy_form_error(r, id, rc, in.v);
	}
	const char *tenant = json_string_value(json_object_get(t, "tenant"));
	const char *address = json_string_value(json_object_get(t, "address"));
	json_t *c = view_confirm(r, "Bekräfta att boendet avslutas",
	    arena_printf(&r->arena, "Boendet för %s på %s avslutas den %s. Lägenheten blir ledig och kan hyras ut till "
	    "någon annan. Beslutet om stödinsats påverkas inte.", tenant, address, in.date),
	    "Ett avslutat boende kan inte öppnas igen. Flyttar personen tillbaka registreras ett nytt boende (en ny chans).",
	    arena_printf(&r->arena, "/tenancies/%lld/end", id), "Ja, avsluta boendet", arena_printf(&r->arena, "/tenancies/%lld", id));
	view_confirm_fact(c, "Hyresgäst", tenant);
	view_confirm_fact(c, "Lägenhet", address);
	view_confirm_fact(c, "Datum (utflyttning eller dödsfall)", in.date);
	view_confirm_fact(c, "Anledning", tenancy_end_label(in.reason));
	view_confirm_fact(c, "Skäl vid vräkning", in.ground ? fchoice_label(end_ground_choices, in.ground) : NULL);
	view_confirm_fact(c, "Beskrivning", in.note);
	view_confirm_hidden(c, "version", http_param(r, "version"));
	view_confirm_hidden(c, "end_date", in.date);
	view_confirm_hidden(c, "end_reason", in.reason);
	if (in.ground)
		view_confirm_hidden(c, "end_ground", in.ground);
	view_confirm_hidden(c, "end_note", in.note);
	json_object_set_new(r->view, "tenancy", t);
	return 200;
}

/* POST /tenancies/{id}/end : moved out (reason) or deceased (confirmed=1
 * from the confirmation page) */
int tenancy_end(struct req *r)
{
	static const char sql[] = "UPDATE tenancies SET end_date = ?, end_reason = ?, end_ground = ?, end_note = ?, "
	    "known_until = NULL, version = version + 1, updated_at = ?, updated_by = ? "
	    "WHERE end_date IS NULL AND id = ? AND version = ?";
	long long id = r->params[0];
	json_t *t = tenancy_load(r, id);
	if (!t)
		return http_fail(r, 404, "Boendet finns inte.");
	long long person_id = json_integer_value(json_object_get(t, "person_id"));
	struct end_input in;
	int rc = end_check(r, t, &in);
	json_decref(t);
	if (rc)
		return tenancy_form_error(r, id, rc, in.v);
	if (!http_confirmed(r))
		return not_confirmed(r, id, "Att boendet avslutas");
	/* the apartment becomes available by trigger (migrations/0004) */
	return tenancy_written(r, id, audit_update(r->user.id, "tenancy", id, person_id, sql, "ttetiiii", in.date, in.reason,
	    in.ground, in.note ? in.note : "", now_unix(), r->user.id, id, parse_id(http_param(r, "version"))), DONE_TENANCY_ENDED,
	    in.v);
}

#define WITHOUT_APARTMENT_PAGE 500

/* GET /persons/without-apartment : support but no ongoing tenancy (the
 * first WITHOUT_APARTMENT_PAGE, moved out first) */
int persons_without_apartment(struct req *r)
{
#define WITHOUT_APARTMENT_COLS \
	"p.id, p.first_name || ' ' || p.last_name AS name, " \
	"(SELECT d.name FROM districts d WHERE d.id = p.district_id) AS district, x.id AS decision_id, " \
	"x.support_effective_date, x.end_date AS decision_end, " \
	"(SELECT count(*) FROM tenancies o WHERE o.person_id = p.id) AS tenancies"
	static const char sql[] = WITHOUT_APARTMENT_SQL(WITHOUT_APARTMENT_COLS, "1 = 1");
	static const char district_sql[] = WITHOUT_APARTMENT_SQL(WITHOUT_APARTMENT_COLS, "p.district_id = :district");
	dbstmt *st = db_stmt(r->user.role == ROLE_SOC ? district_sql : sql);
	if (!st)
		return http_fail(r, 500, NULL);
	scope_bind(st, r);
	db_bind_named_int(st, ":limit", WITHOUT_APARTMENT_PAGE + 1);
	int more;
	json_t *rows = db_rows_json(st, WITHOUT_APARTMENT_PAGE, &more);
	if (!rows)
		return http_fail(r, 500, NULL);
	http_saw_rows(r, rows, "id");
	json_object_set_new(r->view, "rows", rows);
	json_object_set_new(r->view, "truncated", json_boolean(more));
	json_object_set_new(r->view, "shown", json_integer(WITHOUT_APARTMENT_PAGE));
	json_object_set_new(r->view, "title", json_string("Stöd utan lägenhet"));
	return 200;
}

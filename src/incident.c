/* incident.c - incidents in a tenancy (disturbance, damage, rent arrears,
 * threat, sanitary nuisance, other). The landlord office records and reads
 * housing-related incidents and never the internal note: its queries do
 * not select it, so neither the page nor the JSON twin can carry it. */
#include "audit.h"
#include "date.h"
#include "db.h"
#include "formdef.h"
#include "handlers.h"
#include "scope.h"

#include <string.h>

#define INCIDENTS_PAGE 50


void incident_label_rows(json_t *rows)
{
	size_t i;
	json_t *x;
	json_array_foreach(rows, i, x)
		json_object_set_new(x, "kind_label", json_string(fchoice_label(incident_kinds,
		    json_string_value(json_object_get(x, "kind")))));
}

/* The columns every incident query shows; the internal note only off the
 * landlord side. */
#define INCIDENT_COLS \
	"i.id, i.tenancy_id, i.kind, i.date, i.reported_by, i.housing_related, i.landlord_text, i.action_taken, " \
	"i.resolved_date, i.version, CASE WHEN :role = 'landlord' THEN NULL ELSE i.internal_note END AS internal_note, " \
	"t.person_id, a.address, p.first_name || ' ' || p.last_name AS tenant "
#define INCIDENT_FROM \
	"FROM incidents i JOIN tenancies t ON t.id = i.tenancy_id JOIN apartments a ON a.id = t.apartment_id " \
	"JOIN persons p ON p.id = t.person_id "

/* GET /incidents?state=open|resolved|all&kind=&after= */
int incidents_list(struct req *r)
{
	/* a case manager's list starts from the caseload (see CASELOAD_OF) */
#define INCIDENTS_LIST(where) \
	"SELECT " INCIDENT_COLS INCIDENT_FROM "WHERE " where SCOPE_INCIDENT("i", "t") " " \
	"AND (:state = 'all' OR (:state = 'open' AND i.resolved_date IS NULL) " \
	" OR (:state = 'resolved' AND i.resolved_date IS NOT NULL)) " \
	"AND (:kind IS NULL OR i.kind = :kind) AND i.id < coalesce(:after, " KEYSET_MAX ") " \
	"ORDER BY i.id DESC LIMIT :limit"
	static const char sql[] = INCIDENTS_LIST("");
	static const char caseload_sql[] = INCIDENTS_LIST(CASELOAD_OF("t.person_id") " AND ");
	static const char *const keys[] = { "state", "kind", NULL };
	static const char *const states[] = { "open", "resolved", "all", NULL };
	static const char *const state_labels[] = { "Öppna", "Lösta", "Alla", NULL };
	const char *state = http_param(r, "state");
	const char *kind = http_param(r, "kind");
	if (!one_of(states, state))
		state = "open";
	if (!*fchoice_label(incident_kinds, kind))
		kind = NULL;
	dbstmt *st = db_stmt(r->user.role == ROLE_CM ? caseload_sql : sql);
	if (!st)
		return http_fail(r, 500, NULL);
	scope_bind(st, r);
	db_bind_named_text(st, ":state", state);
	db_bind_named_text(st, ":kind", kind);
	json_t *rows = view_keyset_page(r, st, INCIDENTS_PAGE, keys, "/incidents");
	if (!rows)
		return http_fail(r, 500, NULL);
	incident_label_rows(rows);
	json_object_set_new(r->view, "title", json_string("Händelser"));
	json_object_set_new(r->view, "states", view_options(states, state_labels, state));
	json_object_set_new(r->view, "kinds", fchoice_options(incident_kinds, kind));
	return 200;
}

/* The described form for this user: the landlord office's lacks the
 * internal note and the housing-related flag. */
static const struct formdef *incident_form(struct req *r, int is_new)
{
	int landlord = r->user.role == ROLE_LANDLORD;
	return formdef_find(is_new ? (landlord ? "incident_new_landlord" : "incident_new") :
	    (landlord ? "incident_edit_landlord" : "incident_edit"));
}

/* The incident form's fields: what was typed (v) or stored (a new one:
 * today's date, housing-related). */
static void incident_fields(struct req *r, json_t *stored, const struct fvals *v, int is_new)
{
	char today[11];
	date_today(today);
	json_t *defaults = NULL;
	if (!stored)
		stored = defaults = json_pack("{s:s, s:s}", "date", today, "housing_related", "1");
	form_view(r, incident_form(r, is_new), v, stored);
	json_decref(defaults);
	if (r->user.role != ROLE_LANDLORD)
		json_object_set_new(json_object_get(json_object_get(r->view, "f"), "landlord_text"), "hint",
		    json_string("Syns för fastighetskontoret när händelsen rör boendet. Skriv inget om vård, hälsa eller missbruk här."));
}

struct incident_input {
	const char *kind, *date, *reported_by, *landlord_text, *action_taken, *resolved_date, *internal_note;
	long long housing_related;
	struct fvals *v;
};

/* Reads and validates the form (errors in the view). */
static void read_input(struct req *r, struct incident_input *in, const char *move_in, int is_new)
{
	char today[11];
	date_today(today);
	struct fvals *v = in->v = form_read(r, incident_form(r, is_new));
	in->kind = fv_str(v, "kind");
	in->date = fv_str(v, "date");
	in->reported_by = fv_text(v, "reported_by");
	in->landlord_text = fv_str(v, "landlord_text");
	in->action_taken = fv_text(v, "action_taken");
	in->resolved_date = fv_str(v, "resolved_date");
	in->internal_note = fv_text(v, "internal_note");
	in->housing_related = r->user.role == ROLE_LANDLORD ? 1 : !str_eq(fv_str(v, "housing_related"), "0");
	if (in->date && strcmp(in->date, today) > 0)
		view_error(r, "date", "Datumet kan inte vara i framtiden.");
	else if (in->date && move_in && strcmp(in->date, move_in) < 0)
		view_error(r, "date", "Datumet är före inflyttningen.");
	if (in->resolved_date && in->date && strcmp(in->resolved_date, in->date) < 0)
		view_error(r, "resolved_date", "Löst datum kan inte vara före händelsen.");
}

/* The tenancy an incident is reported in (viewer's scope), or NULL. */
static json_t *tenancy_for(struct req *r, long long id)
{
	static const char sql[] =
	    "SELECT t.id, t.person_id, t.move_in_date, t.end_date, a.address, p.first_name || ' ' || p.last_name AS tenant "
	    "FROM tenancies t JOIN apartments a ON a.id = t.apartment_id JOIN persons p ON p.id = t.person_id "
	    "WHERE t.id = :id AND " SCOPE_TENANCY("t");
	return scope_row(sql, r, id);
}

static void new_view(struct req *r, json_t *t, const struct fvals *v)
{
	json_object_set_new(r->view, "tenancy", t);
	json_object_set_new(r->view, "title", json_string("Ny händelse"));
	json_object_set_new(r->view, "action", json_string(arena_printf(&r->arena, "/tenancies/%lld/incidents",
	    (long long)json_integer_value(json_object_get(t, "id")))));
	incident_fields(r, NULL, v, 1);
}

/* GET /tenancies/{id}/incidents/new */
int incident_new_form(struct req *r)
{
	json_t *t = tenancy_for(r, r->params[0]);
	if (!t)
		return http_fail(r, 404, "Boendet finns inte eller ingår inte i det du har tillgång till.");
	new_view(r, t, NULL);
	return 200;
}

/* POST /tenancies/{id}/incidents */
int incident_create(struct req *r)
{
	static const char sql[] =
	    "INSERT INTO incidents(tenancy_id, kind, date, reported_by, housing_related, landlord_text, action_taken, "
	    "internal_note, resolved_date, created_at, created_by, updated_at, updated_by) "
	    "VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
	long long tid = r->params[0];
	json_t *t = tenancy_for(r, tid);
	if (!t)
		return http_fail(r, 404, "Boendet finns inte eller ingår inte i det du har tillgång till.");
	struct incident_input in;
	read_input(r, &in, json_string_value(json_object_get(t, "move_in_date")), 1);
	long long person_id = json_integer_value(json_object_get(t, "person_id"));
	if (view_has_errors(r)) {
		new_view(r, t, in.v);
		return 400;
	}
	json_decref(t);
	long long now = now_unix();
	long long id = audit_insert(r->user.id, "incident", person_id, sql, "itttittteiiii", tid, in.kind, in.date,
	    in.reported_by, in.housing_related, in.landlord_text, in.action_taken,
	    r->user.role == ROLE_LANDLORD ? "" : in.internal_note, in.resolved_date,
	    now, r->user.id, now, r->user.id);
	if (id < 0)
		return http_fail(r, 500, NULL);
	return http_redirect_done(r, arena_printf(&r->arena, "/incidents/%lld", id), DONE_INCIDENT_CREATED);
}

static json_t *incident_load(struct req *r, long long id)
{
	static const char sql[] = "SELECT " INCIDENT_COLS ", t.move_in_date " INCIDENT_FROM
	    "WHERE i.id = :id AND " SCOPE_INCIDENT("i", "t");
	json_t *o = scope_row(sql, r, id);
	if (o) {
		json_t *one = json_pack("[O]", o);
		incident_label_rows(one);
		json_decref(one);
	}
	return o;
}

static void page_view(struct req *r, json_t *inc, const struct fvals *v)
{
	json_object_set_new(r->view, "incident", inc);
	json_object_set_new(r->view, "title", json_string(arena_printf(&r->arena, "Händelse: %s",
	    json_string_value(json_object_get(inc, "kind_label")))));
	int can_edit = view_may(r, "can_edit", 1, "POST", "/incidents/%lld", (long long)json_integer_value(json_object_get(inc, "id")));
	if (can_edit) {
		json_object_set_new(r->view, "action", json_string(arena_printf(&r->arena, "/incidents/%lld",
		    (long long)json_integer_value(json_object_get(inc, "id")))));
		incident_fields(r, inc, v, 0);
		if (!json_object_get(r->view, "version"))
			json_object_set_new(r->view, "version", json_integer(json_integer_value(json_object_get(inc, "version"))));
	}
}

/* GET /incidents/{id} */
int incident_page(struct req *r)
{
	json_t *inc = incident_load(r, r->params[0]);
	if (!inc)
		return http_fail(r, 404, "Händelsen finns inte eller ingår inte i det du har tillgång till.");
	long long person_id = json_integer_value(json_object_get(inc, "person_id"));
	page_view(r, inc, NULL);
	if (audit_log(r->user.id, "read", "incident", r->params[0], person_id) < 0)
		return http_fail(r, 500, NULL);
	return 200;
}

/* POST /incidents/{id} : update (version-checked); the landlord office
 * cannot touch the internal note or the housing-related flag */
int incident_update(struct req *r)
{
	static const char case_sql[] =
	    "UPDATE incidents SET kind = ?, date = ?, reported_by = ?, landlord_text = ?, action_taken = ?, resolved_date = ?, "
	    "housing_related = ?, internal_note = ?, version = version + 1, updated_at = ?, updated_by = ? "
	    "WHERE id = ? AND version = ?";
	static const char landlord_sql[] =
	    "UPDATE incidents SET kind = ?, date = ?, reported_by = ?, landlord_text = ?, action_taken = ?, resolved_date = ?, "
	    "version = version + 1, updated_at = ?, updated_by = ? WHERE id = ? AND version = ? AND housing_related = 1";
	long long id = r->params[0];
	json_t *inc = incident_load(r, id);
	if (!inc)
		return http_fail(r, 404, "Händelsen finns inte eller ingår inte i det du har tillgång till.");
	struct incident_input in;
	read_input(r, &in, json_string_value(json_object_get(inc, "move_in_date")), 0);
	long long person_id = json_integer_value(json_object_get(inc, "person_id"));
	long long version = parse_id(http_param(r, "version"));
	json_object_set_new(r->view, "version", json_integer(version));
	if (view_has_errors(r)) {
		page_view(r, inc, in.v);
		return 400;
	}
	long long now = now_unix();
	int rc = r->user.role == ROLE_LANDLORD ?
	    audit_update(r->user.id, "incident", id, person_id, landlord_sql, "ttttteiiii", in.kind, in.date,
	        in.reported_by, in.landlord_text, in.action_taken, in.resolved_date, now, r->user.id, id, version) :
	    audit_update(r->user.id, "incident", id, person_id, case_sql, "ttttteitiiii", in.kind, in.date,
	        in.reported_by, in.landlord_text, in.action_taken, in.resolved_date, in.housing_related, in.internal_note,
	        now, r->user.id, id, version);
	if (rc == 0) {
		json_object_set_new(r->view, "version", json_integer(json_integer_value(json_object_get(inc, "version"))));
		form_conflict(r, incident_form(r, 0), inc, "kind", "händelsen", NULL);
		page_view(r, inc, in.v);
		return 409;
	}
	json_decref(inc);
	if (rc < 0)
		return http_fail(r, 500, NULL);
	return http_redirect_done(r, arena_printf(&r->arena, "/incidents/%lld", id), DONE_INCIDENT_SAVED);
}

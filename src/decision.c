/* decision.c - the two linked decisions (housing: hjälp med
 * bostadsanskaffning; support: stödinsats), each its own record with its
 * own outcome (beviljat or avslag), made together on one form when the
 * team said yes; verkställighet; review (omprövning) of one decision into
 * a new one that replaces it; the list of decisions due for review.
 * Ending a decision, the letter and the unenforced list: decision_end.c.
 * migrations/0013_decisions.sql describes the model. */
#include "audit.h"
#include "date.h"
#include "db.h"
#include "decision.h"
#include "formdef.h"
#include "handlers.h"
#include "person.h"
#include "referral.h"
#include "scope.h"
#include "transfer.h"

#include <stdio.h>
#include <string.h>

#define DECISION_MONTHS 18

static const char default_clause[] =
    "Besluten fattas för 18 månader med omprövningsförbehåll. Besluten kan omprövas om förhållandena "
    "ändras väsentligt, och ska omprövas senast när beslutsperioden löper ut.";
static const char not_found[] = "Beslutet finns inte eller ingår inte i det du har tillgång till.";

static const char *const kinds[] = { "housing", "support", NULL };
static const char *const kind_labels[] = { "Hjälp med bostadsanskaffning – Bostad först", "Stödinsats Bostad först", NULL };
static const char *const outcomes[] = { "granted", "refused", NULL };
static const char *const outcome_labels[] = { "Beviljat", "Avslag", NULL };
static const char *const states[] = { "in_force", "effective", "ended", "replaced", "expired", NULL };
static const char *const state_labels[] = { "Gällande", "Verkställt", "Avslutat", "Ersatt vid omprövning",
	"Beslutsperioden har löpt ut", NULL };
static const char *const end_reasons[] = { "goal_reached", "declined", "moved", "deceased", "other", NULL };
static const char *const end_labels[] = { "Målet uppnått", "Brukaren avböjer", "Flyttat", "Avliden", "Annat", NULL };

void decision_labels(json_t *row)
{
	const char *kind = json_string_value(json_object_get(row, "kind"));
	const char *outcome = json_string_value(json_object_get(row, "outcome"));
	const char *state = json_string_value(json_object_get(row, "state"));
	json_object_set_new(row, "kind_label", json_string(label_of(kinds, kind_labels, kind)));
	json_object_set_new(row, "is_support", json_boolean(str_eq(kind, "support")));
	json_object_set_new(row, "outcome_label", json_string(label_of(outcomes, outcome_labels, outcome)));
	json_object_set_new(row, "refused", json_boolean(str_eq(outcome, "refused")));
	json_object_set_new(row, "state_label", json_string(str_eq(outcome, "refused") && str_eq(state, "in_force") ?
	    "Gällande avslag" : label_of(states, state_labels, state)));
	json_object_set_new(row, "end_reason_label", json_string(label_of(end_reasons, end_labels,
	    json_string_value(json_object_get(row, "end_reason")))));
	json_object_set_new(row, "support_label", json_string(
	    str_eq(json_string_value(json_object_get(row, "support_kind")), "external") ? "externt" : "internt"));
	/* an avslag that stands has no state of its own to show beside "Avslag" */
	json_object_set_new(row, "show_state", json_boolean(!(str_eq(outcome, "refused") && str_eq(state, "in_force"))));
}

json_t *decision_rows(dbstmt *st)
{
	json_t *rows = db_rows_json(st, 0, NULL);
	size_t i;
	json_t *x;
	json_array_foreach(rows, i, x)
		decision_labels(x);
	return rows;
}

/* One decision of the form: its outcome and motivering. */
struct part {
	const char *outcome, *motivering;
};

struct decision_input {
	const char *decision_date, *start_date, *end_date, *review_clause, *support_kind, *provider, *effective;
	struct part housing, support;
};

/* The description of the decision form (src/formdefs.c): both decisions
 * (made) or one kind (reviewed). */
static const struct formdef *decision_def(int housing, int support)
{
	return formdef_find(housing && support ? "decision_new" : housing ? "decision_review_housing" :
	    "decision_review_support");
}

/* Reads prefix_outcome and prefix_motivering from v (a missing outcome
 * is beviljat, the form's default); an avslag needs a motivering. Errors
 * to view. */
static void read_part(struct req *r, const struct fvals *v, const char *prefix, struct part *p)
{
	const char *of = arena_printf(&r->arena, "%s_outcome", prefix), *mf = arena_printf(&r->arena, "%s_motivering", prefix);
	p->outcome = fv_str(v, of);
	p->motivering = fv_text(v, mf);
	if (!p->outcome)
		p->outcome = "granted";
	if (!strcmp(p->outcome, "refused") && !*p->motivering && !view_has_field_error(r, mf))
		view_error(r, mf, "Skriv motiveringen till avslaget. Den står i beslutsmeddelandet.");
}

/* The per-decision parts of the form (view.parts: id, legend, support),
 * whose fields the template places from view.f. */
static void parts_view(struct req *r, int housing, int support)
{
	json_t *parts = json_array();
	if (housing)
		json_array_append_new(parts, json_pack("{s:s, s:s, s:b}", "id", "part-housing",
		    "legend", "1. Hjälp med bostadsanskaffning – Bostad först", "support", 0));
	if (support)
		json_array_append_new(parts, json_pack("{s:s, s:s, s:b}", "id", "part-support",
		    "legend", "2. Stödinsats Bostad först", "support", 1));
	json_object_set_new(r->view, "parts", parts);
}

/* Reads and checks the decision form (the parts wanted) through its
 * description; builds the fields showing what was typed; errors at the
 * fields. Returns the values read (arena-owned). */
static struct fvals *read_decision_input(struct req *r, struct decision_input *in, int housing, int support)
{
	const struct formdef *def = decision_def(housing, support);
	struct fvals *v = form_read(r, def);
	memset(in, 0, sizeof *in);
	in->decision_date = fv_str(v, "decision_date");
	in->start_date = fv_str(v, "start_date");
	in->end_date = fv_str(v, "end_date");
	in->review_clause = fv_str(v, "review_clause");
	in->support_kind = support ? fv_str(v, "support_kind") : "internal";
	in->provider = support ? fv_text(v, "provider") : "";
	in->effective = support ? fv_str(v, "support_effective_date") : NULL;
	if (in->start_date && !in->end_date && !view_has_field_error(r, "end_date")) {
		char *end = arena_alloc(&r->arena, 11);
		date_add_months(in->start_date, DECISION_MONTHS, end);
		in->end_date = end;
	}
	if (housing)
		read_part(r, v, "housing", &in->housing);
	if (support)
		read_part(r, v, "support", &in->support);
	if (in->start_date && in->end_date && strcmp(in->end_date, in->start_date) <= 0)
		view_error(r, "end_date", "Slutdatum måste vara efter startdatum.");
	if (support) {
		char today[11];
		date_today(today);
		int refused = str_eq(in->support.outcome, "refused");
		if (str_eq(in->support_kind, "external") && !refused && !*in->provider && !view_has_field_error(r, "provider"))
			view_error(r, "provider", "Ange utförarens namn för en extern stödinsats.");
		if (in->effective && refused)
			view_error(r, "support_effective_date", "Ett avslag verkställs inte. Lämna datumet tomt.");
		else if (in->effective && strcmp(in->effective, today) > 0)
			view_error(r, "support_effective_date",
			    "Registrera verkställigheten när den har skett; datumet kan inte vara i framtiden.");
	}
	parts_view(r, housing, support);
	form_view(r, def, v, NULL);
	return v;
}

/* The form of a new decision starting today (or a review of one kind),
 * with support_kind and provider as given. */
static void default_form(struct req *r, const char *kind, const char *provider, int housing, int support)
{
	char today[11], end[11];
	date_today(today);
	date_add_months(today, DECISION_MONTHS, end);
	json_t *stored = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}",
	    "decision_date", today, "start_date", today, "end_date", end, "review_clause", default_clause,
	    "support_kind", kind ? kind : "internal", "provider", provider ? provider : "", "support_effective_date", "",
	    "housing_outcome", "granted", "support_outcome", "granted", "housing_motivering", "", "support_motivering", "");
	parts_view(r, housing, support);
	form_view(r, decision_def(housing, support), NULL, stored);
	json_decref(stored);
}

/* The newest admin text of kind ("legal_basis", "appeal"), in the arena;
 * "" when none. */
static const char *current_text(struct req *r, const char *kind)
{
	static const char sql[] = "SELECT text FROM decision_texts WHERE kind = ? ORDER BY id DESC LIMIT 1";
	dbstmt *st = db_stmt(sql);
	const char *s = "";
	if (!st)
		return s;
	db_bind_text(st, 1, kind, -1);
	if (db_step(st) == DB_ROW)
		s = arena_printf(&r->arena, "%s", db_col_text(st, 0));
	db_done(st);
	return s;
}

/* Inserts one decision of kind with part p; the letter's texts are the
 * admin's current ones (the snapshot). pair 0: the pair is set later.
 * Returns its id or -1. Inside a transaction. */
static long long insert_decision(struct req *r, const char *kind, long long pair, long long person_id,
    long long referral_id, long long district_id, const struct decision_input *in, const struct part *p,
    long long replaces)
{
	static const char sql[] =
	    "INSERT INTO decisions(person_id, referral_id, district_id, decision_date, start_date, end_date, "
	    "review_clause, support_kind, provider, support_effective_date, replaces_id, decided_by, "
	    "created_at, created_by, updated_at, updated_by, kind, outcome, motivering, pair_id, legal_basis, appeal_text, "
	    "effective_at) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
	    "CASE WHEN ?10 IS NOT NULL THEN ?13 END)";
	dbstmt *st = db_stmt(sql);
	if (!st)
		return -1;
	long long now = now_unix();
	int support = !strcmp(kind, "support"), refused = !strcmp(p->outcome, "refused");
	db_bindf(st, "iiitttttteiiiiiitttitt", person_id, referral_id, district_id, in->decision_date, in->start_date,
	    in->end_date, in->review_clause, support && !refused ? in->support_kind : "internal",	/* an avslag is not carried out */
	    support && !refused && in->provider ? in->provider : "", support && !refused ? in->effective : NULL,
	    replaces, r->user.id, now, r->user.id, now, r->user.id, kind, p->outcome, p->motivering ? p->motivering : "",
	    pair, current_text(r, "legal_basis"), refused ? current_text(r, "appeal") : "");
	if (!referral_id)
		db_bind_null(st, 2);
	if (!replaces)
		db_bind_null(st, 11);
	if (!pair)
		db_bind_null(st, 20);
	if (db_write(st, NULL) != DB_DONE)
		return -1;
	return db_last_id();
}

/* Loads the referral a decision is made from, if visible. */
static json_t *load_referral_for_decision(struct req *r, long long id)
{
	static const char sql[] =
	    "SELECT f.id, f.person_id, f.district_id, f.state, f.version, f.final_answer, "
	    "p.first_name || ' ' || p.last_name AS person_name "
	    "FROM referrals f JOIN persons p ON p.id = f.person_id WHERE f.id = :id AND " SCOPE_REFERRAL("f");
	return scope_row(sql, r, id);
}

/* Answers 409 unless the referral is approved by the team. */
static int require_approved(struct req *r, json_t *ref, long long id)
{
	if (str_eq(json_string_value(json_object_get(ref, "state")), "approved"))
		return 0;
	r->back = arena_printf(&r->arena, "/referrals/%lld", id);
	return http_fail(r, 409, "Besluten kan fattas först när Bostad först-teamet har svarat att de kan tillgodose behoven.");
}

/* GET /referrals/{id}/decisions/new */
int decision_new_form(struct req *r)
{
	long long id = r->params[0];
	json_t *ref = load_referral_for_decision(r, id);
	if (!ref)
		return http_fail(r, 404, "Remissen finns inte eller ingår inte i det du har tillgång till.");
	int rc = require_approved(r, ref, id);
	json_object_set_new(r->view, "referral", ref);
	if (rc)
		return rc;
	json_object_set_new(r->view, "title", json_string("Fatta beslut"));
	json_object_set_new(r->view, "action", json_string(arena_printf(&r->arena, "/referrals/%lld/decisions", id)));
	default_form(r, "internal", "Bostad först SRF", 1, 1);
	json_object_set_new(r->view, "version", json_integer(json_integer_value(json_object_get(ref, "version"))));
	return 200;
}

/* POST /referrals/{id}/decisions : both decisions (each granted or
 * refused), linked as a pair; referral -> decided */
int decision_create(struct req *r)
{
	long long id = r->params[0];
	json_t *ref = load_referral_for_decision(r, id);
	if (!ref)
		return http_fail(r, 404, "Remissen finns inte eller ingår inte i det du har tillgång till.");
	json_object_set_new(r->view, "referral", ref);
	int rc = require_approved(r, ref, id);
	if (rc)
		return rc;
	long long version = parse_id(http_param(r, "version"));
	struct decision_input in;
	read_decision_input(r, &in, 1, 1);
	json_object_set_new(r->view, "title", json_string("Fatta beslut"));
	json_object_set_new(r->view, "action", json_string(arena_printf(&r->arena, "/referrals/%lld/decisions", id)));
	json_object_set_new(r->view, "version", json_integer(version));
	if (view_has_errors(r))
		return 400;
	long long pid = json_integer_value(json_object_get(ref, "person_id"));
	long long district = json_integer_value(json_object_get(ref, "district_id"));
	if (db_begin() < 0)
		return http_fail(r, 500, NULL);
	long long hid = insert_decision(r, "housing", 0, pid, id, district, &in, &in.housing, 0);
	long long sid = hid < 0 ? -1 : insert_decision(r, "support", hid, pid, id, district, &in, &in.support, 0);
	struct ref_step step = { .date = in.decision_date };
	rc = sid < 0 || db_execf("UPDATE decisions SET pair_id = ? WHERE id = ?", "ii", hid, hid) < 0 ? -1 :
	    referral_apply_step(r, id, "decide", "approved", "decided", version, &step);
	if (rc == 409) {	/* the referral changed (or was decided) in another tab */
		db_rollback();
		json_t *now = load_referral_for_decision(r, id);
		if (now) {
			json_object_set_new(r->view, "version", json_integer(json_integer_value(json_object_get(now, "version"))));
			json_decref(now);
		}
		return form_conflict(r, decision_def(1, 1), NULL, "decision_date", "remissen", NULL);
	}
	if (rc < 0 || audit_log(r->user.id, "create", "decision", hid, pid) < 0 ||
	    audit_log(r->user.id, "create", "decision", sid, pid) < 0 || db_commit() < 0) {
		db_rollback();
		return http_fail(r, 500, NULL);
	}
	/* to the support decision: its uppdrag is the next thing to write */
	return http_redirect_done(r, arena_printf(&r->arena, "/decisions/%lld", sid), DONE_DECISIONS_MADE);
}

/* Loads decision id if visible (with state and labels); NULL otherwise. */
static json_t *decision_load(struct req *r, long long id)
{
	static const char sql[] =
	    "SELECT d.*, " DECISION_STATE("d") " AS state, p.first_name || ' ' || p.last_name AS person_name, "
	    "p.personnummer, p.address AS person_address, di.name AS district, "
	    "u.name AS decided_by_name, a.id AS assignment_id, e.name AS ended_by_name "
	    "FROM decisions d JOIN persons p ON p.id = d.person_id JOIN districts di ON di.id = d.district_id "
	    "LEFT JOIN users u ON u.id = d.decided_by LEFT JOIN assignments a ON a.decision_id = d.id "
	    "LEFT JOIN users e ON e.id = d.ended_by "
	    "WHERE d.id = :id AND " SCOPE_DECISION("d");
	json_t *o = scope_row(sql, r, id);
	if (o)
		decision_labels(o);
	return o;
}

/* The other decision of d's pair: the current one of the other kind (not
 * replaced; else the newest of that kind); when d itself is replaced, the
 * one of the other kind that stood beside it (the newest made before d was
 * replaced), so an old decision whose both halves were reviewed names its
 * own other half, shown "Ersatt". [] or one row. New reference. */
static json_t *linked_decisions(json_t *d)
{
	static const char sql[] =
	    "SELECT x.id, x.kind, x.outcome, x.start_date, x.end_date, x.support_kind, x.provider, x.ended_on, "
	    "x.end_reason, x.support_effective_date, " DECISION_STATE("x") " AS state FROM decisions x "
	    "WHERE x.id = (SELECT y.id FROM decisions y WHERE y.pair_id = ?1 AND y.kind <> ?3 AND y.id <> ?2 "
	    " AND (?4 IS NULL OR y.created_at <= ?4) "
	    " ORDER BY CASE WHEN ?4 IS NULL THEN CASE WHEN y.replaced_by_id IS NULL THEN 1 ELSE 0 END ELSE 0 END DESC, y.id DESC LIMIT 1)";
	dbstmt *st = db_stmt(sql);
	if (!st)
		return NULL;
	db_bindf(st, "iit", (long long)json_integer_value(json_object_get(d, "pair_id")),
	    (long long)json_integer_value(json_object_get(d, "id")), json_string_value(json_object_get(d, "kind")));
	json_t *replaced_at = json_object_get(d, "replaced_at");
	if (json_object_get(d, "replaced_by_id") && json_is_integer(replaced_at))
		db_bind_int64(st, 4, json_integer_value(replaced_at));
	else
		db_bind_null(st, 4);
	return decision_rows(st);
}

/* Fills the view of the decision page for decision id (visible: checked
 * by the caller's load), the effective form showing v (what was typed on a
 * refused POST) or today. Returns status, or an http_fail status. */
static int decision_show(struct req *r, long long id, const struct fvals *v, int status)
{
	json_t *d = decision_load(r, id);
	if (!d)
		return http_fail(r, 404, not_found);
	/* after a transfer: the district it was made in, not the one now */
	json_t *transfers = transfer_history(json_integer_value(json_object_get(d, "person_id")));
	if (transfers) {
		json_t *one = json_pack("[O]", d);
		transfer_label_districts(one, "created_at", transfers);
		json_decref(one);
		json_decref(transfers);
	}
	const char *state = json_string_value(json_object_get(d, "state"));
	int open = str_eq(state, "in_force") || str_eq(state, "effective");
	int granted = str_eq(json_string_value(json_object_get(d, "outcome")), "granted");
	int support = str_eq(json_string_value(json_object_get(d, "kind")), "support");
	json_t *who = db_row_for("SELECT weeded_on FROM persons WHERE id = ?", json_integer_value(json_object_get(d, "person_id")));
	int live = who && !json_object_get(who, "weeded_on");
	json_decref(who);
	view_may(r, "can_effect", live && open && granted && support && !json_object_get(d, "support_effective_date"),
	    "POST", "/decisions/%lld/effective", id);
	view_may(r, "can_review", live && !json_object_get(d, "replaced_by_id") && !json_object_get(d, "ended_on"),
	    "POST", "/decisions/%lld/review", id);
	view_may(r, "can_end", live && open && granted, "POST", "/decisions/%lld/end", id);
	view_may(r, "can_assign", live && open && granted && support, "POST", "/decisions/%lld/assignment", id);
	json_object_set_new(r->view, "title", json_string(json_string_value(json_object_get(d, "kind_label"))));
	char today[11];
	date_today(today);
	json_object_set_new(r->view, "today", json_string(today));
	json_t *defaults = json_pack("{s:s}", "date", today);
	form_view(r, formdef_find("decision_effective"), v, defaults);
	json_decref(defaults);
	json_t *linked = linked_decisions(d);
	if (!linked) {
		json_decref(d);
		return http_fail(r, 500, NULL);
	}
	json_object_set_new(r->view, "linked", linked);
	long long pid = json_integer_value(json_object_get(d, "person_id"));
	/* the JSON answer names the decision at the top too */
	json_object_set(r->view, "id", json_object_get(d, "id"));
	json_object_set(r->view, "kind", json_object_get(d, "kind"));
	json_object_set(r->view, "outcome", json_object_get(d, "outcome"));
	json_object_set(r->view, "state", json_object_get(d, "state"));
	json_object_set_new(r->view, "decision", d);
	if (audit_log(r->user.id, "read", "decision", id, pid) < 0)
		return http_fail(r, 500, NULL);
	return status;
}

/* GET /decisions/{id} : the decision, its linked decision, history links,
 * what the social worker may do; audited read */
int decision_page(struct req *r)
{
	return decision_show(r, r->params[0], NULL, 200);
}

/* POST /decisions/{id}/effective : a granted support decision put into
 * effect (verkställd) on a date not in the future; errors at the field on
 * the decision page, a stale page in the one conflict shape */
int decision_effective(struct req *r)
{
	static const char sql[] = "UPDATE decisions SET support_effective_date = ?, effective_at = ?, version = version + 1, "
	    "updated_at = ?, updated_by = ? WHERE id = ? AND version = ? AND replaced_by_id IS NULL "
	    "AND outcome = 'granted' AND ended_on IS NULL AND support_effective_date IS NULL";
	const struct formdef *def = formdef_find("decision_effective");
	long long id = r->params[0];
	json_t *d = decision_load(r, id);
	if (!d)
		return http_fail(r, 404, not_found);
	long long pid = json_integer_value(json_object_get(d, "person_id"));
	json_decref(d);
	struct fvals *v = form_read(r, def);
	const char *date = fv_str(v, "date");
	char today[11];
	date_today(today);
	if (date && strcmp(date, today) > 0)
		view_error(r, "date", "Registrera verkställigheten när den har skett; datumet kan inte vara i framtiden.");
	if (view_has_errors(r))
		return decision_show(r, id, v, 400);
	long long version = parse_id(http_param(r, "version"));
	long long now = now_unix();
	int rc = audit_update(r->user.id, "decision", id, pid, sql, "tiiiii", date, now, now, r->user.id, id, version);
	if (rc == 0) {	/* what is saved now: the date someone else registered, if any */
		json_t *cur = decision_load(r, id);
		json_t *stored = json_pack("{s:s}", "date", cur && json_is_string(json_object_get(cur, "support_effective_date")) ?
		    json_string_value(json_object_get(cur, "support_effective_date")) : "");
		form_conflict(r, def, stored, "date", "beslutet", NULL);
		json_decref(stored);
		json_decref(cur);
		return decision_show(r, id, v, 409);
	}
	if (rc < 0)
		return http_fail(r, 500, NULL);
	return http_redirect_done(r, arena_printf(&r->arena, "/decisions/%lld", id), DONE_SUPPORT_EFFECTIVE);
}

/* The review form's title, action and the old decision's version. */
static void review_view(struct req *r, long long id, long long version, json_t *d)
{
	json_object_set_new(r->view, "title", json_string(arena_printf(&r->arena, "Ompröva beslutet: %s",
	    json_string_value(json_object_get(d, "kind_label")))));
	json_object_set_new(r->view, "review", json_true());
	json_object_set_new(r->view, "action", json_string(arena_printf(&r->arena, "/decisions/%lld/review", id)));
	json_object_set_new(r->view, "version", json_integer(version));
}

/* The one conflict shape for a review sent from a stale page (d reviewed,
 * ended or changed since): what d holds now beside the form as typed
 * (built before). Returns 409. */
static int review_conflict(struct req *r, json_t *d, int support)
{
	/* reviewed in the meantime: what stands now is the newest decision of
	 * the chain, and "spara igen" reviews that one with what was typed */
	json_t *newest = NULL;
	long long next = json_integer_value(json_object_get(d, "replaced_by_id"));
	for (int hops = 0; next && hops < 20; hops++) {
		json_t *n = decision_load(r, next);
		if (!n)
			break;
		json_decref(newest);
		newest = n;
		next = json_integer_value(json_object_get(n, "replaced_by_id"));
	}
	json_t *now_d = newest ? newest : d;
	const char *prefix = support ? "support" : "housing";
	json_object_set(now_d, arena_printf(&r->arena, "%s_outcome", prefix), json_object_get(now_d, "outcome"));
	json_object_set(now_d, arena_printf(&r->arena, "%s_motivering", prefix), json_object_get(now_d, "motivering"));
	json_object_set_new(r->view, "version", json_integer(json_integer_value(json_object_get(now_d, "version"))));
	const char *now = NULL;
	if (newest) {
		long long nid = json_integer_value(json_object_get(newest, "id"));
		review_view(r, nid, json_integer_value(json_object_get(newest, "version")), newest);
		now = arena_printf(&r->arena, "ett nytt beslut från omprövningen %s (det som visas här); sparar du igen "
		    "omprövas det nya beslutet med det du skrev", json_string_value(json_object_get(newest, "decision_date")));
	} else if (json_object_get(d, "ended_on")) {
		now = "ett avslutat beslut, som inte kan omprövas";
	}
	int rc = form_conflict(r, decision_def(!support, support), now_d, "decision_date", "beslutet", now);
	json_decref(newest);
	return rc;
}

/* Answers 409 when d cannot be reviewed (replaced or ended). */
static int review_blocked(struct req *r, json_t *d, long long id)
{
	int weeded = person_refuse_weeded(r, json_integer_value(json_object_get(d, "person_id")));
	if (weeded)
		return weeded;	/* 410: nothing is decided about a weeded person */
	if (!json_object_get(d, "replaced_by_id") && !json_object_get(d, "ended_on"))
		return 0;
	r->back = arena_printf(&r->arena, "/decisions/%lld", id);
	return http_fail(r, 409, json_object_get(d, "ended_on") ? "Beslutet är avslutat och kan inte omprövas." :
	    "Beslutet är redan omprövat.");
}

/* GET /decisions/{id}/review : a new decision of the same kind, prefilled */
int decision_review_form(struct req *r)
{
	long long id = r->params[0];
	json_t *d = decision_load(r, id);
	if (!d)
		return http_fail(r, 404, not_found);
	json_object_set_new(r->view, "previous", d);
	int rc = review_blocked(r, d, id);
	if (rc)
		return rc;
	int support = json_is_true(json_object_get(d, "is_support"));
	default_form(r, json_string_value(json_object_get(d, "support_kind")),
	    json_string_value(json_object_get(d, "provider")), !support, support);
	review_view(r, id, json_integer_value(json_object_get(d, "version")), d);
	return 200;
}

/* POST /decisions/{id}/review : a new decision of the same kind in the
 * same pair; the old one replaced (ersatt). The linked decision stays. */
int decision_review(struct req *r)
{
	static const char mark[] = "UPDATE decisions SET replaced_by_id = ?, replaced_at = ?, version = version + 1, "
	    "updated_at = ?, updated_by = ? WHERE id = ? AND version = ? AND replaced_by_id IS NULL AND ended_on IS NULL";
	long long id = r->params[0];
	json_t *d = decision_load(r, id);
	if (!d)
		return http_fail(r, 404, not_found);
	json_object_set_new(r->view, "previous", d);
	int weeded = person_refuse_weeded(r, json_integer_value(json_object_get(d, "person_id")));
	if (weeded)
		return weeded;
	int support = json_is_true(json_object_get(d, "is_support"));
	long long version = parse_id(http_param(r, "version"));
	struct decision_input in;
	read_decision_input(r, &in, !support, support);
	review_view(r, id, version, d);
	if (json_object_get(d, "replaced_by_id") || json_object_get(d, "ended_on") ||
	    version != json_integer_value(json_object_get(d, "version")))
		return review_conflict(r, d, support);
	if (view_has_errors(r))
		return 400;
	long long pid = json_integer_value(json_object_get(d, "person_id"));
	long long ref = json_integer_value(json_object_get(d, "referral_id"));
	if (db_begin() < 0)
		return http_fail(r, 500, NULL);
	long long nid = insert_decision(r, support ? "support" : "housing", json_integer_value(json_object_get(d, "pair_id")),
	    pid, ref, json_integer_value(json_object_get(d, "district_id")), &in, support ? &in.support : &in.housing, id);
	dbstmt *st = nid > 0 ? db_stmt(mark) : NULL;
	int changed = 0;
	int rc = DB_ERROR;
	if (st) {
		long long now = now_unix();
		db_bindf(st, "iiiiii", nid, now, now, r->user.id, id, version);
		rc = db_write(st, &changed);
	}
	if (rc == DB_DONE && !changed) {	/* changed between the check above and now */
		db_rollback();
		json_t *now = decision_load(r, id);
		if (!now)
			return http_fail(r, 404, not_found);
		json_object_set_new(r->view, "previous", now);
		return review_conflict(r, now, support);
	}
	if (rc != DB_DONE || audit_log(r->user.id, "create", "decision", nid, pid) < 0 ||
	    audit_log(r->user.id, "update", "decision", id, pid) < 0 || db_commit() < 0) {
		db_rollback();
		return http_fail(r, 500, NULL);
	}
	return http_redirect_done(r, arena_printf(&r->arena, "/decisions/%lld", nid), DONE_DECISIONS_REVIEWED);
}

json_t *decisions_due_rows(const struct req *r, int within_days, int limit)
{
	static const char sql[] =
	    "SELECT d.id, d.person_id, d.kind, p.first_name || ' ' || p.last_name AS person_name, di.name AS district, "
	    "d.start_date, d.end_date, days_between(date('now', 'localtime'), d.end_date) AS days_left "
	    "FROM decisions d JOIN persons p ON p.id = d.person_id JOIN districts di ON di.id = d.district_id "
	    "WHERE d.replaced_by_id IS NULL AND d.ended_on IS NULL AND d.outcome = 'granted' "
	    "AND d.end_date <= date('now', 'localtime', '+' || :within || ' days') "
	    "AND " SCOPE_DECISION("d") " ORDER BY d.end_date, d.id LIMIT :limit";
	dbstmt *st = db_stmt(sql);
	if (!st)
		return NULL;
	scope_bind(st, r);
	db_bind_named_int(st, ":within", within_days);
	db_bind_named_int(st, ":limit", limit);
	json_t *rows = db_rows_json(st, 0, NULL);
	size_t i;
	json_t *x;
	json_array_foreach(rows, i, x)
		json_object_set_new(x, "kind_label", json_string(label_of(kinds, kind_labels,
		    json_string_value(json_object_get(x, "kind")))));
	return rows;
}

/* GET /decisions?within=60 : decisions due for review */
int decisions_due(struct req *r)
{
	const char *within = http_param(r, "within");
	long long days = within && *within ? parse_id(within) : 60;
	json_object_set_new(r->view, "title", json_string("Beslut att ompröva"));
	json_object_set_new(r->view, "form", json_pack("{s:s}", "within", within ? within : "60"));
	if (!days || days > 3650) {
		view_error(r, "within", "Ange antal dagar som ett heltal, till exempel 60.");
		json_object_set_new(r->view, "rows", json_array());
		return 400;
	}
	json_t *rows = decisions_due_rows(r, (int)days, 500);
	if (!rows)
		return http_fail(r, 500, NULL);
	json_object_set_new(r->view, "rows", rows);
	json_object_set_new(r->view, "within", json_integer(days));
	view_count(r, r->view, "within", "dag", "dagar");
	return 200;
}

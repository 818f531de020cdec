/* decision.c - the two linked decisions (housing and support), made on one
 * form when the team said yes; verkställighet; review (omprövning) into a
 * new linked pair; the list of decisions due for review. */
#include "audit.h"
#include "date.h"
#include "db.h"
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

struct decision_input {
	const char *decision_date, *start_date, *end_date, *review_clause, *support_kind, *provider, *effective;
};

/* Reads and validates the decision form; fills view.form; errors to view. */
static void read_decision_input(struct req *r, struct decision_input *in)
{
	in->decision_date = http_param(r, "decision_date");
	in->start_date = http_param(r, "start_date");
	in->end_date = http_param(r, "end_date");
	in->review_clause = http_param(r, "review_clause");
	in->support_kind = http_param(r, "support_kind");
	in->provider = http_param(r, "provider");
	in->effective = http_param(r, "support_effective_date");
	if (valid_date(in->start_date) && (!in->end_date || !*in->end_date)) {
		char *end = arena_alloc(&r->arena, 11);
		date_add_months(in->start_date, DECISION_MONTHS, end);
		in->end_date = end;
	}
	json_object_set_new(r->view, "form", json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:b}",
	    "decision_date", in->decision_date ? in->decision_date : "",
	    "start_date", in->start_date ? in->start_date : "", "end_date", in->end_date ? in->end_date : "",
	    "review_clause", in->review_clause ? in->review_clause : "",
	    "support_kind", in->support_kind ? in->support_kind : "", "provider", in->provider ? in->provider : "",
	    "support_effective_date", in->effective ? in->effective : "",
	    "internal", in->support_kind && !strcmp(in->support_kind, "internal"),
	    "external", in->support_kind && !strcmp(in->support_kind, "external")));
	if (!valid_date(in->decision_date))
		view_error(r, "decision_date", "Ange beslutsdatum som ÅÅÅÅ-MM-DD.");
	if (!valid_date(in->start_date))
		view_error(r, "start_date", "Ange startdatum som ÅÅÅÅ-MM-DD.");
	if (!valid_date(in->end_date))
		view_error(r, "end_date", "Ange slutdatum som ÅÅÅÅ-MM-DD, eller lämna tomt för 18 månader.");
	else if (valid_date(in->start_date) && strcmp(in->end_date, in->start_date) <= 0)
		view_error(r, "end_date", "Slutdatum måste vara efter startdatum.");
	if (!in->review_clause || !*in->review_clause)
		view_error(r, "review_clause", "Skriv omprövningsförbehållet.");
	else if (strlen(in->review_clause) > 2000)
		view_error(r, "review_clause", "Omprövningsförbehållet får vara högst 2000 tecken.");
	if (!in->support_kind || (strcmp(in->support_kind, "internal") && strcmp(in->support_kind, "external")))
		view_error(r, "support_kind", "Välj om stödinsatsen är intern eller extern.");
	else if (!strcmp(in->support_kind, "external") && (!in->provider || !*in->provider))
		view_error(r, "provider", "Ange utförarens namn för en extern stödinsats.");
	if (in->provider && strlen(in->provider) > 200)
		view_error(r, "provider", "Utförarens namn får vara högst 200 tecken.");
	if (in->effective && *in->effective && !valid_date(in->effective))
		view_error(r, "support_effective_date", "Ange verkställighetsdatum som ÅÅÅÅ-MM-DD, eller lämna tomt.");
}

/* Default values for a new pair starting today. */
static void default_form(struct req *r, const char *kind, const char *provider)
{
	char today[11], end[11];
	date_today(today);
	date_add_months(today, DECISION_MONTHS, end);
	json_object_set_new(r->view, "form", json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:b}",
	    "decision_date", today, "start_date", today, "end_date", end, "review_clause", default_clause,
	    "support_kind", kind, "provider", provider, "support_effective_date", "",
	    "internal", !strcmp(kind, "internal"), "external", !strcmp(kind, "external")));
}

/* Inserts a pair. Returns its id or -1. Inside a transaction. */
static long long insert_decision(struct req *r, long long person_id, long long referral_id,
    long long district_id, const struct decision_input *in, long long replaces)
{
	static const char sql[] =
	    "INSERT INTO decisions(person_id, referral_id, district_id, decision_date, start_date, end_date, "
	    "review_clause, support_kind, provider, support_effective_date, replaces_id, decided_by, "
	    "created_at, created_by, updated_at, updated_by) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
	sqlite3_stmt *st = db_stmt(sql);
	if (!st)
		return -1;
	long long now = now_unix();
	db_bindf(st, "iiitttttteiiiiii", person_id, referral_id, district_id, in->decision_date, in->start_date,
	    in->end_date, in->review_clause, in->support_kind, in->provider ? in->provider : "", in->effective,
	    replaces, r->user.id, now, r->user.id, now, r->user.id);
	if (!referral_id)
		sqlite3_bind_null(st, 2);
	if (!replaces)
		sqlite3_bind_null(st, 11);
	if (db_write(st, NULL) != SQLITE_DONE)
		return -1;
	return sqlite3_last_insert_rowid(db());
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
	default_form(r, "internal", "Bostad först SRF");
	json_object_set_new(r->view, "version", json_integer(json_integer_value(json_object_get(ref, "version"))));
	return 200;
}

/* POST /referrals/{id}/decisions : both decisions, referral -> decided */
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
	read_decision_input(r, &in);
	json_object_set_new(r->view, "title", json_string("Fatta beslut"));
	json_object_set_new(r->view, "action", json_string(arena_printf(&r->arena, "/referrals/%lld/decisions", id)));
	json_object_set_new(r->view, "version", json_integer(version));
	if (view_has_errors(r))
		return 400;
	long long pid = json_integer_value(json_object_get(ref, "person_id"));
	if (db_begin() < 0)
		return http_fail(r, 500, NULL);
	long long did = insert_decision(r, pid, id, json_integer_value(json_object_get(ref, "district_id")), &in, 0);
	struct ref_step step = { .date = in.decision_date };
	rc = did < 0 ? -1 : referral_apply_step(r, id, "decide", "approved", "decided", version, &step);
	if (rc == 409) {
		db_rollback();
		r->back = arena_printf(&r->arena, "/referrals/%lld", id);
		return http_fail(r, 409, "Remissen har ändrats sedan du öppnade formuläret. Ingenting har sparats.");
	}
	if (rc < 0 || audit_log(r->user.id, "create", "decision", did, pid) < 0 || db_commit() < 0) {
		db_rollback();
		return http_fail(r, 500, NULL);
	}
	return http_redirect_done(r, arena_printf(&r->arena, "/decisions/%lld", did), DONE_DECISIONS_MADE);
}

/* Loads decision id if visible; NULL otherwise. */
static json_t *decision_load(struct req *r, long long id)
{
	static const char sql[] =
	    "SELECT d.*, p.first_name || ' ' || p.last_name AS person_name, p.personnummer, di.name AS district, "
	    "u.name AS decided_by_name, a.id AS assignment_id "
	    "FROM decisions d JOIN persons p ON p.id = d.person_id JOIN districts di ON di.id = d.district_id "
	    "LEFT JOIN users u ON u.id = d.decided_by LEFT JOIN assignments a ON a.decision_id = d.id "
	    "WHERE d.id = :id AND " SCOPE_DECISION("d");
	json_t *o = scope_row(sql, r, id);
	if (o) {
		const char *kind = json_string_value(json_object_get(o, "support_kind"));
		json_object_set_new(o, "support_label", json_string(!strcmp(kind, "internal") ? "intern" : "extern"));
	}
	return o;
}

/* GET /decisions/{id} : both decisions, history links; audited read */
int decision_page(struct req *r)
{
	long long id = r->params[0];
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
	int soc = r->user.role == ROLE_SOC;
	int replaced = json_object_get(d, "replaced_by_id") != NULL;
	json_object_set_new(r->view, "can_effect", json_boolean(soc && !replaced && !json_object_get(d, "support_effective_date")));
	json_object_set_new(r->view, "can_review", json_boolean(soc && !replaced));
	json_object_set_new(r->view, "can_assign", json_boolean(soc && !replaced));
	json_object_set_new(r->view, "title", json_string("Beslut"));
	char today[11];
	date_today(today);
	json_object_set_new(r->view, "today", json_string(today));
	long long pid = json_integer_value(json_object_get(d, "person_id"));
	json_object_set_new(r->view, "decision", d);
	if (audit_log(r->user.id, "read", "decision", id, pid) < 0)
		return http_fail(r, 500, NULL);
	return 200;
}

/* POST /decisions/{id}/effective : the support decision put into effect */
int decision_effective(struct req *r)
{
	static const char sql[] = "UPDATE decisions SET support_effective_date = ?, version = version + 1, "
	    "updated_at = ?, updated_by = ? WHERE id = ? AND version = ? AND replaced_by_id IS NULL";
	long long id = r->params[0];
	json_t *d = decision_load(r, id);
	if (!d)
		return http_fail(r, 404, not_found);
	long long pid = json_integer_value(json_object_get(d, "person_id"));
	json_decref(d);
	const char *date = http_param(r, "date");
	long long version = parse_id(http_param(r, "version"));
	r->back = arena_printf(&r->arena, "/decisions/%lld", id);
	if (!valid_date(date))
		return http_fail(r, 400, "Ange verkställighetsdatum som ÅÅÅÅ-MM-DD.");
	int rc = audit_update(r->user.id, "decision", id, pid, sql, "tiiii", date, now_unix(), r->user.id, id, version);
	if (rc == 0)
		return http_fail(r, 409, "Beslutet har ändrats sedan du öppnade sidan. Ladda om och försök igen.");
	if (rc < 0)
		return http_fail(r, 500, NULL);
	return http_redirect_done(r, arena_printf(&r->arena, "/decisions/%lld", id), DONE_SUPPORT_EFFECTIVE);
}

/* The review form's title, action and the old pair's version. */
static void review_view(struct req *r, long long id, long long version)
{
	json_object_set_new(r->view, "title", json_string("Ompröva beslut"));
	json_object_set_new(r->view, "review", json_true());
	json_object_set_new(r->view, "action", json_string(arena_printf(&r->arena, "/decisions/%lld/review", id)));
	json_object_set_new(r->view, "version", json_integer(version));
}

/* GET /decisions/{id}/review : a new pair prefilled from the old one */
int decision_review_form(struct req *r)
{
	long long id = r->params[0];
	json_t *d = decision_load(r, id);
	if (!d)
		return http_fail(r, 404, not_found);
	json_object_set_new(r->view, "previous", d);
	if (json_object_get(d, "replaced_by_id")) {
		r->back = arena_printf(&r->arena, "/decisions/%lld", id);
		return http_fail(r, 409, "Beslutet är redan omprövat.");
	}
	default_form(r, json_string_value(json_object_get(d, "support_kind")),
	    json_string_value(json_object_get(d, "provider")));
	review_view(r, id, json_integer_value(json_object_get(d, "version")));
	return 200;
}

/* POST /decisions/{id}/review : new linked pair, the old one replaced */
int decision_review(struct req *r)
{
	static const char mark[] = "UPDATE decisions SET replaced_by_id = ?, replaced_at = ?, version = version + 1, "
	    "updated_at = ?, updated_by = ? WHERE id = ? AND version = ? AND replaced_by_id IS NULL";
	long long id = r->params[0];
	json_t *d = decision_load(r, id);
	if (!d)
		return http_fail(r, 404, not_found);
	json_object_set_new(r->view, "previous", d);
	long long version = parse_id(http_param(r, "version"));
	struct decision_input in;
	read_decision_input(r, &in);
	review_view(r, id, version);
	if (view_has_errors(r))
		return 400;
	long long pid = json_integer_value(json_object_get(d, "person_id"));
	long long ref = json_integer_value(json_object_get(d, "referral_id"));
	if (db_begin() < 0)
		return http_fail(r, 500, NULL);
	long long nid = insert_decision(r, pid, ref, json_integer_value(json_object_get(d, "district_id")), &in, id);
	sqlite3_stmt *st = nid > 0 ? db_stmt(mark) : NULL;
	int changed = 0, rc = SQLITE_ERROR;
	if (st) {
		long long now = now_unix();
		db_bindf(st, "iiiiii", nid, now, now, r->user.id, id, version);
		rc = db_write(st, &changed);
	}
	if (rc == SQLITE_DONE && !changed) {
		db_rollback();
		r->back = arena_printf(&r->arena, "/decisions/%lld", id);
		return http_fail(r, 409, "Beslutet har redan omprövats eller ändrats av någon annan. Ingenting har sparats.");
	}
	if (rc != SQLITE_DONE || audit_log(r->user.id, "create", "decision", nid, pid) < 0 ||
	    audit_log(r->user.id, "update", "decision", id, pid) < 0 || db_commit() < 0) {
		db_rollback();
		return http_fail(r, 500, NULL);
	}
	return http_redirect_done(r, arena_printf(&r->arena, "/decisions/%lld", nid), DONE_DECISIONS_REVIEWED);
}

json_t *decisions_due_rows(const struct req *r, int within_days, int limit)
{
	static const char sql[] =
	    "SELECT d.id, d.person_id, p.first_name || ' ' || p.last_name AS person_name, di.name AS district, "
	    "d.start_date, d.end_date, days_between(date('now', 'localtime'), d.end_date) AS days_left "
	    "FROM decisions d JOIN persons p ON p.id = d.person_id JOIN districts di ON di.id = d.district_id "
	    "WHERE d.replaced_by_id IS NULL AND d.end_date <= date('now', 'localtime', '+' || :within || ' days') "
	    "AND " SCOPE_DECISION("d") " ORDER BY d.end_date, d.id LIMIT :limit";
	sqlite3_stmt *st = db_stmt(sql);
	if (!st)
		return NULL;
	scope_bind(st, r);
	db_bind_named_int(st, ":within", within_days);
	db_bind_named_int(st, ":limit", limit);
	return db_rows_json(st, 0, NULL);
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

/* transfer.c - moving a person to another stadsdel (see transfer.h). */
#include "transfer.h"
#include "audit.h"
#include "date.h"
#include "db.h"
#include "district.h"
#include "form.h"
#include "formdef.h"
#include "handlers.h"
#include "person.h"
#include "util.h"

#include <stdio.h>
#include <string.h>

json_t *transfer_history(long long person_id)
{
	static const char sql[] =
	    "SELECT x.id, x.date, x.created_at, fd.name AS from_district, td.name AS to_district, u.name AS by_name "
	    "FROM person_transfers x JOIN districts fd ON fd.id = x.from_district_id "
	    "JOIN districts td ON td.id = x.to_district_id LEFT JOIN users u ON u.id = x.created_by "
	    "WHERE x.person_id = ? ORDER BY x.created_at, x.id";
	return db_rows_for(sql, person_id);
}

void transfer_label_districts(json_t *rows, const char *at_key, json_t *transfers)
{
	size_t nt = json_array_size(transfers);
	if (!nt)
		return;
	size_t i;
	json_t *e;
	json_array_foreach(rows, i, e) {
		json_int_t at = json_integer_value(json_object_get(e, at_key));
		/* before the first transfer: the district it left */
		const char *name = json_string_value(json_object_get(json_array_get(transfers, 0), "from_district"));
		for (size_t k = 0; k < nt; k++) {
			json_t *x = json_array_get(transfers, k);
			if (json_integer_value(json_object_get(x, "created_at")) > at)
				break;
			name = json_string_value(json_object_get(x, "to_district"));
		}
		if (name)
			json_object_set_new(e, "district", json_string(name));
	}
}

/*
 * The latest date an entry about the person is about, on or before :today:
 * a referral made or any of its steps, a decision made, verkställd or
 * ended, a tenancy's move-in, takeover or end, a visit, an incident or its
 * resolution, a checklist's month, a plan version agreed or written, an
 * assignment written. Event dates, not when they were registered, so a
 * transfer registered late may still be dated back to the day the new
 * district took over. With none of these: the day the person was
 * registered. NULL only for an unknown person.
 */
static const char last_entry_sql[] =
    "SELECT coalesce((SELECT max(d) FROM ("
    "SELECT date(f.created_at, 'unixepoch', 'localtime') AS d FROM referrals f WHERE f.person_id = :p "
    "UNION ALL SELECT date(s.at, 'unixepoch', 'localtime') FROM referral_steps s JOIN referrals f ON f.id = s.referral_id "
    " WHERE f.person_id = :p "
    "UNION ALL SELECT s.date FROM referral_steps s JOIN referrals f ON f.id = s.referral_id WHERE f.person_id = :p "
    "UNION ALL SELECT decision_date FROM decisions WHERE person_id = :p "
    "UNION ALL SELECT support_effective_date FROM decisions WHERE person_id = :p "
    "UNION ALL SELECT ended_on FROM decisions WHERE person_id = :p "
    "UNION ALL SELECT move_in_date FROM tenancies WHERE person_id = :p "
    "UNION ALL SELECT takeover_date FROM tenancies WHERE person_id = :p "
    "UNION ALL SELECT end_date FROM tenancies WHERE person_id = :p "
    "UNION ALL SELECT date FROM visits WHERE person_id = :p "
    "UNION ALL SELECT i.date FROM incidents i JOIN tenancies t ON t.id = i.tenancy_id WHERE t.person_id = :p "
    "UNION ALL SELECT i.resolved_date FROM incidents i JOIN tenancies t ON t.id = i.tenancy_id WHERE t.person_id = :p "
    "UNION ALL SELECT c.month || '-01' FROM checklists c JOIN tenancies t ON t.id = c.tenancy_id WHERE t.person_id = :p "
    "UNION ALL SELECT coalesce(v.agreed_date, date(v.created_at, 'unixepoch', 'localtime')) FROM plan_versions v "
    " JOIN plans l ON l.id = v.plan_id WHERE l.person_id = :p "
    "UNION ALL SELECT date(a.created_at, 'unixepoch', 'localtime') FROM assignments a WHERE a.person_id = :p"
    ") WHERE d IS NOT NULL AND d <= :today), "
    "(SELECT date(created_at, 'unixepoch', 'localtime') FROM persons WHERE id = :p)) AS date";

/*
 * Writes into earliest the first date a transfer of the person may have:
 * the day of the latest entry in the district it leaves (last_entry_sql),
 * or the day after the previous transfer when that is later. *after_transfer
 * says which (1: the previous transfer, whose date goes into last), else
 * last is the latest entry's date. Returns 0, or -1 on a database error.
 */
static int transfer_earliest(long long person_id, const char *today, char earliest[11], char last[11],
    int *after_transfer)
{
	static const char prev_sql[] = "SELECT max(date) FROM person_transfers WHERE person_id = ?";
	dbstmt *st = db_stmt(last_entry_sql);
	if (!st)
		return -1;
	db_bind_named_int(st, ":p", person_id);
	db_bind_named_text(st, ":today", today);
	int rc = db_step(st);
	snprintf(last, 11, "%s", rc == DB_ROW ? db_col_text(st, 0) : "");
	db_done(st);
	if (rc != DB_ROW)
		return -1;
	snprintf(earliest, 11, "%s", last);
	*after_transfer = 0;
	if (!(st = db_stmt(prev_sql)))
		return -1;
	db_bindf(st, "i", person_id);
	rc = db_step(st);
	char prev[11];
	snprintf(prev, sizeof prev, "%s", rc == DB_ROW ? db_col_text(st, 0) : "");
	db_done(st);
	if (rc != DB_ROW)
		return -1;
	if (valid_date(prev)) {
		char next[11];
		date_add_days(prev, 1, next);
		if (strcmp(next, earliest) > 0) {
			snprintf(earliest, 11, "%s", next);
			snprintf(last, 11, "%s", prev);
			*after_transfer = 1;
		}
	}
	return 0;
}

/* The transfer form as posted. */
struct transfer_input {
	long long district;
	const char *date;	/* ÅÅÅÅ-MM-DD, or NULL when empty or bad */
	long long version;
	struct fvals *v;	/* as read (form "transfer" in formdefs.c) */
};

/*
 * Reads the form "transfer" (formdefs.c: a district from the list, a date)
 * and checks it against the person p (person_load): a district other than
 * the person's, a date not in the future and not before transfer_earliest
 * (the person's latest entry in the district it leaves, the day after the
 * previous transfer), the form's version. Records Swedish errors with
 * view_error; returns 1 when the form is good, 0 when not, -1 on a
 * database error.
 */
static int transfer_check(struct req *r, long long person_id, json_t *p, struct transfer_input *in)
{
	in->v = form_read(r, formdef_find("transfer"));
	in->district = (long long)fv_num(in->v, "district_id");
	in->date = fv_str(in->v, "date");
	in->version = parse_id(http_param(r, "version"));
	if (in->district && !district_exists(in->district))
		view_error(r, "district_id", "Välj den stadsdel personen flyttar till i listan.");
	else if (in->district && in->district == json_integer_value(json_object_get(p, "district_id")))
		view_error(r, "district_id", "Personen hör redan till den stadsdelen. Välj en annan stadsdel.");
	char today[11], earliest[11], last[11];
	int after_transfer;
	date_today(today);
	if (transfer_earliest(person_id, today, earliest, last, &after_transfer) < 0)
		return -1;
	if (in->date && strcmp(in->date, today) > 0)
		view_error(r, "date", "Datumet får inte vara senare än i dag. Registrera flytten när den nya stadsdelen tar över.");
	else if (in->date && strcmp(in->date, earliest) < 0)
		view_error(r, "date", after_transfer ?
		    arena_printf(&r->arena, "Datumet måste vara senare än förra flytten (%s). Tidigaste möjliga datum är %s.",
		    last, earliest) :
		    arena_printf(&r->arena, "Datumet kan inte vara före personens senaste anteckning i %s (%s). Tidigaste "
		    "möjliga datum är %s.", json_string_value(json_object_get(p, "district")), last, earliest));
	if (!in->version)
		view_error(r, "district_id", "Formuläret saknar version. Ladda om sidan och försök igen.");
	return !view_has_errors(r);
}

/* Fills the form page's view for person p: the fields of the form
 * "transfer" with what was typed (v, NULL on the first GET: the date of
 * today), the districts, the earliest possible date in the date's hint,
 * the person's district history. Returns 0 or -1. */
static int transfer_view(struct req *r, long long id, json_t *p, const struct fvals *v)
{
	r->template = "persons/transfer";
	json_t *hist = transfer_history(id);
	if (!hist)
		return -1;
	json_object_set_new(r->view, "transfers", hist);
	json_object_set_new(r->view, "title", json_string("Flytta till en annan stadsdel"));
	const struct formdef *d = formdef_find("transfer");
	char today[11], earliest[11], last[11];
	int after_transfer;
	date_today(today);
	json_t *stored = json_pack("{s:s}", "date", today);
	form_view(r, d, v, stored);
	json_decref(stored);
	form_view_options(r, "district_id", district_options(0));
	if (transfer_earliest(id, today, earliest, last, &after_transfer) < 0)
		return -1;
	json_t *df = json_object_get(json_object_get(r->view, "f"), "date");
	if (df && strcmp(earliest, today) <= 0)
		json_object_set_new(df, "hint", json_string(arena_printf(&r->arena, "%s Tidigast %s, senast i dag.",
		    formdef_field(d, "date")->hint, earliest)));
	const char *ver = http_param(r, "version");
	json_object_set_new(r->view, "version", ver && *ver ? json_string(ver) :
	    json_integer(json_integer_value(json_object_get(p, "version"))));
	json_object_set(r->view, "person", p);
	return 0;
}

/* Loads the person for a transfer page: 404 outside scope, 410 for a
 * weeded person. Returns the person (new reference) or NULL with *status
 * set. */
static json_t *transfer_person(struct req *r, long long id, int *status)
{
	int vis = person_visible(r, id);
	if (vis != 1) {
		*status = vis < 0 ? http_fail(r, 500, NULL) :
		    http_fail(r, 404, "Personen finns inte eller ingår inte i det du har tillgång till.");
		return NULL;
	}
	if ((*status = person_refuse_weeded(r, id)))
		return NULL;
	json_t *p = person_load(id);
	if (!p)
		*status = http_fail(r, 500, NULL);
	return p;
}

/* GET /persons/{id}/transfer : the form, the person's district history */
int transfer_form(struct req *r)
{
	long long id = r->params[0];
	int status;
	json_t *p = transfer_person(r, id, &status);
	if (!p)
		return status;
	int rc = transfer_view(r, id, p, NULL);
	json_decref(p);
	if (rc < 0)
		return http_fail(r, 500, NULL);
	http_saw_person(r, id);
	return 200;
}

/* The start of both POSTs: the person (*p, a new reference the caller
 * frees) and the form read and checked into in. Returns 0 when the form is
 * good, else the status of the page it set (404, the form again with its
 * errors: 400, or 500); then *p is NULL. */
static int transfer_read(struct req *r, long long id, json_t **p, struct transfer_input *in)
{
	int status;
	*p = transfer_person(r, id, &status);
	if (!*p)
		return status;
	http_saw_person(r, id);
	int checked = transfer_check(r, id, *p, in);
	if (checked > 0)
		return 0;
	int rc = checked < 0 ? -1 : transfer_view(r, id, *p, in->v);
	json_decref(*p);
	*p = NULL;
	return rc < 0 ? http_fail(r, 500, NULL) : 400;
}

/* GET or POST /persons/{id}/transfer/confirm : the form checked, and what
 * the transfer will do; its button posts confirmed=1 */
int transfer_confirm(struct req *r)
{
	long long id = r->params[0];
	json_t *p;
	struct transfer_input in;
	int status = transfer_read(r, id, &p, &in);
	if (status)
		return status;
	json_t *opts = district_options(in.district);
	const char *to = "";
	size_t i;
	json_t *o;
	json_array_foreach(opts, i, o)
		if (json_integer_value(json_object_get(o, "value")) == in.district)
			to = arena_printf(&r->arena, "%s", json_string_value(json_object_get(o, "label")));
	json_decref(opts);
	const char *name = json_string_value(json_object_get(p, "name"));
	const char *from = json_string_value(json_object_get(p, "district"));
	json_t *c = view_confirm(r, "Bekräfta flytten till en annan stadsdel",
	    arena_printf(&r->arena, "%s flyttas från %s till %s från och med %s. Socialsekreterarna i %s ser och skriver "
	    "ärendet från nu; socialsekreterarna i %s ser det inte längre. Remisser och beslut följer med och historiken "
	    "visar var varje del gjordes.", name, from, to, in.date, to, from),
	    "Flytten står kvar i historiken. Flyttar personen tillbaka registreras en ny flytt.",
	    arena_printf(&r->arena, "/persons/%lld/transfer", id), "Ja, flytta ärendet",
	    arena_printf(&r->arena, "/persons/%lld/transfer", id));
	view_confirm_fact(c, "Person", name);
	view_confirm_fact(c, "Nuvarande stadsdel", from);
	view_confirm_fact(c, "Ny stadsdel", to);
	view_confirm_fact(c, "Från och med", in.date);
	view_confirm_hidden(c, "district_id", arena_printf(&r->arena, "%lld", in.district));
	view_confirm_hidden(c, "date", in.date);
	view_confirm_hidden(c, "version", arena_printf(&r->arena, "%lld", in.version));
	json_decref(p);
	return 200;
}

/* Writes the transfer (one transaction, audited). Returns 1 when written,
 * 0 when the person's version moved on (nothing written), -1 on errors. */
static int transfer_write(long long user_id, long long id, long long from, const struct transfer_input *in)
{
	static const char ins[] = "INSERT INTO person_transfers(person_id, from_district_id, to_district_id, date, "
	    "created_at, created_by) VALUES(?, ?, ?, ?, ?, ?)";
	static const char person[] = "UPDATE persons SET district_id = ?, version = version + 1, updated_at = ?, "
	    "updated_by = ? WHERE id = ? AND version = ?";
	/* the district responsible for them from now; where each was made is
	 * read from the transfer history, so updated_at stays */
	static const char refs[] = "UPDATE referrals SET district_id = ?, version = version + 1 WHERE person_id = ?";
	static const char decs[] = "UPDATE decisions SET district_id = ?, version = version + 1 WHERE person_id = ?";
	long long now = now_unix();
	if (db_begin() < 0)
		return -1;
	dbstmt *st = db_stmt(person);
	if (!st)
		goto fail;
	db_bindf(st, "iiuii", in->district, now, user_id, id, in->version);
	int changed = 0;
	if (db_write(st, &changed) != DB_DONE)
		goto fail;
	if (!changed) {
		db_rollback();
		return 0;
	}
	if (!(st = db_stmt(ins)))
		goto fail;
	db_bindf(st, "iiitiu", id, from, in->district, in->date, now, user_id);
	if (db_write(st, NULL) != DB_DONE)
		goto fail;
	long long tid = db_last_id();
	if (db_execf(refs, "ii", in->district, id) < 0 || db_execf(decs, "ii", in->district, id) < 0 ||
	    audit_log(user_id, "create", "person_transfer", tid, id) < 0 ||
	    audit_log(user_id, "update", "person", id, id) < 0 || db_commit() < 0)
		goto fail;
	return 1;
fail:
	db_rollback();
	return -1;
}

/* POST /persons/{id}/transfer (confirmed=1 from the confirmation page) */
int transfer_submit(struct req *r)
{
	long long id = r->params[0];
	json_t *p;
	struct transfer_input in;
	int status = transfer_read(r, id, &p, &in);
	if (status)
		return status;
	if (!http_confirmed(r)) {
		json_decref(p);
		r->back = arena_printf(&r->arena, "/persons/%lld/transfer", id);
		return http_fail(r, 400, "Flytten har inte bekräftats, så ingenting har sparats. Fyll i formuläret och "
		    "bekräfta på sidan som visas.");
	}
	int rc = transfer_write(r->user.id, id, json_integer_value(json_object_get(p, "district_id")), &in);
	if (rc == 0) {
		/* the one stale-form answer: the form as typed, the person's
		 * district as it is now */
		json_t *fresh = person_load(id);
		json_decref(p);
		p = fresh;
		if (!p)
			return http_fail(r, 500, NULL);
		form_conflict(r, formdef_find("transfer"), NULL, "district_id", "personen",
		    arena_printf(&r->arena, "stadsdelen %s", json_string_value(json_object_get(p, "district"))));
		if (transfer_view(r, id, p, in.v) < 0) {
			json_decref(p);
			return http_fail(r, 500, NULL);
		}
		json_object_set_new(r->view, "version", json_integer(json_integer_value(json_object_get(p, "version"))));
		json_decref(p);
		return 409;
	}
	json_decref(p);
	if (rc < 0)
		return http_fail(r, 500, NULL);
	return http_redirect_done(r, arena_printf(&r->arena, "/persons/%lld", id), DONE_TRANSFERRED);
}

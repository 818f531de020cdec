/* audit.c - the append-only access log and its page for managers and admins. */
#include "audit.h"
#include <stdarg.h>
#include "db.h"
#include "formdef.h"
#include "http.h"
#include "csv.h"
#include "date.h"
#include "personnummer.h"

#include <stdio.h>
#include <string.h>

#define AUDIT_PAGE 50

long long audit_insert(long long user_id, const char *entity, long long person_id, const char *sql, const char *fmt, ...)
{
	if (db_begin() < 0)
		return -1;
	dbstmt *st = db_stmt(sql);
	int ok = 0;
	if (st) {
		va_list ap;
		va_start(ap, fmt);
		db_vbindf(st, fmt, ap);
		va_end(ap);
		ok = db_write(st, NULL) == DB_DONE;
	}
	long long id = db_last_id();
	if (!ok || audit_log(user_id, "create", entity, id, person_id) < 0 || db_commit() < 0) {
		db_rollback();
		return -1;
	}
	return id;
}

int audit_update(long long user_id, const char *entity, long long entity_id, long long person_id,
    const char *sql, const char *fmt, ...)
{
	if (db_begin() < 0)
		return -1;
	dbstmt *st = db_stmt(sql);
	int changed = 0, rc = DB_ERROR;
	if (st) {
		va_list ap;
		va_start(ap, fmt);
		db_vbindf(st, fmt, ap);
		va_end(ap);
		rc = db_write(st, &changed);
	}
	if (rc == DB_DONE && !changed) {
		db_rollback();
		return 0;
	}
	if (rc != DB_DONE || audit_log(user_id, "update", entity, entity_id, person_id) < 0 || db_commit() < 0) {
		db_rollback();
		return -1;
	}
	return 1;
}

/* Returns 1 for actions that record a look, not a change. */
static int is_read_like(const char *action)
{
	return strcmp(action, "read") == 0 || strcmp(action, "export") == 0 || strcmp(action, "denied") == 0;
}

int audit_log(long long user_id, const char *action, const char *entity,
    long long entity_id, long long person_id)
{
	static const char sql[] = "INSERT INTO audit(at, user_id, action, entity, entity_id, person_id) "
	    "VALUES(?, ?, ?, ?, ?, ?)";
	/* a lone record of a read is committed without waiting for the disk:
	 * it survives a crash of the server, and reaches the disk with the
	 * next change or checkpoint (see docs/design.md, "Audit durability") */
	int lazy = !db_in_transaction() && is_read_like(action);
	if (lazy && db_lazy_commits(1) < 0)
		return -1;
	dbstmt *st = db_stmt(sql);
	if (!st) {
		if (lazy)
			db_lazy_commits(0);
		return -1;
	}
	db_bind_int64(st, 1, now_unix());
	if (user_id)
		db_bind_int64(st, 2, user_id);
	db_bind_text(st, 3, action, -1);
	db_bind_text(st, 4, entity, -1);
	if (entity_id)
		db_bind_int64(st, 5, entity_id);
	if (person_id)
		db_bind_int64(st, 6, person_id);
	int rc = db_step(st);
	db_done(st);
	if (lazy && db_lazy_commits(0) < 0)
		rc = DB_ERROR;
	if (rc != DB_DONE) {
		fprintf(stderr, "audit: write failed (%s)\n", action);
		return -1;
	}
	return 0;
}

int audit_seen(long long user_id, const char *entity, const long long *ids, size_t n)
{
	static const char sql[] = "INSERT INTO audit(at, user_id, action, entity, person_id) VALUES(?, ?, 'read', ?, ?)";
	if (!n)
		return 0;
	if (db_lazy_commits(1) < 0)
		return -1;
	int rc = db_begin();
	long long now = now_unix();
	for (size_t i = 0; i < n && rc == 0; i++) {
		dbstmt *st = db_stmt(sql);
		if (!st) {
			rc = -1;
			break;
		}
		db_bindf(st, "iiti", now, user_id, entity, ids[i]);
		rc = db_write(st, NULL) == DB_DONE ? 0 : -1;
	}
	if (rc == 0 && db_commit() < 0)
		rc = -1;
	if (rc < 0)
		db_rollback();
	if (db_lazy_commits(0) < 0)
		rc = -1;
	if (rc < 0)
		fprintf(stderr, "audit: write failed (read list)\n");
	return rc;
}

static const struct { const char *k, *v; } action_labels[] = {
		{ "read", "Läste" }, { "create", "Skapade" }, { "update", "Ändrade" },
		{ "login", "Loggade in" }, { "login_failed", "Misslyckad inloggning" },
		{ "logout", "Loggade ut" }, { "denied", "Nekades" }, { "export", "Exporterade" },
		{ "import", "Importerade" },
};

static const char *action_label(const char *a)
{
	for (size_t i = 0; i < sizeof action_labels / sizeof action_labels[0]; i++)
		if (strcmp(action_labels[i].k, a) == 0)
			return action_labels[i].v;
	return a;
}

/* What an audit row is about, in Swedish; a route pattern (a list or a
 * search the user saw) reads "Sida /persons". */
static const struct { const char *k, *v; } entity_labels[] = {
	{ "person", "Personakt" }, { "person_case_manager", "Case manager-tilldelning" }, { "referral", "Remiss" },
	{ "decision", "Beslut" }, { "assignment", "Uppdragsbeskrivning" }, { "plan", "Genomförandeplan" },
	{ "visit", "Besöksanteckning" }, { "visits", "Besöksjournal" }, { "tenancy", "Boende" },
	{ "apartment", "Lägenhet" }, { "checklist", "Checklista" }, { "incident", "Händelse" },
	{ "statusrapport", "Statusrapport" }, { "statusrapport_csv", "Statusrapport (CSV)" },
	{ "statusrapport_xlsx", "Statusrapport (Excel)" }, { "kvarboende", "Kvarboende" },
	{ "kvarboende_summary", "Sammanställning" }, { "user", "Användarkonto" }, { "user_password", "Lösenord" },
	{ "district", "Stadsdel" }, { "config_item", "Livsområde eller checklistpunkt" }, { "settings", "Inställningar" },
	{ "assignment_text", "Uppdragstext" }, { "decision_text", "Beslutstext" }, { "csrf", "Formulär (CSRF)" }, { "session", "Inloggning" },
	{ "access_change_ack", "Kvittens av behörighetsändring" }, { "audit", "Åtkomstloggen" },
	{ "page", "Listor och sökningar" }, { "person_transfer", "Flytt till annan stadsdel" },
	{ "gallring", "Gallring" },
};

static const char *entity_label(struct req *r, const char *e)
{
	for (size_t i = 0; i < sizeof entity_labels / sizeof entity_labels[0]; i++)
		if (!strcmp(entity_labels[i].k, e))
			return entity_labels[i].v;
	return *e == '/' ? arena_printf(&r->arena, "Sida %s", e) : e;
}

/* Returns 1 when e is an entity code with a label. */
static int is_entity_code(const char *e)
{
	for (size_t i = 0; i < sizeof entity_labels / sizeof entity_labels[0]; i++)
		if (!strcmp(entity_labels[i].k, e))
			return 1;
	return 0;
}

/* Returns [{value, label, selected}] for the labelled entities. */
static json_t *entity_options(const char *selected)
{
	json_t *a = json_array();
	for (size_t i = 0; i < sizeof entity_labels / sizeof entity_labels[0]; i++)
		json_array_append_new(a, json_pack("{s:s, s:s, s:b}", "value", entity_labels[i].k, "label", entity_labels[i].v,
		    "selected", str_eq(selected, entity_labels[i].k)));
	return a;
}

/* Returns [{value, label, selected}] for the audit actions. */
static json_t *action_options(const char *selected)
{
	json_t *a = json_array();
	for (size_t i = 0; i < sizeof action_labels / sizeof action_labels[0]; i++)
		json_array_append_new(a, json_pack("{s:s, s:s, s:b}", "value", action_labels[i].k,
		    "label", action_labels[i].v, "selected", selected && strcmp(selected, action_labels[i].k) == 0));
	return a;
}

#define AUDIT_CSV_MAX 100000	/* rows of one CSV: a year of one person's or one user's reads */

/* One filtered walk of the log, newest first (numbered parameters only: a
 * named one would take the number of its first appearance): ?1 user name, ?2 entity
 * ("page" = the lists and searches), ?3 action, ?4/?5 time range, ?6 the
 * keyset, ?7 limit, ?8 person id, ?9 whether names are shown. The person and the user each have an
 * index (audit_person, audit_user). */
static const char audit_sql[] =
    "SELECT a.id, a.at, coalesce(u.username, ''), a.action, a.entity, a.entity_id, a.person_id, "
    "CASE WHEN ?9 = 1 THEN (SELECT p.first_name || ' ' || p.last_name FROM persons p WHERE p.id = a.person_id) END, "
    "CASE WHEN ?9 = 1 THEN (SELECT p.personnummer FROM persons p WHERE p.id = a.person_id) END "
    "FROM audit a LEFT JOIN users u ON u.id = a.user_id "
    "WHERE (?1 IS NULL OR a.user_id = (SELECT id FROM users WHERE lower(username) = lower(?1))) "
    "AND (?2 IS NULL OR a.entity = ?2 OR (?2 = 'page' AND a.entity LIKE '/%')) AND (?3 IS NULL OR a.action = ?3) "
    "AND (?4 IS NULL OR a.at >= ?4) AND (?5 IS NULL OR a.at < ?5) "
    "AND (?8 IS NULL OR a.person_id = ?8) "
    "AND a.id < coalesce(?6, " KEYSET_MAX ") "
    "ORDER BY a.id DESC LIMIT ?7";

/* GET /audit?user=&person=&entity=&action=&from=&to=&before=&format=csv :
 * the access log; "who has looked at this person" (person = a
 * personnummer in any form) and "what has this user looked at" for a
 * period, on the page or as CSV (loggkontroll). Only the manager sees
 * names and personnummer; the admin sees ids. */
int audit_list(struct req *r)
{
	static const char *const keys[] = { "user", "person", "entity", "action", "from", "to", NULL };
	const char *user = http_param(r, "user");
	const char *person = http_param(r, "person");
	const char *entity = http_param(r, "entity");
	const char *action = http_param(r, "action");
	int bad_from, bad_to;
	const char *from = form_date_param(r, "from", &bad_from);
	const char *to = form_date_param(r, "to", &bad_to);
	const char *before = http_param(r, "before");
	int csv = str_eq(http_param(r, "format"), "csv");
	int names = r->user.role == ROLE_MANAGER;

	json_object_set_new(r->view, "title", json_string("Åtkomstlogg"));
	json_t *form = json_object();
	view_set_str(form, "user", user ? user : "");
	view_set_str(form, "person", person ? person : "");
	view_set_str(form, "from", from ? from : "");
	view_set_str(form, "to", to ? to : "");
	json_object_set_new(r->view, "form", form);
	json_object_set_new(r->view, "actions", action_options(action));
	json_object_set_new(r->view, "entities", entity_options(entity));
	json_object_set_new(r->view, "names", json_boolean(names));

	long long person_id = 0;
	if (person && *person) {
		char today[11];
		struct pnr p;
		date_today(today);
		/* a personnummer in any form first (10 or 12 digits are numbers
		 * too); only the manager may look one up: for the admin, whether
		 * a personnummer is in the register is itself case data */
		int is_pnr = !pnr_parse(person, today, &p);
		person_id = is_pnr || strlen(person) > 9 ? 0 : parse_id(person);
		if (is_pnr && !names) {
			view_error(r, "person", "Sök med personens id-nummer. Personnummer kan bara chefen söka på.");
		} else if (is_pnr) {
			static const char by_pnr[] = "SELECT id FROM persons WHERE personnummer = :pnr";
			dbstmt *st = db_stmt(by_pnr);
			if (!st)
				return http_fail(r, 500, NULL);
			db_bind_named_text(st, ":pnr", p.normalized);
			person_id = db_step(st) == DB_ROW ? db_col_int64(st, 0) : -1;
			db_done(st);
		} else if (!person_id) {
			view_error(r, "person", "Skriv personnumret (ÅÅÅÅMMDD-NNNN, ÅÅMMDD-NNNN) eller personens id-nummer.");
		}
	}
	if (user && *user) {	/* a name nobody has is a typing error, not "no rows" */
		static const char known[] = "SELECT 1 FROM users WHERE lower(username) = lower(:u)";
		dbstmt *st = db_stmt(known);
		if (!st)
			return http_fail(r, 500, NULL);
		db_bind_named_text(st, ":u", user);
		int found = db_step(st) == DB_ROW;
		db_done(st);
		if (!found)
			view_error(r, "user", "Det finns ingen användare med det användarnamnet.");
	}
	if (person_id < 0)
		view_error(r, "person", "Ingen person har det personnumret.");
	/* the filters are choice lists: a value not in them is an error, not
	 * an empty log */
	if (entity && *entity && !is_entity_code(entity))
		view_error(r, "entity", "Välj typ av uppgift i listan.");
	if (action && *action && action_label(action) == action)
		view_error(r, "action", "Välj händelse i listan.");
	if (bad_from)
		view_error(r, "from", "Skriv från-datum som ÅÅÅÅ-MM-DD, ÅÅÅÅMMDD, D/M eller D/M ÅÅÅÅ, och ett datum som finns.");
	if (bad_to)
		view_error(r, "to", "Skriv till-datum som ÅÅÅÅ-MM-DD, ÅÅÅÅMMDD, D/M eller D/M ÅÅÅÅ, och ett datum som finns.");
	long long before_id = before && *before ? parse_id(before) : 0;
	if (before && *before && !before_id)
		view_error(r, "before", "Ogiltig sida.");
	if (view_has_errors(r)) {
		json_object_set_new(r->view, "rows", json_array());
		return 400;
	}

	dbstmt *st = db_stmt(audit_sql);
	if (!st)
		return http_fail(r, 500, NULL);
	db_bind_text_or_null(st, 1, user);
	db_bind_text_or_null(st, 2, entity);
	db_bind_text_or_null(st, 3, action);
	if (from && *from)
		db_bind_int64(st, 4, local_midnight(from));
	if (to && *to)
		db_bind_int64(st, 5, local_midnight(to) + 24 * 3600);
	if (before_id && !csv)
		db_bind_int64(st, 6, before_id);
	db_bind_int(st, 7, csv ? AUDIT_CSV_MAX + 1 : AUDIT_PAGE + 1);
	if (person_id > 0)
		db_bind_int64(st, 8, person_id);
	db_bind_int(st, 9, names);

	struct buf out;
	buf_init(&out);
	if (csv) {
		buf_puts(&out, "\xEF\xBB\xBF");
		const char *head[] = { "Tid", "Användare", "Händelse", "Uppgift", "Id", "Person-id", "Person", "Personnummer" };
		csv_row(&out, head, names ? 8 : 6);
	}
	json_t *rows = json_array();
	long long last_id = 0;
	int n = 0, rc;
	while ((rc = db_step(st)) == DB_ROW) {
		if (++n > (csv ? AUDIT_CSV_MAX : AUDIT_PAGE))
			break;
		char when[17], eid[24] = "", pid[24] = "";
		local_time(db_col_int64(st, 1), when);
		last_id = db_col_int64(st, 0);
		if (db_col_type(st, 5) != DB_NULL)
			snprintf(eid, sizeof eid, "%lld", (long long)db_col_int64(st, 5));
		if (db_col_type(st, 6) != DB_NULL) {
			snprintf(pid, sizeof pid, "%lld", (long long)db_col_int64(st, 6));
			if (names)	/* the manager sees who: that is a look at the person too */
				http_saw_person(r, db_col_int64(st, 6));
		}
		const char *cells[] = { when, db_col_text(st, 2), action_label(db_col_text(st, 3)),
			entity_label(r, db_col_text(st, 4)), eid, pid, db_col_text(st, 7), db_col_text(st, 8) };
		if (csv) {
			csv_row(&out, cells, names ? 8 : 6);
			continue;
		}
		json_t *row = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "id", (json_int_t)last_id, "at", when,
		    "user", cells[1], "action", db_col_text(st, 3), "action_label", cells[2], "entity", cells[3],
		    "entity_id", eid, "person_id_text", pid, "person_name", cells[6]);
		json_array_append_new(rows, row);
	}
	db_done(st);
	if (rc != DB_ROW && rc != DB_DONE) {
		json_decref(rows);
		buf_free(&out);
		return http_fail(r, 500, NULL);
	}
	if (audit_log(r->user.id, csv ? "export" : "read", "audit", 0, person_id > 0 ? person_id : 0) < 0) {
		json_decref(rows);
		buf_free(&out);
		return http_fail(r, 500, NULL);
	}
	if (csv) {
		json_decref(rows);
		size_t len;
		char *body = buf_take(&out, &len);
		return http_download(r, body, len, "text/csv; charset=utf-8", "atkomstlogg.csv");
	}
	buf_free(&out);
	json_object_set_new(r->view, "rows", rows);
	json_object_set_new(r->view, "csv_href", json_string(http_link(r, keys, "format", "csv")));
	char id[32];
	snprintf(id, sizeof id, "%lld", last_id);
	view_pager(r, n > AUDIT_PAGE ? http_link(r, keys, "before", id) : NULL,
	    before_id ? http_link(r, keys, "before", "") : NULL);
	return 200;
}

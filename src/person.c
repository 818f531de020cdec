/* person.c - persons (participants): list, registration, the person page
 * with its timeline, editing, and the manager's case-manager assignment. */
#include "person.h"
#include "audit.h"
#include "date.h"
#include "db.h"
#include "decision.h"
#include "handlers.h"
#include "personnummer.h"
#include "referral.h"
#include "referral_state.h"
#include "scope.h"
#include "search.h"
#include "district.h"
#include "formdef.h"
#include "tenancy.h"
#include "transfer.h"

#include <stdio.h>
#include <string.h>

#define PERSONS_PAGE 50

int person_visible(const struct req *r, long long id)
{
	static const char sql[] = "SELECT 1 FROM persons p WHERE p.id = :id AND " SCOPE_PERSON("p");
	dbstmt *st = db_stmt(sql);
	if (!st)
		return -1;
	scope_bind(st, r);
	db_bind_named_int(st, ":id", id);
	int rc = db_step(st);
	db_done(st);
	return rc == DB_ROW ? 1 : rc == DB_DONE ? 0 : -1;
}

json_t *person_load(long long id)
{
	static const char sql[] =
	    "SELECT p.id, p.personnummer, p.reserve, p.birth_date, p.sex, p.first_name, p.last_name, "
	    "p.first_name || ' ' || p.last_name AS name, p.phone, p.email, p.address, p.district_id, "
	    "d.name AS district, p.version, p.weeded_on FROM persons p JOIN districts d ON d.id = p.district_id WHERE p.id = ?";
	return db_row_for(sql, id);
}

int person_refuse_weeded(struct req *r, long long id)
{
	static const char sql[] = "SELECT weeded_on FROM persons WHERE id = ?";
	dbstmt *st = db_stmt(sql);
	if (!st)
		return http_fail(r, 500, NULL);
	db_bindf(st, "i", id);
	int rc = db_step(st);
	const char *on = rc == DB_ROW ? arena_printf(&r->arena, "%s", db_col_text(st, 0)) : "";
	db_done(st);
	if (rc != DB_ROW && rc != DB_DONE)
		return http_fail(r, 500, NULL);
	if (!*on)
		return 0;
	r->back = arena_printf(&r->arena, "/persons/%lld", id);
	return http_fail(r, 410, arena_printf(&r->arena, "Personens uppgifter gallrades %s. Det som finns kvar kan bara "
	    "läsas: ingenting kan läggas till eller ändras för en gallrad person, och ärendet kan inte flyttas eller få "
	    "en case manager.", on));
}

/* GET /persons?q=&district=&after= : the list, and the search box
 * (src/search.c reads what was typed; migrations/0010_search.sql keeps the
 * folded name columns the name search walks). */

/* The page's columns, for persons p (with the district d) */
#define PERSONS_COLUMNS \
	"SELECT p.id, p.first_name || ' ' || p.last_name AS name, p.personnummer, p.reserve, " \
	"d.name AS district, (SELECT r.state FROM referrals r WHERE r.person_id = p.id " \
	"ORDER BY r.id DESC LIMIT 1) AS referral_state "

/* The persons list over from/where: the same columns, filters and order
 * for every role; the role decides where the rows come from. */
#define PERSONS_LIST(from, where) PERSONS_COLUMNS \
	"FROM " from " JOIN districts d ON d.id = p.district_id " \
	"WHERE " where " AND (:df IS NULL OR p.district_id = :df) " \
	"AND (:after IS NULL OR (p.last_name, p.first_name, p.id) > " \
	"(SELECT last_name, first_name, id FROM persons WHERE id = :after)) " \
	"ORDER BY p.last_name, p.first_name, p.id LIMIT :limit"

/* The columns for the ids (and sort keys) a search m chose, in its order:
 * the referral state is looked up for the rows shown only. */
#define PERSONS_ROWS(m, order) PERSONS_COLUMNS \
	"FROM (" m ") m JOIN persons p ON p.id = m.id JOIN districts d ON d.id = p.district_id ORDER BY " order

/* "col starts with t" as a range an index answers (U+10FFFF is above
 * every character) */
#define STARTS(col, t) "(" col " >= " t " AND " col " < " t " || char(1114111))"
/* a name search's two ways to match (struct search): from the first name
 * (a starts it and b the last name, or w starts "first last"), or from the
 * last (the other way round); v starts the name each starts from */
#define FIRST_LAST \
	STARTS("p.search_first", ":v") " AND ((" STARTS("p.search_first", ":a") " AND " STARTS("p.search_last", ":b") \
	") OR " STARTS("(p.search_first || ' ' || p.search_last)", ":w") ")"
#define LAST_FIRST \
	STARTS("p.search_last", ":v") " AND ((" STARTS("p.search_last", ":a") " AND " STARTS("p.search_first", ":b") \
	") OR " STARTS("(p.search_last || ' ' || p.search_first)", ":w") ")"

/* The name search over from/where: two walks down the name indexes, one
 * starting from the first name and one from the last (without those the
 * first already found), each in the order of the name it starts from,
 * merged (SQLite's MERGE of a UNION ALL) and stopped after a page. A row
 * sorts by the name that matched and then the other; the keyset (:k1, :k2,
 * :kid) is the last row's. The cost is a page, not the number of hits. */
#define PERSONS_NAME_SEARCH(from, where) PERSONS_ROWS( \
	"SELECT p.id AS id, p.search_first AS k1, p.search_last AS k2 FROM " from " WHERE " where \
	" AND " FIRST_LAST " AND (p.search_first, p.search_last, p.id) > (:k1, :k2, :kid) AND " SCOPE_PERSON("p") \
	" UNION ALL " \
	"SELECT p.id, p.search_last, p.search_first FROM " from " WHERE " where \
	" AND " LAST_FIRST " AND NOT (" FIRST_LAST ") " \
	"AND (p.search_last, p.search_first, p.id) > (:k1, :k2, :kid) AND " SCOPE_PERSON("p") \
	" ORDER BY 2, 3, 1 LIMIT :limit", "m.k1, m.k2, m.id")

/* A personnummer or its start (a birth date): a range of the unique
 * index, in personnummer order; :from is :lo, or just after the last row
 * shown. */
#define PERSONS_PNR_SEARCH(from, where) PERSONS_ROWS( \
	"SELECT p.id AS id, p.personnummer AS k FROM " from " WHERE " where \
	" AND p.personnummer >= :from AND p.personnummer < :lo || char(1114111) AND " SCOPE_PERSON("p") \
	" AND (:df IS NULL OR p.district_id = :df) ORDER BY p.personnummer LIMIT :limit", "m.k")

/* a case manager's rows start from the caseload (a few dozen persons) */
#define CASELOAD_FROM "person_case_managers c CROSS JOIN persons p ON p.id = c.person_id"
#define CASELOAD_WHERE "c.user_id = :uid AND c.ended_at IS NULL"

/* Binds text, "" included (db_bind_named_text binds "" as NULL). */
static void bind_str(dbstmt *st, const char *name, const char *s)
{
	int i = db_bind_index(st, name);
	if (i)
		db_bind_text(st, i, s, -1);
}

static int starts(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* Prepares the name search for the viewer (the district d, when not 0,
 * walks that district's indexes) and binds the keyset of the person after
 * (0: the first page). Returns the statement or NULL. */
static dbstmt *name_search(struct req *r, const struct search *s, long long d, long long df, long long after)
{
	static const char all_sql[] = PERSONS_NAME_SEARCH("persons p", "1 = 1");
	static const char district_sql[] = PERSONS_NAME_SEARCH("persons p", "p.district_id = :d");
	static const char caseload_sql[] = PERSONS_NAME_SEARCH(CASELOAD_FROM,
	    CASELOAD_WHERE " AND (:df IS NULL OR p.district_id = :df)");
	static const char key_sql[] = "SELECT search_first, search_last FROM persons WHERE id = ?";
	const char *k1 = "", *k2 = "";
	if (after) {
		dbstmt *st = db_stmt(key_sql);
		if (!st)
			return NULL;
		db_bindf(st, "i", after);
		if (db_step(st) == DB_ROW) {
			const char *first = arena_strdup(&r->arena, db_col_text(st, 0));
			const char *last = arena_strdup(&r->arena, db_col_text(st, 1));
			const char *whole = arena_printf(&r->arena, "%s %s", first, last);
			/* the way it matched, as FIRST_LAST says it */
			int fl = starts(first, s->v) && ((starts(first, s->a) && starts(last, s->b)) || starts(whole, s->w));
			k1 = fl ? first : last;
			k2 = fl ? last : first;
		} else {
			after = 0;
		}
		db_done(st);
	}
	dbstmt *st = db_stmt(r->user.role == ROLE_CM ? caseload_sql : d ? district_sql : all_sql);
	if (!st)
		return NULL;
	scope_bind(st, r);
	bind_str(st, ":a", s->a);
	bind_str(st, ":b", s->b);
	bind_str(st, ":w", s->w);
	bind_str(st, ":v", s->v);
	bind_str(st, ":k1", k1);
	bind_str(st, ":k2", k2);
	db_bind_named_int(st, ":kid", after);
	if (d)
		db_bind_named_int(st, ":d", d);
	if (df)
		db_bind_named_int(st, ":df", df);
	return st;
}

/* Prepares the personnummer search, from just after the person after. */
static dbstmt *pnr_search(struct req *r, const struct search *s, long long df, long long after)
{
	static const char all_sql[] = PERSONS_PNR_SEARCH("persons p", "1 = 1");
	static const char caseload_sql[] = PERSONS_PNR_SEARCH(CASELOAD_FROM, CASELOAD_WHERE);
	static const char key_sql[] = "SELECT personnummer FROM persons WHERE id = ?";
	char from[32];
	snprintf(from, sizeof from, "%s", s->pnr);
	if (after) {
		dbstmt *st = db_stmt(key_sql);
		if (!st)
			return NULL;
		db_bindf(st, "i", after);
		/* every stored number is 13 characters of 0-9 and '-': the
		 * number and a space sorts after it and before the next */
		if (db_step(st) == DB_ROW && strcmp(db_col_text(st, 0), s->pnr) > 0)
			snprintf(from, sizeof from, "%s ", db_col_text(st, 0));
		db_done(st);
	}
	dbstmt *st = db_stmt(r->user.role == ROLE_CM ? caseload_sql : all_sql);
	if (!st)
		return NULL;
	scope_bind(st, r);
	bind_str(st, ":lo", s->pnr);
	bind_str(st, ":from", from);
	if (df)
		db_bind_named_int(st, ":df", df);
	return st;
}

int persons_list(struct req *r)
{
	/* a case manager's caseload starts from the assignments (a handful of
	 * rows) instead of walking every person in name order: the scope
	 * fragment's ORs would hide the index from the planner */
	static const char sql[] = PERSONS_LIST("persons p", SCOPE_PERSON("p"));
	static const char caseload_sql[] = PERSONS_LIST(
	    "person_case_managers c JOIN persons p ON p.id = c.person_id", "c.user_id = :uid AND c.ended_at IS NULL");
	static const char *const keys[] = { "q", "district", NULL };
	const char *q = http_param(r, "q");
	long long df = parse_id(http_param(r, "district"));
	long long after = parse_id(http_param(r, "after"));
	char today[11];
	date_today(today);
	struct search s;
	search_parse(q, today, &s);

	json_t *rows;
	int more = 0;
	if (s.kind == SEARCH_INVALID) {
		rows = json_array();
	} else {
		dbstmt *st;
		if (s.kind == SEARCH_NAME)	/* a socialsekreterare's own district, or the one chosen */
			st = name_search(r, &s, df ? df : r->user.role == ROLE_SOC ? r->user.district_id : 0, df, after);
		else if (s.kind == SEARCH_PNR)
			st = pnr_search(r, &s, df, after);
		else if ((st = db_stmt(r->user.role == ROLE_CM ? caseload_sql : sql))) {
			scope_bind(st, r);
			if (df)
				db_bind_named_int(st, ":df", df);
			if (after)
				db_bind_named_int(st, ":after", after);
		}
		if (!st)
			return http_fail(r, 500, NULL);
		db_bind_named_int(st, ":limit", PERSONS_PAGE + 1);
		rows = db_rows_json(st, PERSONS_PAGE, &more);
		if (!rows)
			return http_fail(r, 500, NULL);
	}
	size_t i;
	json_t *row;
	json_array_foreach(rows, i, row) {
		const char *st = json_string_value(json_object_get(row, "referral_state"));
		if (st)
			json_object_set_new(row, "referral_state_label", json_string(ref_state_label(st)));
	}
	json_t *last = json_array_get(rows, json_array_size(rows) - 1);
	char id[32];
	snprintf(id, sizeof id, "%lld", last ? (long long)json_integer_value(json_object_get(last, "id")) : 0LL);
	view_pager(r, more ? http_link(r, keys, "after", id) : NULL, after ? http_link(r, keys, "after", "") : NULL);
	http_saw_rows(r, rows, "id");	/* every hit of a list or a search is a look at that person */
	json_object_set_new(r->view, "rows", rows);
	json_object_set_new(r->view, "title", json_string("Personer"));
	json_object_set_new(r->view, "form", json_pack("{s:s}", "q", q ? q : ""));
	if (s.kind != SEARCH_NONE)
		json_object_set_new(r->view, "searched", json_true());
	if (s.kind == SEARCH_INVALID)
		json_object_set_new(r->view, "search_error", json_string(s.why));
	/* where the search looked, for "nothing found" */
	const char *where = r->user.role == ROLE_SOC ? "Du ser personer i din stadsdel." :
	    r->user.role == ROLE_CM ? "Du ser de personer som du är case manager för." :
	    df ? "Sökningen gäller den valda stadsdelen." : NULL;
	if (where)
		json_object_set_new(r->view, "search_scope", json_string(where));
	view_may(r, "can_create", 1, "POST", "/persons");
	if (r->user.role == ROLE_MANAGER) {
		json_t *opts = district_options(df);
		json_object_set_new(r->view, "districts", opts);
	}
	return 200;
}

struct person_input {
	const char *pnr;
	int reserve;
	const char *birth_date;
	const char *sex;
	const char *first_name, *last_name, *phone, *email, *address;
	struct pnr parsed;
};

/* Reads and validates the person form (person_new or person_edit in
 * formdefs.c) into in; errors go to the view, the typed values to the form. */
static void read_person_input(struct req *r, struct person_input *in, int is_new)
{
	const struct formdef *d = formdef_find(is_new ? "person_new" : "person_edit");
	struct fvals *v = form_read(r, d);
	in->first_name = fv_str(v, "first_name");
	in->last_name = fv_str(v, "last_name");
	in->phone = fv_str(v, "phone");
	in->email = fv_str(v, "email");
	in->address = fv_str(v, "address");
	if (is_new) {
		in->pnr = http_param(r, "personnummer");
		in->reserve = fv_num(v, "reserve") != 0;
		in->birth_date = fv_str(v, "birth_date");
		in->sex = fv_str(v, "sex");
		char today[11];
		date_today(today);
		if (in->reserve) {
			if (in->pnr && *in->pnr)
				view_error(r, "personnummer", "Lämna personnumret tomt när personen får en reservidentitet.");
			if (!in->sex && !view_has_field_error(r, "sex"))
				view_error(r, "sex", "Välj kön för reservidentiteten.");
		} else {
			const char *why = pnr_parse(in->pnr, today, &in->parsed);
			if (why)
				view_error(r, "personnummer", why);
		}
	}
	if (in->email && !strchr(in->email, '@'))
		view_error(r, "email", "Ange en e-postadress som namn@exempel.se.");
	form_view(r, d, v, NULL);
}

/* GET /persons/new */
int person_new_form(struct req *r)
{
	json_object_set_new(r->view, "title", json_string("Registrera person"));
	form_view(r, formdef_find("person_new"), NULL, NULL);
	json_object_set_new(r->view, "is_new", json_true());
	json_object_set_new(r->view, "action", json_string("/persons"));
	return 200;
}

/* Returns the id of the person with this personnummer, 0 if none, -1. */
static long long person_by_pnr(const char *pnr)
{
	static const char sql[] = "SELECT id FROM persons WHERE personnummer = ?";
	dbstmt *st = db_stmt(sql);
	if (!st)
		return -1;
	db_bindf(st, "t", pnr);
	int rc = db_step(st);
	long long id = rc == DB_ROW ? db_col_int64(st, 0) : 0;
	db_done(st);
	return rc == DB_ROW || rc == DB_DONE ? id : -1;
}

/* POST /persons : register; a known personnummer shows the existing person */
int person_create(struct req *r)
{
	static const char sql[] =
	    "INSERT INTO persons(personnummer, reserve, birth_date, sex, first_name, last_name, phone, email, "
	    "address, district_id, created_at, created_by, updated_at, updated_by) "
	    "VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
	struct person_input in;
	memset(&in, 0, sizeof in);
	json_object_set_new(r->view, "title", json_string("Registrera person"));
	json_object_set_new(r->view, "is_new", json_true());
	json_object_set_new(r->view, "action", json_string("/persons"));
	read_person_input(r, &in, 1);
	if (view_has_errors(r))
		return 400;
	if (!in.reserve) {
		long long existing = person_by_pnr(in.parsed.normalized);
		if (existing < 0)
			return http_fail(r, 500, NULL);
		if (existing) {
			if (person_visible(r, existing) == 1)
				return http_redirect(r, arena_printf(&r->arena, "/persons/%lld?existing=1", existing));
			view_error(r, "personnummer", "Det finns redan en person med det personnumret i en annan stadsdel. "
			    "Kontakta din chef för att flytta ärendet.");
			return 400;
		}
	}
	long long now = now_unix(), id;
	if (db_begin() < 0)
		return http_fail(r, 500, NULL);
	dbstmt *st = db_stmt(sql);
	if (!st)
		goto fail;
	char sex[2] = { in.reserve ? (in.sex ? in.sex[0] : 'X') : in.parsed.sex, '\0' };
	db_bindf(st, "tiettttttiiiii", in.reserve ? NULL : in.parsed.normalized, (long long)in.reserve,
	    in.reserve ? in.birth_date : in.parsed.birth_date, sex, in.first_name, in.last_name,
	    in.phone ? in.phone : "", in.email ? in.email : "", in.address ? in.address : "",
	    r->user.district_id, now, r->user.id, now, r->user.id);
	if (db_write(st, NULL) != DB_DONE)
		goto fail;
	id = db_last_id();
	if (audit_log(r->user.id, "create", "person", id, id) < 0 || db_commit() < 0)
		goto fail;
	return http_redirect_done(r, arena_printf(&r->arena, "/persons/%lld", id), DONE_PERSON_CREATED);
fail:
	db_rollback();
	return http_fail(r, 500, NULL);
}

/* The timeline's entries that are not referral steps, as events in the
 * past tense (the referral's are in referral_state.c, beside its steps);
 * action NULL: any. */
static const struct {
	const char *kind, *action, *label;
} events[] = {
	{ "decision", "housing_review", "Beslutet om bostadsanskaffning omprövades: ett nytt beslut ersätter det" },
	{ "decision", "support_review", "Beslutet om stödinsats omprövades: ett nytt beslut ersätter det" },
	{ "decision", "decided_refused_granted", "Bostadsanskaffning avslogs och stödinsats beviljades" },
	{ "decision", "decided_granted_refused", "Bostadsanskaffning beviljades och stödinsats avslogs" },
	{ "decision", "decided_refused_refused", "Bostadsanskaffning och stödinsats avslogs" },
	{ "decision", NULL, "Besluten om bostadsanskaffning och stödinsats fattades" },
	{ "effective", "housing", "Beslutet om bostadsanskaffning verkställdes" },
	{ "effective", NULL, "Stödinsatsen verkställdes" },
	{ "decision_end", "housing", "Beslutet om bostadsanskaffning avslutades" },
	{ "decision_end", NULL, "Beslutet om stödinsats avslutades" },
	{ "assignment", NULL, "Uppdragsbeskrivningen till utföraren skrevs" },
	{ "case_manager", "end", "Case managerns tilldelning avslutades" },
	{ "case_manager", NULL, "Case manager tilldelades" },
	{ "move_in", NULL, "Flyttade in (andrahandskontrakt)" },
	{ "takeover", NULL, "Förstahandskontraktet togs över" },
	{ "move_out", NULL, "Boendet avslutades: %s" },	/* the reason */
	{ "plan", NULL, "Genomförandeplanen version %s sparades" },	/* the number */
	{ "incident", NULL, "En händelse registrerades: %s" },	/* the kind */
	{ "checklist", "sent", "Månadschecklistan skickades till fastighetskontoret" },
	{ "checklist", NULL, "Månadschecklistan granskades av fastighetskontoret" },
	{ "transfer", NULL, "Ärendet flyttades till en annan stadsdel" },
};

/* Adds a label (what happened) and a detail (its date) to each entry. */
static void label_timeline(struct req *r, json_t *rows)
{
	size_t i;
	json_t *e;
	json_array_foreach(rows, i, e) {
		const char *kind = json_string_value(json_object_get(e, "kind"));
		const char *action = json_string_value(json_object_get(e, "action"));
		if (str_eq(kind, "referral")) {
			referral_step_label(r, e);
			continue;
		}
		const char *label = "";
		for (size_t k = 0; k < sizeof events / sizeof events[0]; k++) {
			if (!str_eq(events[k].kind, kind) || (events[k].action && !str_eq(events[k].action, action)))
				continue;
			label = events[k].label;
			if (str_eq(kind, "move_out"))
				label = arena_printf(&r->arena, label, tenancy_end_label(action));
			else if (str_eq(kind, "plan"))
				label = arena_printf(&r->arena, label, action ? action : "");
			else if (str_eq(kind, "incident"))
				label = arena_printf(&r->arena, label, *fchoice_label(incident_kinds, action) ?
				    fchoice_label(incident_kinds, action) : "annat");
			break;
		}
		json_object_set_new(e, "label", json_string(label));
		json_t *date = json_object_get(e, "date");
		if (json_is_string(date))
			json_object_set(e, "detail", date);
	}
}

json_t *person_timeline(struct req *r, long long person_id)
{
	/* Every kind a viewer who may see this person may also see; a kind
	 * some roles may not see states its role rule in SQL (plans). Visit
	 * notes are not here: the journal has its own page. */
	static const char sql[] =
	    "SELECT * FROM ("
	    " SELECT s.at AS at, 'referral' AS kind, s.referral_id AS ref_id, s.action AS action, s.date AS date, "
	    "  s.note AS note, u.name AS by_name, s.from_state AS from_state, s.time AS time, s.place AS place, s.id AS seq "
	    "  FROM referral_steps s JOIN referrals f ON f.id = s.referral_id "
	    "  LEFT JOIN users u ON u.id = s.by WHERE f.person_id = :id AND s.action <> 'decide'"
	    /* a pair made on one form is one event (its first row, pair_id = id); a review one per decision */
	    " UNION ALL SELECT d.created_at, 'decision', d.id, CASE WHEN d.replaces_id IS NOT NULL THEN d.kind || '_review' "
	    "  ELSE (SELECT CASE WHEN min(x.outcome) = 'granted' AND max(x.outcome) = 'granted' THEN 'decided' "
	    "   ELSE 'decided_' || coalesce(max(CASE WHEN x.kind = 'housing' THEN x.outcome END), 'granted') || '_' || "
	    "   coalesce(max(CASE WHEN x.kind = 'support' THEN x.outcome END), 'granted') END "
	    "   FROM decisions x WHERE x.pair_id = d.pair_id AND x.replaces_id IS NULL) END, "
	    "  d.decision_date, '', u.name, NULL, NULL, NULL, NULL FROM decisions d LEFT JOIN users u ON u.id = d.decided_by "
	    "  WHERE d.person_id = :id AND (d.replaces_id IS NOT NULL OR d.id = d.pair_id)"
	    /* when it was registered verkställd (0015), not the decision's last change */
	    " UNION ALL SELECT coalesce(d.effective_at, d.updated_at), 'effective', d.id, d.kind, d.support_effective_date, '', NULL "
	    " , NULL, NULL, NULL, NULL FROM decisions d WHERE d.person_id = :id AND d.support_effective_date IS NOT NULL"
	    " UNION ALL SELECT d.ended_at, 'decision_end', d.id, d.kind, d.ended_on, d.end_note, u.name "
	    " , NULL, NULL, NULL, NULL FROM decisions d LEFT JOIN users u ON u.id = d.ended_by "
	    "  WHERE d.person_id = :id AND d.ended_on IS NOT NULL"
	    " UNION ALL SELECT a.created_at, 'assignment', a.id, 'create', NULL, '', u.name, NULL, NULL, NULL, NULL FROM assignments a "
	    "  LEFT JOIN users u ON u.id = a.created_by WHERE a.person_id = :id"
	    " UNION ALL SELECT c.started_at, 'case_manager', c.id, 'start', NULL, cu.name, u.name, NULL, NULL, NULL, NULL FROM person_case_managers c "
	    "  JOIN users cu ON cu.id = c.user_id LEFT JOIN users u ON u.id = c.started_by WHERE c.person_id = :id"
	    " UNION ALL SELECT c.ended_at, 'case_manager', c.id, 'end', NULL, cu.name, u.name, NULL, NULL, NULL, NULL FROM person_case_managers c "
	    "  JOIN users cu ON cu.id = c.user_id LEFT JOIN users u ON u.id = c.ended_by "
	    "  WHERE c.person_id = :id AND c.ended_at IS NOT NULL"
	    " UNION ALL SELECT t.created_at, 'move_in', t.id, 'start', t.move_in_date, a.address, u.name, NULL, NULL, NULL, NULL FROM tenancies t "
	    "  JOIN apartments a ON a.id = t.apartment_id LEFT JOIN users u ON u.id = t.created_by WHERE t.person_id = :id"
	    " UNION ALL SELECT t.updated_at, 'takeover', t.id, 'takeover', t.takeover_date, a.address, u.name, NULL, NULL, NULL, NULL FROM tenancies t "
	    "  JOIN apartments a ON a.id = t.apartment_id LEFT JOIN users u ON u.id = t.updated_by "
	    "  WHERE t.person_id = :id AND t.takeover_date IS NOT NULL"
	    " UNION ALL SELECT t.updated_at, 'move_out', t.id, t.end_reason, t.end_date, a.address, NULL, NULL, NULL, NULL, NULL FROM tenancies t "
	    "  JOIN apartments a ON a.id = t.apartment_id WHERE t.person_id = :id AND t.end_date IS NOT NULL"
	    " UNION ALL SELECT v.created_at, 'plan', pl.id, CAST(v.version_no AS TEXT), v.agreed_date, '', u.name, NULL, NULL, NULL, NULL FROM plan_versions v "
	    "  JOIN plans pl ON pl.id = v.plan_id LEFT JOIN users u ON u.id = v.created_by "
	    "  WHERE pl.person_id = :id AND :role IN ('case_manager', 'socialsekreterare')"
	    " UNION ALL SELECT i.created_at, 'incident', i.id, i.kind, i.date, '', u.name, NULL, NULL, NULL, NULL FROM incidents i "
	    "  JOIN tenancies t ON t.id = i.tenancy_id LEFT JOIN users u ON u.id = i.created_by WHERE t.person_id = :id"
	    " UNION ALL SELECT c.sent_at, 'checklist', c.id, 'sent', c.month, '', NULL, NULL, NULL, NULL, NULL FROM checklists c "
	    "  JOIN tenancies t ON t.id = c.tenancy_id WHERE t.person_id = :id AND c.sent_at IS NOT NULL"
	    " UNION ALL SELECT c.reviewed_at, 'checklist', c.id, 'reviewed', c.month, c.review_comment, NULL, NULL, NULL, NULL, NULL FROM checklists c "
	    "  JOIN tenancies t ON t.id = c.tenancy_id WHERE t.person_id = :id AND c.reviewed_at IS NOT NULL"
	    " UNION ALL SELECT x.created_at, 'transfer', x.id, 'transfer', x.date, fd.name || ' → ' || td.name, u.name, "
	    "  NULL, NULL, NULL, NULL FROM person_transfers x JOIN districts fd ON fd.id = x.from_district_id "
	    "  JOIN districts td ON td.id = x.to_district_id LEFT JOIN users u ON u.id = x.created_by WHERE x.person_id = :id"
	    /* what happened in the same second, in the order of the process */
	    ") ORDER BY at, CASE kind WHEN 'referral' THEN 0 WHEN 'decision' THEN 1 WHEN 'effective' THEN 2 "
	    "WHEN 'assignment' THEN 3 WHEN 'case_manager' THEN 4 WHEN 'move_in' THEN 5 WHEN 'plan' THEN 6 "
	    "WHEN 'incident' THEN 7 WHEN 'checklist' THEN 8 WHEN 'takeover' THEN 9 ELSE 10 END, seq, ref_id";
	json_t *rows = scope_rows(sql, r, person_id);
	if (!rows)
		return NULL;
	size_t i;
	json_t *e;
	json_array_foreach(rows, i, e) {
		char when[17];
		local_time(json_integer_value(json_object_get(e, "at")), when);
		json_object_set_new(e, "when", json_string(when));
	}
	label_timeline(r, rows);
	/* once transferred, each entry says in which district it was made */
	json_t *transfers = transfer_history(person_id);
	if (!transfers) {
		json_decref(rows);
		return NULL;
	}
	transfer_label_districts(rows, "at", transfers);
	json_decref(transfers);
	return rows;
}

/* Runs a person-scoped list query (:pid) into view[key]. Returns 0 or -1. */
static int view_list(struct req *r, const char *key, const char *sql, long long person_id)
{
	json_t *rows = db_rows_for(sql, person_id);
	if (!rows)
		return -1;
	json_object_set_new(r->view, key, rows);
	return 0;
}

/* GET /persons/{id} : facts, status, decisions, timeline; audited read */
int person_page(struct req *r)
{
	static const char referrals_sql[] =
	    "SELECT id, state, date(created_at, 'unixepoch', 'localtime') AS created, "
	    "days_between(last_step_at, date('now', 'localtime')) AS days_since_step "
	    "FROM referrals WHERE person_id = :pid ORDER BY id DESC";
	static const char decisions_sql[] =
	    "SELECT d.id, d.created_at, d.kind, d.outcome, d.decision_date, d.start_date, d.end_date, d.support_kind, d.provider, "
	    "d.support_effective_date, d.replaced_by_id, d.replaces_id, d.ended_on, d.end_reason, d.pair_id, "
	    DECISION_STATE("d") " AS state, a.id AS assignment_id "
	    "FROM decisions d LEFT JOIN assignments a ON a.decision_id = d.id "
	    "WHERE d.person_id = :pid ORDER BY d.id DESC";
	static const char cms_sql[] =
	    "SELECT u.id, u.name, u.username, date(c.started_at, 'unixepoch', 'localtime') AS since "
	    "FROM person_case_managers c JOIN users u ON u.id = c.user_id "
	    "WHERE c.person_id = :pid AND c.ended_at IS NULL ORDER BY u.name";
	static const char tenancies_sql[] =
	    "SELECT t.id, t.move_in_date, t.ordinal, t.takeover_date, t.end_date, t.end_reason, a.address "
	    "FROM tenancies t JOIN apartments a ON a.id = t.apartment_id WHERE t.person_id = :pid ORDER BY t.move_in_date DESC, t.id DESC";
	static const char plan_sql[] = "SELECT id, current_version, next_follow_up FROM plans WHERE person_id = :pid";
	static const char all_cms_sql[] =
	    "SELECT id AS value, name || ' (' || username || ')' AS label FROM users "
	    "WHERE role = 'case_manager' AND active = 1 AND id NOT IN "
	    "(SELECT user_id FROM person_case_managers WHERE person_id = :pid AND ended_at IS NULL) ORDER BY name";

	long long id = r->params[0];
	int vis = person_visible(r, id);
	if (vis < 0)
		return http_fail(r, 500, NULL);
	if (!vis)
		return http_fail(r, 404, "Personen finns inte eller ingår inte i det du har tillgång till.");
	json_t *p = person_load(id);
	if (!p)
		return http_fail(r, 500, NULL);
	json_object_set_new(r->view, "person", p);
	json_object_set_new(r->view, "title", json_string(json_string_value(json_object_get(p, "name"))));
	/* a weeded person's page only shows what is left: no write actions */
	int weeded = json_string_value(json_object_get(p, "weeded_on")) != NULL;
	if (view_list(r, "referrals", referrals_sql, id) < 0 || view_list(r, "decisions", decisions_sql, id) < 0 ||
	    view_list(r, "case_managers", cms_sql, id) < 0 || view_list(r, "tenancies", tenancies_sql, id) < 0)
		return http_fail(r, 500, NULL);
	if (r->user.role == ROLE_CM || r->user.role == ROLE_SOC) {
		json_t *plan = db_row_for(plan_sql, id);
		if (plan)
			json_object_set_new(r->view, "plan", plan);
		json_object_set_new(r->view, "shows_plan", json_true());
		view_may(r, "can_plan", !weeded, "POST", "/persons/%lld/plan", id);
	}
	int housed = 0, deceased = 0;
	size_t ti;
	json_t *tx;
	json_array_foreach(json_object_get(r->view, "tenancies"), ti, tx) {
		const char *reason = json_string_value(json_object_get(tx, "end_reason"));
		if (str_eq(reason, "deceased"))	/* the rule of PERSON_DECEASED (tenancy.h) */
			deceased = 1;
		if (reason)
			json_object_set_new(tx, "end_label", json_string(tenancy_end_label(reason)));
		else
			housed = 1;
	}
	json_object_set_new(r->view, "housed", json_boolean(housed));

	json_t *refs = json_object_get(r->view, "referrals");
	size_t i;
	json_t *x;
	int open_referral = 0;
	json_array_foreach(refs, i, x) {
		const char *s = json_string_value(json_object_get(x, "state"));
		json_object_set_new(x, "state_label", json_string(ref_state_label(s)));
		json_object_set_new(x, "step_ago", json_string(view_days_ago(r, json_integer_value(json_object_get(x, "days_since_step")))));
		if (ref_state_open(s))
			open_referral = 1;
	}
	json_t *decs = json_object_get(r->view, "decisions");
	/* the newest not replaced decision of each kind: what the status says */
	json_t *current[2] = { NULL, NULL };
	json_array_foreach(decs, i, x) {
		decision_labels(x);
		const char *state = json_string_value(json_object_get(x, "state"));
		int granted = str_eq(json_string_value(json_object_get(x, "outcome")), "granted");
		int active = granted && (str_eq(state, "in_force") || str_eq(state, "effective"));
		json_object_set_new(x, "active", json_boolean(active));
		json_object_set_new(x, "review_due", json_boolean(active));
		int k = json_is_true(json_object_get(x, "is_support"));
		if (!json_object_get(x, "replaced_by_id") && !current[k])
			current[k] = x;
	}
	json_t *status = json_array();
	for (int k = 0; k < 2; k++)
		if (current[k])
			json_array_append(status, current[k]);
	json_object_set_new(r->view, "current_decisions", status);
	int support_open = current[1] && json_is_true(json_object_get(current[1], "active"));
	if (support_open)
		json_object_set(r->view, "current_decision", current[1]);
	json_object_set_new(r->view, "deceased", json_boolean(deceased));
	json_object_set_new(r->view, "support_without_apartment", json_boolean(support_open && !housed && !deceased &&
	    json_array_size(json_object_get(r->view, "tenancies")) > 0));
	json_t *timeline = person_timeline(r, id);
	if (!timeline)
		return http_fail(r, 500, NULL);
	json_object_set_new(r->view, "timeline", timeline);
	json_t *transfers = transfer_history(id);
	if (!transfers)
		return http_fail(r, 500, NULL);
	transfer_label_districts(json_object_get(r->view, "decisions"), "created_at", transfers);
	json_decref(transfers);
	view_may(r, "can_transfer", !weeded, "POST", "/persons/%lld/transfer", id);
	view_may(r, "can_edit", !weeded, "POST", "/persons/%lld", id);
	view_may(r, "can_refer", !open_referral && !weeded, "POST", "/persons/%lld/referrals", id);
	if (view_may(r, "can_assign", !weeded, "POST", "/persons/%lld/case-managers", id)) {
		if (view_list(r, "available_case_managers", all_cms_sql, id) < 0)
			return http_fail(r, 500, NULL);
	}
	if (http_param(r, "existing"))
		json_object_set_new(r->view, "notice", json_string("Personen finns redan registrerad. Här är hennes eller hans sida."));
	if (audit_log(r->user.id, "read", "person", id, id) < 0)
		return http_fail(r, 500, NULL);
	return 200;
}

/* GET /persons/{id}/edit */
int person_edit_form(struct req *r)
{
	long long id = r->params[0];
	if (person_visible(r, id) != 1)
		return http_fail(r, 404, "Personen finns inte eller ingår inte i det du har tillgång till.");
	int weeded = person_refuse_weeded(r, id);
	if (weeded)
		return weeded;
	json_t *p = person_load(id);
	if (!p)
		return http_fail(r, 500, NULL);
	json_object_set_new(r->view, "title", json_string("Ändra personuppgifter"));
	json_object_set_new(r->view, "form", p);
	form_view(r, formdef_find("person_edit"), NULL, p);
	json_object_set_new(r->view, "action", json_string(arena_printf(&r->arena, "/persons/%lld", id)));
	json_object_set_new(r->view, "id", json_integer(id));
	return 200;
}

/* POST /persons/{id} : update names and contact details (version-checked) */
int person_update(struct req *r)
{
	static const char sql[] =
	    "UPDATE persons SET first_name = ?, last_name = ?, phone = ?, email = ?, address = ?, "
	    "version = version + 1, updated_at = ?, updated_by = ? WHERE id = ? AND version = ?";
	long long id = r->params[0];
	if (person_visible(r, id) != 1)
		return http_fail(r, 404, "Personen finns inte eller ingår inte i det du har tillgång till.");
	int weeded = person_refuse_weeded(r, id);
	if (weeded)
		return weeded;
	json_t *stored = person_load(id);
	if (!stored)
		return http_fail(r, 500, NULL);
	struct person_input in;
	memset(&in, 0, sizeof in);
	read_person_input(r, &in, 0);
	long long version = parse_id(http_param(r, "version"));
	json_t *form = json_object_get(r->view, "form");
	json_object_set_new(form, "version", json_integer(version));
	json_object_set(form, "personnummer", json_object_get(stored, "personnummer"));
	json_object_set_new(r->view, "title", json_string("Ändra personuppgifter"));
	json_object_set_new(r->view, "action", json_string(arena_printf(&r->arena, "/persons/%lld", id)));
	json_object_set_new(r->view, "id", json_integer(id));
	if (!version)
		view_error(r, "first_name", "Formuläret saknar version. Ladda om sidan och försök igen.");
	if (view_has_errors(r)) {
		json_decref(stored);
		return 400;
	}
	int rc = audit_update(r->user.id, "person", id, id, sql, "tttttiiii", in.first_name, in.last_name,
	    in.phone ? in.phone : "", in.email ? in.email : "", in.address ? in.address : "", now_unix(), r->user.id,
	    id, version);
	if (rc == 0) {
		json_object_set_new(form, "version", json_integer(json_integer_value(json_object_get(stored, "version"))));
		form_conflict(r, formdef_find("person_edit"), stored, "first_name", "personuppgifterna", NULL);
		json_decref(stored);
		return 409;
	}
	json_decref(stored);
	if (rc < 0)
		return http_fail(r, 500, NULL);
	return http_redirect_done(r, arena_printf(&r->arena, "/persons/%lld", id), DONE_PERSON_SAVED);
}

/* POST /persons/{id}/case-managers : the manager assigns a case manager */
int person_assign_cm(struct req *r)
{
	static const char check[] = "SELECT 1 FROM users WHERE id = ? AND role = 'case_manager' AND active = 1";
	static const char ins[] = "INSERT INTO person_case_managers(person_id, user_id, started_at, started_by) "
	    "VALUES(?, ?, ?, ?)";
	long long id = r->params[0];
	if (person_visible(r, id) != 1)
		return http_fail(r, 404, "Personen finns inte.");
	int weeded = person_refuse_weeded(r, id);
	if (weeded)
		return weeded;
	long long uid = parse_id(http_param(r, "user_id"));
	dbstmt *st = db_stmt(check);
	if (!st)
		return http_fail(r, 500, NULL);
	db_bindf(st, "i", uid);
	int ok = db_step(st) == DB_ROW;
	db_done(st);
	if (!ok) {
		r->back = arena_printf(&r->arena, "/persons/%lld", id);
		return http_fail(r, 400, "Välj en aktiv case manager i listan.");
	}
	if (db_begin() < 0)
		return http_fail(r, 500, NULL);
	st = db_stmt(ins);
	int rc = DB_ERROR;
	if (st) {
		db_bindf(st, "iiii", id, uid, now_unix(), r->user.id);
		rc = db_write(st, NULL);
	}
	if (rc == DB_CONSTRAINT_UNIQUE) {
		db_rollback();
		return http_redirect(r, arena_printf(&r->arena, "/persons/%lld", id));	/* already assigned */
	}
	if (rc != DB_DONE || audit_log(r->user.id, "update", "person_case_manager", uid, id) < 0 || db_commit() < 0) {
		db_rollback();
		return http_fail(r, 500, NULL);
	}
	return http_redirect_done(r, arena_printf(&r->arena, "/persons/%lld", id), DONE_CM_ASSIGNED);
}

/* POST /persons/{id}/case-managers/{id}/end : ends an assignment (kept) */
int person_end_cm(struct req *r)
{
	static const char sql[] = "UPDATE person_case_managers SET ended_at = ?, ended_by = ? "
	    "WHERE person_id = ? AND user_id = ? AND ended_at IS NULL";
	long long id = r->params[0], uid = r->params[1];
	if (person_visible(r, id) != 1)
		return http_fail(r, 404, "Personen finns inte.");
	int weeded = person_refuse_weeded(r, id);
	if (weeded)
		return weeded;
	if (db_begin() < 0)
		return http_fail(r, 500, NULL);
	dbstmt *st = db_stmt(sql);
	int changed = 0, rc = DB_ERROR;
	if (st) {
		db_bindf(st, "iiii", now_unix(), r->user.id, id, uid);
		rc = db_write(st, &changed);
	}
	if (rc != DB_DONE || !changed) {
		db_rollback();
		return rc == DB_DONE ? http_fail(r, 404, "Den tilldelningen finns inte.") : http_fail(r, 500, NULL);
	}
	if (audit_log(r->user.id, "update", "person_case_manager", uid, id) < 0 || db_commit() < 0) {
		db_rollback();
		return http_fail(r, 500, NULL);
	}
	return http_redirect_done(r, arena_printf(&r->arena, "/persons/%lld", id), DONE_CM_ENDED);
}

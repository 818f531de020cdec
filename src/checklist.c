/* checklist.c - the monthly apartment checklist: done by the case manager
 * with the participant (draft), sent to the landlord office, reviewed by
 * it with a date and a comment. The items are the admin's list, copied
 * into each checklist when it is started. */
#include "checklist.h"
#include "audit.h"
#include "date.h"
#include "db.h"
#include "formdef.h"
#include "handlers.h"
#include "scope.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECKLISTS_PAGE 50

/* checklists c of tenancies t: as the tenancy; the landlord office does
 * not see drafts. */
#define SCOPE_CHECKLIST(c, t) "(" SCOPE_TENANCY(t) " AND (:role <> 'landlord' OR " c ".state <> 'draft'))"

static const char *const states[] = { "draft", "sent", "reviewed", NULL };
static const char *const state_labels[] = { "Utkast", "Skickad till fastighetskontoret", "Granskad av fastighetskontoret", NULL };
static const char *const statuses[] = { "ok", "action", "unchecked", NULL };
static const char *const status_labels[] = { "OK", "Behöver åtgärdas", "Inte kontrollerad", NULL };

static const char *const month_names[] = { "januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti",
	"september", "oktober", "november", "december" };

void checklist_months(const char *today, char due[8], char overdue[8])
{
	char d[11];
	date_add_days(today, -10, d);
	snprintf(due, 8, "%.7s", d);
	char first[11], prev[11];
	snprintf(first, sizeof first, "%.7s-01", d);
	date_add_months(first, -1, prev);
	snprintf(overdue, 8, "%.7s", prev);
}

int checklist_month_covered(const char *month, const char *move_in, const char *end)
{
	if (!month || !move_in || strlen(month) != 7)
		return 0;
	return strncmp(move_in, month, 7) <= 0 && (!end || strncmp(end, month, 7) >= 0);
}

int checklist_offer_month(const char *today, const char *move_in, const char *end, char out[8])
{
	char due[8], late[8];
	checklist_months(today, due, late);
	if (checklist_month_covered(due, move_in, end)) {
		memcpy(out, due, 8);
		return 0;
	}
	snprintf(out, 8, "%.7s", today);
	return checklist_month_covered(out, move_in, end) ? 0 : -1;
}

void checklist_month_name(const char *month, char out[24])
{
	int y, m;
	if (month && sscanf(month, "%4d-%2d", &y, &m) == 2 && m >= 1 && m <= 12 && y >= 0 && y <= 9999)
		snprintf(out, 24, "%s %d", month_names[m - 1], y);
	else
		snprintf(out, 24, "%.23s", month ? month : "");
}

/* "oktober 2026" for "2026-10". Arena-owned. */
static const char *month_label(struct req *r, const char *month)
{
	int y, m;
	if (!month || sscanf(month, "%4d-%2d", &y, &m) != 2 || m < 1 || m > 12)
		return month ? month : "";
	return arena_printf(&r->arena, "%s %d", month_names[m - 1], y);
}

void checklist_label_rows(json_t *rows)
{
	size_t i;
	json_t *x;
	json_array_foreach(rows, i, x) {
		json_object_set_new(x, "state_label", json_string(label_of(states, state_labels,
		    json_string_value(json_object_get(x, "state")))));
		int y, m;
		const char *month = json_string_value(json_object_get(x, "month"));
		if (month && sscanf(month, "%4d-%2d", &y, &m) == 2 && m >= 1 && m <= 12) {
			char buf[32];
			snprintf(buf, sizeof buf, "%s %d", month_names[m - 1], y);
			json_object_set_new(x, "month_label", json_string(buf));
		}
	}
}

/* Ongoing tenancies without a sent checklist for :month, from "from"
 * (which must join tenancies t and persons p) and scope: a case manager
 * starts from the assignments, a socialsekreterare from the district's
 * persons, so neither walks every tenancy. The manager's list walks the
 * ongoing tenancies (slow at a million persons; see README). */
#define MISSING_LIST(from, scope) \
	"SELECT t.id, t.person_id, p.first_name || ' ' || p.last_name AS tenant, a.address, " \
	"(SELECT c.id FROM checklists c WHERE c.tenancy_id = t.id AND c.month = :month) AS draft_id " \
	"FROM " from " JOIN apartments a ON a.id = t.apartment_id " \
	"WHERE t.end_date IS NULL AND t.imported = 0 AND t.move_in_date < date(:month || '-01', '+1 month') AND " scope " " \
	"AND NOT EXISTS (SELECT 1 FROM checklists c WHERE c.tenancy_id = t.id AND c.month = :month AND c.state <> 'draft') " \
	"ORDER BY t.move_in_date, t.id LIMIT :limit"

json_t *checklist_missing_items(struct req *r, int overdue, int limit)
{
	static const char sql[] = MISSING_LIST("tenancies t JOIN persons p ON p.id = t.person_id", SCOPE_TENANCY("t"));
	/* CROSS JOIN fixes the order: SQLite would otherwise start from the
	 * ongoing tenancies, all of them */
	static const char cm_sql[] = MISSING_LIST("person_case_managers pc CROSS JOIN persons p ON p.id = pc.person_id "
	    "CROSS JOIN tenancies t ON t.person_id = p.id", "pc.user_id = :uid AND pc.ended_at IS NULL");
	/* housed: only the district's persons with an ongoing tenancy (index
	 * persons_housed_district), a third of them */
	static const char soc_sql[] = MISSING_LIST("persons p CROSS JOIN tenancies t ON t.person_id = p.id",
	    "p.district_id = :district AND p.housed = 1");
	char today[11], due[8], late[8];
	date_today(today);
	checklist_months(today, due, late);
	dbstmt *st = db_stmt(r->user.role == ROLE_CM ? cm_sql : r->user.role == ROLE_SOC ? soc_sql : sql);
	if (!st)
		return NULL;
	scope_bind(st, r);
	db_bind_named_text(st, ":month", overdue ? late : due);
	db_bind_named_int(st, ":limit", limit);
	json_t *rows = db_rows_json(st, 0, NULL);
	if (!rows)
		return NULL;
	json_t *items = json_array();
	size_t i;
	json_t *x;
	char first[11], deadline[11];
	snprintf(first, sizeof first, "%s-01", overdue ? late : due);
	date_add_months(first, 1, deadline);
	deadline[8] = '1', deadline[9] = '0';
	http_saw_rows(r, rows, "person_id");
	json_array_foreach(rows, i, x) {
		json_t *draft = json_object_get(x, "draft_id");
		json_array_append_new(items, json_pack("{s:s, s:s, s:s}",
		    "href", draft ? arena_printf(&r->arena, "/checklists/%lld", (long long)json_integer_value(draft)) :
		        arena_printf(&r->arena, "/tenancies/%lld", (long long)json_integer_value(json_object_get(x, "id"))),
		    "label", json_string_value(json_object_get(x, "tenant")),
		    "detail", arena_printf(&r->arena, "%s: checklista för %s %s %s", json_string_value(json_object_get(x, "address")),
		        month_label(r, overdue ? late : due), overdue ? "skulle ha skickats senast" : "ska skickas senast", deadline)));
	}
	json_decref(rows);
	return items;
}

/* GET /checklists?state=&after= : the landlord's inbox (sent, oldest
 * first) by default; the case side sees its tenancies' checklists and
 * what is due or overdue. */
/* The checklist list with where as its state condition: with a state it
 * walks checklists_state_id, so the landlord's inbox does not read every
 * reviewed checklist before the sent ones. */
#define CHECKLIST_LIST(where) \
	"SELECT c.id, c.month, c.state, c.sent_at, c.review_date, t.id AS tenancy_id, t.person_id, a.address, " \
	"p.first_name || ' ' || p.last_name AS tenant, date(c.sent_at, 'unixepoch', 'localtime') AS sent_date " \
	"FROM checklists c JOIN tenancies t ON t.id = c.tenancy_id JOIN apartments a ON a.id = t.apartment_id " \
	"JOIN persons p ON p.id = t.person_id WHERE " SCOPE_CHECKLIST("c", "t") " " \
	"AND " where " AND c.id > coalesce(:after, 0) ORDER BY c.id LIMIT :limit"

int checklists_list(struct req *r)
{
	static const char all_sql[] = CHECKLIST_LIST("1 = 1");
	static const char state_sql[] = CHECKLIST_LIST("c.state = :state");
	static const char *const keys[] = { "state", NULL };
	static const char *const filter[] = { "sent", "reviewed", "draft", "all", NULL };
	static const char *const filter_labels[] = { "Väntar på granskning", "Granskade", "Utkast", "Alla", NULL };
	int landlord = r->user.role == ROLE_LANDLORD;
	const char *state = http_param(r, "state");
	if (!one_of(filter, state) || (landlord && !strcmp(state, "draft")))
		state = landlord ? "sent" : "all";
	dbstmt *st = db_stmt(strcmp(state, "all") ? state_sql : all_sql);
	if (!st)
		return http_fail(r, 500, NULL);
	scope_bind(st, r);
	db_bind_named_text(st, ":state", state);
	json_t *rows = view_keyset_page(r, st, CHECKLISTS_PAGE, keys, "/checklists");
	if (!rows)
		return http_fail(r, 500, NULL);
	checklist_label_rows(rows);
	json_object_set_new(r->view, "title", json_string(landlord ? "Checklistor att granska" : "Checklistor"));
	json_object_set_new(r->view, "states", view_options(filter, filter_labels, state));
	if (!landlord) {
		json_t *late = checklist_missing_items(r, 1, 200), *due = checklist_missing_items(r, 0, 200);
		if (!late || !due) {
			json_decref(late);
			json_decref(due);
			return http_fail(r, 500, NULL);
		}
		json_object_set_new(r->view, "overdue", late);
		json_object_set_new(r->view, "due", due);
	}
	return 200;
}

/* POST /tenancies/{id}/checklists : start (or open) the month's checklist */
int checklist_create(struct req *r)
{
	static const char tenancy_sql[] = "SELECT t.id, t.person_id, t.move_in_date, t.end_date FROM tenancies t "
	    "WHERE t.id = :id AND " SCOPE_TENANCY("t");
	static const char existing_sql[] = "SELECT id FROM checklists WHERE tenancy_id = ? AND month = ?";
	static const char items_sql[] =
	    "SELECT json_group_array(json_object('label', label, 'status', 'unchecked', 'comment', '')) AS items "
	    "FROM (SELECT label FROM config_items WHERE list = 'checklist_item' AND active = 1 ORDER BY position, id)";
	static const char ins[] = "INSERT INTO checklists(tenancy_id, month, items, created_at, created_by, updated_at, updated_by) "
	    "VALUES(?, ?, ?, ?, ?, ?, ?)";
	long long tid = r->params[0];
	json_t *t = scope_row(tenancy_sql, r, tid);
	if (!t)
		return http_fail(r, 404, "Boendet finns inte eller ingår inte i det du har tillgång till.");
	long long person_id = json_integer_value(json_object_get(t, "person_id"));
	int ended = json_object_get(t, "end_date") != NULL;
	const char *move_in = arena_strdup(&r->arena, json_string_value(json_object_get(t, "move_in_date")));
	json_decref(t);
	r->back = arena_printf(&r->arena, "/tenancies/%lld", tid);
	if (ended)
		return http_fail(r, 409, "Boendet är avslutat; nya checklistor görs inte.");
	char today[11], offer[8];
	date_today(today);
	const char *month = http_param(r, "month");
	if (!month || !*month) {
		/* the page's button names its month; without one, the month it
		 * offers (never one before the move-in) */
		if (checklist_offer_month(today, move_in, NULL, offer) < 0)
			return http_fail(r, 400, arena_printf(&r->arena, "Boendet börjar %s. Månadens checklista görs när "
			    "hyresgästen har flyttat in. Ingen checklista har skapats.", move_in));
		month = offer;
	}
	char probe[11];
	snprintf(probe, sizeof probe, "%.7s-01", month);
	if (strlen(month) != 7 || !valid_date(probe) || strcmp(month, "2000-01") < 0 || strncmp(month, today, 7) > 0)
		return http_fail(r, 400, "Ange månaden som ÅÅÅÅ-MM (inte en kommande månad).");
	if (!checklist_month_covered(month, move_in, NULL)) {
		char name[24], first[24];
		checklist_month_name(month, name);
		checklist_month_name(move_in, first);
		return http_fail(r, 400, arena_printf(&r->arena, "Boendet började %s, så det finns ingen checklista för %s. "
		    "Checklistor görs för månader då boendet pågår, från %s. Ingen checklista har skapats.", move_in, name, first));
	}
	dbstmt *st = db_stmt(existing_sql);
	if (!st)
		return http_fail(r, 500, NULL);
	db_bindf(st, "it", tid, month);
	long long existing = db_step(st) == DB_ROW ? db_col_int64(st, 0) : 0;
	db_done(st);
	if (existing)
		return http_redirect(r, arena_printf(&r->arena, "/checklists/%lld", existing));
	json_t *items = db_row_for(items_sql, 0);
	if (!items)
		return http_fail(r, 500, NULL);
	long long now = now_unix();
	long long id = audit_insert(r->user.id, "checklist", person_id, ins, "ittiiii", tid, month,
	    json_string_value(json_object_get(items, "items")), now, r->user.id, now, r->user.id);
	json_decref(items);
	if (id < 0)
		return http_fail(r, 500, NULL);
	return http_redirect_done(r, arena_printf(&r->arena, "/checklists/%lld", id), DONE_CHECKLIST_CREATED);
}

static json_t *checklist_load(struct req *r, long long id)
{
	static const char sql[] =
	    "SELECT c.*, t.person_id, t.move_in_date, a.address, p.first_name || ' ' || p.last_name AS tenant, "
	    "su.name AS sent_by_name, ru.name AS reviewed_by_name, date(c.sent_at, 'unixepoch', 'localtime') AS sent_date "
	    "FROM checklists c JOIN tenancies t ON t.id = c.tenancy_id JOIN apartments a ON a.id = t.apartment_id "
	    "JOIN persons p ON p.id = t.person_id LEFT JOIN users su ON su.id = c.sent_by LEFT JOIN users ru ON ru.id = c.reviewed_by "
	    "WHERE c.id = :id AND " SCOPE_CHECKLIST("c", "t");
	json_t *c = scope_row(sql, r, id);
	if (!c)
		return NULL;
	json_t *items = json_loads(json_string_value(json_object_get(c, "items")), 0, NULL);
	json_object_set_new(c, "items", items ? items : json_array());
	json_t *one = json_pack("[O]", c);
	checklist_label_rows(one);
	json_decref(one);
	return c;
}

/* Puts the checklist and its forms in the view. form_items (may be NULL)
 * are the posted items to show instead of the stored ones; v (may be NULL)
 * what was typed into the described fields. */
static void checklist_view(struct req *r, json_t *c, json_t *form_items, const struct fvals *v)
{
	const char *state = json_string_value(json_object_get(c, "state"));
	long long id = json_integer_value(json_object_get(c, "id"));
	json_t *items = form_items ? form_items : json_object_get(c, "items");
	size_t i;
	json_t *x;
	json_array_foreach(items, i, x) {
		const char *s = json_string_value(json_object_get(x, "status"));
		json_object_set_new(x, "index", json_integer((json_int_t)i));
		json_object_set_new(x, "status_label", json_string(label_of(statuses, status_labels, s)));
		json_object_set_new(x, "options", view_options(statuses, status_labels, s));
		json_object_set_new(x, "needs_action", json_boolean(s && !strcmp(s, "action")));
		json_t *fe = json_object_get(json_object_get(r->view, "field_errors"), arena_printf(&r->arena, "comment_%zu", i));
		if (fe)
			json_object_set(x, "error", fe);
	}
	json_object_set_new(r->view, "checklist", c);
	if (form_items)
		json_object_set_new(r->view, "form_items", form_items);
	json_object_set_new(r->view, "title", json_string(arena_printf(&r->arena, "Checklista %s: %s",
	    json_string_value(json_object_get(c, "month_label")), json_string_value(json_object_get(c, "address")))));
	int can_edit = view_may(r, "can_edit", !strcmp(state, "draft"), "POST", "/checklists/%lld", id);
	int can_review = view_may(r, "can_review", !strcmp(state, "sent"), "POST", "/checklists/%lld/review", id);
	json_object_set_new(r->view, "action", json_string(arena_printf(&r->arena, can_review ? "/checklists/%lld/review" :
	    "/checklists/%lld", id)));
	if (!json_object_get(r->view, "version"))
		json_object_set_new(r->view, "version", json_integer(json_integer_value(json_object_get(c, "version"))));
	char today[11];
	date_today(today);
	if (can_edit || can_review) {
		json_t *stored = json_deep_copy(c);	/* a date not set yet: today */
		const char *date_key = can_edit ? "done_date" : "review_date";
		if (!json_string_value(json_object_get(stored, date_key)))
			json_object_set_new(stored, date_key, json_string(today));
		form_view(r, formdef_find(can_edit ? "checklist" : "checklist_review"), v, stored);
		json_decref(stored);
	}
}

/* GET /checklists/{id} */
int checklist_page(struct req *r)
{
	json_t *c = checklist_load(r, r->params[0]);
	if (!c)
		return http_fail(r, 404, "Checklistan finns inte eller ingår inte i det du har tillgång till.");
	long long person_id = json_integer_value(json_object_get(c, "person_id"));
	checklist_view(r, c, NULL, NULL);
	if (audit_log(r->user.id, "read", "checklist", r->params[0], person_id) < 0)
		return http_fail(r, 500, NULL);
	return 200;
}

/* Reads the posted items against the stored ones (same labels, same
 * order). Returns a new array; errors go to the view when sending. */
static json_t *read_items(struct req *r, json_t *stored, int sending)
{
	json_t *out = json_array();
	size_t i;
	json_t *x;
	json_array_foreach(stored, i, x) {
		const char *s = http_param(r, arena_printf(&r->arena, "status_%zu", i));
		const char *comment = http_param(r, arena_printf(&r->arena, "comment_%zu", i));
		if (!one_of(statuses, s))
			s = "unchecked";
		if (comment && utf8_chars(comment) > 1000)
			view_error(r, arena_printf(&r->arena, "comment_%zu", i), "Kommentaren får vara högst 1000 tecken.");
		else if (sending && !strcmp(s, "action") && (!comment || !*comment))
			view_error(r, arena_printf(&r->arena, "comment_%zu", i), arena_printf(&r->arena,
			    "%s: skriv vad som behöver åtgärdas.", json_string_value(json_object_get(x, "label"))));
		json_array_append_new(out, json_pack("{s:O, s:s, s:s}", "label", json_object_get(x, "label"), "status", s,
		    "comment", comment ? comment : ""));
	}
	return out;
}

/* The answer to a draft saved after the checklist was sent (another tab,
 * another person): 409, the checklist as it is now, and in the conflict
 * box what was typed (the items' comments too), so nothing typed is lost
 * from view. Takes over c and items. Returns 409. */
static int sent_meanwhile(struct req *r, json_t *c, json_t *items, const struct fvals *v)
{
	const char *by = json_string_value(json_object_get(c, "sent_by_name"));
	const char *msg = arena_printf(&r->arena, "Checklistan har skickats%s%s sedan du öppnade sidan och kan inte längre "
	    "ändras. Det du skrev visas under ”Sparat av någon annan”; ingenting av det har sparats.", by ? " av " : "",
	    by ? by : "");
	form_conflict(r, formdef_find("checklist"), c, "done_date", "checklistan", NULL);
	json_t *conflict = json_object_get(r->view, "conflict");
	json_t *errors = json_object_get(r->view, "errors");
	json_object_set_new(json_array_get(errors, json_array_size(errors) - 1), "message", json_string(msg));
	json_object_set_new(conflict, "message", json_string(msg));
	json_object_set_new(conflict, "closed", json_string(msg));
	form_conflict_typed(r, v);
	json_t *typed = json_object_get(conflict, "typed");
	size_t i;
	json_t *x;
	json_array_foreach(items, i, x) {
		const char *comment = json_string_value(json_object_get(x, "comment"));
		const char *s = json_string_value(json_object_get(x, "status"));
		if ((comment && *comment) || strcmp(s, "unchecked"))
			json_array_append_new(typed, json_pack("{s:O, s:s}", "label", json_object_get(x, "label"), "value",
			    arena_printf(&r->arena, "%s%s%s", label_of(statuses, status_labels, s), comment && *comment ? ": " : "",
			    comment ? comment : "")));
	}
	json_object_set_new(conflict, "has_typed", json_boolean(json_array_size(typed) > 0));
	json_decref(items);
	checklist_view(r, c, NULL, NULL);
	return 409;
}

/* POST /checklists/{id} : save the draft; with send=1 also send it */
int checklist_save(struct req *r)
{
	static const char sql[] =
	    "UPDATE checklists SET items = ?, done_date = ?, agreed_actions = ?, participant_comment = ?, "
	    "state = CASE WHEN ?5 = 1 THEN 'sent' ELSE 'draft' END, sent_at = CASE WHEN ?5 = 1 THEN ?6 END, "
	    "sent_by = CASE WHEN ?5 = 1 THEN ?7 END, version = version + 1, updated_at = ?6, updated_by = ?7 "
	    "WHERE id = ?8 AND version = ?9 AND state = 'draft'";
	long long id = r->params[0];
	json_t *c = checklist_load(r, id);
	if (!c)
		return http_fail(r, 404, "Checklistan finns inte eller ingår inte i det du har tillgång till.");
	long long person_id = json_integer_value(json_object_get(c, "person_id"));
	int sending = http_param(r, "send") != NULL;
	json_t *items = read_items(r, json_object_get(c, "items"), sending);
	struct fvals *v = form_read(r, formdef_find("checklist"));
	const char *done = fv_str(v, "done_date"), *agreed = fv_text(v, "agreed_actions");
	const char *own = fv_text(v, "participant_comment");
	char today[11];
	date_today(today);
	long long version = parse_id(http_param(r, "version"));
	if (done && strcmp(done, today) > 0)
		view_error(r, "done_date", "Ange datumet för genomgången som ÅÅÅÅ-MM-DD (inte i framtiden).");
	else if (sending && !done && !view_has_field_error(r, "done_date"))
		view_error(r, "done_date", "Ange när genomgången gjordes innan du skickar checklistan.");
	json_object_set_new(r->view, "version", json_integer(version));
	if (!str_eq(json_string_value(json_object_get(c, "state")), "draft"))
		return sent_meanwhile(r, c, items, v);
	if (view_has_errors(r)) {
		checklist_view(r, c, items, v);
		return 400;
	}
	char *text = json_dumps(items, JSON_COMPACT);
	int rc = audit_update(r->user.id, "checklist", id, person_id, sql, "tettiiiii", text, done, agreed,
	    own, (long long)sending, now_unix(), r->user.id, id, version);
	free(text);
	if (rc == 0) {
		form_conflict(r, formdef_find("checklist"), c, "done_date", "checklistan", NULL);
		json_object_set_new(r->view, "version", json_integer(json_integer_value(json_object_get(c, "version"))));
		checklist_view(r, c, items, v);
		return 409;
	}
	json_decref(items);
	json_decref(c);
	if (rc < 0)
		return http_fail(r, 500, NULL);
	return http_redirect_done(r, arena_printf(&r->arena, "/checklists/%lld", id),
	    sending ? DONE_CHECKLIST_SENT : DONE_CHECKLIST_SAVED);
}

/* POST /checklists/{id}/review : the landlord office's review */
int checklist_review(struct req *r)
{
	static const char sql[] =
	    "UPDATE checklists SET state = 'reviewed', review_date = ?, review_comment = ?, reviewed_at = ?, reviewed_by = ?, "
	    "version = version + 1, updated_at = ?, updated_by = ? WHERE id = ? AND version = ? AND state = 'sent'";
	long long id = r->params[0];
	json_t *c = checklist_load(r, id);
	if (!c)
		return http_fail(r, 404, "Checklistan finns inte eller ingår inte i det du har tillgång till.");
	long long person_id = json_integer_value(json_object_get(c, "person_id"));
	const struct formdef *d = formdef_find("checklist_review");
	struct fvals *v = form_read(r, d);
	const char *date = fv_str(v, "review_date"), *comment = fv_text(v, "review_comment");
	char today[11];
	date_today(today);
	long long version = parse_id(http_param(r, "version"));
	const char *sent = json_string_value(json_object_get(c, "sent_date"));
	if (date && strcmp(date, today) > 0)
		view_error(r, "review_date", "Ange granskningsdatum som ÅÅÅÅ-MM-DD (inte i framtiden).");
	else if (date && sent && strcmp(date, sent) < 0)
		view_error(r, "review_date", "Granskningen kan inte vara före det datum checklistan skickades.");
	json_object_set_new(r->view, "version", json_integer(version));
	if (!str_eq(json_string_value(json_object_get(c, "state")), "sent")) {
		json_decref(c);
		r->back = arena_printf(&r->arena, "/checklists/%lld", id);
		return http_fail(r, 409, "Checklistan är redan granskad.");
	}
	if (view_has_errors(r)) {
		checklist_view(r, c, NULL, v);
		return 400;
	}
	long long now = now_unix();
	int rc = audit_update(r->user.id, "checklist", id, person_id, sql, "ttiiiiii", date, comment, now,
	    r->user.id, now, r->user.id, id, version);
	if (rc == 0) {
		form_conflict(r, d, c, "review_date", "checklistan", NULL);
		json_object_set_new(r->view, "version", json_integer(json_integer_value(json_object_get(c, "version"))));
		checklist_view(r, c, NULL, v);
		return 409;
	}
	json_decref(c);
	if (rc < 0)
		return http_fail(r, 500, NULL);
	return http_redirect_done(r, arena_printf(&r->arena, "/checklists/%lld", id), DONE_CHECKLIST_REVIEWED);
}

/* home.c - each role's start page (what is due today), and the health check. */
#include "handlers.h"
#include "audit.h"
#include "db.h"
#include "decision.h"
#include "referral.h"
#include "scope.h"
#include "checklist.h"
#include "tenancy.h"
#include "visit.h"

#include <string.h>

#define HOME_LIMIT 20

/* What each role's start page says it is for. */
static const char *role_intro(int role)
{
	switch (role) {
	case ROLE_SOC: return "Här ser du remisser som väntar på dig och beslut som snart ska omprövas.";
	case ROLE_CM: return "Här ser du hembesök, checklistor och uppföljningar som väntar, remisser som väntar på teamet och dina deltagare.";
	case ROLE_LANDLORD: return "Här ser du checklistor som väntar på granskning, boenden som är redo för överlåtelse och öppna händelser.";
	case ROLE_MANAGER: return "Här följer du hela programmet: remisser som väntat längst och beslut som ska omprövas.";
	case ROLE_ADMIN: return "Här hanterar du användare och stadsdelar. Du ser inga ärenden.";
	default: return "";
	}
}

/* Appends a section {heading, items, more_href} when it has items. */
static void add_section(json_t *sections, const char *heading, json_t *items, const char *more_href)
{
	if (!items)
		return;
	if (json_array_size(items) == 0) {
		json_decref(items);
		return;
	}
	json_t *s = json_pack("{s:s, s:o}", "heading", heading, "items", items);
	if (more_href)
		json_object_set_new(s, "more_href", json_string(more_href));
	json_array_append_new(sections, s);
}

/* Referrals as start-page items. Takes rows; returns items. */
static json_t *referral_items(struct req *r, json_t *rows)
{
	json_t *items = json_array();
	size_t i;
	json_t *x;
	http_saw_rows(r, rows, "person_id");
	json_array_foreach(rows, i, x) {
		json_int_t days = json_integer_value(json_object_get(x, "days_since_step"));
		json_array_append_new(items, json_pack("{s:s, s:s, s:s}",
		    "href", arena_printf(&r->arena, "/referrals/%lld", (long long)json_integer_value(json_object_get(x, "id"))),
		    "label", json_string_value(json_object_get(x, "person_name")),
		    "detail", arena_printf(&r->arena, "%s – %s, senaste steget %s",
		        json_string_value(json_object_get(x, "state_label")), json_string_value(json_object_get(x, "district")),
		        view_days_ago(r, days))));
	}
	json_decref(rows);
	return items;
}

/* Granted decisions not verkställda within three months as start-page
 * items, oldest first. Takes rows; returns items. */
static json_t *unenforced_items(struct req *r, json_t *rows)
{
	json_t *items = json_array();
	size_t i;
	json_t *x;
	http_saw_rows(r, rows, "person_id");
	json_array_foreach(rows, i, x) {
		long long days = json_integer_value(json_object_get(x, "days"));
		json_array_append_new(items, json_pack("{s:s, s:s, s:s}",
		    "href", arena_printf(&r->arena, "/decisions/%lld", (long long)json_integer_value(json_object_get(x, "id"))),
		    "label", arena_printf(&r->arena, "%s: %s", json_string_value(json_object_get(x, "person_name")),
		        json_string_value(json_object_get(x, "kind_label"))),
		    "detail", arena_printf(&r->arena, "Beviljat %s, inte verkställt efter %lld dagar",
		        json_string_value(json_object_get(x, "decision_date")), days)));
	}
	json_decref(rows);
	return items;
}

/* Decisions due as start-page items. Takes rows; returns items. */
static json_t *decision_items(struct req *r, json_t *rows)
{
	json_t *items = json_array();
	size_t i;
	json_t *x;
	http_saw_rows(r, rows, "person_id");
	json_array_foreach(rows, i, x) {
		json_int_t left = json_integer_value(json_object_get(x, "days_left"));
		json_array_append_new(items, json_pack("{s:s, s:s, s:s}",
		    "href", arena_printf(&r->arena, "/decisions/%lld", (long long)json_integer_value(json_object_get(x, "id"))),
		    "label", arena_printf(&r->arena, "%s: %s", json_string_value(json_object_get(x, "person_name")),
		        json_string_value(json_object_get(x, "kind_label"))),
		    "detail", left < 0 ? arena_printf(&r->arena, "Beslutet gick ut %s – ska omprövas", json_string_value(json_object_get(x, "end_date"))) :
		        left == 0 ? arena_printf(&r->arena, "Beslutet går ut i dag (%s)", json_string_value(json_object_get(x, "end_date"))) :
		        arena_printf(&r->arena, "Beslutet går ut %s (om %lld %s)", json_string_value(json_object_get(x, "end_date")),
		            (long long)left, plural(left, "dag", "dagar"))));
	}
	json_decref(rows);
	return items;
}

/* The case manager's own participants. */
static json_t *my_persons(struct req *r)
{
	static const char sql[] =
	    "SELECT p.id, p.first_name || ' ' || p.last_name AS name, d.name AS district "
	    "FROM person_case_managers c JOIN persons p ON p.id = c.person_id JOIN districts d ON d.id = p.district_id "
	    "WHERE c.user_id = ? AND c.ended_at IS NULL ORDER BY p.last_name, p.first_name, p.id LIMIT 100";
	json_t *rows = db_rows_for(sql, r->user.id);
	if (!rows)
		return NULL;
	json_t *items = json_array();
	size_t i;
	json_t *x;
	json_array_foreach(rows, i, x)
		json_array_append_new(items, json_pack("{s:s, s:s, s:s}",
		    "href", arena_printf(&r->arena, "/persons/%lld", (long long)json_integer_value(json_object_get(x, "id"))),
		    "label", json_string_value(json_object_get(x, "name")), "detail", json_string_value(json_object_get(x, "district"))));
	json_decref(rows);
	return items;
}

/* Runs sql (scoped; its columns are href, label and detail) into start-
 * page items. New reference, NULL on error. */
static json_t *sql_items(struct req *r, const char *sql)
{
	dbstmt *st = db_stmt(sql);
	if (!st)
		return NULL;
	scope_bind(st, r);
	db_bind_named_int(st, ":limit", HOME_LIMIT);
	return db_rows_json(st, 0, NULL);
}

/* The case manager's participants with an ongoing tenancy and no home
 * visit (met) this week. */
static const char no_home_visit_sql[] =
    "SELECT '/visits?person=' || p.id AS href, p.id AS person_id, p.first_name || ' ' || p.last_name AS label, "
    "'Inget hembesök denna vecka' || coalesce(' (senast ' || (SELECT max(v.date) FROM visits v WHERE v.person_id = p.id "
    " AND +v.kind = 'home' AND v.met = 1 AND " VISIT_COUNTS("v") ") || ')', '') AS detail "
    "FROM person_case_managers c CROSS JOIN persons p ON p.id = c.person_id "
    "WHERE c.user_id = :uid AND c.ended_at IS NULL "
    "AND EXISTS (SELECT 1 FROM tenancies t WHERE t.person_id = p.id AND t.end_date IS NULL AND t.imported = 0) "
    "AND NOT EXISTS (SELECT 1 FROM visits v WHERE v.person_id = p.id AND +v.kind = 'home' AND v.met = 1 "
    " AND v.date >= " WEEK_START " AND v.date <= :today AND " VISIT_COUNTS("v") ") "
    "ORDER BY p.last_name, p.first_name LIMIT :limit";

/* Plans of the viewer's participants with a follow-up within 14 days or passed. */
static const char plan_follow_up_sql[] =
    "SELECT '/plans/' || pl.id AS href, p.id AS person_id, p.first_name || ' ' || p.last_name AS label, "
    "CASE WHEN pl.next_follow_up < :today THEN 'Uppföljningen av genomförandeplanen skulle ha gjorts ' "
    " ELSE 'Genomförandeplanen följs upp ' END || pl.next_follow_up AS detail "
    "FROM plans pl JOIN persons p ON p.id = pl.person_id "
    "WHERE pl.next_follow_up <= date(:today, '+14 days') AND " SCOPE_PERSON("p") " "
    "ORDER BY pl.next_follow_up LIMIT :limit";

/* Checklists sent and waiting for the landlord's review, oldest first. */
static const char inbox_sql[] =
    "SELECT '/checklists/' || c.id AS href, p.id AS person_id, p.first_name || ' ' || p.last_name AS label, "
    "a.address || ': checklista ' || c.month || ', skickad ' || date(c.sent_at, 'unixepoch', 'localtime') AS detail "
    "FROM checklists c JOIN tenancies t ON t.id = c.tenancy_id JOIN persons p ON p.id = t.person_id "
    "JOIN apartments a ON a.id = t.apartment_id WHERE c.state = 'sent' ORDER BY c.sent_at LIMIT :limit";

/* Tenancies ready for the takeover review (the landlord office). */
static const char ready_sql[] =
    "SELECT '/tenancies/' || t.id AS href, p.id AS person_id, p.first_name || ' ' || p.last_name AS label, "
    "a.address || ': inflyttning ' || t.move_in_date AS detail "
    "FROM tenancies t JOIN persons p ON p.id = t.person_id JOIN apartments a ON a.id = t.apartment_id "
    "WHERE " TENANCY_READY_WHERE " ORDER BY t.move_in_date LIMIT :limit";

/* Open housing-related incidents (the landlord office). */
static const char open_incidents_sql[] =
    "SELECT '/incidents/' || i.id AS href, p.id AS person_id, p.first_name || ' ' || p.last_name AS label, "
    "a.address || ': ' || CASE i.kind WHEN 'disturbance' THEN 'störning' WHEN 'damage' THEN 'skada' "
    " WHEN 'rent_arrears' THEN 'hyresskuld' WHEN 'threat' THEN 'hot' WHEN 'sanitary' THEN 'sanitär olägenhet' "
    " ELSE 'annat' END || ' ' || i.date AS detail "
    "FROM incidents i INDEXED BY incidents_open_housing "	/* the open ones in date order, not all open sorted */
    "JOIN tenancies t ON t.id = i.tenancy_id JOIN persons p ON p.id = t.person_id "
    "JOIN apartments a ON a.id = t.apartment_id WHERE i.resolved_date IS NULL AND i.housing_related = 1 "
    "ORDER BY i.date LIMIT :limit";

/* Move-ins and ends in the last 30 days (the socialsekreterare's district),
 * newest first: one half walks the move-in dates down, the other the end
 * dates, each stops after a page (an OR over both would collect every
 * event of the month in every district first); a tenancy that began and
 * ended within the window is shown once, as ended (an end is never before
 * the move-in, so the move-in half needs only the ongoing ones). */
#define HOUSING_EVENTS_HALF(when, cond, detail) \
	"SELECT * FROM (SELECT '/tenancies/' || t.id AS href, p.id AS person_id, p.first_name || ' ' || p.last_name AS label, " \
	detail " AS detail, " when " AS k_when, t.id AS k_id " \
	"FROM tenancies t JOIN persons p ON p.id = t.person_id JOIN apartments a ON a.id = t.apartment_id " \
	"WHERE " cond " AND " SCOPE_PERSON("p") " ORDER BY " when " DESC LIMIT :limit)"
static const char housing_events_sql[] =
    HOUSING_EVENTS_HALF("t.end_date", "t.end_date >= date(:today, '-30 days')",
	"'Boendet avslutat ' || t.end_date || ' (' || CASE t.end_reason WHEN 'evicted' THEN 'vräkt' "
	"WHEN 'wanted' THEN 'ville flytta' WHEN 'deceased' THEN 'avliden' ELSE 'annat' END || ')'")
    " UNION ALL "
    HOUSING_EVENTS_HALF("t.move_in_date", "t.move_in_date >= date(:today, '-30 days') AND t.end_date IS NULL",
	"'Flyttade in ' || t.move_in_date || ', ' || a.address")
    " ORDER BY k_when DESC, k_id DESC LIMIT :limit";

/* Persons granted support in the last 180 days with no case manager: the
 * manager's to assign (the case manager cannot open the person until
 * then). Walks the recent decisions newest first (decisions_recent) and
 * stops after a page. */
static const char granted_without_cm_sql[] =
    "SELECT '/persons/' || p.id AS href, p.id AS person_id, p.first_name || ' ' || p.last_name AS label, "
    "'Beslut ' || x.decision_date || ', ' || d.name || ': tilldela en case manager' AS detail "
    "FROM decisions x INDEXED BY decisions_recent JOIN persons p ON p.id = x.person_id "
    "JOIN districts d ON d.id = p.district_id "
    "WHERE x.replaced_by_id IS NULL AND x.decision_date >= date(:today, '-180 days') AND x.end_date >= :today "
    "AND +x.kind = 'support' AND +x.outcome = 'granted' AND +x.ended_on IS NULL "
    "AND NOT EXISTS (SELECT 1 FROM person_case_managers c WHERE c.person_id = p.id AND c.ended_at IS NULL) "
    "ORDER BY x.decision_date DESC, x.id DESC LIMIT :limit";

/* The landlord office's "Väntar på lägenhet": persons with an open granted
 * housing decision (decisions_open, migrations/0013) and no home (names only, as on the move-in form), those who never
 * had one first; each links to the free apartments, with a move-in for
 * that person one click away. Walks persons_unhoused. */
static const char waiting_for_home_sql[] =
    "SELECT '/apartments?status=available&for=' || p.id AS href, p.id AS person_id, "
    "p.first_name || ' ' || p.last_name AS label, "
    "coalesce('Utflyttad ' || p.last_moved_out || ', ', '') || 'beslutet gäller till ' || "
    "(SELECT max(x.end_date) FROM decisions_open x WHERE x.person_id = p.id AND x.kind = 'housing') AS detail "
    "FROM persons p INDEXED BY persons_unhoused WHERE p.housed = 0 "
    "AND EXISTS (SELECT 1 FROM decisions_open x WHERE x.person_id = p.id AND x.kind = 'housing') "
    "AND NOT EXISTS (SELECT 1 FROM tenancies o WHERE o.person_id = p.id AND o.end_reason = 'deceased') "
    "ORDER BY p.last_moved_out NULLS FIRST, p.last_name, p.first_name, p.id LIMIT :limit";

/* Persons with a current decision and no ongoing tenancy (tenancy.h). */
static const char without_apartment_sql[] = WITHOUT_APARTMENT_SQL(
    "'/persons/' || p.id AS href, p.id AS person_id, p.first_name || ' ' || p.last_name AS label, "
    "coalesce('Utflyttad ' || p.last_moved_out, 'Väntar på lägenhet') || ', beslutet gäller till ' || x.end_date AS detail", "1 = 1");

/* Changes made in the web (by an administrator) to accounts that give
 * case access, not yet acknowledged by a manager (migrations/0009): who
 * changed whose account, and how. The command line (adduser, passwd) is
 * the operator with the server's shell, outside what this guards. */
static const char access_changes_sql[] =
    "SELECT a.id, a.at, a.action, a.entity, coalesce(actor.name, actor.username, 'kommandoraden') AS actor, "
    "target.username AS target, target.name AS target_name, target.role AS role "
    "FROM audit a INDEXED BY audit_entity JOIN users target ON target.id = a.entity_id LEFT JOIN users actor ON actor.id = a.user_id "
    "WHERE a.entity IN ('user', 'user_password') AND a.action IN ('create', 'update') AND a.user_id IS NOT NULL "
    "AND target.role IN ('manager', 'socialsekreterare', 'case_manager') "
    "AND NOT EXISTS (SELECT 1 FROM access_change_acks k WHERE k.audit_id = a.id) ORDER BY a.id LIMIT 50";

/* The managers' list of access changes to acknowledge, as view objects. */
static json_t *access_changes(struct req *r)
{
	dbstmt *st = db_stmt(access_changes_sql);
	if (!st)
		return NULL;
	json_t *rows = db_rows_json(st, 0, NULL);
	size_t i;
	json_t *x;
	json_array_foreach(rows, i, x) {
		char when[17];
		local_time(json_integer_value(json_object_get(x, "at")), when);
		const char *entity = json_string_value(json_object_get(x, "entity"));
		const char *what = str_eq(entity, "user_password") ? "återställde lösenordet för" :
		    str_eq(json_string_value(json_object_get(x, "action")), "create") ? "skapade kontot" : "ändrade kontot";
		json_object_set_new(x, "text", json_string(arena_printf(&r->arena, "%s %s %s %s (%s)", when,
		    json_string_value(json_object_get(x, "actor")), what, json_string_value(json_object_get(x, "target")),
		    role_label(role_from_name(json_string_value(json_object_get(x, "role")))))));
		if (str_eq(json_string_value(json_object_get(x, "target")), r->user.username))
			json_object_set_new(x, "own", json_true());	/* kvitteras av en annan chef */
		else
			json_object_set_new(x, "action_href", json_string(arena_printf(&r->arena, "/access-changes/%lld/ack",
			    (long long)json_integer_value(json_object_get(x, "id")))));
	}
	return rows;
}

/* POST /access-changes/{id}/ack : a manager has seen an access change. */
int access_change_ack(struct req *r)
{
	static const char is_change[] = "SELECT entity_id FROM audit WHERE id = ? AND entity IN ('user', 'user_password') "
	    "AND action IN ('create', 'update')";
	/* a manager whose own account has a change nobody has acknowledged (an
	 * account an administrator just made or changed) acknowledges nothing */
	static const char own_pending[] = "SELECT 1 FROM audit a INDEXED BY audit_entity WHERE a.entity IN ('user', 'user_password') "
	    "AND a.entity_id = ? AND a.action IN ('create', 'update') AND a.user_id IS NOT NULL "
	    "AND NOT EXISTS (SELECT 1 FROM access_change_acks k WHERE k.audit_id = a.id)";
	static const char ins[] = "INSERT INTO access_change_acks(audit_id, acked_by, acked_at) VALUES(?, ?, ?) ON CONFLICT DO NOTHING";
	long long id = r->params[0];
	json_t *row = db_row_for(is_change, id);
	if (!row)
		return http_fail(r, 404, "Ändringen finns inte.");
	long long target = json_integer_value(json_object_get(row, "entity_id"));
	json_decref(row);
	if (target == r->user.id)
		return http_fail(r, 403, "En ändring av ditt eget konto kvitteras av en annan chef.");
	json_t *pending = db_row_for(own_pending, r->user.id);
	if (pending) {
		json_decref(pending);
		return http_fail(r, 403, "Ditt eget konto har en ändring som ingen annan chef har kvitterat än. "
		    "Den måste kvitteras först.");
	}
	if (db_begin() < 0)
		return http_fail(r, 500, NULL);
	if (db_execf(ins, "iii", id, r->user.id, now_unix()) < 0 || audit_log(r->user.id, "create", "access_change_ack", id, 0) < 0 ||
	    db_commit() < 0) {
		db_rollback();
		return http_fail(r, 500, NULL);
	}
	return http_redirect_done(r, "/", DONE_ACCESS_CHANGE_ACKED);
}

/* GET / : greets the user; lists the role's work due today. */
int home_page(struct req *r)
{
	const char *name = r->user.name && *r->user.name ? r->user.name : r->user.username;
	json_object_set_new(r->view, "title", json_string("Start"));
	json_object_set_new(r->view, "greeting", json_string(name));
	json_object_set_new(r->view, "intro", json_string(role_intro(r->user.role)));
	json_t *sections = json_array();
	switch (r->user.role) {
	case ROLE_SOC:
		add_section(sections, "Remisser som väntar på dig",
		    referral_items(r, referrals_waiting(r, ROLE_SOC, HOME_LIMIT)), "/referrals");
		add_section(sections, "Beslut att ompröva inom 60 dagar",
		    decision_items(r, decisions_due_rows(r, 60, HOME_LIMIT)), "/decisions");
		add_section(sections, "Ej verkställda beslut (över tre månader)",
		    unenforced_items(r, decisions_unenforced_rows(r, HOME_LIMIT)), "/decisions/unenforced");
		add_section(sections, "Inflyttningar och avslutade boenden senaste 30 dagarna",
		    sql_items(r, housing_events_sql), "/tenancies?state=all");
		break;
	case ROLE_CM:
		add_section(sections, "Inget hembesök denna vecka", sql_items(r, no_home_visit_sql), "/visits");
		add_section(sections, "Försenade checklistor", checklist_missing_items(r, 1, HOME_LIMIT), "/checklists");
		add_section(sections, "Checklistor att göra", checklist_missing_items(r, 0, HOME_LIMIT), "/checklists");
		add_section(sections, "Uppföljning av genomförandeplaner", sql_items(r, plan_follow_up_sql), NULL);
		add_section(sections, "Remisser som väntar på teamet",
		    referral_items(r, referrals_waiting(r, ROLE_CM, HOME_LIMIT)), "/referrals");
		add_section(sections, "Dina deltagare", my_persons(r), "/persons");
		break;
	case ROLE_LANDLORD:
		add_section(sections, "Checklistor att granska", sql_items(r, inbox_sql), "/checklists");
		add_section(sections, "Väntar på lägenhet", sql_items(r, waiting_for_home_sql), "/apartments?status=available");
		add_section(sections, "Redo för prövning av överlåtelse", sql_items(r, ready_sql), "/tenancies?ready=1");
		add_section(sections, "Öppna händelser", sql_items(r, open_incidents_sql), "/incidents");
		break;
	case ROLE_MANAGER: {
		json_t *changes = access_changes(r);
		if (!changes)
			return http_fail(r, 500, NULL);
		if (json_array_size(changes))
			json_object_set_new(r->view, "access_changes", changes);
		else
			json_decref(changes);
		add_section(sections, "Remisser som väntat längst",
		    referral_items(r, referrals_waiting(r, ROLE_SOC | ROLE_CM, 10)), "/referrals");
		add_section(sections, "Beviljade utan case manager", sql_items(r, granted_without_cm_sql), NULL);
		add_section(sections, "Beslut att ompröva inom 60 dagar",
		    decision_items(r, decisions_due_rows(r, 60, 10)), "/decisions");
		add_section(sections, "Ej verkställda beslut (över tre månader)",
		    unenforced_items(r, decisions_unenforced_rows(r, 10)), "/decisions/unenforced");
		add_section(sections, "Försenade checklistor", checklist_missing_items(r, 1, HOME_LIMIT), "/checklists");
		add_section(sections, "Stöd utan lägenhet", sql_items(r, without_apartment_sql), "/persons/without-apartment");
		break;
	}
	default:
		break;
	}
	json_object_set_new(r->view, "sections", sections);
	return 200;
}

/* GET /healthz : "ok" when the database answers. */
int healthz(struct req *r)
{
	static const char sql[] = "SELECT 1";
	dbstmt *st = db_stmt(sql);
	int ok = st && db_step(st) == DB_ROW;
	db_done(st);
	r->text = ok ? "ok" : "database unavailable";
	return ok ? 200 : 503;
}

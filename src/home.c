/* home.c - each role's start page (what is due today), and the health check. */
#include "handlers.h"
#include "db.h"
#include "referral.h"
#include "scope.h"

#include <string.h>

#define HOME_LIMIT 20

/* What each role's start page says it is for. */
static const char *role_intro(int role)
{
	switch (role) {
	case ROLE_SOC: return "Här ser du remisser som väntar på dig och beslut som snart ska omprövas.";
	case ROLE_CM: return "Här ser du remisser som väntar på teamet och de deltagare du arbetar med.";
	case ROLE_LANDLORD: return "Här ser du lägenheter och checklistor som väntar på granskning.";
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
	json_array_foreach(rows, i, x) {
		json_int_t days = json_integer_value(json_object_get(x, "days_since_step"));
		json_array_append_new(items, json_pack("{s:s, s:s, s:s}",
		    "href", arena_printf(&r->arena, "/referrals/%lld", (long long)json_integer_value(json_object_get(x, "id"))),
		    "label", json_string_value(json_object_get(x, "person_name")),
		    "detail", arena_printf(&r->arena, "%s – %s, %lld %s sedan senaste steget",
		        json_string_value(json_object_get(x, "state_label")), json_string_value(json_object_get(x, "district")),
		        (long long)days, days == 1 ? "dag" : "dagar")));
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
	json_array_foreach(rows, i, x) {
		json_int_t left = json_integer_value(json_object_get(x, "days_left"));
		json_array_append_new(items, json_pack("{s:s, s:s, s:s}",
		    "href", arena_printf(&r->arena, "/decisions/%lld", (long long)json_integer_value(json_object_get(x, "id"))),
		    "label", json_string_value(json_object_get(x, "person_name")),
		    "detail", left < 0 ? arena_printf(&r->arena, "Beslutet gick ut %s – ska omprövas", json_string_value(json_object_get(x, "end_date"))) :
		        arena_printf(&r->arena, "Beslutet går ut %s (om %lld dagar)", json_string_value(json_object_get(x, "end_date")), (long long)left)));
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
		break;
	case ROLE_CM:
		add_section(sections, "Remisser som väntar på teamet",
		    referral_items(r, referrals_waiting(r, ROLE_CM, HOME_LIMIT)), "/referrals");
		add_section(sections, "Dina deltagare", my_persons(r), "/persons");
		break;
	case ROLE_MANAGER:
		add_section(sections, "Remisser som väntat längst",
		    referral_items(r, referrals_waiting(r, ROLE_SOC | ROLE_CM, 10)), "/referrals");
		add_section(sections, "Beslut att ompröva inom 60 dagar",
		    decision_items(r, decisions_due_rows(r, 60, 10)), "/decisions");
		break;
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
	sqlite3_stmt *st = db_stmt(sql);
	int ok = st && sqlite3_step(st) == SQLITE_ROW;
	db_done(st);
	r->text = ok ? "ok" : "database unavailable";
	return ok ? 200 : 503;
}

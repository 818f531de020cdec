/* home.c - each role's start page, and the health check. */
#include "handlers.h"
#include "db.h"

#include <string.h>

/* What each role's start page says it is for, until later issues fill it
 * with the work due today. */
static const char *role_intro(int role)
{
	switch (role) {
	case ROLE_SOC: return "Här ser du remisser som väntar på dig och beslut som snart ska omprövas.";
	case ROLE_CM: return "Här ser du remisser som väntar på teamet och dagens besök.";
	case ROLE_LANDLORD: return "Här ser du lägenheter och checklistor som väntar på granskning.";
	case ROLE_MANAGER: return "Här följer du hela programmet: väntetider, beslut och kvarboende.";
	case ROLE_ADMIN: return "Här hanterar du användare och stadsdelar. Du ser inga ärenden.";
	default: return "";
	}
}

/* GET / : greets the user; lists the role's work (empty for now). */
int home_page(struct req *r)
{
	const char *name = r->user.name && *r->user.name ? r->user.name : r->user.username;
	json_object_set_new(r->view, "title", json_string("Start"));
	json_object_set_new(r->view, "greeting", json_string(name));
	json_object_set_new(r->view, "intro", json_string(role_intro(r->user.role)));
	json_object_set_new(r->view, "due", json_array());
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

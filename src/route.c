/*
 * route.c - THE route table: every URL of bostadforst, its method, the
 * roles that may use it, its handler and its template. Start reading here.
 *
 * Deny by default: a route with no roles can never be reached, and a role
 * not listed gets 403.
 *
 * A change that cannot be undone (a takeover, the end of a tenancy, a step
 * that closes a referral) has a .../confirm page beside its POST, with the
 * same roles: GET or POST (the pages POST, so typed reasons stay out of
 * URLs and logs) checks the form and shows what will happen; its danger
 * button sends the POST with confirmed=1, and the POST refuses without it. Records a role may not see answer 404 inside the
 * handler (scope), so ids cannot be probed.
 */
#include "route.h"
#include "handlers.h"

#include <string.h>

#define ANY ROLES_ALL
#define PUBLIC ROLE_PUBLIC
/* who works with case content: persons, referrals, decisions */
#define CASE (ROLE_SOC | ROLE_CM | ROLE_MANAGER)
/* who reads the housing side: apartments and contracts */
#define HOUSING (CASE | ROLE_LANDLORD)
/* who writes the genomförandeplan (case managers) and reads it */
#define PLAN (ROLE_CM | ROLE_SOC)

/* the last column (upload) is written only on the route that takes a file */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
static const struct route routes[] = {
	/* method  pattern                           roles                      handler               template  [upload] */
	{ "GET",  "/",                               ANY,                       home_page,            "home" },
	{ "GET",  "/healthz",                        PUBLIC,                    healthz,              NULL },
	{ "GET",  "/login",                          PUBLIC,                    login_form,           "login" },
	{ "POST", "/login",                          PUBLIC,                    login_submit,         "login" },
	{ "POST", "/logout",                         ANY,                       logout_submit,        NULL },

	{ "GET",  "/audit",                          ROLE_MANAGER | ROLE_ADMIN, audit_list,           "audit/list" },
	{ "POST", "/access-changes/{id}/ack",        ROLE_MANAGER,              access_change_ack,    NULL },

	{ "GET",  "/persons",                        CASE,                      persons_list,         "persons/list" },
	{ "POST", "/persons",                        ROLE_SOC,                  person_create,        "persons/form" },
	{ "GET",  "/persons/new",                    ROLE_SOC,                  person_new_form,      "persons/form" },
	{ "GET",  "/persons/{id}",                   CASE,                      person_page,          "persons/show" },
	{ "POST", "/persons/{id}",                   ROLE_SOC,                  person_update,        "persons/form" },
	{ "GET",  "/persons/{id}/edit",              ROLE_SOC,                  person_edit_form,     "persons/form" },
	{ "POST", "/persons/{id}/case-managers",     ROLE_MANAGER,              person_assign_cm,     NULL },
	{ "POST", "/persons/{id}/case-managers/{id}/end", ROLE_MANAGER,         person_end_cm,        NULL },
	{ "GET",  "/persons/{id}/transfer",          ROLE_MANAGER,              transfer_form,        "persons/transfer" },
	{ "POST", "/persons/{id}/transfer",          ROLE_MANAGER,              transfer_submit,      "persons/transfer" },
	{ "GET",  "/persons/{id}/transfer/confirm",  ROLE_MANAGER,              transfer_confirm,     "confirm" },
	{ "POST", "/persons/{id}/transfer/confirm",  ROLE_MANAGER,              transfer_confirm,     "confirm" },
	{ "GET",  "/persons/{id}/referrals/new",     ROLE_SOC,                  referral_new_form,    "referrals/form" },
	{ "POST", "/persons/{id}/referrals",         ROLE_SOC,                  referral_create,      "referrals/form" },
	{ "GET",  "/persons/without-apartment",      ROLE_SOC | ROLE_MANAGER,   persons_without_apartment, "tenancies/without" },
	{ "GET",  "/persons/{id}/plan/new",          ROLE_CM,                   plan_new_form,        "plans/form" },
	{ "POST", "/persons/{id}/plan",              ROLE_CM,                   plan_create,          "plans/form" },

	{ "GET",  "/plans/{id}",                     PLAN,                      plan_page,            "plans/show" },
	{ "POST", "/plans/{id}",                     ROLE_CM,                   plan_save,            "plans/form" },
	{ "GET",  "/plans/{id}/edit",                ROLE_CM,                   plan_edit_form,       "plans/form" },
	{ "GET",  "/plans/{id}/compare",             PLAN,                      plan_compare,         "plans/compare" },
	{ "GET",  "/plans/{id}/print",               PLAN,                      plan_page,            "plans/print" },

	{ "GET",  "/visits",                         CASE,                      visits_page,          "visits/list" },
	{ "POST", "/visits",                         ROLE_CM,                   visit_create,         "visits/list" },

	{ "GET",  "/referrals",                      CASE,                      referrals_list,       "referrals/list" },
	{ "GET",  "/referrals/{id}",                 CASE,                      referral_page,        "referrals/show" },
	{ "POST", "/referrals/{id}",                 ROLE_SOC,                  referral_update,      "referrals/form" },
	{ "GET",  "/referrals/{id}/edit",            ROLE_SOC,                  referral_edit_form,   "referrals/form" },
	{ "POST", "/referrals/{id}/steps",           ROLE_SOC | ROLE_CM,        referral_step,        "referrals/show" },
	{ "GET",  "/referrals/{id}/steps/confirm",   ROLE_SOC | ROLE_CM,        referral_step_confirm, "confirm" },
	{ "POST", "/referrals/{id}/steps/confirm",   ROLE_SOC | ROLE_CM,        referral_step_confirm, "confirm" },
	{ "GET",  "/referrals/{id}/decisions/new",   ROLE_SOC,                  decision_new_form,    "decisions/form" },
	{ "POST", "/referrals/{id}/decisions",       ROLE_SOC,                  decision_create,      "decisions/form" },

	{ "GET",  "/apartments",                     HOUSING,                   apartments_list,      "apartments/list" },
	{ "POST", "/apartments",                     ROLE_LANDLORD,             apartment_create,     "apartments/form" },
	{ "GET",  "/apartments/new",                 ROLE_LANDLORD,             apartment_new_form,   "apartments/form" },
	{ "GET",  "/apartments/{id}",                HOUSING,                   apartment_page,       "apartments/show" },
	{ "POST", "/apartments/{id}",                ROLE_LANDLORD,             apartment_update,     "apartments/show" },
	{ "GET",  "/apartments/{id}/tenancies/new",  ROLE_LANDLORD,             tenancy_new_form,     "tenancies/form" },
	{ "POST", "/apartments/{id}/tenancies",      ROLE_LANDLORD,             tenancy_create,       "tenancies/form" },

	{ "GET",  "/tenancies",                      HOUSING,                   tenancies_list,       "tenancies/list" },
	{ "GET",  "/tenancies/{id}",                 HOUSING,                   tenancy_page,         "tenancies/show" },
	{ "POST", "/tenancies/{id}/takeover",        ROLE_LANDLORD,             tenancy_takeover,     "tenancies/show" },
	{ "GET",  "/tenancies/{id}/takeover/confirm", ROLE_LANDLORD,            tenancy_takeover_confirm, "confirm" },
	{ "POST", "/tenancies/{id}/takeover/confirm", ROLE_LANDLORD,            tenancy_takeover_confirm, "confirm" },
	{ "POST", "/tenancies/{id}/end",             ROLE_LANDLORD,             tenancy_end,          "tenancies/show" },
	{ "GET",  "/tenancies/{id}/end/confirm",     ROLE_LANDLORD,             tenancy_end_confirm,  "confirm" },
	{ "POST", "/tenancies/{id}/end/confirm",     ROLE_LANDLORD,             tenancy_end_confirm,  "confirm" },
	{ "GET",  "/tenancies/{id}/incidents/new",   ROLE_CM | ROLE_LANDLORD,   incident_new_form,    "incidents/form" },
	{ "POST", "/tenancies/{id}/incidents",       ROLE_CM | ROLE_LANDLORD,   incident_create,      "incidents/form" },
	{ "POST", "/tenancies/{id}/checklists",      ROLE_CM,                   checklist_create,     NULL },

	{ "GET",  "/incidents",                      HOUSING,                   incidents_list,       "incidents/list" },
	{ "GET",  "/incidents/{id}",                 HOUSING,                   incident_page,        "incidents/show" },
	{ "POST", "/incidents/{id}",                 ROLE_CM | ROLE_LANDLORD,   incident_update,      "incidents/show" },

	{ "GET",  "/checklists",                     HOUSING,                   checklists_list,      "checklists/list" },
	{ "GET",  "/checklists/{id}",                HOUSING,                   checklist_page,       "checklists/show" },
	{ "POST", "/checklists/{id}",                ROLE_CM,                   checklist_save,       "checklists/show" },
	{ "POST", "/checklists/{id}/review",         ROLE_LANDLORD,             checklist_review,     "checklists/show" },

	{ "GET",  "/decisions",                      ROLE_SOC | ROLE_MANAGER,   decisions_due,        "decisions/due" },
	{ "GET",  "/decisions/unenforced",           ROLE_SOC | ROLE_MANAGER,   decisions_unenforced, "decisions/unenforced" },
	{ "GET",  "/decisions/{id}",                 CASE,                      decision_page,        "decisions/show" },
	{ "GET",  "/decisions/{id}/letter",          ROLE_SOC | ROLE_MANAGER,   decision_letter,      "decisions/letter" },
	{ "GET",  "/decisions/{id}/end",             ROLE_SOC,                  decision_end_form,    "decisions/end" },
	{ "POST", "/decisions/{id}/end",             ROLE_SOC,                  decision_end,         "decisions/end" },
	{ "GET",  "/decisions/{id}/end/confirm",     ROLE_SOC,                  decision_end_confirm, "confirm" },
	{ "POST", "/decisions/{id}/end/confirm",     ROLE_SOC,                  decision_end_confirm, "confirm" },
	{ "POST", "/decisions/{id}/effective",       ROLE_SOC,                  decision_effective,   "decisions/show" },
	{ "GET",  "/decisions/{id}/review",          ROLE_SOC,                  decision_review_form, "decisions/form" },
	{ "POST", "/decisions/{id}/review",          ROLE_SOC,                  decision_review,      "decisions/form" },
	{ "GET",  "/decisions/{id}/assignment",      CASE,                      assignment_page,      "assignments/show" },
	{ "POST", "/decisions/{id}/assignment",      ROLE_SOC,                  assignment_save,      "assignments/form" },
	{ "GET",  "/decisions/{id}/assignment/edit", ROLE_SOC,                  assignment_form,      "assignments/form" },

	{ "GET",  "/kvarboende",                     CASE,                      kvarboende_page,      "reports/kvarboende" },
	{ "GET",  "/kvarboende/summary",             CASE,                      kvarboende_summary,   "reports/summary" },
	{ "GET",  "/reports/status",                 CASE,                      report_status,        "reports/status" },
	{ "GET",  "/reports/status/import",          ROLE_MANAGER,              report_import_form,   "reports/import" },
	{ "POST", "/reports/status/import",          ROLE_MANAGER,              report_import,        "reports/import", "file" },

	{ "GET",  "/admin/users",                    ROLE_ADMIN,                users_list,           "admin/users" },
	{ "POST", "/admin/users",                    ROLE_ADMIN,                user_create,          "admin/user_form" },
	{ "GET",  "/admin/users/new",                ROLE_ADMIN,                user_new_form,        "admin/user_form" },
	{ "GET",  "/admin/users/{id}",               ROLE_ADMIN,                user_edit_form,       "admin/user_form" },
	{ "POST", "/admin/users/{id}",               ROLE_ADMIN,                user_update,          "admin/user_form" },
	{ "POST", "/admin/users/{id}/password",      ROLE_ADMIN,                user_password_reset,  "admin/user_form" },
	{ "GET",  "/admin/districts",                ROLE_ADMIN,                districts_list,       "admin/districts" },
	{ "POST", "/admin/districts",                ROLE_ADMIN,                district_create,      "admin/districts" },
	{ "POST", "/admin/districts/{id}",           ROLE_ADMIN,                district_update,      "admin/districts" },
	{ "GET",  "/admin/assignment-text",          ROLE_ADMIN,                assignment_text_form, "admin/assignment_text" },
	{ "POST", "/admin/assignment-text",          ROLE_ADMIN,                assignment_text_save, "admin/assignment_text" },
	{ "GET",  "/admin/decision-texts",           ROLE_ADMIN,                decision_texts_form,  "admin/decision_texts" },
	{ "POST", "/admin/decision-texts",           ROLE_ADMIN,                decision_texts_save,  "admin/decision_texts" },
	{ "GET",  "/admin/life-areas",               ROLE_ADMIN,                config_list,          "admin/config_items" },
	{ "POST", "/admin/life-areas",               ROLE_ADMIN,                config_create,        "admin/config_items" },
	{ "POST", "/admin/life-areas/{id}",          ROLE_ADMIN,                config_update,        "admin/config_items" },
	{ "GET",  "/admin/checklist-items",          ROLE_ADMIN,                config_list,          "admin/config_items" },
	{ "POST", "/admin/checklist-items",          ROLE_ADMIN,                config_create,        "admin/config_items" },
	{ "POST", "/admin/checklist-items/{id}",     ROLE_ADMIN,                config_update,        "admin/config_items" },
	{ "GET",  "/admin/settings",                 ROLE_ADMIN,                settings_form,        "admin/settings" },
	{ "POST", "/admin/settings",                 ROLE_ADMIN,                settings_save,        "admin/settings" },
	{ "GET",  "/admin/gallring",                 ROLE_ADMIN,                gallring_page,        "admin/gallring" },
	{ "POST", "/admin/gallring",                 ROLE_ADMIN,                gallring_submit,      "admin/gallring" },
	{ "GET",  "/admin/gallring/confirm",         ROLE_ADMIN,                gallring_confirm,     "confirm" },
	{ "POST", "/admin/gallring/confirm",         ROLE_ADMIN,                gallring_confirm,     "confirm" },
};
#pragma GCC diagnostic pop

/* The navigation per role, in the order it is shown. */
static const struct {
	const char *href;
	const char *label;
	unsigned roles;
} nav[] = {
	{ "/",                "Start",          ANY },
	{ "/persons",         "Personer",       CASE },
	{ "/referrals",       "Remisser",       CASE },
	{ "/apartments",      "Lägenheter",     HOUSING },
	{ "/tenancies",       "Boenden",        HOUSING },
	{ "/visits",          "Besök",          CASE },
	{ "/checklists",      "Checklistor",    HOUSING },
	{ "/incidents",       "Händelser",      HOUSING },
	{ "/decisions",       "Beslut att ompröva", ROLE_SOC | ROLE_MANAGER },
	{ "/persons/without-apartment", "Stöd utan lägenhet", ROLE_SOC | ROLE_MANAGER },
	{ "/kvarboende",      "Kvarboende",     CASE },
	{ "/reports/status",  "Statusrapport",  CASE },
	{ "/audit",           "Åtkomstlogg",    ROLE_MANAGER | ROLE_ADMIN },
	{ "/admin/users",     "Användare",      ROLE_ADMIN },
	{ "/admin/districts", "Stadsdelar",     ROLE_ADMIN },
	{ "/admin/assignment-text", "Uppdragstext", ROLE_ADMIN },
	{ "/admin/decision-texts", "Beslutstexter", ROLE_ADMIN },
	{ "/admin/life-areas", "Livsområden",   ROLE_ADMIN },
	{ "/admin/checklist-items", "Checklistpunkter", ROLE_ADMIN },
	{ "/admin/settings",  "Inställningar",  ROLE_ADMIN },
	{ "/admin/gallring",  "Gallring",       ROLE_ADMIN },
};

int route_match(const char *pattern, const char *path, long long params[], size_t *nparams)
{
	size_t np = 0;
	const char *p = pattern, *s = path;
	while (*p && *s) {
		if (strncmp(p, "{id}", 4) == 0) {
			const char *e = s;
			long long v = 0;
			while (*e >= '0' && *e <= '9' && e - s < 16)
				v = v * 10 + (*e++ - '0');
			if (e == s || (*e && *e != '/') || *s == '0' || np == MAX_PARAMS)
				return 0;
			params[np++] = v;
			p += 4;
			s = e;
			continue;
		}
		if (*p != *s)
			return 0;
		p++, s++;
	}
	if (*p || *s)
		return 0;
	*nparams = np;
	return 1;
}

const struct route *route_find(const char *method, const char *path,
    long long params[], size_t *nparams, int *path_known, char allow[32])
{
	*path_known = 0;
	allow[0] = '\0';
	for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++) {
		size_t np;
		long long tmp[MAX_PARAMS];
		if (!route_match(routes[i].pattern, path, tmp, &np))
			continue;
		if (strcmp(routes[i].method, method) == 0) {
			memcpy(params, tmp, sizeof tmp);
			*nparams = np;
			return &routes[i];
		}
		*path_known = 1;
		if (!strstr(allow, routes[i].method)) {
			if (allow[0])
				strcat(allow, ", ");
			strcat(allow, routes[i].method);
		}
	}
	return NULL;
}

int route_allows(const char *method, const char *path, int role)
{
	long long params[MAX_PARAMS];
	size_t np;
	int known;
	char allow[32];
	const struct route *rt = route_find(method, path, params, &np, &known, allow);
	return rt && (rt->roles & (unsigned)role) != 0;
}

json_t *route_table_json(void)
{
	json_t *a = json_array();
	for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++) {
		json_t *roles = json_array();
		for (int b = ROLE_SOC; b <= ROLE_ADMIN; b <<= 1)
			if (routes[i].roles & (unsigned)b)
				json_array_append_new(roles, json_string(role_name(b)));
		json_array_append_new(a, json_pack("{s:s, s:s, s:o, s:b}",
		    "method", routes[i].method, "pattern", routes[i].pattern,
		    "roles", roles, "public", (routes[i].roles & PUBLIC) != 0));
	}
	return a;
}

json_t *route_nav(int role, const char *path)
{
	json_t *a = json_array();
	for (size_t i = 0; i < sizeof nav / sizeof nav[0]; i++) {
		if (!(nav[i].roles & (unsigned)role))
			continue;
		size_t n = strlen(nav[i].href);
		int current = strcmp(path, nav[i].href) == 0 ||
		    (n > 1 && strncmp(path, nav[i].href, n) == 0 && path[n] == '/');
		json_array_append_new(a, json_pack("{s:s, s:s, s:b}", "href", nav[i].href,
		    "label", nav[i].label, "current", current));
	}
	return a;
}

const char *route_template_at(size_t i)
{
	return i < sizeof routes / sizeof routes[0] ? (routes[i].template ? routes[i].template : "") : NULL;
}

/* test_route.c - route matching, 404 vs 405, deny by default, navigation. */
#include "route.h"
#include "check.h"

static void matching(void)
{
	long long p[MAX_PARAMS];
	size_t n = 9;
	CHECK(route_match("/admin/users/{id}", "/admin/users/12", p, &n) && n == 1 && p[0] == 12, "id param");
	CHECK(route_match("/", "/", p, &n) && n == 0, "root");
	CHECK(!route_match("/admin/users/{id}", "/admin/users/", p, &n), "empty id");
	CHECK(!route_match("/admin/users/{id}", "/admin/users/012", p, &n), "leading zero");
	CHECK(!route_match("/admin/users/{id}", "/admin/users/12x", p, &n), "junk after id");
	CHECK(!route_match("/admin/users/{id}", "/admin/users/-1", p, &n), "negative");
	CHECK(!route_match("/admin/users/{id}", "/admin/users/12345678901234567", p, &n), "17 digits");
	CHECK(!route_match("/admin/users", "/admin/users/", p, &n), "trailing slash");
	CHECK(route_match("/admin/users/{id}/password", "/admin/users/3/password", p, &n) && p[0] == 3, "nested");
	CHECK(!route_match("/audit", "/AUDIT", p, &n), "case-sensitive");
}

static void finding(void)
{
	long long p[MAX_PARAMS];
	size_t n;
	int known;
	char allow[32];
	const struct route *r = route_find("GET", "/admin/users/5", p, &n, &known, allow);
	CHECK(r && strcmp(r->pattern, "/admin/users/{id}") == 0 && p[0] == 5, "GET user");
	r = route_find("DELETE", "/admin/users/5", p, &n, &known, allow);
	CHECK(!r && known && strstr(allow, "GET") && strstr(allow, "POST"), "405 with Allow: %s", allow);
	r = route_find("GET", "/nowhere", p, &n, &known, allow);
	CHECK(!r && !known, "404");
	r = route_find("POST", "/logout", p, &n, &known, allow);
	CHECK(r && !(r->roles & ROLE_PUBLIC), "logout needs a login");
}

static void table_rules(void)
{
	json_t *t = route_table_json();
	size_t i;
	json_t *row;
	int public_count = 0;
	json_array_foreach(t, i, row) {
		const char *pattern = json_string_value(json_object_get(row, "pattern"));
		int pub = json_is_true(json_object_get(row, "public"));
		size_t nroles = json_array_size(json_object_get(row, "roles"));
		CHECK(pub || nroles > 0, "%s has roles", pattern);
		if (pub)
			public_count++;
		/* admin routes: admin only; the admin sees no case content */
		if (strncmp(pattern, "/admin/", 7) == 0)
			CHECK(nroles == 1 && strcmp(json_string_value(json_array_get(json_object_get(row, "roles"), 0)), "admin") == 0,
			    "%s is admin only", pattern);
	}
	CHECK(public_count == 3, "only /healthz and /login are public, got %d routes", public_count);
	/* a confirmation page: GET and POST beside the POST it confirms, with its roles */
	int confirms = 0;
	json_array_foreach(t, i, row) {
		const char *pattern = json_string_value(json_object_get(row, "pattern"));
		size_t n = strlen(pattern);
		if (n < 8 || strcmp(pattern + n - 8, "/confirm") != 0)
			continue;
		confirms++;
		size_t j;
		json_t *other;
		int found = 0;
		json_array_foreach(t, j, other) {
			const char *p = json_string_value(json_object_get(other, "pattern"));
			if (strlen(p) == n - 8 && !strncmp(p, pattern, n - 8) &&
			    !strcmp(json_string_value(json_object_get(other, "method")), "POST")) {
				found = 1;
				CHECK(json_equal(json_object_get(other, "roles"), json_object_get(row, "roles")), "%s has the roles of its POST", pattern);
			}
		}
		CHECK(found, "%s confirms a POST", pattern);
	}
	CHECK(confirms == 12, "six confirmation pages (takeover, end of tenancy, referral step, transfer, gallring, end of decision), GET and POST each: %d routes", confirms);
	json_decref(t);
}

static void navigation(void)
{
	json_t *nav = route_nav(ROLE_ADMIN, "/admin/users/3");
	int saw_users = 0, saw_audit = 0;
	size_t i;
	json_t *item;
	json_array_foreach(nav, i, item) {
		const char *href = json_string_value(json_object_get(item, "href"));
		if (strcmp(href, "/admin/users") == 0)
			saw_users = json_is_true(json_object_get(item, "current"));
		if (strcmp(href, "/audit") == 0)
			saw_audit = 1;
	}
	CHECK(saw_users, "users is current under /admin/users/3");
	CHECK(saw_audit, "admin sees the access log");
	json_decref(nav);
	nav = route_nav(ROLE_CM, "/");
	json_array_foreach(nav, i, item)
		CHECK(strncmp(json_string_value(json_object_get(item, "href")), "/admin", 6) != 0 &&
		    strcmp(json_string_value(json_object_get(item, "href")), "/audit") != 0,
		    "case manager nav has no admin or audit");
	json_decref(nav);
}

/* route_allows, as the header's search box asks it */
static void allows(void)
{
	CHECK(route_allows("GET", "/persons", ROLE_SOC) && route_allows("GET", "/persons", ROLE_CM) &&
	    route_allows("GET", "/persons", ROLE_MANAGER), "the case roles read persons");
	CHECK(!route_allows("GET", "/persons", ROLE_LANDLORD) && !route_allows("GET", "/persons", ROLE_ADMIN),
	    "the landlord office and the admin do not");
	CHECK(!route_allows("DELETE", "/persons", ROLE_MANAGER) && !route_allows("GET", "/nowhere", ROLE_MANAGER),
	    "no route, no");
	CHECK(route_allows("GET", "/persons/12", ROLE_SOC), "a concrete path with an id");
}

int main(void)
{
	matching();
	finding();
	table_rules();
	navigation();
	allows();
	return check_done();
}

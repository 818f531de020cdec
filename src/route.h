/*
 * route.h - the route table types and lookup. The table itself, the map
 * of the whole application, is in route.c.
 */
#ifndef BF_ROUTE_H
#define BF_ROUTE_H

#include <jansson.h>
#include "http.h"

struct route {
	const char *method;	/* "GET" or "POST" */
	const char *pattern;	/* "/admin/users/{id}": {id} matches a positive integer */
	unsigned roles;	/* ROLE_* bits; 0 means unreachable (deny by default) */
	handler_fn handler;
	const char *template;	/* templates/<template>.mustache; NULL for redirects */
	const char *upload;	/* the one multipart file field this POST takes; NULL: none (a file part is 400) */
};

/*
 * Finds the route for method and path, filling params with the {id}
 * values. Returns the route, or NULL; then *path_known says whether the
 * path exists for another method (405 rather than 404) and allow lists
 * those methods ("GET, POST").
 */
const struct route *route_find(const char *method, const char *path,
    long long params[], size_t *nparams, int *path_known, char allow[32]);

/* Returns 1 when role may use method on path (a concrete path). */
int route_allows(const char *method, const char *path, int role);

/* Returns 1 when pattern matches path (unit-tested separately). */
int route_match(const char *pattern, const char *path, long long params[], size_t *nparams);

/* Returns the route table as JSON (for the generated role tests). */
json_t *route_table_json(void);

/* Returns the navigation for a role: [{href, label, current}]. New ref. */
json_t *route_nav(int role, const char *path);

/* Every template a route names, for the start-up check. */
const char *route_template_at(size_t i);

#endif

/*
 * http.h - the request as handlers see it, and the helpers they return
 * through. A handler reads typed input from r, fills r->view (a Jansson
 * object) and returns an HTTP status; it never writes to the socket.
 *
 * Memory: everything a request allocates lives in r->arena or r->view and
 * is freed in one place, libmicrohttpd's request-completed callback.
 */
#ifndef BF_HTTP_H
#define BF_HTTP_H

#include <jansson.h>
#include <stddef.h>

#include "arena.h"
#include "auth.h"
#include "done.h"
#include "form.h"
#include "util.h"

struct route;
struct dbstmt;
struct netrange;
struct conn;

#define MAX_PARAMS 4
#define MAX_COOKIES 3

struct req;
typedef int (*handler_fn)(struct req *r);

struct req {
	struct arena arena;
	const char *method;
	const char *path;
	int is_post;
	struct form query;	/* decoded query string */
	struct form form;	/* decoded POST body: checked text only */
	struct form files;	/* multipart file parts, raw bytes (see form_parse_multipart) */
	struct user user;	/* id 0: not logged in */
	const char *session_token;	/* cookie of a live session */
	const char *pre_token;	/* pre-login cookie (binds the login CSRF) */
	const char *csrf;	/* the token forms must echo */
	const char *client_ip;	/* the client's address (behind a trusted proxy, the one it names) */
	int want_json;
	int secure;	/* behind TLS: Secure cookies */
	long long params[MAX_PARAMS];	/* {id} values from the path, in order */
	size_t nparams;
	const struct route *route;
	json_t *view;
	const char *template;	/* overrides route->template when set */
	const char *redirect;	/* Location for 303 */
	const char *error;	/* set by http_fail: render the error page */
	const char *set_cookie[MAX_COOKIES];
	size_t ncookies;
	const char *retry_after;	/* Retry-After header value */
	const char *text;	/* plain-text body instead of a template */
	const char *allow;	/* Allow header for 405 */
	const char *back;	/* "Tillbaka" link on the error page */
	char *download;	/* a file to send instead of a page (malloc'd) */
	size_t download_len;
	const char *download_type, *download_name;
	long long *seen;	/* persons whose data this answer shows (arena; see http_saw_person) */
	size_t nseen, seen_cap;
	handler_fn resume;	/* runs when a suspended request resumes */
	void *state;	/* a handler's data across a suspension (in arena) */
	/* filled by the server */
	void *conn;
	struct conn *cs;	/* the TCP connection's record (conn.h) */
	int started;	/* on_request has seen the headers */
	int early;	/* a status decided from the raw URI (414, 400) */
	struct buf body;
	int body_too_big;
	int status;
	size_t bytes;
	long long t0;
};


/*
 * Records that the answer shows person_id's data (a name in a list, a
 * search hit, a form filled from the record). After a successful handler
 * every recorded person gets one audit row "read" for the route, written
 * before the answer leaves; if that fails the answer is a 500. Duplicates
 * are dropped.
 */
void http_saw_person(struct req *r, long long person_id);

/* http_saw_person for the integer member key of every object in rows. */
void http_saw_rows(struct req *r, json_t *rows, const char *key);

/* A handler's answer meaning "parked": the request waits, off the request
 * threads, until http_resume; then r->resume runs and answers. */
#define HTTP_SUSPENDED 1

/* Parks r until http_resume(r); then runs then(r) on a request thread and
 * renders its status. Returns HTTP_SUSPENDED, for the handler to return. */
int http_suspend(struct req *r, handler_fn then);

/* Wakes a request parked by http_suspend. Any thread may call it. */
void http_resume(struct req *r);

/* Returns status after marking the response as the error page with msg
 * (a Swedish sentence with static storage or in r->arena). */
int http_fail(struct req *r, int status, const char *msg);

/* Returns 303 and sets the Location. to is copied into the arena. */
int http_redirect(struct req *r, const char *to);

/* http_redirect after a successful change: to with ?klart=CODE (or
 * &klart=) appended, so the page it lands on says what was done (done.h).
 * One call per write that redirects. Returns 303. */
int http_redirect_done(struct req *r, const char *to, enum done d);

/* The yes of a confirmation page: 1 when the form carries confirmed=1. A
 * dangerous POST (takeover, end, a step that closes a referral) refuses
 * without it; its GET/POST .../confirm page is what sends it. */
int http_confirmed(struct req *r);

/* Answers with a file: body (malloc'd, taken over) of len bytes with the
 * content type, as an attachment named filename (ASCII). Returns 200. */
int http_download(struct req *r, char *body, size_t len, const char *type, const char *filename);

/* Adds a Set-Cookie header value (copied into the arena). */
void http_set_cookie(struct req *r, const char *cookie);

/* Sets an HttpOnly, SameSite=Lax cookie (Secure behind TLS). max_age < 0
 * makes it a browser-session cookie; 0 deletes it. */
void http_cookie(struct req *r, const char *name, const char *value, long long max_age);

/* Returns the value of a request header, or NULL. Owned by the server. */
const char *http_header(struct req *r, const char *name);

/* Returns the query (GET) or body (POST) field, trimmed of surrounding
 * whitespace, or NULL when absent. Arena-owned. */
const char *http_param(struct req *r, const char *name);

/*
 * Returns r->path with the current query's values for keys (a NULL-ended
 * list) plus key=value, URL-encoded: links for the next page keep filters.
 * Arena-owned.
 */
const char *http_link(struct req *r, const char *const keys[], const char *key, const char *value);

/* Sets view.pager with the links to the next and first page (either may
 * be NULL; nothing is set when both are). */
void view_pager(struct req *r, const char *next_href, const char *first_href);

/*
 * Records a validation error for a form field: adds it to the view's
 * "errors" list (for the summary at the top) and "field_errors" map.
 */
void view_error(struct req *r, const char *field, const char *msg);

/* Records an error of the whole form: in the summary, linked to #anchor,
 * and marks no field invalid (a conflict: anchor "conflict", the box). */
void view_form_error(struct req *r, const char *anchor, const char *msg);

/* view_error whose summary link leads to href (another page's field:
 * "/referrals/7/edit#crit_far") instead of "#field". */
void view_error_href(struct req *r, const char *field, const char *href, const char *msg);

/* Returns 1 when view_error was called for field. */
int view_has_field_error(struct req *r, const char *field);

/* Returns 1 when view_error was called for this request. */
int view_has_errors(struct req *r);

/* Sets view[key] to s (copied), or null when s is NULL. */
void view_set_str(json_t *obj, const char *key, const char *s);

/*
 * Sets view[key] (a can_* flag for a button or link) to whether cond holds
 * and the route table lets the signed-in role use method on the path
 * (printf-style fmt): what a page offers follows route.c, never a role
 * restated by hand. cond is the record's own state ("a draft", "ongoing").
 * Returns the flag.
 */
int view_may(struct req *r, const char *key, int cond, const char *method, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* Sets o["<key>_text"] to "N one" or "N many" (plural() in util.h) from
 * the integer o[key]; nothing when o[key] is missing or not an integer. */
void view_count(struct req *r, json_t *o, const char *key, const char *one, const char *many);

/* Returns how long ago n whole days was: "i dag", "för 1 dag sedan",
 * "för 5 dagar sedan" ("om 3 dagar" for a negative n). Arena-owned. */
const char *view_days_ago(struct req *r, long long n);

/*
 * Appends a form field descriptor {id, name, label, value, error, hint,
 * <kind>: true} to fields for templates/field.mustache. kind is "input",
 * "date", "time" (TT:MM), "textarea" or "select" (then set "options" on the returned
 * object). The error comes from view_error calls made before. Returns the
 * descriptor (borrowed from fields).
 */
json_t *view_field(struct req *r, json_t *fields, const char *name, const char *label, const char *kind,
    const char *value, const char *hint);

/* Returns the value to show in a form field: what was posted (on a POST)
 * or stored[name]. Borrowed or arena-owned; may be NULL. */
const char *view_value(struct req *r, json_t *stored, const char *name);

/* The stale-form answer without saved values to show: form_conflict
 * (formdef.h) with what ("lägenheten", "planen"...), the summary linked
 * to field (for pages without the conflict box). Returns 409. */
int view_conflict(struct req *r, const char *field, const char *what);

/*
 * One page of a keyset-paginated list: binds :after (the request's
 * "after", the id of the last row shown) and :limit to st, runs it, sets
 * view.rows and the pager (the next link keeps the keys' query values;
 * first_href leads back to the first page). st must order by something
 * that ends in id and select the id. Returns the rows (borrowed from the
 * view), or NULL on a database error.
 */
json_t *view_keyset_page(struct req *r, struct dbstmt *st, int page, const char *const keys[], const char *first_href);

/*
 * The confirmation page before a dangerous change (templates/confirm.mustache):
 * sets view.confirm with the heading (also the title), what will happen, what
 * cannot be undone, the POST it confirms (action) and its danger button's
 * label, and the way back. Returns the object (borrowed from the view) for
 * view_confirm_fact and view_confirm_hidden.
 */
json_t *view_confirm(struct req *r, const char *heading, const char *what, const char *undo,
    const char *action, const char *button, const char *back_href);

/* Adds a line of what was filled in ({label, value}); nothing when value is
 * NULL or empty. The facts' heading is "Det du har fyllt i" unless the
 * confirm object has "facts_heading" (a page whose facts were not typed,
 * such as the gallring's counts). */
void view_confirm_fact(json_t *confirm, const char *label, const char *value);

/* Adds a hidden field that the confirmed POST sends again (NULL: ""). */
void view_confirm_hidden(json_t *confirm, const char *name, const char *value);

/* Returns [{value, label, selected}] for NULL-ended values/labels. */
json_t *view_options(const char *const values[], const char *const labels[], const char *selected);

/* Returns the label of value in NULL-ended values/labels, or "". Static. */
const char *label_of(const char *const values[], const char *const labels[], const char *value);

/* Returns 1 when value is one of the NULL-ended values. */
int one_of(const char *const values[], const char *value);

/* Server settings used by main.c. */
struct server_opts {
	const char *bind;
	int port;
	int threads;
	size_t max_body;
	int secure_cookies;
	int conn_timeout;	/* seconds a connection may sit idle */
	int conn_limit;
	int per_ip_limit;	/* connections one address may hold (conn.h) */
	int request_deadline;	/* seconds for a whole request (conn.h) */
	int quiet;	/* no access log */
	int bench;	/* serve /_ceiling/N for make bench */
	int hashers;	/* password-check threads (see hashpool.h) */
	int login_queue;	/* logins that may wait for a check */
	const struct netrange *trusted_proxies;	/* --trusted-proxy: X-Forwarded-For is read only from
						 * these peers, and they are not limited per address */
	int ntrusted_proxies;
};

/* Default logins that may wait for a password check, per check thread;
 * beyond that a login is refused with 503 at once (~16 x 15 ms: a quarter
 * of a second of waiting at most). */
#define LOGIN_QUEUE_PER_HASHER 16

/* Compiles the templates, starts the server, and runs until SIGINT or
 * SIGTERM. Returns 0 after a clean stop, -1 when it could not start. */
int server_run(const struct server_opts *o);

/* Compiles all embedded templates. Returns 0, or -1 printing file and line. */
int templates_load(void);
void templates_free(void);

#endif

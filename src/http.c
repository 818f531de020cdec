/*
 * http.c - libmicrohttpd glue and the one request path:
 *
 *   read body (capped) -> session -> route table -> roles -> CSRF (POST)
 *   -> handler fills r->view, returns status -> template or JSON
 *   -> security headers -> request-completed callback frees everything
 *   and writes one access-log line (no names, no form values, no query).
 */
#define _DEFAULT_SOURCE
#include "http.h"
#include "hashpool.h"
#include "assets.h"
#include "netaddr.h"
#include "audit.h"
#include "conn.h"
#include "db.h"
#include "formdef.h"
#include "route.h"
#include "tmpl.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdatomic.h>
#include <string.h>
#include <pthread.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_URL 2048	/* the whole request target, query included */
#define MAX_HEADERS (16 * 1024)	/* request line and headers; more is our 431 */
#define MHD_POOL (64 * 1024)	/* libmicrohttpd's memory per connection: headers
				 * past it get its own 431 (see docs/design.md) */
#define SESSION_COOKIE "bf_session"
#define PRE_COOKIE "bf_pre"

static struct server_opts opts;
static struct tmpl_set *templates;
static char css_href[64];
static char (*static_etags)[24];	/* parallel to assets[] */
static char started_http_date[40];

static const char csp[] =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'";

/* Default Swedish messages for error statuses. */
static const char *status_message(int status)
{
	switch (status) {
	case 400: return "Begäran kunde inte tolkas. Kontrollera uppgifterna och försök igen.";
	case 401: return "Du behöver logga in.";
	case 403: return "Du har inte behörighet till den här sidan.";
	case 404: return "Sidan eller uppgiften finns inte.";
	case 405: return "Den här metoden stöds inte för adressen.";
	case 409: return "Uppgiften har ändrats av någon annan sedan du öppnade den.";
	case 413: return "Det du skickade är för stort.";
	case 414: return "Adressen är för lång.";
	case 415: return "Formatet på det du skickade stöds inte.";
	case 429: return "För många försök. Vänta en stund och försök igen.";
	case 431: return "Begäran hade för mycket i sina huvuden, oftast för många eller för stora kakor (cookies). "
		    "Rensa kakorna för den här webbplatsen och försök igen.";
	case 503: return "Tjänsten är hårt belastad just nu. Försök igen om en stund.";
	default: return "Ett fel uppstod hos oss. Ingenting du sparat tidigare har gått förlorat.";
	}
}

static const char *status_title(int status)
{
	switch (status) {
	case 400: return "Felaktig begäran";
	case 401: return "Inloggning krävs";
	case 403: return "Ingen behörighet";
	case 404: return "Hittades inte";
	case 405: return "Metoden stöds inte";
	case 409: return "Ändrad av någon annan";
	case 413: return "För stor begäran";
	case 414: return "För lång adress";
	case 415: return "Formatet stöds inte";
	case 429: return "För många försök";
	case 431: return "För stor begäran";
	case 503: return "Tjänsten är upptagen";
	default: return "Något gick fel";
	}
}

/* ---------- templates and static files ---------- */

int templates_load(void)
{
	char err[256];
	templates = tmpl_set_new();
	for (size_t i = 0; i < nassets; i++) {
		const char *p = assets[i].path;
		size_t n = strlen(p);
		if (strncmp(p, "templates/", 10) != 0 || n < 19 || strcmp(p + n - 9, ".mustache") != 0)
			continue;
		char name[128];
		snprintf(name, sizeof name, "%.*s", (int)(n - 19), p + 10);
		if (tmpl_add(templates, name, (const char *)assets[i].data, assets[i].len, err, sizeof err) < 0) {
			fprintf(stderr, "%s: %s\n", p, err);
			return -1;
		}
	}
	if (tmpl_check(templates, err, sizeof err) < 0) {
		fprintf(stderr, "templates/%s\n", err);
		return -1;
	}
	const char *t;
	for (size_t i = 0; (t = route_template_at(i)); i++) {
		if (*t && !tmpl_has(templates, t)) {
			fprintf(stderr, "templates/%s.mustache: missing (named in src/route.c)\n", t);
			return -1;
		}
	}
	if (!tmpl_has(templates, "error")) {
		fprintf(stderr, "templates/error.mustache: missing\n");
		return -1;
	}
	return 0;
}

void templates_free(void)
{
	tmpl_set_free(templates);
	templates = NULL;
}

/* Computes an ETag per static asset and the versioned stylesheet URL. */
static void static_init(void)
{
	static_etags = xcalloc(nassets, sizeof *static_etags);
	for (size_t i = 0; i < nassets; i++) {
		unsigned char h[8];
		crypto_generichash(h, sizeof h, assets[i].data, assets[i].len, NULL, 0);
		char hex[17];
		sodium_bin2hex(hex, sizeof hex, h, sizeof h);
		snprintf(static_etags[i], sizeof static_etags[i], "\"%s\"", hex);
		if (strcmp(assets[i].path, "static/app.css") == 0)
			snprintf(css_href, sizeof css_href, "/static/app.css?v=%s", hex);
	}
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(started_http_date, sizeof started_http_date, "%a, %d %b %Y %H:%M:%S GMT", &tm);
}

static const char *content_type_for(const char *path)
{
	const char *dot = strrchr(path, '.');
	if (!dot)
		return "application/octet-stream";
	if (strcmp(dot, ".css") == 0) return "text/css; charset=utf-8";
	if (strcmp(dot, ".js") == 0) return "text/javascript; charset=utf-8";
	if (strcmp(dot, ".svg") == 0) return "image/svg+xml";
	if (strcmp(dot, ".png") == 0) return "image/png";
	if (strcmp(dot, ".ico") == 0) return "image/x-icon";
	if (strcmp(dot, ".txt") == 0) return "text/plain; charset=utf-8";
	return "application/octet-stream";
}

/* ---------- responses ---------- */

/* The headers every answer carries; behind TLS also HSTS (two years). */
static void add_security_headers(struct MHD_Response *resp, int secure)
{
	if (secure)
		MHD_add_response_header(resp, "Strict-Transport-Security", "max-age=63072000; includeSubDomains");
	MHD_add_response_header(resp, "Content-Security-Policy", csp);
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(resp, "Permissions-Policy", "camera=(), microphone=(), geolocation=()");
}

/* Queues body (malloc'd, taken over) with status. Returns MHD's result. */
static enum MHD_Result queue(struct req *r, int status, char *body, size_t len,
    const char *ctype, int cacheable)
{
	struct MHD_Connection *c = r->conn;
	struct MHD_Response *resp = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
	if (!resp) {
		free(body);
		return MHD_NO;
	}
	add_security_headers(resp, r->secure);
	if (ctype)
		MHD_add_response_header(resp, "Content-Type", ctype);
	if (!cacheable)
		MHD_add_response_header(resp, "Cache-Control", "no-store");
	if (r->redirect)
		MHD_add_response_header(resp, "Location", r->redirect);
	if (r->download_name && status == 200) {
		char cd[160];
		snprintf(cd, sizeof cd, "attachment; filename=\"%s\"", r->download_name);
		MHD_add_response_header(resp, "Content-Disposition", cd);
	}
	for (size_t i = 0; i < r->ncookies; i++)
		MHD_add_response_header(resp, "Set-Cookie", r->set_cookie[i]);
	if (r->retry_after)
		MHD_add_response_header(resp, "Retry-After", r->retry_after);
	if (status == 405)
		MHD_add_response_header(resp, "Allow", r->allow ? r->allow : "GET, POST");
	r->status = status;
	r->bytes = len;
	enum MHD_Result rc = MHD_queue_response(c, (unsigned)status, resp);
	MHD_destroy_response(resp);
	return rc;
}

/* Fills the parts of the view every page shares (layout, user, token). */
static void view_base(struct req *r)
{
	json_t *v = r->view;
	json_object_set_new(v, "css", json_string(css_href));
	json_object_set_new(v, "path", json_string(r->path));
	if (r->csrf)
		json_object_set_new(v, "csrf_token", json_string(r->csrf));
	/* the confirmation a redirect after a change carries: a code from the
	 * table in done.c, never text from the URL; an unknown code shows nothing */
	const char *done = r->is_post ? NULL : done_text(form_get(&r->query, "klart"));
	if (done)
		json_object_set_new(v, "klart", json_string(done));
	if (r->user.id) {
		json_object_set_new(v, "user", json_pack("{s:s, s:s, s:s, s:s, s:s}",
		    "username", r->user.username, "name", r->user.name,
		    "role", role_name(r->user.role), "role_label", role_label(r->user.role),
		    "district", r->user.district));
		json_object_set_new(v, "nav", route_nav(r->user.role, r->path));
		/* the header's search box, for those who may read persons */
		if (route_allows("GET", "/persons", r->user.role))
			json_object_set_new(v, "search_persons", json_true());
	}
}

/* Renders the response for a handler's status. Returns MHD's result. */
static enum MHD_Result render(struct req *r, int status)
{
	char err[256];
	struct buf out;
	buf_init(&out);

	if (status == 303) {
		buf_puts(&out, "");
		char *b = buf_take(&out, NULL);
		return queue(r, 303, b, 0, "text/plain; charset=utf-8", 0);
	}
	if (r->download && status == 200) {
		char *b = r->download;
		r->download = NULL;
		enum MHD_Result rc = queue(r, 200, b, r->download_len, r->download_type, 0);
		return rc;
	}
	if (r->text) {
		buf_puts(&out, r->text);
		size_t n;
		char *b = buf_take(&out, &n);
		return queue(r, status, b, n, "text/plain; charset=utf-8", 0);
	}
	if (status >= 400 && (r->error || !r->route || !r->route->template)) {
		const char *msg = r->error ? r->error : status_message(status);
		if (r->want_json) {
			json_t *e = json_pack("{s:{s:i, s:s}}", "error", "status", status, "message", msg);
			char *s = json_dumps(e, JSON_COMPACT);
			json_decref(e);
			return queue(r, status, s, strlen(s), "application/json; charset=utf-8", 0);
		}
		json_object_set_new(r->view, "error", json_pack("{s:i, s:s, s:s}", "status", status,
		    "title", status_title(status), "message", msg));
		if (r->back)
			json_object_set_new(json_object_get(r->view, "error"), "back_href", json_string(r->back));
		/* a session the storage could not read is still a session: not "log in" */
		if (!r->user.id && r->csrf && http_header(r, "Cookie") && status == 503)
			json_object_set_new(json_object_get(r->view, "error"), "session_unread", json_true());
		r->template = "error";
	}
	if (r->want_json) {
		char *s = json_dumps(r->view, JSON_COMPACT);
		return queue(r, status, s, strlen(s), "application/json; charset=utf-8", 0);
	}
	const char *t = r->template ? r->template : (r->route ? r->route->template : NULL);
	if (!t)
		t = "error";
	if (tmpl_render(templates, t, r->view, &out, err, sizeof err) < 0) {
		fprintf(stderr, "render %s: %s\n", t, err);
		buf_reset(&out);
		status = 500;
		json_object_set_new(r->view, "error", json_pack("{s:i, s:s, s:s}", "status", 500,
		    "title", status_title(500), "message", status_message(500)));
		if (tmpl_render(templates, "error", r->view, &out, err, sizeof err) < 0)
			buf_puts(&out, "Internt fel");
	}
	size_t n;
	char *b = buf_take(&out, &n);
	return queue(r, status, b, n, "text/html; charset=utf-8", 0);
}

/* A failure of the storage (db_storage_fault: SQLite's disk full, I/O
 * error or unwritable file; PostgreSQL out of reach, as during a switch to
 * another server) is no bug and may pass: 503 with a Swedish message and
 * Retry-After instead of the handler's 500 (or the 409 a failed INSERT
 * looks like). A write that failed was rolled back, so the message can
 * promise that nothing of it was kept. A switch of servers takes seconds,
 * a full disk someone's work. */
/* For a POST the storage refused: what was typed, so that nothing is lost
 * with the page: each filled field of the route's form with its label
 * (choices by their label, never a password), and for a write that surely
 * was not kept (retry) the fields again as a form to send once more.
 * Sets r->view "typed". */
static void typed_back(struct req *r, int retry)
{
	const struct route *rt = r->route;
	if (!rt) {	/* the database failed before routing (the session): find the form now */
		long long params[MAX_PARAMS];
		size_t np;
		int known;
		char allow[32];
		rt = route_find(r->method, r->path, params, &np, &known, allow);
		const char *ct = http_header(r, "Content-Type");
		if (rt && !r->form.n && r->body.len && !(ct && strncasecmp(ct, "multipart/", 10) == 0) &&
		    form_parse(&r->form, &r->arena, r->body.data, r->body.len) < 0)
			return;
	}
	const struct formdef *d = rt ? formdef_for_action(rt->pattern) : NULL;
	if (!d || !r->view)
		return;
	json_t *shown = json_array(), *hidden = json_array();
	for (size_t i = 0; i < r->form.n; i++) {
		const struct form_field *f = &r->form.v[i];
		if (!strcmp(f->key, "csrf_token"))
			continue;
		const struct fdef *fd = formdef_field(d, f->key);
		if (fd && fd->kind == FK_PASSWORD)
			continue;
		json_array_append_new(hidden, json_pack("{s:s, s:s%}", "name", f->key, "value", f->value, f->len));
		if (!fd || !f->len)
			continue;
		const char *v = fd->choices ? fchoice_label(fd->choices, f->value) : NULL;
		json_array_append_new(shown, json_pack("{s:s, s:s%}", "label", fd->label, "value", v ? v : f->value,
		    v ? strlen(v) : f->len));
	}
	json_t *t = json_pack("{s:o, s:o, s:s, s:b}", "fields", shown, "hidden", hidden, "action", r->path, "retry", retry);
	json_object_set_new(r->view, "typed", t);
}

static int storage_status(struct req *r, int status)
{
	int fault = db_storage_fault();
	if (status < 400 || !fault)
		return status;
	if (r->is_post) {
		if (!r->view) {
			r->view = json_object();
			view_base(r);
		}
		typed_back(r, fault != DB_FAULT_COMMIT_UNKNOWN);
	}
	if (fault == DB_FAULT_UNREACHABLE || fault == DB_FAULT_COMMIT_UNKNOWN) {
		r->error = !r->is_post ? "Databasen går inte att nå just nu. Försök igen om en stund." :
		    fault == DB_FAULT_UNREACHABLE ? "Databasen går inte att nå just nu. Försök igen om en stund; inget av det "
		    "du skrev har sparats." : "Kontakten med databasen bröts medan det du skrev sparades. Kontrollera om "
		    "det kom med innan du skickar det igen.";
		r->retry_after = "5";
		return 503;
	}
	r->error = r->is_post ? "Databasen är full eller inte skrivbar. Försök igen senare; inget av det du skrev har sparats."
	    : "Databasen går inte att läsa eller skriva just nu. Försök igen om en stund.";
	r->retry_after = "60";
	return 503;
}

/* Answers with the error page for status (and msg or the default). */
static enum MHD_Result fail_now(struct req *r, int status, const char *msg)
{
	if (!r->view) {
		r->view = json_object();
		view_base(r);
	}
	r->error = msg ? msg : status_message(status);
	return render(r, storage_status(r, status));
}

static char *ceiling_block;	/* 4 MiB of 'x', made once, never freed */
static void ceiling_fill(void)
{
	ceiling_block = xmalloc(4 << 20);
	memset(ceiling_block, 'x', 4 << 20);
}

/* With --bench: serves N bytes from memory at /_ceiling/N (N up to 4 MiB),
 * headers as for a static file: the ceiling a page is compared with. */
static enum MHD_Result serve_ceiling(struct req *r)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	long long n = parse_id(r->path + strlen("/_ceiling/"));
	if (n <= 0 || n > (4 << 20))
		return fail_now(r, 404, NULL);
	pthread_once(&once, ceiling_fill);
	struct MHD_Response *resp = MHD_create_response_from_buffer((size_t)n, ceiling_block, MHD_RESPMEM_PERSISTENT);
	if (!resp)
		return MHD_NO;
	add_security_headers(resp, r->secure);
	MHD_add_response_header(resp, "Content-Type", "text/html; charset=utf-8");
	MHD_add_response_header(resp, "Cache-Control", "no-store");
	r->status = 200;
	r->bytes = (size_t)n;
	enum MHD_Result rc = MHD_queue_response(r->conn, 200, resp);
	MHD_destroy_response(resp);
	return rc;
}

/* Serves an embedded file from static/. Only exact names match. */
static enum MHD_Result serve_static(struct req *r)
{
	const char *name = r->path + 1;	/* "static/..." */
	for (const char *p = name; *p; p++) {
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '.' || *p == '-' || *p == '_' || *p == '/'))
			return fail_now(r, 404, NULL);
	}
	const struct asset *a = strstr(name, "..") ? NULL : asset_find(name);
	if (!a)
		return fail_now(r, 404, NULL);
	const char *etag = static_etags[a - assets];
	const char *inm = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "If-None-Match");
	int not_modified = inm && strcmp(inm, etag) == 0;
	struct MHD_Response *resp = MHD_create_response_from_buffer(not_modified ? 0 : a->len,
	    (void *)a->data, MHD_RESPMEM_PERSISTENT);
	if (!resp)
		return MHD_NO;
	add_security_headers(resp, r->secure);
	MHD_add_response_header(resp, "Content-Type", content_type_for(name));
	MHD_add_response_header(resp, "ETag", etag);
	MHD_add_response_header(resp, "Last-Modified", started_http_date);
	MHD_add_response_header(resp, "Cache-Control", "public, max-age=31536000, immutable");
	r->status = not_modified ? 304 : 200;
	r->bytes = not_modified ? 0 : a->len;
	enum MHD_Result rc = MHD_queue_response(r->conn, (unsigned)r->status, resp);
	MHD_destroy_response(resp);
	return rc;
}

/* ---------- request parsing helpers ---------- */

const char *http_header(struct req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

struct qctx {
	struct req *r;
	int bad;
};

/* One query parameter; sizes from MHD, so a decoded %00 cannot hide the
 * rest of a value from the check. Control and bidi characters are taken
 * out of the value (a search pasted with one still searches); invalid
 * UTF-8 or an unclean name refuses the request. */
static enum MHD_Result add_query(void *cls, enum MHD_ValueKind kind, const char *key, size_t key_size,
    const char *value, size_t value_size)
{
	(void)kind;
	struct qctx *q = cls;
	if (!value)
		value = "", value_size = 0;
	size_t n;
	int cleaned;
	char *v = text_clean(&q->r->arena, value, value_size, &n, &cleaned);
	if (!text_is_clean(key, key_size) || !v || q->r->query.n >= FORM_MAX_FIELDS) {
		q->bad = 1;
		return MHD_NO;
	}
	form_add(&q->r->query, &q->r->arena, key, v);
	q->r->query.v[q->r->query.n - 1].cleaned = cleaned;
	return MHD_YES;
}

/* Appends one header line to the buf cls when it is X-Forwarded-For,
 * lines joined with commas (as HTTP says repeated lines mean). */
static enum MHD_Result add_xff(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	(void)kind;
	struct buf *all = cls;
	if (key && value && strcasecmp(key, "X-Forwarded-For") == 0) {
		if (all->len)
			buf_puts(all, ",");
		buf_puts(all, value);
	}
	return MHD_YES;
}

/* Sets r->client_ip: the TCP peer, or, when the peer is one of the
 * --trusted-proxy addresses, the client X-Forwarded-For names (see
 * netaddr_client). Every line of the header is read: a proxy that adds its
 * own line below the client's must not leave us reading the client's. */
static void client_ip(struct req *r)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(r->conn,
	    MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	struct netaddr peer;
	int known = 0;
	memset(&peer, 0, sizeof peer);
	if (ci && ci->client_addr) {
		const struct sockaddr *sa = ci->client_addr;
		if (sa->sa_family == AF_INET) {
			memcpy(peer.a, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, 4);
			known = 1;
		} else if (sa->sa_family == AF_INET6) {
			char text[INET6_ADDRSTRLEN];
			/* through the parser: an IPv4-mapped peer becomes IPv4 */
			known = inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr,
			    text, sizeof text) && netaddr_parse(text, strlen(text), &peer) == 0;
		}
	}
	if (!known) {
		r->client_ip = "unknown";
		return;
	}
	struct netaddr client = peer;
	if (opts.ntrusted_proxies) {
		struct buf lines;
		buf_init(&lines);
		MHD_get_connection_values(r->conn, MHD_HEADER_KIND, add_xff, &lines);
		char *all = buf_take(&lines, NULL);
		netaddr_client(&peer, *all ? all : NULL, opts.trusted_proxies, opts.ntrusted_proxies, &client);
		free(all);
	}
	char ip[NETADDR_STRLEN];
	netaddr_format(&client, ip);
	r->client_ip = arena_strdup(&r->arena, ip);
}

static int wants_json(struct req *r)
{
	const char *accept = http_header(r, "Accept");
	return accept && strstr(accept, "application/json") != NULL;
}

void http_cookie(struct req *r, const char *name, const char *value, long long max_age)
{
	char age[32] = "";
	if (max_age >= 0)
		snprintf(age, sizeof age, "; Max-Age=%lld", max_age);
	http_set_cookie(r, arena_printf(&r->arena, "%s%s=%s; Path=/; HttpOnly; SameSite=Lax%s%s", r->secure ? "__Host-" : "",
	    name, value, r->secure ? "; Secure" : "", age));
}

/* The cookie's name on the wire: behind TLS with the __Host- prefix, which
 * a browser keeps only when it came Secure, for Path=/ and without Domain,
 * so a sibling host or a plain-HTTP answer cannot plant one. */
static const char *cookie_name(struct req *r, const char *base)
{
	return r->secure ? arena_printf(&r->arena, "__Host-%s", base) : base;
}

/* ---------- the request path ---------- */

void http_saw_person(struct req *r, long long person_id)
{
	if (person_id <= 0)
		return;
	for (size_t i = 0; i < r->nseen; i++)
		if (r->seen[i] == person_id)
			return;
	if (r->nseen == r->seen_cap) {
		size_t cap = r->seen_cap ? r->seen_cap * 2 : 64;
		long long *v = arena_alloc(&r->arena, cap * sizeof *v);
		if (r->nseen)
			memcpy(v, r->seen, r->nseen * sizeof *v);
		r->seen = v;
		r->seen_cap = cap;
	}
	r->seen[r->nseen++] = person_id;
}

void http_saw_rows(struct req *r, json_t *rows, const char *key)
{
	size_t i;
	json_t *x;
	json_array_foreach(rows, i, x)
		http_saw_person(r, json_integer_value(json_object_get(x, key)));
}

/* Records every integer "person_id" member found in the view: a list or
 * form that carries a person's id shows that person's data. */
static void saw_view(struct req *r, json_t *v, int depth)
{
	if (depth > 8)
		return;
	if (json_is_object(v)) {
		const char *k;
		json_t *x;
		json_object_foreach(v, k, x) {
			if (json_is_integer(x) && !strcmp(k, "person_id"))
				http_saw_person(r, json_integer_value(x));
			else if (json_is_string(x) && !strcmp(k, "href") && !strncmp(json_string_value(x), "/persons/", 9))
				http_saw_person(r, parse_id(arena_strndup(&r->arena, json_string_value(x) + 9,
				    strspn(json_string_value(x) + 9, "0123456789"))));
			else if (json_is_object(x) || json_is_array(x))
				saw_view(r, x, depth + 1);
		}
	} else if (json_is_array(v)) {
		size_t i;
		json_t *x;
		json_array_foreach(v, i, x)
			saw_view(r, x, depth + 1);
	}
}

/* Renders a handler's status, or leaves a parked request waiting. The
 * persons the answer shows are audited first. Returns what MHD expects. */
static enum MHD_Result answer(struct req *r, int status)
{
	if (status == HTTP_SUSPENDED)
		return MHD_YES;
	status = storage_status(r, status);
	if (status >= 500)
		db_rollback();
	if (status < 400 && r->view && r->user.id && !r->error && !r->is_post) {
		saw_view(r, r->view, 0);
		if (r->route && !strncmp(r->route->pattern, "/persons/{id}", 13) && r->nparams)
			http_saw_person(r, r->params[0]);	/* every page of a person's record */
	}
	if (status < 500 && r->nseen && r->user.id && !r->error &&
	    audit_seen(r->user.id, r->route ? r->route->pattern : r->path, r->seen, r->nseen) < 0)
		status = storage_status(r, http_fail(r, 500, NULL));	/* never shown unlogged; a full disk is a 503 */
	return render(r, status);
}

static enum MHD_Result dispatch(struct req *r)
{
	struct qctx q = { r, 0 };
	db_rollback_leftover();	/* a transaction an earlier request left open is not this one's */
	db_storage_fault_clear();
	MHD_get_connection_values_n(r->conn, MHD_GET_ARGUMENT_KIND, add_query, &q);
	r->want_json = wants_json(r);
	client_ip(r);
	const char *xfp = http_header(r, "X-Forwarded-Proto");
	r->secure = opts.secure_cookies || (xfp && strcmp(xfp, "https") == 0);
	if (r->body_too_big)
		return fail_now(r, 413, NULL);
	if (q.bad)
		return fail_now(r, 400, NULL);

	int is_get = strcmp(r->method, "GET") == 0 || strcmp(r->method, "HEAD") == 0;
	if (is_get && strncmp(r->path, "/static/", 8) == 0)
		return serve_static(r);
	if (is_get && opts.bench && strncmp(r->path, "/_ceiling/", 10) == 0)
		return serve_ceiling(r);

	/* session */
	const char *cookies = http_header(r, "Cookie");
	const char *token = cookie_get(&r->arena, cookies, cookie_name(r, SESSION_COOKIE));
	if (token) {
		int rc = session_load(token, &r->user, &r->arena);
		if (rc < 0) {
			/* the form given back on the 503 (typed_back) is bound to this
			 * cookie's session; sending it again is checked in full */
			char c[65];
			auth_csrf_for(token, c);
			r->csrf = arena_strdup(&r->arena, c);
			return fail_now(r, 500, NULL);
		}
		if (rc == 1)
			r->session_token = token;
		else
			http_cookie(r, SESSION_COOKIE, "", 0);
	}
	if (r->session_token) {
		/* early, so error pages carry a working logout form too */
		char c[65];
		auth_csrf_for(r->session_token, c);
		r->csrf = arena_strdup(&r->arena, c);
	}
	const char *pre = cookie_get(&r->arena, cookies, cookie_name(r, PRE_COOKIE));
	if (pre && strlen(pre) == 64)
		r->pre_token = pre;

	/* route */
	int known;
	char allow[32];
	r->route = route_find(is_get ? "GET" : r->method, r->path, r->params, &r->nparams, &known, allow);
	if (!r->route) {
		if (known) {
			r->allow = arena_strdup(&r->arena, allow);
			return fail_now(r, 405, NULL);
		}
		return fail_now(r, 404, NULL);
	}
	if (!(r->route->roles & ROLE_PUBLIC)) {
		if (!r->user.id) {
			if (r->want_json)
				return fail_now(r, 401, NULL);
			r->view = json_object();
			return render(r, http_redirect(r, "/login"));
		}
		if (!(r->route->roles & (unsigned)r->user.role)) {
			audit_log(r->user.id, "denied", r->route->pattern, r->nparams ? r->params[0] : 0, 0);
			return fail_now(r, 403, NULL);
		}
	}

	/* the token forms must echo: bound to the session, or before login
	 * to a pre-login cookie */
	const char *bind_to = r->session_token;
	if (!bind_to && (r->route->roles & ROLE_PUBLIC)) {
		if (!r->pre_token && !r->is_post && r->route->template) {
			char t[65];
			auth_new_token(t);
			r->pre_token = arena_strdup(&r->arena, t);
			http_cookie(r, PRE_COOKIE, t, 12 * 3600);
		}
		bind_to = r->pre_token;
	}
	if (bind_to && !r->csrf) {
		char c[65];
		auth_csrf_for(bind_to, c);
		r->csrf = arena_strdup(&r->arena, c);
	}

	if (r->is_post) {
		const char *ct = http_header(r, "Content-Type");
		int multipart = ct && strncasecmp(ct, "multipart/", 10) == 0;
		if ((multipart ? form_parse_multipart(&r->form, &r->files, &r->arena, ct, r->body.data ? r->body.data : "", r->body.len) :
		    form_parse(&r->form, &r->arena, r->body.data ? r->body.data : "", r->body.len)) < 0)
			return fail_now(r, 400, NULL);
		/* a file part is raw bytes: only the field a route names may carry one */
		for (size_t i = 0; i < r->files.n; i++)
			if (!str_eq(r->route->upload, r->files.v[i].key))
				return fail_now(r, 400, "Den här sidan tar inte emot filer. Skriv texten i formuläret i stället.");
		const char *given = form_get(&r->form, "csrf_token");
		if (!given)
			given = http_header(r, "X-CSRF-Token");
		if (!auth_csrf_valid(bind_to, given)) {
			if (r->user.id)
				audit_log(r->user.id, "denied", "csrf", 0, 0);
			return fail_now(r, 403, "Formuläret har gått ut eller kom inte från den här sidan. "
			    "Ladda om sidan och försök igen.");
		}
	}

	r->view = json_object();
	view_base(r);
	db_storage_fault_clear();	/* a failed best-effort write before (the session's last-seen) is not the handler's */
	return answer(r, r->route->handler(r));
}

int http_suspend(struct req *r, handler_fn then)
{
	r->resume = then;
	MHD_suspend_connection(r->conn);
	return HTTP_SUSPENDED;
}

void http_resume(struct req *r)
{
	MHD_resume_connection(r->conn);
}

static int content_type_ok(struct MHD_Connection *c)
{
	const char *ct = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type");
	if (!ct)
		return 0;
	size_t n = strlen("application/x-www-form-urlencoded");
	if (strncasecmp(ct, "application/x-www-form-urlencoded", n) == 0 && (ct[n] == '\0' || ct[n] == ';'))
		return 1;
	return strncasecmp(ct, "multipart/form-data;", 20) == 0;	/* file uploads */
}

/* A request's record, made when its request line has arrived (MHD's URI
 * callback) or, failing that, at the first on_request call. */
static struct req *req_new(struct MHD_Connection *c)
{
	struct req *r = xcalloc(1, sizeof *r);
	r->t0 = now_usec();
	r->conn = c;
	r->method = "-";
	r->path = "-";
	buf_init(&r->body);
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	r->cs = ci ? ci->socket_context : NULL;
	return r;
}

/*
 * MHD's URI callback: runs once the request line is in, before MHD splits
 * the query into one record per parameter in the connection's 64 KiB.
 * About a thousand parameters exhaust that memory, and libmicrohttpd
 * 0.9.75 then neither answers nor closes (the client waited for the 30 s
 * timeout). A target over MAX_URL or with more parameters than a form may
 * have is decided here (414, 400) and its query cut off before MHD parses
 * it: uri points into MHD's writable read buffer, and MHD reads the query
 * after this call as a NUL-terminated string (tests/http/limits.test.mjs
 * checks this still holds).
 */
static void *on_uri(void *cls, const char *uri, struct MHD_Connection *c)
{
	(void)cls;
	struct req *r = req_new(c);
	size_t n = strlen(uri);
	const char *q = strchr(uri, '?');
	size_t params = 0;
	if (q)
		for (const char *p = q; *p; p++)
			params += *p == '&' || p == q;
	if (n > MAX_URL)
		r->early = 414;
	else if (params > FORM_MAX_FIELDS)
		r->early = 400;
	/* the path (no query) for the access log until MHD's decoded one */
	size_t plen = q ? (size_t)(q - uri) : n;
	/* a NUL in the path ("/persons/7%00") would cut MHD's decoded path
	 * short ("/persons/7"): no page has one */
	for (size_t i = 0; !r->early && i + 2 < plen; i++)
		if (uri[i] == '%' && uri[i + 1] == '0' && uri[i + 2] == '0')
			r->early = 404;
	r->path = arena_strndup(&r->arena, uri, plen < MAX_URL ? plen : MAX_URL);
	if (r->early && q)
		((char *)q)[1] = '\0';
	return r;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *upload_data,
    size_t *upload_data_size, void **con_cls)
{
	(void)cls;
	(void)version;
	struct req *r = *con_cls;
	if (!r) {
		db_storage_fault_clear();	/* not this request's: the thread served others */
		*con_cls = r = req_new(c);
	}
	if (!r->started) {	/* the headers are in */
		r->started = 1;
		r->method = arena_strdup(&r->arena, method);
		r->path = arena_strndup(&r->arena, url, strnlen(url, MAX_URL + 1));
		r->is_post = strcmp(method, "POST") == 0;
		r->want_json = wants_json(r);
		if (r->early)
			return fail_now(r, r->early, NULL);
		if (strlen(url) > MAX_URL)
			return fail_now(r, 414, NULL);
		const union MHD_ConnectionInfo *hs = MHD_get_connection_info(c, MHD_CONNECTION_INFO_REQUEST_HEADER_SIZE);
		if (hs && hs->header_size > MAX_HEADERS)
			return fail_now(r, 431, NULL);
		if (r->is_post) {
			if (!content_type_ok(c))
				return fail_now(r, 415, "Formulär ska skickas som application/x-www-form-urlencoded (eller multipart/form-data med en fil).");
			const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
			if (cl && strtoull(cl, NULL, 10) > opts.max_body)
				return fail_now(r, 413, NULL);
		} else if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0) {
			return fail_now(r, 405, NULL);
		}
		return MHD_YES;
	}
	if (r->resume) {	/* back from http_suspend */
		handler_fn then = r->resume;
		r->resume = NULL;
		db_storage_fault_clear();
		return answer(r, then(r));
	}
	if (*upload_data_size)
		conn_body(r->cs, *upload_data_size);	/* a body earns time (conn.h) */
	if (r->status)	/* already answered early; discard the rest */
		return (*upload_data_size = 0, MHD_YES);
	if (*upload_data_size) {
		if (r->body.len + *upload_data_size > opts.max_body)
			r->body_too_big = 1;
		else
			buf_append(&r->body, upload_data, *upload_data_size);
		*upload_data_size = 0;
		return MHD_YES;
	}
	conn_received(r->cs);	/* whole: the request deadline is met */
	return dispatch(r);
}

/* Writes the access-log line: no query string, no names, no form values;
 * a run of digits (with - or +) holding six or more digits in the path
 * (a personnummer in any form typed into the address bar) is masked. */
static void access_log(struct req *r)
{
	if (opts.quiet)
		return;
	char path[160];
	size_t o = 0;
	for (const char *p = r->path; *p && o < sizeof path - 8; p++) {
		if (*p >= '0' && *p <= '9') {	/* 600301-1001, 198503122387, 19850312-2387 ... */
			size_t run = strspn(p, "0123456789-+ ._"), digits = 0;
			for (size_t k = 0; k < run; k++)
				digits += p[k] >= '0' && p[k] <= '9';
			if (digits >= 6) {
				memcpy(path + o, "[nr]", 4);
				o += 4;
				p += run - 1;
				continue;
			}
		}
		path[o++] = (*p > 0x20 && *p < 0x7f) ? *p : '?';
	}
	path[o] = '\0';
	char t[21];
	iso_time(now_unix(), t);
	fprintf(stderr, "%s %s %s %d %zu %lldus uid=%lld\n", t, r->method, path, r->status,
	    r->bytes, now_usec() - r->t0, r->user.id);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	(void)cls;
	(void)toe;
	struct req *r = *con_cls;
	if (!r)
		return;
	/* the log's status: ours, libmicrohttpd's own answer (its 431), or
	 * 408 when the deadline closed the connection (nothing is sent) */
	int killed = conn_request_done(r->cs);
	if (!r->status) {
		const union MHD_ConnectionInfo *st = MHD_get_connection_info(c, MHD_CONNECTION_INFO_HTTP_STATUS);
		r->status = killed ? 408 : st ? (int)st->http_status : 0;
	}
	access_log(r);
	json_decref(r->view);
	buf_free(&r->body);
	free(r->download);	/* set but not sent (an error came after) */
	arena_free(&r->arena);
	free(r);
	*con_cls = NULL;
}

/* Connection notifications: the record conn.h keeps for each socket. */
static void on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
    enum MHD_ConnectionNotificationCode code)
{
	(void)cls;
	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		const union MHD_ConnectionInfo *fd = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
		const union MHD_ConnectionInfo *ad = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
		*socket_context = conn_open(fd ? fd->connect_fd : -1, ad ? ad->client_addr : NULL);
	} else if (code == MHD_CONNECTION_NOTIFY_CLOSED) {
		conn_close(*socket_context);	/* MHD closes the socket after this */
		*socket_context = NULL;
	}
}

/* MHD's accept policy: the per-address limit (conn.h). */
/* Set when the server stops: new connections are closed at once. */
static atomic_int stopping;

static enum MHD_Result on_accept(void *cls, const struct sockaddr *addr, socklen_t addrlen)
{
	(void)cls;
	(void)addrlen;
	if (atomic_load(&stopping))
		return MHD_NO;
	return conn_admit(addr) ? MHD_YES : MHD_NO;
}

/* ---------- lifecycle ---------- */

int server_run(const struct server_opts *o)
{
	opts = *o;
	static_init();

	struct sockaddr_in sin4;
	struct sockaddr_in6 sin6;
	struct sockaddr *sa;
	unsigned flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ITC | MHD_ALLOW_SUSPEND_RESUME;
	memset(&sin4, 0, sizeof sin4);
	memset(&sin6, 0, sizeof sin6);
	if (inet_pton(AF_INET, o->bind, &sin4.sin_addr) == 1) {
		sin4.sin_family = AF_INET;
		sin4.sin_port = htons((uint16_t)o->port);
		sa = (struct sockaddr *)&sin4;
	} else if (inet_pton(AF_INET6, o->bind, &sin6.sin6_addr) == 1) {
		sin6.sin6_family = AF_INET6;
		sin6.sin6_port = htons((uint16_t)o->port);
		sa = (struct sockaddr *)&sin6;
		flags |= MHD_USE_IPv6;
	} else {
		fprintf(stderr, "bostadforst: --bind %s is not an IP address\n", o->bind);
		return -1;
	}

	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGXFSZ, SIG_IGN);	/* past a file size limit a write fails (EFBIG: 503), the server lives */

	/* the per-address limit is ours (conn_admit via on_accept), not
	 * MHD_OPTION_PER_IP_CONNECTION_LIMIT: the trusted proxy is exempt */
	struct conn_limits cl = { o->per_ip_limit, o->request_deadline, CONN_BODY_RATE, o->max_body, o->trusted_proxies,
		o->ntrusted_proxies };
	if (conn_guard_start(&cl, 1) < 0) {
		fprintf(stderr, "bostadforst: cannot start the request deadline's thread\n");
		return -1;
	}
	struct MHD_Daemon *d = MHD_start_daemon(flags, (uint16_t)o->port, on_accept, NULL,
	    on_request, NULL,
	    MHD_OPTION_SOCK_ADDR, sa,
	    MHD_OPTION_THREAD_POOL_SIZE, (unsigned)o->threads,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)o->conn_timeout,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned)o->conn_limit,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)MHD_POOL,
	    MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
	    MHD_OPTION_NOTIFY_CONNECTION, on_connection, NULL,
	    MHD_OPTION_URI_LOG_CALLBACK, on_uri, NULL,
	    MHD_OPTION_END);
	if (!d) {
		conn_guard_stop();
		fprintf(stderr, "bostadforst: cannot listen on %s:%d\n", o->bind, o->port);
		return -1;
	}
	if (hashpool_start(o->hashers, o->login_queue) < 0) {
		MHD_stop_daemon(d);
		conn_guard_stop();
		fprintf(stderr, "bostadforst: cannot start the password threads\n");
		return -1;
	}
	int port = o->port;
	const union MHD_DaemonInfo *di = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	if (di)
		port = di->port;
	fprintf(stderr, "bostadforst: listening on http://%s:%d (%d threads)\n", o->bind, port, o->threads);

	int sig;
	sigwait(&set, &sig);
	fprintf(stderr, "bostadforst: stopping (signal %d)\n", sig);
	/* stop accepting, let requests in flight finish (at most 3 s). Not
	 * MHD_quiesce_daemon: with a thread pool it takes the listening socket
	 * out of each worker's epoll set from this thread while a worker at its
	 * connection limit may do the same, and the loser's failed epoll_ctl is
	 * a PANIC (abort) in libmicrohttpd; refusing in on_accept needs no
	 * shared state but a flag. */
	atomic_store(&stopping, 1);
	hashpool_stop();	/* answers the queued logins; later ones check inline */
	for (int i = 0; i < 30; i++) {
		const union MHD_DaemonInfo *ci = MHD_get_daemon_info(d, MHD_DAEMON_INFO_CURRENT_CONNECTIONS);
		if (!ci || ci->num_connections == 0)
			break;
		nanosleep(&(struct timespec){ 0, 100 * 1000 * 1000 }, NULL);
	}
	MHD_stop_daemon(d);
	conn_guard_stop();
	db_close_all();
	free(static_etags);
	fprintf(stderr, "bostadforst: stopped (%llu password checks)\n", auth_checks());
	return 0;
}

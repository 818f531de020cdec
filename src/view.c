/* view.c - helpers handlers use to fill the view model and answer. */
#include "http.h"
#include "db.h"
#include "formdef.h"
#include "route.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int http_fail(struct req *r, int status, const char *msg)
{
	r->error = msg;
	return status;
}

int http_redirect(struct req *r, const char *to)
{
	r->redirect = arena_strdup(&r->arena, to);
	return 303;
}

int http_redirect_done(struct req *r, const char *to, enum done d)
{
	const char *code = done_code(d);
	if (!code)
		return http_redirect(r, to);
	r->redirect = arena_printf(&r->arena, "%s%cklart=%s", to, strchr(to, '?') ? '&' : '?', code);
	return 303;
}

int http_confirmed(struct req *r)
{
	return r->is_post && str_eq(form_get(&r->form, "confirmed"), "1");
}

int http_download(struct req *r, char *body, size_t len, const char *type, const char *filename)
{
	r->download = body;
	r->download_len = len;
	r->download_type = type;
	r->download_name = arena_strdup(&r->arena, filename);
	return 200;
}

void http_set_cookie(struct req *r, const char *cookie)
{
	if (r->ncookies < MAX_COOKIES)
		r->set_cookie[r->ncookies++] = arena_strdup(&r->arena, cookie);
}

const char *http_param(struct req *r, const char *name)
{
	const char *v = form_get(r->is_post ? &r->form : &r->query, name);
	if (!v)
		return NULL;
	while (isspace((unsigned char)*v))
		v++;
	size_t n = strlen(v);
	while (n && isspace((unsigned char)v[n - 1]))
		n--;
	return arena_strndup(&r->arena, v, n);
}

void view_form_error(struct req *r, const char *anchor, const char *msg)
{
	json_t *errors = json_object_get(r->view, "errors");
	if (!errors) {
		errors = json_array();
		json_object_set_new(r->view, "errors", errors);
	}
	json_array_append_new(errors, json_pack("{s:s, s:s, s:s}", "field", anchor, "message", msg,
	    "href", arena_printf(&r->arena, "#%s", anchor)));
	json_object_set_new(r->view, "has_errors", json_true());
}

void view_error_href(struct req *r, const char *field, const char *href, const char *msg)
{
	view_error(r, field, msg);
	json_t *errors = json_object_get(r->view, "errors");
	json_object_set_new(json_array_get(errors, json_array_size(errors) - 1), "href", json_string(href));
}

void view_error(struct req *r, const char *field, const char *msg)
{
	view_form_error(r, field, msg);
	json_t *fe = json_object_get(r->view, "field_errors");
	if (!fe) {
		fe = json_object();
		json_object_set_new(r->view, "field_errors", fe);
	}
	if (!json_object_get(fe, field))
		json_object_set_new(fe, field, json_string(msg));
	/* a described field already built (form_view) shows it too */
	json_t *fd = json_object_get(json_object_get(r->view, "f"), field);
	if (fd && !json_is_string(json_object_get(fd, "error")))
		json_object_set(fd, "error", json_object_get(fe, field));
}

int view_has_field_error(struct req *r, const char *field)
{
	return json_object_get(json_object_get(r->view, "field_errors"), field) != NULL;
}

int view_has_errors(struct req *r)
{
	return json_object_get(r->view, "errors") != NULL;
}

void view_set_str(json_t *obj, const char *key, const char *s)
{
	json_object_set_new(obj, key, s ? json_string(s) : json_null());
}

void view_count(struct req *r, json_t *o, const char *key, const char *one, const char *many)
{
	json_t *v = json_object_get(o, key);
	if (!json_is_integer(v))
		return;
	long long n = json_integer_value(v);
	json_object_set_new(o, arena_printf(&r->arena, "%s_text", key),
	    json_string(arena_printf(&r->arena, "%lld %s", n, plural(n, one, many))));
}

const char *view_days_ago(struct req *r, long long n)
{
	if (n == 0)
		return "i dag";
	if (n < 0)
		return arena_printf(&r->arena, "om %lld %s", -n, plural(n, "dag", "dagar"));
	return arena_printf(&r->arena, "för %lld %s sedan", n, plural(n, "dag", "dagar"));
}

static void url_encode(struct buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' || *p == '.' || *p == '~') {
			buf_putc(b, (char)*p);
		} else {
			buf_putc(b, '%');
			buf_putc(b, hex[*p >> 4]);
			buf_putc(b, hex[*p & 15]);
		}
	}
}

const char *http_link(struct req *r, const char *const keys[], const char *key, const char *value)
{
	struct buf b;
	buf_init(&b);
	buf_puts(&b, r->path);
	char sep = '?';
	for (size_t i = 0; keys[i]; i++) {
		const char *v = form_get(&r->query, keys[i]);
		if (!v || !*v || strcmp(keys[i], key) == 0)
			continue;
		buf_putc(&b, sep);
		sep = '&';
		url_encode(&b, keys[i]);
		buf_putc(&b, '=');
		url_encode(&b, v);
	}
	buf_putc(&b, sep);
	url_encode(&b, key);
	buf_putc(&b, '=');
	url_encode(&b, value);
	const char *out = arena_strdup(&r->arena, b.data);
	buf_free(&b);
	return out;
}

void view_pager(struct req *r, const char *next_href, const char *first_href)
{
	if (!next_href && !first_href)
		return;
	json_t *p = json_object();
	if (next_href)
		json_object_set_new(p, "next_href", json_string(next_href));
	if (first_href)
		json_object_set_new(p, "first_href", json_string(first_href));
	json_object_set_new(r->view, "pager", p);
}

json_t *view_field(struct req *r, json_t *fields, const char *name, const char *label, const char *kind,
    const char *value, const char *hint)
{
	json_t *fe = json_object_get(json_object_get(r->view, "field_errors"), name);
	json_t *f = json_pack("{s:s, s:s, s:s, s:s, s:b, s:b, s:b, s:b, s:b, s:b, s:b, s:b, s:n, s:n, s:n}",
	    "id", name, "name", name, "label", label, "value", value ? value : "", "required", 0,
	    "input", 0, "textarea", 0, "select", 0, "checkbox", 0, "date", 0, "time", 0, "checked", 0,
	    "error", "hint", "inputmode");
	json_object_set_new(f, "password", json_false());
	json_object_set_new(f, "radios", json_false());
	json_object_set_new(f, kind, json_true());
	if (!strcmp(kind, "date") || !strcmp(kind, "time"))
		json_object_set_new(f, "input", json_true());
	if (fe)
		json_object_set(f, "error", fe);
	if (hint)
		json_object_set_new(f, "hint", json_string(hint));
	json_array_append_new(fields, f);
	return f;
}

const char *view_value(struct req *r, json_t *stored, const char *name)
{
	if (r->is_post)
		return http_param(r, name);
	return json_string_value(json_object_get(stored, name));
}

int view_conflict(struct req *r, const char *field, const char *what)
{
	int rc = form_conflict(r, NULL, NULL, field, what, NULL);
	/* pages without the conflict box (the decision's end) lead to the field */
	json_t *errors = json_object_get(r->view, "errors");
	json_t *last = json_array_get(errors, json_array_size(errors) - 1);
	if (last) {
		json_object_set_new(last, "field", json_string(field));
		json_object_set_new(last, "href", json_string(arena_printf(&r->arena, "#%s", field)));
	}
	return rc;
}

json_t *view_confirm(struct req *r, const char *heading, const char *what, const char *undo,
    const char *action, const char *button, const char *back_href)
{
	json_t *c = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:[], s:[]}", "heading", heading, "what", what,
	    "undo", undo, "action", action, "button", button, "back_href", back_href, "facts", "hidden");
	json_object_set_new(r->view, "confirm", c);
	json_object_set_new(r->view, "title", json_string(heading));
	return c;
}

void view_confirm_fact(json_t *confirm, const char *label, const char *value)
{
	if (value && *value)
		json_array_append_new(json_object_get(confirm, "facts"), json_pack("{s:s, s:s}", "label", label, "value", value));
}

void view_confirm_hidden(json_t *confirm, const char *name, const char *value)
{
	json_array_append_new(json_object_get(confirm, "hidden"), json_pack("{s:s, s:s}", "name", name, "value", value ? value : ""));
}

json_t *view_options(const char *const values[], const char *const labels[], const char *selected)
{
	json_t *a = json_array();
	for (size_t i = 0; values[i]; i++)
		json_array_append_new(a, json_pack("{s:s, s:s, s:b}", "value", values[i], "label", labels[i],
		    "selected", selected && !strcmp(selected, values[i])));
	return a;
}

const char *label_of(const char *const values[], const char *const labels[], const char *value)
{
	for (size_t i = 0; value && values[i]; i++)
		if (!strcmp(values[i], value))
			return labels[i];
	return "";
}

int one_of(const char *const values[], const char *value)
{
	return *label_of(values, values, value) != '\0';
}

json_t *view_keyset_page(struct req *r, dbstmt *st, int page, const char *const keys[], const char *first_href)
{
	long long after = parse_id(http_param(r, "after"));
	if (after)
		db_bind_named_int(st, ":after", after);
	db_bind_named_int(st, ":limit", page + 1);
	int more;
	json_t *rows = db_rows_json(st, page, &more);
	if (!rows)
		return NULL;
	json_t *last = json_array_get(rows, json_array_size(rows) - 1);
	view_pager(r, more ? http_link(r, keys, "after", arena_printf(&r->arena, "%lld",
	    (long long)json_integer_value(json_object_get(last, "id")))) : NULL, after ? first_href : NULL);
	json_object_set_new(r->view, "rows", rows);
	return rows;
}

int view_may(struct req *r, const char *key, int cond, const char *method, const char *fmt, ...)
{
	char path[256];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(path, sizeof path, fmt, ap);
	va_end(ap);
	int may = cond && n > 0 && (size_t)n < sizeof path && route_allows(method, path, r->user.role);
	json_object_set_new(r->view, key, json_boolean(may));
	return may;
}

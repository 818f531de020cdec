/*
 * fuzz_tmpl.c - the Mustache compiler on arbitrary template text, and
 * rendering what compiles with a small fixed view. The templates of
 * templates/ are compiled once at start-up into the same set, so the
 * input can use them as partials and parents ({{>field}}, {{<layout}});
 * the input itself is called "{fuzz}", a name no tag can spell (braces
 * are refused in tag names), so it can never include itself. The view's
 * lists hold one element, so output grows with the template, never
 * exponentially with nested sections.
 * Invariants: a failed compile says what is wrong with a line number; a
 * rendering either succeeds or says why; rendering is repeatable (the
 * same output twice); text without "{{" renders as itself.
 */
#include "fuzz.h"
#include "assets.h"
#include "tmpl.h"

static struct tmpl_set *set;
static json_t *view;

static const char view_json[] =
    "{\"title\": \"Besök: Anna <Andersson> & \\\"co\\\"\", \"css\": \"/static/app.css?v=1\", \"path\": \"/persons\","
    " \"csrf_token\": \"abc\", \"n\": 3, \"zero\": 0, \"pi\": 3.14, \"yes\": true, \"no\": false, \"nothing\": null,"
    " \"empty\": \"\", \"none\": [], \"user\": {\"name\": \"Cecilia Case\", \"role_label\": \"case manager\","
    " \"district\": \"Centrum\"}, \"nav\": [{\"href\": \"/\", \"label\": \"Start\", \"current\": true}],"
    " \"rows\": [{\"id\": 7, \"name\": \"Örjan Ödegård\", \"note\": \"<script>alert(1)</script>\"}],"
    " \"fields\": [{\"name\": \"date\", \"label\": \"Datum\", \"type\": \"date\", \"value\": \"2025-01-01\","
    " \"error\": \"Ange datum.\", \"options\": [{\"value\": \"1\", \"label\": \"Ja\", \"selected\": true}]}],"
    " \"error\": {\"status\": 404, \"title\": \"Hittades inte\", \"message\": \"Sidan finns inte.\"},"
    " \"a\": {\"b\": {\"c\": \"deep\"}}, \"pager\": {\"next\": \"/persons?after=7\"}}";

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	char err[256];
	set = tmpl_set_new();
	for (size_t i = 0; i < nassets; i++) {
		const char *p = assets[i].path;
		size_t n = strlen(p);
		if (strncmp(p, "templates/", 10) != 0 || n < 19 || strcmp(p + n - 9, ".mustache") != 0)
			continue;
		char name[128];
		snprintf(name, sizeof name, "%.*s", (int)(n - 19), p + 10);
		if (tmpl_add(set, name, (const char *)assets[i].data, assets[i].len, err, sizeof err) < 0) {
			fprintf(stderr, "%s: %s\n", p, err);
			abort();
		}
	}
	json_error_t je;
	view = json_loads(view_json, 0, &je);
	if (!view) {
		fprintf(stderr, "view: %s\n", je.text);
		abort();
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 16384)
		return 0;
	char err[256] = "";
	const char *src = (const char *)data;
	if (tmpl_add(set, "{fuzz}", src, size, err, sizeof err) < 0) {
		FUZZ_ASSERT(strstr(err, "line"), "compile failed without a line: [%s]", err);
		return 0;
	}
	struct buf a, b;
	buf_init(&a);
	buf_init(&b);
	int rc = tmpl_render(set, "{fuzz}", view, &a, err, sizeof err);
	FUZZ_ASSERT(rc == 0 || (rc == -1 && *err), "render rc %d, err [%s]", rc, err);
	int rc2 = tmpl_render(set, "{fuzz}", view, &b, err, sizeof err);
	FUZZ_ASSERT(rc2 == rc && a.len == b.len && (!a.len || !memcmp(a.data, b.data, a.len)),
	    "two renderings differ");
	int has_tag = 0;
	for (size_t i = 0; i + 1 < size; i++)
		if (src[i] == '{' && src[i + 1] == '{')
			has_tag = 1;
	if (!has_tag)
		FUZZ_ASSERT(rc == 0 && a.len == size && (!size || !memcmp(a.data, src, size)),
		    "text without tags rendered as something else");
	buf_free(&a);
	buf_free(&b);
	return 0;
}

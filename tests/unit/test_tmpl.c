/* test_tmpl.c - the template engine against the Mustache spec files and
 * against malformed templates that must give an error, never a crash. */
#include "../../src/tmpl.h"
#include "check.h"

#include <stdlib.h>
#include <dirent.h>

static const char *spec_dir = "../shared/mustache-spec";

/* Runs every test of one spec file. */
static void run_spec_file(const char *file)
{
	char path[512], err[256];
	snprintf(path, sizeof path, "%s/%s", spec_dir, file);
	json_error_t jerr;
	json_t *root = json_load_file(path, 0, &jerr);
	CHECK(root != NULL, "cannot read %s: %s", path, jerr.text);
	if (!root)
		return;
	size_t i;
	json_t *t;
	json_array_foreach(json_object_get(root, "tests"), i, t) {
		const char *name = json_string_value(json_object_get(t, "name"));
		struct tmpl_set *set = tmpl_set_new();
		const char *key;
		json_t *p;
		json_object_foreach(json_object_get(t, "partials"), key, p) {
			int rc = tmpl_add(set, key, json_string_value(p), json_string_length(p), err, sizeof err);
			CHECK(rc == 0, "%s / %s: partial %s: %s", file, name, key, err);
		}
		json_t *tpl = json_object_get(t, "template");
		int rc = tmpl_add(set, "__main", json_string_value(tpl), json_string_length(tpl), err, sizeof err);
		CHECK(rc == 0, "%s / %s: compile: %s", file, name, err);
		if (rc == 0) {
			struct buf out;
			buf_init(&out);
			rc = tmpl_render(set, "__main", json_object_get(t, "data"), &out, err, sizeof err);
			const char *want = json_string_value(json_object_get(t, "expected"));
			CHECK(rc == 0 && strcmp(out.data ? out.data : "", want) == 0,
			    "%s / %s:\n  got  [%s]\n  want [%s]", file, name, out.data ? out.data : "", want);
			buf_free(&out);
		}
		tmpl_set_free(set);
	}
	json_decref(root);
}

/* Compiles src and returns 0/-1; err receives the message. */
static int compile(const char *src, char *err, size_t errlen)
{
	struct tmpl_set *set = tmpl_set_new();
	int rc = tmpl_add(set, "t", src, strlen(src), err, errlen);
	tmpl_set_free(set);
	return rc;
}

static void malformed(void)
{
	char err[256];
	CHECK(compile("a\n{{#x}}open", err, sizeof err) < 0 && strstr(err, "line 2"), "unclosed section: %s", err);
	CHECK(compile("{{/x}}", err, sizeof err) < 0 && strstr(err, "unexpected"), "stray close: %s", err);
	CHECK(compile("{{#a}}{{/b}}", err, sizeof err) < 0, "mismatched close");
	CHECK(compile("{{name", err, sizeof err) < 0 && strstr(err, "unclosed tag"), "unclosed tag: %s", err);
	CHECK(compile("{{=<% %>", err, sizeof err) < 0, "unterminated delimiter tag");
	CHECK(compile("{{= x =}}", err, sizeof err) < 0 && strstr(err, "delimiter"), "bad delimiter: %s", err);
	CHECK(compile("{{}}", err, sizeof err) < 0, "empty tag");
	CHECK(compile("{{{x}}", err, sizeof err) < 0, "unclosed triple");

	/* deep nesting is refused, not a stack overflow */
	struct buf b;
	buf_init(&b);
	for (int i = 0; i < 5000; i++)
		buf_puts(&b, "{{#a}}");
	for (int i = 0; i < 5000; i++)
		buf_puts(&b, "{{/a}}");
	CHECK(compile(b.data, err, sizeof err) < 0 && strstr(err, "deep"), "deep nesting: %s", err);
	buf_free(&b);

	/* a missing partial is caught by tmpl_check with the line */
	struct tmpl_set *set = tmpl_set_new();
	CHECK(tmpl_add(set, "page", "x\n{{>nope}}", 11, err, sizeof err) == 0, "compile page");
	CHECK(tmpl_check(set, err, sizeof err) < 0 && strstr(err, "nope") && strstr(err, "line 2"),
	    "missing partial: %s", err);
	/* self-recursive partial stops with an error */
	CHECK(tmpl_add(set, "nope", "{{>nope}}", 9, err, sizeof err) == 0, "compile loop");
	CHECK(tmpl_check(set, err, sizeof err) == 0, "check passes");
	struct buf out;
	buf_init(&out);
	CHECK(tmpl_render(set, "page", NULL, &out, err, sizeof err) < 0 && strstr(err, "deep"), "recursion: %s", err);
	buf_free(&out);
	CHECK(tmpl_render(set, "absent", NULL, &out, err, sizeof err) < 0, "unknown template");
	buf_free(&out);
	tmpl_set_free(set);
}

static void escaping_and_truthiness(void)
{
	char err[256];
	struct tmpl_set *set = tmpl_set_new();
	const char *src = "{{x}}|{{{x}}}|{{#e}}E{{/e}}{{^e}}not-e{{/e}}|{{#z}}Z{{/z}}{{^z}}zero{{/z}}";
	CHECK(tmpl_add(set, "t", src, strlen(src), err, sizeof err) == 0, "compile");
	json_t *d = json_pack("{s:s, s:s, s:i}", "x", "<a href='x'>&\"", "e", "", "z", 0);
	struct buf out;
	buf_init(&out);
	CHECK(tmpl_render(set, "t", d, &out, err, sizeof err) == 0, "render");
	CHECK_STR(out.data, "&lt;a href=&#39;x&#39;&gt;&amp;&quot;|<a href='x'>&\"|not-e|zero");
	buf_free(&out);
	json_decref(d);
	tmpl_set_free(set);
}

/* {{#rows.0}} tests non-emptiness only: a key missing from a later row
 * must not be found in the first row (it once showed one tenant's value
 * on another's line). */
static void list_index_does_not_leak(void)
{
	char err[256];
	struct tmpl_set *set = tmpl_set_new();
	const char *src = "{{#rows.0}}{{#rows}}[{{name}}:{{tenant}}{{^tenant}}-{{/tenant}}]{{/rows}}{{/rows.0}}{{^rows}}empty{{/rows}}";
	CHECK(tmpl_add(set, "t", src, strlen(src), err, sizeof err) == 0, "compile");
	json_t *d = json_pack("{s:[{s:s, s:s}, {s:s}]}", "rows", "name", "a", "tenant", "Anna", "name", "b");
	struct buf out;
	buf_init(&out);
	CHECK(tmpl_render(set, "t", d, &out, err, sizeof err) == 0, "render");
	CHECK_STR(out.data, "[a:Anna][b:-]");
	buf_free(&out);
	json_decref(d);
	d = json_pack("{s:[]}", "rows");
	buf_init(&out);
	CHECK(tmpl_render(set, "t", d, &out, err, sizeof err) == 0, "render empty");
	CHECK_STR(out.data, "empty");
	buf_free(&out);
	json_decref(d);
	tmpl_set_free(set);
}

/* Found by tests/fuzz/fuzz_tmpl: an override holding a block of its own
 * name ({{<layout}}{{$title}}..{{$title}}..{{/title}}{{/title}}) expanded
 * itself until the stack overflowed. The override's own blocks are filled
 * by the parent tags outside the one that gave it, as blocks written
 * anywhere else in that template are. */
static void block_in_its_own_override(void)
{
	char err[256];
	struct tmpl_set *set = tmpl_set_new();
	const char *parent = "<{{$title}}default{{/title}}>";
	const char *page = "{{<parent}}{{$title}}A{{$title}}inner{{/title}}B{{/title}}{{/parent}}";
	const char *outer = "{{<page}}{{$title}}outer{{/title}}{{/page}}";
	const char *twice = "{{<parent}}{{$title}}[{{$title}}1{{/title}}|{{$title}}2{{/title}}]{{/title}}{{/parent}}";
	CHECK(tmpl_add(set, "parent", parent, strlen(parent), err, sizeof err) == 0, "compile parent");
	CHECK(tmpl_add(set, "page", page, strlen(page), err, sizeof err) == 0, "compile page");
	CHECK(tmpl_add(set, "outer", outer, strlen(outer), err, sizeof err) == 0, "compile outer");
	CHECK(tmpl_add(set, "twice", twice, strlen(twice), err, sizeof err) == 0, "compile twice");
	struct buf out;
	buf_init(&out);
	CHECK(tmpl_render(set, "page", NULL, &out, err, sizeof err) == 0, "render page: %s", err);
	CHECK_STR(out.data, "<AinnerB>");
	buf_reset(&out);
	/* the page's own blocks are still open to a template that extends it */
	CHECK(tmpl_render(set, "outer", NULL, &out, err, sizeof err) == 0, "render outer: %s", err);
	CHECK_STR(out.data, "<outer>");
	buf_reset(&out);
	CHECK(tmpl_render(set, "twice", NULL, &out, err, sizeof err) == 0, "render twice: %s", err);
	CHECK_STR(out.data, "<[1|2]>");
	buf_free(&out);
	tmpl_set_free(set);
}

int main(int argc, char **argv)
{
	if (argc > 1)
		spec_dir = argv[1];
	DIR *d = opendir(spec_dir);
	if (!d) {
		printf("skip: Mustache spec folder %s is absent; spec tests not run\n", spec_dir);
	} else {
		closedir(d);
		const char *files[] = { "comments.json", "delimiters.json", "interpolation.json",
		    "inverted.json", "partials.json", "sections.json", "~inheritance.json" };
		for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
			run_spec_file(files[i]);
	}
	malformed();
	escaping_and_truthiness();
	list_index_does_not_leak();
	block_in_its_own_override();
	return check_done();
}

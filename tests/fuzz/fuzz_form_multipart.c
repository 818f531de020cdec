/*
 * fuzz_form_multipart.c - form_parse_multipart. The input's first line is
 * the Content-Type header, the rest the body (so the fuzzer varies the
 * boundary parameter too).
 * Invariants: text parts (in f) passed the input gate: name and content
 * clean per text_is_clean, content length == strlen; file parts (in files)
 * are NUL-terminated at their length and have clean names; together at
 * most FORM_MAX_FIELDS parts. A body written again from what was parsed
 * (a fresh boundary) parses to the same parts.
 */
#define _GNU_SOURCE	/* memmem */
#include "fuzz.h"
#include "form.h"
#include "util.h"

static void check_fields(const struct form *f, int text)
{
	for (size_t i = 0; i < f->n; i++) {
		const struct form_field *x = &f->v[i];
		FUZZ_ASSERT(x->key && x->value, "part %zu has a NULL", i);
		FUZZ_ASSERT(text_is_clean(x->key, strlen(x->key)), "name of part %zu not clean", i);
		FUZZ_ASSERT(x->value[x->len] == '\0', "part %zu not NUL-terminated", i);
		if (text) {
			FUZZ_ASSERT(strlen(x->value) == x->len, "text part %zu: strlen %zu, len %zu", i,
			    strlen(x->value), x->len);
			FUZZ_ASSERT(text_is_clean(x->value, x->len), "text part %zu not clean", i);
		}
	}
}

static int contains(const struct form *f, const char *b)
{
	for (size_t i = 0; i < f->n; i++)
		if (strstr(f->v[i].key, b) || memmem(f->v[i].value, f->v[i].len, b, strlen(b)))
			return 1;
	return 0;
}

static void part(struct buf *b, const char *boundary, const struct form_field *x, int file)
{
	buf_printf(b, "--%s\r\nContent-Disposition: form-data; name=\"%s\"%s\r\n%s\r\n", boundary, x->key,
	    file ? "; filename=\"f.csv\"" : "", file ? "Content-Type: text/csv\r\n" : "");
	buf_append(b, x->value, x->len);
	buf_puts(b, "\r\n");
}

static int same(const struct form *a, const struct form *b)
{
	if (a->n != b->n)
		return 0;
	for (size_t i = 0; i < a->n; i++)
		if (strcmp(a->v[i].key, b->v[i].key) || a->v[i].len != b->v[i].len ||
		    memcmp(a->v[i].value, b->v[i].value, a->v[i].len))
			return 0;
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nl = memchr(data, '\n', size);
	size_t ctlen = nl ? (size_t)(nl - data) : size;
	char *ct = fuzz_cstr(data, ctlen);
	const char *body = nl ? (const char *)nl + 1 : "";
	size_t blen = nl ? size - ctlen - 1 : 0;
	/* a copy of exactly blen bytes, so ASan sees any read past the body */
	char *copy = malloc(blen ? blen : 1);
	if (blen)
		memcpy(copy, body, blen);
	struct arena a = { 0 };
	struct form f = { 0 }, files = { 0 };
	int rc = form_parse_multipart(&f, &files, &a, ct, copy, blen);
	FUZZ_ASSERT(rc == 0 || rc == -1, "rc %d", rc);
	FUZZ_ASSERT(f.n + files.n <= FORM_MAX_FIELDS, "%zu parts", f.n + files.n);
	check_fields(&f, 1);
	check_fields(&files, 0);
	/* the round trip keeps order within f and within files, not between them */
	static const char boundary[] = "----bfFuzzBoundary7MA4YWxkTrZu0gW";
	if (rc == 0 && !contains(&f, boundary) && !contains(&files, boundary)) {
		struct buf b;
		buf_init(&b);
		for (size_t i = 0; i < f.n; i++)
			part(&b, boundary, &f.v[i], 0);
		for (size_t i = 0; i < files.n; i++)
			part(&b, boundary, &files.v[i], 1);
		buf_printf(&b, "--%s--\r\n", boundary);
		struct form g = { 0 }, gfiles = { 0 };
		char ct2[100];
		snprintf(ct2, sizeof ct2, "multipart/form-data; boundary=%s", boundary);
		int rc2 = form_parse_multipart(&g, &gfiles, &a, ct2, b.data, b.len);
		FUZZ_ASSERT(rc2 == 0, "the parts written again do not parse");
		FUZZ_ASSERT(same(&f, &g) && same(&files, &gfiles), "the parts changed in the round trip");
		buf_free(&b);
	}
	arena_free(&a);
	free(copy);
	free(ct);
	return 0;
}

/*
 * fuzz_form_urlencoded.c - form_parse (urlencoded bodies and query strings).
 * Invariants: every field that comes out passed the input gate (key and
 * value are clean text per text_is_clean, the value's length is its
 * strlen: no NUL can hide the rest), at most FORM_MAX_FIELDS fields, and
 * encoding the fields again and parsing that gives the same fields.
 */
#include "fuzz.h"
#include "form.h"
#include "util.h"

/* Appends s percent-encoded (everything but unreserved bytes). */
static void encode(struct buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    *p == '-' || *p == '_' || *p == '.' || *p == '~') {
			buf_putc(b, (char)*p);
		} else {
			buf_putc(b, '%');
			buf_putc(b, hex[*p >> 4]);
			buf_putc(b, hex[*p & 15]);
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena a = { 0 };
	struct form f = { 0 };
	int rc = form_parse(&f, &a, (const char *)data, size);
	FUZZ_ASSERT(rc == 0 || rc == -1, "rc %d", rc);
	FUZZ_ASSERT(f.n <= FORM_MAX_FIELDS, "%zu fields", f.n);
	for (size_t i = 0; i < f.n; i++) {
		const struct form_field *x = &f.v[i];
		FUZZ_ASSERT(x->key && x->value, "field %zu has a NULL", i);
		FUZZ_ASSERT(text_is_clean(x->key, strlen(x->key)), "key %zu not clean", i);
		FUZZ_ASSERT(strlen(x->value) == x->len, "value %zu: strlen %zu, len %zu", i, strlen(x->value), x->len);
		FUZZ_ASSERT(text_is_clean(x->value, x->len), "value %zu not clean", i);
	}
	if (rc == 0) {
		/* the round trip: encoded again, the same fields in the same order */
		struct buf b;
		buf_init(&b);
		for (size_t i = 0; i < f.n; i++) {
			if (i)
				buf_putc(&b, '&');
			encode(&b, f.v[i].key);
			buf_putc(&b, '=');
			encode(&b, f.v[i].value);
		}
		struct form g = { 0 };
		int rc2 = form_parse(&g, &a, b.data ? b.data : "", b.len);
		FUZZ_ASSERT(rc2 == 0, "re-encoded fields do not parse: %s", b.data);
		/* an empty key with an empty value ("&=&") encodes to "=", which
		 * parses as one field again, so counts match */
		FUZZ_ASSERT(g.n == f.n, "%zu fields, %zu after the round trip", f.n, g.n);
		for (size_t i = 0; i < f.n; i++) {
			FUZZ_ASSERT(!strcmp(f.v[i].key, g.v[i].key), "key %zu changed", i);
			FUZZ_ASSERT(!strcmp(f.v[i].value, g.v[i].value), "value %zu changed", i);
		}
		buf_free(&b);
	}
	arena_free(&a);
	return 0;
}

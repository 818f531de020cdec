/*
 * form.h - parsing of urlencoded bodies and query strings, cookies, and
 * typed getters for handlers. Parsed strings live in the request's arena.
 */
#ifndef BF_FORM_H
#define BF_FORM_H

#include <stddef.h>
#include "arena.h"

#define FORM_MAX_FIELDS 500

struct form_field {
	const char *key;
	const char *value;
	size_t len;		/* bytes of value (a file part may hold NULs) */
	int cleaned;		/* controls or bidi characters were taken out (text_clean) */
};

struct form {
	struct form_field *v;
	size_t n, cap;
};

/*
 * Parses application/x-www-form-urlencoded data into f (appending). A
 * value's control and bidi characters are taken out (text_clean) and the
 * field marked cleaned, so the form can say so at the field and keep
 * everything else typed. Returns 0, or -1 on bad percent-encoding, invalid
 * UTF-8, a name that is not clean text, or more than FORM_MAX_FIELDS
 * fields.
 */
int form_parse(struct form *f, struct arena *a, const char *s, size_t len);

/*
 * Parses a multipart/form-data body (RFC 7578): each text part's name and
 * content go into f and must pass text_is_clean like any urlencoded field;
 * a file part (one with a filename) goes into files only, as raw bytes, so
 * no handler reading f can ever see unchecked bytes (a file's reader checks
 * its own format). Returns 0, or -1 when the body is malformed or a text
 * part is not valid UTF-8 (its control and bidi characters are taken out
 * and the field marked cleaned, as form_parse does).
 */
int form_parse_multipart(struct form *f, struct form *files, struct arena *a, const char *content_type,
    const char *s, size_t len);

/* Returns the first field for key (its value and len), or NULL. */
const struct form_field *form_field_get(const struct form *f, const char *key);

/* Appends a field (key and value copied into the arena). */
void form_add(struct form *f, struct arena *a, const char *key, const char *value);

/* Returns the first value for key, or NULL when absent. Arena-owned. */
const char *form_get(const struct form *f, const char *key);

/*
 * Finds cookie `name` in a Cookie header value. Returns an arena copy of
 * its value, or NULL.
 */
const char *cookie_get(struct arena *a, const char *header, const char *name);

/*
 * Copies s (len bytes) into the arena without the characters text_is_clean
 * refuses; *cleaned says whether any were taken out, *out_len is the
 * copy's length. Returns the copy (NUL-terminated), or NULL when s is not
 * valid UTF-8 (nothing a browser sends from a form).
 */
char *text_clean(struct arena *a, const char *s, size_t len, size_t *out_len, int *cleaned);

/* Returns 1 when s (len bytes) is valid UTF-8 without control characters
 * other than tab, CR and LF, and without the bidirectional embedding,
 * override and isolate controls (U+202A-U+202E, U+2066-U+2069) that can
 * make stored text display as something else. */
int text_is_clean(const char *s, size_t len);

/*
 * Parses a positive decimal id (1..2^53). Returns it, or 0 when s is NULL,
 * empty, not all digits, or out of range.
 */
long long parse_id(const char *s);

/*
 * Parses a number as Swedes write it: digit groups separated by spaces
 * (also no-break spaces), a decimal comma or point with at most decimals
 * digits after it ("6 200", "38,5", "38.5"). Returns 0 and sets *out, or
 * -1 (empty, other characters, too many decimals).
 */
int parse_number(const char *s, int decimals, double *out);

/* Returns 1 when s is a real calendar date written YYYY-MM-DD. */
int valid_date(const char *s);

#endif

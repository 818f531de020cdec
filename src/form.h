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
};

struct form {
	struct form_field *v;
	size_t n, cap;
};

/*
 * Parses application/x-www-form-urlencoded data into f (appending).
 * Returns 0, or -1 on bad percent-encoding, invalid UTF-8, control
 * characters or more than FORM_MAX_FIELDS fields.
 */
int form_parse(struct form *f, struct arena *a, const char *s, size_t len);

/*
 * Parses a multipart/form-data body (RFC 7578) into f: each part's name
 * is a field, its content the value. Text parts must be clean UTF-8; a
 * file part (with a filename) is taken as it is, for its reader to check.
 * Returns 0, or -1 when the body is malformed.
 */
int form_parse_multipart(struct form *f, struct arena *a, const char *content_type, const char *s, size_t len);

/* Appends a field (key and value copied into the arena). */
void form_add(struct form *f, struct arena *a, const char *key, const char *value);

/* Returns the first value for key, or NULL when absent. Arena-owned. */
const char *form_get(const struct form *f, const char *key);

/*
 * Finds cookie `name` in a Cookie header value. Returns an arena copy of
 * its value, or NULL.
 */
const char *cookie_get(struct arena *a, const char *header, const char *name);

/* Returns 1 when s (len bytes) is valid UTF-8 without control characters
 * other than tab, CR and LF. */
int text_is_clean(const char *s, size_t len);

/*
 * Parses a positive decimal id (1..2^53). Returns it, or 0 when s is NULL,
 * empty, not all digits, or out of range.
 */
long long parse_id(const char *s);

/* Returns 1 when s is a real calendar date written YYYY-MM-DD. */
int valid_date(const char *s);

#endif

/*
 * tmpl.h - Mustache templates over Jansson values.
 *
 * Implements the Mustache spec: variables (HTML-escaped by default,
 * {{{raw}}} and {{&raw}} unescaped), sections, inverted sections, comments,
 * partials, set delimiters, and template inheritance (parents and blocks).
 * Templates are compiled once into a set; rendering never parses.
 *
 * Truthiness beyond the spec: null, false, "", 0 and [] are all falsy, so
 * templates can test strings and counts directly.
 */
#ifndef BF_TMPL_H
#define BF_TMPL_H

#include <stddef.h>
#include <jansson.h>
#include "util.h"

struct tmpl_set;

/* Returns an empty set; free with tmpl_set_free. */
struct tmpl_set *tmpl_set_new(void);
void tmpl_set_free(struct tmpl_set *set);

/*
 * Compiles src as template `name` into the set (replacing any of that name).
 * Returns 0, or -1 with a message naming the line written to err.
 */
int tmpl_add(struct tmpl_set *set, const char *name, const char *src,
    size_t len, char *err, size_t errlen);

/* Returns 1 when the set holds a template called name. */
int tmpl_has(const struct tmpl_set *set, const char *name);

/*
 * Checks that every partial and parent referenced in the set exists.
 * Returns 0, or -1 naming the first missing one in err.
 */
int tmpl_check(const struct tmpl_set *set, char *err, size_t errlen);

/*
 * Renders template `name` with data, appending to out.
 * Returns 0, or -1 (unknown template, nesting too deep) with err set.
 * A missing partial renders as empty, as the spec requires; use tmpl_check
 * at start-up to refuse such a set.
 */
int tmpl_render(const struct tmpl_set *set, const char *name, json_t *data,
    struct buf *out, char *err, size_t errlen);

#endif

/*
 * util.h - small allocation and string helpers shared by every module.
 *
 * Out-of-memory policy: every allocation goes through xmalloc/xrealloc,
 * which abort() on failure. A case-management server that cannot allocate
 * a few kilobytes is in no state to keep serving; the supervisor restarts
 * it, and SQLite's journal keeps every committed record intact.
 */
#ifndef BF_UTIL_H
#define BF_UTIL_H

#include <stddef.h>
#include <stdarg.h>

/* Returns newly malloc'd memory; never NULL. Caller frees. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* Returns a malloc'd formatted string; caller frees. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Growable byte buffer. Always NUL-terminated after any append. */
struct buf {
	char *data;
	size_t len;
	size_t cap;
};

void buf_init(struct buf *b);
void buf_free(struct buf *b);
void buf_reset(struct buf *b);
void buf_append(struct buf *b, const void *p, size_t n);
void buf_puts(struct buf *b, const char *s);
void buf_putc(struct buf *b, char c);
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends s with & < > " ' replaced by HTML entities. */
void buf_html_escape(struct buf *b, const char *s, size_t n);
/* Hands the buffer's memory to the caller (who frees it); resets b. */
char *buf_take(struct buf *b, size_t *len);

/* Returns 1 when s[0..n) is well-formed UTF-8 (shortest forms, no
 * surrogates, nothing above U+10FFFF, no NUL). */
int utf8_valid(const char *s, size_t n);
/* Appends s[0..n) to b with every byte that is not part of a well-formed
 * UTF-8 sequence (and every NUL) replaced by U+FFFD. For stored text that
 * reached the database before the input gate: it is shown, never trusted. */
void buf_utf8_repair(struct buf *b, const char *s, size_t n);

/* Returns 1 when a and b are both non-NULL and equal: for values read
 * from the database or a request, which may always be missing. */
int str_eq(const char *a, const char *b);

/* Returns one when n is 1 or -1, else many: the noun after a count, so
 * that every "N <noun>" the server writes agrees in number:
 * printf("%lld %s", n, plural(n, "dag", "dagar")) gives "1 dag", "0 dagar". */
const char *plural(long long n, const char *one, const char *many);

/* Monotonic clock in microseconds. */
long long now_usec(void);
/* Wall clock, Unix seconds. */
long long now_unix(void);
/* Wall clock, Unix milliseconds. */
long long now_unix_ms(void);
/* Writes "YYYY-MM-DDTHH:MM:SSZ" for t into out (at least 21 bytes). */
void iso_time(long long t, char out[21]);



/* Writes t as local "YYYY-MM-DD HH:MM" into out (at least 17 bytes). */
void local_time(long long t, char out[17]);
/* Returns the Unix time of local midnight starting date "YYYY-MM-DD"
 * (which the caller validated). */
long long local_midnight(const char *date);
#endif

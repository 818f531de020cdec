/*
 * arena.h - per-request bump allocator. Everything a request allocates for
 * itself comes from its arena and is released at once when the request
 * completes (h2o's request pool, lwan's deferred frees).
 */
#ifndef BF_ARENA_H
#define BF_ARENA_H

#include <stddef.h>

struct arena_block;
struct arena {
	struct arena_block *head;
};

/* Returns zeroed memory owned by the arena; never NULL. */
void *arena_alloc(struct arena *a, size_t n);
/* Returns a NUL-terminated copy owned by the arena. */
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_strdup(struct arena *a, const char *s);
/* Returns a formatted string owned by the arena. */
char *arena_printf(struct arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Frees every block; the arena is empty and reusable afterwards. */
void arena_free(struct arena *a);

#endif

/*
 * assets.h - files compiled into the binary by tools/embed.c: templates/,
 * migrations/ and static/, sorted by path.
 */
#ifndef BF_ASSETS_H
#define BF_ASSETS_H

#include <stddef.h>

struct asset {
	const char *path;	/* e.g. "templates/layout.mustache" */
	const unsigned char *data;	/* NUL-terminated for convenience */
	size_t len;
};

extern const struct asset assets[];
extern const size_t nassets;

/* Returns the asset at exactly path, or NULL. Static storage. */
const struct asset *asset_find(const char *path);

#endif

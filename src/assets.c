/* assets.c - lookup in the embedded file table (sorted: binary search). */
#include "assets.h"

#include <string.h>

const struct asset *asset_find(const char *path)
{
	size_t lo = 0, hi = nassets;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(path, assets[mid].path);
		if (c == 0)
			return &assets[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

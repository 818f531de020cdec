/* district.h - districts (stadsdelar): lookup shared with other modules. */
#ifndef BF_DISTRICT_H
#define BF_DISTRICT_H

#include <jansson.h>

/* Returns the id of the district with this name (any case), 0 when none,
 * -1 on error. */
long long district_id_by_name(const char *name);

/* Inserts a district; returns its id, or -2 when the name is taken, -1. */
long long district_insert(const char *name, long long by);

/* Returns [{value, label, selected}] for active districts (and the
 * selected one even if inactive). New reference. */
json_t *district_options(long long selected);

/* Returns 1 when an active district with this id exists. */
int district_exists(long long id);

#endif

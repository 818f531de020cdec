/* person.h - persons: scope checks and loading shared with other modules. */
#ifndef BF_PERSON_H
#define BF_PERSON_H

#include <jansson.h>

struct req;

/* Returns 1 when the request's user may see person id, 0 when not (or
 * no such person), -1 on a database error. */
int person_visible(const struct req *r, long long id);

/* Returns the person as an object (name, personnummer, district...), or
 * NULL. New reference. */
json_t *person_load(long long id);

/*
 * Refuses writes about a weeded (gallrad) person: returns 0 when person id
 * is not weeded, else answers 410 with a Swedish message (500 on a database
 * error) and returns that status. Every handler that adds or changes
 * something on the person's own pages calls it after the scope check.
 */
int person_refuse_weeded(struct req *r, long long id);

/* Returns the person's timeline, oldest first, filtered by what the
 * viewer may see; NULL on error. New reference. */
json_t *person_timeline(struct req *r, long long person_id);

#endif

/*
 * audit.h - who read or changed whose data. Rows are append-only (the
 * database triggers refuse UPDATE and DELETE). A change and its audit row
 * are written in the same transaction: call audit_log inside it.
 */
#ifndef BF_AUDIT_H
#define BF_AUDIT_H

#include <stddef.h>

struct req;

/*
 * Appends one audit row. user_id 0 means "not logged in"; entity_id and
 * person_id 0 mean none. Returns 0 or -1.
 */
int audit_log(long long user_id, const char *action, const char *entity,
    long long entity_id, long long person_id);

/*
 * Creates one row and its audit row ("create", entity) in one
 * transaction: runs sql (an INSERT) with fmt's values as db_bindf.
 * Returns the new row's id, or -1 after rolling back.
 */
long long audit_insert(long long user_id, const char *entity, long long person_id, const char *sql, const char *fmt, ...);

/*
 * A version-checked change and its audit row ("update", entity) in one
 * transaction: runs sql (an UPDATE ending in "... AND version = ?") with
 * fmt's values. Returns 1 when written, 0 when no row changed (the form
 * was stale or the row's state moved on; rolled back), -1 on errors
 * (rolled back).
 */
int audit_update(long long user_id, const char *entity, long long entity_id, long long person_id,
    const char *sql, const char *fmt, ...);

/*
 * Appends one "read" row per person in ids (n of them) for what the user
 * was shown on the page entity (a route pattern): the persons of a list or
 * a search. One transaction, committed like every read (see audit_log).
 * Returns 0 or -1.
 */
int audit_seen(long long user_id, const char *entity, const long long *ids, size_t n);

/* GET /audit: the access log, filterable and paginated. */
int audit_list(struct req *r);

#endif

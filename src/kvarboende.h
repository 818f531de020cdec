/* kvarboende.h - the retention figures, shared by the dashboard and the
 * statusrapport's second sheet. */
#ifndef BF_KVARBOENDE_H
#define BF_KVARBOENDE_H

#include <jansson.h>

struct req;

/* The rules behind the figures, one sentence each, NULL-ended. */
extern const char *const kvarboende_rules[];

/*
 * Returns the figures at date (YYYY-MM-DD) for the viewer's scope, one
 * district when district != 0: the JSON contract's keys (date,
 * persons_moved_in, persons_housed, persons_retention_pct,
 * tenancies_started, tenancies_ongoing, tenancies_first_hand,
 * tenancies_ended, cohorts, kaplan_meier) plus waiting_days and
 * compliance (full != 0; otherwise only the counts and the cohorts).
 * New reference; NULL on a database error.
 */
json_t *kvarboende_figures(const struct req *r, const char *date, long long district, int full);

#endif

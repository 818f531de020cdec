/* tenancy.h - the takeover readiness rule, shared by the tenancy page, the
 * tenancy list and the landlord's start page. */
#ifndef BF_TENANCY_H
#define BF_TENANCY_H

#include <jansson.h>

/* SQL columns the readiness rule reads, for a tenancy aliased t; the
 * statement binds :months (scope_bind does). Only housing-related
 * incidents count: the landlord sees the reason for every condition. */
#define TENANCY_READINESS_COLS \
	"add_months(t.move_in_date, :months) AS ready_date, " \
	"(SELECT count(*) FROM incidents ri WHERE ri.tenancy_id = t.id AND ri.kind = 'rent_arrears' " \
	" AND ri.housing_related = 1 AND ri.resolved_date IS NULL) AS open_arrears, " \
	"(SELECT count(*) FROM incidents ri WHERE ri.tenancy_id = t.id AND ri.kind = 'disturbance' " \
	" AND ri.housing_related = 1 AND ri.resolved_date IS NULL) AS open_disturbance"

/* The same rule as one SQL condition (for lists of ready tenancies). */
#define TENANCY_READY_WHERE \
	"(t.end_date IS NULL AND t.takeover_date IS NULL AND add_months(t.move_in_date, :months) <= :today " \
	"AND NOT EXISTS (SELECT 1 FROM incidents ri WHERE ri.tenancy_id = t.id AND ri.kind IN ('rent_arrears', 'disturbance') " \
	"AND ri.housing_related = 1 AND ri.resolved_date IS NULL))"

/*
 * Adds to a tenancy row (with move_in_date, takeover_date, end_date and
 * the TENANCY_READINESS_COLS) "ready" (bool), "readiness_label" and
 * "conditions": [{label, met}] for the three conditions, judged at today
 * with months as the waiting time. Rows already ended or taken over get
 * "readiness_label" only.
 */
void tenancy_readiness(json_t *row, const char *today, long long months);

/* Swedish label for an end reason (evicted, wanted, other, deceased). */
const char *tenancy_end_label(const char *reason);

#endif

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

/* The same rule as one SQL condition (for lists of ready tenancies). A
 * tenancy known only from an imported statusrapport is nobody's work. */
#define TENANCY_READY_WHERE \
	"(t.end_date IS NULL AND t.takeover_date IS NULL AND t.imported = 0 AND add_months(t.move_in_date, :months) <= :today " \
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

/* SQL: the person p (an alias) has died: a tenancy of theirs ended
 * "deceased". Such a person is not offered a move-in, not listed as
 * without an apartment, and their pages do not offer a new tenancy. */
#define PERSON_DECEASED(p) \
	"EXISTS (SELECT 1 FROM tenancies dx WHERE dx.person_id = " p ".id AND dx.end_reason = 'deceased')"

/* Persons in the viewer's scope with a current granted support decision (x) and no ongoing
 * tenancy, in the order the pages show them: moved out first (longest ago
 * first), then those still waiting, by name; not the deceased. Each half
 * walks the partial index persons_unhoused (persons.housed and
 * last_moved_out are kept by triggers on tenancies, migration 0006) and
 * stops at :limit rows, so the cost follows the page, not the number of
 * decisions. cols are over p and x; where is "1", or "p.district_id =
 * :district" for a socialsekreterare (then persons_unhoused_district). */
#define WITHOUT_APARTMENT_KEYS \
	"p.last_moved_out AS last_moved_out, p.last_name AS k_last, p.first_name AS k_first, p.id AS k_id"
#define WITHOUT_APARTMENT_HALF(cols, where, part, cond, order) \
	"SELECT * FROM (SELECT " part " AS k_part, " cols ", " WITHOUT_APARTMENT_KEYS " " \
	"FROM persons p CROSS JOIN decisions x " \
	"ON x.person_id = p.id AND +x.replaced_by_id IS NULL AND +x.end_date >= :today AND +x.kind = 'support' " \
	"AND +x.outcome = 'granted' AND +x.ended_on IS NULL " \
	"WHERE p.housed = 0 AND " where " AND " cond " AND " SCOPE_PERSON("p") " " \
	"AND NOT " PERSON_DECEASED("p") " " \
	"ORDER BY " order " LIMIT :limit)"
#define WITHOUT_APARTMENT_SQL(cols, where) \
	WITHOUT_APARTMENT_HALF(cols, where, "0", "p.last_moved_out IS NOT NULL", \
	    "p.last_moved_out, p.last_name, p.first_name, p.id") \
	" UNION ALL " \
	WITHOUT_APARTMENT_HALF(cols, where, "1", "p.last_moved_out IS NULL", "p.last_name, p.first_name, p.id") \
	" ORDER BY k_part, last_moved_out, k_last, k_first, k_id LIMIT :limit"

#endif

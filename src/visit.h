/* visit.h - the weekly home-visit rule, shared by the visit overview, the
 * case manager's start page and the kvarboende dashboard.
 *
 * A week runs Monday to Sunday. A week "has a home visit" when a visit of
 * kind 'home' where the case manager met the person is dated in it. An
 * entry that has been corrected no longer counts; its correction does.
 *
 * Per-person queries write "+v.kind": the unary plus keeps SQLite from
 * choosing the dashboard's (kind, date, ...) index, which would read every
 * home visit of the period for each person, and leaves it the
 * (person_id, date) one. */
#ifndef BF_VISIT_H
#define BF_VISIT_H

/* visits v that count (not corrected) */
#define VISIT_COUNTS(v) "NOT EXISTS (SELECT 1 FROM visits vc WHERE vc.corrects_id = " v ".id)"

/* Monday of the week of :today */
#define WEEK_START "date(:today, '-6 days', 'weekday 1')"

/* For person p: weeks of the last 12 (this one included) with a home
 * visit, and whether this week has one. Bind :today. */
#define VISIT_WEEKS_COLS(p) \
	"(SELECT count(DISTINCT date(v.date, '-6 days', 'weekday 1')) FROM visits v WHERE v.person_id = " p ".id " \
	" AND +v.kind = 'home' AND v.met = 1 AND v.date >= date(" WEEK_START ", '-77 days') AND v.date <= :today " \
	" AND " VISIT_COUNTS("v") ") AS weeks_with_home_visit, " \
	"EXISTS (SELECT 1 FROM visits v WHERE v.person_id = " p ".id AND +v.kind = 'home' AND v.met = 1 " \
	" AND v.date >= " WEEK_START " AND v.date <= :today AND " VISIT_COUNTS("v") ") AS home_visit_this_week"

#endif

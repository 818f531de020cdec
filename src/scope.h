/*
 * scope.h - who may see which person, referral and decision (the
 * visibility matrix of domain.md), as SQL fragments and a binder.
 *
 * The fragments use the named parameters :role, :district and :uid; bind
 * them with scope_bind(). A record outside the viewer's scope answers 404,
 * never 403, so ids cannot be probed.
 */
#ifndef BF_SCOPE_H
#define BF_SCOPE_H

#include <jansson.h>
#include "db.h"

struct req;

/* persons p: manager all; socialsekreterare own district; case manager
 * assigned (an active row in person_case_managers). */
#define SCOPE_PERSON(p) \
	"(:role = 'manager' OR (:role = 'socialsekreterare' AND " p ".district_id = :district) " \
	"OR (:role = 'case_manager' AND EXISTS (SELECT 1 FROM person_case_managers pcm " \
	"WHERE pcm.person_id = " p ".id AND pcm.user_id = :uid AND pcm.ended_at IS NULL)))"

/* referrals r: manager all; socialsekreterare own district; the team
 * (case managers) every referral that has been sent. */
#define SCOPE_REFERRAL(r) \
	"(:role = 'manager' OR (:role = 'socialsekreterare' AND " r ".district_id = :district) " \
	"OR (:role = 'case_manager' AND " r ".state <> 'draft'))"

/* decisions d: like persons, by the decision's person and district. */
#define SCOPE_DECISION(d) \
	"(:role = 'manager' OR (:role = 'socialsekreterare' AND " d ".district_id = :district) " \
	"OR (:role = 'case_manager' AND EXISTS (SELECT 1 FROM person_case_managers pcm " \
	"WHERE pcm.person_id = " d ".person_id AND pcm.user_id = :uid AND pcm.ended_at IS NULL)))"

/* The district person p belonged to on date d (SQL expressions): the
 * latest transfer dated on or before d, else (every transfer is later) the
 * district the first transfer left, else the person's district. A person
 * never transferred costs two index probes of person_transfers_person that
 * find nothing (migrations/0014). */
#define DISTRICT_ON(p, d) \
	"coalesce((SELECT xt.to_district_id FROM person_transfers xt WHERE xt.person_id = " p ".id AND xt.date <= " d " " \
	"ORDER BY xt.date DESC, xt.id DESC LIMIT 1), (SELECT xf.from_district_id FROM person_transfers xf " \
	"WHERE xf.person_id = " p ".id ORDER BY xf.date, xf.id LIMIT 1), " p ".district_id)"

/* persons p in a report per date d: as SCOPE_PERSON, but a
 * socialsekreterare's figures hold the persons who belonged to the
 * district on d (a person transferred away still counts where they were;
 * the report shows no names). */
#define SCOPE_REPORT(p, d) \
	"(:role = 'manager' OR (:role = 'socialsekreterare' AND " DISTRICT_ON(p, d) " = :district) " \
	"OR (:role = 'case_manager' AND EXISTS (SELECT 1 FROM person_case_managers pcm " \
	"WHERE pcm.person_id = " p ".id AND pcm.user_id = :uid AND pcm.ended_at IS NULL)))"

/* tenancies t: the landlord office all (it holds every contract; it sees
 * the tenant's name only), others as for the tenancy's person. */
#define SCOPE_TENANCY(t) \
	"(:role = 'landlord' OR EXISTS (SELECT 1 FROM persons sp WHERE sp.id = " t ".person_id AND " \
	SCOPE_PERSON("sp") "))"

/* "person_col is one of the case manager's participants", as a set the
 * planner can start from: a caseload is a few dozen persons, while the
 * scope fragments above (ORs over bound parameters) leave it walking a
 * whole table in id order. Added in front of the scope, never instead. */
#define CASELOAD_OF(person_col) \
	person_col " IN (SELECT cl.person_id FROM person_case_managers cl " \
	"WHERE cl.user_id = :uid AND cl.ended_at IS NULL)"

/* Binds :role, :district and :uid (those present) for the request's user,
 * and :today (the local date) and :months (the takeover setting) when the
 * statement uses them. */
void scope_bind(dbstmt *st, const struct req *r);

/* Runs sql (a static string using :id and the scope parameters) and
 * returns its first row as an object, or NULL when there is none (out of
 * scope) or on error. New reference. */
json_t *scope_row(const char *sql, const struct req *r, long long id);

/* As scope_row, but returns every row (an array), or NULL on error. */
json_t *scope_rows(const char *sql, const struct req *r, long long id);

/* incidents i (of a tenancy t joined in the query): as the tenancy, and
 * the landlord office housing-related incidents only. */
#define SCOPE_INCIDENT(i, t) \
	"(" SCOPE_TENANCY(t) " AND (:role <> 'landlord' OR " i ".housing_related = 1))"

#endif

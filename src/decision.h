/*
 * decision.h - one decision (kind housing or support, outcome granted or
 * refused) as other pages show it. migrations/0013_decisions.sql says how
 * the two decisions of a pair are linked and when a decision is in force.
 */
#ifndef DECISION_H
#define DECISION_H

#include "http.h"

#include <jansson.h>

/* SQL for a decision row d's state today:
 * replaced (ersatt), ended (avslutat), expired (perioden har löpt ut),
 * effective (verkställt), in_force (gällande; also an avslag that stands). */
#define DECISION_STATE(d) \
	"CASE WHEN " d ".replaced_by_id IS NOT NULL THEN 'replaced' WHEN " d ".ended_on IS NOT NULL THEN 'ended' " \
	"WHEN " d ".end_date < date('now', 'localtime') THEN 'expired' " \
	"WHEN " d ".outcome = 'granted' AND " d ".support_effective_date IS NOT NULL THEN 'effective' ELSE 'in_force' END"

/* Adds the Swedish labels to a decision row (kind_label, outcome_label,
 * state_label, end_reason_label, support_label) from its kind, outcome,
 * state, end_reason and support_kind members. */
void decision_labels(json_t *row);

/* Steps st (bound, from db_stmt) to the end: its rows as JSON, each with
 * decision_labels. Returns a new reference, or NULL on a database error. */
json_t *decision_rows(struct dbstmt *st);

/* Granted decisions (viewer's scope) not put into effect (verkställda)
 * more than three months after the decision date, oldest first, with
 * days_waiting; at most limit rows. New reference, NULL on error. */
json_t *decisions_unenforced_rows(const struct req *r, int limit);

/* The housing decision that lets person_id move in on date: granted, not
 * replaced, and in force on that date. Returns its id, 0 if none, -1 on
 * error. */
long long decision_housing_in_force(long long person_id, const char *date);

/* At a move-in on date: marks the person's housing decision in force then
 * verkställd (if not yet) and, when support_date is given, the current
 * granted support decision verkställd on it (if not yet). Audited as
 * updates by user_id. Inside the caller's transaction. Returns 0 or -1. */
int decisions_move_in(long long user_id, long long person_id, const char *date, const char *support_date);

/* The current granted support decision of person_id, not ended, not yet
 * verkställd: its id, 0 if none, -1 on error. */
long long decision_support_unenforced(long long person_id);

/* For the old-style writers (demo, generate: one support row, its housing
 * twin made by trigger, migrations/0013): marks each twin not yet
 * verkställd as verkställd from the person's move-in within it, as the
 * migration did for old rows. Does nothing on a schema before 0013 (a
 * test database made with the previous schema). Returns 0 or -1. */
int decisions_backfill_effective(void);

#endif

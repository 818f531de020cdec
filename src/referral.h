/* referral.h - referral functions shared with decisions and start pages. */
#ifndef BF_REFERRAL_H
#define BF_REFERRAL_H

#include <jansson.h>

struct req;

/* What a step says beyond its action; any member may be NULL. */
struct ref_step {
	const char *date;	/* "YYYY-MM-DD": the meeting's, the decision's */
	const char *time;	/* "HH:MM": the booked meeting's */
	const char *place;	/* the booked meeting's */
	const char *note;	/* the reason */
};

/*
 * Moves referral id from state `from` to `to` by action, if it is still at
 * `version`, and appends the step row with s (may be NULL). Call inside a
 * transaction. Returns 0, 409 when someone else changed it first, -1 on
 * errors.
 */
int referral_apply_step(const struct req *r, long long id, const char *action, const char *from,
    const char *to, long long version, const struct ref_step *s);

/* Labels a step row {action, from_state, date, time, place} for the
 * timeline and the referral page: "label" is the event in the past tense,
 * "detail" its date (the booked meeting's with time and place). */
void referral_step_label(struct req *r, json_t *step);

/* Returns the viewer's referrals waiting on on_role (longest first, at
 * most limit), or NULL on error. New reference. */
json_t *referrals_waiting(const struct req *r, unsigned on_role, int limit);

#endif

/* referral.h - referral functions shared with decisions and start pages. */
#ifndef BF_REFERRAL_H
#define BF_REFERRAL_H

#include <jansson.h>

struct req;

/*
 * Moves referral id from state `from` to `to` by action, if it is still at
 * `version`, and appends the step row. Call inside a transaction. Returns
 * 0, 409 when someone else changed it first, -1 on errors.
 */
int referral_apply_step(const struct req *r, long long id, const char *action, const char *from,
    const char *to, long long version, const char *date, const char *note);

/* Returns the viewer's referrals waiting on on_role (longest first, at
 * most limit), or NULL on error. New reference. */
json_t *referrals_waiting(const struct req *r, unsigned on_role, int limit);

#endif

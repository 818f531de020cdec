/*
 * referral_state.h - the referral's state machine, enforced on the server.
 *
 *   draft --send(soc)--> sent
 *   sent --preliminary_positive(cm)--> preliminary_positive
 *   sent --preliminary_negative(cm, reason)--> rejected
 *   preliminary_positive|meeting_booked --book_meeting(cm, date, time, place)--> meeting_booked
 *   meeting_booked --hold_meeting(cm, date)--> meeting_held
 *   meeting_held --client_accepts(soc)--> accepted
 *   meeting_held --client_declines(soc, reason)--> declined
 *   accepted --final_alone|final_with_other(cm)--> approved
 *   accepted --final_cannot(cm, reason)--> not_approved
 *   approved --decide(soc, the decision form)--> decided
 *   any open state --withdraw(soc, reason)--> withdrawn
 *
 * decided, rejected, declined, not_approved and withdrawn are closed: kept
 * and shown, never changed again. The steps that close a referral without
 * the decision form (negative answers, the client's no, withdraw) need a
 * reason and a confirmation page first (ref_action.confirm).
 */
#ifndef BF_REFERRAL_STATE_H
#define BF_REFERRAL_STATE_H

#include "done.h"

struct ref_action {
	const char *name;	/* "send", ... */
	const char *label;	/* Swedish button text */
	unsigned roles;	/* who may take it */
	const char *from[8];	/* states it starts from (NULL-ended) */
	const char *to;
	int needs_date;	/* a date field is required */
	int needs_reason;	/* a reason text is required */
	const char *date_label;	/* label for the date field */
	int needs_time_place;	/* a time (HH:MM) and a place are required: the meeting's booking */
	int confirm;	/* closes the referral: confirmed on its own page first (confirmed=1) */
	enum done done;	/* the confirmation shown after the step */
};

/* Returns the action called name, or NULL. Static storage. */
const struct ref_action *ref_action_find(const char *name);

/* Returns the i-th action (for listing), NULL past the end. */
const struct ref_action *ref_action_at(int i);

/*
 * Decides whether role may take action from state. Returns 0 and sets *to,
 * 403 when the role may never take this action, 409 when the action is not
 * possible from this state, 400 for an unknown action.
 */
int ref_transition(const char *state, const char *action, int role, const char **to);

/*
 * Returns what the step was, in the past tense ("Remissen skickades till
 * Bostad först-teamet", "Besluten fattades"), for the timeline and the
 * referral's step list; from is the state it left. "" for an unknown
 * action. Static storage.
 */
const char *ref_step_event(const char *action, const char *from);

/* Returns the Swedish label for a state ("" for an unknown one). */
const char *ref_state_label(const char *state);

/* Returns 1 for the open states (not yet decided or closed). */
int ref_state_open(const char *state);

/* Returns the roles whose turn it is in state (0 when closed). */
unsigned ref_state_waiting_on(const char *state);

/* The states, in process order, NULL-ended (for filters). */
extern const char *const ref_states[];

#endif

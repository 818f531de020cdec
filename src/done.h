/*
 * done.h - the one-time confirmations shown after a change ("Besöket är
 * sparat."). A handler that wrote something redirects with
 * http_redirect_done(r, path, DONE_...), which appends ?klart=CODE; the
 * page it lands on looks the code up here and shows the Swedish text at
 * the top of main in a role="status" region. Only the codes in this table
 * ever render: the URL carries a short code, never words, so a link
 * cannot make the page say anything else.
 */
#ifndef BF_DONE_H
#define BF_DONE_H

enum done {
	DONE_PERSON_CREATED,
	DONE_PERSON_SAVED,
	DONE_CM_ASSIGNED,
	DONE_CM_ENDED,
	DONE_REFERRAL_DRAFT,
	DONE_REFERRAL_SENT,
	DONE_PRELIMINARY_POSITIVE,
	DONE_PRELIMINARY_NEGATIVE,
	DONE_MEETING_BOOKED,
	DONE_MEETING_HELD,
	DONE_CLIENT_ACCEPTS,
	DONE_CLIENT_DECLINES,
	DONE_TEAM_CAN,
	DONE_TEAM_CANNOT,
	DONE_REFERRAL_WITHDRAWN,
	DONE_DECISIONS_MADE,
	DONE_SUPPORT_EFFECTIVE,
	DONE_DECISIONS_REVIEWED,
	DONE_DECISION_ENDED,
	DONE_DECISION_TEXTS_SAVED,
	DONE_ASSIGNMENT_SAVED,
	DONE_PLAN_SAVED,
	DONE_PLAN_UNCHANGED,
	DONE_VISIT_SAVED,
	DONE_VISIT_CORRECTED,
	DONE_APARTMENT_CREATED,
	DONE_APARTMENT_SAVED,
	DONE_MOVE_IN,
	DONE_TAKEOVER,
	DONE_TENANCY_ENDED,
	DONE_INCIDENT_CREATED,
	DONE_INCIDENT_SAVED,
	DONE_CHECKLIST_CREATED,
	DONE_CHECKLIST_SAVED,
	DONE_CHECKLIST_SENT,
	DONE_CHECKLIST_REVIEWED,
	DONE_ACCESS_CHANGE_ACKED,
	DONE_USER_CREATED,
	DONE_USER_SAVED,
	DONE_PASSWORD_SET,
	DONE_DISTRICT_CREATED,
	DONE_DISTRICT_SAVED,
	DONE_ASSIGNMENT_TEXT_SAVED,
	DONE_CONFIG_ITEM_ADDED,
	DONE_CONFIG_ITEM_SAVED,
	DONE_SETTINGS_SAVED,
	DONE_TRANSFERRED,
	DONE_GALLRAD,
	DONE_LOGGED_OUT,
	DONE_COUNT
};

/* The code that goes in ?klart= for d ("besok-sparat"). Static. */
const char *done_code(enum done d);

/* The Swedish text for a code from the URL, or NULL when the code is not
 * in the table (then nothing is shown). Static. */
const char *done_text(const char *code);

#endif

/* referral_state.c - the transition table of the referral. */
#include "referral_state.h"
#include "auth.h"
#include "util.h"

#include <string.h>

const char *const ref_states[] = { "draft", "sent", "preliminary_positive", "meeting_booked",
	"meeting_held", "accepted", "approved", "decided", "rejected", "declined", "not_approved",
	"withdrawn", NULL };

static const struct {
	const char *state;
	const char *label;
	unsigned waiting_on;
} states[] = {
	{ "draft", "Utkast", ROLE_SOC },
	{ "sent", "Skickad – väntar på förhandsbesked", ROLE_CM },
	{ "preliminary_positive", "Positivt förhandsbesked – informationsmöte ska bokas", ROLE_CM },
	{ "meeting_booked", "Informationsmöte bokat", ROLE_CM },
	{ "meeting_held", "Informationsmöte hållet – väntar på brukarens svar", ROLE_SOC },
	{ "accepted", "Brukaren accepterar villkoren – väntar på teamets besked", ROLE_CM },
	{ "approved", "Teamet kan tillgodose behoven – beslut ska fattas", ROLE_SOC },
	{ "decided", "Beslut fattat", 0 },
	{ "rejected", "Negativt förhandsbesked", 0 },
	{ "declined", "Brukaren tackade nej", 0 },
	{ "not_approved", "Teamet kan inte tillgodose behoven", 0 },
	{ "withdrawn", "Återtagen", 0 },
};

#define OPEN "draft", "sent", "preliminary_positive", "meeting_booked", "meeting_held", "accepted", "approved"

/* A step that closes the referral (to a state nothing leaves) asks for a
 * reason and is confirmed on its own page first (confirm = 1); "decide"
 * closes it through the decision form instead. */
static const struct ref_action actions[] = {
	/* name, button, roles, from, to, date, reason, date label, time and place, confirm, done */
	{ "send", "Skicka till Bostad först-teamet", ROLE_SOC, { "draft", NULL }, "sent", 0, 0, NULL, 0, 0, DONE_REFERRAL_SENT },
	{ "preliminary_positive", "Lämna positivt förhandsbesked", ROLE_CM, { "sent", NULL }, "preliminary_positive", 0, 0, NULL, 0, 0,
	  DONE_PRELIMINARY_POSITIVE },
	{ "preliminary_negative", "Lämna negativt förhandsbesked", ROLE_CM, { "sent", NULL }, "rejected", 0, 1, NULL, 0, 1,
	  DONE_PRELIMINARY_NEGATIVE },
	{ "book_meeting", "Boka informationsmöte", ROLE_CM, { "preliminary_positive", "meeting_booked", NULL }, "meeting_booked", 1, 0,
	  "Datum för mötet", 1, 0, DONE_MEETING_BOOKED },
	{ "hold_meeting", "Registrera hållet informationsmöte", ROLE_CM, { "meeting_booked", NULL }, "meeting_held", 1, 0, "Mötet hölls", 0, 0,
	  DONE_MEETING_HELD },
	{ "client_accepts", "Brukaren accepterar villkoren", ROLE_SOC, { "meeting_held", NULL }, "accepted", 0, 0, NULL, 0, 0,
	  DONE_CLIENT_ACCEPTS },
	{ "client_declines", "Brukaren tackar nej", ROLE_SOC, { "meeting_held", NULL }, "declined", 0, 1, NULL, 0, 1, DONE_CLIENT_DECLINES },
	{ "final_alone", "Kan tillgodose behoven på egen hand", ROLE_CM, { "accepted", NULL }, "approved", 0, 0, NULL, 0, 0, DONE_TEAM_CAN },
	{ "final_with_other", "Kan tillgodose behoven med andra insatser", ROLE_CM, { "accepted", NULL }, "approved", 0, 0, NULL, 0, 0,
	  DONE_TEAM_CAN },
	{ "final_cannot", "Kan inte tillgodose behoven", ROLE_CM, { "accepted", NULL }, "not_approved", 0, 1, NULL, 0, 1, DONE_TEAM_CANNOT },
	{ "withdraw", "Återta remissen", ROLE_SOC, { OPEN, NULL }, "withdrawn", 0, 1, NULL, 0, 1, DONE_REFERRAL_WITHDRAWN },
	{ "decide", "Fatta de två besluten", ROLE_SOC, { "approved", NULL }, "decided", 0, 0, NULL, 0, 0, DONE_DECISIONS_MADE },
};

/* What each step was, as the timeline tells it: an event in the past
 * tense, never the button that took it. One row per action above, plus
 * "create" (the draft) and a second booking of the meeting. */
static const struct {
	const char *action;
	const char *from;	/* NULL: from any state */
	const char *event;
} events[] = {
	{ "create", NULL, "Remissen påbörjades" },
	{ "send", NULL, "Remissen skickades till Bostad först-teamet" },
	{ "preliminary_positive", NULL, "Teamet lämnade positivt förhandsbesked" },
	{ "preliminary_negative", NULL, "Teamet lämnade negativt förhandsbesked" },
	{ "book_meeting", "meeting_booked", "Informationsmötet bokades om" },
	{ "book_meeting", NULL, "Informationsmötet bokades" },
	{ "hold_meeting", NULL, "Informationsmötet hölls" },
	{ "client_accepts", NULL, "Brukaren accepterade villkoren" },
	{ "client_declines", NULL, "Brukaren tackade nej" },
	{ "final_alone", NULL, "Teamet svarade att det kan tillgodose behoven på egen hand" },
	{ "final_with_other", NULL, "Teamet svarade att det kan tillgodose behoven med andra insatser" },
	{ "final_cannot", NULL, "Teamet svarade att det inte kan tillgodose behoven" },
	{ "withdraw", NULL, "Remissen återtogs" },
	{ "decide", NULL, "Besluten fattades" },
};

const char *ref_step_event(const char *action, const char *from)
{
	for (size_t i = 0; action && i < sizeof events / sizeof events[0]; i++)
		if (!strcmp(events[i].action, action) && (!events[i].from || str_eq(events[i].from, from)))
			return events[i].event;
	return "";
}

const struct ref_action *ref_action_find(const char *name)
{
	for (size_t i = 0; name && i < sizeof actions / sizeof actions[0]; i++)
		if (strcmp(actions[i].name, name) == 0)
			return &actions[i];
	return NULL;
}

const struct ref_action *ref_action_at(int i)
{
	return i >= 0 && (size_t)i < sizeof actions / sizeof actions[0] ? &actions[i] : NULL;
}

int ref_transition(const char *state, const char *action, int role, const char **to)
{
	const struct ref_action *a = ref_action_find(action);
	if (!a)
		return 400;
	if (!(a->roles & (unsigned)role))
		return 403;
	for (int i = 0; a->from[i]; i++) {
		if (strcmp(a->from[i], state) == 0) {
			*to = a->to;
			return 0;
		}
	}
	return 409;
}

const char *ref_state_label(const char *state)
{
	for (size_t i = 0; state && i < sizeof states / sizeof states[0]; i++)
		if (strcmp(states[i].state, state) == 0)
			return states[i].label;
	return "";
}

unsigned ref_state_waiting_on(const char *state)
{
	for (size_t i = 0; state && i < sizeof states / sizeof states[0]; i++)
		if (strcmp(states[i].state, state) == 0)
			return states[i].waiting_on;
	return 0;
}

int ref_state_open(const char *state)
{
	return ref_state_waiting_on(state) != 0;
}

/* test_referral_state.c - every state x every action x every role. */
#include "referral_state.h"
#include "auth.h"
#include "check.h"

/* The expected table, written out independently of the implementation. */
static const char *expected_to(const char *state, const char *action)
{
	static const struct { const char *from, *action, *to; } t[] = {
		{ "draft", "send", "sent" },
		{ "sent", "preliminary_positive", "preliminary_positive" },
		{ "sent", "preliminary_negative", "rejected" },
		{ "preliminary_positive", "book_meeting", "meeting_booked" },
		{ "meeting_booked", "book_meeting", "meeting_booked" },
		{ "meeting_booked", "hold_meeting", "meeting_held" },
		{ "meeting_held", "client_accepts", "accepted" },
		{ "meeting_held", "client_declines", "declined" },
		{ "accepted", "final_alone", "approved" },
		{ "accepted", "final_with_other", "approved" },
		{ "accepted", "final_cannot", "not_approved" },
		{ "approved", "decide", "decided" },
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
		if (!strcmp(t[i].from, state) && !strcmp(t[i].action, action))
			return t[i].to;
	if (!strcmp(action, "withdraw") && ref_state_open(state))
		return "withdrawn";
	return NULL;
}

static int expected_role(const char *action)
{
	static const char *soc[] = { "send", "client_accepts", "client_declines", "withdraw", "decide" };
	for (size_t i = 0; i < sizeof soc / sizeof soc[0]; i++)
		if (!strcmp(soc[i], action))
			return ROLE_SOC;
	return ROLE_CM;
}

int main(void)
{
	int roles[] = { ROLE_SOC, ROLE_CM, ROLE_LANDLORD, ROLE_MANAGER, ROLE_ADMIN };
	int combos = 0;
	for (int s = 0; ref_states[s]; s++) {
		for (int a = 0; ref_action_at(a); a++) {
			const char *action = ref_action_at(a)->name;
			for (size_t r = 0; r < sizeof roles / sizeof roles[0]; r++) {
				const char *to = NULL;
				int rc = ref_transition(ref_states[s], action, roles[r], &to);
				const char *want = expected_to(ref_states[s], action);
				if (roles[r] != expected_role(action))
					CHECK(rc == 403, "%s %s by %s: want 403, got %d", ref_states[s], action, role_name(roles[r]), rc);
				else if (!want)
					CHECK(rc == 409, "%s %s: want 409, got %d", ref_states[s], action, rc);
				else
					CHECK(rc == 0 && to && !strcmp(to, want), "%s %s: want %s, got %d %s", ref_states[s], action, want, rc, to ? to : "");
				combos++;
			}
		}
	}
	CHECK(combos == 12 * 12 * 5, "every combination checked: %d", combos);
	const char *to;
	CHECK(ref_transition("draft", "explode", ROLE_SOC, &to) == 400, "unknown action");
	for (int s = 0; ref_states[s]; s++)
		CHECK(ref_state_label(ref_states[s])[0] != '\0', "label for %s", ref_states[s]);
	/* every step has an event in the past tense, never its button label */
	const struct ref_action *a;
	for (int i = 0; (a = ref_action_at(i)); i++) {
		const char *e = ref_step_event(a->name, a->from[0]);
		CHECK(e[0] != '\0' && strcmp(e, a->label) != 0, "event for %s: [%s]", a->name, e);
	}
	CHECK(!strcmp(ref_step_event("create", "draft"), "Remissen påbörjades"), "create");
	CHECK(!strcmp(ref_step_event("book_meeting", "preliminary_positive"), "Informationsmötet bokades"), "booked");
	CHECK(!strcmp(ref_step_event("book_meeting", "meeting_booked"), "Informationsmötet bokades om"), "booked again");
	CHECK(!strcmp(ref_step_event("decide", "approved"), "Besluten fattades"), "decided");
	CHECK(ref_step_event("explode", NULL)[0] == '\0', "unknown step");
	CHECK(ref_state_open("approved") && !ref_state_open("decided") && !ref_state_open("withdrawn"), "open/closed");
	CHECK(ref_state_waiting_on("sent") == ROLE_CM && ref_state_waiting_on("meeting_held") == ROLE_SOC, "whose turn");
	/* a step that closes the referral (but the decision form's) is
	 * confirmed on its own page and needs a reason; no other step is */
	for (int i = 0; ref_action_at(i); i++) {
		const struct ref_action *x = ref_action_at(i);
		int closes = !ref_state_open(x->to) && strcmp(x->name, "decide");
		CHECK(x->confirm == closes, "%s: confirm %d", x->name, x->confirm);
		if (closes)
			CHECK(x->needs_reason, "%s needs a reason", x->name);
		CHECK(done_code(x->done) != NULL, "%s has a confirmation message", x->name);
	}
	CHECK(ref_action_find("client_declines")->confirm && ref_action_find("client_declines")->needs_reason, "declining: reason, confirmed");
	CHECK(ref_action_find("withdraw")->confirm && ref_action_find("withdraw")->needs_reason, "withdrawing: reason, confirmed");
	CHECK(ref_action_find("book_meeting")->needs_time_place && !ref_action_find("book_meeting")->confirm
	    && ref_action_find("book_meeting")->done == DONE_MEETING_BOOKED, "booking: time and place, not confirmed");
	for (int i = 0; ref_action_at(i); i++)
		CHECK(ref_action_at(i)->needs_time_place == !strcmp(ref_action_at(i)->name, "book_meeting"), "%s: time and place",
		    ref_action_at(i)->name);
	return check_done();
}

/* referral.c - the remiss: list, filing with the client, the page with the
 * team's steps, and the state machine applied on the server. */
#include "referral.h"
#include "audit.h"
#include "date.h"
#include "db.h"
#include "district.h"
#include "formdef.h"
#include "handlers.h"
#include "person.h"
#include "referral_state.h"
#include "scope.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REFERRALS_PAGE 50

static const struct {
	const char *key;
	const char *label;
} criteria[] = {
	{ "crit_known", "Aktuell på vuxenenheten" },
	{ "crit_far", "Står långt från ordinarie bostadsmarknad och har lång erfarenhet av hemlöshet" },
	{ "crit_health", "Missbruk och/eller psykisk ohälsa" },
	{ "crit_wants", "Vill bo i hyreslägenhet, ta hyresgästansvar och ta emot stöd" },
	{ "crit_no_violence", "Inga hot- eller våldsincidenter nyligen som bedöms påverka grannar eller personal" },
	{ "crit_no_risk", "Bedöms inte ha hög risk för överdos eller suicid" },
};
#define NCRIT (sizeof criteria / sizeof criteria[0])

static const char *const texts[] = { "client_wishes", "homeless_duration", "current_situation", "needs" };
#define NTEXTS (sizeof texts / sizeof texts[0])

static const char not_found[] = "Remissen finns inte eller ingår inte i det du har tillgång till.";

/* Loads referral id if the viewer may see it. NULL when not (or error). */
static json_t *referral_load(const struct req *r, long long id)
{
	static const char sql[] =
	    "SELECT f.*, p.first_name || ' ' || p.last_name AS person_name, p.personnummer, p.reserve, "
	    "d.name AS district, date(f.sent_at, 'unixepoch', 'localtime') AS sent_date, "
	    "days_between(f.sent_at, date('now', 'localtime')) AS days_since_sent, "
	    "days_between(f.last_step_at, date('now', 'localtime')) AS days_since_step, "
	    "(SELECT id FROM decisions WHERE referral_id = f.id ORDER BY id LIMIT 1) AS decision_id "
	    "FROM referrals f JOIN persons p ON p.id = f.person_id JOIN districts d ON d.id = f.district_id "
	    "WHERE f.id = :id AND " SCOPE_REFERRAL("f");
	return scope_row(sql, r, id);
}

/* Returns the criteria as [{key, label, yes, no, note}] from a stored
 * referral, for reading on its page. New reference. */
static json_t *criteria_view(json_t *ref)
{
	json_t *a = json_array();
	for (size_t i = 0; i < NCRIT; i++) {
		char note[64];
		snprintf(note, sizeof note, "%s_note", criteria[i].key);
		json_t *v = json_object_get(ref, criteria[i].key);
		int answered = v && json_is_integer(v);
		json_t *n = json_object_get(ref, note);
		json_array_append_new(a, json_pack("{s:s, s:s, s:s, s:b, s:b, s:b, s:s}",
		    "key", criteria[i].key, "note_key", note, "label", criteria[i].label,
		    "yes", answered && json_integer_value(v) == 1, "no", answered && json_integer_value(v) == 0,
		    "unanswered", !answered, "note", n && json_is_string(n) ? json_string_value(n) : ""));
	}
	return a;
}

/* Reads the referral form (referral_new in formdefs.c) into an object
 * shaped like a stored row (criteria 1/0 or absent); errors and what was
 * typed go to the view (*v). New reference. */
static json_t *read_referral_input(struct req *r, struct fvals **v)
{
	*v = form_read(r, formdef_find("referral_new"));
	json_t *f = json_object();
	for (size_t i = 0; i < NCRIT; i++) {
		const char *ans = fv_str(*v, criteria[i].key);
		char note[64];
		snprintf(note, sizeof note, "%s_note", criteria[i].key);
		if (ans)
			json_object_set_new(f, criteria[i].key, json_integer(ans[0] == '1'));
		json_object_set_new(f, note, json_string(fv_text(*v, note)));
	}
	for (size_t i = 0; i < NTEXTS; i++)
		json_object_set_new(f, texts[i], json_string(fv_text(*v, texts[i])));
	json_object_set_new(f, "client_participated", json_integer(fv_num(*v, "client_participated") != 0));
	return f;
}

/* Fills the form view for a referral (new or draft edit): form is the
 * stored (or read) row, v what was typed (NULL on a GET). criteria pairs
 * each criterion's yes/no with its comment for the template. */
static void ref_form_view(struct req *r, json_t *form, const char *action, json_t *person, const struct fvals *v)
{
	json_object_set_new(r->view, "form", form);
	form_view(r, formdef_find("referral_new"), v, form);
	json_t *f = json_object_get(r->view, "f"), *a = json_array();
	for (size_t i = 0; i < NCRIT; i++)
		json_array_append_new(a, json_pack("{s:O, s:O}", "answer", json_object_get(f, criteria[i].key),
		    "note", json_object_get(f, arena_printf(&r->arena, "%s_note", criteria[i].key))));
	json_object_set_new(r->view, "criteria", a);
	json_object_set_new(r->view, "action", json_string(action));
	if (person)
		json_object_set_new(r->view, "person", person);
}

/* GET /persons/{id}/referrals/new */
int referral_new_form(struct req *r)
{
	long long pid = r->params[0];
	if (person_visible(r, pid) != 1)
		return http_fail(r, 404, "Personen finns inte eller ingår inte i det du har tillgång till.");
	int weeded = person_refuse_weeded(r, pid);
	if (weeded)
		return weeded;
	json_object_set_new(r->view, "title", json_string("Ny remiss till Bostad först"));
	ref_form_view(r, json_object(), arena_printf(&r->arena, "/persons/%lld/referrals", pid), person_load(pid), NULL);
	return 200;
}

/* Binds the referral fields of f at parameters :crit_known... */
static void bind_fields(dbstmt *st, json_t *f)
{
	for (size_t i = 0; i < NCRIT; i++) {
		char name[64], note[64];
		snprintf(name, sizeof name, ":%s", criteria[i].key);
		snprintf(note, sizeof note, ":%s_note", criteria[i].key);
		json_t *v = json_object_get(f, criteria[i].key);
		int idx = db_bind_index(st, name);
		if (v)
			db_bind_int64(st, idx, json_integer_value(v));
		else
			db_bind_null(st, idx);
		db_bind_text(st, db_bind_index(st, note),
		    json_string_value(json_object_get(f, note + 1)), -1);
	}
	for (size_t i = 0; i < NTEXTS; i++) {
		char name[64];
		snprintf(name, sizeof name, ":%s", texts[i]);
		db_bind_text(st, db_bind_index(st, name),
		    json_string_value(json_object_get(f, texts[i])), -1);
	}
	db_bind_named_int(st, ":client_participated", json_integer_value(json_object_get(f, "client_participated")));
}

/* Appends a step row (s may be NULL: no date, time, place or note).
 * Returns 0 or -1. */
static int add_step(const struct req *r, long long id, const char *action, const char *from,
    const char *to, const struct ref_step *s)
{
	static const char sql[] = "INSERT INTO referral_steps(referral_id, at, by, action, from_state, to_state, date, note, "
	    "time, place) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
	dbstmt *st = db_stmt(sql);
	if (!st)
		return -1;
	db_bindf(st, "iiitttetee", id, now_unix(), r->user.id, action, from, to, s ? s->date : NULL,
	    s && s->note ? s->note : "", s ? s->time : NULL, s ? s->place : NULL);
	return db_write(st, NULL) == DB_DONE ? 0 : -1;
}

/* POST /persons/{id}/referrals : a new draft */
int referral_create(struct req *r)
{
	static const char sql[] =
	    "INSERT INTO referrals(person_id, district_id, crit_known, crit_known_note, crit_far, crit_far_note, "
	    "crit_health, crit_health_note, crit_wants, crit_wants_note, crit_no_violence, crit_no_violence_note, "
	    "crit_no_risk, crit_no_risk_note, client_participated, client_wishes, homeless_duration, "
	    "current_situation, needs, last_step_at, created_at, created_by, updated_at, updated_by) "
	    "SELECT :pid, p.district_id, :crit_known, :crit_known_note, :crit_far, :crit_far_note, :crit_health, "
	    ":crit_health_note, :crit_wants, :crit_wants_note, :crit_no_violence, :crit_no_violence_note, "
	    ":crit_no_risk, :crit_no_risk_note, :client_participated, :client_wishes, :homeless_duration, "
	    ":current_situation, :needs, :now, :now, :uid, :now, :uid FROM persons p WHERE p.id = :pid";
	long long pid = r->params[0];
	if (person_visible(r, pid) != 1)
		return http_fail(r, 404, "Personen finns inte eller ingår inte i det du har tillgång till.");
	int weeded = person_refuse_weeded(r, pid);
	if (weeded)
		return weeded;
	struct fvals *v;
	json_t *f = read_referral_input(r, &v);
	json_object_set_new(r->view, "title", json_string("Ny remiss till Bostad först"));
	if (view_has_errors(r)) {
		ref_form_view(r, f, arena_printf(&r->arena, "/persons/%lld/referrals", pid), person_load(pid), v);
		return 400;
	}
	if (db_begin() < 0) {
		json_decref(f);
		return http_fail(r, 500, NULL);
	}
	dbstmt *st = db_stmt(sql);
	long long id = 0;
	int ok = 0;
	if (st) {
		bind_fields(st, f);
		db_bind_named_int(st, ":pid", pid);
		db_bind_named_int(st, ":now", now_unix());
		db_bind_named_int(st, ":uid", r->user.id);
		ok = db_write(st, NULL) == DB_DONE;
		id = db_last_id();
	}
	json_decref(f);
	if (!ok || add_step(r, id, "create", "draft", "draft", NULL) < 0 ||
	    audit_log(r->user.id, "create", "referral", id, pid) < 0 || db_commit() < 0) {
		db_rollback();
		return http_fail(r, 500, NULL);
	}
	return http_redirect_done(r, arena_printf(&r->arena, "/referrals/%lld", id), DONE_REFERRAL_DRAFT);
}

/* The described form of a step (formdefs.c), or NULL when it has no fields. */
static const struct formdef *step_form(const struct ref_action *a)
{
	if (a->needs_time_place)
		return formdef_find("step_book_meeting");
	if (a->needs_date)
		return formdef_find("step_hold_meeting");
	if (a->needs_reason)
		return formdef_find("step_reason");
	return NULL;
}

/* The fields of one step's form: its date, the meeting's time and place,
 * a reason. Ids carry the action's name (a page has several forms); the
 * values are what was typed for the step that was posted (v, kept when a
 * field has an error), else a new booking starts from the current one and
 * "Mötet hölls" from the booked date. */
static json_t *step_fields(struct req *r, const struct ref_action *a, json_t *ref, const struct fvals *v)
{
	const struct formdef *d = step_form(a);
	if (!d)
		return json_array();
	int meeting = !strcmp(a->name, "book_meeting") || !strcmp(a->name, "hold_meeting");
	json_t *stored = json_object();
	if (meeting) {
		json_object_set(stored, "date", json_object_get(ref, "meeting_date"));
		json_object_set(stored, "time", json_object_get(ref, "meeting_time"));
		json_object_set(stored, "place", json_object_get(ref, "meeting_place"));
	}
	json_t *f = form_fields(r, d, v && v->def == d ? v : NULL, stored, a->name);
	json_decref(stored);
	return f;
}

/* Adds state labels, criteria and the actions this viewer may take, each
 * with its form's fields; posted is the action that was posted (its
 * fields show what was typed), or NULL. */
static void page_view(struct req *r, json_t *ref, const char *posted, const struct fvals *v)
{
	const char *state = json_string_value(json_object_get(ref, "state"));
	json_object_set_new(ref, "state_label", json_string(ref_state_label(state)));
	json_object_set_new(ref, "step_ago", json_string(view_days_ago(r, json_integer_value(json_object_get(ref, "days_since_step")))));
	if (json_object_get(ref, "days_since_sent"))
		json_object_set_new(ref, "sent_ago", json_string(view_days_ago(r, json_integer_value(json_object_get(ref, "days_since_sent")))));
	json_object_set_new(r->view, "criteria", criteria_view(ref));
	json_t *acts = json_array();
	const struct ref_action *a;
	for (int i = 0; (a = ref_action_at(i)); i++) {
		const char *to;
		if (strcmp(a->name, "decide") == 0 || ref_transition(state, a->name, r->user.role, &to) != 0)
			continue;
		json_array_append_new(acts, json_pack("{s:s, s:s, s:o, s:b}", "name", a->name, "label", a->label,
		    "fields", step_fields(r, a, ref, str_eq(posted, a->name) ? v : NULL), "confirm", a->confirm));
	}
	json_object_set_new(r->view, "actions", acts);
	long long id = json_integer_value(json_object_get(ref, "id"));
	view_may(r, "can_edit", !strcmp(state, "draft"), "POST", "/referrals/%lld", id);
	view_may(r, "can_decide", !strcmp(state, "approved"), "POST", "/referrals/%lld/decisions", id);
	json_object_set_new(r->view, "title", json_string("Remiss"));
}

void referral_step_label(struct req *r, json_t *s)
{
	json_object_set_new(s, "label", json_string(ref_step_event(json_string_value(json_object_get(s, "action")),
	    json_string_value(json_object_get(s, "from_state")))));
	const char *date = json_string_value(json_object_get(s, "date"));
	const char *time = json_string_value(json_object_get(s, "time"));
	const char *place = json_string_value(json_object_get(s, "place"));
	if (date && (time || place))
		json_object_set_new(s, "detail", json_string(arena_printf(&r->arena, "%s%s%s%s%s", date,
		    time ? " kl. " : "", time ? time : "", place ? ", " : "", place ? place : "")));
	else if (date)
		json_object_set_new(s, "detail", json_string(date));
}

/* Loads the steps of a referral into the view. Returns 0 or -1. */
static int steps_view(struct req *r, long long id)
{
	static const char sql[] =
	    "SELECT s.action, s.from_state, s.to_state, s.date, s.time, s.place, s.note, u.name AS by_name, "
	    "strftime('%Y-%m-%d %H:%M', s.at, 'unixepoch', 'localtime') AS at "
	    "FROM referral_steps s LEFT JOIN users u ON u.id = s.by WHERE s.referral_id = ? ORDER BY s.id";
	json_t *rows = db_rows_for(sql, id);
	if (!rows)
		return -1;
	size_t i;
	json_t *s;
	json_array_foreach(rows, i, s) {
		referral_step_label(r, s);
		json_object_set_new(s, "state_label", json_string(ref_state_label(json_string_value(json_object_get(s, "to_state")))));
	}
	json_object_set_new(r->view, "steps", rows);
	return 0;
}

/* GET /referrals/{id} : audited read */
int referral_page(struct req *r)
{
	long long id = r->params[0];
	json_t *ref = referral_load(r, id);
	if (!ref)
		return http_fail(r, 404, not_found);
	page_view(r, ref, NULL, NULL);
	json_object_set_new(r->view, "referral", ref);
	if (steps_view(r, id) < 0 ||
	    audit_log(r->user.id, "read", "referral", id, json_integer_value(json_object_get(ref, "person_id"))) < 0)
		return http_fail(r, 500, NULL);
	return 200;
}

/* GET /referrals/{id}/edit : the draft's form */
int referral_edit_form(struct req *r)
{
	long long id = r->params[0];
	json_t *ref = referral_load(r, id);
	if (!ref)
		return http_fail(r, 404, not_found);
	if (!str_eq(json_string_value(json_object_get(ref, "state")), "draft")) {
		json_decref(ref);
		r->back = arena_printf(&r->arena, "/referrals/%lld", id);
		return http_fail(r, 409, "Remissen är skickad och kan inte längre ändras.");
	}
	json_object_set_new(r->view, "title", json_string("Ändra remiss"));
	json_object_set_new(r->view, "edit", json_true());
	ref_form_view(r, ref, arena_printf(&r->arena, "/referrals/%lld", id), NULL, NULL);
	return 200;
}

/* POST /referrals/{id} : save the draft (version-checked) */
int referral_update(struct req *r)
{
	static const char sql[] =
	    "UPDATE referrals SET crit_known = :crit_known, crit_known_note = :crit_known_note, crit_far = :crit_far, "
	    "crit_far_note = :crit_far_note, crit_health = :crit_health, crit_health_note = :crit_health_note, "
	    "crit_wants = :crit_wants, crit_wants_note = :crit_wants_note, crit_no_violence = :crit_no_violence, "
	    "crit_no_violence_note = :crit_no_violence_note, crit_no_risk = :crit_no_risk, "
	    "crit_no_risk_note = :crit_no_risk_note, client_participated = :client_participated, "
	    "client_wishes = :client_wishes, homeless_duration = :homeless_duration, "
	    "current_situation = :current_situation, needs = :needs, version = version + 1, "
	    "updated_at = :now, updated_by = :uid WHERE id = :id AND version = :version AND state = 'draft'";
	long long id = r->params[0];
	json_t *stored = referral_load(r, id);
	if (!stored)
		return http_fail(r, 404, not_found);
	long long version = parse_id(http_param(r, "version"));
	struct fvals *v;
	json_t *f = read_referral_input(r, &v);
	json_object_set_new(f, "version", json_integer(version));
	json_object_set_new(r->view, "title", json_string("Ändra remiss"));
	json_object_set_new(r->view, "edit", json_true());
	const char *action = arena_printf(&r->arena, "/referrals/%lld", id);
	if (!str_eq(json_string_value(json_object_get(stored, "state")), "draft")) {
		json_decref(stored);
		json_decref(f);
		r->back = action;
		return http_fail(r, 409, "Remissen är skickad och kan inte längre ändras.");
	}
	json_object_set(f, "person_name", json_object_get(stored, "person_name"));
	if (view_has_errors(r)) {
		json_decref(stored);
		ref_form_view(r, f, action, NULL, v);
		return 400;
	}
	if (db_begin() < 0)
		goto fail;
	dbstmt *st = db_stmt(sql);
	int changed = 0;
	if (!st)
		goto fail;
	bind_fields(st, f);
	db_bind_named_int(st, ":now", now_unix());
	db_bind_named_int(st, ":uid", r->user.id);
	db_bind_named_int(st, ":id", id);
	db_bind_named_int(st, ":version", version);
	if (db_write(st, &changed) != DB_DONE)
		goto fail;
	if (!changed) {
		db_rollback();
		json_object_set_new(f, "version", json_integer(json_integer_value(json_object_get(stored, "version"))));
		form_conflict(r, formdef_find("referral_new"), stored, "client_wishes", "remissen", NULL);
		json_decref(stored);
		ref_form_view(r, f, action, NULL, v);
		return 409;
	}
	if (audit_log(r->user.id, "update", "referral", id, json_integer_value(json_object_get(stored, "person_id"))) < 0 ||
	    db_commit() < 0)
		goto fail;
	json_decref(stored);
	json_decref(f);
	return http_redirect_done(r, action, DONE_REFERRAL_DRAFT);
fail:
	db_rollback();
	json_decref(stored);
	json_decref(f);
	return http_fail(r, 500, NULL);
}

int referral_apply_step(const struct req *r, long long id, const char *action, const char *from,
    const char *to, long long version, const struct ref_step *s)
{
	static const char sql[] =
	    "UPDATE referrals SET state = :to, last_step_at = :now, "
	    "sent_at = CASE WHEN :action = 'send' THEN :now ELSE sent_at END, "
	    "meeting_date = CASE WHEN :action = 'book_meeting' THEN :date ELSE meeting_date END, "
	    "meeting_time = CASE WHEN :action = 'book_meeting' THEN :time ELSE meeting_time END, "
	    "meeting_place = CASE WHEN :action = 'book_meeting' THEN :place ELSE meeting_place END, "
	    "meeting_held_date = CASE WHEN :action = 'hold_meeting' THEN :date ELSE meeting_held_date END, "
	    "outcome_reason = CASE WHEN :note <> '' THEN :note ELSE outcome_reason END, "
	    "final_answer = CASE :action WHEN 'final_alone' THEN 'alone' WHEN 'final_with_other' THEN 'with_other' "
	    "WHEN 'final_cannot' THEN 'cannot' ELSE final_answer END, "
	    "version = version + 1, updated_at = :now, updated_by = :uid "
	    "WHERE id = :id AND version = :version AND state = :from";
	dbstmt *st = db_stmt(sql);
	if (!st)
		return -1;
	db_bind_named_text(st, ":to", to);
	db_bind_named_int(st, ":now", now_unix());
	db_bind_named_text(st, ":action", action);
	const char *note = s && s->note ? s->note : "";
	db_bind_named_text(st, ":date", s ? s->date : NULL);
	db_bind_named_text(st, ":time", s ? s->time : NULL);
	db_bind_named_text(st, ":place", s ? s->place : NULL);
	db_bind_text(st, db_bind_index(st, ":note"), note, -1);
	db_bind_named_int(st, ":uid", r->user.id);
	db_bind_named_int(st, ":id", id);
	db_bind_named_int(st, ":version", version);
	db_bind_named_text(st, ":from", from);
	int changed = 0;
	if (db_write(st, &changed) != DB_DONE)
		return -1;
	if (!changed)
		return 409;
	return add_step(r, id, action, from, to, s);
}

/* A step's form, checked against the referral. */
struct step_input {
	const struct ref_action *a;
	struct fvals *v;	/* the step's described fields as typed (NULL: none) */
	const char *action, *date, *time, *place, *reason;
	char hhmm[6];	/* the time read, HH:MM */
	const char *state, *to;	/* from and to */
	long long version, pid;
};

/*
 * Checks a step on referral id (ref, loaded in scope; taken over): the
 * role may take it (403), it is possible from the state (409, and "decide"
 * goes through the decision form: 400), its date and reason. On a form
 * error the referral page is prepared again with the errors (400). On
 * success the view holds the referral page's data. Returns 0 or the status
 * of the answer prepared.
 */
static int step_check(struct req *r, long long id, json_t *ref, struct step_input *in)
{
	const char *back = arena_printf(&r->arena, "/referrals/%lld", id);
	in->state = arena_strdup(&r->arena, json_string_value(json_object_get(ref, "state")));
	in->pid = json_integer_value(json_object_get(ref, "person_id"));
	in->action = http_param(r, "action");
	in->version = parse_id(http_param(r, "version"));
	r->back = back;
	int rc = ref_transition(in->state, in->action, r->user.role, &in->to);
	if (rc == 400 || (in->action && !strcmp(in->action, "decide"))) {
		json_decref(ref);
		return http_fail(r, 400, "Okänt steg.");
	}
	if (rc == 403) {
		json_decref(ref);
		audit_log(r->user.id, "denied", "referral", id, in->pid);
		return http_fail(r, 403, "Din roll kan inte ta det här steget i remissen.");
	}
	if (rc == 409) {
		json_decref(ref);
		return http_fail(r, 409, arena_printf(&r->arena, "Steget går inte att ta när remissen har status ”%s”. "
		    "Ingenting har ändrats.", ref_state_label(in->state)));
	}
	const struct ref_action *a = in->a = ref_action_find(in->action);
	const struct formdef *d = step_form(a);
	in->v = d ? form_read_keyed(r, d, in->action) : NULL;
	in->date = fv_str(in->v, "date");
	in->time = fv_str(in->v, "time");
	in->place = fv_str(in->v, "place");
	in->reason = fv_str(in->v, "reason");
	snprintf(in->hhmm, sizeof in->hhmm, "%s", in->time ? in->time : "");
	const char *action = in->action;
	char today[11];
	date_today(today);
	if (!strcmp(in->action, "hold_meeting") && in->date && strcmp(in->date, today) > 0)
		view_error(r, arena_printf(&r->arena, "date-%s", in->action), "Ett hållet möte kan inte ha ett datum i framtiden.");
	if (!strcmp(in->action, "send")) {
		/* the fields are on the edit page: the summary leads there */
		for (size_t i = 0; i < NCRIT; i++)
			if (!json_is_integer(json_object_get(ref, criteria[i].key)))
				view_error_href(r, criteria[i].key, arena_printf(&r->arena, "/referrals/%lld/edit#%s", id,
				    criteria[i].key), arena_printf(&r->arena,
				    "Målgruppskriteriet ”%s” är inte besvarat. Ändra remissen innan den skickas.", criteria[i].label));
		const char *wishes = json_string_value(json_object_get(ref, "client_wishes"));
		if (!wishes || !*wishes)
			view_error_href(r, "client_wishes", arena_printf(&r->arena, "/referrals/%lld/edit#client_wishes", id),
			    "Skriv brukarens egna önskemål innan remissen skickas.");
	}

	/* the page again, with the errors beside the step's form and what
	 * was typed in it */
	page_view(r, ref, action, in->v);
	json_object_set_new(r->view, "referral", ref);
	if (view_has_errors(r)) {
		if (steps_view(r, id) < 0)
			return http_fail(r, 500, NULL);
		r->back = NULL;
		r->template = "referrals/show";	/* also from the confirmation page */
		return 400;
	}
	return 0;
}

/* GET or POST /referrals/{id}/steps/confirm : a step that closes the
 * referral (ref_action.confirm), checked and shown for a yes; nothing is
 * written */
int referral_step_confirm(struct req *r)
{
	long long id = r->params[0];
	json_t *ref = referral_load(r, id);
	if (!ref)
		return http_fail(r, 404, not_found);
	http_saw_person(r, json_integer_value(json_object_get(ref, "person_id")));
	struct step_input in;
	int rc = step_check(r, id, ref, &in);
	if (rc)
		return rc;
	const char *back = arena_printf(&r->arena, "/referrals/%lld", id);
	if (!in.a->confirm) {
		r->back = back;
		return http_fail(r, 400, "Det här steget avslutar inte remissen och tas direkt på remissens sida.");
	}
	const char *person = json_string_value(json_object_get(json_object_get(r->view, "referral"), "person_name"));
	json_t *c = view_confirm(r, arena_printf(&r->arena, "Bekräfta: %s", in.a->label),
	    arena_printf(&r->arena, "Remissen för %s avslutas med status ”%s”. Inga fler steg kan tas i den.", person,
	    ref_state_label(in.to)),
	    "En avslutad remiss kan inte öppnas igen, och steget kan inte tas bort. Behöver personen Bostad först senare "
	    "skrivs en ny remiss.", arena_printf(&r->arena, "/referrals/%lld/steps", id), "Ja, avsluta remissen", back);
	view_confirm_fact(c, "Person", person);
	view_confirm_fact(c, "Steg", in.a->label);
	if (in.a->needs_date)
		view_confirm_fact(c, in.a->date_label, in.date);
	if (in.a->needs_time_place) {
		view_confirm_fact(c, "Klockslag", in.hhmm);
		view_confirm_fact(c, "Plats", in.place);
	}
	view_confirm_fact(c, "Motivering", in.reason);
	view_confirm_hidden(c, "version", arena_printf(&r->arena, "%lld", in.version));
	view_confirm_hidden(c, "action", in.action);
	if (in.a->needs_date)
		view_confirm_hidden(c, "date", in.date);
	if (in.a->needs_time_place) {
		view_confirm_hidden(c, "time", in.hhmm);
		view_confirm_hidden(c, "place", in.place);
	}
	view_confirm_hidden(c, "reason", in.reason);
	return 200;
}

/* POST /referrals/{id}/steps : one step of the process; one that closes
 * the referral needs confirmed=1 from its confirmation page */
int referral_step(struct req *r)
{
	long long id = r->params[0];
	json_t *ref = referral_load(r, id);
	if (!ref)
		return http_fail(r, 404, not_found);
	struct step_input in;
	int rc = step_check(r, id, ref, &in);
	if (rc)
		return rc;
	const char *back = arena_printf(&r->arena, "/referrals/%lld", id);
	if (in.a->confirm && !http_confirmed(r)) {
		r->back = back;
		return http_fail(r, 400, "Steget avslutar remissen och har inte bekräftats, så ingenting har ändrats. "
		    "Ta steget från remissens sida och bekräfta på sidan som visas.");
	}
	if (db_begin() < 0)
		return http_fail(r, 500, NULL);
	struct ref_step step = { .date = in.a->needs_date ? in.date : NULL, .time = in.a->needs_time_place ? in.hhmm : NULL,
		.place = in.a->needs_time_place ? in.place : NULL, .note = in.reason };
	rc = referral_apply_step(r, id, in.action, in.state, in.to, in.version, &step);
	if (rc == 409) {	/* a stale page: the one conflict answer, on the referral as it is now */
		db_rollback();
		json_t *now = referral_load(r, id);
		if (!now)
			return http_fail(r, 404, not_found);
		/* the box shows the meeting as it is saved now; the step's
		 * fields keep what was typed */
		json_t *saved = json_pack("{s:O?, s:O?, s:O?, s:O?}", "date", json_object_get(now, "meeting_date"),
		    "time", json_object_get(now, "meeting_time"), "place", json_object_get(now, "meeting_place"),
		    "reason", json_object_get(now, "outcome_reason"));
		form_conflict(r, in.v ? in.v->def : NULL, saved, "steps", "remissen",
		    arena_printf(&r->arena, "status ”%s”", ref_state_label(json_string_value(json_object_get(now, "state")))));
		json_decref(saved);
		page_view(r, now, in.action, in.v);
		json_object_set_new(r->view, "referral", now);
		if (steps_view(r, id) < 0)
			return http_fail(r, 500, NULL);
		r->back = NULL;
		r->template = "referrals/show";
		return 409;
	}
	if (rc < 0 || audit_log(r->user.id, "update", "referral", id, in.pid) < 0 || db_commit() < 0) {
		db_rollback();
		return http_fail(r, 500, NULL);
	}
	return http_redirect_done(r, back, in.a->done);
}

/* GET /referrals?state=&district=&wait=&after= : longest waiting first */
/* The referral list with where as its district condition: one variant
 * without a district filter walks referrals_wait, one with it walks
 * referrals_district_wait (an OR over a bound parameter would hide both
 * indexes from the planner). */
#define REFERRALS_LIST(where) \
	"SELECT f.id, f.state, p.first_name || ' ' || p.last_name AS person_name, f.person_id, " \
	"d.name AS district, date(f.sent_at, 'unixepoch', 'localtime') AS sent_date, " \
	"days_between(f.sent_at, date('now', 'localtime')) AS days_since_sent, " \
	"days_between(f.last_step_at, date('now', 'localtime')) AS days_since_step " \
	"FROM referrals f JOIN persons p ON p.id = f.person_id JOIN districts d ON d.id = f.district_id " \
	"WHERE " SCOPE_REFERRAL("f") " " \
	"AND (:state IS NULL AND f.state IN ('draft', 'sent', 'preliminary_positive', 'meeting_booked', " \
	"'meeting_held', 'accepted', 'approved') OR :state = 'all' OR f.state = :state) " \
	"AND " where " " \
	"AND (:before IS NULL OR f.last_step_at < :before) " \
	"AND (:after IS NULL OR (f.last_step_at, f.id) > (SELECT last_step_at, id FROM referrals WHERE id = :after)) " \
	"ORDER BY f.last_step_at, f.id LIMIT :limit"

int referrals_list(struct req *r)
{
	static const char sql[] = REFERRALS_LIST("1 = 1");
	static const char district_sql[] = REFERRALS_LIST("f.district_id = :df");
	static const char *const keys[] = { "state", "district", "wait", NULL };
	const char *state = http_param(r, "state");
	const char *wait = http_param(r, "wait");
	long long df = parse_id(http_param(r, "district"));
	long long after = parse_id(http_param(r, "after"));
	json_t *form = json_pack("{s:s, s:s}", "state", state ? state : "", "wait", wait ? wait : "");
	json_object_set_new(r->view, "form", form);
	json_object_set_new(r->view, "title", json_string("Remisser"));
	if (state && *state && strcmp(state, "all") && !*ref_state_label(state))
		view_error(r, "state", "Välj en status i listan.");
	long long wait_days = 0;
	if (wait && *wait) {
		wait_days = parse_id(wait);
		if (!wait_days || wait_days > 3650)
			view_error(r, "wait", "Ange antal dagar som ett heltal, till exempel 30.");
	}
	/* filter choices */
	json_t *states = json_array();
	json_array_append_new(states, json_pack("{s:s, s:s, s:b}", "value", "all", "label", "Alla, även avslutade",
	    "selected", state && !strcmp(state, "all")));
	for (int i = 0; ref_states[i]; i++)
		json_array_append_new(states, json_pack("{s:s, s:s, s:b}", "value", ref_states[i],
		    "label", ref_state_label(ref_states[i]), "selected", state && !strcmp(state, ref_states[i])));
	json_object_set_new(r->view, "states", states);
	if (r->user.role != ROLE_SOC)
		json_object_set_new(r->view, "districts", district_options(df));
	if (view_has_errors(r)) {
		json_object_set_new(r->view, "rows", json_array());
		return 400;
	}
	/* a socialsekreterare's list is their district's: say so to the planner */
	long long dq = df ? df : r->user.role == ROLE_SOC ? r->user.district_id : 0;
	dbstmt *st = db_stmt(dq ? district_sql : sql);
	if (!st)
		return http_fail(r, 500, NULL);
	scope_bind(st, r);
	db_bind_named_text(st, ":state", state);
	if (dq)
		db_bind_named_int(st, ":df", dq);
	if (wait_days)
		db_bind_named_int(st, ":before", now_unix() - wait_days * 86400);
	if (after)
		db_bind_named_int(st, ":after", after);
	db_bind_named_int(st, ":limit", REFERRALS_PAGE + 1);
	int more;
	json_t *rows = db_rows_json(st, REFERRALS_PAGE, &more);
	if (!rows)
		return http_fail(r, 500, NULL);
	size_t i;
	json_t *x;
	json_array_foreach(rows, i, x)
		json_object_set_new(x, "state_label", json_string(ref_state_label(json_string_value(json_object_get(x, "state")))));
	json_t *last = json_array_get(rows, json_array_size(rows) - 1);
	char id[32];
	snprintf(id, sizeof id, "%lld", last ? (long long)json_integer_value(json_object_get(last, "id")) : 0LL);
	view_pager(r, more ? http_link(r, keys, "after", id) : NULL, after ? http_link(r, keys, "after", "") : NULL);
	json_object_set_new(r->view, "rows", rows);
	return 200;
}

json_t *referrals_waiting(const struct req *r, unsigned on_role, int limit)
{
	/* + on state: walk the waiting-time index (referrals_wait, or for one
	 * district referrals_district_waiting) and stop after a page */
#define REFERRALS_WAITING(where) \
	"SELECT f.id, f.person_id, f.state, p.first_name || ' ' || p.last_name AS person_name, d.name AS district, " \
	"days_between(f.last_step_at, date('now', 'localtime')) AS days_since_step " \
	"FROM referrals f JOIN persons p ON p.id = f.person_id JOIN districts d ON d.id = f.district_id " \
	"WHERE " where " AND +f.state IN (SELECT value FROM json_each(:states)) " \
	"ORDER BY f.last_step_at, f.id LIMIT :limit"
	static const char sql[] = REFERRALS_WAITING(SCOPE_REFERRAL("f"));
	static const char district_sql[] = REFERRALS_WAITING("f.district_id = :district AND " SCOPE_REFERRAL("f"));
	json_t *states = json_array();
	for (int i = 0; ref_states[i]; i++) {
		unsigned w = ref_state_waiting_on(ref_states[i]);
		if (w && (w & on_role))
			json_array_append_new(states, json_string(ref_states[i]));
	}
	char *s = json_dumps(states, JSON_COMPACT);
	json_decref(states);
	dbstmt *st = db_stmt(r->user.role == ROLE_SOC ? district_sql : sql);
	json_t *rows = NULL;
	if (st) {
		scope_bind(st, r);
		db_bind_named_text(st, ":states", s);
		db_bind_named_int(st, ":limit", limit);
		rows = db_rows_json(st, 0, NULL);
	}
	free(s);
	size_t i;
	json_t *x;
	json_array_foreach(rows, i, x)
		json_object_set_new(x, "state_label", json_string(ref_state_label(json_string_value(json_object_get(x, "state")))));
	return rows;
}

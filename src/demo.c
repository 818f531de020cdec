/* demo.c - demo users and districts. Refused on a database with real
 * users: a marker row tells a demo database from a real one. */
#include "demo.h"
#include "register.h"
#include "audit.h"
#include "auth.h"
#include "db.h"
#include "decision.h"
#include "district.h"
#include "user.h"
#include "date.h"
#include "util.h"
#include "referral_state.h"

#include <string.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

static const struct {
	const char *username;
	const char *name;
	int role;
	const char *district;
} demo_users[] = {
	{ "soc1", "Sara Socialsekreterare", ROLE_SOC, "Centrum" },
	{ "soc2", "Sven Socialsekreterare", ROLE_SOC, "Hisingen" },
	{ "cm1", "Cecilia Case Manager", ROLE_CM, NULL },
	{ "cm2", "Carl Case Manager", ROLE_CM, NULL },
	{ "fast1", "Fatima Fastighetskontoret", ROLE_LANDLORD, NULL },
	{ "chef1", "Charlotte Chef", ROLE_MANAGER, NULL },
	{ "admin1", "Adam Systemförvaltare", ROLE_ADMIN, NULL },
};

/* Returns 1 when the demo marker exists, 0 when not, -1 on error. */
static int is_demo_db(void)
{
	static const char sql[] = "SELECT 1 FROM secrets WHERE name = 'demo'";
	dbstmt *st = db_stmt(sql);
	if (!st)
		return -1;
	int rc = db_step(st);
	db_done(st);
	return rc == DB_ROW ? 1 : rc == DB_DONE ? 0 : -1;
}

/* ---------- fictive persons and their cases ---------- */

static const char *const first_names[] = { "Anna", "Bengt", "Cecilia", "David", "Elin", "Fredrik", "Gunilla",
	"Hassan", "Ingrid", "Johan", "Karin", "Lars", "Maria", "Nils", "Olivia", "Per", "Rasmus", "Sofia",
	"Tomas", "Ulla", "Viktor", "Yasmin", "Åsa", "Örjan", "Amir", "Britt", "Conny", "Dragan", "Eva", "Farid" };
static const char *const last_names[] = { "Andersson", "Berg", "Carlsson", "Dahl", "Ek", "Forsberg", "Gustavsson",
	"Holm", "Isaksson", "Johansson", "Karlsson", "Lind", "Magnusson", "Nilsson", "Olsson", "Persson",
	"Qvist", "Rydberg", "Svensson", "Törnqvist", "Ulriksson", "Vik", "Wallin", "Ylva", "Zetterberg",
	"Åberg", "Öberg", "Axelsson", "Björk", "Claesson" };

/* The actions that lead from draft to each state (demo paths). */
static const struct {
	const char *state;
	const char *path[9];
} paths[] = {
	{ "draft", { NULL } },
	{ "sent", { "send", NULL } },
	{ "preliminary_positive", { "send", "preliminary_positive", NULL } },
	{ "meeting_booked", { "send", "preliminary_positive", "book_meeting", NULL } },
	{ "meeting_held", { "send", "preliminary_positive", "book_meeting", "hold_meeting", NULL } },
	{ "accepted", { "send", "preliminary_positive", "book_meeting", "hold_meeting", "client_accepts", NULL } },
	{ "approved", { "send", "preliminary_positive", "book_meeting", "hold_meeting", "client_accepts", "final_alone", NULL } },
	{ "decided", { "send", "preliminary_positive", "book_meeting", "hold_meeting", "client_accepts", "final_with_other", "decide", NULL } },
	{ "rejected", { "send", "preliminary_negative", NULL } },
	{ "declined", { "send", "preliminary_positive", "book_meeting", "hold_meeting", "client_declines", NULL } },
	{ "not_approved", { "send", "preliminary_positive", "book_meeting", "hold_meeting", "client_accepts", "final_cannot", NULL } },
	{ "withdrawn", { "send", "withdraw", NULL } },
	{ "decided", { "send", "preliminary_positive", "book_meeting", "hold_meeting", "client_accepts", "final_alone", "decide", NULL } },
	{ "decided", { "send", "preliminary_positive", "book_meeting", "hold_meeting", "client_accepts", "final_alone", "decide", NULL } },
	{ "sent", { "send", NULL } },
};
#define NPATHS (sizeof paths / sizeof paths[0])

void demo_pnr(int i, char out[14])
{
	char date[11], ten[11];
	unsigned serial = (100u + (unsigned)i * 7u) % 1000u;
	date_add_days("1960-03-01", (i % 30) * 419 + (i / 30) * 97, date);
	snprintf(ten, sizeof ten, "%.2s%.2s%.2s%03u", date + 2, date + 5, date + 8, serial);
	int sum = 0;
	for (int k = 0; k < 9; k++) {
		int v = (ten[k] - '0') * (k % 2 == 0 ? 2 : 1);
		sum += v > 9 ? v - 9 : v;
	}
	snprintf(out, 14, "%.4s%.2s%.2s-%03u%d", date, date + 5, date + 8, serial, (10 - sum % 10) % 10);
}

long long demo_user_id(const char *username)
{
	static const char sql[] = "SELECT id FROM users WHERE lower(username) = lower(?)";
	dbstmt *st = db_stmt(sql);
	if (!st)
		return 0;
	db_bindf(st, "t", username);
	long long id = db_step(st) == DB_ROW ? db_col_int64(st, 0) : 0;
	db_done(st);
	return id;
}

/* About 30 persons across both districts: a referral in every state,
 * decision pairs in different stages (one reviewed, some due soon, some in
 * effect), case managers assigned to those with decisions. */
static int demo_cases(void)
{
	static const char ins_person[] =
	    "INSERT INTO persons(personnummer, birth_date, sex, first_name, last_name, phone, district_id, "
	    "created_at, created_by, updated_at, updated_by) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
	static const char ins_ref[] =
	    "INSERT INTO referrals(person_id, district_id, state, crit_known, crit_far, crit_health, crit_wants, "
	    "crit_no_violence, crit_no_risk, crit_far_note, client_participated, client_wishes, homeless_duration, "
	    "current_situation, needs, sent_at, last_step_at, meeting_date, meeting_held_date, outcome_reason, final_answer, "
	    "created_at, created_by, updated_at, updated_by) "
	    "VALUES(?, ?, ?, 1, 1, 1, 1, 1, 1, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
	static const char ins_step[] = "INSERT INTO referral_steps(referral_id, at, by, action, from_state, to_state, date, note) "
	    "VALUES(?, ?, ?, ?, ?, ?, ?, ?)";
	static const char ins_dec[] =
	    "INSERT INTO decisions(person_id, referral_id, district_id, decision_date, start_date, end_date, review_clause, "
	    "support_kind, provider, support_effective_date, decided_by, created_at, created_by, updated_at, updated_by) "
	    "VALUES(?, ?, ?, ?, ?, ?, 'Besluten fattas för 18 månader med omprövningsförbehåll.', ?, ?, ?, ?, ?, ?, ?, ?)";
	static const char ins_cm[] = "INSERT INTO person_case_managers(person_id, user_id, started_at, started_by) VALUES(?, ?, ?, ?)";
	long long now = now_unix();
	long long soc[2] = { demo_user_id("soc1"), demo_user_id("soc2") };
	long long cm[2] = { demo_user_id("cm1"), demo_user_id("cm2") };
	long long chef = demo_user_id("chef1");
	long long districts[2] = { district_id_by_name("Centrum"), district_id_by_name("Hisingen") };
	int decided_seen = 0;
	for (int i = 0; i < 30; i++) {
		int d = i % 2;
		char pnr[14], birth[11];
		demo_pnr(i, pnr);
		snprintf(birth, sizeof birth, "%.4s-%.2s-%.2s", pnr, pnr + 4, pnr + 6);
		const char *sex = ((pnr[11] - '0') % 2) ? "M" : "K";
		long long created = now - (long long)(200 - i * 5) * 86400;
		dbstmt *st = db_stmt(ins_person);
		if (!st)
			return -1;
		db_bindf(st, "ttttttiiiii", pnr, birth, sex, first_names[i], last_names[i], "070-123 45 67",
		    districts[d], created, soc[d], created, soc[d]);
		if (db_write(st, NULL) != DB_DONE)
			return -1;
		long long pid = db_last_id();

		int pi = i % (int)NPATHS;
		const char *state = paths[pi].state;
		int nsteps = 0;
		while (paths[pi].path[nsteps])
			nsteps++;
		long long step_gap = 6 * 86400;
		/* decision pairs started long ago (due soon, or reviewed) had their
		 * referral long ago too: the waiting times stay real */
		int months_ago = 0;
		if (!strcmp(state, "decided"))
			months_ago = decided_seen == 0 ? 17 : decided_seen == 1 ? 19 : 0;
		long long t0 = now - (long long)months_ago * 30 * 86400 - (long long)(nsteps + 1) * step_gap -
		    (long long)(i % 7) * 86400;
		long long last = nsteps ? t0 + (long long)nsteps * step_gap : t0;
		char meeting[11] = "", held[11] = "";
		date_of(t0 + 3 * step_gap, meeting);
		int has_meeting = nsteps >= 3 && strcmp(paths[pi].path[2], "book_meeting") == 0;
		int has_held = nsteps >= 4 && strcmp(paths[pi].path[3], "hold_meeting") == 0;
		if (has_held)
			memcpy(held, meeting, sizeof held);
		const char *reason = !strcmp(state, "rejected") ? "Ingen lägenhet finns i önskat område just nu." :
		    !strcmp(state, "not_approved") ? "Behoven kräver heldygnsinsats." :
		    !strcmp(state, "withdrawn") ? "Brukaren har ordnat eget boende." : "";
		const char *final = !strcmp(state, "not_approved") ? "cannot" :
		    (!strcmp(state, "approved") || !strcmp(state, "decided")) ? "alone" : NULL;
		st = db_stmt(ins_ref);
		if (!st)
			return -1;
		db_bindf(st, "iitttttt", pid, districts[d], state, "Hemlös sedan flera år, sover på härbärge.",
		    "Jag vill ha en egen lägenhet nära mina barn och slippa härbärget.", "Cirka 6 år",
		    "Bor på härbärge, har kontakt med beroendemottagningen.", "Stöd med ekonomi och kontakt med hyresvärd.");
		if (nsteps)
			db_bind_int64(st, 9, t0 + step_gap);
		else
			db_bind_null(st, 9);
		db_bind_int64(st, 10, last);
		db_bind_text_or_null(st, 11, has_meeting ? meeting : NULL);
		db_bind_text_or_null(st, 12, has_held ? held : NULL);
		db_bind_text(st, 13, reason, -1);
		db_bind_text_or_null(st, 14, final);
		db_bind_int64(st, 15, t0);
		db_bind_int64(st, 16, soc[d]);
		db_bind_int64(st, 17, last);
		db_bind_int64(st, 18, soc[d]);
		if (db_write(st, NULL) != DB_DONE)
			return -1;
		long long rid = db_last_id();

		const char *from = "draft";
		if (db_execf(ins_step, "iiitttet", rid, t0, soc[d], "create", "draft", "draft", NULL, "") < 0)
			return -1;
		for (int k = 0; k < nsteps; k++) {
			const char *action = paths[pi].path[k], *to;
			const struct ref_action *a = ref_action_find(action);
			to = a->to;
			long long who = (a->roles & ROLE_SOC) ? soc[d] : cm[d];
			const char *date = !strcmp(action, "book_meeting") || !strcmp(action, "hold_meeting") ? meeting : NULL;
			if (db_execf(ins_step, "iiitttet", rid, t0 + (long long)(k + 1) * step_gap, who, action, from, to,
			    date, a->needs_reason ? reason : "") < 0)
				return -1;
			from = to;
		}
		if (strcmp(state, "decided") != 0)
			continue;
		/* decision pairs: started long ago (due soon), recently, one reviewed */
		decided_seen++;
		char start[11], end[11], ddate[11], eff[11];
		date_of(last, ddate);
		memcpy(start, ddate, sizeof start);	/* decided the day of the last step */
		date_add_months(start, 18, end);
		date_add_days(start, 14, eff);
		char today[11];
		date_today(today);
		if (strcmp(eff, today) > 0)	/* verkställd is registered when it has happened */
			memcpy(eff, today, sizeof eff);
		if (db_execf(ins_dec, "iiittttteiiiii", pid, rid, districts[d], start, start, end,
		    decided_seen % 2 ? "internal" : "external", decided_seen % 2 ? "Bostad först SRF" : "Stiftelsen Hemstöd",
		    decided_seen == 3 ? NULL : eff, soc[d], last, soc[d], last, soc[d]) < 0)
			return -1;
		long long did = db_last_id();
		if (decided_seen == 2) {
			/* reviewed: a new pair replaces the old one */
			char s2[11], e2[11];
			date_add_months(start, 18, s2);
			date_add_months(s2, 18, e2);
			if (db_execf(ins_dec, "iiittttteiiiii", pid, rid, districts[d], s2, s2, e2, "internal",
			    "Bostad först SRF", s2, soc[d], last, soc[d], last, soc[d]) < 0)
				return -1;
			long long nid = db_last_id();
			if (db_execf("UPDATE decisions SET replaced_by_id = ?, replaced_at = ? WHERE id = ?", "iii", nid, last, did) < 0 ||
			    db_execf("UPDATE decisions SET replaces_id = ? WHERE id = ?", "ii", did, nid) < 0)
				return -1;
		}
		if (db_execf(ins_cm, "iiii", pid, cm[d], last, chef) < 0)
			return -1;
	}
	return 0;
}

/* Apartments spread in the ordinary stock, 1-2 rooms. */
static int demo_apartments(void)
{
	static const char sql[] =
	    "INSERT INTO apartments(address, district_id, rooms, area_m2, rent, housing_company, contract_number, status, "
	    "created_at, updated_at) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
	static const struct { const char *address, *district; int rooms, area, rent; const char *company, *status; } apts[] = {
		{ "Storgatan 12, lgh 1102", "Centrum", 1, 34, 5200, "Bostadsbolaget", "available" },
		{ "Kungsgatan 5, lgh 1401", "Centrum", 2, 52, 7100, "Familjebostäder", "available" },
		{ "Vasagatan 40, lgh 1201", "Centrum", 1, 29, 4800, "Bostadsbolaget", "blocked" },
		{ "Kvillegatan 3, lgh 1003", "Hisingen", 1, 31, 4900, "Poseidon", "available" },
		{ "Wieselgrensplatsen 8, lgh 1302", "Hisingen", 2, 55, 6900, "Poseidon", "available" },
		{ "Hjalmar Brantingsgatan 21, lgh 1101", "Hisingen", 1, 36, 5300, "Bostadsbolaget", "available" },
	};
	long long now = now_unix();
	for (size_t i = 0; i < sizeof apts / sizeof apts[0]; i++) {
		char contract[32];
		snprintf(contract, sizeof contract, "FK-%04zu", 1001 + i);
		if (db_execf(sql, "tiiiitttii", apts[i].address, district_id_by_name(apts[i].district), (long long)apts[i].rooms,
		    (long long)apts[i].area, (long long)apts[i].rent, apts[i].company, contract, apts[i].status, now, now) < 0)
			return -1;
	}
	return 0;
}

int demo_seed(void)
{
	long long users = user_count();
	if (users < 0)
		return -1;
	int demo = is_demo_db();
	if (demo < 0)
		return -1;
	if (users > 0)
		return demo ? 0 : -2;

	char *hash = auth_hash_password(DEMO_PASSWORD);
	if (!hash)
		return -1;
	if (db_begin() < 0) {
		free(hash);
		return -1;
	}
	const char *districts[] = { "Centrum", "Hisingen" };
	for (size_t i = 0; i < 2; i++)
		if (district_insert(districts[i], 0) < 0)
			goto fail;
	for (size_t i = 0; i < sizeof demo_users / sizeof demo_users[0]; i++) {
		long long did = demo_users[i].district ? district_id_by_name(demo_users[i].district) : 0;
		long long id;
		if (did < 0 || user_insert(demo_users[i].username, demo_users[i].name, demo_users[i].role,
		    did, hash, 0, &id) < 0 || audit_log(0, "create", "user", id, 0) < 0)
			goto fail;
	}
	if (demo_cases() < 0 || demo_apartments() < 0 || demo_living() < 0 || personkod_backfill() < 0 ||
	    decisions_backfill_effective() < 0)
		goto fail;
	dbstmt *mark = db_prepare("INSERT INTO secrets(name, value) VALUES('demo', ?)");
	if (!mark)
		goto fail;
	db_bind_blob(mark, 1, "\1", 1);
	int marked = db_step(mark) == DB_DONE;
	db_finalize(mark);
	if (!marked || db_commit() < 0)
		goto fail;
	free(hash);
	return 1;
fail:
	db_rollback();
	free(hash);
	return -1;
}

void demo_print_logins(void)
{
	printf("Demo logins (password: %s):\n", DEMO_PASSWORD);
	for (size_t i = 0; i < sizeof demo_users / sizeof demo_users[0]; i++)
		printf("  %-7s %s%s%s\n", demo_users[i].username, role_label(demo_users[i].role),
		    demo_users[i].district ? ", " : "", demo_users[i].district ? demo_users[i].district : "");
	fflush(stdout);
}

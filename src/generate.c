/* generate.c - `bostadforst demo --db PATH --persons N`: a realistic mix
 * of N fictive persons for benchmarks (the demo users come first, so the
 * same logins work): referrals in every state, decision pairs, tenancies
 * (about 70 % ongoing, some taken over, some second chances), weekly
 * visits, monthly checklists, incidents, districts and users in
 * proportion. Deterministic (a fixed pseudo-random sequence); one
 * transaction per batch of persons, every statement prepared once. */
#include "generate.h"
#include "auth.h"
#include "date.h"
#include "db.h"
#include "demo.h"
#include "util.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BATCH 5000

static unsigned long long rng = 0x9E3779B97F4A7C15ULL;

/* Returns a pseudo-random number in [0, n). */
static long long rnd(long long n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (long long)(rng % (unsigned long long)n);
}

enum { P_PERSON, P_REFERRAL, P_STEP, P_DECISION, P_PCM, P_APARTMENT, P_TENANCY, P_VISIT, P_CHECKLIST, P_INCIDENT, P_USER, NSTMT };

static const char *const sqls[NSTMT] = {
	"INSERT INTO persons(personnummer, birth_date, sex, first_name, last_name, district_id, created_at, updated_at) "
	"VALUES(?, ?, ?, ?, ?, ?, ?, ?)",
	"INSERT INTO referrals(person_id, district_id, state, crit_known, crit_far, crit_health, crit_wants, crit_no_violence, "
	"crit_no_risk, client_participated, client_wishes, sent_at, last_step_at, created_at, updated_at) "
	"VALUES(?, ?, ?, 1, 1, 1, 1, 1, 1, 1, 'Jag vill ha en egen lägenhet.', ?, ?, ?, ?)",
	"INSERT INTO referral_steps(referral_id, at, action, from_state, to_state) VALUES(?, ?, ?, ?, ?)",
	"INSERT INTO decisions(person_id, referral_id, district_id, decision_date, start_date, end_date, review_clause, "
	"support_kind, support_effective_date, created_at, updated_at) VALUES(?, ?, ?, ?, ?, ?, 'Omprövningsförbehåll.', "
	"'internal', ?, ?, ?)",
	"INSERT INTO person_case_managers(person_id, user_id, started_at) VALUES(?, ?, ?)",
	"INSERT INTO apartments(address, district_id, rooms, area_m2, rent, status, created_at, updated_at) "
	"VALUES(?, ?, ?, ?, ?, ?, ?, ?)",
	"INSERT INTO tenancies(person_id, apartment_id, move_in_date, ordinal, takeover_date, end_date, end_reason, "
	"created_at, updated_at) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?)",
	"INSERT INTO visits(person_id, date, kind, met, note, created_at, created_by) VALUES(?, ?, ?, ?, ?, ?, ?)",
	"INSERT INTO checklists(tenancy_id, month, state, items, sent_at, review_date, created_at, updated_at) "
	"VALUES(?, ?, ?, ?, ?, ?, ?, ?)",
	"INSERT INTO incidents(tenancy_id, kind, date, landlord_text, resolved_date, created_at, updated_at) "
	"VALUES(?, ?, ?, 'Klagomål från grannar.', ?, ?, ?)",
	"INSERT INTO users(username, name, role, district_id, password_hash, created_at, updated_at) VALUES(?, ?, ?, ?, ?, ?, ?)",
};

static dbstmt *stmt[NSTMT];

/* Binds fmt's values to statement k, steps it; returns the new row id or -1. */
static long long put(int k, const char *fmt, ...)
{
	dbstmt *st = stmt[k];
	db_done(st);
	va_list ap;
	va_start(ap, fmt);
	db_vbindf(st, fmt, ap);
	va_end(ap);
	if (db_step(st) != DB_DONE) {
		fprintf(stderr, "generate: %s\n", db_errmsg());
		return -1;
	}
	return db_last_id();
}

/* A valid, unique personnummer for generated person i. */
static void pnr_for(long long i, char out[14])
{
	char date[11], ten[11];
	date_add_days("1945-01-01", (int)(i % 20000), date);
	unsigned serial = (unsigned)(i / 20000) % 1000u;
	snprintf(ten, sizeof ten, "%.2s%.2s%.2s%03u", date + 2, date + 5, date + 8, serial);
	int sum = 0;
	for (int k = 0; k < 9; k++) {
		int v = (ten[k] - '0') * (k % 2 == 0 ? 2 : 1);
		sum += v > 9 ? v - 9 : v;
	}
	snprintf(out, 14, "%.4s%.2s%.2s-%03u%d", date, date + 5, date + 8, serial, (10 - sum % 10) % 10);
}

static const char *const firsts[] = { "Anna", "Erik", "Maria", "Lars", "Karin", "Johan", "Sara", "Ali", "Eva", "Mats",
	"Lena", "Omar", "Ida", "Per", "Åsa", "Nils" };
static const char *const lasts[] = { "Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson",
	"Persson", "Svensson", "Gustafsson", "Pettersson", "Jonsson", "Jansson", "Hansson", "Öberg", "Åkesson" };
static const char *const states[] = { "draft", "sent", "preliminary_positive", "meeting_booked", "meeting_held", "accepted",
	"approved", "rejected", "declined", "not_approved", "withdrawn" };
static const char *const reasons[] = { "evicted", "wanted", "other", "deceased" };

int generate_persons(long long n)
{
	char today[11];
	date_today(today);
	long long now = now_unix();
	for (int k = 0; k < NSTMT; k++)
		if (!(stmt[k] = db_prepare(sqls[k]))) {
			fprintf(stderr, "generate: %s\n", db_errmsg());
			return -1;
		}
	char *hash = auth_hash_password(DEMO_PASSWORD);
	if (!hash)
		return -1;
	int rc = -1;
	long long ndist = n / 20000 < 2 ? 2 : n / 20000 > 50 ? 50 : n / 20000;
	long long *districts = xcalloc((size_t)ndist, sizeof *districts);
	long long ncm = n / 25 < 2 ? 2 : n / 25;
	long long *cms = xcalloc((size_t)ncm, sizeof *cms);
	char items[2048];
	{
		/* the checklist items as a checklist stores them */
		dbstmt *st = db_prepare("SELECT json_group_array(json_object('label', label, 'status', 'ok', 'comment', '')) "
		    "FROM config_items WHERE list = 'checklist_item' AND active = 1");
		snprintf(items, sizeof items, "%s", st && db_step(st) == DB_ROW ? db_col_str(st, 0) : "[]");
		db_finalize(st);
	}
	if (db_begin() < 0)
		goto out;
	districts[0] = 1, districts[1] = 2;	/* Centrum and Hisingen from the demo */
	for (long long d = 2; d < ndist; d++) {
		char name[32];
		snprintf(name, sizeof name, "Stadsdel %lld", d + 1);
		if (db_execf("INSERT INTO districts(name, created_at, updated_at) VALUES(?, ?, ?)", "tii", name, now, now) < 0)
			goto out;
		districts[d] = db_last_id();
	}
	cms[0] = demo_user_id("cm1");
	cms[1] = demo_user_id("cm2");
	for (long long u = 2; u < ncm; u++) {
		char name[32];
		snprintf(name, sizeof name, "gen-cm-%lld", u);
		if ((cms[u] = put(P_USER, "tttutii", name, name, "case_manager", 0LL, hash, now, now)) < 0)
			goto out;
	}
	for (long long d = 2; d < ndist; d++) {
		char name[32];
		snprintf(name, sizeof name, "gen-soc-%lld", d);
		if (put(P_USER, "tttitii", name, name, "socialsekreterare", districts[d], hash, now, now) < 0)
			goto out;
	}
	for (long long i = 0; i < n; i++) {
		if (i && i % BATCH == 0 && (db_commit() < 0 || db_begin() < 0))
			goto out;
		long long d = districts[rnd(ndist)];
		char pnr[14], birth[11];
		pnr_for(i + 1000, pnr);
		snprintf(birth, sizeof birth, "%.4s-%.2s-%.2s", pnr, pnr + 4, pnr + 6);
		long long pid = put(P_PERSON, "tttttiii", pnr, birth, (pnr[11] - '0') % 2 ? "M" : "K", firsts[rnd(16)],
		    lasts[rnd(16)], d, now, now);
		if (pid < 0)
			goto out;
		/* 60 % decided, the rest spread over the other states */
		int decided = rnd(10) < 6;
		const char *state = decided ? "decided" : states[rnd(11)];
		long long age_days = 30 + rnd(1500);
		long long t0 = now - age_days * 86400;
		long long rid = put(P_REFERRAL, "iitiiii", pid, d, state, t0 + 86400, t0 + 20 * 86400, t0, t0);
		if (rid < 0 || put(P_STEP, "iittt", rid, t0, "create", "draft", "draft") < 0 ||
		    (strcmp(state, "draft") && put(P_STEP, "iittt", rid, t0 + 86400, "send", "draft", "sent") < 0))
			goto out;
		if (!decided)
			continue;
		char start[11], end[11];
		date_of(t0 + 40 * 86400, start);
		date_add_months(start, 18, end);
		if (strcmp(end, today) < 0)	/* reviewed: keep one pair in force */
			date_add_months(today, -(int)rnd(12), start), date_add_months(start, 18, end);
		if (put(P_DECISION, "iiittttii", pid, rid, d, start, start, end, start, now, now) < 0 ||
		    put(P_PCM, "iii", pid, i < 60 ? cms[0] : cms[rnd(ncm)], now) < 0)
			goto out;
		if (rnd(100) >= 78)
			continue;	/* waiting for an apartment */
		char move_in[11];
		date_add_days(today, -(int)(20 + rnd(age_days > 60 ? age_days - 40 : 20)), move_in);
		int ended = rnd(100) < 25;
		char endd[11] = "", takeover[11] = "";
		const char *reason = NULL;
		if (ended) {
			date_add_days(move_in, (int)(30 + rnd(400)), endd);
			if (strcmp(endd, today) > 0)
				memcpy(endd, today, sizeof endd);
			reason = reasons[rnd(4)];
		} else if (rnd(100) < 25) {
			date_add_months(move_in, 9, takeover);
			if (strcmp(takeover, today) > 0)
				takeover[0] = '\0';
		}
		char address[48];
		snprintf(address, sizeof address, "Genererad gata %lld, lgh %lld", i % 997, 1000 + i % 9000);
		long long apt = put(P_APARTMENT, "tiiiitii", address, d, 1 + rnd(2), 25 + rnd(40), 4000 + rnd(4000),
		    ended ? "available" : "let", now, now);
		long long tid = apt < 0 ? -1 : put(P_TENANCY, "iitieeeii", pid, apt, move_in, 1LL, takeover, endd,
		    reason, now, now);
		if (tid < 0)
			goto out;
		if (ended && rnd(100) < 20 && strcmp(reason, "deceased")) {
			/* a second chance */
			char again[11];
			date_add_days(endd, (int)(30 + rnd(120)), again);
			if (strcmp(again, today) <= 0) {
				long long apt2 = put(P_APARTMENT, "tiiiitii", address, d, 1LL, 30LL, 5000LL, "let", now, now);
				if (apt2 < 0 || (tid = put(P_TENANCY, "iitieeeii", pid, apt2, again, 2LL, "", "", NULL, now, now)) < 0)
					goto out;
				ended = 0;
			}
		}
		if (ended)
			continue;
		/* the last eight weeks of home visits, two monthly checklists */
		for (int w = 0; w < 8; w++) {
			char vd[11];
			date_add_days(today, -(int)(w * 7 + rnd(5)), vd);
			if (strcmp(vd, move_in) >= 0 && rnd(10) < 9 &&
			    put(P_VISIT, "ittitii", pid, vd, "home", 1LL, "Hembesök, allt lugnt.", now, cms[0]) < 0)
				goto out;
		}
		for (int m = 1; m <= 2; m++) {
			char first[11], mon[8];
			snprintf(first, sizeof first, "%.7s-01", today);
			date_add_months(first, -m, first);
			snprintf(mon, sizeof mon, "%.7s", first);
			if (strcmp(first, move_in) < 0)
				continue;
			int r = (int)rnd(10);
			const char *cs = r < 6 ? "reviewed" : r < 8 ? "sent" : "draft";
			if (put(P_CHECKLIST, "itttueii", tid, mon, cs, items, strcmp(cs, "draft") ? now : 0LL,
			    !strcmp(cs, "reviewed") ? today : "", now, now) < 0)
				goto out;
		}
		if (rnd(100) < 5 && put(P_INCIDENT, "itteii", tid, rnd(2) ? "disturbance" : "rent_arrears", today,
		    rnd(2) ? today : "", now, now) < 0)
			goto out;
	}
	if (db_commit() < 0)
		goto out;
	rc = 0;
out:
	if (rc < 0)
		db_rollback();
	for (int k = 0; k < NSTMT; k++)
		db_finalize(stmt[k]);
	free(districts);
	free(cms);
	free(hash);
	return rc;
}

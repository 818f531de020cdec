/* demo_living.c - the demo's second half: sixteen fictive participants in
 * their apartments, each a scenario the pages must show (taken over,
 * evicted and given a second chance, deceased, moved out with support
 * continuing, ready or not ready for takeover, waiting for an apartment),
 * with plans, a year of weekly visits, monthly checklists and incidents.
 * Every date is relative to today, so the demo never goes stale. */
#include "checklist.h"
#include "date.h"
#include "db.h"
#include "demo.h"
#include "district.h"
#include "util.h"

#include <stdio.h>
#include <string.h>

#define FIRST_INDEX 30	/* after the referral demo's persons */

static const struct scenario {
	const char *first, *last;
	int moved_in;		/* months ago; 0 = waiting for an apartment */
	int taken_over;		/* months ago, 0 = not */
	int ended;		/* months ago, 0 = ongoing */
	const char *end_reason;
	int second_chance;	/* months ago the new tenancy began, 0 = none */
} scenarios[] = {
	{ "Alva", "Lundgren", 36, 24, 0, NULL, 0 },
	{ "Bertil", "Sjöberg", 26, 0, 14, "evicted", 10 },
	{ "Carina", "Hedlund", 20, 0, 5, "deceased", 0 },
	{ "Dennis", "Falk", 18, 0, 2, "wanted", 0 },
	{ "Emma", "Nyström", 11, 0, 0, NULL, 0 },
	{ "Filip", "Engström", 10, 0, 0, NULL, 0 },
	{ "Greta", "Lindqvist", 14, 0, 0, NULL, 0 },
	{ "Henrik", "Blom", 4, 0, 0, NULL, 0 },
	{ "Ida", "Sandberg", 2, 0, 0, NULL, 0 },
	{ "Jonas", "Strand", 30, 18, 3, "other", 0 },
	{ "Klara", "Hellström", 6, 0, 0, NULL, 0 },
	{ "Leif", "Mattsson", 8, 0, 0, NULL, 0 },
	{ "Mona", "Sundberg", 15, 0, 0, NULL, 0 },
	{ "Nadia", "Hosseini", 24, 13, 0, NULL, 0 },
	{ "Oskar", "Wikström", 0, 0, 0, NULL, 0 },
	{ "Petra", "Bergqvist", 0, 0, 0, NULL, 0 },
};
#define NSCENARIOS (int)(sizeof scenarios / sizeof scenarios[0])

static const char *const streets[] = { "Linnégatan", "Övre Husargatan", "Kastellgatan", "Redbergsvägen",
	"Slottsskogsgatan", "Lindholmsallén", "Vågmästaregatan", "Backavägen", "Eketrägatan", "Tuvevägen",
	"Marieholmsgatan", "Friskväderstorget", "Sockerbruket", "Ramberget", "Bräckegatan", "Kärralundsgatan",
	"Mölndalsvägen" };

struct ctx {
	char today[11];
	long long now, soc[2], cm[2], chef, fast, districts[2];
};

/* Unix time of the noon of date d (local), for created_at stamps. */
static long long noon_of(const char *d)
{
	long long days = date_diff_days("1970-01-01", d);
	return days * 86400 + 12 * 3600;
}

static long long insert_apartment(const struct ctx *c, int k, int d, const char *status)
{
	static const char sql[] = "INSERT INTO apartments(address, district_id, rooms, area_m2, rent, housing_company, "
	    "contract_number, status, created_at, created_by, updated_at, updated_by) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
	char address[80], contract[16];
	snprintf(address, sizeof address, "%s %d, lgh %d", streets[k % 17], 3 + k * 2, 1101 + k * 10);
	snprintf(contract, sizeof contract, "FK-%04d", 2001 + k);
	if (db_execf(sql, "tiiiitttiiii", address, c->districts[d], (long long)(1 + k % 2), (long long)(28 + k * 2),
	    (long long)(4700 + k * 150), k % 2 ? "Poseidon" : "Bostadsbolaget", contract, status, c->now, c->fast, c->now, c->fast) < 0)
		return -1;
	return db_last_id();
}

/* One tenancy; returns its id or -1. */
static long long insert_tenancy(const struct ctx *c, long long pid, long long apt, const char *move_in, int ordinal,
    const char *takeover, const char *end, const char *reason)
{
	static const char sql[] = "INSERT INTO tenancies(person_id, apartment_id, move_in_date, ordinal, takeover_date, end_date, "
	    "end_reason, end_note, created_at, created_by, updated_at, updated_by) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
	long long at = noon_of(move_in);
	if (db_execf(sql, "iitieeetiiii", pid, apt, move_in, (long long)ordinal, takeover, end, reason,
	    reason && !strcmp(reason, "other") ? "Flyttade till sin sambo i en annan kommun." : "",
	    at, c->fast, end ? noon_of(end) : at, c->fast) < 0)
		return -1;
	return db_last_id();
}

/* Weekly home visits from 'from' to 'to' (at most a year), some phone
 * calls, a missed visit; skip_this_week leaves the current week empty. */
static int insert_visits(const struct ctx *c, long long pid, long long cm, const char *from, const char *to, int skip_this_week)
{
	static const char sql[] = "INSERT INTO visits(person_id, date, kind, met, note, corrects_id, created_at, created_by) "
	    "VALUES(?, ?, ?, ?, ?, ?, ?, ?)";
	static const char *const notes[] = {
		"Hembesök. Vi gick igenom posten tillsammans och pratade om veckan.",
		"Hembesök. Hyresgästen visade att diskhon är lagad. Vi handlade tillsammans.",
		"Hembesök. Pratade om kontakten med familjen och planerade nästa vecka.",
		"Hembesök. Lugnt, lägenheten i gott skick. Hyran betald.",
	};
	char start[11], d[11];
	date_add_days(to, -364, start);
	if (strcmp(start, from) < 0)
		memcpy(start, from, sizeof start);
	long long week = 0, last_id = 0;
	char monday[11];
	long long dow = (date_diff_days("2024-01-01", c->today) % 7 + 7) % 7;	/* 2024-01-01 was a Monday */
	date_add_days(c->today, -(int)dow, monday);
	for (memcpy(d, start, sizeof d); strcmp(d, to) <= 0; date_add_days(d, 7, d), week++) {
		if (skip_this_week && strcmp(d, monday) >= 0)
			break;
		int missed = week % 9 == 4;
		if (db_execf(sql, "ittitnii", pid, d, "home", (long long)!missed,
		    missed ? "Ingen öppnade. Lämnade lapp och ringde senare samma dag." : notes[week % 4], noon_of(d) + 3600, cm) < 0)
			return -1;
		last_id = db_last_id();
		if (week % 4 == 2) {
			char call[11];
			date_add_days(d, 2, call);
			if (strcmp(call, c->today) <= 0 && db_execf(sql, "ittitnii", pid, call, "phone", 1LL,
			    "Telefonsamtal om ett brev från Försäkringskassan.", noon_of(call), cm) < 0)
				return -1;
		}
	}
	/* one correction: the last visit's note said the wrong thing */
	if (last_id && db_execf("INSERT INTO visits(person_id, date, kind, met, note, corrects_id, created_at, created_by) "
	    "SELECT person_id, date, kind, met, 'Rättelse: hyran för månaden var inte betald; vi kontaktade hyresvärden.', id, "
	    "created_at + 7200, created_by FROM visits WHERE id = ?", "i", last_id) < 0)
		return -1;
	return 0;
}

/* Monthly checklists from the move-in month to the due month, or to the
 * end month of an ended tenancy (end, else NULL): only months it covers.
 * variant picks what the newest ones look like: 0 all done, 1 the overdue
 * month missing, 2 the overdue month waiting for review. */
static int insert_checklists(const struct ctx *c, long long tid, long long cm, const char *move_in, const char *end,
    int variant)
{
	static const char sql[] =
	    "INSERT INTO checklists(tenancy_id, month, state, items, done_date, agreed_actions, participant_comment, sent_at, "
	    "sent_by, review_date, review_comment, reviewed_at, reviewed_by, created_at, created_by, updated_at, updated_by) "
	    "SELECT ?1, ?2, ?3, json_group_array(json_object('label', label, 'status', "
	    " CASE WHEN ?4 = 1 AND position = 7 THEN 'action' ELSE 'ok' END, 'comment', "
	    " CASE WHEN ?4 = 1 AND position = 7 THEN 'Soporna behöver bäras ut oftare.' ELSE '' END)), "
	    "?5, CASE WHEN ?4 = 1 THEN 'Vi bär ut soporna tillsammans vid varje hembesök.' ELSE '' END, "
	    "'Det känns bra att ha en egen lägenhet.', nullif(?6, 0), CASE WHEN ?6 <> 0 THEN ?7 END, ?8, ?9, nullif(?10, 0), "
	    "nullif(?11, 0), ?12, ?7, ?12, ?7 "
	    "FROM (SELECT label, position FROM config_items WHERE list = 'checklist_item' AND active = 1 ORDER BY position, id) AS items";
	char due[8], late[8], first[11], start[11];
	checklist_months(c->today, due, late);
	date_add_days(c->today, -365, start);
	snprintf(first, sizeof first, "%.7s-01", strcmp(move_in, start) > 0 ? move_in : start);
	for (int n = 0; n < 14; n++) {
		char m1[11], month[8];
		date_add_months(first, n, m1);
		snprintf(month, sizeof month, "%.7s", m1);
		if (strcmp(month, due) > 0 || !checklist_month_covered(month, move_in, end))
			break;
		int is_late = !strcmp(month, late), is_due = !strcmp(month, due);
		if ((is_late && variant == 1) || (is_due && variant != 0))
			continue;
		const char *state = is_due ? "draft" : is_late && variant == 2 ? "sent" : "reviewed";
		char done[11], review[11];
		date_add_months(m1, 1, done);
		done[8] = '0', done[9] = '5';
		if (is_due)
			memcpy(done, c->today, sizeof done);
		date_add_days(done, 3, review);
		int sent = strcmp(state, "draft") != 0, reviewed = !strcmp(state, "reviewed");
		if (db_execf(sql, "ittitiietiii", tid, month, state, (long long)(n % 3 == 1), done,
		    sent ? noon_of(done) : 0, cm, reviewed ? review : NULL,
		    reviewed ? (n % 2 ? "Granskad. Tack för genomgången." : "") : "",
		    reviewed ? noon_of(review) : 0, reviewed ? c->fast : 0, noon_of(done)) < 0)
			return -1;
	}
	return 0;
}

/* A plan with one or two versions, the latest agreed. */
static int insert_plan(const struct ctx *c, long long pid, long long cm, int k, const char *since)
{
	static const char plan_sql[] = "INSERT INTO plans(person_id, current_version, next_follow_up, created_at, created_by, "
	    "updated_at, updated_by) VALUES(?, ?, ?, ?, ?, ?, ?)";
	static const char ver_sql[] = "INSERT INTO plan_versions(plan_id, version_no, areas, follow_up_dates, agreed_date, "
	    "agreed_how, created_at, created_by) VALUES(?, ?, ?, ?, ?, ?, ?, ?)";
	static const char *const areas[2] = {
		"[{\"area\":\"Boende\",\"goal\":\"Jag vill bo kvar och sköta min lägenhet.\",\"strengths\":\"Jag är noga med hyran.\","
		"\"needs\":\"Påminnelser om tvättider.\",\"what\":\"Gå igenom posten varje vecka\",\"how\":\"Tillsammans vid hembesöket\","
		"\"when\":\"Varje vecka\",\"who\":\"Deltagaren och case manager\"},"
		"{\"area\":\"Ekonomi\",\"goal\":\"Jag vill ha koll på mina räkningar.\",\"strengths\":\"\",\"needs\":\"Hjälp med budget\","
		"\"what\":\"Budget för månaden\",\"how\":\"Med budget- och skuldrådgivningen\",\"when\":\"Inom två månader\",\"who\":\"Case manager bokar\"}]",
		"[{\"area\":\"Boende\",\"goal\":\"Jag vill bo kvar och sköta min lägenhet.\",\"strengths\":\"Jag är noga med hyran.\","
		"\"needs\":\"Påminnelser om tvättider.\",\"what\":\"Gå igenom posten varje vecka\",\"how\":\"Tillsammans vid hembesöket\","
		"\"when\":\"Varje vecka\",\"who\":\"Deltagaren och case manager\"},"
		"{\"area\":\"Ekonomi\",\"goal\":\"Jag vill ha koll på mina räkningar och börja betala av min skuld.\",\"strengths\":\"Har gjort en budget.\","
		"\"needs\":\"Avbetalningsplan\",\"what\":\"Kontakta Kronofogden\",\"how\":\"Ringa tillsammans\",\"when\":\"I maj\",\"who\":\"Deltagaren ringer, case manager stöttar\"},"
		"{\"area\":\"Sysselsättning\",\"goal\":\"Jag vill prova att jobba några timmar i veckan.\",\"strengths\":\"Tycker om att laga mat.\","
		"\"needs\":\"\",\"what\":\"Besöka ett socialt företag\",\"how\":\"\",\"when\":\"Nästa månad\",\"who\":\"Case manager\"}]",
	};
	int versions = 1 + k % 2;
	char follow[11], agreed[11], dates[40];
	date_add_days(c->today, k * 5 - 20, follow);
	date_add_days(since, 30, agreed);
	snprintf(dates, sizeof dates, "%s", follow);
	long long at = noon_of(agreed);
	if (db_execf(plan_sql, "iitiiii", pid, (long long)versions, follow, at, cm, at, cm) < 0)
		return -1;
	long long plan_id = db_last_id();
	for (int v = 1; v <= versions; v++) {
		char vdate[11];
		date_add_days(agreed, (v - 1) * 120, vdate);
		if (strcmp(vdate, c->today) > 0)
			memcpy(vdate, c->today, sizeof vdate);
		if (db_execf(ver_sql, "iittttii", plan_id, (long long)v, areas[v - 1], dates, vdate,
		    "Muntligt vid hembesök, med underskrift", noon_of(vdate), cm) < 0)
			return -1;
	}
	return 0;
}

static int insert_incident(const struct ctx *c, long long tid, const char *kind, const char *date, const char *resolved,
    int housing, const char *text, const char *internal)
{
	static const char sql[] = "INSERT INTO incidents(tenancy_id, kind, date, reported_by, housing_related, landlord_text, "
	    "action_taken, internal_note, resolved_date, created_at, created_by, updated_at, updated_by) "
	    "VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
	return db_execf(sql, "itttittteiiii", tid, kind, date, housing ? "Hyresvärden" : "Case manager", (long long)housing,
	    text, resolved ? "Samtal med hyresgästen; uppföljning vid hembesök." : "", internal, resolved,
	    noon_of(date), c->fast, noon_of(date), c->fast);
}

/* Ends person_id's current decisions on the day they died (reason
 * avliden), as the social worker would. Does nothing on a schema before
 * migration 0013 (no ended_on; a test database made with an older
 * schema). Returns 0 or -1. */
static int end_on_death(long long person_id, const char *died, long long by)
{
	static const char sql[] = "UPDATE decisions SET ended_on = ?, end_reason = 'deceased', ended_at = ?, ended_by = ? "
	    "WHERE person_id = ? AND replaced_by_id IS NULL AND ended_on IS NULL AND end_date >= ?1";
	int n = db_has_column("decisions", "ended_on");
	if (n <= 0)
		return n < 0 ? -1 : 0;
	return db_execf(sql, "tiii", died, noon_of(died), by, person_id);
}

int demo_living(void)
{
	static const char ins_person[] =
	    "INSERT INTO persons(personnummer, birth_date, sex, first_name, last_name, phone, district_id, "
	    "created_at, created_by, updated_at, updated_by) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
	static const char ins_dec[] =
	    "INSERT INTO decisions(person_id, district_id, decision_date, start_date, end_date, review_clause, "
	    "support_kind, provider, support_effective_date, decided_by, created_at, created_by, updated_at, updated_by) "
	    "VALUES(?, ?, ?, ?, ?, 'Besluten fattas för 18 månader med omprövningsförbehåll.', 'internal', 'Bostad först SRF', "
	    "?, ?, ?, ?, ?, ?)";
	static const char ins_cm[] = "INSERT INTO person_case_managers(person_id, user_id, started_at, started_by) VALUES(?, ?, ?, ?)";
	struct ctx c;
	date_today(c.today);
	c.now = now_unix();
	c.soc[0] = demo_user_id("soc1"), c.soc[1] = demo_user_id("soc2");
	c.cm[0] = demo_user_id("cm1"), c.cm[1] = demo_user_id("cm2");
	c.chef = demo_user_id("chef1"), c.fast = demo_user_id("fast1");
	c.districts[0] = district_id_by_name("Centrum"), c.districts[1] = district_id_by_name("Hisingen");
	for (int k = 0; k < NSCENARIOS; k++) {
		const struct scenario *s = &scenarios[k];
		int d = k % 2;
		char pnr[14], birth[11];
		demo_pnr(FIRST_INDEX + k, pnr);
		snprintf(birth, sizeof birth, "%.4s-%.2s-%.2s", pnr, pnr + 4, pnr + 6);
		char move_in[11], start[11], end[11], eff[11];
		date_add_months(c.today, -(s->moved_in ? s->moved_in : 1), move_in);
		/* the decision pairs: the first a month before move-in (or a
		 * month ago for those waiting), reviewed every 18 months */
		date_add_months(move_in, -1, start);
		date_add_days(start, 10, eff);
		long long at = noon_of(start) - 40 * 86400;
		if (db_execf(ins_person, "ttttttiiiii", pnr, birth, (pnr[11] - '0') % 2 ? "M" : "K", s->first, s->last,
		    "070-765 43 21", c.districts[d], at, c.soc[d], at, c.soc[d]) < 0)
			return -1;
		long long pid = db_last_id();
		long long prev = 0;
		/* a death ends the decisions; they are not renewed after it */
		char died[11] = "";
		if (s->end_reason && !strcmp(s->end_reason, "deceased"))
			date_add_months(c.today, -s->ended, died);
		for (;;) {
			date_add_months(start, 18, end);
			if (db_execf(ins_dec, "iittttiiiii", pid, c.districts[d], start, start, end, eff, c.soc[d],
			    noon_of(start), c.soc[d], noon_of(start), c.soc[d]) < 0)
				return -1;
			long long did = db_last_id();
			if (prev && (db_execf("UPDATE decisions SET replaced_by_id = ?, replaced_at = ? WHERE id = ?", "iii", did,
			    noon_of(start), prev) < 0 || db_execf("UPDATE decisions SET replaces_id = ? WHERE id = ?", "ii", prev, did) < 0))
				return -1;
			prev = did;
			if (strcmp(end, c.today) > 0 || (*died && strcmp(end, died) > 0))
				break;
			memcpy(start, end, sizeof start);
			memcpy(eff, end, sizeof eff);
		}
		if (*died && end_on_death(pid, died, c.soc[d]) < 0)
			return -1;
		if (db_execf(ins_cm, "iiii", pid, c.cm[d], noon_of(start), c.chef) < 0)
			return -1;
		if (!s->moved_in)
			continue;
		char takeover[11] = "", ended[11] = "";
		if (s->taken_over)
			date_add_months(c.today, -s->taken_over, takeover);
		if (s->ended)
			date_add_months(c.today, -s->ended, ended);
		long long apt = insert_apartment(&c, k, d, s->ended && !s->second_chance ? "available" : s->ended ? "available" : "let");
		if (apt < 0)
			return -1;
		long long tid = insert_tenancy(&c, pid, apt, move_in, 1, *takeover ? takeover : NULL, *ended ? ended : NULL, s->end_reason);
		if (tid < 0)
			return -1;
		long long cm = c.cm[d];
		const char *visits_to = *ended ? ended : c.today;
		if (insert_visits(&c, pid, cm, move_in, visits_to, !*ended && k % 3 == 1) < 0 ||
		    insert_checklists(&c, tid, cm, move_in, *ended ? ended : NULL, *ended ? 0 : k % 3) < 0)
			return -1;
		if (k == 1) {
			/* evicted after disturbances; a second chance elsewhere */
			char inc[11];
			date_add_months(ended, -3, inc);
			if (insert_incident(&c, tid, "disturbance", inc, ended, 1, "Grannar klagar på hög musik nattetid, flera gånger.",
			    "") < 0)
				return -1;
			char again[11];
			date_add_months(c.today, -s->second_chance, again);
			long long apt2 = insert_apartment(&c, 16, d, "let");
			long long t2 = apt2 < 0 ? -1 : insert_tenancy(&c, pid, apt2, again, 2, NULL, NULL, NULL);
			if (t2 < 0 || insert_visits(&c, pid, cm, again, c.today, 0) < 0 || insert_checklists(&c, t2, cm, again, NULL, 2) < 0)
				return -1;
			tid = t2;
		}
		if (k == 5 && insert_incident(&c, tid, "rent_arrears", c.today, NULL, 1, "Hyran för förra månaden är inte betald.",
		    "") < 0)
			return -1;
		if (k == 6) {
			char inc[11];
			date_add_days(c.today, -12, inc);
			if (insert_incident(&c, tid, "disturbance", inc, NULL, 1, "Störande ljud från lägenheten en lördagsnatt.",
			    "Hyresgästen berättar om ett återfall; vi har pratat om stöd från beroendemottagningen.") < 0)
				return -1;
		}
		if (k == 10) {
			char inc[11], fixed[11];
			date_add_months(c.today, -2, inc);
			date_add_days(inc, 9, fixed);
			if (insert_incident(&c, tid, "damage", inc, fixed, 1, "Trasig dörr till förrådet.", "") < 0)
				return -1;
		}
		if (k == 11) {
			char inc[11];
			date_add_days(c.today, -20, inc);
			if (insert_incident(&c, tid, "other", inc, NULL, 0, "Orolig för en bekant som sover över.",
			    "Deltagaren vill ha stöd att säga nej till besök; inte en boendefråga.") < 0)
				return -1;
		}
		if (!*ended || s->second_chance)
			if (insert_plan(&c, pid, cm, k, move_in) < 0)
				return -1;
	}
	return 0;
}

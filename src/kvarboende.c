#define _DEFAULT_SOURCE	/* tm_gmtoff */
/* kvarboende.c - is the programme keeping people housed? Counted at a
 * date, per person and per tenancy, with cohorts, a Kaplan–Meier curve,
 * waiting times and compliance. Everything is aggregated in SQL; C only
 * walks the aggregated rows (the curve has one row per month). */
#include "kvarboende.h"
#include "checklist.h"
#include "audit.h"
#include "district.h"
#include "date.h"
#include "db.h"
#include "formdef.h"
#include "handlers.h"
#include "scope.h"
#include "visit.h"

#include <math.h>
#include <pthread.h>
#include <time.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

/* The tenancies counted: moved in on or before :d, the viewer's scope,
 * optionally one district (:df). */
/* ongoing: known to go on after :d; unknown: imported, and the last file
 * that said "bor kvar" ends before :d (neither housed nor ended: censored
 * at known_until, left out of the shares). */
#define BASE \
	"SELECT t.person_id, t.move_in_date, t.end_date, t.end_reason, t.end_ground, t.takeover_date, t.ordinal, " \
	"t.imported, t.known_until, " \
	"(t.end_date IS NULL OR t.end_date > :d) AND (t.known_until IS NULL OR t.known_until >= :d) AS ongoing, " \
	"(t.end_date IS NULL OR t.end_date > :d) AND t.known_until IS NOT NULL AND t.known_until < :d AS unknown " \
	"FROM tenancies t JOIN persons p ON p.id = t.person_id " \
	"WHERE +t.move_in_date <= :d AND (:df IS NULL OR " DISTRICT_ON("p", ":d") " = :df) AND " SCOPE_REPORT("p", ":d")

const char *const kvarboende_rules[] = {
	"Ett boende pågår ett datum om inflyttningen skett senast det datumet och det inte avslutats före eller samma dag.",
	"Boenden som bara är kända från en importerad fil räknas som pågående till och med filens 31/12. Efter det är läget okänt (uppgift saknas): de räknas varken som pågående eller avslutade och lämnas utanför andelarna, och i Kaplan–Meier censureras de vid filens 31/12.",
	"Vräkningar delas upp efter skäl (störningar, hyresskuld, annat). Andra chanser: personer vars boende är deras andra eller senare i Bostad först.",
	"Per person: personer som flyttat in senast datumet, och av dem personer som har ett pågående boende. En person med en andra chans räknas en gång. Samma boenden som i statusrapportens register per samma datum.",
	"Per boende: varje boende räknas för sig; en andra chans är två boenden.",
	"Kohorter efter inflyttningsår: andel boenden som pågick 12 och 24 månader efter inflyttningen, bland dem som hunnit bo så länge. Den som avlidit räknas som inte kvarboende.",
	"Kaplan–Meier: tid i hela månader (dagar / 30,4375) från inflyttning. Händelse = boendet upphör (vräkt, ville flytta, annat). Pågående boenden och avlidna censureras vid datumet respektive dödsdagen.",
	"Väntetider: median i dagar från att remissen skickades till beslutet, och från första beslutet till första inflyttningen.",
	"Hembesök: de 12 senaste veckorna (måndag–söndag, den sista till och med datumet). Underlaget är deltagarveckor då personen hade ett boende minst en dag (från inflyttningsdagen till dagen före avslutet); två boenden samma vecka är en vecka. Av dem räknas veckor med minst ett hembesök där man träffades; flera hembesök samma vecka är en vecka, och en anteckning som rättats räknas inte.",
	"Checklistor: de 12 månader vars tidsfrist (den 10:e i månaden efter) har passerat. Underlaget är boende-månader då boendet började senast månadens sista dag och pågick efter den. Av dem räknas de där boendets checklista för just den månaden skickades senast den 10:e (före midnatt), respektive har granskats av fastighetskontoret. Checklistor för andra månader eller andra boenden räknas inte, så andelen blir aldrig över 100 %.",
	"Hembesök och checklistor: boenden från en importerad statusrapport ingår inte i underlaget (besök och checklistor finns inte för dem). Är underlaget tomt visas uppgift saknas.",
	NULL
};

/* Returns the local time zone's offset from UTC in seconds, now. SQL
 * compares instants with it instead of converting every row with
 * 'localtime' (a time zone lookup per row); a day-light saving change
 * inside the period moves a boundary by an hour. */
static long long tz_offset(void)
{
	time_t now = time(NULL);
	struct tm lt;
	localtime_r(&now, &lt);
	return lt.tm_gmtoff;
}

/* Prepares sql and binds the viewer, :d and :df. NULL on error. */
static dbstmt *prepare(const struct req *r, const char *sql, const char *date, long long district)
{
	dbstmt *st = db_stmt(sql);
	if (!st)
		return NULL;
	scope_bind(st, r);
	db_bind_named_text(st, ":d", date);
	db_bind_named_text(st, ":today", date);	/* the weekly rule counts back from :today */
	db_bind_named_int(st, ":tzoff", tz_offset());
	if (district)
		db_bind_named_int(st, ":df", district);
	return st;
}

/* Returns a percentage with one decimal, or null when the base is 0. */
static json_t *pct(long long part, long long whole)
{
	return whole ? json_real(round(1000.0 * (double)part / (double)whole) / 10.0) : json_null();
}

static int counts(const struct req *r, json_t *k, const char *date, long long district)
{
	static const char sql[] =
	    "SELECT count(*) AS started, coalesce(sum(ongoing), 0) AS ongoing, "
	    "coalesce(sum(ongoing AND takeover_date <= :d), 0) AS first_hand, "
	    "coalesce(sum(NOT ongoing AND end_reason = 'evicted'), 0) AS evicted, "
	    "coalesce(sum(NOT ongoing AND end_reason = 'wanted'), 0) AS wanted, "
	    "coalesce(sum(NOT ongoing AND end_reason = 'other'), 0) AS other, "
	    "coalesce(sum(NOT ongoing AND end_reason = 'deceased'), 0) AS deceased, "
	    "count(DISTINCT person_id) AS persons, count(DISTINCT CASE WHEN ongoing THEN person_id END) AS housed, "
	    "coalesce(sum(unknown), 0) AS unknown, count(DISTINCT CASE WHEN unknown THEN person_id END) AS persons_unknown, "
	    "coalesce(sum(NOT ongoing AND end_ground = 'disturbance'), 0) AS ev_disturbance, "
	    "coalesce(sum(NOT ongoing AND end_ground = 'arrears'), 0) AS ev_arrears, "
	    "coalesce(sum(NOT ongoing AND end_ground = 'other'), 0) AS ev_other, "
	    "count(DISTINCT CASE WHEN ordinal > 1 THEN person_id END) AS second_chances, "
	    "coalesce(sum(imported), 0) AS imported, "
	    "count(DISTINCT CASE WHEN end_reason = 'deceased' AND NOT ongoing THEN person_id END) AS persons_deceased "
	    "FROM (" BASE ")";
	enum { STARTED, ONGOING, FIRST_HAND, EVICTED, WANTED, OTHER, DECEASED, PERSONS, HOUSED, UNKNOWN, PERSONS_UNKNOWN,
		EV_DISTURBANCE, EV_ARREARS, EV_OTHER, SECOND, IMPORTED, PERSONS_DECEASED, NCOLS };
	dbstmt *st = prepare(r, sql, date, district);
	if (!st || db_step(st) != DB_ROW) {
		db_done(st);
		return -1;
	}
	long long v[NCOLS];
	for (int i = 0; i < NCOLS; i++)
		v[i] = db_col_int64(st, i);
	db_done(st);
	json_object_set_new(k, "persons_moved_in", json_integer(v[PERSONS]));
	json_object_set_new(k, "persons_housed", json_integer(v[HOUSED]));
	json_object_set_new(k, "persons_unknown", json_integer(v[PERSONS_UNKNOWN]));
	json_object_set_new(k, "persons_retention_pct", pct(v[HOUSED], v[PERSONS] - v[PERSONS_UNKNOWN]));
	json_object_set_new(k, "persons_deceased", json_integer(v[PERSONS_DECEASED]));
	json_object_set_new(k, "second_chances", json_integer(v[SECOND]));
	json_object_set_new(k, "tenancies_started", json_integer(v[STARTED]));
	json_object_set_new(k, "tenancies_ongoing", json_integer(v[ONGOING]));
	json_object_set_new(k, "tenancies_unknown", json_integer(v[UNKNOWN]));
	json_object_set_new(k, "tenancies_imported", json_integer(v[IMPORTED]));
	json_object_set_new(k, "tenancies_retention_pct", pct(v[ONGOING], v[STARTED] - v[UNKNOWN]));
	json_object_set_new(k, "tenancies_first_hand", json_integer(v[FIRST_HAND]));
	json_object_set_new(k, "tenancies_ended", json_pack("{s:I, s:I, s:I, s:I}", "evicted", v[EVICTED], "wanted", v[WANTED],
	    "other", v[OTHER], "deceased", v[DECEASED]));
	json_object_set_new(k, "evictions", json_pack("{s:I, s:I, s:I, s:I}", "disturbance", v[EV_DISTURBANCE],
	    "arrears", v[EV_ARREARS], "other", v[EV_OTHER],
	    "not_given", v[EVICTED] - v[EV_DISTURBANCE] - v[EV_ARREARS] - v[EV_OTHER]));
	return 0;
}

/* The tenancy's state at date x is known: it had ended by then, or the
 * system knows it, or the last imported file reached x. */
#define KNOWN_AT(x) "((end_date IS NOT NULL AND end_date <= " x ") OR known_until IS NULL OR known_until >= " x ")"

static int cohorts(const struct req *r, json_t *k, const char *date, long long district)
{
	static const char sql[] =
	    "SELECT substr(move_in_date, 1, 4) AS year, count(*) AS tenancies, "
	    "sum(m12 <= :d AND " KNOWN_AT("m12") ") AS n12, "
	    "sum(m12 <= :d AND " KNOWN_AT("m12") " AND (end_date IS NULL OR end_date > m12)) AS housed12, "
	    "sum(m24 <= :d AND " KNOWN_AT("m24") ") AS n24, "
	    "sum(m24 <= :d AND " KNOWN_AT("m24") " AND (end_date IS NULL OR end_date > m24)) AS housed24 "
	    "FROM (SELECT b.*, add_months(move_in_date, 12) AS m12, add_months(move_in_date, 24) AS m24 FROM (" BASE ") b) "
	    "GROUP BY year ORDER BY year";
	dbstmt *st = prepare(r, sql, date, district);
	if (!st)
		return -1;
	json_t *rows = db_rows_json(st, 0, NULL);
	if (!rows)
		return -1;
	size_t i;
	json_t *x;
	json_array_foreach(rows, i, x) {
		json_object_set_new(x, "pct_12", pct(json_integer_value(json_object_get(x, "housed12")),
		    json_integer_value(json_object_get(x, "n12"))));
		json_object_set_new(x, "pct_24", pct(json_integer_value(json_object_get(x, "housed24")),
		    json_integer_value(json_object_get(x, "n24"))));
	}
	json_object_set_new(k, "cohorts", rows);
	return 0;
}

static int kaplan_meier(const struct req *r, json_t *k, const char *date, long long district)
{
	static const char sql[] =
	    /* whole months: days * 10000 / 304375 in integers, which truncates
	     * on both engines (PostgreSQL's CAST of a real rounds) */
	    "SELECT CAST(julianday(CASE WHEN unknown THEN known_until WHEN ongoing THEN :d ELSE end_date END) "
	    " - julianday(move_in_date) AS INTEGER) * 10000 / 304375 AS m, "
	    "sum(NOT ongoing AND NOT unknown AND end_reason <> 'deceased') AS events, count(*) AS n "
	    "FROM (" BASE ") GROUP BY m ORDER BY m";
	dbstmt *st = prepare(r, sql, date, district);
	if (!st)
		return -1;
	json_t *rows = db_rows_json(st, 0, NULL);
	if (!rows)
		return -1;
	long long total = 0;
	size_t i;
	json_t *x;
	json_array_foreach(rows, i, x)
		total += json_integer_value(json_object_get(x, "n"));
	json_t *curve = json_array();
	double s = 1.0;
	long long removed = 0, month = 0;
	json_array_foreach(rows, i, x) {
		long long m = json_integer_value(json_object_get(x, "m"));
		for (; month < m; month++)	/* months without anyone leaving the risk set */
			json_array_append_new(curve, json_pack("{s:I, s:f}", "months", month, "survival", round(s * 10000) / 10000));
		long long at_risk = total - removed, events = json_integer_value(json_object_get(x, "events"));
		if (at_risk > 0 && events > 0)
			s *= 1.0 - (double)events / (double)at_risk;
		json_array_append_new(curve, json_pack("{s:I, s:f, s:I, s:I}", "months", m, "survival", round(s * 10000) / 10000,
		    "at_risk", at_risk, "events", events));
		removed += json_integer_value(json_object_get(x, "n"));
		month = m + 1;
	}
	json_decref(rows);
	json_object_set_new(k, "kaplan_meier", curve);
	return 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Median of the first column of sql's rows (NULLs skipped): a real, or
 * null when there are no rows; NULL on error. New reference. Sorting the
 * values here takes a tenth of the time SQLite's window functions took
 * (row_number() and count(*) OVER over half a million rows). */
static json_t *median(const struct req *r, const char *sql, const char *date, long long district)
{
	dbstmt *st = prepare(r, sql, date, district);
	if (!st)
		return NULL;
	size_t n = 0, cap = 1024;
	double *v = xmalloc(cap * sizeof *v);
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		if (db_col_type(st, 0) == DB_NULL)
			continue;
		if (n == cap)
			v = xrealloc(v, (cap *= 2) * sizeof *v);
		v[n++] = db_col_double(st, 0);
	}
	db_done(st);
	json_t *out = NULL;
	if (rc == DB_DONE) {
		qsort(v, n, sizeof *v, cmp_double);
		out = n == 0 ? json_null() : json_real(n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2);
	}
	free(v);
	return out;
}

static int waiting(const struct req *r, json_t *k, const char *date, long long district)
{
	static const char to_decision[] =
	    "SELECT julianday(x.decision_date) - julianday(f.sent_at + :tzoff, 'unixepoch', 'start of day') AS x "
	    "FROM decisions x JOIN referrals f ON f.id = x.referral_id JOIN persons p ON p.id = x.person_id "
	    "WHERE x.replaces_id IS NULL AND x.kind = 'housing' AND f.sent_at IS NOT NULL AND x.decision_date <= :d "
	    "AND (:df IS NULL OR " DISTRICT_ON("p", ":d") " = :df) AND " SCOPE_REPORT("p", ":d");
	static const char to_move_in[] =
	    "SELECT julianday(g.first_move) - julianday(g.first_decision) AS x FROM ("
	    " SELECT t.person_id, min(t.move_in_date) AS first_move, "
	    " (SELECT min(x.decision_date) FROM decisions x WHERE x.person_id = t.person_id AND x.kind = 'housing') AS first_decision "
	    " FROM tenancies t GROUP BY t.person_id) g JOIN persons p ON p.id = g.person_id "
	    "WHERE g.first_move <= :d AND g.first_move >= g.first_decision "
	    "AND (:df IS NULL OR " DISTRICT_ON("p", ":d") " = :df) AND " SCOPE_REPORT("p", ":d");
	json_t *a = median(r, to_decision, date, district), *b = median(r, to_move_in, date, district);
	if (!a || !b) {
		json_decref(a);
		json_decref(b);
		return -1;
	}
	json_object_set_new(k, "waiting_days", json_pack("{s:o, s:o}", "referral_to_decision", a, "decision_to_move_in", b));
	return 0;
}

/* Returns the ids sql selects (first column, ascending) as a malloc'd
 * array, its length in *n; NULL on error. */
static long long *id_list(const struct req *r, const char *sql, const char *date, long long district, size_t *n)
{
	dbstmt *st = prepare(r, sql, date, district);
	if (!st)
		return NULL;
	size_t cap = 1024;
	long long *ids = xmalloc(cap * sizeof *ids);
	int rc;
	*n = 0;
	while ((rc = db_step(st)) == DB_ROW) {
		if (*n == cap)
			ids = xrealloc(ids, (cap *= 2) * sizeof *ids);
		ids[(*n)++] = db_col_int64(st, 0);
	}
	db_done(st);
	if (rc != DB_DONE) {
		free(ids);
		return NULL;
	}
	return ids;
}

/* Returns the index of id in the ascending ids[n], or -1. */
static long find_id(const long long *ids, size_t n, long long id)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (ids[mid] < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && ids[lo] == id ? (long)lo : -1;
}

/* One person's weeks in the home-visit window: bit w is week w, the
 * window's first week being 0. */
struct person_weeks {
	long long id;
	unsigned short housed;	/* weeks with a tenancy on at least one day */
	unsigned short visited;	/* weeks with a home visit that counts */
};

/* Returns the index of id in pw[n] (ascending ids), or -1. */
static long find_person(const struct person_weeks *pw, size_t n, long long id)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (pw[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && pw[lo].id == id ? (long)lo : -1;
}

/* Month number (year * 12 + month - 1) of a 'YYYY-MM...' text. */
static long long month_no(const char *d)
{
	return atoi(d) * 12LL + atoi(d + 5) - 1;
}

/* The follow-up windows at a date. */
struct window {
	char first[11];		/* home visits: the first Monday of the 12 weeks */
	long last;		/* the last day counted (the date), in days from first: 77..83 */
	char wstart[11];	/* checklists: the first day of the first of the 12 months */
	long long w0, w1;	/* the 12 months as month numbers */
};

/* Reads once the viewer's tenancies (not imported: no visits or checklists
 * are recorded for them) that were had on some day since the earlier of
 * the two windows began, and counts what each gives: the weeks of the
 * home-visit window in which it was had on at least one day (a tenancy is
 * had from its move-in up to the day before it ended), ORed into one
 * entry per person (two tenancies in one week are one week), and the
 * months of the checklist window that needed a checklist (it began by the
 * month's last day and lasted past it) into *need. Returns the persons
 * with a housed week, ascending by id, their number in *n; NULL on error.
 * The walk follows tenancies_person, so the persons come in order, and
 * the tenancies are read in about the order they are stored: a range of
 * tenancies_end (ongoing or ended lately) is most of them and costs a
 * seek per row in end-date order, five to ten times slower. */
static struct person_weeks *housed_weeks(const struct req *r, const char *date, long long district, const struct window *w,
    size_t *n, long long *need)
{
	static const char sql[] =
	    "SELECT t.person_id, t.move_in_date, t.end_date FROM tenancies t INDEXED BY tenancies_person "
	    "JOIN persons p ON p.id = t.person_id "
	    "WHERE t.move_in_date <= :today AND (t.end_date IS NULL OR t.end_date > :from) AND t.imported = 0 "
	    "AND (:df IS NULL OR " DISTRICT_ON("p", ":d") " = :df) AND " SCOPE_REPORT("p", ":d") " ORDER BY t.person_id";
	dbstmt *st = prepare(r, sql, date, district);
	if (!st)
		return NULL;
	db_bind_named_text(st, ":from", strcmp(w->wstart, w->first) < 0 ? w->wstart : w->first);
	size_t cap = 1024;
	struct person_weeks *pw = xmalloc(cap * sizeof *pw);
	int rc;
	*n = 0;
	*need = 0;
	while ((rc = db_step(st)) == DB_ROW) {
		const char *in = db_col_str(st, 1), *out = db_col_str(st, 2);
		/* checklist months: the month it began to the month before the
		 * one it ended in */
		long long m0 = month_no(in), m1 = out ? month_no(out) - 1 : w->w1;
		if (m0 < w->w0)
			m0 = w->w0;
		if (m1 > w->w1)
			m1 = w->w1;
		if (m1 >= m0)
			*need += m1 - m0 + 1;
		/* home-visit weeks: the days it was had, in the window */
		long from = date_diff_days(w->first, in), to = out ? date_diff_days(w->first, out) - 1 : w->last;
		if (from < 0)
			from = 0;
		if (to > w->last)
			to = w->last;
		if (to < from)
			continue;	/* before the window, or ended on the day it began */
		unsigned short mask = (unsigned short)(((1u << (to / 7 + 1)) - 1) & ~((1u << (from / 7)) - 1));
		long long id = db_col_int64(st, 0);
		if (*n && pw[*n - 1].id == id) {
			pw[*n - 1].housed |= mask;
			continue;
		}
		if (*n == cap)
			pw = xrealloc(pw, (cap *= 2) * sizeof *pw);
		pw[(*n)++] = (struct person_weeks){ id, mask, 0 };
	}
	db_done(st);
	if (rc != DB_DONE) {
		free(pw);
		return NULL;
	}
	return pw;
}

/* Home-visit weeks: of the housed weeks in pw[np], those with a home visit
 * where they met, in *with_visit; all of them in *weeks. A corrected entry
 * does not count, several visits in a week are one week, and a visit in a
 * week the person had no tenancy never counts. The visits of the window
 * are one covering range of visits_week; each is checked against the
 * persons and the corrected entries and marks its week in a second mask; a
 * week counts when it is in both. (As one SQL statement, with a DISTINCT
 * count per week over IN-lists, this took 2.4 s for 2.5 million visits.)
 * Returns 0, or -1 on error. */
static int home_visit_weeks(const struct req *r, const char *date, long long district, const struct window *w,
    struct person_weeks *pw, size_t np, long long *weeks, long long *with_visit)
{
	static const char corrected_sql[] =
	    "SELECT corrects_id FROM visits WHERE corrects_id IS NOT NULL ORDER BY corrects_id";
	static const char visits_sql[] =
	    "SELECT v.id, v.person_id, v.date FROM visits v WHERE v.kind = 'home' AND v.met = 1 "
	    "AND v.date >= :first AND v.date <= :today";
	size_t nc = 0;
	long long *corrected = id_list(r, corrected_sql, date, district, &nc);
	dbstmt *st = corrected ? prepare(r, visits_sql, date, district) : NULL;
	if (!st) {
		free(corrected);
		return -1;
	}
	db_bind_named_text(st, ":first", w->first);
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		long at = find_person(pw, np, db_col_int64(st, 1));
		if (at < 0 || find_id(corrected, nc, db_col_int64(st, 0)) >= 0)
			continue;
		long days = date_diff_days(w->first, db_col_str(st, 2));
		if (days >= 0 && days <= w->last)
			pw[at].visited |= (unsigned short)(1u << (days / 7));
	}
	db_done(st);
	free(corrected);
	*weeks = *with_visit = 0;
	for (size_t i = 0; i < np; i++) {
		*weeks += __builtin_popcount(pw[i].housed);
		*with_visit += __builtin_popcount(pw[i].housed & pw[i].visited);
	}
	return rc == DB_DONE ? 0 : -1;
}

/* The follow-up figures.
 *
 * Home visits: the 12 weeks (Monday to Sunday) that end with the week of
 * date, up to date. The base is the participant-weeks in which the person
 * had a tenancy on at least one day; counted are those with a home visit
 * where they met (home_visit_weeks).
 *
 * Checklists: the 12 months up to the latest whose deadline (the 10th of
 * the month after) has passed at date. The base is the tenancy-months that
 * needed a checklist: the tenancy began by the month's last day and lasted
 * past it. A needed month is sent on time when that tenancy's checklist for
 * that month was sent before the local midnight that ends the 10th, and
 * reviewed when the landlord office reviewed it. A checklist of a month its
 * tenancy did not need is never counted, and a tenancy has one checklist a
 * month at most (UNIQUE (tenancy_id, month)), so neither share can pass
 * 100 %.
 *
 * Imported tenancies are in neither base; an empty base gives null. */
static int compliance(const struct req *r, json_t *k, const char *date, long long district)
{
	/* of one month's (:month, last day :last) needed tenancy-months, the
	 * ones whose checklist was sent by :deadline and the reviewed ones: the
	 * tenancies housed_weeks counts that month, from one covering range of
	 * checklists_window */
	static const char done_sql[] =
	    "SELECT coalesce(sum(c.state <> 'draft' AND c.sent_at < :deadline), 0), coalesce(sum(c.state = 'reviewed'), 0) "
	    "FROM checklists c JOIN tenancies t ON t.id = c.tenancy_id JOIN persons p ON p.id = t.person_id "
	    "WHERE c.month = :month AND t.imported = 0 AND t.move_in_date <= :last AND (t.end_date IS NULL OR t.end_date > :last) "
	    "AND (:df IS NULL OR " DISTRICT_ON("p", ":d") " = :df) AND " SCOPE_REPORT("p", ":d");
	struct window w;
	/* the first Monday: the Monday of date's week (as WEEK_START), 11 weeks back */
	long weekday = ((date_diff_days("2024-01-01", date) % 7) + 7) % 7;	/* 2024-01-01 was a Monday: 0 */
	date_add_days(date, (int)(-weekday - 77), w.first);
	w.last = date_diff_days(w.first, date);
	/* the 12 months up to the latest whose deadline passed */
	char due[8], late[8], late1[11];
	checklist_months(date, due, late);
	snprintf(late1, sizeof late1, "%s-01", late);
	date_add_months(late1, -11, w.wstart);
	w.w1 = month_no(late);
	w.w0 = w.w1 - 11;
	size_t np = 0;
	long long need = 0, weeks = 0, with_visit = 0;
	struct person_weeks *pw = housed_weeks(r, date, district, &w, &np, &need);
	if (!pw)
		return -1;
	int rc = home_visit_weeks(r, date, district, &w, pw, np, &weeks, &with_visit);
	free(pw);
	if (rc < 0)
		return -1;
	long long on_time = 0, reviewed = 0;
	for (int i = 0; i < 12; i++) {
		char month1[11], next[11], last[11], month[8];
		date_add_months(w.wstart, i, month1);
		date_add_months(month1, 1, next);
		date_add_days(next, -1, last);
		snprintf(month, sizeof month, "%.7s", month1);
		/* the deadline: local midnight at the start of the 11th, with that
		 * day's own offset from UTC (summer or winter time), as the pages
		 * show sent_at with 'localtime' */
		struct tm dl = { .tm_year = atoi(next) - 1900, .tm_mon = atoi(next + 5) - 1, .tm_mday = 11, .tm_isdst = -1 };
		long long deadline = (long long)mktime(&dl);
		dbstmt *st = prepare(r, done_sql, date, district);
		if (!st)
			return -1;
		db_bind_named_text(st, ":month", month);
		db_bind_named_text(st, ":last", last);
		db_bind_named_int(st, ":deadline", deadline);
		if (db_step(st) != DB_ROW) {
			db_done(st);
			return -1;
		}
		on_time += db_col_int64(st, 0);
		reviewed += db_col_int64(st, 1);
		db_done(st);
	}
	json_object_set_new(k, "compliance", json_pack("{s:I, s:I, s:o, s:I, s:I, s:I, s:o, s:o}",
	    "participant_weeks", weeks, "weeks_with_home_visit", with_visit, "home_visit_pct", pct(with_visit, weeks),
	    "checklists_needed", need, "checklists_on_time", on_time, "checklists_reviewed", reviewed,
	    "checklists_on_time_pct", pct(on_time, need), "checklists_reviewed_pct", pct(reviewed, need)));
	return 0;
}

/* The compliance figures on a helper thread with its own connection: the
 * two halves of the dashboard each scan the data once, so on two cores
 * they take the time of the longer half. */
struct helper {
	const struct req *r;
	const char *date;
	long long district, housed;
	json_t *out;	/* compliance, or NULL on error */
};

static void compliance_into(struct helper *h)
{
	json_t *k = json_pack("{s:I}", "persons_housed", h->housed);
	h->out = compliance(h->r, k, h->date, h->district) == 0 ? json_incref(json_object_get(k, "compliance")) : NULL;
	json_decref(k);
}

static void *compliance_thread(void *arg)
{
	compliance_into(arg);
	db_thread_end();	/* this thread's connection goes with it */
	return NULL;
}

json_t *kvarboende_figures(const struct req *r, const char *date, long long district, int full)
{
	json_t *k = json_pack("{s:s}", "date", date);
	if (counts(r, k, date, district) < 0) {
		json_decref(k);
		return NULL;
	}
	struct helper h = { r, date, district, json_integer_value(json_object_get(k, "persons_housed")), NULL };
	pthread_t t;
	int threaded = full && pthread_create(&t, NULL, compliance_thread, &h) == 0;
	int rc = cohorts(r, k, date, district);
	if (full && rc == 0)
		rc = kaplan_meier(r, k, date, district) < 0 || waiting(r, k, date, district) < 0 ? -1 : 0;
	if (threaded)
		pthread_join(t, NULL);
	else if (full)
		compliance_into(&h);	/* no thread to be had: do it here */
	if (full && !h.out)
		rc = -1;
	if (h.out)
		json_object_set_new(k, "compliance", h.out);
	if (rc < 0) {
		json_decref(k);
		return NULL;
	}
	return k;
}

/* The Kaplan–Meier curve as an SVG step line (our numbers only, so the
 * template may write it unescaped). Returns arena text.
 *
 * The SVG has no viewBox: it is as wide as its figure and 292 px high, so
 * its text is 13 CSS px on a phone as on a wide screen (a 600-unit viewBox
 * scaled to 358 px made it 7 px). Horizontal positions are percentages of
 * the width: the plot runs from 16 % to 97 %, the labels of the y axis end
 * at 14 %. The step line is a nested SVG with its own 1000 x 1000 viewBox
 * stretched over the plot (preserveAspectRatio none) and a stroke that
 * does not stretch with it. */
static const char *km_svg(struct req *r, json_t *curve)
{
	const double px0 = 16, px1 = 97, y0 = 20, y1 = 250;	/* x in %, y in px */
	long long maxm = 12;
	size_t i;
	json_t *x;
	json_array_foreach(curve, i, x)
		if (json_integer_value(json_object_get(x, "months")) > maxm)
			maxm = json_integer_value(json_object_get(x, "months"));
	struct buf b;
	buf_init(&b);
	buf_printf(&b, "<svg class=\"km\" width=\"100%%\" height=\"292\" role=\"img\" aria-labelledby=\"km-title km-desc\" "
	    "xmlns=\"http://www.w3.org/2000/svg\"><title id=\"km-title\">Andel boenden som pågår, månader efter inflyttning</title>"
	    "<desc id=\"km-desc\">Kaplan–Meier-kurva. Samma siffror finns i tabellen bredvid.</desc>");
	for (int p = 0; p <= 100; p += 25) {
		double y = y1 - (y1 - y0) * p / 100.0;
		buf_printf(&b, "<line x1=\"%.0f%%\" y1=\"%.1f\" x2=\"%.0f%%\" y2=\"%.1f\" stroke=\"#b1b4b6\" stroke-width=\"1\"/>"
		    "<text x=\"%.0f%%\" y=\"%.1f\" font-size=\"13\" text-anchor=\"end\" fill=\"#1b1b1b\">%d %%</text>",
		    px0, y, px1, y, px0 - 2, y + 4.5, p);
	}
	long long step = maxm > 96 ? 24 : maxm > 48 ? 12 : maxm > 24 ? 6 : 3;
	for (long long m = 0; m <= maxm; m += step)
		buf_printf(&b, "<text x=\"%.2f%%\" y=\"%.0f\" font-size=\"13\" text-anchor=\"middle\" fill=\"#1b1b1b\">%lld</text>",
		    px0 + (px1 - px0) * (double)m / (double)maxm, y1 + 18, m);
	buf_printf(&b, "<text x=\"%.1f%%\" y=\"287\" font-size=\"13\" text-anchor=\"middle\" fill=\"#1b1b1b\">Månader efter inflyttning</text>",
	    (px0 + px1) / 2);
	buf_printf(&b, "<svg x=\"%.0f%%\" y=\"%.0f\" width=\"%.0f%%\" height=\"%.0f\" viewBox=\"0 0 1000 1000\" "
	    "preserveAspectRatio=\"none\" overflow=\"visible\"><path fill=\"none\" stroke=\"#1d4f91\" stroke-width=\"2.5\" "
	    "vector-effect=\"non-scaling-stroke\" d=\"M0 0", px0, y0, px1 - px0, y1 - y0);
	double prev = 1.0;
	json_array_foreach(curve, i, x) {
		double m = (double)json_integer_value(json_object_get(x, "months"));
		double s = json_real_value(json_object_get(x, "survival"));
		if (s != prev)
			buf_printf(&b, " H%.1f V%.1f", 1000.0 * m / (double)maxm, 1000.0 * (1.0 - s));
		prev = s;
	}
	buf_printf(&b, " H1000\"/></svg></svg>");
	const char *out = arena_strdup(&r->arena, b.data);
	buf_free(&b);
	return out;
}

/* Replaces the decimal point of s with a comma (Swedish). Returns s. */
static char *comma(char *s)
{
	char *dot = strchr(s, '.');
	if (dot)
		*dot = ',';
	return s;
}

/* Adds "<key>_label" with a decimal comma for each number key of o. */
static void comma_labels(struct req *r, json_t *o, const char *const keys[])
{
	for (size_t i = 0; keys[i]; i++) {
		json_t *v = json_object_get(o, keys[i]);
		if (!json_is_number(v))
			continue;
		char *s = comma(arena_printf(&r->arena, "%.1f", json_number_value(v)));
		json_object_set_new(o, arena_printf(&r->arena, "%s_label", keys[i]), json_string(s));
	}
}

/* Adds "N <noun>" texts for the page's counts (the noun agreeing with the
 * number): beside the figures, not in them ("compliance" is compared
 * whole by the tests and read by other programs). */
static void count_texts(struct req *r, json_t *k)
{
	json_t *c = json_object_get(k, "compliance");
	view_count(r, k, "persons_moved_in", "person", "personer");
	view_count(r, k, "second_chances", "person", "personer");
	view_count(r, k, "tenancies_started", "boende", "boenden");
	long long weeks = json_integer_value(json_object_get(c, "participant_weeks"));
	long long months = json_integer_value(json_object_get(c, "checklists_needed"));
	json_object_set_new(k, "participant_weeks_text", json_string(arena_printf(&r->arena, "%lld %s", weeks,
	    plural(weeks, "vecka", "veckor"))));
	json_object_set_new(k, "checklists_needed_text", json_string(arena_printf(&r->arena, "%lld %s", months,
	    plural(months, "boende-månad", "boende-månader"))));
}

/* Reads ?date= (default today; arena text) and ?district= (the manager's
 * filter; 0 for all, and for the socialsekreterare, whose scope is the
 * district). Returns 0, or the status of the error page it set. */
static int date_and_district(struct req *r, const char **date, long long *district)
{
	char today[11];
	date_today(today);
	int bad;
	*date = form_date_param(r, "date", &bad);
	if (bad)
		return http_fail(r, 400, "Ange datumet som ÅÅÅÅ-MM-DD, ÅÅÅÅMMDD, D/M eller D/M ÅÅÅÅ, och ett datum som finns.");
	if (!*date)
		*date = arena_strdup(&r->arena, today);
	*district = r->user.role == ROLE_SOC ? 0 : parse_id(http_param(r, "district"));
	if (*district && !district_exists(*district))
		return http_fail(r, 404, "Stadsdelen finns inte.");
	return 0;
}

/* GET /kvarboende?date=&district= */
int kvarboende_page(struct req *r)
{
	const char *date;
	long long district;
	int bad = date_and_district(r, &date, &district);
	if (bad)
		return bad;
	json_t *k = kvarboende_figures(r, date, district, 1);
	if (!k)
		return http_fail(r, 500, NULL);
	json_t *curve = json_object_get(k, "kaplan_meier");
	json_object_set_new(r->view, "km_svg", json_string(km_svg(r, curve)));
	json_t *table = json_array();
	size_t i;
	json_t *x;
	json_array_foreach(curve, i, x)
		if (json_object_get(x, "events"))
			json_array_append_new(table, json_pack("{s:O, s:s, s:O, s:O}", "months", json_object_get(x, "months"),
			    "survival_pct", comma(arena_printf(&r->arena, "%.1f", 100.0 * json_real_value(json_object_get(x, "survival")))),
			    "at_risk", json_object_get(x, "at_risk"), "events", json_object_get(x, "events")));
	json_object_set_new(r->view, "km_table", table);
	static const char *const top[] = { "persons_retention_pct", "tenancies_retention_pct", NULL };
	static const char *const comp[] = { "home_visit_pct", "checklists_on_time_pct", "checklists_reviewed_pct", NULL };
	static const char *const coh[] = { "pct_12", "pct_24", NULL };
	static const char *const wait[] = { "referral_to_decision", "decision_to_move_in", NULL };
	comma_labels(r, k, top);
	comma_labels(r, json_object_get(k, "compliance"), comp);
	comma_labels(r, json_object_get(k, "waiting_days"), wait);
	json_array_foreach(json_object_get(k, "cohorts"), i, x)
		comma_labels(r, x, coh);
	count_texts(r, k);
	json_object_set_new(k, "summary_href", json_string(arena_printf(&r->arena, "/kvarboende/summary?date=%s%s", date,
	    district ? arena_printf(&r->arena, "&district=%lld", district) : "")));
	json_object_set_new(r->view, "kvarboende", k);
	json_t *rules = json_array();
	for (size_t n = 0; kvarboende_rules[n]; n++)
		json_array_append_new(rules, json_string(kvarboende_rules[n]));
	json_object_set_new(r->view, "rules", rules);
	json_object_set_new(r->view, "title", json_string("Kvarboende"));
	json_object_set_new(r->view, "date", json_string(date));
	if (r->user.role == ROLE_MANAGER)
		json_object_set_new(r->view, "districts", district_options(district));
	json_object_set_new(r->view, "scope_label", json_string(r->user.role == ROLE_MANAGER ? (district ? "En stadsdel" : "Alla stadsdelar") :
	    r->user.role == ROLE_SOC ? "Din stadsdel" : "Dina deltagare"));
	if (audit_log(r->user.id, "read", "kvarboende", 0, 0) < 0)
		return http_fail(r, 500, NULL);
	return 200;
}

/* GET /kvarboende/summary?date=&district= : the programme's results on one
 * printable page, in the shape a programme presents them (seed 004). */
int kvarboende_summary(struct req *r)
{
	const char *date;
	long long district;
	int bad = date_and_district(r, &date, &district);
	if (bad)
		return bad;
	json_t *k = kvarboende_figures(r, date, district, 1);
	if (!k)
		return http_fail(r, 500, NULL);
	json_object_del(k, "kaplan_meier");
	json_object_del(k, "cohorts");
	static const char *const top[] = { "persons_retention_pct", "tenancies_retention_pct", NULL };
	static const char *const wait[] = { "referral_to_decision", "decision_to_move_in", NULL };
	comma_labels(r, k, top);
	comma_labels(r, json_object_get(k, "waiting_days"), wait);
	long long ongoing = json_integer_value(json_object_get(k, "tenancies_ongoing"));
	long long first_hand = json_integer_value(json_object_get(k, "tenancies_first_hand"));
	json_object_set_new(k, "tenancies_second_hand", json_integer(ongoing - first_hand));
	json_object_set_new(r->view, "summary", k);
	json_object_set_new(r->view, "date", json_string(date));
	json_object_set_new(r->view, "title", json_string(arena_printf(&r->arena, "Bostad först: resultat per %s", date)));
	static const char name_sql[] = "SELECT name FROM districts WHERE id = ?";
	json_t *d = district ? db_row_for(name_sql, district) : NULL;
	const char *name = json_string_value(json_object_get(d, "name"));
	json_object_set_new(r->view, "scope_label", json_string(name ? arena_strdup(&r->arena, name) :
	    r->user.role == ROLE_MANAGER ? "Alla stadsdelar" : r->user.role == ROLE_SOC ? "Din stadsdel" : "Dina deltagare"));
	json_decref(d);
	json_object_set_new(r->view, "back_href", json_string(arena_printf(&r->arena, "/kvarboende?date=%s%s", date,
	    district ? arena_printf(&r->arena, "&district=%lld", district) : "")));
	if (audit_log(r->user.id, "read", "kvarboende_summary", 0, 0) < 0)
		return http_fail(r, 500, NULL);
	return 200;
}

/* gallring.c - weeding old records (see gallring.h), and its admin page. */
#define _POSIX_C_SOURCE 200809L
#include "gallring.h"
#include "audit.h"
#include "date.h"
#include "db.h"
#include "handlers.h"
#include "register.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A row newer than the cutoff: instants (Unix seconds) against :cut_ts,
 * calendar dates against :cutoff. */
#define NEWER(ts) "(" ts " >= :cut_ts)"
#define LATER(d) "(" d " >= :cutoff)"

/* The persons the rule finds (gallring.h), by Personkod. */
static const char candidates_sql[] =
    "SELECT p.id, coalesce(p.personkod, '') FROM persons p "
    "WHERE p.weeded_on IS NULL AND p.created_at < :cut_ts AND p.updated_at < :cut_ts "
    "AND NOT " GALLRING_OPEN_DECISION("p.id") " AND NOT " GALLRING_ONGOING_WORK("p.id") " "
    "AND NOT EXISTS (SELECT 1 FROM tenancies t WHERE t.person_id = p.id AND (t.end_date IS NULL "
    " OR " NEWER("t.created_at") " OR " NEWER("t.updated_at") " OR " LATER("t.move_in_date") " OR " LATER("t.end_date")
    " OR " LATER("t.takeover_date") ")) "
    "AND NOT EXISTS (SELECT 1 FROM referrals f WHERE f.person_id = p.id AND (" NEWER("f.created_at") " OR "
    NEWER("f.updated_at") " OR " NEWER("f.last_step_at") " OR " LATER("f.meeting_date") ")) "
    "AND NOT EXISTS (SELECT 1 FROM referrals f JOIN referral_steps s ON s.referral_id = f.id WHERE f.person_id = p.id "
    " AND (" NEWER("s.at") " OR " LATER("s.date") ")) "
    "AND NOT EXISTS (SELECT 1 FROM decisions d WHERE d.person_id = p.id AND (" NEWER("d.created_at") " OR "
    NEWER("d.updated_at") " OR " LATER("d.decision_date") " OR " LATER("d.support_effective_date") ")) "
    "AND NOT EXISTS (SELECT 1 FROM assignments a WHERE a.person_id = p.id AND (" NEWER("a.created_at") " OR "
    NEWER("a.updated_at") ")) "
    "AND NOT EXISTS (SELECT 1 FROM visits v WHERE v.person_id = p.id AND (" NEWER("v.created_at") " OR "
    LATER("v.date") ")) "
    "AND NOT EXISTS (SELECT 1 FROM plans l WHERE l.person_id = p.id AND (" NEWER("l.created_at") " OR "
    NEWER("l.updated_at") ")) "
    "AND NOT EXISTS (SELECT 1 FROM plans l JOIN plan_versions v ON v.plan_id = l.id WHERE l.person_id = p.id "
    " AND (" NEWER("v.created_at") " OR " LATER("v.agreed_date") ")) "
    "AND NOT EXISTS (SELECT 1 FROM tenancies t JOIN checklists c ON c.tenancy_id = t.id WHERE t.person_id = p.id "
    " AND (" NEWER("c.created_at") " OR " NEWER("c.updated_at") " OR c.month >= substr(:cutoff, 1, 7))) "
    "AND NOT EXISTS (SELECT 1 FROM tenancies t JOIN incidents i ON i.tenancy_id = t.id WHERE t.person_id = p.id "
    " AND (" NEWER("i.created_at") " OR " NEWER("i.updated_at") " OR " LATER("i.date") " OR " LATER("i.resolved_date") ")) "
    "AND NOT EXISTS (SELECT 1 FROM person_case_managers c WHERE c.person_id = p.id AND (" NEWER("c.started_at") " OR "
    NEWER("c.ended_at") ")) "
    "AND NOT EXISTS (SELECT 1 FROM person_transfers x WHERE x.person_id = p.id AND (" NEWER("x.created_at") " OR "
    LATER("x.date") ")) "
    "ORDER BY p.personkod IS NULL, p.personkod, p.id";

/* What weeding does to the persons in gallring_guard, in order. Rows stay
 * (their dates and states are the statistics); texts go. The tenancy's
 * end_note and import_note stay: they are cells of the statusrapport
 * register itself ("annat: ...", "annan info"), which must not change. */
static const char *const blank_sql[] = {
	"UPDATE persons SET personnummer = NULL, reserve = 1, birth_date = NULL, first_name = 'Gallrad', "
	"last_name = 'person', phone = '', email = '', address = '', weeded_on = :today, version = version + 1, "
	"updated_at = :now, updated_by = :by WHERE id IN (SELECT person_id FROM gallring_guard)",
	"UPDATE referrals SET crit_known_note = '', crit_far_note = '', crit_health_note = '', crit_wants_note = '', "
	"crit_no_violence_note = '', crit_no_risk_note = '', client_wishes = '', homeless_duration = '', "
	"current_situation = '', needs = '', outcome_reason = '', meeting_place = NULL, version = version + 1 "
	"WHERE person_id IN (SELECT person_id FROM gallring_guard)",
	"UPDATE referral_steps SET note = '', place = NULL WHERE referral_id IN "
	"(SELECT f.id FROM referrals f JOIN gallring_guard g ON g.person_id = f.person_id)",
	"UPDATE assignments SET goals = '', version = version + 1 WHERE person_id IN (SELECT person_id FROM gallring_guard)",
	"UPDATE plan_versions SET areas = '[]', agreed_how = '' WHERE plan_id IN "
	"(SELECT l.id FROM plans l JOIN gallring_guard g ON g.person_id = l.person_id)",
	"UPDATE visits SET note = '' WHERE person_id IN (SELECT person_id FROM gallring_guard)",
	"UPDATE checklists SET items = '[]', agreed_actions = '', participant_comment = '', review_comment = '', "
	"version = version + 1 WHERE tenancy_id IN (SELECT t.id FROM tenancies t JOIN gallring_guard g ON g.person_id = t.person_id)",
	"UPDATE incidents SET reported_by = '', landlord_text = '', action_taken = '', internal_note = '', "
	"version = version + 1 WHERE tenancy_id IN (SELECT t.id FROM tenancies t JOIN gallring_guard g ON g.person_id = t.person_id)",
	"UPDATE tenancies SET ordinal_reason = '', takeover_reason = NULL, version = version + 1 "
	"WHERE person_id IN (SELECT person_id FROM gallring_guard)",
	/* the decision's texts about the person: an avslag's motivering and the
	 * ending's note; the review clause and the external provider are typed
	 * per decision too. A refused decision and an external support must
	 * keep some text (the CHECKs), so they say "Gallrad". The letter's
	 * legal_basis and appeal_text stay: they are the admin's standard texts
	 * as they were, not about the person. */
	"UPDATE decisions SET motivering = CASE WHEN outcome = 'refused' THEN 'Gallrad' ELSE '' END, end_note = '', "
	"review_clause = '', provider = CASE WHEN support_kind = 'external' THEN 'Gallrad' ELSE '' END, "
	"version = version + 1 WHERE person_id IN (SELECT person_id FROM gallring_guard)",
	NULL
};

int gallring_years(void)
{
	long long y = db_setting_int("gallring_years", 5);
	return y >= 1 && y <= 100 ? (int)y : 5;
}

void gallring_free(struct gallring_result *res)
{
	free(res->persons);
	res->persons = NULL;
	res->n = 0;
}

/* Reads the candidates into res. Returns 0 or -1. */
static int find(const char *today, struct gallring_result *res)
{
	dbstmt *st = db_stmt(candidates_sql);
	if (!st)
		return -1;
	db_bind_named_text(st, ":cutoff", res->cutoff);
	db_bind_named_int(st, ":cut_ts", local_midnight(res->cutoff));
	db_bind_named_text(st, ":today", today);
	size_t cap = 64;
	res->persons = xmalloc(cap * sizeof *res->persons);
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		if (res->n == cap)
			res->persons = xrealloc(res->persons, (cap *= 2) * sizeof *res->persons);
		struct gallring_person *g = &res->persons[res->n++];
		g->id = db_col_int64(st, 0);
		snprintf(g->personkod, sizeof g->personkod, "%s", db_col_text(st, 1));
	}
	db_done(st);
	return rc == DB_DONE ? 0 : -1;
}

/* Weeds the persons in res inside the open transaction. Returns 0 or -1.
 * The run is recorded first: on PostgreSQL the journal's guard lets no row
 * change without it (migrations-pg/0014). */
static int weed(const char *today, long long user_id, const char *via, int years, struct gallring_result *res)
{
	long long now = now_unix();
	dbstmt *st = db_prepare("INSERT INTO gallring_runs(at, by, via, years, cutoff, persons) VALUES(?, ?, ?, ?, ?, ?)");
	if (!st)
		return -1;
	db_bindf(st, "iutiti", now, user_id, via, (long long)years, res->cutoff, (long long)res->n);
	int rc = db_step(st);
	db_finalize(st);
	if (rc != DB_DONE)
		return -1;
	res->run_id = db_last_id();
	for (size_t i = 0; i < res->n; i++) {
		/* the register's code, from the name, before the name goes */
		if (!res->persons[i].personkod[0] && personkod_assign(res->persons[i].id) < 0)
			return -1;
		if (db_execf("INSERT INTO gallring_guard(person_id) VALUES(?)", "i", res->persons[i].id) < 0)
			return -1;
	}
	for (size_t i = 0; blank_sql[i]; i++) {
		st = db_prepare(blank_sql[i]);
		if (!st) {
			fprintf(stderr, "gallring: %s\n", db_errmsg());
			return -1;
		}
		db_bind_named_text(st, ":today", today);
		db_bind_named_int(st, ":now", now);
		if (db_bind_index(st, ":by")) {
			if (user_id)
				db_bind_int64(st, db_bind_index(st, ":by"), user_id);
		}
		rc = db_step(st);
		db_finalize(st);
		if (rc != DB_DONE)
			return -1;
	}
	if (db_execf("DELETE FROM gallring_guard", "") < 0)
		return -1;
	return audit_log(user_id, "update", "gallring", res->run_id, 0);
}

int gallring_run(int years, int dry_run, long long user_id, const char *via, struct gallring_result *res)
{
	memset(res, 0, sizeof *res);
	char today[11];
	date_today(today);
	date_add_months(today, -12 * years, res->cutoff);
	if (dry_run) {
		if (find(today, res) < 0) {
			gallring_free(res);
			return -1;
		}
		return 0;
	}
	/* the old values zeroed where they lay, in the file and the WAL */
	if (db_secure_delete(1) < 0)
		return -1;
	int rc = -1;
	if (db_begin() == 0) {
		if (find(today, res) == 0 && weed(today, user_id, via, years, res) == 0 && db_commit() == 0)
			rc = 0;
		else
			db_rollback();
	}
	if (rc == 0 && res->n > 0) {
		/* the pages the texts were ever on keep stale copies in their free
		 * space (a row rewritten leaves its old cell behind): VACUUM
		 * writes every page anew, the checkpoint copies them into the file
		 * and TRUNCATE empties the WAL that held the old ones */
		db_scrub(&res->vacuumed, &res->checkpointed);	/* the weeding is committed either way */
		if (!res->vacuumed || !res->checkpointed)
			fprintf(stderr, "gallring: run %lld committed, but %s failed; run VACUUM and a checkpoint later\n",
			    res->run_id, res->vacuumed ? "the WAL checkpoint" : "VACUUM");
	}
	db_secure_delete(0);
	if (rc < 0)
		gallring_free(res);
	return rc;
}

/* ---- the admin page ---- */

/* Fills the page's view: the rule, the setting, the past runs. */
static int page_view(struct req *r, int years)
{
	static const char runs_sql[] =
	    "SELECT g.id, date(g.at, 'unixepoch', 'localtime') AS date, g.persons, g.years, g.cutoff, g.via, u.name AS by_name "
	    "FROM gallring_runs g LEFT JOIN users u ON u.id = g.by ORDER BY g.id DESC LIMIT 20";
	dbstmt *st = db_stmt(runs_sql);
	json_t *runs = st ? db_rows_json(st, 0, NULL) : NULL;
	if (!runs)
		return -1;
	json_object_set_new(r->view, "runs", runs);
	json_object_set_new(r->view, "title", json_string("Gallring"));
	json_object_set_new(r->view, "years", json_integer(years));
	char today[11], cutoff[11];
	date_today(today);
	date_add_months(today, -12 * years, cutoff);
	json_object_set_new(r->view, "cutoff", json_string(cutoff));
	return 0;
}

/* The list of a dry run as view.found: [{personkod}] and found_count. */
static void found_view(struct req *r, const struct gallring_result *res)
{
	json_t *a = json_array();
	for (size_t i = 0; i < res->n; i++)
		json_array_append_new(a, json_pack("{s:s}", "personkod", res->persons[i].personkod[0] ?
		    res->persons[i].personkod : arena_printf(&r->arena, "ingen Personkod (löpnummer %lld)", res->persons[i].id)));
	json_object_set_new(r->view, "found", a);
	json_object_set_new(r->view, "found_count", json_integer((json_int_t)res->n));
	view_count(r, r->view, "found_count", "person", "personer");
	json_object_set_new(r->view, "listed", json_true());
}

/* GET /admin/gallring[?lista=1] : the rule and the setting; with lista=1
 * the dry run (count and Personkod, no names) */
int gallring_page(struct req *r)
{
	int years = gallring_years();
	if (page_view(r, years) < 0)
		return http_fail(r, 500, NULL);
	if (http_param(r, "lista")) {
		struct gallring_result res;
		if (gallring_run(years, 1, r->user.id, "web", &res) < 0)
			return http_fail(r, 500, NULL);
		found_view(r, &res);
		gallring_free(&res);
	}
	return 200;
}

/* GET or POST /admin/gallring/confirm : how many will be weeded, and what
 * cannot be undone; its button posts confirmed=1 */
int gallring_confirm(struct req *r)
{
	int years = gallring_years();
	struct gallring_result res;
	if (gallring_run(years, 1, r->user.id, "web", &res) < 0)
		return http_fail(r, 500, NULL);
	size_t n = res.n;
	const char *cutoff = arena_printf(&r->arena, "%s", res.cutoff);
	gallring_free(&res);
	if (n == 0) {
		r->back = "/admin/gallring";
		return http_fail(r, 409, arena_printf(&r->arena, "Ingen person har sin senaste anteckning före %s och "
		    "uppfyller villkoren, så det finns inget att gallra.", cutoff));
	}
	json_t *c = view_confirm(r, "Bekräfta gallringen",
	    arena_printf(&r->arena, "%zu %s vars senaste anteckning är äldre än %s gallras: namn, personnummer, "
	    "födelsedatum, kontaktuppgifter och alla journaltexter tas bort. Personkoden och datumen som statistiken "
	    "behöver finns kvar.", n, plural((long long)n, "person", "personer"), cutoff),
	    "Det som gallras går inte att återställa, inte heller från databasfilen. Äldre säkerhetskopior har "
	    "uppgifterna kvar tills de gallras enligt sina egna rutiner.",
	    "/admin/gallring", "Ja, gallra", "/admin/gallring");
	/* nothing was typed: the facts are what the run found */
	json_object_set_new(c, "facts_heading", json_string("Det som gallras"));
	view_confirm_fact(c, "Antal personer", arena_printf(&r->arena, "%zu", n));
	view_confirm_fact(c, "Senaste anteckning före", cutoff);
	view_confirm_hidden(c, "cutoff", cutoff);
	return 200;
}

/* POST /admin/gallring (confirmed=1 from the confirmation page) */
int gallring_submit(struct req *r)
{
	if (!http_confirmed(r)) {
		r->back = "/admin/gallring";
		return http_fail(r, 400, "Gallringen har inte bekräftats, så ingenting har gallrats. Visa listan och "
		    "bekräfta på sidan som visas.");
	}
	int years = gallring_years();
	struct gallring_result res;
	/* the setting changed since the confirmation page: confirm again */
	char today[11], cutoff[11];
	date_today(today);
	date_add_months(today, -12 * years, cutoff);
	const char *was = http_param(r, "cutoff");
	if (!was || !valid_date(was)) {
		/* not a form the confirmation page sent */
		r->back = "/admin/gallring";
		return http_fail(r, 400, "Formuläret saknar gränsen för gallring eller är inte helt. Ingenting har gallrats; "
		    "visa listan och bekräfta på sidan som visas.");
	}
	if (strcmp(was, cutoff) != 0) {
		r->back = "/admin/gallring";
		return http_fail(r, 409, "Gränsen för gallring har ändrats sedan bekräftelsen visades. Ingenting har "
		    "gallrats; visa listan och bekräfta igen.");
	}
	if (gallring_run(years, 0, r->user.id, "web", &res) < 0)
		return http_fail(r, 500, NULL);
	gallring_free(&res);
	return http_redirect_done(r, "/admin/gallring", DONE_GALLRAD);
}

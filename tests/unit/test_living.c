#define _DEFAULT_SOURCE
/* test_living.c - the rules of living there: the checklist deadline months
 * around month ends and the 10th, the takeover readiness conditions, and
 * add_months in SQL agreeing with date_add_months. */
#include "checklist.h"
#include "date.h"
#include "db.h"
#include "tenancy.h"
#include "check.h"

#include <stdlib.h>
#include <unistd.h>

static void months(const char *today, const char *want_due, const char *want_late)
{
	char due[8], late[8];
	checklist_months(today, due, late);
	CHECK(!strcmp(due, want_due) && !strcmp(late, want_late), "%s: due %s overdue %s, want %s %s", today, due, late,
	    want_due, want_late);
}

/* A tenancy row as the readiness SQL gives it. */
static json_t *row(const char *move_in, const char *ready_date, int arrears, int disturbance)
{
	return json_pack("{s:s, s:s, s:i, s:i}", "move_in_date", move_in, "ready_date", ready_date, "open_arrears", arrears,
	    "open_disturbance", disturbance);
}

static int met(json_t *r, size_t i)
{
	return json_is_true(json_object_get(json_array_get(json_object_get(r, "conditions"), i), "met"));
}

int main(void)
{
	/* the 10th is the last day to send last month's checklist */
	months("2026-11-10", "2026-10", "2026-09");
	months("2026-11-11", "2026-11", "2026-10");
	months("2026-11-30", "2026-11", "2026-10");
	months("2026-12-01", "2026-11", "2026-10");
	months("2027-01-05", "2026-12", "2026-11");
	months("2027-01-10", "2026-12", "2026-11");
	months("2027-01-11", "2027-01", "2026-12");
	months("2024-03-10", "2024-02", "2024-01");
	months("2024-03-11", "2024-03", "2024-02");
	months("2026-02-28", "2026-02", "2026-01");

	/* readiness: every condition shown, each can block */
	json_t *r = row("2026-01-01", "2026-10-01", 0, 0);
	tenancy_readiness(r, "2026-11-25", 9);
	CHECK(json_is_true(json_object_get(r, "ready")), "all met: ready");
	CHECK(json_array_size(json_object_get(r, "conditions")) == 3, "three conditions");
	json_decref(r);
	r = row("2026-03-01", "2026-12-01", 0, 0);
	tenancy_readiness(r, "2026-11-25", 9);
	CHECK(!json_is_true(json_object_get(r, "ready")) && !met(r, 0) && met(r, 1) && met(r, 2), "too early");
	CHECK(strstr(json_string_value(json_object_get(json_array_get(json_object_get(r, "conditions"), 0), "label")),
	    "2026-12-01") != NULL, "says when the time condition is met");
	json_decref(r);
	r = row("2026-01-01", "2026-10-01", 1, 0);
	tenancy_readiness(r, "2026-11-25", 9);
	CHECK(!json_is_true(json_object_get(r, "ready")) && met(r, 0) && !met(r, 1) && met(r, 2), "rent arrears blocks");
	json_decref(r);
	r = row("2026-01-01", "2026-10-01", 0, 2);
	tenancy_readiness(r, "2026-11-25", 9);
	CHECK(!json_is_true(json_object_get(r, "ready")) && met(r, 0) && met(r, 1) && !met(r, 2), "disturbance blocks");
	json_decref(r);
	r = row("2026-01-01", "2026-11-25", 0, 0);
	tenancy_readiness(r, "2026-11-25", 9);
	CHECK(json_is_true(json_object_get(r, "ready")), "ready on the day itself");
	json_decref(r);
	r = json_pack("{s:s, s:s}", "move_in_date", "2025-01-01", "takeover_date", "2025-12-01");
	tenancy_readiness(r, "2026-11-25", 9);
	CHECK(!json_object_get(r, "conditions") && !strcmp(json_string_value(json_object_get(r, "readiness_label")),
	    "Förstahandskontraktet övertaget"), "taken over: no conditions");
	json_decref(r);
	CHECK_STR(tenancy_end_label("evicted"), "Vräkt");
	CHECK_STR(tenancy_end_label("deceased"), "Avliden");

	/* add_months in SQL is date_add_months (clamped), not SQLite's '+N months' */
	char dir[] = "/tmp/bf-living-XXXXXX", path[64], err[200];
	CHECK(mkdtemp(dir) != NULL, "tmpdir");
	snprintf(path, sizeof path, "%s/t.db", dir);
	CHECK(db_migrate(path, err, sizeof err) >= 0 && db_open(path, err, sizeof err) == 0, "db: %s", err);
	const char *cases[][3] = { { "2026-01-31", "1", "2026-02-28" }, { "2024-08-31", "18", "2026-02-28" },
		{ "2026-05-15", "9", "2027-02-15" }, { "2026-03-31", "-1", "2026-02-28" } };
	for (size_t i = 0; i < 4; i++) {
		dbstmt *st = db_prepare("SELECT add_months(?, ?)");
		db_bind_text(st, 1, cases[i][0], -1);
		db_bind_int(st, 2, atoi(cases[i][1]));
		CHECK(db_step(st) == DB_ROW, "add_months row");
		CHECK_STR(db_col_str(st, 0), cases[i][2]);
		db_finalize(st);
	}
	dbstmt *st = db_prepare("SELECT add_months('not a date', 1) IS NULL");
	CHECK(db_step(st) == DB_ROW && db_col_int(st, 0) == 1, "malformed date gives NULL");
	db_finalize(st);
	/* journal entries are append-only */
	CHECK(db_exec("INSERT INTO districts(name, created_at, updated_at) VALUES('X', 0, 0);"
	    "INSERT INTO persons(personnummer, first_name, last_name, district_id, created_at, updated_at) "
	    "VALUES('19800101-0000', 'A', 'B', 1, 0, 0);"
	    "INSERT INTO visits(person_id, date, kind, met, note, created_at) VALUES(1, '2026-01-01', 'home', 1, 'x', 0)") == 0, "insert visit: %s", db_errmsg());
	CHECK(db_exec("UPDATE visits SET note = 'y'") != 0, "visit update refused");
	CHECK(db_exec("DELETE FROM visits") != 0, "visit delete refused");
	db_close_all();
	snprintf(path, sizeof path, "rm -rf %s", dir);
	CHECK(system(path) == 0, "cleanup");
	return check_done();
}

/* test_db.c - migrations (empty database, re-run, newer refused), the
 * statement cache, and the append-only audit table. */
#define _POSIX_C_SOURCE 200809L
#include "db.h"
#include "audit.h"
#include "check.h"

#include <stdlib.h>
#include <time.h>

int main(void)
{
	char dir[] = "/tmp/bf-db-XXXXXX", path[64], err[256];
	CHECK(mkdtemp(dir) != NULL, "tmpdir");
	snprintf(path, sizeof path, "%s/t.db", dir);

	CHECK(db_open(path, err, sizeof err) < 0 && strstr(err, "migrate"), "unmigrated db refused: %s", err);
	int n = db_migrate(path, err, sizeof err);
	CHECK(n == db_known_version() && n >= 1, "all migrations applied: %d (%s)", n, err);
	CHECK(db_migrate(path, err, sizeof err) == 0, "second run applies nothing");
	CHECK(db_open(path, err, sizeof err) == 0, "open: %s", err);

	dbstmt *a = db_stmt("SELECT 1");
	dbstmt *b = db_stmt("SELECT 1");
	CHECK(a != NULL, "prepared");
	static const char sql[] = "SELECT 2";
	CHECK(db_stmt(sql) == db_stmt(sql), "cached by address");
	(void)b;

	dbstmt *st = db_stmt("PRAGMA journal_mode");
	CHECK(db_step(st) == DB_ROW && strcmp(db_col_text(st, 0), "wal") == 0, "WAL");
	db_done(st);
	st = db_stmt("PRAGMA foreign_keys");
	CHECK(db_step(st) == DB_ROW && db_col_int(st, 0) == 1, "foreign keys on");
	db_done(st);
	st = db_stmt("PRAGMA synchronous");
	CHECK(db_step(st) == DB_ROW && db_col_int(st, 0) == 2, "synchronous=FULL");
	db_done(st);

	/* audit is append-only */
	CHECK(audit_log(0, "login_failed", "user", 0, 0) == 0, "audit insert");
	CHECK(db_exec("UPDATE audit SET action = 'read'") < 0, "UPDATE refused");
	CHECK(db_exec("DELETE FROM audit") < 0, "DELETE refused");
	st = db_stmt("SELECT count(*) FROM audit");
	CHECK(db_step(st) == DB_ROW && db_col_int(st, 0) == 1, "row still there");
	db_done(st);
	CHECK(audit_log(0, "nonsense", "user", 0, 0) < 0, "unknown action refused by CHECK");

	/* transactions roll back */
	CHECK(db_begin() == 0, "begin");
	CHECK(db_exec("INSERT INTO districts(name, created_at, updated_at) VALUES('X', 0, 0)") == 0, "insert");
	db_rollback();
	st = db_stmt("SELECT count(*) FROM districts");
	CHECK(db_step(st) == DB_ROW && db_col_int(st, 0) == 0, "rolled back");
	db_done(st);

	/* days_between: calendar days between dates, a Unix time as its local date */
	setenv("TZ", "Europe/Stockholm", 1);
	tzset();
	st = db_stmt("SELECT days_between('2026-01-31', '2026-02-24'), days_between(1792877400, '2026-10-26'), "
	    "days_between('2026-10-26', 1792877400), days_between(NULL, '2026-01-01'), days_between('2026-02-30', '2026-03-01'), "
	    "days_between(date('now', 'localtime'), date('now', 'localtime', '+24 days'))");
	CHECK(st && db_step(st) == DB_ROW, "days_between runs");
	CHECK(db_col_int(st, 0) == 24, "over a month end: %d", db_col_int(st, 0));
	CHECK(db_col_int(st, 1) == 2, "from Saturday 23:30 across the autumn change: %d", db_col_int(st, 1));
	CHECK(db_col_int(st, 2) == -2, "backwards: %d", db_col_int(st, 2));
	CHECK(db_col_type(st, 3) == DB_NULL && db_col_type(st, 4) == DB_NULL, "NULL and a bad date");
	CHECK(db_col_int(st, 5) == 24, "24 days ahead is 24: %d", db_col_int(st, 5));
	db_done(st);

	/* a database from a newer program is refused */
	CHECK(db_exec("INSERT INTO schema_migrations(version, name, applied_at) VALUES(999, 'future.sql', 0)") == 0, "fake future");
	db_close_all();
	CHECK(db_open(path, err, sizeof err) < 0 && strstr(err, "newer"), "newer refused: %s", err);
	CHECK(db_migrate(path, err, sizeof err) < 0, "migrate refuses newer too");

	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	CHECK(system(cmd) == 0, "cleanup");
	return check_done();
}

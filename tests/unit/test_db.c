/* test_db.c - migrations (empty database, re-run, newer refused), the
 * statement cache, and the append-only audit table. */
#define _POSIX_C_SOURCE 200809L
#include "db.h"
#include "audit.h"
#include "check.h"

#include <stdlib.h>

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

	sqlite3_stmt *a = db_stmt("SELECT 1");
	sqlite3_stmt *b = db_stmt("SELECT 1");
	CHECK(a != NULL, "prepared");
	static const char sql[] = "SELECT 2";
	CHECK(db_stmt(sql) == db_stmt(sql), "cached by address");
	(void)b;

	sqlite3_stmt *st = db_stmt("PRAGMA journal_mode");
	CHECK(sqlite3_step(st) == SQLITE_ROW && strcmp(db_col_text(st, 0), "wal") == 0, "WAL");
	db_done(st);
	st = db_stmt("PRAGMA foreign_keys");
	CHECK(sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0) == 1, "foreign keys on");
	db_done(st);
	st = db_stmt("PRAGMA synchronous");
	CHECK(sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0) == 2, "synchronous=FULL");
	db_done(st);

	/* audit is append-only */
	CHECK(audit_log(0, "login_failed", "user", 0, 0) == 0, "audit insert");
	CHECK(db_exec("UPDATE audit SET action = 'read'") < 0, "UPDATE refused");
	CHECK(db_exec("DELETE FROM audit") < 0, "DELETE refused");
	st = db_stmt("SELECT count(*) FROM audit");
	CHECK(sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0) == 1, "row still there");
	db_done(st);
	CHECK(audit_log(0, "nonsense", "user", 0, 0) < 0, "unknown action refused by CHECK");

	/* transactions roll back */
	CHECK(db_begin() == 0, "begin");
	CHECK(db_exec("INSERT INTO districts(name, created_at, updated_at) VALUES('X', 0, 0)") == 0, "insert");
	db_rollback();
	st = db_stmt("SELECT count(*) FROM districts");
	CHECK(sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0) == 0, "rolled back");
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

/*
 * db.c - the storage seam: per-thread connections, the statement cache,
 * transactions, migrations and the row helpers, over SQLite (here) or
 * PostgreSQL (db_pg.c). A dbstmt is a sqlite3_stmt under SQLite and a
 * struct pgstmt under PostgreSQL; one process uses one engine, chosen by
 * db_open/db_migrate from the target's form.
 */
#define _POSIX_C_SOURCE 200809L
#include "db.h"
#include "assets.h"
#include "date.h"
#include "db_pg.h"
#include "form.h"
#include "util.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define LITE(st) ((sqlite3_stmt *)(void *)(st))
#define PG (engine == DB_POSTGRESQL)

struct cached {
	const char *sql;
	dbstmt *st;
};

struct conn {
	sqlite3 *h;		/* SQLite */
	struct pgconn *pg;	/* PostgreSQL */
	struct cached *cache;
	size_t n, cap;
	struct conn *next;
};

static enum db_engine engine;
static char *db_path;
static pthread_mutex_t conns_lock = PTHREAD_MUTEX_INITIALIZER;
static struct conn *conns;
static _Thread_local struct conn *tl;
static const char *plan_log;	/* BF_PLAN_LOG, see log_plan */
static _Thread_local int storage_fault;	/* see db_storage_fault */

enum db_engine db_engine(void)
{
	return engine;
}

int db_is_postgresql(const char *target)
{
	return strncmp(target, "postgresql://", 13) == 0 || strncmp(target, "postgres://", 11) == 0 ||
	    (strchr(target, '=') && !strchr(target, '/'));
}

/* Remembers a result code that says the storage failed: the disk is full
 * (SQLITE_FULL), an I/O error (SQLITE_IOERR_*), or the file cannot be
 * written (SQLITE_READONLY_*). */
static int note(int rc)
{
	int primary = rc & 0xff;
	if (primary == SQLITE_FULL || primary == SQLITE_IOERR || primary == SQLITE_READONLY)
		storage_fault = DB_FAULT_FULL;
	return rc;
}

void db_note_storage_fault(int unknown_commit)
{
	storage_fault = unknown_commit ? DB_FAULT_COMMIT_UNKNOWN : DB_FAULT_UNREACHABLE;
}

int db_storage_fault(void)
{
	return storage_fault;
}

void db_storage_fault_clear(void)
{
	storage_fault = 0;
}

static const char *const pragmas =
    "PRAGMA journal_mode=WAL;"
    "PRAGMA synchronous=FULL;"
    "PRAGMA foreign_keys=ON;"
    "PRAGMA trusted_schema=OFF;";

/* SQL add_months(date, n): date_add_months in SQL, so queries and C agree
 * on month arithmetic (the day is clamped; SQLite's '+n months' is not).
 * NULL for NULL or a malformed date. */
static void sql_add_months(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	const char *d = (const char *)sqlite3_value_text(argv[0]);
	if (!d || !valid_date(d)) {
		sqlite3_result_null(ctx);
		return;
	}
	char out[11];
	date_add_months(d, sqlite3_value_int(argv[1]), out);
	sqlite3_result_text(ctx, out, 10, SQLITE_TRANSIENT);
}

/* Reads a day for days_between: a "YYYY-MM-DD" text as it is, an integer
 * Unix time as its local date. Returns 0, or -1 for NULL or anything else. */
static int sql_day(sqlite3_value *v, char out[11])
{
	if (sqlite3_value_type(v) == SQLITE_INTEGER) {
		date_of(sqlite3_value_int64(v), out);
		return 0;
	}
	const char *d = (const char *)sqlite3_value_text(v);
	if (sqlite3_value_type(v) != SQLITE_TEXT || !d || !valid_date(d))
		return -1;
	memcpy(out, d, 10);
	out[10] = '\0';
	return 0;
}

/* SQL days_between(a, b): whole calendar days from a to b (b - a), each a
 * date or a Unix time taken as its local date; date_diff_days in SQL.
 * Counting days as julianday differences of instants truncated a decision
 * ending in 24 days to 23 whenever the clock was past midnight, and a day
 * across a daylight-saving change is 23 or 25 hours; dates have neither
 * problem. NULL for NULL or a malformed value. */
static void sql_days_between(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	char a[11], b[11];
	if (sql_day(argv[0], a) < 0 || sql_day(argv[1], b) < 0) {
		sqlite3_result_null(ctx);
		return;
	}
	sqlite3_result_int64(ctx, date_diff_days(a, b));
}

/* BF_SLOW_MS=N: statements that ran longer than N ms are printed to
 * stderr with their time (the SQL text only, never the bound values), to
 * find what make bench shows slow. Returns 0 (SQLite ignores it). */
static long long slow_ns;
static int print_if_slow(unsigned type, void *ctx, void *stmt, void *ns)
{
	(void)type;
	(void)ctx;
	long long t = *(long long *)ns;
	if (t >= slow_ns)
		fprintf(stderr, "slow statement: %.1f ms: %.400s\n", (double)t / 1e6, sqlite3_sql(stmt));
	return 0;
}

/* Busy handler: another connection holds the write lock. SQLite's own
 * busy_timeout sleeps in steps growing to 100 ms, which under load left
 * a page waiting a quarter of a second for a write that takes under a
 * millisecond; we poll at 50 us doubling to 1 ms instead, for up to 5 s.
 * Returns nonzero to try again. */
static int wait_for_writer(void *ctx, int count)
{
	(void)ctx;
	static const long limit_us = 5L * 1000 * 1000;
	long step = count < 5 ? 50L << count : 1000;
	long waited = count < 5 ? 50L * ((1L << count) - 1) : 1550 + (count - 5) * 1000L;
	if (waited >= limit_us)
		return 0;
	struct timespec ts = { 0, step * 1000 };
	nanosleep(&ts, NULL);
	return 1;
}

/* Opens path with our settings. Returns the handle or NULL (err set). */
static sqlite3 *open_handle(const char *path, char *err, size_t errlen)
{
	sqlite3 *h = NULL;
	int rc = sqlite3_open_v2(path, &h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
	    SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		snprintf(err, errlen, "cannot open database %s: %s", path,
		    h ? sqlite3_errmsg(h) : sqlite3_errstr(rc));
		sqlite3_close(h);
		return NULL;
	}
	sqlite3_busy_handler(h, wait_for_writer, NULL);
	if (slow_ns)
		sqlite3_trace_v2(h, SQLITE_TRACE_PROFILE, print_if_slow, NULL);
	sqlite3_extended_result_codes(h, 1);
	sqlite3_create_function(h, "add_months", 2, SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS,
	    NULL, sql_add_months, NULL, NULL);
	/* not DETERMINISTIC: a Unix time's local date depends on the zone */
	sqlite3_create_function(h, "days_between", 2, SQLITE_UTF8 | SQLITE_INNOCUOUS, NULL, sql_days_between, NULL, NULL);
	if (sqlite3_exec(h, pragmas, NULL, NULL, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "cannot configure database: %s", sqlite3_errmsg(h));
		sqlite3_close(h);
		return NULL;
	}
	return h;
}

/* The number of migrations this program knows. BOSTADFORST_SCHEMA_CAP=N
 * (tests only: a database made with an older schema, to test the next
 * migration on it) makes the program act as if it knew only the first N. */
int db_known_version(void)
{
	int n = 0;
	for (size_t i = 0; i < nassets; i++)
		if (strncmp(assets[i].path, "migrations/", 11) == 0)
			n++;
	const char *cap = getenv("BOSTADFORST_SCHEMA_CAP");
	if (cap && atoi(cap) > 0 && atoi(cap) < n)
		n = atoi(cap);
	return n;
}

int db_schema_version(sqlite3 *h)
{
	sqlite3_stmt *st;
	int v = 0;
	if (sqlite3_prepare_v2(h, "SELECT count(*) FROM sqlite_master WHERE name='schema_migrations'",
	    -1, &st, NULL) != SQLITE_OK)
		return -1;
	int exists = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0) > 0;
	sqlite3_finalize(st);
	if (!exists)
		return 0;
	if (sqlite3_prepare_v2(h, "SELECT coalesce(max(version),0) FROM schema_migrations",
	    -1, &st, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* Checks version v of the database at target against this program.
 * Returns 0, or -1 with err. */
static int check_version(int v, const char *target, char *err, size_t errlen)
{
	int known = db_known_version();
	if (v < 0) {
		snprintf(err, errlen, "%s is not a bostadforst database", PG ? "the PostgreSQL database" : target);
		return -1;
	}
	if (v > known) {
		snprintf(err, errlen, "database schema version %d is newer than this program (%d); "
		    "refusing to touch it", v, known);
		return -1;
	}
	if (v < known) {
		snprintf(err, errlen, "database schema version %d is older than this program (%d); "
		    "run: bostadforst migrate --db %s", v, known, PG ? "<the same connection string>" : target);
		return -1;
	}
	return 0;
}

int db_open(const char *target, char *err, size_t errlen)
{
	plan_log = getenv("BF_PLAN_LOG");
	const char *slow = getenv("BF_SLOW_MS");
	slow_ns = slow ? atoll(slow) * 1000000LL : 0;
	int v;
	if (db_is_postgresql(target)) {
		engine = DB_POSTGRESQL;
		struct pgconn *c = pg_connect(target, err, errlen);
		if (!c)
			return -1;
		v = pg_schema_version(c);
		pg_disconnect(c);
	} else {
		engine = DB_SQLITE;
		/* no global allocation statistics: they take one process-wide mutex on
		 * every SQLite malloc, which both worker threads then queue on. Only
		 * possible before SQLite initialises; later calls fail harmlessly. */
		sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
		sqlite3 *h = open_handle(target, err, errlen);
		if (!h)
			return -1;
		v = db_schema_version(h);
		sqlite3_close(h);
	}
	if (check_version(v, target, err, errlen) < 0)
		return -1;
	free(db_path);
	db_path = xstrdup(target);
	return 0;
}

/* Returns the embedded PostgreSQL twin of SQLite migration file name
 * ("0001_init.sql"), or NULL when migrations-pg/ lacks it. */
static const struct asset *pg_twin(const char *name)
{
	for (size_t i = 0; i < nassets; i++)
		if (strncmp(assets[i].path, "migrations-pg/", 14) == 0 && strcmp(assets[i].path + 14, name) == 0)
			return &assets[i];
	return NULL;
}

/* db_migrate for PostgreSQL: the SQLite built-ins (functions.sql, replaced
 * every time), then each pending migration in its own transaction, all
 * under an advisory lock so that two nodes started together migrate once. */
static int pg_migrate(const char *target, char *err, size_t errlen)
{
	struct pgconn *c = pg_connect(target, err, errlen);
	if (!c)
		return -1;
	int applied = -1;
	if (pg_exec(c, "SELECT pg_advisory_lock(7352)", err, errlen) < 0)
		goto out;
	const struct asset *fn = pg_twin("functions.sql");
	if (!fn || pg_exec(c, (const char *)fn->data, err, errlen) < 0)
		goto out;
	int v = pg_schema_version(c), known = db_known_version();
	if (v < 0 || v > known) {
		snprintf(err, errlen, v < 0 ? "not a bostadforst database" :
		    "database schema version is newer than this program; refusing");
		goto out;
	}
	/* the tables go into public: the session's search_path puts
	 * sqlite_compat first, for its functions, and CREATE would put them
	 * there (the migrations call none of its functions) */
	if (pg_exec(c, "SET search_path = public, pg_catalog", err, errlen) < 0)
		goto out;
	if (pg_exec(c, "CREATE TABLE IF NOT EXISTS schema_migrations (version bigint PRIMARY KEY, "
	    "name text NOT NULL, applied_at bigint NOT NULL)", err, errlen) < 0)
		goto out;
	applied = 0;
	int n = 0;
	for (size_t i = 0; i < nassets; i++) {
		if (strncmp(assets[i].path, "migrations/", 11) != 0)
			continue;
		if (++n <= v)
			continue;
		if (n > known)
			break;
		const char *name = assets[i].path + 11;
		const struct asset *m = pg_twin(name);
		if (!m) {
			snprintf(err, errlen, "migrations-pg/%s is missing", name);
			applied = -1;
			break;
		}
		char ins[200];
		snprintf(ins, sizeof ins, "INSERT INTO schema_migrations(version, name, applied_at) "
		    "VALUES(%d, '%s', extract(epoch from now())::bigint)", n, name);
		if (pg_exec(c, "BEGIN", err, errlen) < 0 || pg_exec(c, (const char *)m->data, err, errlen) < 0 ||
		    pg_exec(c, ins, err, errlen) < 0 || pg_exec(c, "COMMIT", err, errlen) < 0) {
			char why[400];
			snprintf(why, sizeof why, "%s", err);
			snprintf(err, errlen, "migrations-pg/%s: %s", name, why);
			pg_exec(c, "ROLLBACK", NULL, 0);
			applied = -1;
			break;
		}
		applied++;
	}
	/* the runtime role's privileges, for the tables as they are now */
	const struct asset *gr = pg_twin("grants.sql");
	if (applied >= 0 && (!gr || pg_exec(c, (const char *)gr->data, err, errlen) < 0)) {
		if (!gr)
			snprintf(err, errlen, "migrations-pg/grants.sql is missing");
		applied = -1;
	}
	pg_exec(c, "SELECT pg_advisory_unlock(7352)", NULL, 0);
out:
	pg_disconnect(c);
	if (applied < 0 && strstr(err, "permission denied")) {	/* the app role: say which role migrates */
		size_t len = strlen(err);
		snprintf(err + len, errlen - len, " (run migrate as the database's owner role: README, \"Running on PostgreSQL\")");
	}
	return applied;
}

int db_migrate(const char *target, char *err, size_t errlen)
{
	if (db_is_postgresql(target)) {
		engine = DB_POSTGRESQL;
		return pg_migrate(target, err, errlen);
	}
	engine = DB_SQLITE;
	sqlite3 *h = open_handle(target, err, errlen);
	if (!h)
		return -1;
	int applied = 0;
	int v = db_schema_version(h);
	int known = db_known_version();
	if (v < 0 || v > known) {
		snprintf(err, errlen, v < 0 ? "not a bostadforst database" :
		    "database schema version is newer than this program; refusing");
		goto fail;
	}
	if (sqlite3_exec(h, "CREATE TABLE IF NOT EXISTS schema_migrations ("
	    "version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)",
	    NULL, NULL, NULL) != SQLITE_OK)
		goto sqlfail;
	int n = 0;
	for (size_t i = 0; i < nassets; i++) {
		if (strncmp(assets[i].path, "migrations/", 11) != 0)
			continue;
		n++;
		if (n <= v)
			continue;
		if (n > known)
			break;
		char *msg = NULL;
		if (sqlite3_exec(h, "BEGIN EXCLUSIVE", NULL, NULL, NULL) != SQLITE_OK)
			goto sqlfail;
		if (sqlite3_exec(h, (const char *)assets[i].data, NULL, NULL, &msg) != SQLITE_OK) {
			snprintf(err, errlen, "%s: %s", assets[i].path, msg ? msg : "error");
			sqlite3_free(msg);
			sqlite3_exec(h, "ROLLBACK", NULL, NULL, NULL);
			goto fail;
		}
		sqlite3_stmt *st;
		if (sqlite3_prepare_v2(h, "INSERT INTO schema_migrations(version,name,applied_at) "
		    "VALUES(?,?,strftime('%s','now'))", -1, &st, NULL) != SQLITE_OK)
			goto sqlfail;
		sqlite3_bind_int(st, 1, n);
		sqlite3_bind_text(st, 2, assets[i].path + 11, -1, SQLITE_STATIC);
		int rc = sqlite3_step(st);
		sqlite3_finalize(st);
		if (rc != SQLITE_DONE || sqlite3_exec(h, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
			sqlite3_exec(h, "ROLLBACK", NULL, NULL, NULL);
			goto sqlfail;
		}
		applied++;
	}
	sqlite3_close(h);
	return applied;
sqlfail:
	snprintf(err, errlen, "migration failed: %s", sqlite3_errmsg(h));
fail:
	sqlite3_close(h);
	return -1;
}

/* Returns this thread's connection, opened on first use, or NULL. */
static struct conn *conn(void)
{
	if (tl)
		return tl;
	if (!db_path)
		return NULL;
	char err[256];
	struct conn *c = xcalloc(1, sizeof *c);
	if (PG)
		c->pg = pg_connect(db_path, err, sizeof err);
	else
		c->h = open_handle(db_path, err, sizeof err);
	if (!c->h && !c->pg) {
		fprintf(stderr, "db: %s\n", err);
		free(c);
		storage_fault = PG ? DB_FAULT_UNREACHABLE : DB_FAULT_FULL;
		return NULL;
	}
	pthread_mutex_lock(&conns_lock);
	c->next = conns;
	conns = c;
	pthread_mutex_unlock(&conns_lock);
	tl = c;
	return c;
}

int db_connect(void)
{
	return conn() ? 0 : -1;
}

sqlite3 *db_sqlite(void)
{
	struct conn *c = conn();
	return c ? c->h : NULL;
}

/* BF_PLAN_LOG=FILE: the query plan of every statement db_stmt prepares is
 * appended to FILE (SQL text and plan only, never values), for the test
 * that fails on full scans of big tables (tests/http/plans.test.mjs).
 * PostgreSQL's plans are logged by db_pg.c when it prepares a statement
 * on the server (EXPLAIN of the generic plan). */
static pthread_mutex_t plan_lock = PTHREAD_MUTEX_INITIALIZER;

/* Appends "-- SQL" and the EXPLAIN QUERY PLAN rows (id parent detail) of
 * sql to the plan log. SQLite only. */
static void log_plan(const char *sql)
{
	char *q = sqlite3_mprintf("EXPLAIN QUERY PLAN %s", sql);
	sqlite3_stmt *st;
	if (!q || sqlite3_prepare_v2(tl->h, q, -1, &st, NULL) != SQLITE_OK) {
		sqlite3_free(q);
		return;
	}
	sqlite3_free(q);
	pthread_mutex_lock(&plan_lock);
	FILE *f = fopen(plan_log, "a");
	if (f) {
		fprintf(f, "-- %s\n", sql);
		while (sqlite3_step(st) == SQLITE_ROW)
			fprintf(f, "%d %d %s\n", sqlite3_column_int(st, 0), sqlite3_column_int(st, 1),
			    (const char *)sqlite3_column_text(st, 3));
		fputs("\n", f);
		fclose(f);
	}
	pthread_mutex_unlock(&plan_lock);
	sqlite3_finalize(st);
}

/* Prepares sql on connection c, persistent when cached. Returns NULL and
 * logs on an error. */
static dbstmt *prepare(struct conn *c, const char *sql, int cached)
{
	if (c->pg)
		return pg_prepare(c->pg, sql, cached);
	sqlite3_stmt *st;
	if (note(sqlite3_prepare_v3(c->h, sql, -1, cached ? SQLITE_PREPARE_PERSISTENT : 0, &st, NULL)) != SQLITE_OK) {
		fprintf(stderr, "db: prepare failed: %s\n", sqlite3_errmsg(c->h));
		return NULL;
	}
	return (dbstmt *)(void *)st;
}

dbstmt *db_stmt(const char *sql)
{
	struct conn *c = conn();
	if (!c)
		return NULL;
	for (size_t i = 0; i < c->n; i++)
		if (c->cache[i].sql == sql)
			return c->cache[i].st;
	dbstmt *st = prepare(c, sql, 1);
	if (!st)
		return NULL;
	if (plan_log && !PG)
		log_plan(sql);
	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 32;
		c->cache = xrealloc(c->cache, c->cap * sizeof *c->cache);
	}
	c->cache[c->n++] = (struct cached){ sql, st };
	return st;
}

dbstmt *db_prepare(const char *sql)
{
	struct conn *c = conn();
	return c ? prepare(c, sql, 0) : NULL;
}

void db_finalize(dbstmt *st)
{
	if (!st)
		return;
	if (PG)
		pg_finalize(st);
	else
		sqlite3_finalize(LITE(st));
}

void db_done(dbstmt *st)
{
	if (!st)
		return;
	if (PG) {
		pg_reset(st);
		return;
	}
	note(sqlite3_reset(LITE(st)));	/* the last step's error, if any */
	sqlite3_clear_bindings(LITE(st));
}

int db_step(dbstmt *st)
{
	if (PG)
		return pg_step(st);
	int rc = sqlite3_step(LITE(st));
	if (rc == SQLITE_ROW || rc == SQLITE_DONE)
		return rc;
	note(rc);
	return rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY ? DB_CONSTRAINT_UNIQUE : rc;
}

void db_bind_int64(dbstmt *st, int idx, long long v)
{
	if (PG)
		pg_bind_int64(st, idx, v);
	else
		sqlite3_bind_int64(LITE(st), idx, v);
}

void db_bind_int(dbstmt *st, int idx, int v)
{
	db_bind_int64(st, idx, v);
}

void db_bind_double(dbstmt *st, int idx, double v)
{
	if (PG)
		pg_bind_double(st, idx, v);
	else
		sqlite3_bind_double(LITE(st), idx, v);
}

void db_bind_text(dbstmt *st, int idx, const char *s, int n)
{
	if (!s)
		db_bind_null(st, idx);
	else if (PG)
		pg_bind_text(st, idx, s, n < 0 ? (int)strlen(s) : n);
	else
		sqlite3_bind_text(LITE(st), idx, s, n, SQLITE_TRANSIENT);
}

void db_bind_blob(dbstmt *st, int idx, const void *p, int n)
{
	if (PG)
		pg_bind_blob(st, idx, p, n);
	else
		sqlite3_bind_blob(LITE(st), idx, p, n, SQLITE_TRANSIENT);
}

void db_bind_null(dbstmt *st, int idx)
{
	if (PG)
		pg_bind_null(st, idx);
	else
		sqlite3_bind_null(LITE(st), idx);
}

int db_bind_index(dbstmt *st, const char *name)
{
	return PG ? pg_bind_index(st, name) : sqlite3_bind_parameter_index(LITE(st), name);
}

long long db_col_int64(dbstmt *st, int i)
{
	return PG ? pg_col_int64(st, i) : sqlite3_column_int64(LITE(st), i);
}

int db_col_int(dbstmt *st, int i)
{
	return (int)db_col_int64(st, i);
}

double db_col_double(dbstmt *st, int i)
{
	return PG ? pg_col_double(st, i) : sqlite3_column_double(LITE(st), i);
}

const char *db_col_str(dbstmt *st, int i)
{
	return PG ? pg_col_str(st, i) : (const char *)sqlite3_column_text(LITE(st), i);
}

const void *db_col_blob(dbstmt *st, int i)
{
	return PG ? pg_col_blob(st, i) : sqlite3_column_blob(LITE(st), i);
}

int db_col_bytes(dbstmt *st, int i)
{
	return PG ? pg_col_bytes(st, i) : sqlite3_column_bytes(LITE(st), i);
}

int db_col_type(dbstmt *st, int i)
{
	return PG ? pg_col_type(st, i) : sqlite3_column_type(LITE(st), i);
}

int db_col_count(dbstmt *st)
{
	return PG ? pg_col_count(st) : sqlite3_column_count(LITE(st));
}

const char *db_col_name(dbstmt *st, int i)
{
	return PG ? pg_col_name(st, i) : sqlite3_column_name(LITE(st), i);
}

long long db_last_id(void)
{
	struct conn *c = conn();
	return !c ? 0 : c->pg ? pg_last_id(c->pg) : sqlite3_last_insert_rowid(c->h);
}

int db_changes(void)
{
	struct conn *c = conn();
	return !c ? 0 : c->pg ? pg_changes(c->pg) : sqlite3_changes(c->h);
}

const char *db_errmsg(void)
{
	struct conn *c = conn();
	return !c ? "no database connection" : c->pg ? pg_errmsg(c->pg) : sqlite3_errmsg(c->h);
}

int db_in_transaction(void)
{
	struct conn *c = conn();
	return !c ? 0 : c->pg ? pg_in_transaction(c->pg) : !sqlite3_get_autocommit(c->h);
}

int db_exec(const char *sql)
{
	struct conn *c = conn();
	if (!c)
		return -1;
	if (c->pg) {
		char err[300];
		if (pg_exec(c->pg, sql, err, sizeof err) < 0) {
			fprintf(stderr, "db: %s\n", err);
			return -1;
		}
		return 0;
	}
	char *msg = NULL;
	if (note(sqlite3_exec(c->h, sql, NULL, NULL, &msg)) != SQLITE_OK) {
		fprintf(stderr, "db: %s\n", msg ? msg : "error");
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

int db_has_column(const char *table, const char *column)
{
	static const char lite[] = "SELECT count(*) FROM pragma_table_info(?) WHERE name = ?";
	static const char pg[] = "SELECT count(*) FROM information_schema.columns "
	    "WHERE table_schema = " PG_TABLES_SCHEMA " AND table_name = ? AND column_name = ?";
	dbstmt *st = db_stmt(PG ? pg : lite);
	if (!st)
		return -1;
	db_bindf(st, "tt", table, column);
	int n = db_step(st) == DB_ROW ? db_col_int(st, 0) : -1;
	db_done(st);
	return n < 0 ? -1 : n > 0;
}

int db_lazy_commits(int lazy)
{
	if (PG)
		return db_exec(lazy ? "SET synchronous_commit = off" : "SET synchronous_commit = on");
	return db_exec(lazy ? "PRAGMA synchronous=NORMAL" : "PRAGMA synchronous=FULL");
}

int db_begin(void)
{
	/* 7351: the writers' turn, the same discipline as BEGIN IMMEDIATE */
	return db_exec(PG ? "BEGIN; SELECT pg_advisory_xact_lock(7351)" : "BEGIN IMMEDIATE");
}

int db_commit(void)
{
	return db_exec("COMMIT");
}

void db_rollback(void)
{
	struct conn *c = conn();
	if (!c)
		return;
	if (c->pg) {
		if (pg_in_transaction(c->pg))
			pg_exec(c->pg, "ROLLBACK", NULL, 0);
	} else if (!sqlite3_get_autocommit(c->h))
		note(sqlite3_exec(c->h, "ROLLBACK", NULL, NULL, NULL));
}

void db_rollback_leftover(void)
{
	if (tl && db_in_transaction())
		db_rollback();
}

int db_secure_delete(int on)
{
	if (PG)
		return 0;	/* no such switch: VACUUM in db_scrub does what can be done */
	return db_exec(on ? "PRAGMA secure_delete = ON" : "PRAGMA secure_delete = OFF");
}

void db_scrub(int *vacuumed, int *checkpointed)
{
	if (PG) {
		/* VACUUM by a role that does not own every table (the app role of
		 * README "Running on PostgreSQL") skips them with a warning, not an
		 * error: not attempted then, and *vacuumed says so */
		static const char not_owned[] = "SELECT count(*) FROM pg_class WHERE relkind = 'r' "
		    "AND relnamespace = 'public'::regnamespace AND NOT pg_has_role(relowner, 'USAGE')";
		dbstmt *st = db_stmt(not_owned);
		int owner = st && db_step(st) == DB_ROW && db_col_int64(st, 0) == 0;
		db_done(st);
		*vacuumed = owner && db_exec("VACUUM") == 0;
		*checkpointed = 1;	/* the server's own checkpoints recycle its log */
		return;
	}
	*vacuumed = db_exec("VACUUM") == 0;
	int logn = 0, done = 0;
	*checkpointed = sqlite3_wal_checkpoint_v2(tl->h, NULL, SQLITE_CHECKPOINT_TRUNCATE, &logn, &done) == SQLITE_OK;
}

void db_bind_text_or_null(dbstmt *st, int idx, const char *s)
{
	if (s && *s)
		db_bind_text(st, idx, s, -1);
	else
		db_bind_null(st, idx);
}

const char *db_col_text(dbstmt *st, int i)
{
	const char *s = db_col_str(st, i);
	return s ? s : "";
}

/* Closes connection c and frees its statements. */
static void close_conn(struct conn *c)
{
	for (size_t i = 0; i < c->n; i++)
		db_finalize(c->cache[i].st);
	free(c->cache);
	if (c->pg)
		pg_disconnect(c->pg);
	else
		sqlite3_close(c->h);
	free(c);
}

void db_thread_end(void)
{
	struct conn *c = tl;
	if (!c)
		return;
	pthread_mutex_lock(&conns_lock);
	for (struct conn **pp = &conns; *pp; pp = &(*pp)->next)
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	pthread_mutex_unlock(&conns_lock);
	close_conn(c);
	tl = NULL;
}

void db_close_all(void)
{
	pthread_mutex_lock(&conns_lock);
	struct conn *c = conns;
	conns = NULL;
	pthread_mutex_unlock(&conns_lock);
	while (c) {
		struct conn *next = c->next;
		close_conn(c);
		c = next;
	}
	tl = NULL;
}

void db_bindf(dbstmt *st, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	db_vbindf(st, fmt, ap);
	va_end(ap);
}

void db_vbindf(dbstmt *st, const char *fmt, va_list ap)
{
	for (int i = 0; fmt[i]; i++) {
		int idx = i + 1;
		switch (fmt[i]) {
		case 'i':
			db_bind_int64(st, idx, va_arg(ap, long long));
			break;
		case 't':
			db_bind_text(st, idx, va_arg(ap, const char *), -1);
			break;
		case 'e':
			db_bind_text_or_null(st, idx, va_arg(ap, const char *));
			break;
		case 'n':
			db_bind_null(st, idx);
			break;
		case 'd':
			db_bind_double(st, idx, va_arg(ap, double));
			break;
		case 'u': {
			long long v = va_arg(ap, long long);
			if (v)
				db_bind_int64(st, idx, v);
			else
				db_bind_null(st, idx);
			break;
		}
		default:
			abort();	/* a format letter we do not have is a bug */
		}
	}
}

json_t *db_text_json(const char *s, size_t n)
{
	if (utf8_valid(s, n))
		return json_stringn(s, n);
	struct buf b;
	buf_init(&b);
	buf_utf8_repair(&b, s, n);
	json_t *j = json_stringn(b.data, b.len);
	buf_free(&b);
	return j;
}

json_t *db_row_json(dbstmt *st)
{
	json_t *o = json_object();
	int n = db_col_count(st);
	for (int i = 0; i < n; i++) {
		const char *name = db_col_name(st, i);
		switch (db_col_type(st, i)) {
		case DB_INTEGER:
			json_object_set_new(o, name, json_integer(db_col_int64(st, i)));
			break;
		case DB_FLOAT:
			json_object_set_new(o, name, json_real(db_col_double(st, i)));
			break;
		case DB_TEXT:
			json_object_set_new(o, name, db_text_json(db_col_str(st, i), (size_t)db_col_bytes(st, i)));
			break;
		default:
			break;
		}
	}
	return o;
}

json_t *db_rows_json(dbstmt *st, int max, int *more)
{
	json_t *a = json_array();
	int r, n = 0;
	if (more)
		*more = 0;
	while ((r = db_step(st)) == DB_ROW) {
		if (max && n++ >= max) {
			if (more)
				*more = 1;
			break;
		}
		json_array_append_new(a, db_row_json(st));
	}
	db_done(st);
	if (r != DB_ROW && r != DB_DONE) {
		json_decref(a);
		return NULL;
	}
	return a;
}

int db_write(dbstmt *st, int *changes)
{
	int rc = db_step(st);
	if (changes)
		*changes = db_changes();
	db_done(st);
	return rc;
}

void db_bind_named_int(dbstmt *st, const char *name, long long v)
{
	int i = db_bind_index(st, name);
	if (i)
		db_bind_int64(st, i, v);
}

void db_bind_named_text(dbstmt *st, const char *name, const char *s)
{
	int i = db_bind_index(st, name);
	if (i)
		db_bind_text_or_null(st, i, s);
}

json_t *db_rows_for(const char *sql, long long id)
{
	dbstmt *st = db_stmt(sql);
	if (!st)
		return NULL;
	db_bind_int64(st, 1, id);
	return db_rows_json(st, 0, NULL);
}

json_t *db_row_for(const char *sql, long long id)
{
	dbstmt *st = db_stmt(sql);
	if (!st)
		return NULL;
	db_bind_int64(st, 1, id);
	json_t *o = db_step(st) == DB_ROW ? db_row_json(st) : NULL;
	db_done(st);
	return o;
}

int db_execf(const char *sql, const char *fmt, ...)
{
	dbstmt *st = db_prepare(sql);
	if (!st)
		return -1;
	va_list ap;
	va_start(ap, fmt);
	db_vbindf(st, fmt, ap);
	va_end(ap);
	int rc = db_step(st);
	if (rc != DB_DONE && rc != DB_ROW)	/* the message names a constraint, never a value */
		fprintf(stderr, "db: %s\n", db_errmsg());
	db_finalize(st);
	return rc == DB_DONE || rc == DB_ROW ? 0 : -1;
}

long long db_setting_int(const char *name, long long dflt)
{
	static const char sql[] = "SELECT CAST(value AS INTEGER) FROM settings WHERE name = ?";
	dbstmt *st = db_stmt(sql);
	if (!st)
		return dflt;
	db_bind_text(st, 1, name, -1);
	long long v = db_step(st) == DB_ROW ? db_col_int64(st, 0) : dflt;
	db_done(st);
	return v;
}

/* db.c - per-thread SQLite connections, statement cache, migrations. */
#define _POSIX_C_SOURCE 200809L
#include "db.h"
#include "assets.h"
#include "date.h"
#include "form.h"
#include "util.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct cached {
	const char *sql;
	sqlite3_stmt *st;
};

struct conn {
	sqlite3 *h;
	struct cached *cache;
	size_t n, cap;
	struct conn *next;
};

static char *db_path;
static pthread_mutex_t conns_lock = PTHREAD_MUTEX_INITIALIZER;
static struct conn *conns;
static _Thread_local struct conn *tl;
static const char *plan_log;	/* BF_PLAN_LOG, see log_plan */
static _Thread_local int storage_fault;	/* see db_storage_fault */

/* Remembers a result code that says the storage failed: the disk is full
 * (SQLITE_FULL), an I/O error (SQLITE_IOERR_*), or the file cannot be
 * written (SQLITE_READONLY_*). */
static int note(int rc)
{
	int primary = rc & 0xff;
	if (primary == SQLITE_FULL || primary == SQLITE_IOERR || primary == SQLITE_READONLY)
		storage_fault = 1;
	return rc;
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

int db_open(const char *path, char *err, size_t errlen)
{
	/* no global allocation statistics: they take one process-wide mutex on
	 * every SQLite malloc, which both worker threads then queue on. Only
	 * possible before SQLite initialises; later calls fail harmlessly. */
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	plan_log = getenv("BF_PLAN_LOG");
	const char *slow = getenv("BF_SLOW_MS");
	slow_ns = slow ? atoll(slow) * 1000000LL : 0;
	sqlite3 *h = open_handle(path, err, errlen);
	if (!h)
		return -1;
	int v = db_schema_version(h);
	sqlite3_close(h);
	int known = db_known_version();
	if (v < 0) {
		snprintf(err, errlen, "%s is not a bostadforst database", path);
		return -1;
	}
	if (v > known) {
		snprintf(err, errlen, "database schema version %d is newer than this program (%d); "
		    "refusing to touch it", v, known);
		return -1;
	}
	if (v < known) {
		snprintf(err, errlen, "database schema version %d is older than this program (%d); "
		    "run: bostadforst migrate --db %s", v, known, path);
		return -1;
	}
	free(db_path);
	db_path = xstrdup(path);
	return 0;
}

int db_migrate(const char *path, char *err, size_t errlen)
{
	sqlite3 *h = open_handle(path, err, errlen);
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

sqlite3 *db(void)
{
	if (tl)
		return tl->h;
	if (!db_path)
		return NULL;
	char err[256];
	sqlite3 *h = open_handle(db_path, err, sizeof err);
	if (!h) {
		fprintf(stderr, "db: %s\n", err);
		return NULL;
	}
	struct conn *c = xcalloc(1, sizeof *c);
	c->h = h;
	pthread_mutex_lock(&conns_lock);
	c->next = conns;
	conns = c;
	pthread_mutex_unlock(&conns_lock);
	tl = c;
	return h;
}

/* BF_PLAN_LOG=FILE: the query plan of every statement db_stmt prepares is
 * appended to FILE (SQL text and plan only, never values), for the test
 * that fails on full scans of big tables (tests/http/plans.test.mjs). */
static pthread_mutex_t plan_lock = PTHREAD_MUTEX_INITIALIZER;

/* Appends "-- SQL" and the EXPLAIN QUERY PLAN rows (id parent detail) of
 * sql to the plan log. */
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

sqlite3_stmt *db_stmt(const char *sql)
{
	if (!db())
		return NULL;
	for (size_t i = 0; i < tl->n; i++)
		if (tl->cache[i].sql == sql)
			return tl->cache[i].st;
	sqlite3_stmt *st;
	if (note(sqlite3_prepare_v3(tl->h, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL)) != SQLITE_OK) {
		fprintf(stderr, "db: prepare failed: %s\n", sqlite3_errmsg(tl->h));
		return NULL;
	}
	if (plan_log)
		log_plan(sql);
	if (tl->n == tl->cap) {
		tl->cap = tl->cap ? tl->cap * 2 : 32;
		tl->cache = xrealloc(tl->cache, tl->cap * sizeof *tl->cache);
	}
	tl->cache[tl->n++] = (struct cached){ sql, st };
	return st;
}

void db_done(sqlite3_stmt *st)
{
	if (st) {
		note(sqlite3_reset(st));	/* the last step's error, if any */
		sqlite3_clear_bindings(st);
	}
}

int db_exec(const char *sql)
{
	sqlite3 *h = db();
	if (!h)
		return -1;
	char *msg = NULL;
	if (note(sqlite3_exec(h, sql, NULL, NULL, &msg)) != SQLITE_OK) {
		fprintf(stderr, "db: %s\n", msg ? msg : "error");
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

int db_lazy_commits(int lazy)
{
	return db_exec(lazy ? "PRAGMA synchronous=NORMAL" : "PRAGMA synchronous=FULL");
}

int db_begin(void)
{
	return db_exec("BEGIN IMMEDIATE");
}

int db_commit(void)
{
	return db_exec("COMMIT");
}

void db_rollback(void)
{
	sqlite3 *h = db();
	if (h && !sqlite3_get_autocommit(h))
		note(sqlite3_exec(h, "ROLLBACK", NULL, NULL, NULL));
}

void db_bind_text_or_null(sqlite3_stmt *st, int idx, const char *s)
{
	if (s && *s)
		sqlite3_bind_text(st, idx, s, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, idx);
}

const char *db_col_text(sqlite3_stmt *st, int i)
{
	const unsigned char *s = sqlite3_column_text(st, i);
	return s ? (const char *)s : "";
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
	for (size_t i = 0; i < c->n; i++)
		sqlite3_finalize(c->cache[i].st);
	free(c->cache);
	sqlite3_close(c->h);
	free(c);
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
		for (size_t i = 0; i < c->n; i++)
			sqlite3_finalize(c->cache[i].st);
		free(c->cache);
		sqlite3_close(c->h);
		free(c);
		c = next;
	}
	tl = NULL;
}

void db_bindf(sqlite3_stmt *st, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	db_vbindf(st, fmt, ap);
	va_end(ap);
}

void db_vbindf(sqlite3_stmt *st, const char *fmt, va_list ap)
{
	for (int i = 0; fmt[i]; i++) {
		int idx = i + 1;
		switch (fmt[i]) {
		case 'i':
			sqlite3_bind_int64(st, idx, va_arg(ap, long long));
			break;
		case 't': {
			const char *s = va_arg(ap, const char *);
			if (s)
				sqlite3_bind_text(st, idx, s, -1, SQLITE_TRANSIENT);
			else
				sqlite3_bind_null(st, idx);
			break;
		}
		case 'e':
			db_bind_text_or_null(st, idx, va_arg(ap, const char *));
			break;
		case 'n':
			sqlite3_bind_null(st, idx);
			break;
		case 'd':
			sqlite3_bind_double(st, idx, va_arg(ap, double));
			break;
		case 'u': {
			long long v = va_arg(ap, long long);
			if (v)
				sqlite3_bind_int64(st, idx, v);
			else
				sqlite3_bind_null(st, idx);
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

json_t *db_row_json(sqlite3_stmt *st)
{
	json_t *o = json_object();
	int n = sqlite3_column_count(st);
	for (int i = 0; i < n; i++) {
		const char *name = sqlite3_column_name(st, i);
		switch (sqlite3_column_type(st, i)) {
		case SQLITE_INTEGER:
			json_object_set_new(o, name, json_integer(sqlite3_column_int64(st, i)));
			break;
		case SQLITE_FLOAT:
			json_object_set_new(o, name, json_real(sqlite3_column_double(st, i)));
			break;
		case SQLITE_TEXT:
			json_object_set_new(o, name, db_text_json((const char *)sqlite3_column_text(st, i),
			    (size_t)sqlite3_column_bytes(st, i)));
			break;
		default:
			break;
		}
	}
	return o;
}

json_t *db_rows_json(sqlite3_stmt *st, int max, int *more)
{
	json_t *a = json_array();
	int r, n = 0;
	if (more)
		*more = 0;
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		if (max && n++ >= max) {
			if (more)
				*more = 1;
			break;
		}
		json_array_append_new(a, db_row_json(st));
	}
	db_done(st);
	if (r != SQLITE_ROW && r != SQLITE_DONE) {
		json_decref(a);
		return NULL;
	}
	return a;
}

int db_write(sqlite3_stmt *st, int *changes)
{
	int rc = sqlite3_step(st);
	if (changes)
		*changes = sqlite3_changes(sqlite3_db_handle(st));
	db_done(st);
	return rc;
}

void db_bind_named_int(sqlite3_stmt *st, const char *name, long long v)
{
	int i = sqlite3_bind_parameter_index(st, name);
	if (i)
		sqlite3_bind_int64(st, i, v);
}

void db_bind_named_text(sqlite3_stmt *st, const char *name, const char *s)
{
	int i = sqlite3_bind_parameter_index(st, name);
	if (i)
		db_bind_text_or_null(st, i, s);
}

json_t *db_rows_for(const char *sql, long long id)
{
	sqlite3_stmt *st = db_stmt(sql);
	if (!st)
		return NULL;
	sqlite3_bind_int64(st, 1, id);
	return db_rows_json(st, 0, NULL);
}

json_t *db_row_for(const char *sql, long long id)
{
	sqlite3_stmt *st = db_stmt(sql);
	if (!st)
		return NULL;
	sqlite3_bind_int64(st, 1, id);
	json_t *o = sqlite3_step(st) == SQLITE_ROW ? db_row_json(st) : NULL;
	db_done(st);
	return o;
}

int db_execf(const char *sql, const char *fmt, ...)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db(), sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	va_list ap;
	va_start(ap, fmt);
	db_vbindf(st, fmt, ap);
	va_end(ap);
	int rc = note(sqlite3_step(st));
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)	/* the message names a constraint, never a value */
		fprintf(stderr, "db: %s\n", sqlite3_errmsg(db()));
	sqlite3_finalize(st);
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : -1;
}

long long db_setting_int(const char *name, long long dflt)
{
	static const char sql[] = "SELECT CAST(value AS INTEGER) FROM settings WHERE name = ?";
	sqlite3_stmt *st = db_stmt(sql);
	if (!st)
		return dflt;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	long long v = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : dflt;
	db_done(st);
	return v;
}

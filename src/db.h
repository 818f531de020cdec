/*
 * db.h - SQLite access: one connection per thread (opened on first use),
 * statements prepared once per connection and cached, short write
 * transactions with BEGIN IMMEDIATE, numbered migrations.
 *
 * Schema conventions (migrations/): every editable table has
 * version INTEGER NOT NULL DEFAULT 1 (optimistic locking: an UPDATE says
 * "WHERE id = ? AND version = ?" and bumps it), created_at, created_by,
 * updated_at, updated_by. Instants are INTEGER Unix seconds (UTC); calendar
 * dates are TEXT 'YYYY-MM-DD'. Nothing is deleted: rows end with an
 * end date or an active flag.
 */
#ifndef BF_DB_H
#define BF_DB_H

/* Upper bound for a keyset walk down the primary key: "id < coalesce(:after,
 * KEYSET_MAX)" is a range SQLite searches by rowid, where "(:after IS NULL OR
 * id < :after)" hides the range and reads the table from its end. */
#define KEYSET_MAX "9223372036854775807"

#include <jansson.h>
#include <stdarg.h>
#include <stddef.h>

/*
 * The storage seam. Handlers see only these types and calls; the engine
 * behind them is SQLite (--db PATH) or PostgreSQL (--db postgresql://...),
 * chosen once by db_open/db_migrate. The SQL is written once in SQLite's
 * dialect: the PostgreSQL engine (db_pg.c) turns ?, ?N and :name into $N
 * and drops SQLite's index hints, and migrations-pg/functions.sql gives
 * PostgreSQL the SQLite built-ins the queries call. docs/postgresql.md
 * lists every difference and where it is kept.
 */
typedef struct dbstmt dbstmt;

/* Result codes of db_step and db_write: the values SQLite uses, so the
 * SQLite engine passes its own codes through. */
enum {
	DB_OK = 0,
	DB_ERROR = 1,
	DB_CONSTRAINT = 19,
	DB_ROW = 100,
	DB_DONE = 101,
	DB_CONSTRAINT_UNIQUE = 19 | (8 << 8),	/* SQLITE_CONSTRAINT_UNIQUE */
};

/* Column types of db_col_type, SQLite's fundamental types. */
enum { DB_INTEGER = 1, DB_FLOAT = 2, DB_TEXT = 3, DB_BLOB = 4, DB_NULL = 5 };

/* Which engine db_open chose. */
enum db_engine { DB_SQLITE, DB_POSTGRESQL };
enum db_engine db_engine(void);

/* Returns 1 when target names a PostgreSQL database (a postgresql:// or
 * postgres:// URL, or a libpq "key=value" string), else 0 (a file). */
int db_is_postgresql(const char *target);

/*
 * Remembers target (a SQLite file or a PostgreSQL connection string) for
 * the per-thread connections and checks the schema: returns 0 when the
 * database is at this binary's version, -1 with err when it is older (run
 * migrate) or newer (refuse).
 */
int db_open(const char *target, char *err, size_t errlen);

/* Applies pending migrations to target (migrations/ for SQLite,
 * migrations-pg/ for PostgreSQL, the same numbers). Returns the number
 * applied or -1. */
int db_migrate(const char *target, char *err, size_t errlen);

/* Returns the number of migrations built into this binary. */
int db_known_version(void);

/* Returns the highest migration applied to the SQLite database on h, 0
 * when it has no schema_migrations table (a new or foreign file), -1 on
 * error (not a database, or unreadable). For backup.c's own handles. */
struct sqlite3;
int db_schema_version(struct sqlite3 *h);

/* Returns 0 when this thread's connection is open (opened on first use),
 * -1 when the database cannot be reached (logged). */
int db_connect(void);

/* Returns this thread's SQLite handle, NULL under PostgreSQL: for the few
 * SQLite-only operations (unit tests, the file checkpoint). */
struct sqlite3 *db_sqlite(void);

/*
 * Returns the cached prepared statement for sql on this thread's
 * connection. sql must be a string with static storage: the cache is keyed
 * by its address. Returns NULL (and logs) on a SQL error. After use call
 * db_done(). The connection owns the statement.
 */
dbstmt *db_stmt(const char *sql);

/* Returns a statement for sql that is not cached (one-off and seeding
 * statements), or NULL. The caller frees it with db_finalize. */
dbstmt *db_prepare(const char *sql);
void db_finalize(dbstmt *st);

/* Resets st and clears its bindings; st stays cached. */
void db_done(dbstmt *st);

/* Steps st: DB_ROW, DB_DONE, or an error code (DB_CONSTRAINT_UNIQUE for a
 * unique constraint, DB_ERROR for anything else). */
int db_step(dbstmt *st);

/* Binding by position (1-based). Text and blobs are copied. n < 0 for a
 * NUL-terminated text. */
void db_bind_int64(dbstmt *st, int idx, long long v);
void db_bind_int(dbstmt *st, int idx, int v);
void db_bind_double(dbstmt *st, int idx, double v);
void db_bind_text(dbstmt *st, int idx, const char *s, int n);
void db_bind_blob(dbstmt *st, int idx, const void *p, int n);
void db_bind_null(dbstmt *st, int idx);

/* Returns the position of the named parameter (":name"), 0 when st has
 * none by that name. */
int db_bind_index(dbstmt *st, const char *name);

/* Columns of the current row (0-based). db_col_str returns NULL for NULL;
 * text and blobs stay valid until the next step or reset. */
long long db_col_int64(dbstmt *st, int i);
int db_col_int(dbstmt *st, int i);
double db_col_double(dbstmt *st, int i);
const char *db_col_str(dbstmt *st, int i);
const void *db_col_blob(dbstmt *st, int i);
int db_col_bytes(dbstmt *st, int i);
int db_col_type(dbstmt *st, int i);
int db_col_count(dbstmt *st);
const char *db_col_name(dbstmt *st, int i);

/* The id the last INSERT on this thread's connection gave its row. */
long long db_last_id(void);

/* Rows changed by the last statement on this thread's connection. */
int db_changes(void);

/* The last error message on this thread's connection (never values). */
const char *db_errmsg(void);

/* Returns 1 inside an open transaction on this thread's connection. */
int db_in_transaction(void);

/* Transactions on this thread's connection. Return 0 or -1. Writers take
 * turns: SQLite's BEGIN IMMEDIATE, a transaction-scoped advisory lock on
 * PostgreSQL, so a handler's read-check-write never interleaves another's. */
int db_begin(void);
int db_commit(void);
void db_rollback(void);

/* Rolls back a transaction left open on this thread's connection (by a
 * handler that answered without closing it), without opening a
 * connection. For the start of a request. */
void db_rollback_leftover(void);

/* Sets how this thread's connection commits, outside a transaction:
 * lazy 1 without waiting for the disk (SQLite synchronous=NORMAL,
 * PostgreSQL synchronous_commit=off: the commit survives a crash of the
 * server, a power cut may lose it), 0 back to the default. For data that
 * may be lost (login throttling). Returns 0 or -1. */
int db_lazy_commits(int lazy);

/* Gallring's scrubbing of deleted text: secure_delete on or off (SQLite;
 * nothing to do on PostgreSQL), and after the weeding, pages written anew
 * (VACUUM) and the log emptied (SQLite's checkpoint). *vacuumed and
 * *checkpointed say what succeeded. */
int db_secure_delete(int on);
void db_scrub(int *vacuumed, int *checkpointed);

/*
 * Returns what failed in the storage since the last db_storage_fault_clear
 * on this thread: 0 nothing, DB_FAULT_FULL for SQLite's disk full, I/O
 * error or unwritable file, DB_FAULT_UNREACHABLE for PostgreSQL's lost
 * connection, a read-only server (a standby during a failover), a
 * shutdown or a serialization failure; DB_FAULT_COMMIT_UNKNOWN when the
 * connection was lost while a write was being committed (it may or may
 * not have been kept). The request path clears it before
 * a handler and answers such a failure with 503 and Retry-After instead of
 * 500.
 */
enum { DB_FAULT_FULL = 1, DB_FAULT_UNREACHABLE = 2, DB_FAULT_COMMIT_UNKNOWN = 3 };
int db_storage_fault(void);
void db_storage_fault_clear(void);

/* Returns 1 when table has column (a database made with an older schema
 * may lack it), 0 when not, -1 on error. */
int db_has_column(const char *table, const char *column);

/* Runs sql (no results) on this thread's connection. Returns 0 or -1. */
int db_exec(const char *sql);

/* Binds text or NULL when s is NULL or empty. */
void db_bind_text_or_null(dbstmt *st, int idx, const char *s);

/* Returns column i as a string, "" for NULL (owned by the statement,
 * valid until the next step/reset). */
const char *db_col_text(dbstmt *st, int i);

/*
 * Binds parameters 1.. from fmt: 'i' long long, 'u' long long where 0
 * binds NULL (a user id that may be "the system"), 't' const char * (NULL
 * binds NULL), 'e' const char * where NULL or "" binds NULL, 'd' double, 'n' NULL.
 */
void db_bindf(dbstmt *st, const char *fmt, ...);
void db_vbindf(dbstmt *st, const char *fmt, va_list ap);

/* Binds a named parameter (":name") when the statement has it; text binds
 * NULL for NULL or "". */
void db_bind_named_int(dbstmt *st, const char *name, long long v);
void db_bind_named_text(dbstmt *st, const char *name, const char *s);

/* Returns a JSON string of stored text s[0..n); bytes that are not
 * well-formed UTF-8 become U+FFFD, so a stored value is never dropped (a
 * NULL from json_stringn would make a column silently vanish). New
 * reference. */
json_t *db_text_json(const char *s, size_t n);

/* Returns the current row as an object keyed by column name (integers,
 * reals, strings; NULL columns are left out). New reference. */
json_t *db_row_json(dbstmt *st);

/* Steps st collecting rows (at most max; 0 = no limit) into a new array;
 * *more (when not NULL) says whether rows remained beyond max. Calls
 * db_done. Returns NULL on a database error. */
json_t *db_rows_json(dbstmt *st, int max, int *more);

/* Runs sql (a static string whose only parameter, ?, ?1 or one name used
 * throughout, is an id) and returns all its rows, or NULL on error. */
json_t *db_rows_for(const char *sql, long long id);

/* As db_rows_for, but returns the first row only (NULL when none). */
json_t *db_row_for(const char *sql, long long id);

/* Steps a write statement once and calls db_done. Returns the result code
 * (DB_DONE on success); *changes gets the rows changed when not NULL. */
int db_write(dbstmt *st, int *changes);

/* Prepares sql (not cached: for one-off and seeding statements), binds
 * fmt as db_bindf and steps it once. Returns 0 or -1. */
int db_execf(const char *sql, const char *fmt, ...);

/* Returns the integer setting name from the settings table, or dflt. */
long long db_setting_int(const char *name, long long dflt);

/* Closes the calling thread's connection (for a short-lived helper thread
 * that used the database; the workers keep theirs until db_close_all). */
void db_thread_end(void);

/* Closes every thread's connection. Call after the workers stopped. */
void db_close_all(void);

#endif

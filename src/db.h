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
#include <sqlite3.h>
#include <stdarg.h>
#include <stddef.h>

/*
 * Remembers path for the per-thread connections and checks the schema:
 * returns 0 when the database is at this binary's version, -1 with err
 * when it is older (run migrate) or newer (refuse).
 */
int db_open(const char *path, char *err, size_t errlen);

/* Applies pending migrations to path. Returns the number applied or -1. */
int db_migrate(const char *path, char *err, size_t errlen);

/* Returns the number of migrations built into this binary. */
int db_known_version(void);

/* Returns the highest migration applied to the database on h, 0 when it
 * has no schema_migrations table (a new or foreign file), -1 on error (not
 * a database, or unreadable). */
int db_schema_version(sqlite3 *h);

/* Returns this thread's connection (opened on first use), never NULL
 * unless the database cannot be opened (then logs and returns NULL). */
sqlite3 *db(void);

/*
 * Returns the cached prepared statement for sql on this thread's
 * connection. sql must be a string with static storage: the cache is keyed
 * by its address. Returns NULL (and logs) on a SQL error. After use call
 * db_done(). The connection owns the statement.
 */
sqlite3_stmt *db_stmt(const char *sql);

/* Resets st and clears its bindings; st stays cached. */
void db_done(sqlite3_stmt *st);

/* Transactions on this thread's connection. Return 0 or -1. */
int db_begin(void);
int db_commit(void);
void db_rollback(void);

/* Sets how this thread's connection commits, outside a transaction:
 * lazy 1 without waiting for the disk (synchronous=NORMAL: the commit
 * survives a crash of the server, a power cut may lose it), 0 back to
 * the default FULL. For data that may be lost (login throttling).
 * Returns 0 or -1. */
int db_lazy_commits(int lazy);

/*
 * Returns 1 when, since the last db_storage_fault_clear on this thread,
 * SQLite reported that the storage failed: disk full (SQLITE_FULL), an I/O
 * error (SQLITE_IOERR) or an unwritable file (SQLITE_READONLY), seen by
 * db_done (a cached statement's last step), db_exec (BEGIN, COMMIT),
 * db_execf, db_rollback or db_stmt. The request path clears it before a
 * handler and answers such a failure with 503 instead of 500.
 */
int db_storage_fault(void);
void db_storage_fault_clear(void);

/* Runs sql (no results) on this thread's connection. Returns 0 or -1. */
int db_exec(const char *sql);

/* Binds text or NULL when s is NULL or empty. */
void db_bind_text_or_null(sqlite3_stmt *st, int idx, const char *s);

/* Returns column i as a string, "" for NULL (owned by SQLite, valid until
 * the next step/reset). */
const char *db_col_text(sqlite3_stmt *st, int i);

/*
 * Binds parameters 1.. from fmt: 'i' long long, 'u' long long where 0
 * binds NULL (a user id that may be "the system"), 't' const char * (NULL
 * binds NULL), 'e' const char * where NULL or "" binds NULL, 'd' double, 'n' NULL.
 */
void db_bindf(sqlite3_stmt *st, const char *fmt, ...);
void db_vbindf(sqlite3_stmt *st, const char *fmt, va_list ap);

/* Binds a named parameter (":name") when the statement has it; text binds
 * NULL for NULL or "". */
void db_bind_named_int(sqlite3_stmt *st, const char *name, long long v);
void db_bind_named_text(sqlite3_stmt *st, const char *name, const char *s);

/* Returns a JSON string of stored text s[0..n); bytes that are not
 * well-formed UTF-8 become U+FFFD, so a stored value is never dropped (a
 * NULL from json_stringn would make a column silently vanish). New
 * reference. */
json_t *db_text_json(const char *s, size_t n);

/* Returns the current row as an object keyed by column name (integers,
 * reals, strings; NULL columns are left out). New reference. */
json_t *db_row_json(sqlite3_stmt *st);

/* Steps st collecting rows (at most max; 0 = no limit) into a new array;
 * *more (when not NULL) says whether rows remained beyond max. Calls
 * db_done. Returns NULL on a database error. */
json_t *db_rows_json(sqlite3_stmt *st, int max, int *more);

/* Runs sql (a static string whose only parameter, ?, ?1 or one name used
 * throughout, is an id) and returns all its rows, or NULL on error. */
json_t *db_rows_for(const char *sql, long long id);

/* As db_rows_for, but returns the first row only (NULL when none). */
json_t *db_row_for(const char *sql, long long id);

/* Steps a write statement once and calls db_done. Returns the result code
 * (SQLITE_DONE on success); *changes gets the rows changed when not NULL. */
int db_write(sqlite3_stmt *st, int *changes);

/* Prepares sql (not cached: for one-off and seeding statements), binds
 * fmt as db_bindf and steps it once. Returns 0 or -1. */
int db_execf(const char *sql, const char *fmt, ...);

/* Returns the integer setting name from the settings table, or dflt. */
long long db_setting_int(const char *name, long long dflt);

/* Closes the calling thread's connection (for a short-lived helper thread
 * that used db(); the workers keep theirs until db_close_all). */
void db_thread_end(void);

/* Closes every thread's connection. Call after the workers stopped. */
void db_close_all(void);

#endif

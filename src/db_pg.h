/*
 * db_pg.h - the PostgreSQL engine behind db.h (libpq). Only db.c calls
 * these; handlers use db.h. A dbstmt here is a struct pgstmt.
 */
#ifndef BF_DB_PG_H
#define BF_DB_PG_H

#include "db.h"

#include <stddef.h>

struct pgconn;

/* SQL for the schema the tables are in: schema_migrations' (public as the
 * migrations make it). The session's search_path starts with
 * sqlite_compat, so current_schema() would name that one. */
#define PG_TABLES_SCHEMA "(SELECT n.nspname FROM pg_class k JOIN pg_namespace n ON n.oid = k.relnamespace " \
	"WHERE k.oid = to_regclass('schema_migrations'))"

/* Connects to target (a libpq connection string or URL) and sets the
 * session up (search_path with the SQLite built-ins first, the local time
 * zone, UTF-8). Returns the connection, or NULL with err. */
struct pgconn *pg_connect(const char *target, char *err, size_t errlen);
void pg_disconnect(struct pgconn *c);

/* Returns the highest migration applied, 0 without schema_migrations, -1
 * on error. */
int pg_schema_version(struct pgconn *c);

/* Runs sql (one or more statements, no parameters). Returns 0, or -1
 * with the server's message in err when err is not NULL. */
int pg_exec(struct pgconn *c, const char *sql, char *err, size_t errlen);

/* Returns a statement for sql (SQLite's dialect, translated once). The
 * server-side statement is prepared at the first step and again after a
 * reconnect; one that is not cached runs unnamed. Free with pg_finalize. */
dbstmt *pg_prepare(struct pgconn *c, const char *sql, int cached);
void pg_finalize(dbstmt *st);
int pg_step(dbstmt *st);
void pg_reset(dbstmt *st);

void pg_bind_int64(dbstmt *st, int idx, long long v);
void pg_bind_double(dbstmt *st, int idx, double v);
void pg_bind_text(dbstmt *st, int idx, const char *s, int n);
void pg_bind_blob(dbstmt *st, int idx, const void *p, int n);
void pg_bind_null(dbstmt *st, int idx);
int pg_bind_index(dbstmt *st, const char *name);

long long pg_col_int64(dbstmt *st, int i);
double pg_col_double(dbstmt *st, int i);
const char *pg_col_str(dbstmt *st, int i);
const void *pg_col_blob(dbstmt *st, int i);
int pg_col_bytes(dbstmt *st, int i);
int pg_col_type(dbstmt *st, int i);
int pg_col_count(dbstmt *st);
const char *pg_col_name(dbstmt *st, int i);

long long pg_last_id(struct pgconn *c);
int pg_changes(struct pgconn *c);
const char *pg_errmsg(struct pgconn *c);
int pg_in_transaction(struct pgconn *c);

/*
 * Translates SQL written for SQLite into PostgreSQL's form: ?, ?N and
 * :name become $N numbered as SQLite numbers them; SQLite's planner hints
 * (INDEXED BY x, a unary + before a column, CROSS JOIN ... ON for a fixed
 * join order) become plain SQL; a subquery in FROM without a name gets
 * one (sqN); char(N) becomes
 * chr(N); an INSERT into a table in id_tables (space-separated names,
 * NULL for none) gets "RETURNING id" so db_last_id can answer. Returns a
 * new string; *nparams gets the highest $N, names (when not NULL) a new
 * array of nparams names (NULL for positional ones), *returning 1 when
 * RETURNING id was added. The caller frees all.
 */
char *pg_translate(const char *sql, const char *id_tables, int *nparams, char ***names, int *returning);

/* Tells db.c that the database cannot be reached (see db_storage_fault);
 * unknown_commit: while a write was being committed. */
void db_note_storage_fault(int unknown_commit);

#endif

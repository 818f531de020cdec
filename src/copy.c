/*
 * copy.c - `bostadforst copy --from FILE.db --to postgresql://...`: an
 * installation moved from SQLite to PostgreSQL.
 *
 * The source is opened read-only and read in one read transaction (one
 * snapshot, even while a server writes to it: in WAL mode a reader blocks
 * no writer). Its schema version must be this program's: the tables and
 * columns are then the ones migrations-pg/ makes. The target is migrated
 * first (db_migrate: a new database gets the schema and the app role's
 * grants) and must be empty: no row in any table but schema_migrations and
 * the configuration tables the migrations seed (SEEDED below: their rows are
 * replaced by the source's, which began as the same seeds and hold what the
 * admin changed since). A migration that seeds another table must add it to
 * SEEDED, or copy refuses every new database (tests/http/copy.test.mjs).
 *
 * Everything happens in one PostgreSQL transaction, as the role that owns
 * the tables (the owner of README "Running on PostgreSQL", not the app
 * role; a superuser is not needed):
 *   - every foreign key is made DEFERRABLE INITIALLY DEFERRED for the
 *     transaction, so that neither the order of the tables nor the cycles
 *     (districts.created_by -> users, users.district_id -> districts) stop
 *     a row; SET CONSTRAINTS ALL IMMEDIATE checks them all once the rows
 *     are in, and the keys are made NOT DEFERRABLE again;
 *   - the tables' own triggers are disabled (DISABLE TRIGGER USER; ALL
 *     would need a superuser for the foreign keys' internal triggers): the
 *     ones that keep data (persons_search_*, tenancies_housed_*, the
 *     decisions_old_style_* that add a housing twin) would change or add
 *     rows the source already has as they were; enabled again before the
 *     commit;
 *   - each table goes over with COPY FROM STDIN, every column by name, each
 *     value as SQLite stored it (integer, real, text, blob or NULL; a
 *     bytea column takes the bytes of whatever is stored);
 *   - the identity sequences are moved past the copied ids
 *     (sqlite_compat.bf_sync_identities);
 *   - the rows per table are counted on both sides and printed; any
 *     difference rolls everything back.
 * The locks the ALTER TABLEs take keep a server off the tables until the
 * commit. Error messages name tables, columns and constraints, never a
 * value (PostgreSQL's DETAIL and the quoted value in a COPY error are left
 * out).
 */
#define _POSIX_C_SOURCE 200809L
#include "copy.h"
#include "db.h"
#include "util.h"

#include <libpq-fe.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The tables the migrations put rows in (0002, 0003, 0004, 0013, 0014). */
static const char *const SEEDED[] = { "assignment_texts", "config_items", "decision_texts", "settings", NULL };

#define COPY_CHUNK 65536

struct table {
	char *name;
	long long src_rows, sent, dst_rows;
};

/* Prints "bostadforst: copy: " and the message on stderr. */
__attribute__((format(printf, 1, 2))) static void say(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("bostadforst: copy: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

/* Appends s[0..n) to b without what follows the first ": " (where
 * PostgreSQL puts the value in "invalid input syntax for type bigint:
 * "x"" and in a COPY context). */
static void put_cut(struct buf *b, const char *s)
{
	if (!s)
		return;
	const char *colon = strstr(s, ": ");
	const char *nl = strchr(s, '\n');
	size_t n = colon ? (size_t)(colon - s) : strlen(s);
	if (nl && (size_t)(nl - s) < n)
		n = (size_t)(nl - s);
	buf_append(b, s, n);
}

/* Prints what a failed result says, without values: the message cut at
 * its first ": ", the SQLSTATE, the column and constraint, and the COPY
 * context (table, line, column). what says what was being done. */
static void say_pg(PGconn *pg, const PGresult *r, const char *what)
{
	struct buf b;
	buf_init(&b);
	const char *msg = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	if (msg)
		put_cut(&b, msg);
	else
		put_cut(&b, PQerrorMessage(pg));
	const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
	const char *col = r ? PQresultErrorField(r, PG_DIAG_COLUMN_NAME) : NULL;
	const char *con = r ? PQresultErrorField(r, PG_DIAG_CONSTRAINT_NAME) : NULL;
	const char *ctx = r ? PQresultErrorField(r, PG_DIAG_CONTEXT) : NULL;
	if (state)
		buf_printf(&b, " (SQLSTATE %s)", state);
	if (col)
		buf_printf(&b, "; column %s", col);
	if (con)
		buf_printf(&b, "; constraint %s", con);
	if (ctx && strncmp(ctx, "COPY ", 5) == 0) {
		buf_puts(&b, "; ");
		put_cut(&b, ctx);
	}
	say("%s: %s", what, b.data ? b.data : "error");
	buf_free(&b);
}

/* libpq's notices ("... skipping") are not for the operator. */
static void quiet(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

/* Runs sql on pg. Returns 0, or -1 with the error printed. */
static int run(PGconn *pg, const char *sql, const char *what)
{
	PGresult *r = PQexec(pg, sql);
	ExecStatusType s = PQresultStatus(r);
	int ok = s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK;
	if (!ok)
		say_pg(pg, r, what);
	PQclear(r);
	return ok ? 0 : -1;
}

/* Sets every foreign key in fks (rows of table, quoted name) to clause
 * ("NOT DEFERRABLE", ...). Returns 0, or -1 with the error printed. */
static int alter_fks(PGconn *pg, const PGresult *fks, const char *clause, const char *what)
{
	for (int i = 0; i < PQntuples(fks); i++) {
		char sql[600];
		snprintf(sql, sizeof sql, "ALTER TABLE %s ALTER CONSTRAINT %s %s", PQgetvalue(fks, i, 0),
		    PQgetvalue(fks, i, 1), clause);
		if (run(pg, sql, what) < 0)
			return -1;
	}
	return 0;
}

/* Runs a query; returns its result (the caller frees it), or NULL with
 * the error printed. */
static PGresult *query(PGconn *pg, const char *sql, const char *what)
{
	PGresult *r = PQexec(pg, sql);
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		say_pg(pg, r, what);
		PQclear(r);
		return NULL;
	}
	return r;
}

/* Returns sql with every "%I" replaced by the quoted identifier id (a new
 * string), or NULL when libpq cannot quote it. */
static char *with_ident(PGconn *pg, const char *fmt, const char *id)
{
	char *q = PQescapeIdentifier(pg, id, strlen(id));
	if (!q)
		return NULL;
	struct buf b;
	buf_init(&b);
	for (const char *p = fmt; *p; p++) {
		if (p[0] == '%' && p[1] == 'I') {
			buf_puts(&b, q);
			p++;
		} else
			buf_putc(&b, *p);
	}
	PQfreemem(q);
	return buf_take(&b, NULL);
}

/* Runs fmt with the identifier id put in for %I (see with_ident). */
static int run_ident(PGconn *pg, const char *fmt, const char *id, const char *what)
{
	char *sql = with_ident(pg, fmt, id);
	int rc = sql ? run(pg, sql, what) : -1;
	free(sql);
	return rc;
}

/* Returns the single integer of fmt with %I = id, or -1 (printed). */
static long long count_ident(PGconn *pg, const char *fmt, const char *id, const char *what)
{
	char *sql = with_ident(pg, fmt, id);
	PGresult *r = sql ? query(pg, sql, what) : NULL;
	free(sql);
	long long n = r && PQntuples(r) == 1 ? strtoll(PQgetvalue(r, 0, 0), NULL, 10) : -1;
	PQclear(r);
	return n;
}

static int seeded(const char *name)
{
	for (int i = 0; SEEDED[i]; i++)
		if (strcmp(SEEDED[i], name) == 0)
			return 1;
	return 0;
}

/* Appends text s[0..n) in COPY's text format (backslash, tab, newline and
 * carriage return escaped). Returns -1 for a NUL, which PostgreSQL text
 * cannot hold. */
static int put_text(struct buf *b, const unsigned char *s, int n)
{
	for (int i = 0; i < n; i++) {
		switch (s[i]) {
		case '\0':
			return -1;
		case '\\':
			buf_puts(b, "\\\\");
			break;
		case '\t':
			buf_puts(b, "\\t");
			break;
		case '\n':
			buf_puts(b, "\\n");
			break;
		case '\r':
			buf_puts(b, "\\r");
			break;
		default:
			buf_putc(b, (char)s[i]);
		}
	}
	return 0;
}

/* Appends bytes as a bytea in hex, escaped for COPY ("\\x0a1b"). */
static void put_bytea(struct buf *b, const unsigned char *p, int n)
{
	static const char hex[] = "0123456789abcdef";
	buf_puts(b, "\\\\x");
	for (int i = 0; i < n; i++) {
		buf_putc(b, hex[p[i] >> 4]);
		buf_putc(b, hex[p[i] & 15]);
	}
}

/* Sends b to the COPY in progress and empties it. Returns 0 or -1. */
static int flush(PGconn *pg, struct buf *b)
{
	if (b->len && PQputCopyData(pg, b->data, (int)b->len) != 1)
		return -1;
	buf_reset(b);
	return 0;
}

enum { COL_OTHER, COL_BYTEA, COL_INTEGER };

/* Returns 1 when table t of the target has a column named name; *kind
 * says whether it is a bytea, an integer or other. cols is the result of
 * the columns query (table, column, type). */
static int target_column(const PGresult *cols, const char *t, const char *name, int *kind)
{
	for (int i = 0; i < PQntuples(cols); i++)
		if (strcmp(PQgetvalue(cols, i, 0), t) == 0 && strcmp(PQgetvalue(cols, i, 1), name) == 0) {
			const char *type = PQgetvalue(cols, i, 2);
			*kind = strcmp(type, "bytea") == 0 ? COL_BYTEA :
			    strcmp(type, "bigint") == 0 || strcmp(type, "integer") == 0 ? COL_INTEGER : COL_OTHER;
			return 1;
		}
	return 0;
}

/* Copies table t from src into the target with COPY, every column by
 * name. Sets t->sent. Returns 0 or -1 (printed). */
static int copy_table(sqlite3 *src, PGconn *pg, const PGresult *cols, struct table *t)
{
	int rc = -1;
	sqlite3_stmt *info = NULL, *st = NULL;
	struct buf names, sel, sql, data;
	buf_init(&names);
	buf_init(&sel);
	buf_init(&sql);
	buf_init(&data);
	int ncols = 0, *kind = NULL;
	char *qt = PQescapeIdentifier(pg, t->name, strlen(t->name));
	if (!qt || sqlite3_prepare_v2(src, "SELECT name FROM pragma_table_info(?) ORDER BY cid", -1, &info, NULL) != SQLITE_OK)
		goto out;
	sqlite3_bind_text(info, 1, t->name, -1, SQLITE_STATIC);
	while (sqlite3_step(info) == SQLITE_ROW) {
		const char *c = (const char *)sqlite3_column_text(info, 0);
		kind = xrealloc(kind, (size_t)(ncols + 1) * sizeof *kind);
		if (!target_column(cols, t->name, c, &kind[ncols])) {
			say("column %s.%s is not in the PostgreSQL database (is it migrated by another version?)", t->name, c);
			goto out;
		}
		char *q = PQescapeIdentifier(pg, c, strlen(c));
		buf_puts(&names, ncols ? ", " : "");
		buf_puts(&names, q);
		PQfreemem(q);
		char *lq = sqlite3_mprintf("%s\"%w\"", ncols ? ", " : "", c);
		buf_puts(&sel, lq);
		sqlite3_free(lq);
		ncols++;
	}
	int target_cols = 0;
	for (int i = 0; i < PQntuples(cols); i++)
		target_cols += strcmp(PQgetvalue(cols, i, 0), t->name) == 0;
	if (ncols == 0 || target_cols != ncols) {
		say("table %s has %d columns in SQLite and %d in PostgreSQL", t->name, ncols, target_cols);
		goto out;
	}
	/* the rowid last: a problem is reported by it (the id column), never by a value */
	char *lsql = sqlite3_mprintf("SELECT %s, rowid FROM \"%w\"", sel.data, t->name);
	int prc = sqlite3_prepare_v2(src, lsql, -1, &st, NULL);
	sqlite3_free(lsql);
	if (prc != SQLITE_OK) {
		say("cannot read table %s: %s", t->name, sqlite3_errmsg(src));
		goto out;
	}
	buf_printf(&sql, "COPY public.%s (%s) FROM STDIN", qt, names.data);
	PGresult *r = PQexec(pg, sql.data);
	if (PQresultStatus(r) != PGRES_COPY_IN) {
		say_pg(pg, r, t->name);
		PQclear(r);
		goto out;
	}
	PQclear(r);
	const char *bad = NULL;
	int step;
	while (!bad && (step = sqlite3_step(st)) == SQLITE_ROW) {
		for (int i = 0; i < ncols && !bad; i++) {
			if (i)
				buf_putc(&data, '\t');
			int type = sqlite3_column_type(st, i);
			if (type == SQLITE_NULL) {
				buf_puts(&data, "\\N");
			} else if (kind[i] == COL_BYTEA) {
				const void *p = type == SQLITE_BLOB ? sqlite3_column_blob(st, i) : sqlite3_column_text(st, i);
				put_bytea(&data, p, sqlite3_column_bytes(st, i));
			} else if (type == SQLITE_INTEGER) {
				buf_printf(&data, "%lld", (long long)sqlite3_column_int64(st, i));
			} else if (type == SQLITE_FLOAT && kind[i] == COL_INTEGER) {
				/* SQLite keeps 4500.5 in an INTEGER column; bigint cannot, and
				 * rounding would change the installation's data */
				bad = "a decimal number in an integer column (PostgreSQL's is bigint); correct it in "
				    "the SQLite file first";
				say("table %s, id %lld, column %s: %s", t->name, (long long)sqlite3_column_int64(st, ncols),
				    sqlite3_column_name(st, i), bad);
			} else if (type == SQLITE_FLOAT) {
				buf_printf(&data, "%.17g", sqlite3_column_double(st, i));
			} else {	/* text, or a blob in a text column: its bytes as text */
				const unsigned char *s = sqlite3_column_text(st, i);
				if (put_text(&data, s, sqlite3_column_bytes(st, i)) < 0)
					bad = "a text with a NUL byte, which PostgreSQL cannot store";
				else if (!utf8_valid((const char *)s, (size_t)sqlite3_column_bytes(st, i)))
					bad = "a text that is not UTF-8";
				if (bad)
					say("table %s, id %lld, column %s: %s", t->name,
					    (long long)sqlite3_column_int64(st, ncols), sqlite3_column_name(st, i), bad);
			}
		}
		if (bad)
			break;
		buf_putc(&data, '\n');
		t->sent++;
		if (data.len >= COPY_CHUNK && flush(pg, &data) < 0) {
			say_pg(pg, NULL, t->name);
			bad = "lost";
		}
	}
	if (!bad && step != SQLITE_DONE) {
		say("cannot read table %s: %s", t->name, sqlite3_errmsg(src));
		bad = "read";
	}
	if (!bad && flush(pg, &data) < 0) {
		say_pg(pg, NULL, t->name);
		bad = "lost";
	}
	PQputCopyEnd(pg, bad ? "copy stopped" : NULL);
	int failed = 0;
	while ((r = PQgetResult(pg))) {
		if (PQresultStatus(r) != PGRES_COMMAND_OK) {
			if (!bad)
				say_pg(pg, r, t->name);
			failed = 1;
		}
		PQclear(r);
	}
	rc = bad || failed ? -1 : 0;
out:
	sqlite3_finalize(info);
	sqlite3_finalize(st);
	PQfreemem(qt);
	free(kind);
	buf_free(&names);
	buf_free(&sel);
	buf_free(&sql);
	buf_free(&data);
	return rc;
}

/* Returns the source's tables (but sqlite_* and schema_migrations), with
 * their row counts, in *out; the number, or -1 (printed). */
static int source_tables(sqlite3 *src, struct table **out)
{
	sqlite3_stmt *st;
	*out = NULL;
	if (sqlite3_prepare_v2(src, "SELECT name FROM sqlite_schema WHERE type = 'table' "
	    "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name <> 'schema_migrations' ORDER BY name",
	    -1, &st, NULL) != SQLITE_OK) {
		say("cannot read the SQLite schema: %s", sqlite3_errmsg(src));
		return -1;
	}
	int n = 0;
	while (sqlite3_step(st) == SQLITE_ROW) {
		*out = xrealloc(*out, (size_t)(n + 1) * sizeof **out);
		(*out)[n] = (struct table){ .name = xstrdup((const char *)sqlite3_column_text(st, 0)) };
		n++;
	}
	sqlite3_finalize(st);
	for (int i = 0; i < n; i++) {
		char *sql = sqlite3_mprintf("SELECT count(*) FROM \"%w\"", (*out)[i].name);
		sqlite3_stmt *c;
		int ok = sqlite3_prepare_v2(src, sql, -1, &c, NULL) == SQLITE_OK && sqlite3_step(c) == SQLITE_ROW;
		(*out)[i].src_rows = ok ? sqlite3_column_int64(c, 0) : -1;
		sqlite3_finalize(c);
		sqlite3_free(sql);
		if (!ok) {
			say("cannot count table %s: %s", (*out)[i].name, sqlite3_errmsg(src));
			return -1;
		}
	}
	return n;
}

/* The transaction's work on the target (see the top of the file). Returns
 * 0 when everything is in and counted equal, 1 for a target that is not
 * empty, -1 for another failure (printed). */
static int copy_into(sqlite3 *src, PGconn *pg, struct table *t, int n)
{
	int rc = -1;
	PGresult *tabs = NULL, *fks = NULL, *cols = NULL;
	if (run(pg, "BEGIN", "BEGIN") < 0)
		return -1;
	tabs = query(pg, "SELECT c.relname FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace "
	    "AND c.relkind = 'r' AND c.relname <> 'schema_migrations' ORDER BY c.relname", "the tables");
	fks = query(pg, "SELECT conrelid::regclass::text, quote_ident(conname) FROM pg_constraint "
	    "WHERE connamespace = 'public'::regnamespace AND contype = 'f' AND NOT condeferrable ORDER BY 1, 2",
	    "the foreign keys");
	cols = query(pg, "SELECT table_name, column_name, data_type FROM information_schema.columns "
	    "WHERE table_schema = 'public' ORDER BY 1, ordinal_position", "the columns");
	if (!tabs || !fks || !cols)
		goto out;
	/* the same tables on both sides */
	int ntabs = PQntuples(tabs);
	for (int i = 0; i < ntabs; i++) {
		const char *name = PQgetvalue(tabs, i, 0);
		int found = 0;
		for (int k = 0; k < n && !found; k++)
			found = strcmp(t[k].name, name) == 0;
		if (!found) {
			say("table %s is in the PostgreSQL database but not in the SQLite file", name);
			goto out;
		}
	}
	if (ntabs != n) {
		say("the SQLite file has %d tables, the PostgreSQL database %d", n, ntabs);
		goto out;
	}
	/* triggers off and a lock on every table, then: empty? */
	for (int i = 0; i < n; i++)
		if (run_ident(pg, "ALTER TABLE public.%I DISABLE TRIGGER USER", t[i].name, t[i].name) < 0)
			goto out;
	for (int i = 0; i < n; i++) {
		if (seeded(t[i].name))
			continue;
		long long any = count_ident(pg, "SELECT count(*) FROM (SELECT 1 FROM public.%I LIMIT 1) x", t[i].name,
		    t[i].name);
		if (any < 0)
			goto out;
		if (any > 0) {
			say("the PostgreSQL database is not empty (table %s has rows): copy only into a new, "
			    "migrated database; nothing was changed", t[i].name);
			rc = 1;
			goto out;
		}
	}
	if (alter_fks(pg, fks, "DEFERRABLE INITIALLY DEFERRED", "deferring the foreign keys") < 0)
		goto out;
	if (run(pg, "SET CONSTRAINTS ALL DEFERRED", "SET CONSTRAINTS") < 0)
		goto out;
	for (int i = 0; i < n; i++)
		if (seeded(t[i].name) && run_ident(pg, "DELETE FROM public.%I", t[i].name, t[i].name) < 0)
			goto out;
	for (int i = 0; i < n; i++)
		if (copy_table(src, pg, cols, &t[i]) < 0)
			goto out;
	/* every foreign key checked now, then back as it was */
	if (run(pg, "SET CONSTRAINTS ALL IMMEDIATE", "the foreign keys") < 0)
		goto out;
	if (alter_fks(pg, fks, "NOT DEFERRABLE", "restoring the foreign keys") < 0)
		goto out;
	for (int i = 0; i < n; i++)
		if (run_ident(pg, "ALTER TABLE public.%I ENABLE TRIGGER USER", t[i].name, t[i].name) < 0)
			goto out;
	if (run(pg, "SELECT sqlite_compat.bf_sync_identities()", "moving the identity sequences") < 0)
		goto out;
	int differ = 0;
	printf("%-24s %12s %12s\n", "table", "SQLite", "PostgreSQL");
	for (int i = 0; i < n; i++) {
		t[i].dst_rows = count_ident(pg, "SELECT count(*) FROM public.%I", t[i].name, t[i].name);
		int same = t[i].dst_rows == t[i].src_rows && t[i].sent == t[i].src_rows;
		differ |= !same;
		printf("%-24s %12lld %12lld%s\n", t[i].name, t[i].src_rows, t[i].dst_rows, same ? "" : "  DIFFERENT");
	}
	if (differ) {
		say("the row counts differ; nothing was changed");
		goto out;
	}
	if (run(pg, "COMMIT", "COMMIT") < 0)
		goto out;
	rc = 0;
out:
	if (rc != 0)
		PQclear(PQexec(pg, "ROLLBACK"));
	PQclear(tabs);
	PQclear(fks);
	PQclear(cols);
	return rc;
}

int copy_run(const char *from, const char *to)
{
	if (!db_is_postgresql(to)) {
		say("--to must be a PostgreSQL connection string (postgresql://...)");
		return 1;
	}
	if (db_is_postgresql(from)) {
		say("--from must be a SQLite database file");
		return 1;
	}
	sqlite3 *src = NULL;
	int rc = sqlite3_open_v2(from, &src, SQLITE_OPEN_READONLY, NULL);
	if (rc != SQLITE_OK) {
		say("cannot open %s: %s", from, src ? sqlite3_errmsg(src) : sqlite3_errstr(rc));
		sqlite3_close(src);
		return 1;
	}
	sqlite3_busy_timeout(src, 5000);
	PGconn *pg = NULL;
	struct table *t = NULL;
	int n = 0, status = 1;
	int v = db_schema_version(src), known = db_known_version();
	if (v != known) {
		if (v <= 0)
			say("%s is not a bostadforst database", from);
		else
			say("%s has schema version %d, this program %d: %s", from, v, known,
			    v < known ? "run bostadforst migrate on it (or restore a backup) first" :
			    "use the program that made it");
		goto out;
	}
	/* one snapshot for the counts and every table */
	if (sqlite3_exec(src, "BEGIN; SELECT count(*) FROM sqlite_schema", NULL, NULL, NULL) != SQLITE_OK) {
		say("cannot read %s: %s", from, sqlite3_errmsg(src));
		goto out;
	}
	n = source_tables(src, &t);
	if (n < 0)
		goto out;
	char err[512];
	int applied = db_migrate(to, err, sizeof err);
	if (applied < 0) {
		say("migrating the PostgreSQL database: %s", err);
		goto out;
	}
	pg = PQconnectdb(to);
	if (PQstatus(pg) != CONNECTION_OK) {
		say_pg(pg, NULL, "cannot connect to PostgreSQL");
		goto out;
	}
	PQsetNoticeProcessor(pg, quiet, NULL);
	if (run(pg, "SET client_encoding = 'UTF8'; SET search_path = public, pg_catalog", "the session") < 0)
		goto out;
	if (applied > 0)
		printf("PostgreSQL database %s: %d migration%s applied\n", PQdb(pg), applied, applied == 1 ? "" : "s");
	int r = copy_into(src, pg, t, n);
	if (r == 0) {
		long long rows = 0;
		for (int i = 0; i < n; i++)
			rows += t[i].src_rows;
		if (run(pg, "ANALYZE", "ANALYZE") < 0)
			say("the copy is committed; run ANALYZE on the database later");
		printf("%s: %d tables, %lld rows copied to PostgreSQL database %s; the counts agree\n", from, n, rows,
		    PQdb(pg));
		status = 0;
	}
out:
	for (int i = 0; i < n; i++)
		free(t[i].name);
	free(t);
	PQfinish(pg);
	sqlite3_exec(src, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(src);
	return status;
}

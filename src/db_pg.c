/*
 * db_pg.c - the PostgreSQL engine behind db.h, over libpq.
 *
 * Statements are written once, in SQLite's dialect; pg_translate turns
 * them into PostgreSQL's (placeholders, planner hints) and
 * migrations-pg/functions.sql supplies the SQLite built-ins they call.
 * Parameters travel as text. An integer, a real or a blob is declared as
 * bigint, double precision or bytea (PostgreSQL would otherwise type a
 * parameter in a SELECT list as text, where SQLite keeps what was bound);
 * a text is left for the server to infer from the statement, and one it
 * cannot type from its context (":x IS NULL" alone) is sent as text. A
 * cached statement is prepared again when a later binding declares other
 * types (a NULL fits any).
 * Results come back as text and are typed here from the column's type.
 *
 * A lost connection (a failover) marks the storage fault, so the request
 * is answered 503 with Retry-After; the next statement outside a
 * transaction reconnects and prepares its statements again. Inside a
 * transaction there is no silent reconnect: the rest of the handler's
 * statements fail and it rolls back.
 */
#define _GNU_SOURCE	/* strcasestr */
#include "db_pg.h"
#include "util.h"

#include <ctype.h>
#include <libpq-fe.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* PostgreSQL type OIDs (pg_type.h is not part of libpq-dev's API) */
enum {
	OID_BOOL = 16, OID_BYTEA = 17, OID_INT8 = 20, OID_INT2 = 21, OID_INT4 = 23,
	OID_TEXT = 25, OID_OID = 26, OID_FLOAT4 = 700, OID_FLOAT8 = 701, OID_NUMERIC = 1700,
};
#define ANY_TYPE 0xffffffffu	/* a NULL: fits a parameter of any type */

struct pgconn {
	PGconn *pg;
	char *target;
	unsigned gen;		/* bumped by a reconnect: statements prepare again */
	unsigned next_name;	/* server-side statement names s1, s2, ... */
	int in_txn;		/* inside BEGIN ... COMMIT/ROLLBACK */
	long long last_id;
	int changes;
	char errmsg[256];
};

struct pgstmt {
	struct pgconn *c;
	char *sql;		/* translated */
	int nparams;
	char **names;		/* ":name" per $N, NULL for positional */
	unsigned *types;	/* per $N as prepared: 0 inferred, or an OID */
	unsigned *bound;	/* per $N as bound now: 0 text, ANY_TYPE for NULL, or an OID */
	int returning;		/* "RETURNING id" added */
	int oneoff;		/* not cached: run unnamed, never prepared by name */
	int writes;		/* INSERT, UPDATE or DELETE */
	char name[16];		/* the server's statement, "" until prepared */
	int planned;		/* its plan is in BF_PLAN_LOG (see log_plan) */
	unsigned gen;
	char **vals;
	int *lens, *fmts;
	PGresult *res;
	int row, nrows, done;
	unsigned char **blobs;	/* unescaped bytea per column, for this row */
	size_t *blob_lens;
	int blob_row;
};

#define S(st) ((struct pgstmt *)(void *)(st))

/* Tables whose INSERTs get "RETURNING id" (an identity id column), as
 * " a b c ", read at connect. */
static pthread_mutex_t id_tables_lock = PTHREAD_MUTEX_INITIALIZER;
static char *id_tables;

/* libpq prints NOTICEs ("already exists, skipping") to stderr by default. */
static void quiet(void *arg, const PGresult *res)
{
	(void)arg;
	(void)res;
}

/* Returns the local time zone's name for the session (TZ, else
 * /etc/localtime's target, else UTC). */
static void local_zone(char *out, size_t len)
{
	const char *tz = getenv("TZ");
	if (tz && *tz) {
		snprintf(out, len, "%s", tz[0] == ':' ? tz + 1 : tz);
		return;
	}
	char link[256];
	ssize_t n = readlink("/etc/localtime", link, sizeof link - 1);
	if (n > 0) {
		link[n] = '\0';
		const char *z = strstr(link, "zoneinfo/");
		if (z) {
			snprintf(out, len, "%s", z + 9);
			return;
		}
	}
	snprintf(out, len, "UTC");
}

/* Sets the session up after a (re)connect. Returns 0 or -1 with err. */
static int setup(struct pgconn *c, char *err, size_t errlen)
{
	PQsetNoticeReceiver(c->pg, quiet, NULL);
	char zone[128], sql[600];
	local_zone(zone, sizeof zone);
	for (char *p = zone; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("/_+-", *p))
			*p = '_';
	/* statement_timeout: a page waits for no statement longer (the year's
	 * reports take seconds at a million persons); lock_timeout: a writer
	 * waits for its turn (db_begin) or a row at most this long, then the
	 * user gets the 503 and can send again. Neither cancels a commit that
	 * waits for the synchronous standby: PostgreSQL does not time that out. */
	snprintf(sql, sizeof sql, "SET search_path = sqlite_compat, pg_catalog, public; "
	    "SET TimeZone = '%s'; SET client_encoding = 'UTF8'; "
	    /* unless the role or the connection string (options=-c ...) set them */
	    "SELECT set_config('statement_timeout', '60s', false) WHERE current_setting('statement_timeout') = '0'; "
	    "SELECT set_config('lock_timeout', '10s', false) WHERE current_setting('lock_timeout') = '0'", zone);
	if (pg_exec(c, sql, err, errlen) < 0)
		return -1;
	PGresult *r = PQexec(c->pg, "SELECT table_name FROM information_schema.columns WHERE "
	    "table_schema = " PG_TABLES_SCHEMA " AND column_name = 'id' AND is_identity = 'YES'");
	if (PQresultStatus(r) == PGRES_TUPLES_OK) {
		struct buf b;
		buf_init(&b);
		buf_puts(&b, " ");
		for (int i = 0; i < PQntuples(r); i++) {
			buf_puts(&b, PQgetvalue(r, i, 0));
			buf_puts(&b, " ");
		}
		pthread_mutex_lock(&id_tables_lock);
		free(id_tables);
		id_tables = xstrdup(b.data);
		pthread_mutex_unlock(&id_tables_lock);
		buf_free(&b);
	}
	PQclear(r);
	return 0;
}

struct pgconn *pg_connect(const char *target, char *err, size_t errlen)
{
	/* A database that stops answering must not hold a request forever:
	 * defaults the connection string may override, given before it. A
	 * connection cut by the network or a frozen machine is noticed within
	 * about 10 s (TCP keepalives, tcp_user_timeout for unacknowledged
	 * data); setup() adds the server's statement and lock timeouts. */
	static const char *const keys[] = { "connect_timeout", "keepalives", "keepalives_idle", "keepalives_interval",
		"keepalives_count", "tcp_user_timeout", "application_name", "dbname", NULL };
	const char *values[] = { "5", "1", "5", "2", "3", "10000", "bostadforst", target, NULL };
	PGconn *pg = PQconnectdbParams(keys, values, 1);
	if (!pg || PQstatus(pg) != CONNECTION_OK) {
		/* libpq's message names the host, never the password */
		snprintf(err, errlen, "cannot connect to PostgreSQL: %s", pg ? PQerrorMessage(pg) : "out of memory");
		size_t n = strlen(err);
		while (n && (err[n - 1] == '\n' || err[n - 1] == ' '))
			err[--n] = '\0';
		PQfinish(pg);
		return NULL;
	}
	struct pgconn *c = xcalloc(1, sizeof *c);
	c->pg = pg;
	c->target = xstrdup(target);
	if (setup(c, err, errlen) < 0) {
		pg_disconnect(c);
		return NULL;
	}
	return c;
}

void pg_disconnect(struct pgconn *c)
{
	if (!c)
		return;
	PQfinish(c->pg);
	free(c->target);
	free(c);
}

/* Notes a failed result's SQLSTATE: remembers the message and marks the
 * storage fault for a lost connection, a read-only server, a shutdown, a
 * lack of resources or a serialization failure. wrote: the statement was
 * a COMMIT or a write outside a transaction, whose outcome a connection
 * lost while it ran leaves unknown. Returns the db.h code. */
static int failed(struct pgconn *c, const PGresult *r, int wrote)
{
	const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
	const char *msg = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	snprintf(c->errmsg, sizeof c->errmsg, "%s", msg ? msg : PQerrorMessage(c->pg));
	/* the primary message names a constraint or a column, never a value */
	fprintf(stderr, "db: %s (%s)\n", c->errmsg, state ? state : "no SQLSTATE");
	if (PQstatus(c->pg) != CONNECTION_OK || !state || strncmp(state, "08", 2) == 0 ||
	    strncmp(state, "53", 2) == 0 || strncmp(state, "57P", 3) == 0 || strcmp(state, "25006") == 0 ||
	    strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0 || strcmp(state, "55P03") == 0 ||
	    strcmp(state, "57014") == 0)	/* a statement or lock timeout: the database too slow to answer */
		db_note_storage_fault(wrote && PQstatus(c->pg) != CONNECTION_OK);
	if (state && strcmp(state, "23505") == 0)
		return DB_CONSTRAINT_UNIQUE;
	if (state && strncmp(state, "23", 2) == 0)
		return DB_CONSTRAINT;
	return DB_ERROR;
}

/* Keeps in_txn from the server's view after a command (unknown when the
 * connection is gone: then it stays as it was). */
static void track_txn(struct pgconn *c)
{
	PGTransactionStatusType t = PQtransactionStatus(c->pg);
	if (t == PQTRANS_IDLE)
		c->in_txn = 0;
	else if (t == PQTRANS_INTRANS || t == PQTRANS_INERROR)
		c->in_txn = 1;
}

/* Reconnects a lost connection when no transaction is open. Returns 0
 * when the connection is usable. */
static int usable(struct pgconn *c)
{
	if (PQstatus(c->pg) == CONNECTION_OK)
		return 0;
	if (c->in_txn) {	/* the handler's transaction is gone: it must roll back */
		snprintf(c->errmsg, sizeof c->errmsg, "the connection to PostgreSQL was lost in a transaction");
		db_note_storage_fault(0);
		return -1;
	}
	PQreset(c->pg);
	if (PQstatus(c->pg) != CONNECTION_OK) {
		snprintf(c->errmsg, sizeof c->errmsg, "no connection to PostgreSQL");
		db_note_storage_fault(0);
		return -1;
	}
	c->gen++;
	char err[200];
	return setup(c, err, sizeof err);
}

/* Returns 1 when result r says the connection went away under a
 * statement that changed nothing yet (outside a transaction: was_in_txn
 * 0) and may simply run again: a connection cut by a failover is only
 * seen when it is next used, and a read, a SET or a BEGIN on it should not
 * fail when a fresh connection would serve it. */
static int stale(struct pgconn *c, const PGresult *r, int was_in_txn, int harmless)
{
	ExecStatusType t = PQresultStatus(r);
	return t != PGRES_COMMAND_OK && t != PGRES_TUPLES_OK && t != PGRES_EMPTY_QUERY &&
	    PQstatus(c->pg) == CONNECTION_BAD && !was_in_txn && harmless;
}

/* Returns 1 for SQL that changes nothing when run twice. */
static int harmless_sql(const char *sql)
{
	return !strncmp(sql, "SET ", 4) || !strncmp(sql, "BEGIN", 5) || !strncmp(sql, "SELECT ", 7) ||
	    !strncmp(sql, "SHOW ", 5);
}

int pg_exec(struct pgconn *c, const char *sql, char *err, size_t errlen)
{
	int rollback = strncmp(sql, "ROLLBACK", 8) == 0;
	if (usable(c) < 0) {
		if (rollback)
			c->in_txn = 0;
		if (err)
			snprintf(err, errlen, "%s", c->errmsg[0] ? c->errmsg : "no connection to PostgreSQL");
		return -1;
	}
	int was = c->in_txn;
	PGresult *r = PQexec(c->pg, sql);
	if (stale(c, r, was, harmless_sql(sql))) {
		PQclear(r);	/* once, on a fresh connection */
		r = usable(c) == 0 ? PQexec(c->pg, sql) : NULL;
	}
	ExecStatusType s = PQresultStatus(r);
	int ok = s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK || s == PGRES_EMPTY_QUERY;
	if (!ok) {
		failed(c, r, strncmp(sql, "COMMIT", 6) == 0);
		if (err)
			snprintf(err, errlen, "%s", c->errmsg);
	}
	PQclear(r);
	track_txn(c);
	if (rollback)
		c->in_txn = 0;
	return ok ? 0 : -1;
}

int pg_schema_version(struct pgconn *c)
{
	PGresult *r = PQexec(c->pg, "SELECT to_regclass('schema_migrations') IS NOT NULL");
	int v = -1;
	if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1)
		v = PQgetvalue(r, 0, 0)[0] == 't' ? 1 : 0;
	PQclear(r);
	if (v != 1)
		return v;
	r = PQexec(c->pg, "SELECT coalesce(max(version), 0) FROM schema_migrations");
	v = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1 ? atoi(PQgetvalue(r, 0, 0)) : -1;
	PQclear(r);
	return v;
}

/* ---- translation ---- */

/* Returns 1 when word w (length n) equals kw, ignoring case. */
static int word_is(const char *w, size_t n, const char *kw)
{
	return strlen(kw) == n && strncasecmp(w, kw, n) == 0;
}

static int ident_char(int ch)
{
	return isalnum(ch) || ch == '_';
}

/* Returns the index for parameter name (length n), assigning the next
 * number at its first use as SQLite does. */
static int param_index(char ***names, int *max, const char *name, size_t n)
{
	for (int i = 0; i < *max; i++)
		if ((*names)[i] && strlen((*names)[i]) == n && strncmp((*names)[i], name, n) == 0)
			return i + 1;
	int idx = ++*max;
	*names = xrealloc(*names, (size_t)idx * sizeof **names);
	(*names)[idx - 1] = xstrndup(name, n);
	return idx;
}

/* Makes names hold max entries (new positional ones NULL). */
static void grow_names(char ***names, int *have, int max)
{
	if (max <= *have)
		return;
	*names = xrealloc(*names, (size_t)max * sizeof **names);
	for (int i = *have; i < max; i++)
		(*names)[i] = NULL;
	*have = max;
}

/* Returns 1 when b ends in the word kw (blanks after it allowed). */
static int ends_with_word(const struct buf *b, const char *kw)
{
	size_t n = b->len, k = strlen(kw);
	while (n && isspace((unsigned char)b->data[n - 1]))
		n--;
	return n >= k && strncasecmp(b->data + n - k, kw, k) == 0 &&
	    (n == k || !ident_char((unsigned char)b->data[n - k - 1]));
}

/* Returns 1 when the text at p (after a subquery's closing parenthesis)
 * does not start with an alias: PostgreSQL needs one, SQLite does not. */
static int needs_alias(const char *p)
{
	static const char *const follow[] = { "WHERE", "ORDER", "GROUP", "LIMIT", "UNION", "EXCEPT", "INTERSECT",
		"JOIN", "LEFT", "RIGHT", "INNER", "CROSS", "FULL", "NATURAL", "ON", "HAVING", "WINDOW", "OFFSET", NULL };
	while (isspace((unsigned char)*p))
		p++;
	if (!isalpha((unsigned char)*p) && *p != '_')
		return 1;
	size_t n = 0;
	while (ident_char((unsigned char)p[n]))
		n++;
	for (size_t i = 0; follow[i]; i++)
		if (word_is(p, n, follow[i]))
			return 1;
	return 0;
}

char *pg_translate(const char *sql, const char *idt, int *nparams, char ***names_out, int *returning)
{
	struct buf b;
	buf_init(&b);
	char **names = NULL;
	int max = 0, depth = 0, aliases = 0;
	unsigned long long from_sub = 0;	/* bit d: the parenthesis at depth d is a subquery in FROM */
	const char *p = sql;
	while (*p) {
		char ch = *p;
		if (ch == '(' && depth < 63) {	/* "FROM (" or "JOIN (": a subquery that needs a name */
			if (ends_with_word(&b, "FROM") || ends_with_word(&b, "JOIN"))
				from_sub |= 1ULL << depth;
			else
				from_sub &= ~(1ULL << depth);
			depth++;
			buf_putc(&b, ch);
			p++;
			continue;
		}
		if (ch == ')' && depth > 0) {
			depth--;
			buf_putc(&b, ch);
			p++;
			if ((from_sub >> depth & 1) && needs_alias(p))
				buf_printf(&b, " AS sq%d", ++aliases);
			continue;
		}
		if (ch == '\'' || ch == '"') {	/* a literal or a quoted name, as it is */
			const char *q = p + 1;
			while (*q && !(*q == ch && q[1] != ch))
				q += *q == ch ? 2 : 1;
			if (*q)
				q++;
			buf_append(&b, p, (size_t)(q - p));
			p = q;
		} else if (ch == '-' && p[1] == '-') {
			while (*p && *p != '\n')
				p++;
		} else if (ch == ':' && p[1] == ':') {
			buf_append(&b, p, 2);
			p += 2;
		} else if (ch == '?' || ((ch == ':' || ch == '@') && (isalpha((unsigned char)p[1]) || p[1] == '_'))) {
			int idx;
			if (ch == '?' && isdigit((unsigned char)p[1])) {
				idx = (int)strtol(p + 1, (char **)&p, 10);
				if (idx > max)
					grow_names(&names, &max, idx);
			} else if (ch == '?') {
				grow_names(&names, &max, max + 1);
				idx = max;
				p++;
			} else {
				const char *q = p + 1;
				while (ident_char((unsigned char)*q))
					q++;
				idx = param_index(&names, &max, p, (size_t)(q - p));
				p = q;
			}
			buf_printf(&b, "$%d", idx);
		} else if (ch == '+' && (isalpha((unsigned char)p[1]) || p[1] == '_') && b.len &&
		    (isspace((unsigned char)b.data[b.len - 1]) || b.data[b.len - 1] == '(')) {
			p++;	/* SQLite's "+col": keeps its planner off an index */
		} else if (isalpha((unsigned char)ch) || ch == '_') {
			const char *q = p;
			while (ident_char((unsigned char)*q))
				q++;
			size_t n = (size_t)(q - p);
			int after_ident = b.len && (ident_char((unsigned char)b.data[b.len - 1]) || b.data[b.len - 1] == '.');
			if (!after_ident && word_is(p, n, "INDEXED")) {	/* "INDEXED BY name": SQLite's index hint */
				const char *r = q;
				while (isspace((unsigned char)*r))
					r++;
				if (strncasecmp(r, "BY", 2) == 0 && isspace((unsigned char)r[2])) {
					r += 2;
					while (isspace((unsigned char)*r))
						r++;
					while (ident_char((unsigned char)*r))
						r++;
					p = r;
					continue;
				}
			}
			if (!after_ident && word_is(p, n, "CROSS")) {	/* SQLite's "CROSS JOIN t ON": an inner join in a fixed order */
				const char *r = q;
				while (isspace((unsigned char)*r))
					r++;
				if (strncasecmp(r, "JOIN", 4) == 0 && !ident_char((unsigned char)r[4])) {
					p = r;
					continue;
				}
			}
			if (!after_ident && word_is(p, n, "char") && *q == '(') {
				buf_puts(&b, "chr");
				p = q;
				continue;
			}
			buf_append(&b, p, n);
			p = q;
		} else {
			buf_append(&b, p, 1);
			p++;
		}
	}
	/* trailing blanks and semicolons off, for RETURNING */
	while (b.len && (isspace((unsigned char)b.data[b.len - 1]) || b.data[b.len - 1] == ';'))
		b.data[--b.len] = '\0';
	*returning = 0;
	const char *s = b.data ? b.data : "";
	while (isspace((unsigned char)*s))
		s++;
	if (idt && strncasecmp(s, "INSERT", 6) == 0) {
		const char *into = strcasestr(s, " INTO ");
		int has_returning = strcasestr(s, "RETURNING") != NULL;
		if (into && !has_returning) {
			into += 6;
			while (isspace((unsigned char)*into))
				into++;
			size_t n = 0;
			while (ident_char((unsigned char)into[n]))
				n++;
			char key[80];
			if (n > 0 && n < sizeof key - 2) {
				snprintf(key, sizeof key, " %.*s ", (int)n, into);
				if (strstr(idt, key)) {
					buf_puts(&b, " RETURNING id");
					*returning = 1;
				}
			}
		}
	}
	*nparams = max;
	if (names_out)
		*names_out = names;
	else {
		for (int i = 0; i < max; i++)
			free(names[i]);
		free(names);
	}
	if (!b.data)
		buf_puts(&b, "");
	return b.data;
}

/* ---- the plan log ---- */

/* BF_PLAN_LOG=FILE (see db.c): the plan of every statement prepared on
 * the server is appended to FILE as "-- SQL" (translated, on one line)
 * and EXPLAIN's lines, for tests/http/plans.test.mjs. The plan is
 *  - the generic one, for any parameter values (plan_cache_mode =
 *    force_generic_plan: PostgreSQL 15 has no EXPLAIN (GENERIC_PLAN));
 *    with the NULLs it is EXPLAINed with, a custom plan would fold
 *    "$1 IS NULL" away;
 *  - made with enable_seqscan off: a test database is small, and on a
 *    table of a few pages a Seq Scan is PostgreSQL's best choice even
 *    where an index fits. Disabled, a Seq Scan is still chosen where no
 *    index serves the statement (nor its ORDER BY), so one left in the
 *    plan means what SQLite's "SCAN t" means: a read from end to end at
 *    any size.
 * The EXPLAIN runs on a copy prepared as bf_plan (the statement's own
 * plan cache is left alone), with both settings LOCAL to a transaction or
 * savepoint of its own that is rolled back after: neither the settings
 * nor a failing EXPLAIN touch the handler's transaction. */
static pthread_mutex_t plan_lock = PTHREAD_MUTEX_INITIALIZER;

/* Appends st's plan to the plan log, once per statement (the caller has
 * just prepared it on the server with st->types). */
static void log_plan(struct pgstmt *st)
{
	const char *path = getenv("BF_PLAN_LOG");
	if (!path || !*path || st->planned)
		return;
	st->planned = 1;
	PGconn *pg = st->c->pg;
	int in_txn = PQtransactionStatus(pg) != PQTRANS_IDLE;
	PQclear(PQexec(pg, in_txn ? "SAVEPOINT bf_plan" : "BEGIN"));
	PQclear(PQexec(pg, "SET LOCAL plan_cache_mode = force_generic_plan; SET LOCAL enable_seqscan = off"));
	PGresult *r = PQprepare(pg, "bf_plan", st->sql, st->nparams, st->types);
	int prepared = PQresultStatus(r) == PGRES_COMMAND_OK;
	PQclear(r);
	r = NULL;
	if (prepared) {
		struct buf q;
		buf_init(&q);
		buf_puts(&q, "EXPLAIN EXECUTE bf_plan");
		for (int i = 0; i < st->nparams; i++)
			buf_puts(&q, i ? ", NULL" : "(NULL");
		if (st->nparams)
			buf_puts(&q, ")");
		r = PQexec(pg, q.data);
		buf_free(&q);
	}
	PQclear(PQexec(pg, in_txn ? "ROLLBACK TO SAVEPOINT bf_plan" : "ROLLBACK"));
	if (in_txn)
		PQclear(PQexec(pg, "RELEASE SAVEPOINT bf_plan"));
	if (prepared)
		PQclear(PQexec(pg, "DEALLOCATE bf_plan"));	/* not transactional */
	if (PQresultStatus(r) == PGRES_TUPLES_OK) {
		pthread_mutex_lock(&plan_lock);
		FILE *f = fopen(path, "a");
		if (f) {
			fputs("-- ", f);
			for (const char *p = st->sql; *p; p++)
				fputc(*p == '\n' || *p == '\r' || *p == '\t' ? ' ' : *p, f);
			fputc('\n', f);
			for (int i = 0; i < PQntuples(r); i++)
				fprintf(f, "%s\n", PQgetvalue(r, i, 0));
			fputs("\n", f);
			fclose(f);
		}
		pthread_mutex_unlock(&plan_lock);
	}
	PQclear(r);
}

/* ---- statements ---- */

dbstmt *pg_prepare(struct pgconn *c, const char *sql, int cached)
{
	struct pgstmt *st = xcalloc(1, sizeof *st);
	st->c = c;
	st->oneoff = !cached;
	const char *w = sql + strspn(sql, " \t\n");
	st->writes = !strncasecmp(w, "INSERT", 6) || !strncasecmp(w, "UPDATE", 6) || !strncasecmp(w, "DELETE", 6);
	pthread_mutex_lock(&id_tables_lock);
	st->sql = pg_translate(sql, id_tables, &st->nparams, &st->names, &st->returning);
	pthread_mutex_unlock(&id_tables_lock);
	int n = st->nparams ? st->nparams : 1;
	st->types = xcalloc((size_t)n, sizeof *st->types);
	st->bound = xcalloc((size_t)n, sizeof *st->bound);
	for (int i = 0; i < n; i++)
		st->bound[i] = ANY_TYPE;
	st->vals = xcalloc((size_t)n, sizeof *st->vals);
	st->lens = xcalloc((size_t)n, sizeof *st->lens);
	st->fmts = xcalloc((size_t)n, sizeof *st->fmts);
	st->blob_row = -1;
	return (dbstmt *)(void *)st;
}

/* Frees the current result and the row's unescaped blobs. */
static void clear_result(struct pgstmt *st)
{
	if (st->blobs) {
		int n = st->res ? PQnfields(st->res) : 0;
		for (int i = 0; i < n; i++)
			PQfreemem(st->blobs[i]);
		free(st->blobs);
		free(st->blob_lens);
		st->blobs = NULL;
		st->blob_lens = NULL;
	}
	PQclear(st->res);
	st->res = NULL;
	st->row = st->nrows = st->done = 0;
	st->blob_row = -1;
}

void pg_reset(dbstmt *s)
{
	struct pgstmt *st = S(s);
	clear_result(st);
	for (int i = 0; i < st->nparams; i++) {
		free(st->vals[i]);
		st->vals[i] = NULL;
		st->fmts[i] = 0;
		st->lens[i] = 0;
		st->bound[i] = ANY_TYPE;	/* unbound is NULL, as in SQLite */
	}
}

/* Drops st's statement on the server, if it has one there; st is
 * prepared again at its next step. */
static void deallocate(struct pgstmt *st)
{
	if (st->oneoff || !st->name[0])
		return;
	char sql[40];
	snprintf(sql, sizeof sql, "DEALLOCATE %s", st->name);
	PQclear(PQexec(st->c->pg, sql));
	st->name[0] = '\0';
}

void pg_finalize(dbstmt *s)
{
	struct pgstmt *st = S(s);
	if (!st)
		return;
	pg_reset(s);
	if (st->gen == st->c->gen && PQstatus(st->c->pg) == CONNECTION_OK)
		deallocate(st);
	for (int i = 0; i < st->nparams; i++)
		free(st->names[i]);
	free(st->names);
	free(st->types);
	free(st->bound);
	free(st->vals);
	free(st->lens);
	free(st->fmts);
	free(st->sql);
	free(st);
}

/* Runs st with its bound values: a cached statement prepared on the
 * server once per connection (again after a reconnect), a one-off one
 * unnamed. A parameter the server cannot type from the statement is typed
 * text and the statement tried again. Returns the result (the caller
 * checks and frees it), NULL when it could not be prepared (errmsg set). */
static PGresult *attempt(struct pgstmt *st, int guard);

/* Returns 1 when s is a decimal integer (an optional minus, digits). */
static int numeric(const char *s)
{
	if (!s)
		return 0;
	if (*s == '-')
		s++;
	if (!*s)
		return 0;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

static PGresult *run(struct pgstmt *st)
{
	struct pgconn *c = st->c;
	for (int i = 0; i < st->nparams; i++) {
		unsigned b = st->bound[i];
		if (b == ANY_TYPE || b == st->types[i] || (b == 0 && st->types[i] == OID_TEXT))
			continue;
		if (b == 0 && (st->types[i] == OID_INT8 || st->types[i] == OID_FLOAT8) && numeric(st->vals[i]))
			continue;	/* a number as text reads as the number the statement was prepared for */
		st->types[i] = b;
		deallocate(st);	/* prepared with other types: again, anew */
	}
	/* Inside a transaction a failed statement would abort the whole
	 * transaction on PostgreSQL, where SQLite fails the statement alone (a
	 * handler may answer a unique violation and go on): a statement that
	 * may fail so, a write or one not yet prepared here (its parameters
	 * may need guesses), runs under a savepoint, rolled back to when it
	 * fails. A prepared read needs none: two round trips saved. */
	int prepared = !st->oneoff && st->name[0] && st->gen == c->gen;
	int guard = c->in_txn && (st->writes || !prepared);
	if (guard)
		PQclear(PQexec(c->pg, "SAVEPOINT bf_stmt"));
	PGresult *r = attempt(st, guard);
	if (guard) {
		ExecStatusType t = PQresultStatus(r);
		if (t != PGRES_TUPLES_OK && t != PGRES_COMMAND_OK)
			PQclear(PQexec(c->pg, "ROLLBACK TO SAVEPOINT bf_stmt"));
		PQclear(PQexec(c->pg, "RELEASE SAVEPOINT bf_stmt"));
	}
	return r;
}

/* Runs st, preparing it (again) when needed and retrying with guessed
 * types for parameters the server cannot type (see run). guard: inside
 * the savepoint bf_stmt, rolled back to before a retry. Returns the
 * result, NULL when every guess failed. */
static PGresult *attempt(struct pgstmt *st, int guard)
{
	struct pgconn *c = st->c;
	int guess = 0;	/* the parameter last typed by a guess */
	for (int tries = 0; tries <= 2 * st->nparams; tries++) {
		PGresult *r;
		if (tries && guard)
			PQclear(PQexec(c->pg, "ROLLBACK TO SAVEPOINT bf_stmt"));
		if (st->oneoff)
			r = PQexecParams(c->pg, st->sql, st->nparams, st->types, (const char *const *)st->vals,
			    st->lens, st->fmts, 0);
		else if (!st->name[0] || st->gen != c->gen) {
			snprintf(st->name, sizeof st->name, "s%u", ++c->next_name);
			st->gen = c->gen;
			r = PQprepare(c->pg, st->name, st->sql, st->nparams, st->types);
			if (PQresultStatus(r) == PGRES_COMMAND_OK) {
				PQclear(r);
				log_plan(st);
				r = PQexecPrepared(c->pg, st->name, st->nparams, (const char *const *)st->vals,
				    st->lens, st->fmts, 0);
			} else
				st->name[0] = '\0';
		} else
			r = PQexecPrepared(c->pg, st->name, st->nparams, (const char *const *)st->vals,
			    st->lens, st->fmts, 0);
		const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
		const char *msg = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY);
		const char *dollar = msg ? strchr(msg, '$') : NULL;
		int last = tries == 2 * st->nparams;	/* no more guesses: the error stands */
		if (!last && state && (strcmp(state, "42P18") == 0 || strcmp(state, "42P08") == 0) && dollar) {
			/* a parameter bound NULL that the statement does not type:
			 * guess text first */
			int k = atoi(dollar + 1);
			if (k >= 1 && k <= st->nparams && !st->types[k - 1]) {
				st->types[k - 1] = OID_TEXT;
				guess = k;
				PQclear(r);
				continue;
			}
		}
		if (!last && guess && state && (strcmp(state, "42883") == 0 || strcmp(state, "42804") == 0) &&
		    st->types[guess - 1] == OID_TEXT) {
			st->types[guess - 1] = OID_INT8;	/* compared with a number: then a number */
			guess = 0;
			PQclear(r);
			continue;
		}
		if (state && state[0] == '4' && state[1] == '2')	/* a syntax or name error: show where */
			fprintf(stderr, "  in: %.600s\n", st->sql);
		return r;
	}
	return NULL;
}

int pg_step(dbstmt *s)
{
	struct pgstmt *st = S(s);
	struct pgconn *c = st->c;
	if (!st->res && !st->done) {
		if (usable(c) < 0)
			return DB_ERROR;
		int was = c->in_txn;
		PGresult *r = run(st);
		if (stale(c, r, was, !st->writes)) {
			PQclear(r);	/* once, on a fresh connection */
			r = usable(c) == 0 ? run(st) : NULL;
		}
		ExecStatusType t = PQresultStatus(r);
		track_txn(c);
		if (t != PGRES_TUPLES_OK && t != PGRES_COMMAND_OK) {
			int rc = failed(c, r, !c->in_txn && st->writes);
			PQclear(r);
			st->done = 1;
			return rc;
		}
		const char *n = PQcmdTuples(r);
		c->changes = n && *n ? atoi(n) : 0;
		if (st->returning) {
			if (PQntuples(r) > 0)
				c->last_id = strtoll(PQgetvalue(r, PQntuples(r) - 1, 0), NULL, 10);
			PQclear(r);
			st->done = 1;
			return DB_DONE;
		}
		st->res = r;
		st->nrows = PQntuples(r);
		st->row = -1;
	}
	if (st->done || !st->res)
		return DB_DONE;
	if (++st->row < st->nrows)
		return DB_ROW;
	st->done = 1;
	return DB_DONE;
}

/* Sets parameter idx to a copy of s[0..n) in format fmt (0 text, 1
 * binary), declared as type (0: the server infers it). */
static void bind(struct pgstmt *st, int idx, const char *s, int n, int fmt, unsigned type)
{
	if (idx < 1 || idx > st->nparams)
		return;
	st->bound[idx - 1] = s ? type : ANY_TYPE;
	free(st->vals[idx - 1]);
	st->vals[idx - 1] = NULL;
	if (s) {
		st->vals[idx - 1] = xmalloc((size_t)n + 1);
		memcpy(st->vals[idx - 1], s, (size_t)n);
		st->vals[idx - 1][n] = '\0';
	}
	st->lens[idx - 1] = n;
	st->fmts[idx - 1] = fmt;
}

void pg_bind_int64(dbstmt *s, int idx, long long v)
{
	char t[24];
	int n = snprintf(t, sizeof t, "%lld", v);
	bind(S(s), idx, t, n, 0, OID_INT8);
}

void pg_bind_double(dbstmt *s, int idx, double v)
{
	char t[40];
	int n = snprintf(t, sizeof t, "%.17g", v);
	bind(S(s), idx, t, n, 0, OID_FLOAT8);
}

void pg_bind_text(dbstmt *s, int idx, const char *v, int n)
{
	/* a NUL cannot be in PostgreSQL text; the text ends there, as C's does */
	const char *z = memchr(v, '\0', (size_t)n);
	bind(S(s), idx, v, z ? (int)(z - v) : n, 0, 0);
}

void pg_bind_blob(dbstmt *s, int idx, const void *p, int n)
{
	bind(S(s), idx, p ? p : "", n, 1, OID_BYTEA);
}

void pg_bind_null(dbstmt *s, int idx)
{
	bind(S(s), idx, NULL, 0, 0, 0);
}

int pg_bind_index(dbstmt *s, const char *name)
{
	struct pgstmt *st = S(s);
	for (int i = 0; i < st->nparams; i++)
		if (st->names[i] && strcmp(st->names[i], name) == 0)
			return i + 1;
	return 0;
}

/* Returns 1 when column i of the current row holds a value. */
static int present(struct pgstmt *st, int i)
{
	return st->res && st->row >= 0 && st->row < st->nrows && i >= 0 && i < PQnfields(st->res) &&
	    !PQgetisnull(st->res, st->row, i);
}

long long pg_col_int64(dbstmt *s, int i)
{
	struct pgstmt *st = S(s);
	if (!present(st, i))
		return 0;
	const char *v = PQgetvalue(st->res, st->row, i);
	if (PQftype(st->res, i) == OID_BOOL)
		return v[0] == 't';
	return strtoll(v, NULL, 10);
}

double pg_col_double(dbstmt *s, int i)
{
	struct pgstmt *st = S(s);
	if (!present(st, i))
		return 0;
	if (PQftype(st->res, i) == OID_BOOL)
		return PQgetvalue(st->res, st->row, i)[0] == 't';
	return strtod(PQgetvalue(st->res, st->row, i), NULL);
}

const char *pg_col_str(dbstmt *s, int i)
{
	struct pgstmt *st = S(s);
	if (!present(st, i))
		return NULL;
	const char *v = PQgetvalue(st->res, st->row, i);
	if (PQftype(st->res, i) == OID_BOOL)
		return v[0] == 't' ? "1" : "0";
	if (PQftype(st->res, i) == OID_BYTEA)
		return pg_col_blob(s, i);
	return v;
}

const void *pg_col_blob(dbstmt *s, int i)
{
	struct pgstmt *st = S(s);
	if (!present(st, i))
		return NULL;
	if (PQftype(st->res, i) != OID_BYTEA)
		return PQgetvalue(st->res, st->row, i);
	int nf = PQnfields(st->res);
	if (st->blob_row != st->row) {
		if (st->blobs)
			for (int k = 0; k < nf; k++) {
				PQfreemem(st->blobs[k]);
				st->blobs[k] = NULL;
			}
		else {
			st->blobs = xcalloc((size_t)nf, sizeof *st->blobs);
			st->blob_lens = xcalloc((size_t)nf, sizeof *st->blob_lens);
		}
		st->blob_row = st->row;
	}
	if (!st->blobs[i])
		st->blobs[i] = PQunescapeBytea((const unsigned char *)PQgetvalue(st->res, st->row, i), &st->blob_lens[i]);
	return st->blobs[i];
}

int pg_col_bytes(dbstmt *s, int i)
{
	struct pgstmt *st = S(s);
	if (!present(st, i))
		return 0;
	if (PQftype(st->res, i) == OID_BYTEA) {
		pg_col_blob(s, i);
		return st->blobs && st->blobs[i] ? (int)st->blob_lens[i] : 0;
	}
	if (PQftype(st->res, i) == OID_BOOL)
		return 1;
	return PQgetlength(st->res, st->row, i);
}

int pg_col_type(dbstmt *s, int i)
{
	struct pgstmt *st = S(s);
	if (!present(st, i))
		return DB_NULL;
	switch (PQftype(st->res, i)) {
	case OID_BOOL:
	case OID_INT2:
	case OID_INT4:
	case OID_INT8:
	case OID_OID:
		return DB_INTEGER;
	case OID_FLOAT4:
	case OID_FLOAT8:
		return DB_FLOAT;
	case OID_NUMERIC:	/* sum() of integers: an integer, as in SQLite */
		return strpbrk(PQgetvalue(st->res, st->row, i), ".eEN") ? DB_FLOAT : DB_INTEGER;
	case OID_BYTEA:
		return DB_BLOB;
	default:
		return DB_TEXT;
	}
}

int pg_col_count(dbstmt *s)
{
	struct pgstmt *st = S(s);
	if (st->res)
		return PQnfields(st->res);
	return 0;
}

const char *pg_col_name(dbstmt *s, int i)
{
	struct pgstmt *st = S(s);
	return st->res ? PQfname(st->res, i) : "";
}

long long pg_last_id(struct pgconn *c)
{
	return c->last_id;
}

int pg_changes(struct pgconn *c)
{
	return c->changes;
}

const char *pg_errmsg(struct pgconn *c)
{
	return c->errmsg[0] ? c->errmsg : "no error";
}

int pg_in_transaction(struct pgconn *c)
{
	return c->in_txn;
}

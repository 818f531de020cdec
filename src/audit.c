/* audit.c - the append-only access log and its page for managers and admins. */
#include "audit.h"
#include <stdarg.h>
#include "db.h"
#include "http.h"

#include <stdio.h>
#include <string.h>

#define AUDIT_PAGE 50

long long audit_insert(long long user_id, const char *entity, long long person_id, const char *sql, const char *fmt, ...)
{
	if (db_begin() < 0)
		return -1;
	sqlite3_stmt *st = db_stmt(sql);
	int ok = 0;
	if (st) {
		va_list ap;
		va_start(ap, fmt);
		db_vbindf(st, fmt, ap);
		va_end(ap);
		ok = db_write(st, NULL) == SQLITE_DONE;
	}
	long long id = sqlite3_last_insert_rowid(db());
	if (!ok || audit_log(user_id, "create", entity, id, person_id) < 0 || db_commit() < 0) {
		db_rollback();
		return -1;
	}
	return id;
}

int audit_update(long long user_id, const char *entity, long long entity_id, long long person_id,
    const char *sql, const char *fmt, ...)
{
	if (db_begin() < 0)
		return -1;
	sqlite3_stmt *st = db_stmt(sql);
	int changed = 0, rc = SQLITE_ERROR;
	if (st) {
		va_list ap;
		va_start(ap, fmt);
		db_vbindf(st, fmt, ap);
		va_end(ap);
		rc = db_write(st, &changed);
	}
	if (rc == SQLITE_DONE && !changed) {
		db_rollback();
		return 0;
	}
	if (rc != SQLITE_DONE || audit_log(user_id, "update", entity, entity_id, person_id) < 0 || db_commit() < 0) {
		db_rollback();
		return -1;
	}
	return 1;
}

/* Runs a cached PRAGMA statement on this thread's connection. Returns 0 or -1. */
static int run_pragma(const char *sql)
{
	sqlite3_stmt *st = db_stmt(sql);
	if (!st)
		return -1;
	int rc = sqlite3_step(st);
	db_done(st);
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : -1;
}

/* Returns 1 for actions that record a look, not a change. */
static int is_read_like(const char *action)
{
	return strcmp(action, "read") == 0 || strcmp(action, "export") == 0 || strcmp(action, "denied") == 0;
}

int audit_log(long long user_id, const char *action, const char *entity,
    long long entity_id, long long person_id)
{
	static const char sql[] = "INSERT INTO audit(at, user_id, action, entity, entity_id, person_id) "
	    "VALUES(?, ?, ?, ?, ?, ?)";
	/* a lone record of a read is committed without waiting for the disk:
	 * it survives a crash of the server, and reaches the disk with the
	 * next change or checkpoint (see docs/design.md, "Audit durability") */
	int lazy = sqlite3_get_autocommit(db()) && is_read_like(action);
	if (lazy && run_pragma("PRAGMA synchronous=NORMAL") < 0)
		return -1;
	sqlite3_stmt *st = db_stmt(sql);
	if (!st) {
		if (lazy)
			run_pragma("PRAGMA synchronous=FULL");
		return -1;
	}
	sqlite3_bind_int64(st, 1, now_unix());
	if (user_id)
		sqlite3_bind_int64(st, 2, user_id);
	sqlite3_bind_text(st, 3, action, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, entity, -1, SQLITE_TRANSIENT);
	if (entity_id)
		sqlite3_bind_int64(st, 5, entity_id);
	if (person_id)
		sqlite3_bind_int64(st, 6, person_id);
	int rc = sqlite3_step(st);
	db_done(st);
	if (lazy && run_pragma("PRAGMA synchronous=FULL") < 0)
		rc = SQLITE_ERROR;
	if (rc != SQLITE_DONE) {
		fprintf(stderr, "audit: write failed (%s)\n", action);
		return -1;
	}
	return 0;
}

static const struct { const char *k, *v; } action_labels[] = {
		{ "read", "Läste" }, { "create", "Skapade" }, { "update", "Ändrade" },
		{ "login", "Loggade in" }, { "login_failed", "Misslyckad inloggning" },
		{ "logout", "Loggade ut" }, { "denied", "Nekades" }, { "export", "Exporterade" },
		{ "import", "Importerade" },
};

static const char *action_label(const char *a)
{
	for (size_t i = 0; i < sizeof action_labels / sizeof action_labels[0]; i++)
		if (strcmp(action_labels[i].k, a) == 0)
			return action_labels[i].v;
	return a;
}

/* Returns [{value, label, selected}] for the audit actions. */
static json_t *action_options(const char *selected)
{
	json_t *a = json_array();
	for (size_t i = 0; i < sizeof action_labels / sizeof action_labels[0]; i++)
		json_array_append_new(a, json_pack("{s:s, s:s, s:b}", "value", action_labels[i].k,
		    "label", action_labels[i].v, "selected", selected && strcmp(selected, action_labels[i].k) == 0));
	return a;
}

/* GET /audit?user=&entity=&action=&from=&to=&before= */
int audit_list(struct req *r)
{
	static const char sql[] =
	    "SELECT a.id, a.at, coalesce(u.username, ''), a.action, a.entity, a.entity_id, a.person_id "
	    "FROM audit a LEFT JOIN users u ON u.id = a.user_id "
	    "WHERE (?1 IS NULL OR a.user_id = (SELECT id FROM users WHERE username = ?1)) "
	    "AND (?2 IS NULL OR a.entity = ?2) AND (?3 IS NULL OR a.action = ?3) "
	    "AND (?4 IS NULL OR a.at >= ?4) AND (?5 IS NULL OR a.at < ?5) "
	    "AND a.id < coalesce(?6, " KEYSET_MAX ") "
	    "ORDER BY a.id DESC LIMIT ?7";
	static const char *const keys[] = { "user", "entity", "action", "from", "to", NULL };
	const char *user = http_param(r, "user");
	const char *entity = http_param(r, "entity");
	const char *action = http_param(r, "action");
	const char *from = http_param(r, "from");
	const char *to = http_param(r, "to");
	const char *before = http_param(r, "before");

	json_object_set_new(r->view, "title", json_string("Åtkomstlogg"));
	json_t *form = json_object();
	view_set_str(form, "user", user ? user : "");
	view_set_str(form, "entity", entity ? entity : "");
	view_set_str(form, "action", action ? action : "");
	view_set_str(form, "from", from ? from : "");
	view_set_str(form, "to", to ? to : "");
	json_object_set_new(r->view, "form", form);
	json_object_set_new(r->view, "actions", action_options(action));

	if (from && *from && !valid_date(from))
		view_error(r, "from", "Från-datum ska skrivas ÅÅÅÅ-MM-DD.");
	if (to && *to && !valid_date(to))
		view_error(r, "to", "Till-datum ska skrivas ÅÅÅÅ-MM-DD.");
	long long before_id = before && *before ? parse_id(before) : 0;
	if (before && *before && !before_id)
		view_error(r, "before", "Ogiltig sida.");
	if (view_has_errors(r)) {
		json_object_set_new(r->view, "rows", json_array());
		return 400;
	}

	sqlite3_stmt *st = db_stmt(sql);
	if (!st)
		return http_fail(r, 500, NULL);
	db_bind_text_or_null(st, 1, user);
	db_bind_text_or_null(st, 2, entity);
	db_bind_text_or_null(st, 3, action);
	if (from && *from)
		sqlite3_bind_int64(st, 4, local_midnight(from));
	if (to && *to)
		sqlite3_bind_int64(st, 5, local_midnight(to) + 24 * 3600);
	if (before_id)
		sqlite3_bind_int64(st, 6, before_id);
	sqlite3_bind_int(st, 7, AUDIT_PAGE + 1);

	json_t *rows = json_array();
	long long last_id = 0;
	int n = 0, rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (++n > AUDIT_PAGE)
			break;
		char when[17];
		local_time(sqlite3_column_int64(st, 1), when);
		last_id = sqlite3_column_int64(st, 0);
		json_t *row = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s}",
		    "id", (json_int_t)last_id, "at", when, "user", db_col_text(st, 2),
		    "action", db_col_text(st, 3), "action_label", action_label(db_col_text(st, 3)),
		    "entity", db_col_text(st, 4));
		if (sqlite3_column_type(st, 5) != SQLITE_NULL)
			json_object_set_new(row, "entity_id", json_integer(sqlite3_column_int64(st, 5)));
		if (sqlite3_column_type(st, 6) != SQLITE_NULL)
			json_object_set_new(row, "person_id", json_integer(sqlite3_column_int64(st, 6)));
		json_array_append_new(rows, row);
	}
	db_done(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		json_decref(rows);
		return http_fail(r, 500, NULL);
	}
	json_object_set_new(r->view, "rows", rows);
	char id[32];
	snprintf(id, sizeof id, "%lld", last_id);
	view_pager(r, n > AUDIT_PAGE ? http_link(r, keys, "before", id) : NULL,
	    before_id ? http_link(r, keys, "before", "") : NULL);
	return 200;
}

/* login.c - logging in and out. */
#include "handlers.h"
#include "audit.h"
#include "db.h"
#include "hashpool.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char bad_login[] = "Fel användarnamn eller lösenord.";

/* GET /login : the form (and, for JSON clients, the CSRF token). */
int login_form(struct req *r)
{
	if (r->user.id)
		return http_redirect(r, "/");
	json_object_set_new(r->view, "title", json_string("Logga in"));
	json_object_set_new(r->view, "form", json_pack("{s:s}", "username", ""));
	return 200;
}

struct login_row {
	long long id;
	char *hash;	/* malloc'd; NULL when no such active user */
};

/* Looks up an active user by name. Returns 0 or -1 (database error). */
static int find_login(const char *username, struct login_row *out)
{
	static const char sql[] = "SELECT id, password_hash, active FROM users WHERE username = ?";
	out->id = 0;
	out->hash = NULL;
	sqlite3_stmt *st = db_stmt(sql);
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, username, -1, SQLITE_TRANSIENT);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		out->id = sqlite3_column_int64(st, 0);
		if (sqlite3_column_int(st, 2))
			out->hash = xstrdup(db_col_text(st, 1));
	}
	db_done(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

/* Stores a fresh hash when the parameters changed since it was made. */
static void maybe_rehash(long long id, const char *hash, const char *password)
{
	static const char sql[] = "UPDATE users SET password_hash = ? WHERE id = ?";
	if (!auth_needs_rehash(hash))
		return;
	char *h = auth_hash_password(password);
	if (!h)
		return;
	sqlite3_stmt *st = db_stmt(sql);
	if (st) {
		sqlite3_bind_text(st, 1, h, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(st, 2, id);
		sqlite3_step(st);
		db_done(st);
	}
	free(h);
}

/* A login waiting for its password check (lives in r->arena). */
struct login_state {
	struct hash_job job;
	long long user_id;
	const char *username;
};

static int login_finish(struct req *r);

/* Pool thread: the check is done; wake the parked request. */
static void check_done(struct hash_job *job)
{
	http_resume(job->ctx);
}

/* POST /login : parks the request while the password is checked (see
 * login_finish); answers the form with an error or 429 before that. */
int login_submit(struct req *r)
{
	const char *username = http_param(r, "username");
	const char *password = form_get(&r->form, "password");	/* never trimmed */
	json_object_set_new(r->view, "title", json_string("Logga in"));
	json_object_set_new(r->view, "form", json_pack("{s:s}", "username", username ? username : ""));

	if (!username || !*username)
		view_error(r, "username", "Ange ditt användarnamn.");
	if (!password || !*password)
		view_error(r, "password", "Ange ditt lösenord.");
	if (view_has_errors(r))
		return 401;
	if (strlen(username) > 64 || strlen(password) > 1024) {
		view_error(r, "username", bad_login);
		return 401;
	}

	long long wait = throttle_wait(username, r->client_ip);
	if (wait > 0) {
		long long minutes = (wait + 59) / 60;
		r->retry_after = arena_printf(&r->arena, "%lld", wait);
		return http_fail(r, 429, arena_printf(&r->arena,
		    "För många misslyckade inloggningar. Försök igen om %lld %s.",
		    minutes, minutes == 1 ? "minut" : "minuter"));
	}

	struct login_row u;
	if (find_login(username, &u) < 0)
		return http_fail(r, 500, NULL);
	/* the check runs on a password thread while this request is parked */
	struct login_state *ls = arena_alloc(&r->arena, sizeof *ls);
	memset(ls, 0, sizeof *ls);
	ls->user_id = u.id;
	ls->username = username;
	ls->job.hash = u.hash ? arena_strdup(&r->arena, u.hash) : NULL;
	ls->job.password = password;
	ls->job.done = check_done;
	ls->job.ctx = r;
	free(u.hash);
	r->state = ls;
	http_suspend(r, login_finish);
	int queued = hashpool_submit(&ls->job);
	if (queued != 0) {
		/* full: refuse; not running (stopping): check here */
		ls->job.result = queued == -1 ? -1 : auth_verify_password(ls->job.hash, password);
		http_resume(r);
	}
	return HTTP_SUSPENDED;
}

/* Second half of POST /login, after the password check: 303 to / with a
 * new session, the form with an error, or 503 when the queue was full. */
static int login_finish(struct req *r)
{
	struct login_state *ls = r->state;
	const char *password = form_get(&r->form, "password");
	if (ls->job.result < 0) {
		r->retry_after = "2";
		return http_fail(r, 503, "Många loggar in just nu. Försök igen om några sekunder.");
	}
	if (!ls->job.result) {
		throttle_record(ls->username, r->client_ip, 0);
		audit_log(ls->user_id, "login_failed", "user", ls->user_id, 0);
		fprintf(stderr, "login failed: uid=%lld ip=%s\n", ls->user_id, r->client_ip);
		view_error(r, "password", bad_login);
		return 401;
	}
	maybe_rehash(ls->user_id, ls->job.hash, password);

	char token[65];
	if (session_create(ls->user_id, token) < 0)
		return http_fail(r, 500, NULL);
	if (r->session_token)
		session_end(r->session_token);
	throttle_record(ls->username, r->client_ip, 1);
	audit_log(ls->user_id, "login", "user", ls->user_id, 0);
	http_cookie(r, "bf_session", token, -1);
	return http_redirect(r, "/");
}

/* POST /logout : ends the session on the server. */
int logout_submit(struct req *r)
{
	session_end(r->session_token);
	audit_log(r->user.id, "logout", "user", r->user.id, 0);
	http_cookie(r, "bf_session", "", 0);
	return http_redirect(r, "/login");
}

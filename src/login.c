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
	static const char sql[] = "SELECT id, password_hash, active FROM users WHERE lower(username) = lower(?)";
	out->id = 0;
	out->hash = NULL;
	dbstmt *st = db_stmt(sql);
	if (!st)
		return -1;
	db_bind_text(st, 1, username, -1);
	int rc = db_step(st);
	if (rc == DB_ROW) {
		out->id = db_col_int64(st, 0);
		if (db_col_int(st, 2))
			out->hash = xstrdup(db_col_text(st, 1));
	}
	db_done(st);
	return rc == DB_ROW || rc == DB_DONE ? 0 : -1;
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
	dbstmt *st = db_stmt(sql);
	if (st) {
		db_bind_text(st, 1, h, -1);
		db_bind_int64(st, 2, id);
		db_step(st);
		db_done(st);
	}
	free(h);
}

/* A login waiting for its password check (lives in r->arena). */
struct login_state {
	struct hash_job job;	/* first: check_done gets the state from it */
	long long user_id;
	long long attempt;	/* the reserved row in login_attempts */
};

static int login_finish(struct req *r);

/* Pool thread: the check is done; record its result (at once, so the
 * next login's count sees it) and wake the parked request. */
static void check_done(struct hash_job *job)
{
	struct login_state *ls = (struct login_state *)job;
	throttle_settle(ls->attempt, job->result);
	http_resume(job->ctx);
}

/* Answers 429: too many attempts, wait ms (rounded up to seconds). */
static int too_many(struct req *r, long long ms)
{
	long long secs = (ms + 999) / 1000;
	r->retry_after = arena_printf(&r->arena, "%lld", secs);
	long long mins = (secs + 59) / 60;
	const char *when = secs < 60 ? arena_printf(&r->arena, "%lld %s", secs, plural(secs, "sekund", "sekunder")) :
	    arena_printf(&r->arena, "%lld %s", mins, plural(mins, "minut", "minuter"));
	return http_fail(r, 429, arena_printf(&r->arena,
	    "För många inloggningsförsök. Försök igen om %s.", when));
}

/* Answers 503: the queue of password checks is full. */
static int busy(struct req *r)
{
	r->retry_after = "2";
	return http_fail(r, 503, "Många loggar in just nu. Försök igen om några sekunder.");
}

/* POST /login : reserves the password check (or answers 429 or 503 at
 * once), then parks the request while the check runs (see login_finish). */
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

	/* a throttled client is told so from a read, without the write lock */
	long long wait = throttle_wait(username, r->client_ip, now_unix_ms());
	if (wait != 0)
		return wait > 0 ? too_many(r, wait) : http_fail(r, 500, NULL);
	/* a full queue is refused before anything is written (not an attempt) */
	int place = hashpool_hold();
	if (place == -1)
		return busy(r);
	/* the attempt counts from here, before the check runs: parallel
	 * attempts see each other, so no more than the limit are checked */
	long long attempt;
	wait = throttle_reserve(username, r->client_ip, now_unix_ms(), &attempt);
	struct login_row u = { 0, NULL };
	if (wait == 0 && find_login(username, &u) < 0) {
		throttle_settle(attempt, -1);
		wait = -1;
	}
	if (wait != 0) {
		if (place == 0)
			hashpool_release();
		return wait > 0 ? too_many(r, wait) : http_fail(r, 500, NULL);
	}
	/* the check runs on a password thread while this request is parked */
	struct login_state *ls = arena_alloc(&r->arena, sizeof *ls);
	memset(ls, 0, sizeof *ls);
	ls->user_id = u.id;
	ls->attempt = attempt;
	ls->job.hash = u.hash ? arena_strdup(&r->arena, u.hash) : NULL;
	ls->job.password = password;
	ls->job.done = check_done;
	ls->job.ctx = r;
	free(u.hash);
	r->state = ls;
	http_suspend(r, login_finish);
	if (place != 0 || hashpool_submit_held(&ls->job) != 0) {
		/* the pool is stopping: check here */
		ls->job.result = auth_verify_password(ls->job.hash, password);
		check_done(&ls->job);
	}
	return HTTP_SUSPENDED;
}

/* Second half of POST /login, after the password check (already recorded
 * by check_done): 303 to / with a new session, the form with an error, or
 * 503 when the check could not run. */
static int login_finish(struct req *r)
{
	struct login_state *ls = r->state;
	const char *password = form_get(&r->form, "password");
	if (ls->job.result < 0)
		return busy(r);
	if (!ls->job.result) {
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
	return http_redirect_done(r, "/login", DONE_LOGGED_OUT);
}

/* test_auth.c - passwords, tokens, CSRF, sessions and throttling on a
 * temporary database. */
#define _POSIX_C_SOURCE 200809L
#include "auth.h"
#include "db.h"
#include "user.h"
#include "check.h"

#include <stdlib.h>
#include <unistd.h>

static long long make_user(const char *name, int role)
{
	char *hash = auth_hash_password("correct horse battery");
	long long id = 0;
	CHECK(hash && user_insert(name, "Test", role, 0, hash, 0, &id) == 0, "insert %s", name);
	free(hash);
	return id;
}

static void passwords(void)
{
	CHECK(auth_password_problem("short") != NULL, "too short");
	CHECK(auth_password_problem("ååååååååååå") != NULL, "11 characters (22 bytes) is too short");
	CHECK(auth_password_problem("åååååååååååå") == NULL, "12 characters counted, not bytes");
	char long_pw[200];
	memset(long_pw, 'a', 129);
	long_pw[129] = '\0';
	CHECK(auth_password_problem(long_pw) != NULL, "129 is too long");
	char *h = auth_hash_password("correct horse battery");
	CHECK(h && strncmp(h, "$argon2id$", 10) == 0, "Argon2id: %s", h ? h : "(null)");
	CHECK(strstr(h, "m=19456") && strstr(h, "t=2"), "parameters m=19MiB t=2: %s", h);
	CHECK(auth_verify_password(h, "correct horse battery") == 1, "verifies");
	CHECK(auth_verify_password(h, "correct horse batterY") == 0, "wrong password");
	CHECK(auth_verify_password(NULL, "anything at all") == 0, "unknown user never matches");
	CHECK(!auth_needs_rehash(h), "fresh hash needs no rehash");
	free(h);
	CHECK(auth_needs_rehash("$argon2id$v=19$m=4096,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA"), "old parameters need a rehash");
}

static void tokens(void)
{
	char a[65], b[65], ca[65], cb[65];
	auth_new_token(a);
	auth_new_token(b);
	CHECK(strlen(a) == 64 && strspn(a, "0123456789abcdef") == 64, "64 hex");
	CHECK(strcmp(a, b) != 0, "tokens differ");
	auth_csrf_for(a, ca);
	auth_csrf_for(b, cb);
	CHECK(strcmp(ca, cb) != 0 && strcmp(ca, a) != 0, "CSRF token is bound and not the session token");
	CHECK(auth_csrf_valid(a, ca), "valid");
	CHECK(!auth_csrf_valid(a, cb), "other session's token");
	CHECK(!auth_csrf_valid(a, NULL) && !auth_csrf_valid(NULL, ca) && !auth_csrf_valid(a, ""), "missing");
	ca[10] ^= 1;
	CHECK(!auth_csrf_valid(a, ca), "tampered");
}

static void sessions(void)
{
	struct arena ar = { 0 };
	struct user u;
	long long id = make_user("sess.user", ROLE_CM);
	char tok[65];
	CHECK(session_create(id, tok) == 0, "create");
	CHECK(session_load(tok, &u, &ar) == 1 && u.id == id && u.role == ROLE_CM, "load");
	CHECK_STR(u.username, "sess.user");
	char forged[65];
	memcpy(forged, tok, 65);
	forged[0] = forged[0] == 'a' ? 'b' : 'a';
	CHECK(session_load(forged, &u, &ar) == 0 && u.id == 0, "forged token");
	CHECK(session_load("short", &u, &ar) == 0, "malformed token");
	/* the database holds only a hash of the token */
	sqlite3_stmt *st = db_stmt("SELECT count(*) FROM sessions WHERE token_hash = CAST(? AS BLOB)");
	sqlite3_bind_text(st, 1, tok, -1, SQLITE_STATIC);
	CHECK(sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0) == 0, "raw token not stored");
	db_done(st);
	CHECK(session_end(tok) == 0 && session_load(tok, &u, &ar) == 0, "logout ends it");

	/* idle timeout */
	CHECK(session_create(id, tok) == 0, "create 2");
	auth_session_idle = 1;
	db_exec("UPDATE sessions SET last_seen = last_seen - 5");
	CHECK(session_load(tok, &u, &ar) == 0, "idle session expired");
	auth_session_idle = 1800;
	/* absolute timeout */
	CHECK(session_create(id, tok) == 0, "create 3");
	db_exec("UPDATE sessions SET created_at = created_at - 50000 WHERE ended_at IS NULL");
	CHECK(session_load(tok, &u, &ar) == 0, "old session expired");
	/* deactivated user */
	CHECK(session_create(id, tok) == 0, "create 4");
	db_exec("UPDATE users SET active = 0 WHERE username = 'sess.user'");
	CHECK(session_load(tok, &u, &ar) == 0, "inactive user is logged out");
	arena_free(&ar);
}

static void throttling(void)
{
	CHECK(throttle_wait("victim", "10.0.0.1") == 0, "no failures");
	for (int i = 0; i < 4; i++)
		throttle_record("victim", "10.0.0.1", 0);
	CHECK(throttle_wait("victim", "10.0.0.1") == 0, "4 failures pass");
	throttle_record("Victim", "10.0.0.2", 0);
	long long w = throttle_wait("VICTIM", "10.0.0.3");
	CHECK(w > 800 && w <= 900, "5th failure locks the account (any case, any IP): %lld", w);
	CHECK(throttle_wait("someone", "10.0.0.1") == 0, "other account from same IP fine");
	for (int i = 0; i < 20; i++)
		throttle_record("spray", "10.9.9.9", 0);
	CHECK(throttle_wait("fresh", "10.9.9.9") > 0, "20 failures from one IP lock the IP");
}

int main(void)
{
	char dir[] = "/tmp/bf-auth-XXXXXX", path[64], err[256];
	CHECK(mkdtemp(dir) != NULL, "tmpdir");
	snprintf(path, sizeof path, "%s/t.db", dir);
	CHECK(db_migrate(path, err, sizeof err) >= 1, "migrate: %s", err);
	CHECK(db_open(path, err, sizeof err) == 0, "open: %s", err);
	CHECK(auth_init(2, 1) == 0, "init");
	passwords();
	tokens();
	sessions();
	throttling();
	db_close_all();
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	CHECK(system(cmd) == 0, "cleanup");
	return check_done();
}

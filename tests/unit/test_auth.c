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
	dbstmt *st = db_stmt("SELECT count(*) FROM sessions WHERE token_hash = CAST(? AS BLOB)");
	db_bind_text(st, 1, tok, -1);
	CHECK(db_step(st) == DB_ROW && db_col_int(st, 0) == 0, "raw token not stored");
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

/* Counts login_attempts rows (all, or the running ones). */
static long long attempts(int running_only)
{
	dbstmt *st = db_stmt(running_only ? "SELECT count(*) FROM login_attempts WHERE done = 0" :
	    "SELECT count(*) FROM login_attempts");
	long long n = db_step(st) == DB_ROW ? db_col_int64(st, 0) : -1;
	db_done(st);
	return n;
}

/* Reserves and settles as failed at t. Returns what throttle_reserve did. */
static long long fail_at(const char *user, const char *ip, long long t)
{
	long long id;
	long long w = throttle_reserve(user, ip, t, &id);
	if (w == 0)
		throttle_settle(id, 0);
	return w;
}

static void throttling(void)
{
	db_exec("DELETE FROM login_attempts");
	throttle_base_ms = 1000;
	long long t = 1800000000000LL, id, ids[40];
	CHECK(throttle_wait("victim", "10.0.0.1", t) == 0, "no failures");

	/* parallel: 40 reservations before any check has ended: 5 run */
	int reserved = 0;
	for (int i = 0; i < 40; i++) {
		long long w = throttle_reserve("victim", "10.0.0.1", t + i, &ids[reserved]);
		if (w == 0)
			reserved++;
		else
			CHECK(w > 0 && w <= 1000, "refused %d: wait %lld", i, w);
	}
	CHECK(reserved == 5, "5 of 40 parallel attempts reserved: %d", reserved);
	CHECK(attempts(1) == 5, "5 running rows: %lld", attempts(1));
	/* past the limit, nothing runs while a check still does, even later */
	CHECK(throttle_reserve("victim", "10.0.0.1", t + 5000, &id) == 1, "running checks hold the next one");
	for (int i = 0; i < reserved; i++)
		throttle_settle(ids[i], 0);
	CHECK(attempts(1) == 0 && attempts(0) == 5, "settled as failures");

	/* the wait: base after the latest attempt, doubling with each failure */
	long long last = t + 4;	/* the fifth reservation */
	CHECK(throttle_wait("victim", "10.0.0.1", last + 1) == 999, "first delay: %lld", throttle_wait("victim", "10.0.0.1", last + 1));
	CHECK(throttle_wait("Victim", "10.0.0.9", last + 1) == 999, "any case, any address");
	CHECK(throttle_wait("victim", "10.0.0.1", last + 1000) == 0, "over after the delay");
	CHECK(fail_at("victim", "10.0.0.1", last + 1000) == 0, "6th check after the delay");
	CHECK(throttle_wait("victim", "10.0.0.1", last + 1000) == 2000, "then 2 s");
	CHECK(fail_at("victim", "10.0.0.1", last + 3000) == 0, "7th");
	CHECK(throttle_wait("victim", "10.0.0.1", last + 3000) == 4000, "then 4 s");
	long long at = last + 7000;
	for (int i = 0; i < 20; i++) {	/* each failure as soon as it may */
		CHECK(fail_at("victim", "10.0.0.1", at) == 0, "failure %d", 8 + i);
		at += throttle_wait("victim", "10.0.0.1", at);
	}
	CHECK(throttle_wait("victim", "10.0.0.1", at - 1) == 1, "waits");
	long long cap = throttle_wait("victim", "10.0.0.1", at - THROTTLE_CAP_MS);
	CHECK(cap == THROTTLE_CAP_MS, "capped at 15 minutes: %lld", cap);

	/* an insider on another address holds the owner back by one delay at
	 * most: another address counts up to the limit only */
	long long w = throttle_wait("VICTIM", "10.0.0.2", at - THROTTLE_CAP_MS);
	CHECK(w > 0 && w <= 1000, "the owner elsewhere waits the first delay only: %lld", w);
	CHECK(throttle_reserve("victim", "10.0.0.2", at - THROTTLE_CAP_MS + 1000, &id) == 0, "and then checks");
	/* the right password clears the account's failures for the account,
	 * from everywhere; the address they came from keeps counting them */
	long long rows_before = attempts(0);
	throttle_settle(id, 1);
	CHECK(throttle_wait("victim", "10.0.0.3", at - THROTTLE_CAP_MS + 1000) == 0, "success clears the account");
	CHECK(throttle_wait("victim", "10.0.0.1", at - THROTTLE_CAP_MS + 1000) > 0, "the guessing address is still slowed");
	CHECK(attempts(0) == rows_before - 1, "the failures stay, for their address (%lld of %lld)", attempts(0), rows_before);

	/* the address: 20 failures on any accounts slow a 21st account */
	db_exec("DELETE FROM login_attempts");
	t += 86400000;
	for (int i = 0; i < 20; i++) {
		char user[16];
		snprintf(user, sizeof user, "spray-%d", i % 4);	/* 4 accounts, 5 each */
		CHECK(fail_at(user, "10.9.9.9", t + i) == 0, "spray %d", i);
	}
	CHECK(throttle_wait("fresh", "10.9.9.9", t + 20) > 0, "the address waits");
	CHECK(throttle_wait("fresh", "10.9.9.8", t + 20) == 0, "another address does not");

	/* IPv6: one /64 is one address */
	db_exec("DELETE FROM login_attempts");
	throttle_address_limit = 3;
	for (int i = 0; i < 3; i++) {
		char ip[64];
		snprintf(ip, sizeof ip, "2001:db8:1:2::%x", i + 1);
		CHECK(fail_at(i == 1 ? "v6-b" : "v6-a", ip, t + i) == 0, "v6 %d", i);
	}
	CHECK(throttle_wait("v6-c", "2001:db8:1:2:ffff::1", t + 3) > 0, "same /64 waits");
	CHECK(throttle_wait("v6-c", "2001:db8:1:3::1", t + 3) == 0, "the next /64 does not");
	CHECK(throttle_wait("v6-c", "::ffff:10.1.1.1", t + 3) == 0, "v4-mapped is its own address");
	throttle_address_limit = 20;

	/* a check that was running when its server died counts as a failure,
	 * and no longer holds the others after a minute */
	db_exec("DELETE FROM login_attempts");
	for (int i = 0; i < 5; i++)
		CHECK(throttle_reserve("crashed", "10.3.3.3", t, &id) == 0, "reserve %d", i);
	CHECK(throttle_wait("crashed", "10.3.3.3", t + 30000) == 1, "running: one at a time");
	CHECK(throttle_wait("crashed", "10.3.3.3", t + 61000) == 0, "stale after a minute");
	/* the 503 case: a reservation taken back is no attempt */
	CHECK(throttle_reserve("unused", "10.4.4.4", t, &id) == 0, "reserved");
	throttle_settle(id, -1);
	dbstmt *st = db_stmt("SELECT count(*) FROM login_attempts WHERE address = '10.4.4.4'");
	CHECK(db_step(st) == DB_ROW && db_col_int(st, 0) == 0, "taken back");
	db_done(st);

	/* old rows are pruned as new ones are written */
	long long before = attempts(0);
	CHECK(throttle_reserve("later", "10.5.5.5", t + 86400000 + 1, &id) == 0, "a day later");
	CHECK(attempts(0) == 1 && before == 5, "the day-old rows pruned: %lld (were %lld)", attempts(0), before);

	/* the username is stored only as a keyed hash */
	st = db_stmt("SELECT typeof(account), length(account) FROM login_attempts");
	CHECK(db_step(st) == DB_ROW && strcmp(db_col_text(st, 0), "blob") == 0 &&
	    db_col_int(st, 1) == 16, "account is a 16-byte hash");
	db_done(st);
	CHECK(auth_checks() == 3, "the three checks in passwords() counted: %llu", auth_checks());
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

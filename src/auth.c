/* auth.c - roles, Argon2id passwords behind a gate, sessions, CSRF, throttling. */
#define _POSIX_C_SOURCE 200809L
#include "auth.h"
#include "db.h"
#include "netaddr.h"
#include "util.h"

#include <ctype.h>
#include <errno.h>
#include <semaphore.h>
#include <stdatomic.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

long long auth_session_idle = 30 * 60;
long long auth_session_max = 12 * 60 * 60;

#define PW_OPSLIMIT 2
#define PW_MEMLIMIT (19u * 1024 * 1024)

static sem_t hash_gate;
static unsigned char csrf_key[crypto_generichash_KEYBYTES];
static char dummy_hash[crypto_pwhash_STRBYTES];
static unsigned char throttle_secret[crypto_generichash_KEYBYTES];	/* derived from the CSRF key */
static atomic_ullong checks;	/* password verifications run */

static const struct {
	int role;
	const char *name;
	const char *label;
} roles[] = {
	{ ROLE_SOC, "socialsekreterare", "Socialsekreterare" },
	{ ROLE_CM, "case_manager", "Case manager" },
	{ ROLE_LANDLORD, "landlord", "Fastighetskontoret" },
	{ ROLE_MANAGER, "manager", "Chef" },
	{ ROLE_ADMIN, "admin", "Systemförvaltare" },
};

int role_from_name(const char *name)
{
	for (size_t i = 0; name && i < sizeof roles / sizeof roles[0]; i++)
		if (strcmp(roles[i].name, name) == 0)
			return roles[i].role;
	return 0;
}

const char *role_name(int role)
{
	for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++)
		if (roles[i].role == role)
			return roles[i].name;
	return NULL;
}

const char *role_label(int role)
{
	for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++)
		if (roles[i].role == role)
			return roles[i].label;
	return "";
}

int role_needs_district(int role)
{
	return role == ROLE_SOC;
}

/* Loads the CSRF key, creating it from libsodium on first start. */
static int load_csrf_key(void)
{
	static const char sel[] = "SELECT value FROM secrets WHERE name = 'csrf'";
	static const char ins[] = "INSERT INTO secrets(name, value) VALUES('csrf', ?) ON CONFLICT DO NOTHING";
	for (int attempt = 0; attempt < 2; attempt++) {
		dbstmt *st = db_stmt(sel);
		if (!st)
			return -1;
		if (db_step(st) == DB_ROW &&
		    db_col_bytes(st, 0) == (int)sizeof csrf_key) {
			memcpy(csrf_key, db_col_blob(st, 0), sizeof csrf_key);
			db_done(st);
			return 0;
		}
		db_done(st);
		unsigned char key[sizeof csrf_key];
		randombytes_buf(key, sizeof key);
		st = db_stmt(ins);
		if (!st)
			return -1;
		db_bind_blob(st, 1, key, sizeof key);
		int rc = db_step(st);
		db_done(st);
		sodium_memzero(key, sizeof key);
		if (rc != DB_DONE)
			return -1;
	}
	return -1;
}

int auth_init(int max_hashes, int with_db)
{
	if (sodium_init() < 0)
		return -1;
	if (sem_init(&hash_gate, 0, (unsigned)(max_hashes > 0 ? max_hashes : 1)) < 0)
		return -1;
	char pw[65];
	auth_new_token(pw);	/* the dummy's password: random, never used */
	if (crypto_pwhash_str_alg(dummy_hash, pw, strlen(pw), PW_OPSLIMIT, PW_MEMLIMIT,
	    crypto_pwhash_ALG_ARGON2ID13) != 0)
		return -1;
	if (with_db && load_csrf_key() < 0)
		return -1;
	if (!with_db)
		randombytes_buf(csrf_key, sizeof csrf_key);
	static const char ctx[] = "bostadforst login throttle";
	crypto_generichash(throttle_secret, sizeof throttle_secret, (const unsigned char *)ctx, sizeof ctx - 1,
	    csrf_key, sizeof csrf_key);
	return 0;
}

const char *auth_password_problem(const char *pw)
{
	size_t chars = 0;
	for (const unsigned char *p = (const unsigned char *)pw; *p; p++)
		if ((*p & 0xc0) != 0x80)
			chars++;
	if (chars < 12)
		return "Lösenordet måste ha minst 12 tecken.";
	if (chars > 128)
		return "Lösenordet får ha högst 128 tecken.";
	return NULL;
}

/* Waits up to 5 seconds for a hashing slot. Returns 0 or -1 (busy). */
static int gate_enter(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += 5;
	while (sem_timedwait(&hash_gate, &ts) < 0) {
		if (errno != EINTR)
			return -1;
	}
	return 0;
}

char *auth_hash_password(const char *pw)
{
	char *out = xmalloc(crypto_pwhash_STRBYTES);
	if (gate_enter() < 0) {
		free(out);
		return NULL;
	}
	int rc = crypto_pwhash_str_alg(out, pw, strlen(pw), PW_OPSLIMIT, PW_MEMLIMIT,
	    crypto_pwhash_ALG_ARGON2ID13);
	sem_post(&hash_gate);
	if (rc != 0) {
		free(out);
		return NULL;
	}
	return out;
}

int auth_verify_password(const char *hash, const char *pw)
{
	if (gate_enter() < 0)
		return -1;
	int ok = crypto_pwhash_str_verify(hash ? hash : dummy_hash, pw, strlen(pw)) == 0;
	sem_post(&hash_gate);
	atomic_fetch_add(&checks, 1);
	return hash ? ok : 0;
}

unsigned long long auth_checks(void)
{
	return atomic_load(&checks);
}

int auth_needs_rehash(const char *hash)
{
	return crypto_pwhash_str_needs_rehash(hash, PW_OPSLIMIT, PW_MEMLIMIT) != 0;
}

void auth_new_token(char out[65])
{
	unsigned char raw[32];
	randombytes_buf(raw, sizeof raw);
	sodium_bin2hex(out, 65, raw, sizeof raw);
	sodium_memzero(raw, sizeof raw);
}

/* Hashes a token for storage: the database never holds a usable token. */
static void token_hash(const char *token, unsigned char out[32])
{
	crypto_generichash(out, 32, (const unsigned char *)token, strlen(token), NULL, 0);
}

void auth_csrf_for(const char *token, char out[65])
{
	unsigned char mac[32];
	crypto_generichash(mac, sizeof mac, (const unsigned char *)token, strlen(token),
	    csrf_key, sizeof csrf_key);
	sodium_bin2hex(out, 65, mac, sizeof mac);
}

int auth_csrf_valid(const char *token, const char *given)
{
	if (!token || !given || strlen(given) != 64)
		return 0;
	char want[65];
	auth_csrf_for(token, want);
	return sodium_memcmp(want, given, 64) == 0;
}

int session_create(long long user_id, char token[65])
{
	static const char sql[] = "INSERT INTO sessions(token_hash, user_id, created_at, last_seen) "
	    "VALUES(?, ?, ?, ?)";
	unsigned char h[32];
	auth_new_token(token);
	token_hash(token, h);
	dbstmt *st = db_stmt(sql);
	if (!st)
		return -1;
	long long now = now_unix();
	db_bind_blob(st, 1, h, sizeof h);
	db_bind_int64(st, 2, user_id);
	db_bind_int64(st, 3, now);
	db_bind_int64(st, 4, now);
	int rc = db_step(st);
	db_done(st);
	return rc == DB_DONE ? 0 : -1;
}

/* Runs a one-parameter-set UPDATE on sessions. Returns 0 or -1. */
static int session_update(const char *sql, long long a, long long b)
{
	dbstmt *st = db_stmt(sql);
	if (!st)
		return -1;
	db_bind_int64(st, 1, a);
	db_bind_int64(st, 2, b);
	int rc = db_step(st);
	db_done(st);
	return rc == DB_DONE ? 0 : -1;
}

int session_load(const char *token, struct user *u, struct arena *a)
{
	static const char sql[] =
	    "SELECT s.id, s.created_at, s.last_seen, u.id, u.username, u.name, u.role, "
	    "coalesce(u.district_id, 0), coalesce(d.name, ''), u.active "
	    "FROM sessions s JOIN users u ON u.id = s.user_id "
	    "LEFT JOIN districts d ON d.id = u.district_id "
	    "WHERE s.token_hash = ? AND s.ended_at IS NULL";
	static const char end_sql[] = "UPDATE sessions SET ended_at = ? WHERE id = ?";
	static const char touch_sql[] = "UPDATE sessions SET last_seen = ? WHERE id = ?";

	memset(u, 0, sizeof *u);
	if (!token || strlen(token) != 64)
		return 0;
	unsigned char h[32];
	token_hash(token, h);
	dbstmt *st = db_stmt(sql);
	if (!st)
		return -1;
	db_bind_blob(st, 1, h, sizeof h);
	int rc = db_step(st);
	if (rc != DB_ROW) {
		db_done(st);
		return rc == DB_DONE ? 0 : -1;
	}
	long long sid = db_col_int64(st, 0);
	long long created = db_col_int64(st, 1);
	long long seen = db_col_int64(st, 2);
	int active = db_col_int(st, 9);
	u->id = db_col_int64(st, 3);
	u->username = arena_strdup(a, db_col_text(st, 4));
	u->name = arena_strdup(a, db_col_text(st, 5));
	u->role = role_from_name(db_col_text(st, 6));
	u->district_id = db_col_int64(st, 7);
	u->district = arena_strdup(a, db_col_text(st, 8));
	db_done(st);

	long long now = now_unix();
	if (!active || !u->role || now - seen > auth_session_idle || now - created > auth_session_max) {
		session_update(end_sql, now, sid);
		memset(u, 0, sizeof *u);
		return 0;
	}
	/* idle time is tracked to the minute: no write on every page view */
	if (now - seen >= 60 || auth_session_idle < 120)
		session_update(touch_sql, now, sid);
	return 1;
}

int session_end(const char *token)
{
	static const char sql[] = "UPDATE sessions SET ended_at = ? WHERE token_hash = ? AND ended_at IS NULL";
	unsigned char h[32];
	token_hash(token, h);
	dbstmt *st = db_stmt(sql);
	if (!st)
		return -1;
	db_bind_int64(st, 1, now_unix());
	db_bind_blob(st, 2, h, sizeof h);
	int rc = db_step(st);
	db_done(st);
	return rc == DB_DONE ? 0 : -1;
}

int session_end_user(long long user_id)
{
	static const char sql[] = "UPDATE sessions SET ended_at = ? WHERE user_id = ? AND ended_at IS NULL";
	return session_update(sql, now_unix(), user_id);
}

/* ---------- login throttling (see auth.h) ---------- */

int throttle_account_limit = 5;
int throttle_address_limit = 20;
long long throttle_base_ms = 2000;

/* Attempts count for a day: long enough that a client at the 15-minute
 * cap stays there (a shorter window would hand out free attempts again). */
#define THROTTLE_WINDOW_MS (24LL * 3600 * 1000)
/* A check still marked running after a minute died with its server (the
 * hash gate gives up after 5 s): it counts as a failure, not as running. */
#define THROTTLE_STALE_MS (60LL * 1000)
/* Old attempts removed per reservation: more than the one it adds. */
#define THROTTLE_PRUNE "64"

/* Writes the key an account is counted under: a keyed BLAKE2b of the
 * lower-cased name as typed, so a password typed into the username field
 * is never stored; keyed with the database's secret, so every server on
 * the database computes the same key. */
static void account_key(const char *username, unsigned char out[16])
{
	char lower[65];
	size_t i;
	for (i = 0; username[i] && i < sizeof lower - 1; i++)
		lower[i] = (char)tolower((unsigned char)username[i]);
	lower[i] = '\0';
	crypto_generichash(out, 16, (const unsigned char *)lower, i, throttle_secret, sizeof throttle_secret);
}

struct bucket {
	long long n;	/* failures and running checks in the window */
	long long running;	/* checks running now */
	long long last_ms;	/* the latest attempt */
};

/* Returns the milliseconds bucket b asks to wait at now (0: none). */
static long long bucket_wait(const struct bucket *b, int limit, long long now)
{
	if (b->n < limit)
		return 0;
	long long delay = throttle_base_ms;
	for (long long k = b->n - limit; k > 0 && delay < THROTTLE_CAP_MS; k--)
		delay *= 2;
	if (delay > THROTTLE_CAP_MS)
		delay = THROTTLE_CAP_MS;
	long long wait = b->last_ms + delay - now;
	if (wait > THROTTLE_CAP_MS)	/* another server's clock runs ahead */
		wait = THROTTLE_CAP_MS;
	if (b->running > 0 && wait < 1)	/* past the limit, one check at a time */
		wait = 1;
	return wait > 0 ? wait : 0;
}

/* Reads one bucket with st (already bound but for nothing). Returns 0 or -1. */
static int bucket_read(dbstmt *st, struct bucket *b)
{
	int rc = db_step(st);
	if (rc == DB_ROW) {
		b->n = db_col_int64(st, 0);
		b->running = db_col_int64(st, 1);
		b->last_ms = db_col_int64(st, 2);
	}
	db_done(st);
	return rc == DB_ROW ? 0 : -1;
}

/* Returns the longer wait of the account's and the address's bucket, or -1. */
static long long throttle_check(const unsigned char key[16], const char *addr, long long now)
{
	/* the account, as seen from addr: another address's attempts count
	 * at most the limit each */
	static const char by_account[] =
	    "SELECT coalesce(sum(CASE WHEN address = ?2 THEN n ELSE min(n, ?3) END), 0), "
	    "coalesce(sum(running), 0), coalesce(max(last), 0) FROM ("
	    "SELECT address, count(*) AS n, sum(done = 0 AND at_ms > ?5) AS running, max(at_ms) AS last "
	    "FROM login_attempts WHERE account = ?1 AND at_ms > ?4 AND cleared = 0 GROUP BY address) AS per_address";
	static const char by_address[] =
	    "SELECT count(*), coalesce(sum(done = 0 AND at_ms > ?3), 0), coalesce(max(at_ms), 0) "
	    "FROM login_attempts WHERE address = ?1 AND at_ms > ?2";
	struct bucket acc = { 0, 0, 0 }, adr = { 0, 0, 0 };
	dbstmt *st = db_stmt(by_account);
	if (!st)
		return -1;
	db_bind_blob(st, 1, key, 16);
	db_bind_text(st, 2, addr, -1);
	db_bind_int(st, 3, throttle_account_limit);
	db_bind_int64(st, 4, now - THROTTLE_WINDOW_MS);
	db_bind_int64(st, 5, now - THROTTLE_STALE_MS);
	if (bucket_read(st, &acc) < 0)
		return -1;
	st = db_stmt(by_address);
	if (!st)
		return -1;
	db_bind_text(st, 1, addr, -1);
	db_bind_int64(st, 2, now - THROTTLE_WINDOW_MS);
	db_bind_int64(st, 3, now - THROTTLE_STALE_MS);
	if (bucket_read(st, &adr) < 0)
		return -1;
	long long w1 = bucket_wait(&acc, throttle_account_limit, now);
	long long w2 = bucket_wait(&adr, throttle_address_limit, now);
	return w1 > w2 ? w1 : w2;
}

long long throttle_wait(const char *username, const char *address, long long now_ms)
{
	unsigned char key[16];
	char addr[NETADDR_STRLEN + 4];
	account_key(username, key);
	netaddr_throttle_key(address, addr);
	return throttle_check(key, addr, now_ms);
}

long long throttle_reserve(const char *username, const char *address, long long now_ms, long long *id)
{
	static const char ins[] = "INSERT INTO login_attempts(at_ms, account, address, done) VALUES(?, ?, ?, 0)";
	static const char prune[] = "DELETE FROM login_attempts WHERE id IN "
	    "(SELECT id FROM login_attempts WHERE at_ms < ? ORDER BY at_ms LIMIT " THROTTLE_PRUNE ")";
	unsigned char key[16];
	char addr[NETADDR_STRLEN + 4];
	account_key(username, key);
	netaddr_throttle_key(address, addr);
	*id = 0;
	/* throttling rows may be lost in a power cut: no fsync for them */
	if (db_lazy_commits(1) < 0)
		return -1;
	long long wait = -1;
	/* BEGIN IMMEDIATE takes the write lock first: the count and the row
	 * that changes it are one step for every server on the database */
	if (db_begin() < 0)
		goto out;
	wait = throttle_check(key, addr, now_ms);
	if (wait == 0) {
		dbstmt *st = db_stmt(ins);
		if (!st)
			goto fail;
		db_bind_int64(st, 1, now_ms);
		db_bind_blob(st, 2, key, 16);
		db_bind_text(st, 3, addr, -1);
		if (db_write(st, NULL) != DB_DONE)
			goto fail;
		*id = db_last_id();
		st = db_stmt(prune);
		if (!st)
			goto fail;
		db_bind_int64(st, 1, now_ms - THROTTLE_WINDOW_MS);
		if (db_write(st, NULL) != DB_DONE)
			goto fail;
	}
	if (wait >= 0 && db_commit() == 0)
		goto out;
fail:
	db_rollback();
	wait = -1;
	*id = 0;
out:
	db_lazy_commits(0);
	return wait;
}

void throttle_settle(long long id, int result)
{
	/* a success clears the account's failures for the account (they still
	 * count for the addresses they came from) and removes its own row */
	static const char ok[] = "UPDATE login_attempts SET cleared = 1 WHERE account = "
	    "(SELECT account FROM login_attempts WHERE id = ?1) AND done = 1";
	static const char failed[] = "UPDATE login_attempts SET done = 1 WHERE id = ?1";
	static const char unused[] = "DELETE FROM login_attempts WHERE id = ?1";
	if (!id || db_lazy_commits(1) < 0)
		return;
	dbstmt *st = db_stmt(result > 0 ? ok : result == 0 ? failed : unused);
	if (st) {
		db_bind_int64(st, 1, id);
		if (db_write(st, NULL) != DB_DONE)
			fprintf(stderr, "throttle: could not settle an attempt\n");
	}
	if (result > 0 && (st = db_stmt(unused)) != NULL) {	/* a success is no attempt to count */
		db_bind_int64(st, 1, id);
		if (db_write(st, NULL) != DB_DONE)
			fprintf(stderr, "throttle: could not settle an attempt\n");
	}
	db_lazy_commits(0);
}

/* auth.c - roles, Argon2id passwords behind a gate, sessions, CSRF, throttling. */
#define _POSIX_C_SOURCE 200809L
#include "auth.h"
#include "db.h"
#include "util.h"

#include <ctype.h>
#include <errno.h>
#include <semaphore.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

long long auth_session_idle = 30 * 60;
long long auth_session_max = 12 * 60 * 60;

#define PW_OPSLIMIT 2
#define PW_MEMLIMIT (19u * 1024 * 1024)
#define THROTTLE_WINDOW (15 * 60)
#define THROTTLE_USER_MAX 5
#define THROTTLE_IP_MAX 20

static sem_t hash_gate;
static unsigned char csrf_key[crypto_generichash_KEYBYTES];
static char dummy_hash[crypto_pwhash_STRBYTES];

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
	static const char ins[] = "INSERT OR IGNORE INTO secrets(name, value) VALUES('csrf', ?)";
	for (int attempt = 0; attempt < 2; attempt++) {
		sqlite3_stmt *st = db_stmt(sel);
		if (!st)
			return -1;
		if (sqlite3_step(st) == SQLITE_ROW &&
		    sqlite3_column_bytes(st, 0) == (int)sizeof csrf_key) {
			memcpy(csrf_key, sqlite3_column_blob(st, 0), sizeof csrf_key);
			db_done(st);
			return 0;
		}
		db_done(st);
		unsigned char key[sizeof csrf_key];
		randombytes_buf(key, sizeof key);
		st = db_stmt(ins);
		if (!st)
			return -1;
		sqlite3_bind_blob(st, 1, key, sizeof key, SQLITE_TRANSIENT);
		int rc = sqlite3_step(st);
		db_done(st);
		sodium_memzero(key, sizeof key);
		if (rc != SQLITE_DONE)
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
	return hash ? ok : 0;
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
	sqlite3_stmt *st = db_stmt(sql);
	if (!st)
		return -1;
	long long now = now_unix();
	sqlite3_bind_blob(st, 1, h, sizeof h, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, user_id);
	sqlite3_bind_int64(st, 3, now);
	sqlite3_bind_int64(st, 4, now);
	int rc = sqlite3_step(st);
	db_done(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* Runs a one-parameter-set UPDATE on sessions. Returns 0 or -1. */
static int session_update(const char *sql, long long a, long long b)
{
	sqlite3_stmt *st = db_stmt(sql);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, a);
	sqlite3_bind_int64(st, 2, b);
	int rc = sqlite3_step(st);
	db_done(st);
	return rc == SQLITE_DONE ? 0 : -1;
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
	sqlite3_stmt *st = db_stmt(sql);
	if (!st)
		return -1;
	sqlite3_bind_blob(st, 1, h, sizeof h, SQLITE_TRANSIENT);
	int rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		db_done(st);
		return rc == SQLITE_DONE ? 0 : -1;
	}
	long long sid = sqlite3_column_int64(st, 0);
	long long created = sqlite3_column_int64(st, 1);
	long long seen = sqlite3_column_int64(st, 2);
	int active = sqlite3_column_int(st, 9);
	u->id = sqlite3_column_int64(st, 3);
	u->username = arena_strdup(a, db_col_text(st, 4));
	u->name = arena_strdup(a, db_col_text(st, 5));
	u->role = role_from_name(db_col_text(st, 6));
	u->district_id = sqlite3_column_int64(st, 7);
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
	sqlite3_stmt *st = db_stmt(sql);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, now_unix());
	sqlite3_bind_blob(st, 2, h, sizeof h, SQLITE_TRANSIENT);
	int rc = sqlite3_step(st);
	db_done(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

int session_end_user(long long user_id)
{
	static const char sql[] = "UPDATE sessions SET ended_at = ? WHERE user_id = ? AND ended_at IS NULL";
	return session_update(sql, now_unix(), user_id);
}

/* Returns seconds until the oldest of max failures in the window expires,
 * or 0 when fewer than max. */
static long long window_wait(const char *sql, const char *key, int max)
{
	sqlite3_stmt *st = db_stmt(sql);
	if (!st)
		return 0;
	long long now = now_unix();
	sqlite3_bind_text(st, 1, key, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, now - THROTTLE_WINDOW);
	sqlite3_bind_int(st, 3, max - 1);
	long long wait = 0;
	if (sqlite3_step(st) == SQLITE_ROW)
		wait = sqlite3_column_int64(st, 0) + THROTTLE_WINDOW - now;
	db_done(st);
	return wait > 0 ? wait : 0;
}

long long throttle_wait(const char *username, const char *ip)
{
	/* the max-th most recent failure inside the window decides the wait */
	static const char by_user[] = "SELECT at FROM login_attempts WHERE username = ? AND at > ? "
	    "AND ok = 0 ORDER BY at DESC LIMIT 1 OFFSET ?";
	static const char by_ip[] = "SELECT at FROM login_attempts WHERE ip = ? AND at > ? "
	    "AND ok = 0 ORDER BY at DESC LIMIT 1 OFFSET ?";
	char lower[65];
	size_t i;
	for (i = 0; username[i] && i < sizeof lower - 1; i++)
		lower[i] = (char)tolower((unsigned char)username[i]);
	lower[i] = '\0';
	long long w1 = window_wait(by_user, lower, THROTTLE_USER_MAX);
	long long w2 = window_wait(by_ip, ip, THROTTLE_IP_MAX);
	return w1 > w2 ? w1 : w2;
}

void throttle_record(const char *username, const char *ip, int ok)
{
	static const char sql[] = "INSERT INTO login_attempts(at, username, ip, ok) VALUES(?, lower(?), ?, ?)";
	sqlite3_stmt *st = db_stmt(sql);
	if (!st)
		return;
	char name[65];
	snprintf(name, sizeof name, "%s", username);
	sqlite3_bind_int64(st, 1, now_unix());
	sqlite3_bind_text(st, 2, name, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, ip, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 4, ok);
	sqlite3_step(st);
	db_done(st);
}

/*
 * auth.h - roles, passwords (Argon2id), sessions, CSRF tokens and login
 * throttling. Secrets come from libsodium only.
 */
#ifndef BF_AUTH_H
#define BF_AUTH_H

#include <stddef.h>
#include "arena.h"

enum role {
	ROLE_SOC = 1 << 0,	/* socialsekreterare */
	ROLE_CM = 1 << 1,	/* case manager */
	ROLE_LANDLORD = 1 << 2,	/* fastighetskontoret */
	ROLE_MANAGER = 1 << 3,	/* chef */
	ROLE_ADMIN = 1 << 4,	/* systemförvaltare */
	ROLE_PUBLIC = 1 << 5,	/* route flag: reachable without login */
};
#define ROLES_ALL (ROLE_SOC | ROLE_CM | ROLE_LANDLORD | ROLE_MANAGER | ROLE_ADMIN)

/* Returns the role bit for a role name ("socialsekreterare", ...), or 0. */
int role_from_name(const char *name);
/* Returns the role's name for the database and JSON, or NULL. Static. */
const char *role_name(int role);
/* Returns the role's Swedish label. Static. */
const char *role_label(int role);
/* Returns 1 when users of this role must belong to a district. */
int role_needs_district(int role);

/* The logged-in user of a request. Strings are arena-owned. id 0: nobody. */
struct user {
	long long id;
	const char *username;
	const char *name;
	int role;
	long long district_id;	/* 0 when none */
	const char *district;	/* "" when none */
};

/* Session lifetimes in seconds (flags may change them; tests shorten them). */
extern long long auth_session_idle;
extern long long auth_session_max;

/*
 * Initialises libsodium, the hashing gate (at most max_hashes Argon2id
 * computations at once) and, when with_db, the CSRF key from the database.
 * Returns 0 or -1.
 */
int auth_init(int max_hashes, int with_db);

/* Returns NULL when pw is an acceptable password, else a Swedish reason. */
const char *auth_password_problem(const char *pw);

/* Returns a malloc'd Argon2id hash string, or NULL when the gate is busy
 * (too many logins at once) or out of memory. Caller frees. */
char *auth_hash_password(const char *pw);

/* Returns 1 for a match, 0 for a mismatch, -1 when the gate is busy.
 * hash NULL compares against a dummy so unknown users take as long. */
int auth_verify_password(const char *hash, const char *pw);

/* Returns 1 when hash was made with other parameters than today's. */
int auth_needs_rehash(const char *hash);

/* Writes 64 hex characters of a fresh 256-bit token into out. */
void auth_new_token(char out[65]);

/* Writes the CSRF token bound to a session (or pre-login) token. */
void auth_csrf_for(const char *token, char out[65]);

/* Returns 1 when given is the CSRF token bound to token. */
int auth_csrf_valid(const char *token, const char *given);

/* Creates a session for user_id; writes its token. Returns 0 or -1. */
int session_create(long long user_id, char token[65]);

/*
 * Looks up a live session by token and fills u (strings in a). Ends it
 * when it has been idle too long or is too old. Returns 1 when logged in,
 * 0 otherwise, -1 on a database error.
 */
int session_load(const char *token, struct user *u, struct arena *a);

/* Ends the session with this token. Returns 0 or -1. */
int session_end(const char *token);

/* Ends every session of a user (deactivation, password reset). */
int session_end_user(long long user_id);

/*
 * Login throttling (docs/design.md, "Logins under load"). Every password
 * check is first reserved as a row in login_attempts, in the same
 * transaction that found no reason to wait, and settled when the check
 * is done; nothing is kept in memory, so servers sharing the database
 * share the counts. Two buckets decide, each over the last 24 hours:
 *
 *   the account  its failures and running checks; those from another
 *                address than the one asking count at most the account
 *                limit each (one address, say an insider's, can hold the
 *                owner back by the first delay at most); a success clears
 *                the account's failures
 *   the address  its failures and running checks on any account
 *
 * Below its limit a bucket lets the check run. From the limit on it asks
 * for a wait of base * 2^(n - limit) milliseconds (capped at 15 minutes)
 * from its latest attempt, and lets one check run at a time: never more
 * than the limit run side by side. Times are Unix milliseconds.
 */
extern int throttle_account_limit;	/* default 5 */
extern int throttle_address_limit;	/* default 20 */
extern long long throttle_base_ms;	/* the first delay, default 2000 */

/* The longest delay: 15 minutes. */
#define THROTTLE_CAP_MS (15LL * 60 * 1000)

/* Returns the milliseconds this username from address must wait, 0 when
 * a check may run now, -1 on a database error. Reads only (a quick "no"
 * for a throttled client, without taking the write lock). */
long long throttle_wait(const char *username, const char *address, long long now_ms);

/*
 * Reserves a password check: in one transaction, when neither bucket asks
 * for a wait, writes a running attempt and sets *id. Also prunes attempts
 * older than the window. Returns 0 (reserved), the milliseconds to wait
 * (nothing written), or -1 on a database error.
 */
long long throttle_reserve(const char *username, const char *address, long long now_ms, long long *id);

/* Settles reserved attempt id with the check's result: 1 clears the
 * account's failures (this one too), 0 records a failure, -1 (the check
 * never ran: the pool was busy) takes the reservation back. */
void throttle_settle(long long id, int result);

/* Returns the number of password checks (Argon2id verifications) this
 * process has run, for the shutdown line and the tests. */
unsigned long long auth_checks(void);

#endif

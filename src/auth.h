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

/* Returns seconds to wait when this username or ip is throttled, else 0. */
long long throttle_wait(const char *username, const char *ip);

/* Records a login attempt for throttling. */
void throttle_record(const char *username, const char *ip, int ok);

#endif

/* user.h - users: storage shared by the admin pages and the command line. */
#ifndef BF_USER_H
#define BF_USER_H

/*
 * Inserts a user with an already-hashed password, by user `by` (0 for the
 * command line). Returns 0 and sets *id, -2 when the username is taken,
 * -1 on other errors. Call inside a transaction with its audit row.
 */
int user_insert(const char *username, const char *name, int role,
    long long district_id, const char *hash, long long by, long long *id);

/* Returns 1 when username has the allowed shape (2-64 of a-z 0-9 . _ -). */
int username_valid(const char *username);

/* Sets a user's password hash by username and ends their sessions.
 * Returns 0, -2 for an unknown user, -1 on errors. */
int user_set_password(const char *username, const char *hash);

/* Returns the number of users, or -1. */
long long user_count(void);

#endif

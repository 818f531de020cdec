/*
 * register.h - the register's lasting identities (seed 000: one register
 * from the programme's start, updated at each year end): the Personkod,
 * given once at a person's first move-in and stored, so a row can be
 * followed from one year's report to the next.
 */
#ifndef BF_REGISTER_H
#define BF_REGISTER_H

/*
 * Gives person_id a Personkod when it has none and has moved in: the base
 * code of status_personkod on the first move-in date, or, when another
 * person already holds it, the base with the first free suffix "-2", "-3"
 * ... Runs on the calling thread's connection, inside the caller's
 * transaction. Returns 0 (given, or already had one, or has not moved in)
 * or -1 on a database error.
 */
int personkod_assign(long long person_id);

/*
 * Gives every person who has moved in and has no Personkod one, in the
 * order of their first move-in (so the earlier mover keeps the plain
 * code), in one transaction of its own or inside the caller's. Used by
 * migrate, the demo and the data generator. Returns the number given or -1.
 */
long long personkod_backfill(void);

/*
 * Writes into out (48 bytes) the first free code among base, base-2,
 * base-3 ... Returns 0 or -1 on a database error.
 */
int personkod_free(const char *base, char out[48]);

#endif

/* hashpool.h - password checks off the request threads, with a bounded queue.
 *
 * An Argon2id check takes ~15 ms of one core. Done on a request thread it
 * stalls every connection that thread serves, and a crowd of logins queues
 * invisibly inside the server. Here a login hands its check to a few
 * threads of their own; the request is parked (suspended) until the answer
 * comes, and when the queue is full the login is refused at once with 503
 * instead of waiting.
 */
#ifndef BF_HASHPOOL_H
#define BF_HASHPOOL_H

struct hash_job {
	const char *hash;	/* stored hash, or NULL: check against a dummy */
	const char *password;
	int result;		/* out: 1 match, 0 no match, -1 busy/error */
	void (*done)(struct hash_job *);	/* called on a pool thread */
	void *ctx;
	struct hash_job *next;	/* owned by the pool while queued */
};

/* Starts threads workers with room for queue_max waiting jobs.
 * Returns 0 or -1. */
int hashpool_start(int threads, int queue_max);

/* Queues job (caller keeps ownership; it must live until done runs).
 * Returns 0 queued, -1 queue full, -2 pool not running (check inline). */
int hashpool_submit(struct hash_job *job);

/*
 * Holds a place in the queue before the job exists, so a login learns
 * that the queue is full (503) before it writes anything, and a place
 * taken is never lost to later arrivals while the login reserves its
 * attempt (see throttle_reserve). Returns 0 (then call
 * hashpool_submit_held or hashpool_release exactly once), -1 queue full,
 * -2 pool not running (check inline).
 */
int hashpool_hold(void);

/* Queues job in a held place. Returns 0, or -2 when the pool began
 * stopping meanwhile (the place is given back; check inline). */
int hashpool_submit_held(struct hash_job *job);

/* Gives back a held place that will not be used. */
void hashpool_release(void);

/* Finishes the queued jobs, then joins the threads. */
void hashpool_stop(void);

#endif

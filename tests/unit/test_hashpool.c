/* test_hashpool.c - password checks on their own threads: answers arrive
 * through the callback, a full queue refuses at once, stopping finishes
 * what was queued. */
#define _POSIX_C_SOURCE 200809L
#include "auth.h"
#include "hashpool.h"
#include "check.h"

#include <pthread.h>
#include <stdlib.h>
#include <time.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t changed = PTHREAD_COND_INITIALIZER;
static int finished;

static void done(struct hash_job *j)
{
	(void)j;
	pthread_mutex_lock(&lock);
	finished++;
	pthread_cond_broadcast(&changed);
	pthread_mutex_unlock(&lock);
}

/* Waits until n jobs have finished (at most 20 s). Returns 1 or 0. */
static int wait_for(int n)
{
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 20;
	pthread_mutex_lock(&lock);
	while (finished < n && pthread_cond_timedwait(&changed, &lock, &until) == 0)
		;
	int ok = finished >= n;
	pthread_mutex_unlock(&lock);
	return ok;
}

int main(void)
{
	CHECK(auth_init(1, 0) == 0, "auth_init");
	char *hash = auth_hash_password("correct horse battery");
	CHECK(hash != NULL, "hash");

	struct hash_job early = { .hash = hash, .password = "correct horse battery", .done = done };
	CHECK(hashpool_submit(&early) == -2, "before start: check inline");

	CHECK(hashpool_start(1, 2) == 0, "start one thread, two may wait");
	struct hash_job jobs[6];
	int queued = 0, refused = 0;
	for (int i = 0; i < 6; i++) {
		jobs[i] = (struct hash_job){ .hash = hash, .password = i % 2 ? "wrong password!!" : "correct horse battery",
		    .result = -7, .done = done };
		int rc = hashpool_submit(&jobs[i]);
		queued += rc == 0;
		refused += rc == -1;
		CHECK(rc == 0 || rc == -1, "submit %d: %d", i, rc);
	}
	/* one runs, two wait: the rest are refused at once (three of six,
	 * unless the first check ended between two submissions) */
	CHECK(refused >= 2 && queued >= 2 && queued + refused == 6, "queued %d refused %d", queued, refused);
	CHECK(wait_for(queued), "all queued checks answered");
	for (int i = 0; i < 6; i++)
		if (jobs[i].result != -7)
			CHECK(jobs[i].result == (i % 2 ? 0 : 1), "job %d: result %d", i, jobs[i].result);

	/* a held place counts as queued until it is used or given back */
	CHECK(wait_for(queued), "idle again");
	finished = 0;
	CHECK(hashpool_hold() == 0 && hashpool_hold() == 0, "two places held");
	CHECK(hashpool_hold() == -1, "the queue is full of held places");
	struct hash_job jh = { .hash = hash, .password = "correct horse battery", .result = -7, .done = done };
	CHECK(hashpool_submit(&jh) == -1, "held places count for submit too");
	hashpool_release();
	CHECK(hashpool_submit_held(&jh) == 0, "a held place used");
	CHECK(wait_for(1) && jh.result == 1, "its job ran: %d", jh.result);
	CHECK(hashpool_hold() == 0, "the released place is free again");
	hashpool_release();

	/* queued jobs are finished by stop, not dropped */
	finished = 0;
	struct hash_job last[2] = {
		{ .hash = hash, .password = "correct horse battery", .result = -7, .done = done },
		{ .hash = NULL, .password = "anything at all", .result = -7, .done = done },
	};
	CHECK(hashpool_submit(&last[0]) == 0 && hashpool_submit(&last[1]) == 0, "two more queued");
	hashpool_stop();
	CHECK(finished == 2, "stop answered both: %d", finished);
	CHECK(last[0].result == 1 && last[1].result == 0, "right password matches, unknown user never: %d %d",
	    last[0].result, last[1].result);
	CHECK(hashpool_submit(&early) == -2, "after stop: check inline");
	CHECK(hashpool_hold() == -2, "after stop: no places");
	free(hash);
	return check_done();
}

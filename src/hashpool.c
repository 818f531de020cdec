/* hashpool.c - see hashpool.h. */
#define _POSIX_C_SOURCE 200809L
#include "hashpool.h"
#include "auth.h"
#include "db.h"
#include "util.h"

#include <pthread.h>
#include <stdlib.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t ready = PTHREAD_COND_INITIALIZER;
static struct hash_job *head, *tail;
static int queued, held, queue_limit, running, stopping, nthreads;	/* held: places taken by hashpool_hold */
static pthread_t *threads;

/* Worker: takes jobs until stopping and the queue is empty (a job's done
 * callback may use the database: the thread's connection is closed on the
 * way out). Returns NULL. */
static void *work(void *arg)
{
	(void)arg;
	for (;;) {
		pthread_mutex_lock(&lock);
		while (!head && !stopping)
			pthread_cond_wait(&ready, &lock);
		struct hash_job *j = head;
		if (j) {
			head = j->next;
			if (!head)
				tail = NULL;
			queued--;
		}
		pthread_mutex_unlock(&lock);
		if (!j) {
			db_thread_end();
			return NULL;
		}
		j->result = auth_verify_password(j->hash, j->password);
		j->done(j);
	}
}

int hashpool_start(int n, int queue_max)
{
	threads = xcalloc((size_t)n, sizeof *threads);
	queue_limit = queue_max;
	stopping = 0;
	for (nthreads = 0; nthreads < n; nthreads++)
		if (pthread_create(&threads[nthreads], NULL, work, NULL) != 0) {
			hashpool_stop();
			return -1;
		}
	running = 1;
	return 0;
}

/* Appends job to the queue and wakes a worker; lock held. */
static void enqueue(struct hash_job *job)
{
	job->next = NULL;
	if (tail)
		tail->next = job;
	else
		head = job;
	tail = job;
	queued++;
	pthread_cond_signal(&ready);
}

int hashpool_submit(struct hash_job *job)
{
	pthread_mutex_lock(&lock);
	int rc = 0;
	if (!running || stopping)
		rc = -2;
	else if (queued + held >= queue_limit)
		rc = -1;
	else
		enqueue(job);
	pthread_mutex_unlock(&lock);
	return rc;
}

int hashpool_hold(void)
{
	pthread_mutex_lock(&lock);
	int rc = 0;
	if (!running || stopping)
		rc = -2;
	else if (queued + held >= queue_limit)
		rc = -1;
	else
		held++;
	pthread_mutex_unlock(&lock);
	return rc;
}

int hashpool_submit_held(struct hash_job *job)
{
	pthread_mutex_lock(&lock);
	held--;
	int rc = 0;
	if (!running || stopping)
		rc = -2;
	else
		enqueue(job);
	pthread_mutex_unlock(&lock);
	return rc;
}

void hashpool_release(void)
{
	pthread_mutex_lock(&lock);
	held--;
	pthread_mutex_unlock(&lock);
}

void hashpool_stop(void)
{
	pthread_mutex_lock(&lock);
	stopping = 1;
	pthread_cond_broadcast(&ready);
	pthread_mutex_unlock(&lock);
	for (int i = 0; i < nthreads; i++)
		pthread_join(threads[i], NULL);
	free(threads);
	threads = NULL;
	nthreads = 0;
	running = 0;
}

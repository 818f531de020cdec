/* conn.c - see conn.h. */
#define _POSIX_C_SOURCE 200809L
#include "conn.h"
#include "netaddr.h"
#include "util.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct conn {
	struct conn *prev, *next;	/* in conns */
	int fd;
	unsigned char addr[16];
	int has_addr;
	long long ready;	/* usec: accepted, or the previous request ended */
	size_t body;	/* body bytes of the current request so far */
	int reading;	/* the current request is still arriving */
	int killed;	/* shut down by the deadline */
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;
static struct conn *conns;	/* every open connection */
static struct conn_limits limits = { 32, 10, CONN_BODY_RATE, 1 << 20, NULL, 0 };
static pthread_t sweeper;
static int sweeping, stopping;

int conn_addr_key(const struct sockaddr *sa, unsigned char key[16])
{
	if (!sa)
		return -1;
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *s4 = (const struct sockaddr_in *)(const void *)sa;
		memset(key, 0, 10);
		key[10] = key[11] = 0xff;
		memcpy(key + 12, &s4->sin_addr, 4);
		return 0;
	}
	if (sa->sa_family == AF_INET6) {
		memcpy(key, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, 16);
		return 0;
	}
	return -1;
}

int conn_from_proxy(const struct sockaddr *sa)
{
	unsigned char k[16];
	if (!limits.ntrusted || conn_addr_key(sa, k) < 0)
		return 0;
	struct netaddr a;
	memset(&a, 0, sizeof a);
	static const unsigned char mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	if (!memcmp(k, mapped, 12))
		memcpy(a.a, k + 12, 4);	/* IPv4, as netaddr keeps it */
	else
		a.v6 = 1, memcpy(a.a, k, 16);
	for (int i = 0; i < limits.ntrusted; i++)
		if (netrange_contains(&limits.trusted[i], &a))
			return 1;
	return 0;
}

long long conn_deadline(const struct conn *c)
{
	long long rate = limits.body_rate > 0 ? limits.body_rate : CONN_BODY_RATE;
	size_t body = c->body < limits.max_body ? c->body : limits.max_body;
	return c->ready + (long long)limits.deadline * 1000000LL + (long long)body * 1000000LL / rate;
}

int conn_sweep(long long now)
{
	int n = 0;
	pthread_mutex_lock(&lock);
	for (struct conn *c = conns; c; c = c->next) {
		if (c->reading && !c->killed && now > conn_deadline(c)) {
			/* the socket stays open (the library closes it, after
			 * conn_close): shutdown wakes its thread with an end of
			 * stream and the peer with a FIN */
			shutdown(c->fd, SHUT_RDWR);
			c->killed = 1;
			n++;
		}
	}
	pthread_mutex_unlock(&lock);
	return n;
}

/* The sweeping thread: conn_sweep 4 times a second until stopped. */
static void *sweep_loop(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&lock);
	while (!stopping) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 250 * 1000 * 1000;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&wake, &lock, &ts);
		if (stopping)
			break;
		pthread_mutex_unlock(&lock);
		conn_sweep(now_usec());
		pthread_mutex_lock(&lock);
	}
	pthread_mutex_unlock(&lock);
	return NULL;
}

int conn_guard_start(const struct conn_limits *l, int sweep)
{
	limits = *l;
	stopping = 0;
	if (sweep) {
		if (pthread_create(&sweeper, NULL, sweep_loop, NULL) != 0)
			return -1;
		sweeping = 1;
	}
	return 0;
}

void conn_guard_stop(void)
{
	if (!sweeping)
		return;
	pthread_mutex_lock(&lock);
	stopping = 1;
	pthread_cond_signal(&wake);
	pthread_mutex_unlock(&lock);
	pthread_join(sweeper, NULL);
	sweeping = 0;
}

int conn_admit(const struct sockaddr *sa)
{
	unsigned char k[16];
	if (conn_addr_key(sa, k) < 0)
		return 1;	/* not an IP connection: nothing to count by */
	if (conn_from_proxy(sa))
		return 1;
	int n = 0;
	pthread_mutex_lock(&lock);
	for (struct conn *c = conns; c && n < limits.per_address; c = c->next)
		if (c->has_addr && memcmp(c->addr, k, 16) == 0)
			n++;
	pthread_mutex_unlock(&lock);
	return n < limits.per_address;
}

struct conn *conn_open(int fd, const struct sockaddr *sa)
{
	struct conn *c = xcalloc(1, sizeof *c);
	c->fd = fd;
	c->has_addr = conn_addr_key(sa, c->addr) == 0;
	c->ready = now_usec();
	c->reading = 1;
	pthread_mutex_lock(&lock);
	c->next = conns;
	if (conns)
		conns->prev = c;
	conns = c;
	pthread_mutex_unlock(&lock);
	return c;
}

void conn_close(struct conn *c)
{
	if (!c)
		return;
	pthread_mutex_lock(&lock);
	if (c->prev)
		c->prev->next = c->next;
	else
		conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	pthread_mutex_unlock(&lock);
	free(c);
}

void conn_body(struct conn *c, size_t n)
{
	if (!c)
		return;
	pthread_mutex_lock(&lock);
	c->body += n;
	pthread_mutex_unlock(&lock);
}

void conn_received(struct conn *c)
{
	if (!c)
		return;
	pthread_mutex_lock(&lock);
	c->reading = 0;
	pthread_mutex_unlock(&lock);
}

int conn_request_done(struct conn *c)
{
	if (!c)
		return 0;
	pthread_mutex_lock(&lock);
	int killed = c->killed;
	c->ready = now_usec();
	c->body = 0;
	c->reading = 1;
	pthread_mutex_unlock(&lock);
	return killed;
}

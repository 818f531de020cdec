/*
 * conn.h - what the server keeps per TCP connection, apart from its
 * requests: the per-address connection limit and the request deadline.
 *
 * libmicrohttpd's own timeout is an idle timeout: a client that sends one
 * byte of its headers every few seconds is never idle for long, and a
 * thousand such clients fill every connection slot (slowloris). Here a
 * whole request, headers and body, must arrive within a deadline counted
 * from the moment the connection was ready for it (accepted, or the end of
 * the previous answer on a kept-alive connection); a body earns one more
 * second for every body_rate bytes that arrived. A sweeping thread shuts
 * down (shutdown(2), never close) the sockets past their deadline; the
 * library then sees the end of the stream and closes the connection itself.
 *
 * The functions are thread-safe. The server calls conn_open/conn_close
 * from libmicrohttpd's connection notifications, conn_admit from its
 * accept policy callback, and the rest from the request path.
 */
#ifndef BF_CONN_H
#define BF_CONN_H

#include <stddef.h>
#include <sys/socket.h>

struct conn;
struct netrange;

struct conn_limits {
	int per_address;	/* connections one client address may hold */
	int deadline;	/* seconds for a whole request: headers and body */
	long long body_rate;	/* body bytes that earn one more second */
	size_t max_body;	/* body bytes that count (--max-body): no request is
				 * given more than deadline + max_body / body_rate */
	const struct netrange *trusted;	/* --trusted-proxy: exempt from per_address */
	int ntrusted;
};

/* Default body bytes a second: a request's body earns one second more
 * per 32 KiB received (a 1 MiB upload: 32 s more). */
#define CONN_BODY_RATE (32 * 1024)

/* Sets the limits and starts the sweeping thread (sweep = 0: no thread,
 * for tests that call conn_sweep themselves). The trusted ranges must
 * outlive the guard. Returns 0, or -1 when the thread cannot start. */
int conn_guard_start(const struct conn_limits *l, int sweep);

/* Stops the sweeping thread. Connections still open stay valid. */
void conn_guard_stop(void);

/* Fills key with sa's address as 16 bytes (IPv4 as ::ffff:a.b.c.d).
 * Returns 0, or -1 for another family. */
int conn_addr_key(const struct sockaddr *sa, unsigned char key[16]);

/* Returns 1 when sa is one of the trusted proxies. */
int conn_from_proxy(const struct sockaddr *sa);

/* Returns 1 when a connection from sa may be accepted: fewer than
 * per_address open from that address, or the trusted proxy. Accepts
 * racing on other threads may overshoot by one each. */
int conn_admit(const struct sockaddr *sa);

/* Records a new connection on socket fd from sa; its first request's
 * deadline starts now. Returns the record (freed by conn_close). */
struct conn *conn_open(int fd, const struct sockaddr *sa);

/* Forgets c and frees it. Must run before fd is closed. */
void conn_close(struct conn *c);

/* Counts n body bytes of the current request. */
void conn_body(struct conn *c, size_t n);

/* The current request has arrived whole: its deadline no longer applies
 * (answering it is bounded by the library's idle timeout). */
void conn_received(struct conn *c);

/* The current request is over: the next one's deadline starts now.
 * Returns 1 when the deadline closed the connection during it. */
int conn_request_done(struct conn *c);

/* Shuts down every connection past its deadline at time now (usec, the
 * clock of now_usec). Returns how many. The thread calls it 4 times a
 * second. */
int conn_sweep(long long now);

/* Returns when c's current request must have arrived (usec). */
long long conn_deadline(const struct conn *c);

#endif

/* test_conn.c - the per-address limit and the request deadline: addresses
 * counted as 16 bytes (IPv4 the same as its mapped IPv6), the trusted proxy
 * exempt, the deadline with its body allowance, a swept socket's peer sees
 * the end of the stream, a request that has arrived is not swept, and the
 * next request's deadline starts when the previous one ends. */
#define _POSIX_C_SOURCE 200809L
#include "conn.h"
#include "netaddr.h"
#include "util.h"
#include "check.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

static struct sockaddr_in v4(const char *ip)
{
	struct sockaddr_in s = { 0 };
	s.sin_family = AF_INET;
	inet_pton(AF_INET, ip, &s.sin_addr);
	return s;
}

static struct sockaddr_in6 v6(const char *ip)
{
	struct sockaddr_in6 s = { 0 };
	s.sin6_family = AF_INET6;
	inet_pton(AF_INET6, ip, &s.sin6_addr);
	return s;
}

#define SA(x) ((const struct sockaddr *)(const void *)&(x))
#define SEC 1000000LL

int main(void)
{
	/* the trusted proxies come parsed (netaddr.h; main.c refuses a bad one) */
	static struct netrange trusted[2];
	CHECK(netrange_parse_list("127.0.0.1,fd00::/8", trusted, 2, NULL, 0) == 2, "ranges");
	struct conn_limits l = { 3, 10, CONN_BODY_RATE, 4 * CONN_BODY_RATE, trusted, 2 };
	CHECK(conn_guard_start(&l, 0) == 0, "start");

	/* addresses */
	struct sockaddr_in a = v4("10.0.0.1"), b = v4("10.0.0.2"), proxy = v4("127.0.0.1");
	struct sockaddr_in6 mapped = v6("::ffff:10.0.0.1"), six = v6("2001:db8::1");
	unsigned char ka[16], km[16], k6[16];
	CHECK(conn_addr_key(SA(a), ka) == 0 && conn_addr_key(SA(mapped), km) == 0 && memcmp(ka, km, 16) == 0,
	    "IPv4 and its mapped IPv6 are one address");
	CHECK(conn_addr_key(SA(six), k6) == 0 && memcmp(ka, k6, 16) != 0, "another IPv6 address differs");
	struct sockaddr unix_sa = { .sa_family = AF_UNIX };
	CHECK(conn_addr_key(&unix_sa, ka) == -1, "no key for a non-IP socket");
	CHECK(conn_from_proxy(SA(proxy)) && !conn_from_proxy(SA(a)), "the trusted proxy is recognised");
	struct sockaddr_in6 in_range = v6("fd00::5");
	CHECK(conn_from_proxy(SA(in_range)) && !conn_from_proxy(SA(six)), "a trusted range, by prefix");

	/* the per-address limit */
	struct conn *c[8];
	for (int i = 0; i < 3; i++) {
		CHECK(conn_admit(SA(a)), "connection %d from a is admitted", i);
		c[i] = conn_open(-1, SA(a));
	}
	CHECK(!conn_admit(SA(a)), "the 4th from a is refused");
	CHECK(!conn_admit(SA(mapped)), "also when it comes as mapped IPv6");
	CHECK(conn_admit(SA(b)), "another address is admitted");
	for (int i = 3; i < 8; i++)
		c[i] = conn_open(-1, SA(proxy));
	CHECK(conn_admit(SA(proxy)), "the trusted proxy is not limited");
	conn_close(c[0]);
	CHECK(conn_admit(SA(a)), "a closed connection frees its slot");
	for (int i = 1; i < 8; i++)
		conn_close(c[i]);

	/* the deadline */
	int sv[2];
	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0, "socketpair");
	long long t0 = now_usec();
	struct conn *s = conn_open(sv[0], SA(b));
	long long d = conn_deadline(s);
	CHECK(d >= t0 + 10 * SEC && d <= now_usec() + 10 * SEC, "10 s from when it opened");
	conn_body(s, 2 * CONN_BODY_RATE);
	CHECK(conn_deadline(s) == d + 2 * SEC, "64 KiB of body earn 2 s more");
	conn_body(s, 10 * CONN_BODY_RATE);
	CHECK(conn_deadline(s) == d + 4 * SEC, "up to the largest body: no request gets more than 4 s more");
	CHECK(conn_sweep(d + 3 * SEC) == 0, "not swept before its deadline");
	CHECK(conn_sweep(d + 5 * SEC) == 1, "swept after it");
	char ch;
	CHECK(read(sv[1], &ch, 1) == 0, "the peer sees the end of the stream");
	CHECK(conn_sweep(d + 6 * SEC) == 0, "swept once");
	CHECK(conn_request_done(s) == 1, "the request's end says the deadline closed it");
	conn_close(s);
	close(sv[0]);
	close(sv[1]);

	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0, "socketpair");
	s = conn_open(sv[0], SA(b));
	d = conn_deadline(s);
	conn_received(s);
	CHECK(conn_sweep(d + 60 * SEC) == 0, "a request that has arrived is not swept while it is answered");
	CHECK(conn_request_done(s) == 0, "and ends normally");
	CHECK(conn_deadline(s) >= d, "the next request's deadline starts at the end of the last");
	conn_body(s, CONN_BODY_RATE);
	CHECK(conn_request_done(s) == 0 && conn_deadline(s) <= now_usec() + 10 * SEC,
	    "the body allowance is per request");
	CHECK(conn_sweep(conn_deadline(s) + 1) == 1, "the next request is swept at its own deadline");
	conn_close(s);
	close(sv[0]);
	close(sv[1]);

	conn_guard_stop();
	return check_done();
}

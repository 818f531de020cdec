/*
 * netaddr.h - client addresses: IPv4 and IPv6 parsing, the trusted-proxy
 * list (--trusted-proxy) and the walk through X-Forwarded-For that finds
 * the real client behind our own proxies, and the key the login throttle
 * counts an address under. Pure functions: no sockets, no globals.
 */
#ifndef BF_NETADDR_H
#define BF_NETADDR_H

#include <stddef.h>

/* An address; IPv4 (also when it came as ::ffff:a.b.c.d) uses a[0..3]. */
struct netaddr {
	int v6;	/* 0 IPv4, 1 IPv6 */
	unsigned char a[16];
};

/* An address or a prefix ("10.0.0.0/8", "fd00::/8"). */
struct netrange {
	struct netaddr addr;
	int bits;
};

/* Longest text netaddr_format writes, with its NUL. */
#define NETADDR_STRLEN 46

/*
 * Parses s[0..n) as one address: "a.b.c.d", an IPv6 address, either with
 * a port ("a.b.c.d:443", "[v6]:443") or v6 in brackets. An IPv4-mapped
 * IPv6 address becomes IPv4. Returns 0 or -1.
 */
int netaddr_parse(const char *s, size_t n, struct netaddr *out);

/* Parses "ADDR" or "ADDR/BITS" (no port). Returns 0 or -1. */
int netrange_parse(const char *s, size_t n, struct netrange *out);

/*
 * Parses a comma-separated list of ranges (the flag's value) into out
 * (at most max). Returns the number parsed, or -1 with the offending item
 * copied to bad (badlen bytes).
 */
int netrange_parse_list(const char *list, struct netrange *out, int max, char *bad, size_t badlen);

/* Returns 1 when a lies in r. */
int netrange_contains(const struct netrange *r, const struct netaddr *a);

/* Writes a as text (IPv4 dotted, IPv6 compressed). */
void netaddr_format(const struct netaddr *a, char out[NETADDR_STRLEN]);

/*
 * The client of a request. When the TCP peer is one of the trusted
 * proxies, X-Forwarded-For (xff: every header line joined with commas, in
 * order; NULL when absent) is read from the right: each hop that is itself
 * a trusted proxy is skipped, and the first that is not is the client. A
 * hop that is not an address stops the walk at the last trusted hop, so a
 * made-up value never becomes a client of its own. When the peer is not
 * trusted, the header is ignored: anyone can send it.
 */
void netaddr_client(const struct netaddr *peer, const char *xff, const struct netrange *trusted,
    int ntrusted, struct netaddr *out);

/*
 * Writes the key the login throttle counts an address under: the address
 * itself for IPv4, the /64 prefix for IPv6 ("2001:db8:1:2::/64": one
 * subscriber gets a whole /64, so counting single IPv6 addresses would
 * give an attacker 2^64 fresh buckets). Text that is not an address is
 * kept as it is.
 */
void netaddr_throttle_key(const char *addr, char out[NETADDR_STRLEN + 4]);

#endif

/* netaddr.c - see netaddr.h. */
#define _POSIX_C_SOURCE 200809L
#include "netaddr.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

static const unsigned char v4_mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

/* Trims spaces and tabs from both ends of s[0..*n); returns the start. */
static const char *trim(const char *s, size_t *n)
{
	while (*n && (*s == ' ' || *s == '\t'))
		s++, (*n)--;
	while (*n && (s[*n - 1] == ' ' || s[*n - 1] == '\t'))
		(*n)--;
	return s;
}

/* Parses a bare IPv4 or IPv6 address (no brackets, port or zone). An
 * IPv4-mapped IPv6 address becomes IPv4; *mapped says so. Returns 0 or -1. */
static int parse_plain(const char *s, size_t n, struct netaddr *out, int *mapped)
{
	char buf[NETADDR_STRLEN];
	if (n == 0 || n >= sizeof buf)
		return -1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	memset(out, 0, sizeof *out);
	if (mapped)
		*mapped = 0;
	if (!memchr(buf, ':', n))
		return inet_pton(AF_INET, buf, out->a) == 1 ? 0 : -1;
	unsigned char a[16];
	if (inet_pton(AF_INET6, buf, a) != 1)
		return -1;
	if (memcmp(a, v4_mapped, sizeof v4_mapped) == 0) {
		memcpy(out->a, a + 12, 4);
		if (mapped)
			*mapped = 1;
		return 0;
	}
	out->v6 = 1;
	memcpy(out->a, a, 16);
	return 0;
}

/* Returns 1 when s[0..n) is one to five digits (a port). */
static int is_port(const char *s, size_t n)
{
	if (n == 0 || n > 5)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

int netaddr_parse(const char *s, size_t n, struct netaddr *out)
{
	s = trim(s, &n);
	if (n && s[0] == '[') {	/* "[v6]" or "[v6]:port" */
		const char *close = memchr(s, ']', n);
		if (!close)
			return -1;
		size_t rest = n - (size_t)(close + 1 - s);
		if (rest && !(close[1] == ':' && is_port(close + 2, rest - 1)))
			return -1;
		return parse_plain(s + 1, (size_t)(close - s - 1), out, NULL);
	}
	const char *colon = memchr(s, ':', n);
	if (colon && !memchr(colon + 1, ':', n - (size_t)(colon + 1 - s))) {	/* "a.b.c.d:port" */
		if (!is_port(colon + 1, n - (size_t)(colon + 1 - s)))
			return -1;
		int rc = parse_plain(s, (size_t)(colon - s), out, NULL);
		return rc == 0 && !out->v6 ? 0 : -1;
	}
	return parse_plain(s, n, out, NULL);
}

int netrange_parse(const char *s, size_t n, struct netrange *out)
{
	s = trim(s, &n);
	const char *slash = memchr(s, '/', n);
	size_t alen = slash ? (size_t)(slash - s) : n;
	int mapped;
	if (parse_plain(s, alen, &out->addr, &mapped) < 0)
		return -1;
	int max = out->addr.v6 ? 128 : 32;
	out->bits = max;
	if (slash) {
		const char *b = slash + 1;
		size_t blen = n - alen - 1;
		if (blen == 0 || blen > 3)
			return -1;
		int bits = 0;
		for (size_t i = 0; i < blen; i++) {
			if (b[i] < '0' || b[i] > '9')
				return -1;
			bits = bits * 10 + (b[i] - '0');
		}
		if (mapped)	/* ::ffff:10.0.0.0/104 is 10.0.0.0/8 */
			bits -= 96;
		if (bits < 0 || bits > max)
			return -1;
		out->bits = bits;
	}
	/* clear the host bits, so 10.1.2.3/8 means 10.0.0.0/8 */
	for (int i = 0; i < 16; i++) {
		int keep = out->bits - i * 8;
		if (keep <= 0)
			out->addr.a[i] = 0;
		else if (keep < 8)
			out->addr.a[i] &= (unsigned char)(0xff << (8 - keep));
	}
	return 0;
}

int netrange_parse_list(const char *list, struct netrange *out, int max, char *bad, size_t badlen)
{
	int n = 0;
	const char *p = list;
	for (;;) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		if (n >= max || netrange_parse(p, len, &out[n]) < 0) {
			snprintf(bad, badlen, "%.*s", (int)(len < 100 ? len : 100), p);
			return -1;
		}
		n++;
		if (!end)
			return n;
		p = end + 1;
	}
}

int netrange_contains(const struct netrange *r, const struct netaddr *a)
{
	if (r->addr.v6 != a->v6)
		return 0;
	int full = r->bits / 8, part = r->bits % 8;
	if (memcmp(r->addr.a, a->a, (size_t)full) != 0)
		return 0;
	if (part == 0)
		return 1;
	unsigned char mask = (unsigned char)(0xff << (8 - part));
	return (r->addr.a[full] & mask) == (a->a[full] & mask);
}

void netaddr_format(const struct netaddr *a, char out[NETADDR_STRLEN])
{
	if (!inet_ntop(a->v6 ? AF_INET6 : AF_INET, a->a, out, NETADDR_STRLEN))
		snprintf(out, NETADDR_STRLEN, "unknown");
}

/* Returns 1 when a is one of the trusted proxies. */
static int trusted_hop(const struct netaddr *a, const struct netrange *trusted, int ntrusted)
{
	for (int i = 0; i < ntrusted; i++)
		if (netrange_contains(&trusted[i], a))
			return 1;
	return 0;
}

void netaddr_client(const struct netaddr *peer, const char *xff, const struct netrange *trusted,
    int ntrusted, struct netaddr *out)
{
	*out = *peer;
	if (!xff || !trusted_hop(peer, trusted, ntrusted))
		return;
	/* each trusted proxy appends the address it was talked to from: read
	 * from the right, past our own proxies, to the first hop we did not
	 * set up; anything further left is the client's own say */
	size_t end = strlen(xff);
	for (;;) {
		size_t start = end;
		while (start > 0 && xff[start - 1] != ',')
			start--;
		size_t len = end - start;
		const char *item = trim(xff + start, &len);
		if (len) {
			struct netaddr hop;
			if (netaddr_parse(item, len, &hop) < 0)
				return;	/* not an address: the last trusted hop is the client */
			*out = hop;
			if (!trusted_hop(&hop, trusted, ntrusted))
				return;
		}
		if (start == 0)
			return;	/* every hop was a proxy of ours: the left-most is the client */
		end = start - 1;
	}
}

void netaddr_throttle_key(const char *addr, char out[NETADDR_STRLEN + 4])
{
	struct netaddr a;
	if (parse_plain(addr, strlen(addr), &a, NULL) < 0) {
		snprintf(out, NETADDR_STRLEN + 4, "%.*s", NETADDR_STRLEN - 1, addr);
		return;
	}
	if (!a.v6) {
		netaddr_format(&a, out);
		return;
	}
	memset(a.a + 8, 0, 8);
	char s[NETADDR_STRLEN];
	netaddr_format(&a, s);
	snprintf(out, NETADDR_STRLEN + 4, "%s/64", s);
}

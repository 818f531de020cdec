/* test_netaddr.c - addresses, trusted-proxy ranges, the walk through
 * X-Forwarded-For and the throttle's address key. */
#define _POSIX_C_SOURCE 200809L
#include "netaddr.h"
#include "check.h"

/* Returns the client netaddr_client finds, as text (static). */
static const char *client(const char *peer, const char *xff, const char *proxies)
{
	static char out[NETADDR_STRLEN];
	struct netrange r[8];
	char bad[64];
	struct netaddr p, c;
	int n = proxies ? netrange_parse_list(proxies, r, 8, bad, sizeof bad) : 0;
	if (n < 0 || netaddr_parse(peer, strlen(peer), &p) < 0)
		return "(bad test)";
	netaddr_client(&p, xff, r, n, &c);
	netaddr_format(&c, out);
	return out;
}

/* Returns the text form of s parsed as one address, or "-" (static). */
static const char *parsed(const char *s)
{
	static char out[NETADDR_STRLEN];
	struct netaddr a;
	if (netaddr_parse(s, strlen(s), &a) < 0)
		return "-";
	netaddr_format(&a, out);
	return out;
}

static void parsing(void)
{
	CHECK_STR(parsed("192.0.2.7"), "192.0.2.7");
	CHECK_STR(parsed(" 192.0.2.7 "), "192.0.2.7");
	CHECK_STR(parsed("192.0.2.7:4431"), "192.0.2.7");
	CHECK_STR(parsed("2001:DB8::1"), "2001:db8::1");
	CHECK_STR(parsed("[2001:db8::1]"), "2001:db8::1");
	CHECK_STR(parsed("[2001:db8::1]:443"), "2001:db8::1");
	CHECK_STR(parsed("::ffff:192.0.2.7"), "192.0.2.7");
	CHECK_STR(parsed("::1"), "::1");
	const char *bad[] = { "", "unknown", "192.0.2", "192.0.2.256", "192.0.2.7:http", "[2001:db8::1",
	    "2001:db8::1:443x", "fe80::1%eth0", "_hidden", "1.2.3.4/8", NULL };
	for (int i = 0; bad[i]; i++)
		CHECK_STR(parsed(bad[i]), "-");

	struct netrange r[4];
	char why[64];
	CHECK(netrange_parse_list("127.0.0.1,10.0.0.0/8, ::1 ,fd00::/8", r, 4, why, sizeof why) == 4, "four ranges");
	CHECK(r[0].bits == 32 && r[1].bits == 8 && r[2].bits == 128 && r[3].bits == 8, "bits");
	CHECK(netrange_parse_list("10.0.0.0/33", r, 4, why, sizeof why) < 0 && strcmp(why, "10.0.0.0/33") == 0,
	    "too many bits: %s", why);
	CHECK(netrange_parse_list("127.0.0.1,proxy.local", r, 4, why, sizeof why) < 0 && strcmp(why, "proxy.local") == 0,
	    "names are refused: %s", why);
	CHECK(netrange_parse_list("127.0.0.1,", r, 4, why, sizeof why) < 0, "an empty item");
	CHECK(netrange_parse_list("1.1.1.1,2.2.2.2", r, 1, why, sizeof why) < 0, "more than max");
	CHECK(netrange_parse_list("::ffff:10.0.0.0/104", r, 4, why, sizeof why) == 1 && !r[0].addr.v6 && r[0].bits == 8,
	    "a mapped range is IPv4");

	struct netaddr a;
	netrange_parse_list("10.1.2.3/8", r, 1, why, sizeof why);
	netaddr_parse("10.200.0.1", 10, &a);
	CHECK(netrange_contains(&r[0], &a), "10.200.0.1 in 10.0.0.0/8");
	netaddr_parse("11.0.0.1", 9, &a);
	CHECK(!netrange_contains(&r[0], &a), "11.0.0.1 is not");
	netrange_parse_list("fd00::/7", r, 1, why, sizeof why);
	netaddr_parse("fdff::5", 7, &a);
	CHECK(netrange_contains(&r[0], &a), "fdff::5 in fd00::/7");
	netaddr_parse("fe00::5", 7, &a);
	CHECK(!netrange_contains(&r[0], &a), "fe00::5 is not");
	netaddr_parse("10.0.0.1", 8, &a);
	CHECK(!netrange_contains(&r[0], &a), "families never match");
}

static void forwarded(void)
{
	/* no trusted proxy, or a peer that is not one: the header is ignored */
	CHECK_STR(client("192.0.2.1", "203.0.113.9", NULL), "192.0.2.1");
	CHECK_STR(client("192.0.2.1", "203.0.113.9", "127.0.0.1"), "192.0.2.1");
	/* from the proxy: the right-most address */
	CHECK_STR(client("127.0.0.1", "203.0.113.9", "127.0.0.1"), "203.0.113.9");
	CHECK_STR(client("127.0.0.1", NULL, "127.0.0.1"), "127.0.0.1");
	CHECK_STR(client("127.0.0.1", "", "127.0.0.1"), "127.0.0.1");
	/* what the client wrote itself stays on the left, unread */
	CHECK_STR(client("127.0.0.1", "198.51.100.66, 203.0.113.9", "127.0.0.1"), "203.0.113.9");
	/* a chain of our proxies is walked past */
	CHECK_STR(client("127.0.0.1", "198.51.100.66, 203.0.113.9, 10.0.0.2, 10.0.0.3", "127.0.0.1,10.0.0.0/8"),
	    "203.0.113.9");
	/* every hop ours: the left-most */
	CHECK_STR(client("127.0.0.1", "10.0.0.2,10.0.0.3", "127.0.0.1,10.0.0.0/8"), "10.0.0.2");
	/* a hop that is not an address ends the walk at the last proxy */
	CHECK_STR(client("127.0.0.1", "203.0.113.9, unknown, 10.0.0.3", "127.0.0.1,10.0.0.0/8"), "10.0.0.3");
	CHECK_STR(client("127.0.0.1", "garbage", "127.0.0.1"), "127.0.0.1");
	/* ports, brackets, IPv6, empty items */
	CHECK_STR(client("127.0.0.1", "203.0.113.9:5123", "127.0.0.1"), "203.0.113.9");
	CHECK_STR(client("::1", "[2001:db8::7]:443", "::1"), "2001:db8::7");
	CHECK_STR(client("::1", "2001:db8::7,", "::1"), "2001:db8::7");
	CHECK_STR(client("::ffff:127.0.0.1", "203.0.113.9", "127.0.0.1"), "203.0.113.9");
}

static void keys(void)
{
	char k[NETADDR_STRLEN + 4];
	netaddr_throttle_key("192.0.2.7", k);
	CHECK_STR(k, "192.0.2.7");
	netaddr_throttle_key("2001:db8:1:2:3:4:5:6", k);
	CHECK_STR(k, "2001:db8:1:2::/64");
	netaddr_throttle_key("2001:db8:1:2::ffff", k);
	CHECK_STR(k, "2001:db8:1:2::/64");
	netaddr_throttle_key("unknown", k);
	CHECK_STR(k, "unknown");
}

int main(void)
{
	parsing();
	forwarded();
	keys();
	return check_done();
}

/*
 * check.h - the unit tests' tiny harness: CHECK counts and reports, and
 * check_done() prints the closing "N passed, N failed" line and returns the
 * exit status.
 */
#ifndef BF_CHECK_H
#define BF_CHECK_H

#include <stdio.h>
#include <string.h>

static int check_passed, check_failed;

#define CHECK(cond, ...) do { \
	if (cond) { check_passed++; } else { \
		check_failed++; \
		fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__); \
		fprintf(stderr, __VA_ARGS__); \
		fputc('\n', stderr); \
	} \
} while (0)

#define CHECK_STR(got, want) do { \
	const char *g_ = (got), *w_ = (want); \
	CHECK(g_ && w_ && strcmp(g_, w_) == 0, "got [%s] want [%s]", g_ ? g_ : "(null)", w_ ? w_ : "(null)"); \
} while (0)

static inline int check_done(void)
{
	printf("%d passed, %d failed\n", check_passed, check_failed);
	return check_failed ? 1 : 0;
}

#endif

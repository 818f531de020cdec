/* test_date.c - month arithmetic (the 18-month decisions), day differences. */
#define _POSIX_C_SOURCE 200809L
#include "date.h"
#include <stdlib.h>
#include <time.h>
#include "check.h"

int main(void)
{
	char out[11];
	date_add_months("2026-01-15", 18, out);
	CHECK_STR(out, "2027-07-15");
	date_add_months("2024-08-31", 18, out);
	CHECK_STR(out, "2026-02-28");
	date_add_months("2022-08-31", 18, out);
	CHECK_STR(out, "2024-02-29");
	date_add_months("2026-12-01", 1, out);
	CHECK_STR(out, "2027-01-01");
	date_add_days("2026-12-31", 1, out);
	CHECK_STR(out, "2027-01-01");
	date_add_days("2024-03-01", -1, out);
	CHECK_STR(out, "2024-02-29");
	CHECK(date_diff_days("2026-01-01", "2026-12-31") == 364, "diff");
	CHECK(date_diff_days("2024-01-01", "2025-01-01") == 366, "leap year");
	CHECK(date_diff_days("2026-03-01", "2026-02-01") == -28, "negative");
	/* whole calendar days: at a month end, and across daylight-saving
	 * changes, where a day is 23 or 25 hours (Europe/Stockholm) */
	CHECK(date_diff_days("2026-01-31", "2026-02-24") == 24, "over a month end");
	CHECK(date_diff_days("2024-02-28", "2024-03-01") == 2, "over a leap day");
	CHECK(date_diff_days("2026-03-28", "2026-03-30") == 2, "over the spring change");
	CHECK(date_diff_days("2026-10-24", "2026-10-26") == 2, "over the autumn change");
	setenv("TZ", "Europe/Stockholm", 1);
	tzset();
	date_of(1792877400LL, out);	/* 2026-10-24 23:30 CEST */
	CHECK_STR(out, "2026-10-24");
	date_of(1792877400LL + 25 * 3600, out);	/* 25 hours later: 23:30 CET on the 25th */
	CHECK_STR(out, "2026-10-25");
	date_of(1774733400LL, out);	/* 2026-03-28 22:30 CET */
	CHECK_STR(out, "2026-03-28");
	date_of(1774733400LL + 23 * 3600, out);	/* 23 hours later: 22:30 CEST on the 29th */
	CHECK_STR(out, "2026-03-29");
	date_today(out);
	CHECK(strlen(out) == 10 && out[4] == '-', "today %s", out);
	return check_done();
}

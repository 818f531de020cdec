/* test_date.c - month arithmetic (the 18-month decisions), day differences. */
#include "date.h"
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
	date_today(out);
	CHECK(strlen(out) == 10 && out[4] == '-', "today %s", out);
	return check_done();
}

/* date.c - calendar arithmetic on "YYYY-MM-DD" via days since the epoch. */
#define _POSIX_C_SOURCE 200809L
#include "date.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian; Howard Hinnant's
 * days_from_civil). */
static long days_from_civil(int y, int m, int d)
{
	y -= m <= 2;
	long era = (y >= 0 ? y : y - 399) / 400;
	long yoe = y - era * 400;
	long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void civil_from_days(long z, int *y, int *m, int *d)
{
	z += 719468;
	long era = (z >= 0 ? z : z - 146096) / 146097;
	long doe = z - era * 146097;
	long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	long mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

static void parse(const char *s, int *y, int *m, int *d)
{
	*y = atoi(s);
	*m = atoi(s + 5);
	*d = atoi(s + 8);
}

static void format(int y, int m, int d, char out[11])
{
	char tmp[32];	/* roomy: the compiler cannot see y, m, d are in range */
	snprintf(tmp, sizeof tmp, "%04d-%02d-%02d", y, m, d);
	memcpy(out, tmp, 10);
	out[10] = '\0';
}

void date_of(long long t, char out[11])
{
	time_t tt = (time_t)t;
	struct tm tm;
	localtime_r(&tt, &tm);
	format(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, out);
}

void date_today(char out[11])
{
	date_of((long long)time(NULL), out);
}

void date_add_months(const char *date, int months, char out[11])
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int y, m, d;
	parse(date, &y, &m, &d);
	int total = y * 12 + (m - 1) + months;
	y = total / 12;
	m = total % 12 + 1;
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	int max = mdays[m - 1] + (m == 2 && leap);
	format(y, m, d > max ? max : d, out);
}

void date_add_days(const char *date, int days, char out[11])
{
	int y, m, d;
	parse(date, &y, &m, &d);
	civil_from_days(days_from_civil(y, m, d) + days, &y, &m, &d);
	format(y, m, d, out);
}

long date_diff_days(const char *a, const char *b)
{
	int ya, ma, da, yb, mb, db;
	parse(a, &ya, &ma, &da);
	parse(b, &yb, &mb, &db);
	return days_from_civil(yb, mb, db) - days_from_civil(ya, ma, da);
}

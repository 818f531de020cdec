/* date.h - calendar dates as "YYYY-MM-DD" strings (validated with
 * valid_date in form.h): today, adding months, days between. */
#ifndef BF_DATE_H
#define BF_DATE_H

/* Writes today's local date into out (11 bytes). */
void date_today(char out[11]);

/* Writes date + months into out; the day is clamped to the month's length
 * (2024-01-31 + 1 month = 2024-02-29). */
void date_add_months(const char *date, int months, char out[11]);

/* Writes date + days (may be negative) into out. */
void date_add_days(const char *date, int days, char out[11]);

/* Returns the number of days from a to b (b - a). */
long date_diff_days(const char *a, const char *b);

/* Writes the local date of Unix time t into out. */
void date_of(long long t, char out[11]);

#endif

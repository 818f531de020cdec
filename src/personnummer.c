/* personnummer.c - parsing, Luhn check, date check, normalisation. */
#include "personnummer.h"
#include "form.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Returns 1 when the ten digits YYMMDDNNNC pass the Luhn check. */
static int luhn_ok(const char *ten)
{
	int sum = 0;
	for (int i = 0; i < 10; i++) {
		int v = (ten[i] - '0') * (i % 2 == 0 ? 2 : 1);
		sum += v > 9 ? v - 9 : v;
	}
	return sum % 10 == 0;
}

const char *pnr_parse(const char *s, const char *today, struct pnr *out)
{
	char digits[13];
	size_t n = 0;
	int plus = 0, seps = 0;
	if (!s || !*s)
		return "Ange personnummer.";
	for (const char *p = s; *p; p++) {
		if (isdigit((unsigned char)*p)) {
			if (n >= 12)
				return "Personnumret har för många siffror.";
			digits[n++] = *p;
		} else if ((*p == '-' || *p == '+') && (n == 6 || n == 8) && !seps) {
			plus = *p == '+';
			seps++;
		} else if (*p != ' ') {
			return "Personnumret får bara innehålla siffror och bindestreck (ÅÅÅÅMMDD-NNNN).";
		}
	}
	digits[n] = '\0';
	char full[13];
	if (n == 10) {
		int yy = (digits[0] - '0') * 10 + (digits[1] - '0');
		int this_year = atoi(today);
		int century = this_year / 100 * 100;
		int year = century + yy;
		if (year > this_year)
			year -= 100;
		if (plus)
			year -= 100;
		snprintf(full, sizeof full, "%04d%.8s", year, digits + 2);
	} else if (n == 12) {
		if (plus)
			return "Skriv ett 12-siffrigt personnummer med bindestreck, inte plustecken.";
		memcpy(full, digits, 13);
	} else {
		return "Personnumret ska ha 10 eller 12 siffror (ÅÅÅÅMMDD-NNNN).";
	}
	if (!luhn_ok(full + 2))
		return "Kontrollsiffran stämmer inte. Kontrollera personnumret.";
	int day = (full[6] - '0') * 10 + (full[7] - '0');
	int coordination = day > 60;
	char date[32];
	snprintf(date, sizeof date, "%.4s-%.2s-%02d", full, full + 4, coordination ? day - 60 : day);
	if (!valid_date(date))
		return "Personnumret innehåller inget giltigt datum.";
	if (strcmp(date, today) > 0)
		return "Födelsedatumet i personnumret ligger i framtiden.";
	snprintf(out->normalized, sizeof out->normalized, "%.8s-%.4s", full, full + 8);
	memcpy(out->birth_date, date, sizeof out->birth_date - 1);
	out->birth_date[10] = '\0';
	out->sex = ((full[10] - '0') % 2) ? 'M' : 'K';
	out->coordination = coordination;
	return NULL;
}

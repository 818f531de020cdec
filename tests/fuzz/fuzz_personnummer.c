/*
 * fuzz_personnummer.c - pnr_parse on arbitrary text, as of two dates.
 * Invariants: an answer is either NULL (parsed) or a Swedish sentence
 * (clean text); a parsed number is "YYYYMMDD-NNNN", its birth date a real
 * date not after today and its sex K or M by the third-last digit; and it
 * re-formats to itself: the normalised form, the 12 digits without the
 * dash and the 10-digit form (with '+' from the year of the 100th
 * birthday) all parse to the same number.
 */
#include "fuzz.h"
#include "form.h"
#include "personnummer.h"

static void same(const struct pnr *a, const char *s, const char *today)
{
	struct pnr b;
	memset(&b, 0, sizeof b);
	const char *e = pnr_parse(s, today, &b);
	FUZZ_ASSERT(!e, "[%s] (from %s) does not parse as of %s: %s", s, a->normalized, today, e);
	FUZZ_ASSERT(!strcmp(a->normalized, b.normalized), "[%s] gives %s, not %s", s, b.normalized, a->normalized);
	FUZZ_ASSERT(!strcmp(a->birth_date, b.birth_date) && a->sex == b.sex && a->coordination == b.coordination,
	    "[%s] gives other details than %s", s, a->normalized);
}

static void one(const char *s, const char *today)
{
	struct pnr p;
	memset(&p, 0, sizeof p);
	const char *e = pnr_parse(s, today, &p);
	if (e) {
		FUZZ_ASSERT(*e && text_is_clean(e, strlen(e)), "an unreadable answer");
		return;
	}
	const char *n = p.normalized;
	FUZZ_ASSERT(strlen(n) == 13 && n[8] == '-', "normalised [%s]", n);
	for (int i = 0; i < 13; i++)
		FUZZ_ASSERT(i == 8 || (n[i] >= '0' && n[i] <= '9'), "normalised [%s]", n);
	FUZZ_ASSERT(valid_date(p.birth_date), "birth date [%s]", p.birth_date);
	FUZZ_ASSERT(strcmp(p.birth_date, today) <= 0, "born %s, after %s", p.birth_date, today);
	FUZZ_ASSERT(!memcmp(p.birth_date, n, 4) && !memcmp(p.birth_date + 5, n + 4, 2), "birth date %s for %s",
	    p.birth_date, n);
	FUZZ_ASSERT(p.sex == (((n[11] - '0') % 2) ? 'M' : 'K'), "sex %c for %s", p.sex, n);
	FUZZ_ASSERT(p.coordination == (n[6] >= '6'), "coordination %d for %s", p.coordination, n);
	char buf[20];
	same(&p, n, today);
	snprintf(buf, sizeof buf, "%.8s%.4s", n, n + 9);
	same(&p, buf, today);
	int born = (n[0] - '0') * 1000 + (n[1] - '0') * 100 + (n[2] - '0') * 10 + (n[3] - '0');
	int age_years = atoi(today) - born;	/* by year, as the '+' is written */
	if (age_years < 200) {
		snprintf(buf, sizeof buf, "%.6s%c%.4s", n + 2, age_years >= 100 ? '+' : '-', n + 9);
		same(&p, buf, today);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 64)
		return 0;	/* the form field is short; long inputs add nothing */
	char *s = fuzz_cstr(data, size);
	one(s, "2025-06-15");
	one(s, "2000-02-29");	/* a leap day, and a century where 10 digits mean 19xx */
	free(s);
	return 0;
}

/*
 * fuzz_import_values.c - the readers for hand-typed statusrapport cells
 * (import_values.h) on arbitrary cell text.
 * Invariants: every reader gives the same answer with spaces and tabs
 * around the value (they trim); iv_date writes a real date that reads
 * back as itself, or ""; iv_ordinal gives 1 only for "ja" and 2..50
 * otherwise, and leaves *out alone on failure; iv_reason's words are
 * from its lists, a ground only with "evicted", a note of clean text
 * (for clean input) that fits, even a short buffer, cut at a character
 * boundary, and every output "" on failure; iv_personkod's parts are in
 * range and "NAME-AGE-SEX[-SUFFIX]" written from them reads back the same.
 */
#include "fuzz.h"
#include "form.h"
#include "import_values.h"

struct answers {
	int date_rc, yn, ord_rc, reason_rc, short_rc, code_rc, age, suffix;
	long long ord;
	char date[11], reason[16], ground[16], note[2000], short_note[7], name[64], sex;
};

static int one_of(const char *s, const char *const list[])
{
	for (int i = 0; list[i]; i++)
		if (!strcmp(s, list[i]))
			return 1;
	return 0;
}

static void read_all(const char *s, struct answers *a)
{
	memset(a, 0, sizeof *a);
	a->date_rc = iv_date(s, a->date);
	a->yn = iv_yes_no(s);
	a->ord = -7;
	a->ord_rc = iv_ordinal(s, &a->ord);
	a->reason_rc = iv_reason(s, a->reason, a->ground, a->note, sizeof a->note);
	char r2[16], g2[16];
	a->short_rc = iv_reason(s, r2, g2, a->short_note, sizeof a->short_note);
	a->age = a->suffix = -1;
	a->code_rc = iv_personkod(s, a->name, &a->age, &a->sex, &a->suffix);
}

static void check(const char *s, const struct answers *a, int clean)
{
	static const char *const reasons[] = { "evicted", "wanted", "other", "deceased", NULL };
	static const char *const grounds[] = { "", "disturbance", "arrears", "other", NULL };
	if (a->date_rc == 0) {
		FUZZ_ASSERT(valid_date(a->date), "iv_date [%s] -> [%s]", s, a->date);
		char again[11];
		FUZZ_ASSERT(iv_date(a->date, again) == 0 && !strcmp(again, a->date), "[%s] does not read back", a->date);
	} else {
		FUZZ_ASSERT(a->date_rc == -1 && a->date[0] == '\0', "iv_date failed with [%s]", a->date);
	}
	FUZZ_ASSERT(a->yn >= -1 && a->yn <= 1, "iv_yes_no %d", a->yn);
	if (a->ord_rc == 0) {
		FUZZ_ASSERT(a->ord >= 1 && a->ord <= 50, "iv_ordinal [%s] -> %lld", s, a->ord);
		FUZZ_ASSERT((a->ord == 1) == (a->yn == 1), "iv_ordinal [%s] -> %lld, iv_yes_no %d", s, a->ord, a->yn);
	} else {
		FUZZ_ASSERT(a->ord_rc == -1 && a->ord == -7, "iv_ordinal failed but wrote %lld", a->ord);
	}
	if (a->reason_rc == 0) {
		FUZZ_ASSERT(one_of(a->reason, reasons) && one_of(a->ground, grounds), "iv_reason [%s] -> %s/%s", s,
		    a->reason, a->ground);
		FUZZ_ASSERT(!*a->ground || !strcmp(a->reason, "evicted"), "a ground for %s", a->reason);
		FUZZ_ASSERT(strlen(a->note) < sizeof a->note, "note too long");
		FUZZ_ASSERT(!strncmp(a->short_note, a->note, strlen(a->short_note)), "the short note is no prefix");
		if (clean) {
			FUZZ_ASSERT(text_is_clean(a->note, strlen(a->note)), "note not clean");
			FUZZ_ASSERT(text_is_clean(a->short_note, strlen(a->short_note)), "short note cut inside a character");
		}
	} else {
		FUZZ_ASSERT(a->reason_rc == -1 && !*a->reason && !*a->ground && !*a->note, "iv_reason failed with output");
	}
	FUZZ_ASSERT(a->short_rc == a->reason_rc, "the note's size changed the answer");
	if (a->code_rc == 0) {
		size_t n = strlen(a->name);
		FUZZ_ASSERT(n > 0 && n <= 63, "name of %zu bytes", n);
		for (size_t i = 0; i < n; i++)
			FUZZ_ASSERT(!(a->name[i] >= 'a' && a->name[i] <= 'z') && a->name[i] != ' ' && a->name[i] != '\t',
			    "name [%s] not normalised", a->name);
		FUZZ_ASSERT(a->age >= 0 && a->age <= 120, "age %d", a->age);
		FUZZ_ASSERT(a->sex == 'K' || a->sex == 'M' || a->sex == 'X', "sex %c", a->sex);
		FUZZ_ASSERT(a->suffix >= 0 && a->suffix <= 999, "suffix %d", a->suffix);
		char code[100], name[64], sex;
		int age, suffix;
		if (a->suffix)
			snprintf(code, sizeof code, "%s-%d-%c-%d", a->name, a->age, a->sex, a->suffix);
		else
			snprintf(code, sizeof code, "%s-%d-%c", a->name, a->age, a->sex);
		FUZZ_ASSERT(iv_personkod(code, name, &age, &sex, &suffix) == 0, "[%s] (from [%s]) does not read", code, s);
		FUZZ_ASSERT(!strcmp(name, a->name) && age == a->age && sex == a->sex && suffix == a->suffix,
		    "[%s] reads as %s-%d-%c-%d", code, name, age, sex, suffix);
	} else {
		FUZZ_ASSERT(a->code_rc == -1 && !*a->name && a->age == -1 && a->suffix == -1, "iv_personkod failed with output");
	}
}

static void same(const struct answers *a, const struct answers *b, const char *s)
{
	FUZZ_ASSERT(a->date_rc == b->date_rc && !strcmp(a->date, b->date), "iv_date [%s]: blanks matter", s);
	FUZZ_ASSERT(a->yn == b->yn, "iv_yes_no [%s]: blanks matter", s);
	FUZZ_ASSERT(a->ord_rc == b->ord_rc && a->ord == b->ord, "iv_ordinal [%s]: blanks matter", s);
	FUZZ_ASSERT(a->reason_rc == b->reason_rc && !strcmp(a->reason, b->reason) && !strcmp(a->ground, b->ground) &&
	    !strcmp(a->note, b->note), "iv_reason [%s]: blanks matter", s);
	FUZZ_ASSERT(a->code_rc == b->code_rc && !strcmp(a->name, b->name) && a->age == b->age && a->sex == b->sex &&
	    a->suffix == b->suffix, "iv_personkod [%s]: blanks matter", s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 4096)
		return 0;
	char *s = fuzz_cstr(data, size);
	int clean = text_is_clean(s, strlen(s));
	static struct answers a, b;
	read_all(s, &a);
	check(s, &a, clean);
	char *padded = malloc(strlen(s) + 5);
	sprintf(padded, " \t%s\t ", s);
	read_all(padded, &b);
	same(&a, &b, s);
	free(padded);
	free(s);
	return 0;
}

/*
 * fuzz_search.c - search_parse and search_fold on arbitrary clean text (the
 * query string has passed the input gate), as of two dates. Invariants: an
 * invalid query says why in clean text; a personnummer is "YYYYMMDD-NNNN"
 * that pnr_parse accepts, or the start of one (digits, a dash after the
 * eighth); names are folded words (no A-Z, no folded letter left, single
 * spaces, no edge spaces), w is a and b joined, v the first word; and the
 * fold is idempotent and keeps the text clean.
 */
#include "fuzz.h"
#include "form.h"
#include "personnummer.h"
#include "search.h"

static void folded_words(const char *s, const char *what)
{
	size_t n = strlen(s);
	FUZZ_ASSERT(text_is_clean(s, n), "%s not clean", what);
	FUZZ_ASSERT(!n || (s[0] != ' ' && s[n - 1] != ' ' && !strstr(s, "  ")), "%s [%s] spacing", what, s);
	for (const char *p = s; *p; p++)
		FUZZ_ASSERT(!(*p >= 'A' && *p <= 'Z') && *p != ',' && *p != '\t', "%s [%s] not folded", what, s);
	for (size_t i = 0; i < search_nfolds; i++)
		FUZZ_ASSERT(!strstr(s, search_folds[i].from) || !strcmp(search_folds[i].from, search_folds[i].to),
		    "%s [%s] still has [%s]", what, s, search_folds[i].from);
}

static void one(const char *q, const char *today)
{
	struct search s;
	enum search_kind k = search_parse(q, today, &s);
	FUZZ_ASSERT(k == s.kind, "returned kind");
	if (k == SEARCH_INVALID) {
		FUZZ_ASSERT(s.why && *s.why && text_is_clean(s.why, strlen(s.why)), "an unreadable answer");
	} else if (k == SEARCH_PNR) {
		size_t n = strlen(s.pnr);
		FUZZ_ASSERT(n >= 1 && n <= 13, "pnr [%s]", s.pnr);
		for (size_t i = 0; i < n; i++)
			FUZZ_ASSERT(i == 8 ? s.pnr[i] == '-' : (s.pnr[i] >= '0' && s.pnr[i] <= '9'), "pnr [%s]", s.pnr);
		FUZZ_ASSERT(n != 9, "pnr [%s] ends in a dash", s.pnr);
		if (s.exact) {
			struct pnr p;
			FUZZ_ASSERT(n == 13 && !pnr_parse(s.pnr, today, &p) && !strcmp(p.normalized, s.pnr), "exact [%s]", s.pnr);
		}
	} else if (k == SEARCH_NAME) {
		folded_words(s.w, "w");
		folded_words(s.a, "a");
		folded_words(s.b, "b");
		FUZZ_ASSERT(*s.w && *s.a && *s.v && !strchr(s.v, ' '), "words [%s] [%s]", s.w, s.v);
		char joined[2 * SEARCH_MAX];
		snprintf(joined, sizeof joined, *s.b ? "%s %s" : "%s", s.a, s.b);
		FUZZ_ASSERT(!strcmp(joined, s.w), "a [%s] b [%s] w [%s]", s.a, s.b, s.w);
		FUZZ_ASSERT(!strncmp(s.w, s.v, strlen(s.v)) && (s.w[strlen(s.v)] == ' ' || !s.w[strlen(s.v)]), "v [%s]", s.v);
	}
	char f1[SEARCH_MAX], f2[SEARCH_MAX];
	if (search_fold(q, f1, sizeof f1) >= 0) {
		FUZZ_ASSERT(text_is_clean(f1, strlen(f1)), "fold not clean");
		FUZZ_ASSERT(search_fold(f1, f2, sizeof f2) >= 0 && !strcmp(f1, f2), "fold twice [%s] [%s]", f1, f2);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 300)
		return 0;
	char *s = fuzz_cstr(data, size);
	if (text_is_clean(s, strlen(s))) {
		one(s, "2025-06-15");
		one(s, "2000-02-29");
	}
	free(s);
	return 0;
}

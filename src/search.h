/*
 * search.h - what was typed into the persons search box: a personnummer
 * in any common form (whole, or its start: a birth date), or names folded
 * the way the persons' search columns are (migrations/0010_search.sql).
 * src/person.c runs the queries.
 */
#ifndef BF_SEARCH_H
#define BF_SEARCH_H

#include <stddef.h>

#define SEARCH_MAX 256	/* bytes of a folded query, NUL included */

enum search_kind {
	SEARCH_NONE,	/* nothing to search for: the plain list */
	SEARCH_PNR,	/* pnr: a whole number (exact) or the start of one */
	SEARCH_NAME,	/* a, b, w: names */
	SEARCH_INVALID	/* why: nothing can match; say so */
};

struct search {
	enum search_kind kind;
	int exact;	/* SEARCH_PNR: pnr is a whole "YYYYMMDD-NNNN" */
	char pnr[14];	/* SEARCH_PNR: "YYYYMMDD-NNNN" or its start ("19850312", "1985") */
	/* SEARCH_NAME, folded words. A person matches when a starts the
	 * first name and b the last name, or w starts "first last" (whole
	 * first names followed by the start of the last: "Anna Maria Sv",
	 * "Greta Öberg-St"), or either of them the other way round. a is
	 * every word but the last and b the last one; one word is a = w and
	 * b = "". v, the first word, starts the name every match starts from. */
	char a[SEARCH_MAX], b[SEARCH_MAX], w[SEARCH_MAX], v[SEARCH_MAX];
	const char *why;	/* SEARCH_INVALID: a Swedish sentence */
};

/*
 * Reads q as of today ("YYYY-MM-DD": the century of ÅÅMMDD). Digits with at
 * most one '-' or '+' (and spaces) are a personnummer: 10 or 12 digits are
 * checked like a registration (Luhn, date; samordningsnummer too) and a
 * wrong one is SEARCH_INVALID with the reason; fewer digits are its start
 * (ÅÅMMDD, ÅÅÅÅMMDD, ÅÅÅÅ, with some of the last four). Anything else is
 * names. Fills s and returns s->kind.
 */
enum search_kind search_parse(const char *q, const char *today, struct search *s);

/*
 * Folds UTF-8 text like the view persons_search_fold, except that spaces
 * are left as they are: each pair of search_folds[] replaced (å, Å → a,
 * - → space, ' → nothing, ...), then A-Z to a-z. Writes at most outsize
 * bytes with the NUL; returns the length, or -1 when it does not fit.
 */
int search_fold(const char *in, char *out, size_t outsize);

/* The pairs, in the view's order (for the test that compares the two). */
struct search_pair {
	const char *from, *to;
};
extern const struct search_pair search_folds[];
extern const size_t search_nfolds;

#endif

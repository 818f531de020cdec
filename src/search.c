/* search.c - reading the persons search box: personnummer or names. */
#include "search.h"
#include "personnummer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The fold of migrations/0010_search.sql (the view persons_search_fold),
 * pair by pair in the same order; tests/http/search.test.mjs compares. */
const struct search_pair search_folds[] = {
	{ "Å", "a" }, { "å", "a" }, { "Ä", "a" }, { "ä", "a" }, { "Á", "a" }, { "á", "a" },
	{ "À", "a" }, { "à", "a" }, { "Â", "a" }, { "â", "a" }, { "Ã", "a" }, { "ã", "a" },
	{ "Ö", "o" }, { "ö", "o" }, { "Ø", "o" }, { "ø", "o" }, { "Ó", "o" }, { "ó", "o" },
	{ "Ò", "o" }, { "ò", "o" }, { "Ô", "o" }, { "ô", "o" }, { "Õ", "o" }, { "õ", "o" },
	{ "É", "e" }, { "é", "e" }, { "È", "e" }, { "è", "e" }, { "Ê", "e" }, { "ê", "e" },
	{ "Ë", "e" }, { "ë", "e" }, { "Ü", "u" }, { "ü", "u" }, { "Ú", "u" }, { "ú", "u" },
	{ "Ù", "u" }, { "ù", "u" }, { "Û", "u" }, { "û", "u" }, { "Í", "i" }, { "í", "i" },
	{ "Ì", "i" }, { "ì", "i" }, { "Î", "i" }, { "î", "i" }, { "Ï", "i" }, { "ï", "i" },
	{ "Ý", "y" }, { "ý", "y" }, { "Ñ", "n" }, { "ñ", "n" }, { "Ç", "c" }, { "ç", "c" },
	{ "Č", "c" }, { "č", "c" }, { "Ć", "c" }, { "ć", "c" }, { "Š", "s" }, { "š", "s" },
	{ "Ş", "s" }, { "ş", "s" }, { "Ž", "z" }, { "ž", "z" }, { "Đ", "d" }, { "đ", "d" },
	{ "Ł", "l" }, { "ł", "l" }, { "Ğ", "g" }, { "ğ", "g" }, { "İ", "i" }, { "ı", "i" },
	{ "Æ", "ae" }, { "æ", "ae" }, { "ß", "ss" }, { "'", "" }, { "’", "" }, { "-", " " },
	{ "\t", " " }, { "\n", " " }, { "\r", " " },
};
const size_t search_nfolds = sizeof search_folds / sizeof search_folds[0];

int search_fold(const char *in, char *out, size_t outsize)
{
	size_t o = 0;
	for (const char *p = in; *p;) {
		const char *to = NULL;
		size_t n = 1;
		for (size_t i = 0; i < search_nfolds; i++) {
			size_t k = strlen(search_folds[i].from);
			if (strncmp(p, search_folds[i].from, k) == 0) {
				to = search_folds[i].to;
				n = k;
				break;
			}
		}
		char one[2] = { *p >= 'A' && *p <= 'Z' ? (char)(*p - 'A' + 'a') : *p, '\0' };
		if (!to)
			to = one;
		size_t t = strlen(to);
		if (o + t >= outsize)
			return -1;
		memcpy(out + o, to, t);
		o += t;
		p += n;
	}
	if (o >= outsize)
		return -1;
	out[o] = '\0';
	return (int)o;
}

/* The personnummer forms: digits, spaces and at most one '-' or '+'. */
static int looks_like_pnr(const char *q)
{
	int digits = 0;
	for (const char *p = q; *p; p++) {
		if (*p >= '0' && *p <= '9')
			digits++;
		else if (*p != ' ' && *p != '-' && *p != '+')
			return 0;
	}
	return digits > 0;
}

static enum search_kind invalid(struct search *s, const char *why)
{
	s->kind = SEARCH_INVALID;
	s->why = why;
	return s->kind;
}

/* A personnummer or its start; see search_parse. */
static enum search_kind parse_pnr(const char *q, const char *today, struct search *s)
{
	char d[16];
	size_t n = 0;
	int seps = 0, sep_at = -1, plus = 0;
	for (const char *p = q; *p; p++) {
		if (*p >= '0' && *p <= '9') {
			if (n >= 12)
				return invalid(s, "Personnumret har för många siffror.");
			d[n++] = *p;
		} else if (*p == '-' || *p == '+') {
			seps++;
			sep_at = (int)n;
			plus = *p == '+';
		}
	}
	d[n] = '\0';
	if (seps > 1 || (seps && sep_at != 6 && sep_at != 8))
		return invalid(s, "Skriv personnumret som ÅÅÅÅMMDD-NNNN eller ÅÅMMDD-NNNN.");
	if (n == 10 || n == 12) {
		struct pnr p;
		const char *why = pnr_parse(q, today, &p);
		if (why)
			return invalid(s, why);
		s->kind = SEARCH_PNR;
		s->exact = 1;
		memcpy(s->pnr, p.normalized, sizeof s->pnr);
		return s->kind;
	}
	/* ÅÅMMDD-N.., or ÅÅÅÅMMDD-N.. and shorter starts (ÅÅÅÅ) */
	int is_short = sep_at == 6 || (sep_at < 0 && (n == 6 || n == 7));
	if (is_short ? n > 9 : (n > 11 || (sep_at < 0 && n > 8)))
		return invalid(s, "Personnumret ska ha 10 eller 12 siffror (ÅÅÅÅMMDD-NNNN).");
	if (is_short) {
		/* ÅÅMMDD and perhaps some of the last four: the century as for
		 * a whole number (the latest possible; '+' a hundred years
		 * earlier) */
		int this_year = atoi(today);
		int year = this_year / 100 * 100 + (d[0] - '0') * 10 + (d[1] - '0');
		if (year > this_year)
			year -= 100;
		if (plus)
			year -= 100;
		snprintf(s->pnr, sizeof s->pnr, "%04d%.4s%s%.3s", year, d + 2, n > 6 ? "-" : "", d + 6);
	} else {
		if (plus)
			return invalid(s, "Skriv ett 12-siffrigt personnummer med bindestreck, inte plustecken.");
		snprintf(s->pnr, sizeof s->pnr, "%.8s%s%.3s", d, n > 8 ? "-" : "", n > 8 ? d + 8 : "");
	}
	s->kind = SEARCH_PNR;
	s->exact = 0;
	return s->kind;
}

/* Copies q into out as a plain-space query: the spaces text copied from
 * Word or a web page carries (no-break U+00A0, U+2000-U+200A, U+202F,
 * U+205F, U+3000) become ' ', and the invisible marks (zero-width U+200B-
 * U+200D, the direction marks U+200E-U+200F, U+2060, U+FEFF) go. Returns
 * -1 when out is too small. */
static int plain_spaces(const char *q, char *out, size_t outsize)
{
	size_t o = 0;
	for (const unsigned char *p = (const unsigned char *)q; *p;) {
		unsigned cp = 0;
		size_t n = 1;
		if (p[0] == 0xc2 && p[1])
			cp = ((p[0] & 0x1fu) << 6) | (p[1] & 0x3fu), n = 2;
		else if ((p[0] & 0xf0) == 0xe0 && p[1] && p[2])
			cp = ((p[0] & 0x0fu) << 12) | ((p[1] & 0x3fu) << 6) | (p[2] & 0x3fu), n = 3;
		int space = cp == 0xa0 || (cp >= 0x2000 && cp <= 0x200a) || cp == 0x202f || cp == 0x205f || cp == 0x3000;
		int gone = (cp >= 0x200b && cp <= 0x200f) || cp == 0x2060 || cp == 0xfeff;
		if (!space && !gone)
			n = (p[0] & 0xe0) == 0xc0 ? 2 : (p[0] & 0xf0) == 0xe0 ? 3 : (p[0] & 0xf8) == 0xf0 ? 4 : 1;
		if (o + n >= outsize)
			return -1;
		if (space)
			out[o++] = ' ';
		for (size_t k = 0; k < n && *p; k++, p++)
			if (!space && !gone)
				out[o++] = (char)*p;
	}
	out[o] = '\0';
	return 0;
}

enum search_kind search_parse(const char *q, const char *today, struct search *s)
{
	memset(s, 0, sizeof *s);
	s->kind = SEARCH_NONE;
	if (!q)
		return s->kind;
	char plain[SEARCH_MAX * 4];
	if (plain_spaces(q, plain, sizeof plain) < 0)
		return invalid(s, "Skriv högst 100 tecken i sökrutan.");
	q = plain;
	if (looks_like_pnr(q))
		return parse_pnr(q, today, s);
	char folded[SEARCH_MAX];
	if (search_fold(q, folded, sizeof folded) < 0)
		return invalid(s, "Skriv högst 100 tecken i sökrutan.");
	/* the words: spaces and commas ("Åkerström, Linnea") separate */
	size_t nw = 0, last = 0, o = 0;
	for (const char *p = folded; *p;) {
		size_t k = strcspn(p, " ,\t\n\r");
		if (k) {
			if (nw++)
				s->w[o++] = ' ';
			last = o;
			memcpy(s->w + o, p, k);
			o += k;
			p += k;
		} else {
			p++;
		}
	}
	s->w[o] = '\0';
	if (!nw)
		return s->kind;
	size_t first = strcspn(s->w, " ");
	memcpy(s->v, s->w, first);
	s->v[first] = '\0';
	if (nw == 1) {
		strcpy(s->a, s->w);
	} else {
		memcpy(s->a, s->w, last - 1);
		s->a[last - 1] = '\0';
		strcpy(s->b, s->w + last);
	}
	s->kind = SEARCH_NAME;
	return s->kind;
}

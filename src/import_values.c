/* import_values.c - typed readers for hand-typed statusrapport cells. */
#include "import_values.h"
#include "date.h"
#include "form.h"

#include <string.h>

/* Sets *p and *n to s without leading and trailing spaces and tabs. */
static void trim(const char *s, const char **p, size_t *n)
{
	size_t len = strlen(s);
	while (len && (*s == ' ' || *s == '\t'))
		s++, len--;
	while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	*p = s;
	*n = len;
}

/* Returns byte i of s folded to lower case: ASCII, and the second byte of
 * a two-byte Latin-1 capital (Å Ä Ö É ...; the lead byte 0xC3 stays). The
 * fold keeps every byte's length, so offsets into s stay valid. */
static unsigned char fold(const char *s, size_t i)
{
	unsigned char c = (unsigned char)s[i];
	if (c >= 'A' && c <= 'Z')
		return (unsigned char)(c + 32);
	if (i > 0 && (unsigned char)s[i - 1] == 0xC3 && c >= 0x80 && c <= 0x9E && c != 0x97)
		return (unsigned char)(c + 0x20);
	return c;
}

/* Returns 1 when s[0..n) equals lit (lower case) ignoring case. */
static int ci_eq(const char *s, size_t n, const char *lit)
{
	if (strlen(lit) != n)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (fold(s, i) != (unsigned char)lit[i])
			return 0;
	return 1;
}

/* Returns 1 when s[0..n) begins with lit (lower case) ignoring case. */
static int ci_prefix(const char *s, size_t n, const char *lit)
{
	size_t k = strlen(lit);
	return n >= k && ci_eq(s, k, lit);
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Returns 1 when byte c can continue a word (letter, digit, any UTF-8
 * byte), so a keyword followed by it is part of a longer word. */
static int word_byte(char c)
{
	unsigned char u = (unsigned char)c;
	return is_digit(c) || (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || u >= 0x80;
}

/* Reads 1..maxd digits at s[*i] (below n) into *v. Returns the number of
 * digits read (0 when none); more than maxd digits is an error (-1). */
static int digits(const char *s, size_t n, size_t *i, int maxd, long *v)
{
	int k = 0;
	*v = 0;
	while (*i < n && is_digit(s[*i])) {
		if (++k > maxd)
			return -1;
		*v = *v * 10 + (s[*i] - '0');
		(*i)++;
	}
	return k;
}

/* Writes y-m-d into out and returns 0 when it is a real date, else -1. */
static int put_date(long y, long m, long d, char out[11])
{
	if (y < 0 || y > 9999 || m < 0 || m > 99 || d < 0 || d > 99)
		return -1;
	char tmp[11] = {
		(char)('0' + y / 1000), (char)('0' + y / 100 % 10), (char)('0' + y / 10 % 10), (char)('0' + y % 10), '-',
		(char)('0' + m / 10), (char)('0' + m % 10), '-', (char)('0' + d / 10), (char)('0' + d % 10), '\0'
	};
	if (!valid_date(tmp))
		return -1;
	memcpy(out, tmp, 11);
	return 0;
}

int iv_date(const char *s, char out[11])
{
	const char *p;
	size_t n, i = 0;
	long y, m, d;
	out[0] = '\0';
	if (!s)
		return -1;
	trim(s, &p, &n);
	if (n == 10 && p[4] == '-' && p[7] == '-') {
		char tmp[11];
		memcpy(tmp, p, 10);
		tmp[10] = '\0';
		if (!valid_date(tmp))
			return -1;
		memcpy(out, tmp, 11);
		return 0;
	}
	int k = digits(p, n, &i, 8, &y);
	if (k > 0 && i == n) {
		if (k == 8)
			return put_date(y / 10000, y / 100 % 100, y % 100, out);
		if (y < 20000 || y > 80000)
			return -1;
		/* Excel's 1900 system counts the fake 1900-02-29 as serial 60, so
		 * every serial after it (all of 20000..80000) is days since
		 * 1899-12-30. */
		date_add_days("1899-12-30", (int)y, out);
		return 0;
	}
	/* D/M YYYY, D/M-YYYY, DD/MM YYYY */
	i = 0;
	if (digits(p, n, &i, 2, &d) <= 0 || i >= n || p[i] != '/')
		return -1;
	i++;
	if (digits(p, n, &i, 2, &m) <= 0)
		return -1;
	size_t sep = i;
	while (i < n && is_blank(p[i]))
		i++;
	if (i < n && p[i] == '-')
		i++;
	while (i < n && is_blank(p[i]))
		i++;
	if (i == sep || digits(p, n, &i, 4, &y) != 4 || i != n)
		return -1;
	return put_date(y, m, d, out);
}

int iv_yes_no(const char *s)
{
	const char *p;
	size_t n;
	if (!s)
		return -1;
	trim(s, &p, &n);
	return ci_eq(p, n, "ja") ? 1 : ci_eq(p, n, "nej") ? 0 : -1;
}

int iv_ordinal(const char *s, long long *out)
{
	const char *p;
	size_t n, i = 0;
	long v;
	if (!s)
		return -1;
	trim(s, &p, &n);
	if (ci_eq(p, n, "ja")) {
		*out = 1;
		return 0;
	}
	if (ci_prefix(p, n, "nej")) {
		i = 3;
		while (i < n && is_blank(p[i]))
			i++;
		if (i < n && p[i] == ',')
			i++;
		while (i < n && is_blank(p[i]))
			i++;
		if (i == 3)
			return -1;	/* "nej2" */
	}
	if (digits(p, n, &i, 3, &v) <= 0)
		return -1;
	if (i < n && p[i] == ':') {	/* 2:a, 3:e */
		i++;
		if (i >= n || (fold(p, i) != 'a' && fold(p, i) != 'e'))
			return -1;
		i++;
	}
	if (i != n || v < 2 || v > 50)
		return -1;
	*out = v;
	return 0;
}

/* Copies t[0..tn) into note (notelen bytes with the NUL), cut at a UTF-8
 * character boundary when it does not fit. */
static void put_note(char *note, size_t notelen, const char *t, size_t tn)
{
	if (!note || !notelen)
		return;
	if (tn > notelen - 1) {
		tn = notelen - 1;
		while (tn > 0 && ((unsigned char)t[tn] & 0xC0) == 0x80)
			tn--;
	}
	memcpy(note, t, tn);
	note[tn] = '\0';
}

/*
 * Reads what follows a reason word: r[0..rn) (already trimmed at the end).
 * Nothing, "(text)", ", text", ": text", "- text" or "– text", and when
 * pga is set "pga text" / "p.g.a. text" after a space. Sets *t and *tn to
 * the trimmed text ("" for nothing). Returns 0, or -1 for any other shape.
 */
static int tail(const char *r, size_t rn, int pga, const char **t, size_t *tn)
{
	size_t i = 0;
	if (rn && word_byte(r[0]) && (unsigned char)r[0] != 0xE2)
		return -1;	/* a longer word: "vräkta", "annats" */
	while (i < rn && is_blank(r[i]))
		i++;
	int spaced = i > 0;
	r += i;
	rn -= i;
	i = 0;
	if (rn == 0) {
		*t = r;
		*tn = 0;
		return 0;
	}
	if (r[0] == '(') {
		if (rn < 2 || r[rn - 1] != ')')
			return -1;
		r++;
		rn -= 2;
	} else if (r[0] == ',' || r[0] == ':' || r[0] == '-') {
		r++;
		rn--;
	} else if (rn >= 3 && !memcmp(r, "\xE2\x80\x93", 3)) {	/* en dash */
		r += 3;
		rn -= 3;
	} else if (pga && spaced && (ci_prefix(r, rn, "pga") || ci_prefix(r, rn, "p.g.a."))) {
		size_t k = ci_prefix(r, rn, "p.g.a.") ? 6 : 3;
		if (rn > k && !is_blank(r[k]))
			return -1;
		r += k;
		rn -= k;
	} else {
		return -1;
	}
	while (rn && is_blank(*r))
		r++, rn--;
	while (rn && is_blank(r[rn - 1]))
		rn--;
	*t = r;
	*tn = rn;
	return 0;
}

int iv_reason(const char *s, char reason[16], char ground[16], char *note, size_t notelen)
{
	static const char *const disturbance[] = { "störningar", "störning", "störande", NULL };
	static const char *const arrears[] = { "hyresskuld", "hyresskulder", "skulder", "skuld", NULL };
	const char *p, *t;
	size_t n, tn;
	reason[0] = ground[0] = '\0';
	put_note(note, notelen, "", 0);
	if (!s)
		return -1;
	trim(s, &p, &n);
	if (ci_prefix(p, n, "vräkt")) {
		size_t k = strlen("vräkt");
		if (tail(p + k, n - k, 1, &t, &tn) < 0)
			return -1;
		strcpy(reason, "evicted");
		if (tn == 0)
			return 0;
		for (int i = 0; disturbance[i]; i++)
			if (ci_eq(t, tn, disturbance[i])) {
				strcpy(ground, "disturbance");
				return 0;
			}
		for (int i = 0; arrears[i]; i++)
			if (ci_eq(t, tn, arrears[i])) {
				strcpy(ground, "arrears");
				return 0;
			}
		strcpy(ground, "other");
		put_note(note, notelen, t, tn);
		return 0;
	}
	if (ci_prefix(p, n, "annat")) {
		size_t k = strlen("annat");
		if (tail(p + k, n - k, 0, &t, &tn) < 0)
			return -1;
		strcpy(reason, "other");
		put_note(note, notelen, t, tn);
		return 0;
	}
	if (ci_prefix(p, n, "ville")) {
		size_t i = strlen("ville");
		while (i < n && is_blank(p[i]))
			i++;
		if (i == n || (i > 5 && ci_eq(p + i, n - i, "flytta"))) {
			strcpy(reason, "wanted");
			return 0;
		}
		return -1;
	}
	if (ci_eq(p, n, "avliden") || ci_eq(p, n, "död")) {
		strcpy(reason, "deceased");
		return 0;
	}
	return -1;
}

/*
 * Finds the last dash ('-' or an en dash) in s[0..n). Sets *head to the
 * length of what comes before it without trailing blanks, and *t, *tn to
 * what comes after it, trimmed. Returns 0, or -1 when there is no dash.
 */
static int rsplit(const char *s, size_t n, size_t *head, const char **t, size_t *tn)
{
	size_t i = n, w;
	for (;;) {
		if (i == 0)
			return -1;
		i--;
		if (s[i] == '-') {
			w = 1;
			break;
		}
		if (i >= 2 && !memcmp(s + i - 2, "\xE2\x80\x93", 3)) {
			i -= 2;
			w = 3;
			break;
		}
	}
	const char *a = s + i + w;
	size_t an = n - i - w;
	while (an && is_blank(*a))
		a++, an--;
	while (an && is_blank(a[an - 1]))
		an--;
	*t = a;
	*tn = an;
	*head = i;
	while (*head && is_blank(s[*head - 1]))
		(*head)--;
	return 0;
}

/* Reads t[0..tn) as all digits (1..maxd of them) into *v. Returns 0 or -1. */
static int number(const char *t, size_t tn, int maxd, long *v)
{
	size_t i = 0;
	return tn && digits(t, tn, &i, maxd, v) > 0 && i == tn ? 0 : -1;
}

/* Writes the name part s[0..n) upper case without blanks into name (64
 * bytes). Returns 0, or -1 when it holds no letter, a character other than
 * a letter, blank, '-', '.' or '\'', broken UTF-8, or does not fit. */
static int put_name(const char *s, size_t n, char name[64])
{
	size_t o = 0;
	int letters = 0;
	for (size_t i = 0; i < n;) {
		unsigned char c = (unsigned char)s[i];
		char buf[4];
		size_t k = 1;
		if (is_blank((char)c)) {
			i++;
			continue;
		} else if (c >= 'a' && c <= 'z') {
			buf[0] = (char)(c - 32);
			letters++;
		} else if (c >= 'A' && c <= 'Z') {
			buf[0] = (char)c;
			letters++;
		} else if (c == '-' || c == '.' || c == '\'') {
			buf[0] = (char)c;
		} else if (c >= 0xC2 && c <= 0xF4) {
			k = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
			if (i + k > n)
				return -1;
			for (size_t j = 0; j < k; j++) {
				unsigned char b = (unsigned char)s[i + j];
				if (j && (b & 0xC0) != 0x80)
					return -1;
				buf[j] = (char)b;
			}
			unsigned char b = (unsigned char)buf[1];
			if (c == 0xC3 && b >= 0xA0 && b <= 0xBE && b != 0xB7)
				buf[1] = (char)(b - 0x20);	/* å -> Å, ä -> Ä, ö -> Ö, é -> É */
			letters++;
		} else {
			return -1;
		}
		if (o + k > 63)
			return -1;
		memcpy(name + o, buf, k);
		o += k;
		i += k;
	}
	name[o] = '\0';
	return letters ? 0 : -1;
}

int iv_personkod(const char *s, char name[64], int *age, char *sex, int *suffix)
{
	const char *p, *t;
	size_t n, tn;
	long a, sfx = 0;
	name[0] = '\0';
	if (!s)
		return -1;
	trim(s, &p, &n);
	if (rsplit(p, n, &n, &t, &tn) < 0)
		return -1;
	if (tn && is_digit(t[0])) {
		if (number(t, tn, 3, &sfx) < 0 || sfx < 1 || rsplit(p, n, &n, &t, &tn) < 0)
			return -1;
	}
	if (tn != 1)
		return -1;
	char x = (char)fold(t, 0);
	if (x != 'k' && x != 'm' && x != 'x')
		return -1;
	if (rsplit(p, n, &n, &t, &tn) < 0 || number(t, tn, 3, &a) < 0 || a > 120)
		return -1;
	if (put_name(p, n, name) < 0) {
		name[0] = '\0';
		return -1;
	}
	*age = (int)a;
	*sex = (char)(x - 32);
	*suffix = (int)sfx;
	return 0;
}

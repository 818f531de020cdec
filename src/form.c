/* form.c - urlencoded and cookie parsing, strict about what it accepts. */
#include "form.h"

#include <stdio.h>
#include <string.h>
#include <stdlib.h>

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decodes s[0..len) into arena bytes (*olen of them, NUL-terminated);
 * returns NULL on bad percent-encoding. */
static char *decode(struct arena *a, const char *s, size_t len, size_t *olen)
{
	char *out = arena_alloc(a, len + 1);
	size_t o = 0;
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '+') {
			out[o++] = ' ';
		} else if (s[i] == '%') {
			if (i + 2 >= len)
				return NULL;
			int h = hexval(s[i + 1]), l = hexval(s[i + 2]);
			if (h < 0 || l < 0)
				return NULL;
			out[o++] = (char)(h * 16 + l);
			i += 2;
		} else {
			out[o++] = s[i];
		}
	}
	out[o] = '\0';
	*olen = o;
	return out;
}

/* Reads the code point at p[i..len): its byte count into *n (0 for invalid
 * UTF-8: overlong, surrogate, cut short) and whether it is allowed in
 * stored text into *ok (not a C0 control but tab, CR and LF; not DEL, a C1
 * control, or a bidi embedding, override or isolate, U+202A-U+202E and
 * U+2066-U+2069, which can make stored text display as something else). */
static void scan(const unsigned char *p, size_t i, size_t len, size_t *n, int *ok)
{
	unsigned char c = p[i];
	*ok = 1;
	if (c < 0x80) {
		*n = 1;
		*ok = !((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f);
		return;
	}
	size_t k;
	unsigned int cp;
	if (c >= 0xc2 && c <= 0xdf) { k = 1; cp = c & 0x1f; }
	else if (c >= 0xe0 && c <= 0xef) { k = 2; cp = c & 0x0f; }
	else if (c >= 0xf0 && c <= 0xf4) { k = 3; cp = c & 0x07; }
	else { *n = 0; return; }
	if (i + k >= len) {
		*n = 0;
		return;
	}
	for (size_t j = 1; j <= k; j++) {
		if ((p[i + j] & 0xc0) != 0x80) {
			*n = 0;
			return;
		}
		cp = (cp << 6) | (p[i + j] & 0x3f);
	}
	if ((k == 2 && cp < 0x800) || (k == 3 && (cp < 0x10000 || cp > 0x10ffff)) || (cp >= 0xd800 && cp <= 0xdfff)) {
		*n = 0;
		return;
	}
	*n = k + 1;
	*ok = !((cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) || (cp >= 0x80 && cp < 0xa0));
}

int text_is_clean(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	for (size_t i = 0, n; i < len; i += n) {
		int ok;
		scan(p, i, len, &n, &ok);
		if (!n || !ok)
			return 0;
	}
	return 1;
}

char *text_clean(struct arena *a, const char *s, size_t len, size_t *out_len, int *cleaned)
{
	const unsigned char *p = (const unsigned char *)s;
	char *out = arena_alloc(a, len + 1);
	size_t o = 0;
	*cleaned = 0;
	for (size_t i = 0, n; i < len; i += n) {
		int ok;
		scan(p, i, len, &n, &ok);
		if (!n)
			return NULL;
		if (!ok) {
			*cleaned = 1;
			continue;
		}
		memcpy(out + o, s + i, n);
		o += n;
	}
	out[o] = '\0';
	*out_len = o;
	return out;
}

/* Appends key/value (already arena-owned, len bytes) to f. */
static void field_push(struct form *f, struct arena *a, const char *key, const char *value, size_t len, int cleaned)
{
	if (f->n == f->cap) {
		size_t cap = f->cap ? f->cap * 2 : 16;
		struct form_field *v = arena_alloc(a, cap * sizeof *v);
		if (f->n)
			memcpy(v, f->v, f->n * sizeof *v);
		f->v = v;
		f->cap = cap;
	}
	f->v[f->n].key = key;
	f->v[f->n].value = value;
	f->v[f->n].len = len;
	f->v[f->n].cleaned = cleaned;
	f->n++;
}

void form_add(struct form *f, struct arena *a, const char *key, const char *value)
{
	field_push(f, a, arena_strdup(a, key), arena_strdup(a, value), strlen(value), 0);
}

int form_parse(struct form *f, struct arena *a, const char *s, size_t len)
{
	size_t i = 0;
	while (i < len) {
		size_t j = i;
		while (j < len && s[j] != '&')
			j++;
		if (j > i) {
			const char *eq = memchr(s + i, '=', j - i);
			size_t klen = eq ? (size_t)(eq - (s + i)) : j - i;
			size_t kn, vn = 0, n = 0;
			int cleaned = 0;
			char *k = decode(a, s + i, klen, &kn);
			char *raw = eq ? decode(a, eq + 1, (size_t)((s + j) - (eq + 1)), &vn) : arena_strdup(a, "");
			char *v = raw ? text_clean(a, raw, vn, &n, &cleaned) : NULL;
			if (!k || !text_is_clean(k, kn) || !v || f->n >= FORM_MAX_FIELDS)
				return -1;
			field_push(f, a, k, v, n, cleaned);
		}
		i = j + 1;
	}
	return 0;
}

const struct form_field *form_field_get(const struct form *f, const char *key)
{
	for (size_t i = 0; i < f->n; i++)
		if (strcmp(f->v[i].key, key) == 0)
			return &f->v[i];
	return NULL;
}

const char *form_get(const struct form *f, const char *key)
{
	const struct form_field *x = form_field_get(f, key);
	return x ? x->value : NULL;
}

const char *cookie_get(struct arena *a, const char *header, const char *name)
{
	if (!header)
		return NULL;
	size_t nlen = strlen(name);
	const char *p = header;
	while (*p) {
		while (*p == ' ' || *p == ';')
			p++;
		const char *end = strchr(p, ';');
		if (!end)
			end = p + strlen(p);
		const char *eq = memchr(p, '=', (size_t)(end - p));
		if (eq && (size_t)(eq - p) == nlen && memcmp(p, name, nlen) == 0) {
			const char *v = eq + 1;
			size_t vlen = (size_t)(end - v);
			while (vlen && v[vlen - 1] == ' ')
				vlen--;
			if (vlen >= 2 && v[0] == '"' && v[vlen - 1] == '"')
				v++, vlen -= 2;
			return arena_strndup(a, v, vlen);
		}
		p = end;
	}
	return NULL;
}

long long parse_id(const char *s)
{
	if (!s || !*s || strlen(s) > 16)
		return 0;
	long long v = 0;
	for (const char *p = s; *p; p++) {
		if (*p < '0' || *p > '9')
			return 0;
		v = v * 10 + (*p - '0');
	}
	if (v <= 0 || v > (1LL << 53))
		return 0;
	return v;
}

int valid_date(const char *s)
{
	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return 0;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return 0;
	int y = atoi(s), m = atoi(s + 5), d = atoi(s + 8);
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (y < 1900 || y > 2200 || m < 1 || m > 12 || d < 1)
		return 0;
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	int max = mdays[m - 1] + (m == 2 && leap);
	return d <= max;
}

/* Finds needle (n bytes) in hay (len bytes). */
static const char *find(const char *hay, size_t len, const char *needle, size_t n)
{
	if (n == 0 || len < n)
		return NULL;
	for (const char *p = hay; p + n <= hay + len; p++) {
		p = memchr(p, needle[0], (size_t)(hay + len - p));
		if (!p || p + n > hay + len)
			return NULL;
		if (!memcmp(p, needle, n))
			return p;
	}
	return NULL;
}

/* Copies the value of param (e.g. "name") from a header line into out. */
static int header_param(const char *h, size_t len, const char *param, char *out, size_t outlen)
{
	char pat[32];
	snprintf(pat, sizeof pat, "%s=\"", param);
	/* the parameter itself, not the same letters inside another one's
	 * name or quoted value ("filename=" holds name=, a field may be
	 * called "filename="): the next match after a space or ';' */
	const char *p = h, *end = h + len;
	for (;;) {
		p = find(p, (size_t)(end - p), pat, strlen(pat));
		if (!p)
			return -1;
		if (p == h || p[-1] == ' ' || p[-1] == ';')
			break;
		p++;
	}
	p += strlen(pat);
	const char *e = memchr(p, '"', (size_t)(h + len - p));
	if (!e || (size_t)(e - p) >= outlen)
		return -1;
	memcpy(out, p, (size_t)(e - p));
	out[e - p] = '\0';
	return 0;
}

int form_parse_multipart(struct form *f, struct form *files, struct arena *a, const char *content_type,
    const char *s, size_t len)
{
	const char *b = content_type ? strstr(content_type, "boundary=") : NULL;
	if (!b)
		return -1;
	b += 9;
	char delim[80] = "\r\n--";
	size_t bl = strcspn(b, "\"; ");
	if (*b == '"')
		b++, bl = strcspn(b, "\"");
	if (bl == 0 || bl > 70)
		return -1;
	memcpy(delim + 4, b, bl);
	delim[4 + bl] = '\0';
	size_t dl = 4 + bl;
	/* the first delimiter may open the body without the leading CRLF */
	const char *p = len >= dl - 2 && !memcmp(s, delim + 2, dl - 2) ? s + dl - 2 : find(s, len, delim, dl);
	if (!p)
		return -1;
	if (p != s + dl - 2)
		p += dl;
	const char *end = s + len;
	while (p + 2 <= end) {
		if (!memcmp(p, "--", 2))
			return 0;	/* the closing delimiter */
		if (memcmp(p, "\r\n", 2))
			return -1;
		p += 2;
		const char *hend = find(p, (size_t)(end - p), "\r\n\r\n", 4);
		if (!hend)
			return -1;
		char name[100], filename[200];
		if (header_param(p, (size_t)(hend - p), "name", name, sizeof name) < 0)
			return -1;
		int is_file = header_param(p, (size_t)(hend - p), "filename", filename, sizeof filename) == 0;
		const char *body = hend + 4;
		const char *next = find(body, (size_t)(end - body), delim, dl);
		if (!next)
			return -1;
		size_t n = (size_t)(next - body);
		if (!text_is_clean(name, strlen(name)))
			return -1;
		struct form *to = is_file ? files : f;
		if (f->n + files->n >= FORM_MAX_FIELDS)
			return -1;
		int cleaned = 0;
		char *v;
		if (is_file) {	/* raw bytes: the file's reader checks its own format */
			v = arena_alloc(a, n + 1);
			memcpy(v, body, n);
			v[n] = '\0';
		} else if (!(v = text_clean(a, body, n, &n, &cleaned))) {
			return -1;
		}
		field_push(to, a, arena_strdup(a, name), v, n, cleaned);
		p = next + dl;
	}
	return -1;
}

int parse_number(const char *s, int decimals, double *out)
{
	if (!s)
		return -1;
	double v = 0, scale = 1;
	int digits = 0, after = -1, neg = 0;
	const unsigned char *p = (const unsigned char *)s;
	while (*p == ' ')
		p++;
	if (*p == '-')
		neg = 1, p++;
	for (; *p; p++) {
		if (*p >= '0' && *p <= '9') {
			if (after >= 0 && ++after > decimals)
				return -1;
			v = v * 10 + (*p - '0');
			if (after > 0)
				scale *= 10;
			digits++;
		} else if ((*p == ',' || *p == '.') && after < 0 && digits) {
			after = 0;
		} else if (*p == ' ' && after < 0) {
			continue;	/* a digit group */
		} else if (p[0] == 0xC2 && p[1] == 0xA0 && after < 0) {
			p++;	/* U+00A0 no-break space */
		} else if (p[0] == 0xE2 && p[1] == 0x80 && p[2] == 0xAF && after < 0) {
			p += 2;	/* U+202F narrow no-break space */
		} else {
			return -1;
		}
	}
	if (!digits || after == 0)
		return -1;
	*out = (neg ? -v : v) / scale;
	return 0;
}

/* form_read.c - the one reader: a request's fields, described in
 * formdefs.c, into typed values and Swedish errors at the fields. */
#include "formdef.h"
#include "http.h"
#include "date.h"
#include "import_values.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>


size_t utf8_chars(const char *s)
{
	size_t n = 0;
	for (const unsigned char *p = (const unsigned char *)s; p && *p; p++)
		n += (*p & 0xC0) != 0x80;	/* count every byte that starts a character */
	return n;
}

int form_date(const char *s, const char *today, char out[11])
{
	out[0] = '\0';
	if (!s)
		return -1;
	while (*s == ' ')
		s++;
	size_t n = strlen(s);
	while (n && s[n - 1] == ' ')
		n--;
	if (n == 0 || n > 20)
		return -1;
	char tmp[24];
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	const char *slash = strchr(tmp, '/');
	if (!slash) {
		/* ÅÅÅÅ-MM-DD or ÅÅÅÅMMDD; iv_date also reads Excel serial days,
		 * which no one types into a form: 8 digits or a dash only */
		if (!(n == 8 && strspn(tmp, "0123456789") == 8) && !(n == 10 && tmp[4] == '-'))
			return -1;
		return iv_date(tmp, out);
	}
	/* D/M alone: this year */
	size_t after = strspn(slash + 1, "0123456789");
	if (slash[1 + after] == '\0' && after > 0) {
		if (n + 5 >= sizeof tmp)
			return -1;
		snprintf(tmp + n, sizeof tmp - n, " %.4s", today);
	}
	if (iv_date(tmp, out) < 0)
		return -1;
	return 0;
}

int form_time(const char *s, char out[6])
{
	out[0] = '\0';
	if (!s)
		return -1;
	int h = -1, m = -1, k = 0;
	size_t n = strlen(s);
	if (n == 4 && strspn(s, "0123456789") == 4)
		h = (s[0] - '0') * 10 + s[1] - '0', m = (s[2] - '0') * 10 + s[3] - '0';
	else if (sscanf(s, "%2d%*[:.]%2d%n", &h, &m, &k) != 2 || (size_t)k != n || !(s[0] >= '0' && s[0] <= '9') ||
	    strspn(s, "0123456789") > 2 || strspn(s + strcspn(s, ":.") + 1, "0123456789") != 2)
		return -1;
	if (h < 0 || h > 23 || m < 0 || m > 59)
		return -1;
	snprintf(out, 6, "%02d:%02d", h, m);
	return 0;
}

/* Returns label with its first letter in lower case (ASCII only), for
 * "Fyll i förnamn". Arena-owned. */
static const char *lower_first(struct req *r, const char *label)
{
	char *s = arena_strdup(&r->arena, label);
	if (s[0] >= 'A' && s[0] <= 'Z')
		s[0] = (char)(s[0] - 'A' + 'a');
	return s;
}

/* Writes a number as Swedes do ("5", "0,5", "100 000") into the arena. */
static const char *sv_number(struct req *r, double v)
{
	char raw[64];
	snprintf(raw, sizeof raw, "%.10g", v);
	char *comma = strchr(raw, '.');
	if (comma)
		*comma = ',';
	size_t intlen = comma ? (size_t)(comma - raw) : strlen(raw);
	int neg = raw[0] == '-';
	struct buf b;
	buf_init(&b);
	for (size_t i = 0; i < intlen; i++) {
		buf_putc(&b, raw[i]);
		size_t left = intlen - i - 1;
		if (left && left % 3 == 0 && !(neg && i == 0) && intlen - neg > 4)
			buf_putc(&b, ' ');
	}
	if (comma)
		buf_puts(&b, comma);
	const char *out = arena_strdup(&r->arena, b.data);
	buf_free(&b);
	return out;
}

/* What a date field says when it is not a date (or empty and required). */
#define DATE_MSG "Ange datum som ÅÅÅÅ-MM-DD, ÅÅÅÅMMDD, D/M eller D/M ÅÅÅÅ (till exempel 9/12), och ett datum som finns."

/* Reads and checks one field into v at i; errors are recorded at key. */
static void read_field(struct req *r, const struct fdef *f, struct fvals *v, size_t i, const char *today,
    const char *key)
{
	if (f->kind == FK_PASSWORD) {	/* spaces are part of a password */
		v->raw[i] = NULL;	/* never shown again */
		v->val[i] = form_get(&r->form, f->name);
		return;
	}
	const char *raw = http_param(r, f->name);
	v->raw[i] = raw;
	int empty = !raw || !*raw;
	const struct form_field *sent = form_field_get(r->is_post ? &r->form : &r->query, f->name);
	if (sent && sent->cleaned) {	/* shown back without them, not stored */
		view_error(r, key, "Texten innehöll osynliga styrtecken (till exempel för textriktning) som inte kan sparas. "
		    "De är borttagna: kontrollera texten och spara igen.");
		return;
	}
	if (f->kind == FK_CHECK) {
		v->num[i] = !empty;
		v->val[i] = empty ? NULL : "1";
		return;
	}
	if (empty) {
		if (f->required)
			view_error(r, key, f->required_msg ? f->required_msg : f->kind == FK_DATE ? DATE_MSG :
			    f->kind == FK_CHOICE || f->kind == FK_REF || f->kind == FK_YESNO ?
			    arena_printf(&r->arena, "Välj %s.", lower_first(r, f->label)) :
			    arena_printf(&r->arena, "Fyll i %s.", lower_first(r, f->label)));
		return;
	}
	switch (f->kind) {
	case FK_TEXT:
	case FK_TEXTAREA: {
		size_t max = f->max_chars ? (size_t)f->max_chars : f->kind == FK_TEXT ? FORM_TEXT_MAX : FORM_TEXTAREA_MAX;
		size_t n = utf8_chars(raw);
		if (n > max)
			view_error(r, key, arena_printf(&r->arena, "%s får vara högst %zu tecken (nu %zu).", f->label, max, n));
		else if (f->min_chars && n < (size_t)f->min_chars)
			view_error(r, key, arena_printf(&r->arena, "%s ska vara minst %d tecken.", f->label, f->min_chars));
		else
			v->val[i] = raw;
		return;
	}
	case FK_DATE: {
		char d[11];
		if (form_date(raw, today, d) < 0)
			view_error(r, key, f->bad_msg ? f->bad_msg : DATE_MSG);
		else
			v->val[i] = arena_strdup(&r->arena, d);
		return;
	}
	case FK_DATES: {
		/* parts separated by , ; or a line break; a part without '/' may
		 * hold several dates separated by spaces ("2026-01-01 2026-06-01") */
		struct buf out;
		buf_init(&out);
		int ok = 1;
		const char *p = raw;
		while (*p && ok) {
			size_t n = strcspn(p, ",;\r\n");
			char *part = arena_strndup(&r->arena, p, n);
			int slash = strchr(part, '/') != NULL;
			for (char *q = part; *q && ok;) {
				while (*q == ' ')
					q++;
				size_t k = slash ? strlen(q) : strcspn(q, " ");
				if (!k)
					break;
				char one[11];
				char *piece = arena_strndup(&r->arena, q, k);
				if (form_date(piece, today, one) < 0)
					ok = 0;
				else
					buf_printf(&out, "%s%s", out.len ? ", " : "", one);
				q += k;
			}
			p += n;
			while (*p == ',' || *p == ';' || *p == '\r' || *p == '\n')
				p++;
		}
		if (!ok)
			view_error(r, key, f->bad_msg ? f->bad_msg : "Skriv datumen som ÅÅÅÅ-MM-DD eller D/M, åtskilda med "
			    "kommatecken, och datum som finns.");
		else if (out.len)
			v->val[i] = arena_strdup(&r->arena, out.data);
		buf_free(&out);
		return;
	}
	case FK_TIME: {
		char t[6];
		if (form_time(raw, t) < 0)
			view_error(r, key, f->bad_msg ? f->bad_msg : "Skriv klockslaget som TT:MM, till exempel 13:30.");
		else
			v->val[i] = arena_strdup(&r->arena, t);
		return;
	}
	case FK_NUMBER: {
		double n;
		int ranged = f->min != 0 || f->max != 0;
		if (parse_number(raw, f->decimals, &n) < 0 || (ranged && (n < f->min || n > f->max))) {
			view_error(r, key, f->bad_msg ? f->bad_msg : ranged ?
			    arena_printf(&r->arena, "%s: ange ett %s mellan %s och %s.", f->label, f->decimals ? "tal" : "heltal",
			    sv_number(r, f->min), sv_number(r, f->max)) :
			    arena_printf(&r->arena, "%s: ange ett %s.", f->label, f->decimals ? "tal" : "heltal"));
			return;
		}
		v->num[i] = n;
		v->val[i] = arena_printf(&r->arena, "%.*f", f->decimals, n);
		return;
	}
	case FK_CHOICE:
		if (!*fchoice_label(f->choices, raw)) {
			view_error(r, key, f->bad_msg ? f->bad_msg : arena_printf(&r->arena, "Välj %s i listan.", lower_first(r, f->label)));
			return;
		}
		v->val[i] = raw;
		return;
	case FK_REF: {
		long long id = parse_id(raw);
		if (!id) {
			view_error(r, key, f->bad_msg ? f->bad_msg : arena_printf(&r->arena, "Välj %s i listan.", lower_first(r, f->label)));
			return;
		}
		v->num[i] = (double)id;
		v->val[i] = raw;
		return;
	}
	case FK_YESNO:
		if (strcmp(raw, "1") && strcmp(raw, "0")) {
			view_error(r, key, f->bad_msg ? f->bad_msg : arena_printf(&r->arena, "%s: välj ja eller nej.", f->label));
			return;
		}
		v->num[i] = raw[0] == '1';
		v->val[i] = raw;
		return;
	case FK_CHECK:
	case FK_PASSWORD:
		return;
	}
}

/* form_read with errors at NAME-suffix when suffix is not NULL. */
static struct fvals *read_form(struct req *r, const struct formdef *d, const char *suffix)
{
	size_t n = 0;
	while (d->fields[n].name)
		n++;
	struct fvals *v = arena_alloc(&r->arena, sizeof *v);
	v->def = d;
	v->raw = arena_alloc(&r->arena, (n + 1) * sizeof *v->raw);
	v->val = arena_alloc(&r->arena, (n + 1) * sizeof *v->val);
	v->num = arena_alloc(&r->arena, (n + 1) * sizeof *v->num);
	char today[11];
	date_today(today);
	for (size_t i = 0; i < n; i++) {
		v->raw[i] = v->val[i] = NULL;
		v->num[i] = 0;
		const char *key = suffix ? arena_printf(&r->arena, "%s-%s", d->fields[i].name, suffix) : d->fields[i].name;
		read_field(r, &d->fields[i], v, i, today, key);
	}
	return v;
}

struct fvals *form_read(struct req *r, const struct formdef *d)
{
	return read_form(r, d, NULL);
}

struct fvals *form_read_keyed(struct req *r, const struct formdef *d, const char *suffix)
{
	return read_form(r, d, suffix);
}

struct fvals *form_read_row(struct req *r, const struct formdef *d, long long row)
{
	return read_form(r, d, arena_printf(&r->arena, "%lld", row));
}

/* Returns the index of name in v's form, or -1. */
static long index_of(const struct fvals *v, const char *name)
{
	for (long i = 0; v && v->def->fields[i].name; i++)
		if (!strcmp(v->def->fields[i].name, name))
			return i;
	return -1;
}

const char *fv_str(const struct fvals *v, const char *name)
{
	long i = index_of(v, name);
	return i < 0 ? NULL : v->val[i];
}

const char *fv_text(const struct fvals *v, const char *name)
{
	const char *s = fv_str(v, name);
	return s ? s : "";
}

double fv_num(const struct fvals *v, const char *name)
{
	long i = index_of(v, name);
	return i < 0 ? 0 : v->num[i];
}

const char *form_date_param(struct req *r, const char *name, int *bad)
{
	const char *s = http_param(r, name);
	char today[11], out[11];
	*bad = 0;
	if (!s || !*s)
		return NULL;
	date_today(today);
	if (form_date(s, today, out) < 0) {
		*bad = 1;
		return s;
	}
	return arena_strdup(&r->arena, out);
}

#define _GNU_SOURCE	/* memmem */
/* import.c - reads a statusrapport CSV into the register: the file we
 * export, or one a programme kept by hand since its start in the seed's
 * layout (values read as a person writes them, import_values.h). Every row
 * is read first; errors are listed by row and cell and nothing is written.
 * Then each row is matched against the register (same district, same
 * move-in date, same Personkod name and sex, an age that fits the years
 * between), so a second file of the same district updates what changed
 * and creates nothing twice; the same file again changes nothing. */
#include "import.h"
#include "scope.h"
#include "audit.h"
#include "csv.h"
#include "date.h"
#include "db.h"
#include "form.h"
#include "import_values.h"
#include "register.h"
#include "statusrapport.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define NOTE_MAX 4000	/* bytes of a kept note; longer ones end in "…" (STATUS_CELL_MAX) */

/* One row read from the file. Strings are malloc'd copies. */
struct irow {
	int line;
	char *code;	/* as written, trimmed */
	char name[64], sex;	/* the code's name part (normalised) and sex */
	int age, suffix;
	char move_in[11], takeover[11], end_date[11], contact[11];
	char end_reason[16], end_ground[16];
	char *end_note, *import_note;
	char unknown_after[11];	/* our export's "uppgift saknas efter ÅÅÅÅ-MM-DD" */
	long long ordinal;
	int group_b, insats, housed;	/* housed: 1 ja, 0 ended, -1 uppgift saknas */
};

struct ctx {
	struct import_result *res;
	int phase;	/* 0 before the heading row, 1 after it, 2 after the data */
	int year;
	char y0[11], d[11];
	struct irow *rows;
	size_t n, cap;
	/* tenancies and persons this run matched or made: one row of a file
	 * never matches what another row of the same file stands for */
	long long *taken;
	size_t ntaken, taken_cap;
};

/* Returns 1 when id is in the run's taken set. */
static int is_taken(const struct ctx *c, long long id)
{
	for (size_t i = 0; i < c->ntaken; i++)
		if (c->taken[i] == id)
			return 1;
	return 0;
}

/* Adds id (a tenancy id, or a person id negated) to the taken set. */
static void take(struct ctx *c, long long id)
{
	if (c->ntaken == c->taken_cap)
		c->taken = xrealloc(c->taken, (c->taken_cap = c->taken_cap ? c->taken_cap * 2 : 64) * sizeof *c->taken);
	c->taken[c->ntaken++] = id;
}


static const char *const col_names[STATUS_COLS] = { "Personkod", "inflytt", "första gången?", "bor kvar", "utflyttad",
	"anledning", "avliden", "fortsatt insats soc", "om ej insats", "kontakt m team", "utflyttad", "anledning", "avliden",
	"annan info" };

static char *dup(const char *s)
{
	return s && *s ? xstrdup(s) : NULL;
}

/* Returns how many bytes of s (at most max) end on a character boundary:
 * a value cut for a message or a note must stay UTF-8. */
static int utf8_cut(const char *s, size_t max)
{
	size_t n = strlen(s);
	if (n > max) {
		n = max;
		while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
			n--;
	}
	return (int)n;
}

/* Copies s into out (n bytes), cut at a character boundary with "…" when
 * it does not fit. */
static void copy_text(char *out, size_t n, const char *s)
{
	size_t len = strlen(s);
	if (len < n) {
		memcpy(out, s, len + 1);
		return;
	}
	len = (size_t)utf8_cut(s, n - 4);	/* room for the ellipsis and the NUL */
	memcpy(out, s, len);
	memcpy(out + len, "\xE2\x80\xA6", 4);
}

/* Adds "Rad N, <column> (A7): <what> (värdet: "<value>")." */
static void err(struct ctx *c, int line, int col, const char *value, const char *what)
{
	if (c->res->nerrors++ >= 200)
		return;	/* enough to go on with */
	buf_printf(&c->res->errors, "Rad %d", line);
	if (col >= 0)
		buf_printf(&c->res->errors, ", %s (%c%d)", col_names[col], 'A' + col, line);
	buf_printf(&c->res->errors, ": %s", what);
	if (value)
		buf_printf(&c->res->errors, " Värdet är \"%.*s\".", utf8_cut(value, 80), value);
	buf_putc(&c->res->errors, '\n');
}

/* A date cell: "" stays empty (returns 0), else it must read. */
static int date_cell(struct ctx *c, int line, int col, const char *v, char out[11])
{
	out[0] = '\0';
	if (!*v)
		return 0;
	if (iv_date(v, out) < 0 || strcmp(out, c->d) > 0) {
		err(c, line, col, v, "Skriv ett datum senast 31/12 det år filen gäller: ÅÅÅÅ-MM-DD, ÅÅÅÅMMDD eller D/M ÅÅÅÅ.");
		out[0] = '\0';
		return -1;
	}
	return 0;
}

/* Reads one group's end: utflyttad, anledning, avliden (columns c0..c0+2). */
static void read_end(struct ctx *c, struct irow *row, const char *const v[], int c0)
{
	char moved[11], died[11];
	date_cell(c, row->line, c0, v[c0], moved);
	date_cell(c, row->line, c0 + 2, v[c0 + 2], died);
	const char *reason = v[c0 + 1];
	if (*moved && *died) {
		err(c, row->line, c0, v[c0], "Fyll i antingen utflyttad eller avliden, inte båda.");
		return;
	}
	if (*died) {
		memcpy(row->end_date, died, 11);
		strcpy(row->end_reason, "deceased");
		return;
	}
	if (!*moved) {
		if (*reason)
			err(c, row->line, c0 + 1, reason, "En anledning utan utflyttningsdatum: fyll i utflyttad.");
		return;
	}
	memcpy(row->end_date, moved, 11);
	char note[NOTE_MAX];
	if (!*reason || iv_reason(reason, row->end_reason, row->end_ground, note, sizeof note) < 0 ||
	    !strcmp(row->end_reason, "deceased")) {
		err(c, row->line, c0 + 1, reason, "Anledning ska vara vräkt (gärna med skäl: störningar, hyresskuld), ville eller annat (gärna \"annat: text\").");
		row->end_reason[0] = '\0';
		return;
	}
	row->end_note = dup(note);
}

/* Returns the year written after the first "Avseende år" in s[0..len)
 * (any case of the A, with or without the colon; never read past len), or
 * 0. The year is read once, for the whole file: the dates are read against
 * its 31/12, and a second label further down (a pasted heading) must not
 * change the year the ages are counted in. */
static int label_year(const char *s, size_t len)
{
	static const char tail[] = "vseende år";	/* "Avseende år", "avseende år" */
	const char *end = s + len;
	for (const char *p = s; p < end;) {
		const char *at = memmem(p, (size_t)(end - p), tail, strlen(tail));
		if (!at)
			return 0;
		p = at + strlen(tail);
		if (at == s || (at[-1] != 'A' && at[-1] != 'a'))
			continue;
		while (p < end && (*p == ' ' || *p == ':'))
			p++;
		int y = 0, digits = 0;
		for (; p < end && *p >= '0' && *p <= '9' && digits < 5; p++, digits++)
			y = y * 10 + (*p - '0');
		if (digits == 4)
			return y;
	}
	return 0;
}



/* Returns a malloc'd UTF-8 copy of Windows-1252 text (what Swedish Excel
 * saves as "CSV (semikolonavgränsad)"), its length in *out_len; NULL when
 * a byte is not a Windows-1252 character. */
static char *from_cp1252(const char *s, size_t len, size_t *out_len)
{
	static const unsigned short high[32] = { 0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030,
		0x0160, 0x2039, 0x0152, 0, 0x017D, 0, 0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122,
		0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178 };
	struct buf b;
	buf_init(&b);
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)s[i];
		unsigned cp = ch < 0x80 ? ch : ch < 0xA0 ? high[ch - 0x80] : ch;
		if (!cp && ch) {
			buf_free(&b);
			return NULL;
		}
		if (cp < 0x80) {
			buf_putc(&b, (char)cp);
		} else if (cp < 0x800) {
			buf_putc(&b, (char)(0xC0 | (cp >> 6)));
			buf_putc(&b, (char)(0x80 | (cp & 0x3F)));
		} else {
			buf_putc(&b, (char)(0xE0 | (cp >> 12)));
			buf_putc(&b, (char)(0x80 | ((cp >> 6) & 0x3F)));
			buf_putc(&b, (char)(0x80 | (cp & 0x3F)));
		}
	}
	return buf_take(&b, out_len);
}

static int on_record(void *vc, int line, char **cell, size_t n)
{
	struct ctx *c = vc;
	const char *v[STATUS_COLS];
	int empty = 1;
	for (size_t i = 0; i < STATUS_COLS; i++) {
		char *x = i < n ? (char *)csv_unformula(cell[i]) : (char *)"";
		while (*x == ' ' || *x == '\t')
			x++;
		size_t len = strlen(x);
		while (len && (x[len - 1] == ' ' || x[len - 1] == '\t'))
			x[--len] = '\0';
		v[i] = x;
		if (*x)
			empty = 0;
	}
	for (size_t i = STATUS_COLS; i < n; i++)
		if (*cell[i])
			empty = 0;
	if (c->phase == 0) {
		if (!strcasecmp(v[0], "Personkod"))
			c->phase = 1;
		return 0;
	}
	if (c->phase == 2)
		return 0;
	if (!strncasecmp(v[0], "namn-", 5))
		return 0;	/* the hint row under the headings */
	if (empty) {
		c->phase = 2;	/* the rules follow an empty row */
		return 0;
	}
	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 64;
		c->rows = xrealloc(c->rows, c->cap * sizeof *c->rows);
	}
	struct irow *row = &c->rows[c->n++];
	memset(row, 0, sizeof *row);
	row->line = line;
	row->housed = 1;
	if (iv_personkod(v[0], row->name, &row->age, &row->sex, &row->suffix) < 0)
		err(c, line, 0, v[0], "Personkod ska vara namn-ålder-kön, t.ex. Doris-62-K eller ANBE-45-K.");
	else
		row->code = dup(v[0]);
	if (!*v[1] || date_cell(c, line, 1, v[1], row->move_in) < 0 || !*row->move_in) {
		if (!*v[1])
			err(c, line, 1, NULL, "Inflyttningsdatum saknas.");
	}
	if (iv_ordinal(v[2], &row->ordinal) < 0)
		err(c, line, 2, v[2], "Första gången? ska vara ja, eller nej och vilken gång: \"nej, 2\", \"2\" eller \"2:a\".");
	/* group B: any of its columns filled, but a note alone is a note */
	for (int i = 7; i < STATUS_COLS - 1; i++)
		if (*v[i])
			row->group_b = 1;
	if (!strncmp(v[13], "Övertaget", strlen("Övertaget")))
		row->group_b = 1;
	const char *info = v[13];
	if (!row->group_b) {
		int yn = iv_yes_no(v[3]);
		read_end(c, row, v, 4);
		if (yn < 0 && !strcasecmp(v[3], "uppgift saknas") && !*row->end_date)
			row->housed = -1;
		else if (yn < 0 && !(*v[3] == '\0' && *row->end_date))
			err(c, line, 3, v[3], "Bor kvar ska vara ja eller nej.");
		else if (yn == 1 && *row->end_date)
			err(c, line, 3, v[3], "Bor kvar = ja, men utflyttad eller avliden är ifylld.");
		else if (yn == 0 && !*row->end_date)
			err(c, line, 3, v[3], "Bor kvar = nej: fyll i utflyttad eller avliden.");
		if (*row->end_date)
			row->housed = 0;
	} else {
		/* people fill both groups: group B wins; group A's end counts only
		 * when group B has none */
		read_end(c, row, v, 10);
		if (!*row->end_date && (*v[4] || *v[6]))
			read_end(c, row, v, 4);
		if (*row->end_date)
			row->housed = 0;
		/* "uppgift saknas" is what our own export says after an import's 31/12 */
		row->insats = *v[7] && strcasecmp(v[7], "uppgift saknas") ? iv_yes_no(v[7]) : 0;
		if (row->insats < 0)
			err(c, line, 7, v[7], "Fortsatt insats soc ska vara ja eller nej.");
		if (*v[8] && iv_yes_no(v[8]) < 0)
			err(c, line, 8, v[8], "Om ej insats ska vara ja eller nej.");
		date_cell(c, line, 9, v[9], row->contact);
		if (!strncmp(info, "Övertaget", strlen("Övertaget"))) {
			const char *t = info + strlen("Övertaget");
			while (*t == ' ' || *t == ':')
				t++;
			char word[24];
			size_t k = strcspn(t, ";,");
			snprintf(word, sizeof word, "%.*s", (int)(k < sizeof word - 1 ? k : sizeof word - 1), t);
			if (iv_date(word, row->takeover) < 0 || strcmp(row->takeover, c->d) > 0 ||
			    (*row->move_in && strcmp(row->takeover, row->move_in) < 0)) {
				err(c, line, 13, info, "\"Övertaget\" ska följas av överlåtelsens datum, mellan inflyttningen och 31/12.");
				row->takeover[0] = '\0';
			}
			info = t + k;
			while (*info == ';' || *info == ',' || *info == ' ')
				info++;
		} else {	/* not in the file: within the year, and not after the end */
			memcpy(row->takeover, *row->end_date && strcmp(row->end_date, c->d) < 0 ? row->end_date : c->d, 11);
		}
	}
	if (*row->end_date && *row->move_in && strcmp(row->end_date, row->move_in) < 0)
		err(c, line, row->group_b ? 10 : 4, row->end_date, "Slutdatumet är före inflyttningen.");
	/* our own export says where its knowledge ended */
	const char *marker = strstr(info, "uppgift saknas efter ");
	if (marker) {
		char word[11];
		snprintf(word, sizeof word, "%s", marker + strlen("uppgift saknas efter "));
		if (iv_date(word, row->unknown_after) < 0)
			row->unknown_after[0] = '\0';
		size_t at = (size_t)(marker - info);
		char *rest = xstrdup(info);
		const char *after = marker + strlen("uppgift saknas efter ") + strlen(word);
		while (*after == ';' || *after == ' ')
			after++;
		while (at > 0 && (rest[at - 1] == ' ' || rest[at - 1] == ';'))
			at--;
		snprintf(rest + at, strlen(rest) + 1 - at, "%s%s", at && *after ? "; " : "", after);
		char note[NOTE_MAX];
		copy_text(note, sizeof note, rest);
		free(rest);
		row->import_note = dup(note);
		return 0;
	}
	char note[NOTE_MAX];
	copy_text(note, sizeof note, info);
	row->import_note = dup(note);
	return 0;
}

static void free_rows(struct ctx *c)
{
	free(c->taken);
	for (size_t i = 0; i < c->n; i++) {
		free(c->rows[i].code);
		free(c->rows[i].end_note);
		free(c->rows[i].import_note);
	}
	free(c->rows);
}

/* Returns 1 when stored (a person's Personkod) names the row's person:
 * the same name part, sex and suffix, and an age that fits: the file's
 * age (on its 31/12) is the stored one (given at the first move-in or in
 * an earlier file) plus at most the years since the move-in. */
static int same_code(const struct ctx *c, const struct irow *row, const char *stored, const char *move_in)
{
	char name[64], sex;
	int age, suffix;
	if (!stored || iv_personkod(stored, name, &age, &sex, &suffix) < 0)
		return 0;
	int years = c->year - atoi(move_in);
	/* the file may not carry a suffix the register gave for a clash elsewhere */
	return !strcmp(name, row->name) && sex == row->sex && (!row->suffix || suffix == row->suffix) &&
	    row->age - age >= -1 && row->age - age <= years + 1;
}

/* What the register holds for a matched tenancy. */
struct found {
	long long tenancy, person;
	char takeover[11], end_date[11], end_reason[16], known_until[11], support_until[11];
	char *import_note;	/* malloc'd */
	int imported;
};

/* Finds the row's tenancy: district (the person's on the file's 31/12: a
 * person transferred since is still found in the old district's file),
 * move-in, sex, same Personkod. 1 found, 0 not, -1 error. */
static int find_tenancy(const struct ctx *c, const struct irow *row, long long district, struct found *f)
{
	static const char sql[] = "SELECT t.id, t.person_id, p.personkod, t.takeover_date, t.end_date, t.end_reason, "
	    "t.known_until, t.imported, t.import_support_until, t.import_note FROM tenancies t JOIN persons p ON p.id = t.person_id "
	    "WHERE t.move_in_date = ? AND " DISTRICT_ON("p", "?") " = ? AND p.sex IS NOT DISTINCT FROM ? ORDER BY t.id";
	dbstmt *st = db_stmt(sql);
	if (!st)
		return -1;
	char sex[2] = { row->sex, 0 }, on[16];
	snprintf(on, sizeof on, "%04d-12-31", c->year);
	db_bindf(st, "ttit", row->move_in, on, district, sex);
	int rc, hit = 0;
	while (!hit && (rc = db_step(st)) == DB_ROW) {
		if (is_taken(c, db_col_int64(st, 0)) ||
		    !same_code(c, row, db_col_str(st, 2), row->move_in))
			continue;
		memset(f, 0, sizeof *f);
		f->tenancy = db_col_int64(st, 0);
		f->person = db_col_int64(st, 1);
		snprintf(f->takeover, sizeof f->takeover, "%s", db_col_text(st, 3));
		snprintf(f->end_date, sizeof f->end_date, "%s", db_col_text(st, 4));
		snprintf(f->end_reason, sizeof f->end_reason, "%s", db_col_text(st, 5));
		snprintf(f->known_until, sizeof f->known_until, "%s", db_col_text(st, 6));
		f->imported = db_col_int(st, 7);
		snprintf(f->support_until, sizeof f->support_until, "%s", db_col_text(st, 8));
		f->import_note = xstrdup(db_col_text(st, 9));
		hit = 1;
	}
	db_done(st);
	return hit ? 1 : rc == DB_DONE ? 0 : -1;
}

/* Finds the row's person among the district's (a second chance of one
 * already in the register): same code, a birth year that fits. Returns
 * the id, 0 when none, -1 on error. */
static long long find_person(const struct ctx *c, const struct irow *row, long long district)
{
	static const char sql[] = "SELECT id, personkod, birth_date FROM persons WHERE district_id = ? AND sex IS NOT DISTINCT FROM ? "
	    "AND personkod IS NOT NULL";
	dbstmt *st = db_stmt(sql);
	if (!st)
		return -1;
	char sex[2] = { row->sex, 0 };
	db_bindf(st, "it", district, sex);
	long long id = 0;
	int rc;
	while (!id && (rc = db_step(st)) == DB_ROW) {
		char name[64], sx;
		int age, suffix;
		if (is_taken(c, -db_col_int64(st, 0)) || iv_personkod(db_col_text(st, 1), name, &age, &sx, &suffix) < 0 ||
		    strcmp(name, row->name) || (row->suffix && suffix != row->suffix))
			continue;
		int born = atoi(db_col_text(st, 2));
		if (!born || abs((c->year - row->age) - born) <= 1)
			id = db_col_int64(st, 0);
	}
	db_done(st);
	return id ? id : rc == DB_DONE ? 0 : -1;
}

/* Adds a "what happens" line for the dry run and the result page. */
static void change(struct ctx *c, const struct irow *row, const char *what)
{
	if (c->res->nchanges++ >= 500)
		return;
	buf_printf(&c->res->changes, "Rad %d (%s, inflytt %s): %s\n", row->line, row->code, row->move_in, what);
}

/* Compares a matched tenancy with the row and writes what is new (unless
 * dry). Returns 0, 1 (a contradiction: listed as an error) or -1. */
static int update_tenancy(struct ctx *c, const struct irow *row, const struct found *f, long long uid, int dry)
{
	static const char end_sql[] = "UPDATE tenancies SET end_date = ?, end_reason = ?, end_ground = ?, end_note = ?, "
	    "known_until = NULL, version = version + 1, updated_at = ?, updated_by = ? WHERE id = ? AND end_date IS NULL";
	static const char takeover_sql[] = "UPDATE tenancies SET takeover_date = ?, version = version + 1, updated_at = ?, "
	    "updated_by = ? WHERE id = ? AND takeover_date IS NULL";
	static const char known_sql[] = "UPDATE tenancies SET known_until = ?, version = version + 1, updated_at = ?, "
	    "updated_by = ? WHERE id = ? AND imported = 1 AND end_date IS NULL";
	static const char support_sql[] = "UPDATE tenancies SET import_support_until = ?, version = version + 1, "
	    "updated_at = ?, updated_by = ? WHERE id = ? AND imported = 1";
	static const char note_sql[] = "UPDATE tenancies SET import_note = ?, version = version + 1, updated_at = ?, "
	    "updated_by = ? WHERE id = ?";
	long long now = now_unix();
	int ended_before = *f->end_date && strcmp(f->end_date, c->d) <= 0;
	if (row->housed == 1 && ended_before) {
		err(c, row->line, 3, NULL, "Filen säger att personen bor kvar, men registret har redan ett slut på boendet "
		    "före filens 31/12. Rätta filen eller boendet.");
		return 1;
	}
	if (row->housed == 0 && *f->end_date && strcmp(f->end_date, row->end_date)) {
		err(c, row->line, row->group_b ? 10 : 4, row->end_date, "Registret har ett annat slutdatum för boendet.");
		return 1;
	}
	struct buf what;
	buf_init(&what);
	int rc = 0;
	if (row->housed == 0 && !*f->end_date) {
		buf_printf(&what, "%s%s %s", what.len ? ", " : "", !strcmp(row->end_reason, "deceased") ? "avliden" : "utflyttad",
		    row->end_date);
		if (!dry && db_execf(end_sql, "teetiui", row->end_date, row->end_reason, row->end_ground,
		    row->end_note ? row->end_note : "", now, uid, f->tenancy) < 0)
			rc = -1;
	}
	if (rc == 0 && row->group_b && *row->takeover && !*f->takeover) {
		buf_printf(&what, "%söverlåtelse %s", what.len ? ", " : "", row->takeover);
		if (!dry && db_execf(takeover_sql, "tiui", row->takeover, now, uid, f->tenancy) < 0)
			rc = -1;
	}
	if (rc == 0 && row->housed == 1 && f->imported && *f->known_until && strcmp(f->known_until, c->d) < 0) {
		buf_printf(&what, "%sbor kvar 31/12 %d", what.len ? ", " : "", c->year);
		if (!dry && db_execf(known_sql, "tiui", c->d, now, uid, f->tenancy) < 0)
			rc = -1;
	}
	if (rc == 0 && row->group_b && row->insats == 1 && f->imported &&
	    (!*f->support_until || strcmp(f->support_until, c->d) < 0)) {
		buf_printf(&what, "%sfortsatt insats 31/12 %d", what.len ? ", " : "", c->year);
		if (!dry && db_execf(support_sql, "tiui", c->d, now, uid, f->tenancy) < 0)
			rc = -1;
	}
	if (rc == 0 && row->import_note && !strstr(f->import_note, row->import_note)) {
		char *note = *f->import_note ? xasprintf("%s; %s", f->import_note, row->import_note) : xstrdup(row->import_note);
		char kept[NOTE_MAX];
		copy_text(kept, sizeof kept, note);
		free(note);
		buf_printf(&what, "%santeckning", what.len ? ", " : "");
		if (!dry && db_execf(note_sql, "tiui", kept, now, uid, f->tenancy) < 0)
			rc = -1;
	}
	if (rc == 0 && what.len) {
		c->res->updated++;
		char *line = xasprintf("%s: %s", dry ? "uppdateras" : "uppdaterades", what.data);
		change(c, row, line);
		free(line);
		if (!dry && audit_log(uid, "import", "tenancy", f->tenancy, f->person) < 0)
			rc = -1;
	} else if (rc == 0) {
		c->res->unchanged++;
	}
	buf_free(&what);
	return rc;
}

/* Matches and writes the rows (or, dry, only counts what would happen).
 * Returns 0, 1 (contradictions listed) or -1. */
static int write_rows(struct ctx *c, long long district, long long uid, int dry)
{
	static const char ins_person[] = "INSERT INTO persons(reserve, birth_date, sex, first_name, last_name, district_id, "
	    "personkod, created_at, created_by, updated_at, updated_by) VALUES(1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
	static const char ins_apartment[] = "INSERT INTO apartments(address, district_id, rooms, area_m2, rent, status, imported, "
	    "created_at, created_by, updated_at, updated_by) VALUES(?, ?, 1, 30, 0, 'blocked', 1, ?, ?, ?, ?)";
	static const char ins_tenancy[] = "INSERT INTO tenancies(person_id, apartment_id, move_in_date, ordinal, ordinal_reason, "
	    "takeover_date, end_date, end_reason, end_ground, end_note, import_note, imported, known_until, "
	    "import_support_until, created_at, created_by, updated_at, updated_by) "
	    "VALUES(?, ?, ?, ?, 'Importerad från statusrapport.', ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?)";
	static const char ins_visit[] = "INSERT INTO visits(person_id, date, kind, met, note, created_at, created_by) "
	    "SELECT ?1, ?2, 'other', 1, 'Kontakt enligt importerad statusrapport.', ?3, ?4 "
	    "WHERE NOT EXISTS (SELECT 1 FROM visits WHERE person_id = ?1 AND date = ?2)";
	long long now = now_unix();
	json_t *persons = json_object();	/* the file's person key -> id (negative: made up by a dry run) */
	int rc = 0, contradictions = 0;
	long long fake = -1;	/* ids of persons a dry run would create */
	for (size_t i = 0; i < c->n && rc >= 0; i++) {
		struct irow *r = &c->rows[i];
		struct found f;
		int hit = find_tenancy(c, r, district, &f);
		if (hit < 0) {
			rc = -1;
			break;
		}
		if (hit) {
			take(c, f.tenancy);
			take(c, -f.person);
			char key[96];
			snprintf(key, sizeof key, "%s/%c/%d/%d", r->name, r->sex, r->age, r->suffix);
			json_object_set_new(persons, key, json_integer(f.person));
			int u = update_tenancy(c, r, &f, uid, dry);
			free(f.import_note);
			if (u < 0)
				rc = -1;
			contradictions += u == 1;
			if (!dry && u == 0 && r->contact[0] && db_execf(ins_visit, "itiu", f.person, r->contact, now, uid) < 0)
				rc = -1;
			continue;
		}
		if (r->housed == -1 && *r->unknown_after && strcmp(r->unknown_after, r->move_in) >= 0) {
			r->housed = 1;	/* our own export: housed until the date it names, unknown after */
		} else if (r->housed == -1) {
			err(c, r->line, 3, "uppgift saknas", "Boendet finns inte i registret, så läget kan inte vara okänt: "
			    "skriv ja, eller nej med utflyttad eller avliden.");
			contradictions++;
			continue;
		}
		char key[96];	/* rows of one file with the same code are one person, however it is spaced */
		snprintf(key, sizeof key, "%s/%c/%d/%d", r->name, r->sex, r->age, r->suffix);
		json_t *pid_j = json_object_get(persons, key);
		long long pid = pid_j ? json_integer_value(pid_j) : find_person(c, r, district);
		if (!pid_j && pid < 0) {
			rc = -1;
			break;
		}
		int new_person = !pid_j && !pid;
		if (!pid_j && pid > 0)
			take(c, -pid);
		if (new_person) {
			c->res->persons++;
			if (dry) {
				pid = fake--;
			} else {
				char birth[16] = "", code[48];
				if (r->age > 0)	/* the middle of the year the age gives: only the year is known */
					snprintf(birth, sizeof birth, "%04d-07-01", (c->year - r->age) % 10000);
				/* the name part as written: "Doris" of Doris-62-K; ours "ANBE" as AN BE */
				char first[64], last[64] = "–";
				size_t k = strcspn(r->code, "-–");
				snprintf(first, sizeof first, "%.*s", (int)(k < 63 ? k : 63), r->code);
				while (k && first[k - 1] == ' ')
					first[--k] = '\0';
				if (strlen(r->name) == 4 && !strcmp(first, r->name)) {
					snprintf(last, sizeof last, "%s", r->name + 2);
					first[2] = '\0';
				}
				char canon[96];
				snprintf(canon, sizeof canon, "%s-%02d-%c%s", first, r->age, r->sex, "");
				if (r->suffix)
					snprintf(canon + strlen(canon), sizeof canon - strlen(canon), "-%d", r->suffix);
				if (strlen(r->name) == 4 && !strcmp(last, r->name + 2))	/* ours: AN + BE */
					snprintf(canon, sizeof canon, "%s-%02d-%c", r->name, r->age, r->sex);
				if (personkod_free(canon, code) < 0 || db_execf(ins_person, "etttitiuiu", birth, (char[2]){ r->sex, 0 },
				    first, last, district, code, now, uid, now, uid) < 0) {
					rc = -1;
					break;
				}
				pid = db_last_id();
				take(c, -pid);
			}
			json_object_set_new(persons, key, json_integer(pid));
		}
		c->res->tenancies++;
		change(c, r, new_person ? "ny person och nytt boende" : "nytt boende för en person som redan finns");
		if (dry || rc < 0)
			continue;
		char address[160];
		snprintf(address, sizeof address, "Importerad lägenhet (%s, inflytt %s)", r->code, r->move_in);
		if (db_execf(ins_apartment, "tiiuiu", address, district, now, uid, now, uid) < 0) {
			rc = -1;
			break;
		}
		long long apt = db_last_id();
		if (db_execf(ins_tenancy, "iitieeeetteeiuiu", pid, apt, r->move_in, r->ordinal, r->group_b ? r->takeover : NULL,
		    r->end_date, r->end_reason, r->end_ground, r->end_note ? r->end_note : "", r->import_note ? r->import_note : "",
		    r->housed == 1 ? (*r->unknown_after ? r->unknown_after : c->d) : NULL,
		    r->group_b && r->insats == 1 ? c->d : NULL, now, uid, now, uid) < 0) {
			rc = -1;
			break;
		}
		long long tid = db_last_id();
		take(c, tid);
		if (audit_log(uid, "import", "tenancy", tid, pid) < 0 ||
		    (r->contact[0] && db_execf(ins_visit, "itiu", pid, r->contact, now, uid) < 0))
			rc = -1;
	}
	json_decref(persons);
	return rc < 0 ? -1 : contradictions ? 1 : 0;
}

int status_import(const char *data, size_t len, long long district, long long uid, int dry_run, struct import_result *res)
{
	struct ctx c = { .res = res };
	res->rows = res->persons = res->tenancies = res->updated = res->unchanged = res->nerrors = res->nchanges = 0;
	res->year = 0;
	char *converted = NULL;
	if (!utf8_valid(data, len)) {	/* not UTF-8: Swedish Excel's default is Windows-1252 */
		converted = from_cp1252(data, len, &len);
		data = converted;
	}
	if (!data || !text_is_clean(data, len)) {
		buf_puts(&res->errors, "Filen är inte text som går att läsa (UTF-8 eller Windows-1252). Spara den i Excel som "
		    "\"CSV UTF-8 (kommaavgränsad)\" och försök igen.\n");
		res->nerrors = 1;
		free(converted);
		return 1;
	}
	/* the year is needed to read dates: find it before the rows */
	c.year = label_year(data, len);
	snprintf(c.y0, sizeof c.y0, "%04u-01-01", (unsigned)c.year % 10000u);
	snprintf(c.d, sizeof c.d, "%04u-12-31", (unsigned)c.year % 10000u);
	char today[11];
	date_today(today);
	if (c.year < 2000 || c.year > atoi(today)) {
		err(&c, 1, -1, NULL, c.year ? "Året i rubriken (\"Avseende år: ÅÅÅÅ\") ska vara 2000 eller senare och inte ett kommande år."
		    : "Hittar inte året (\"Avseende år: ÅÅÅÅ\") i rubriken.");
		free(converted);
		return 1;
	}
	if (strcmp(c.d, today) > 0)
		memcpy(c.d, today, 11);	/* this year's file knows up to today, not the coming 31/12 */
	int parsed = csv_parse(data, len, on_record, &c);
	free(converted);
	if (parsed < 0)
		err(&c, 0, -1, NULL, "Filen slutar mitt i ett citerat fält.");
	if (c.phase == 0 && !res->nerrors)
		err(&c, 1, -1, NULL, "Hittar inte rubrikraden som börjar med Personkod.");
	res->rows = (int)c.n;
	res->year = c.year;
	if (res->nerrors) {
		free_rows(&c);
		return 1;
	}
	/* match and write in one transaction; a dry run matches and rolls back */
	int rc = db_begin() < 0 ? -1 : write_rows(&c, district, uid, dry_run);
	if (rc == 0 && !dry_run && audit_log(uid, "import", "statusrapport", c.year, 0) < 0)
		rc = -1;
	if (rc == 0 && !dry_run && db_commit() < 0)
		rc = -1;
	if (rc != 0 || dry_run)
		db_rollback();
	free_rows(&c);
	return rc;
}

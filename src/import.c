#define _GNU_SOURCE	/* memmem */
/* import.c - reads a statusrapport CSV (the one we export, or the seed's
 * column order as saved from Excel) into persons and tenancies. Every row
 * is validated first; errors are listed with line numbers and nothing is
 * written; otherwise all rows go in one transaction. */
#include "import.h"
#include "audit.h"
#include "csv.h"
#include "date.h"
#include "db.h"
#include "form.h"
#include "statusrapport.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define YEAR_LABEL "Avseende år:"

/* One validated row. Strings are malloc'd copies. */
struct irow {
	int line;
	char *code, *first, *last, *sex, *birth;
	char *move_in, *takeover, *end_date, *end_reason, *end_note, *import_note, *contact;
	long long ordinal;
	int group_b, insats;
};

struct ctx {
	struct import_result *res;
	int phase;	/* 0 before the heading row, 1 after it, 2 after the data */
	int year;
	char y0[11], d[11];
	struct irow *rows;
	size_t n, cap;
};

static char *dup(const char *s)
{
	return s && *s ? strcpy(xmalloc(strlen(s) + 1), s) : NULL;
}

static void err(struct ctx *c, int line, const char *fmt, const char *arg)
{
	if (c->res->nerrors++ >= 200)
		return;	/* enough to go on with */
	buf_printf(&c->res->errors, "Rad %d: ", line);
	buf_printf(&c->res->errors, fmt, arg ? arg : "");
	buf_putc(&c->res->errors, '\n');
}

/* Splits the first n UTF-8 characters of s into out. Returns bytes used or -1. */
static int chars(const char *s, int n, char *out, size_t outlen)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t used = 0;
	for (int i = 0; i < n; i++) {
		if (!p[used])
			return -1;
		size_t len = p[used] >= 0xF0 ? 4 : p[used] >= 0xE0 ? 3 : p[used] >= 0xC0 ? 2 : 1;
		used += len;
	}
	if (used >= outlen)
		return -1;
	memcpy(out, s, used);
	out[used] = '\0';
	return (int)used;
}

/* Parses "AALL-45-K" into the row's names, birth date and sex. */
static int parse_code(struct ctx *c, struct irow *row, const char *code)
{
	char letters[40], first[20], last[20], sex[4];
	int age;
	const char *dash = strchr(code, '-');
	if (!dash || (size_t)(dash - code) >= sizeof letters || sscanf(dash, "-%d-%3s", &age, sex) != 2 ||
	    strlen(dash) < 5 || !(dash[1] >= '0' && dash[1] <= '9' && dash[2] >= '0' && dash[2] <= '9' && dash[3] == '-'))
		return -1;
	memcpy(letters, code, (size_t)(dash - code));
	letters[dash - code] = '\0';
	int a = chars(letters, 2, first, sizeof first);
	if (a < 0 || chars(letters + a, 2, last, sizeof last) < 0 || strlen(letters + a) != strlen(last))
		return -1;
	if (strcmp(sex, "K") && strcmp(sex, "M") && strcmp(sex, "X"))
		return -1;
	row->code = dup(code);
	row->first = dup(first);
	row->last = dup(last);
	row->sex = dup(sex);
	if (age > 0) {
		char b[24];
		snprintf(b, sizeof b, "%04d-07-01", c->year - age);
		row->birth = dup(b);
	}
	return 0;
}

/* A date cell within the report year (or before 31/12 for move-in). */
static int date_ok(const char *s)
{
	return s && valid_date(s);
}

static int yes_no(const char *s)
{
	return !strcmp(s, "ja") ? 1 : !strcmp(s, "nej") ? 0 : -1;
}

/* Reads anledning ("vräkt", "ville", "annat" or "annat: text"). */
static int parse_reason(struct irow *row, const char *s)
{
	if (!strcmp(s, "vräkt"))
		row->end_reason = dup("evicted");
	else if (!strcmp(s, "ville"))
		row->end_reason = dup("wanted");
	else if (!strncmp(s, "annat", 5) && (s[5] == '\0' || s[5] == ':')) {
		row->end_reason = dup("other");
		const char *t = s[5] == ':' ? s + 6 : "";
		while (*t == ' ')
			t++;
		row->end_note = dup(t);
	} else
		return -1;
	return 0;
}

/* Validates the end columns (utflyttad, anledning, avliden). */
static void parse_end(struct ctx *c, struct irow *row, const char *moved, const char *reason, const char *died)
{
	if (*moved && *died)
		err(c, row->line, "ange antingen utflyttad eller avliden, inte båda.%s", NULL);
	else if (*moved) {
		if (!date_ok(moved) || strcmp(moved, c->y0) < 0 || strcmp(moved, c->d) > 0)
			err(c, row->line, "utflyttad ska vara ett datum under året (ÅÅÅÅ-MM-DD), inte \"%s\".", moved);
		else if (!*reason || parse_reason(row, reason) < 0)
			err(c, row->line, "anledning ska vara vräkt, ville eller annat, inte \"%s\".", reason);
		row->end_date = dup(moved);
	} else if (*died) {
		if (!date_ok(died) || strcmp(died, c->y0) < 0 || strcmp(died, c->d) > 0)
			err(c, row->line, "avliden ska vara ett datum under året (ÅÅÅÅ-MM-DD), inte \"%s\".", died);
		row->end_date = dup(died);
		row->end_reason = dup("deceased");
	} else if (*reason) {
		err(c, row->line, "anledning \"%s\" utan utflyttningsdatum.", reason);
	}
	if (row->end_date && row->move_in && strcmp(row->end_date, row->move_in) < 0)
		err(c, row->line, "slutdatumet är före inflyttningen.%s", NULL);
}

static int on_record(void *vc, int line, char **cell, size_t n)
{
	struct ctx *c = vc;
	const char *v[STATUS_COLS];
	int empty = 1;
	for (size_t i = 0; i < STATUS_COLS; i++) {
		v[i] = i < n ? cell[i] : "";
		while (*v[i] == ' ')
			v[i]++;
		if (*v[i])
			empty = 0;
	}
	for (size_t i = STATUS_COLS; i < n; i++)
		if (*cell[i])
			empty = 0;
	if (c->phase == 0) {
		for (size_t i = 0; i < n; i++) {
			const char *y = strstr(cell[i], YEAR_LABEL);
			if (y)
				c->year = atoi(y + strlen(YEAR_LABEL) + strspn(y + strlen(YEAR_LABEL), " "));
		}
		if (!strcasecmp(v[0], "Personkod"))
			c->phase = 1;
		return 0;
	}
	if (c->phase == 2)
		return 0;
	if (!strncmp(v[0], "namn-", 5))
		return 0;	/* the hint row under the headings */
	if (empty) {
		c->phase = 2;	/* the rules follow an empty row */
		return 0;
	}
	if (!c->year) {
		err(c, line, "hittar inte året (\"Avseende år: ÅÅÅÅ\") i rubriken.%s", NULL);
		return 1;
	}
	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 64;
		c->rows = realloc(c->rows, c->cap * sizeof *c->rows);
		if (!c->rows)
			abort();
	}
	struct irow *row = &c->rows[c->n++];
	memset(row, 0, sizeof *row);
	row->line = line;
	if (parse_code(c, row, v[0]) < 0)
		err(c, line, "Personkod ska se ut som AALL-45-K (två bokstäver ur förnamn och efternamn, ålder, kön), inte \"%s\".", v[0]);
	if (!date_ok(v[1]) || strcmp(v[1], c->d) > 0)
		err(c, line, "inflytt ska vara ett datum senast 31/12 (ÅÅÅÅ-MM-DD), inte \"%s\".", v[1]);
	else
		row->move_in = dup(v[1]);
	char *end;
	row->ordinal = !strcmp(v[2], "ja") ? 1 : strtoll(v[2], &end, 10);
	if (strcmp(v[2], "ja") && (!*v[2] || *end || row->ordinal < 2 || row->ordinal > 50))
		err(c, line, "första gången? ska vara ja eller vilken gång (2, 3 …), inte \"%s\".", v[2]);
	for (int i = 7; i < STATUS_COLS; i++)
		if (*v[i])
			row->group_b = 1;
	if (!row->group_b) {
		int housed = yes_no(v[3]);
		if (housed < 0)
			err(c, line, "bor kvar ska vara ja eller nej, inte \"%s\".", v[3]);
		parse_end(c, row, v[4], v[5], v[6]);
		if (housed == 1 && row->end_date)
			err(c, line, "bor kvar = ja men ett slutdatum är ifyllt.%s", NULL);
		if (housed == 0 && !row->end_date)
			err(c, line, "bor kvar = nej: fyll i utflyttad eller avliden.%s", NULL);
		return 0;
	}
	if (*v[3] || *v[4] || *v[5] || *v[6])
		err(c, line, "raden har både grupp A och grupp B ifyllda.%s", NULL);
	row->insats = yes_no(v[7]);
	if (row->insats < 0)
		err(c, line, "fortsatt insats soc ska vara ja eller nej, inte \"%s\".", v[7]);
	if (*v[8] && yes_no(v[8]) < 0)
		err(c, line, "om ej insats ska vara ja eller nej, inte \"%s\".", v[8]);
	if (*v[9]) {
		if (!date_ok(v[9]) || strcmp(v[9], c->y0) < 0 || strcmp(v[9], c->d) > 0)
			err(c, line, "kontakt m team ska vara ett datum under året, inte \"%s\".", v[9]);
		else if (row->insats == 1)
			err(c, line, "kontakt m team fylls bara i när det inte finns någon fortsatt insats.%s", NULL);
		else
			row->contact = dup(v[9]);
	}
	parse_end(c, row, v[10], v[11], v[12]);
	const char *info = v[13];
	if (!strncmp(info, "Övertaget ", strlen("Övertaget "))) {
		char t[11];
		snprintf(t, sizeof t, "%s", info + strlen("Övertaget "));
		if (!valid_date(t) || strcmp(t, c->d) > 0 || (row->move_in && strcmp(t, row->move_in) < 0))
			err(c, line, "datumet i \"Övertaget ÅÅÅÅ-MM-DD\" ska vara mellan inflyttningen och 31/12, inte \"%s\".", t);
		row->takeover = dup(t);
		info += strlen("Övertaget ") + strlen(t);
		if (!strncmp(info, "; ", 2))
			info += 2;
	} else {
		row->takeover = dup(c->d);	/* the date is not in the file: within the year */
	}
	row->import_note = dup(info);
	return 0;
}

static void free_rows(struct ctx *c)
{
	for (size_t i = 0; i < c->n; i++) {
		struct irow *r = &c->rows[i];
		char *all[] = { r->code, r->first, r->last, r->sex, r->birth, r->move_in, r->takeover, r->end_date,
			r->end_reason, r->end_note, r->import_note, r->contact };
		for (size_t k = 0; k < sizeof all / sizeof all[0]; k++)
			free(all[k]);
	}
	free(c->rows);
}

/* Writes the validated rows. Returns 0 or -1. */
static int write_rows(struct ctx *c, long long district, long long uid)
{
	static const char ins_person[] = "INSERT INTO persons(reserve, birth_date, sex, first_name, last_name, district_id, "
	    "created_at, created_by, updated_at, updated_by) VALUES(1, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
	static const char ins_decision[] = "INSERT INTO decisions(person_id, district_id, decision_date, start_date, end_date, "
	    "review_clause, support_kind, provider, created_at, created_by, updated_at, updated_by) "
	    "VALUES(?, ?, ?, ?, ?, 'Importerad från statusrapport.', 'internal', '', ?, ?, ?, ?)";
	static const char ins_apartment[] = "INSERT INTO apartments(address, district_id, rooms, area_m2, rent, status, "
	    "created_at, created_by, updated_at, updated_by) VALUES(?, ?, 1, 30, 0, ?, ?, ?, ?, ?)";
	static const char ins_tenancy[] = "INSERT INTO tenancies(person_id, apartment_id, move_in_date, ordinal, ordinal_reason, "
	    "takeover_date, end_date, end_reason, end_note, import_note, created_at, created_by, updated_at, updated_by) "
	    "VALUES(?, ?, ?, ?, 'Importerad från statusrapport.', ?, ?, ?, ?, ?, ?, ?, ?, ?)";
	static const char ins_visit[] = "INSERT INTO visits(person_id, date, kind, met, note, created_at, created_by) "
	    "SELECT ?1, ?2, 'other', 1, 'Kontakt enligt importerad statusrapport.', ?3, ?4 "
	    "WHERE NOT EXISTS (SELECT 1 FROM visits WHERE person_id = ?1 AND date = ?2)";
	long long now = now_unix();
	json_t *persons = json_object(), *decided = json_object();
	char start[11], dend[11];
	date_add_months(c->d, -6, start);
	date_add_months(start, 18, dend);
	int rc = 0;
	for (size_t i = 0; i < c->n && rc == 0; i++) {
		struct irow *r = &c->rows[i];
		json_t *pid_j = json_object_get(persons, r->code);
		long long pid;
		if (pid_j) {
			pid = json_integer_value(pid_j);
		} else {
			if (db_execf(ins_person, "etttiiuiu", r->birth, r->sex, r->first, r->last, district, now, uid, now, uid) < 0) {
				rc = -1;
				break;
			}
			pid = sqlite3_last_insert_rowid(db());
			json_object_set_new(persons, r->code, json_integer(pid));
			c->res->persons++;
		}
		if (r->group_b && r->insats == 1 && !json_object_get(decided, r->code)) {
			if (db_execf(ins_decision, "iitttiuiu", pid, district, start, start, dend, now, uid, now, uid) < 0)
				rc = -1;
			json_object_set_new(decided, r->code, json_true());
		}
		char address[120];
		snprintf(address, sizeof address, "Importerad lägenhet (%s, inflytt %s)", r->code, r->move_in);
		if (rc == 0 && db_execf(ins_apartment, "titiuiu", address, district, r->end_date ? "available" : "let",
		    now, uid, now, uid) < 0)
			rc = -1;
		long long apt = sqlite3_last_insert_rowid(db());
		if (rc == 0 && db_execf(ins_tenancy, "iitieeettiuiu", pid, apt, r->move_in, r->ordinal, r->group_b ? r->takeover : NULL,
		    r->end_date, r->end_reason, r->end_note ? r->end_note : "", r->import_note ? r->import_note : "", now, uid, now, uid) < 0)
			rc = -1;
		if (rc == 0 && r->contact && db_execf(ins_visit, "itiu", pid, r->contact, now, uid) < 0)
			rc = -1;
		c->res->tenancies++;
	}
	json_decref(persons);
	json_decref(decided);
	return rc;
}

int status_import(const char *data, size_t len, long long district, long long uid, int dry_run, struct import_result *res)
{
	struct ctx c = { .res = res };
	res->rows = res->persons = res->tenancies = res->nerrors = 0;
	res->year = 0;
	if (!text_is_clean(data, len)) {
		buf_puts(&res->errors, "Filen är inte text i UTF-8. Spara den i Excel som \"CSV UTF-8 (kommaavgränsad)\" och försök igen.\n");
		res->nerrors = 1;
		return 1;
	}
	/* the year is needed to validate dates: find it before the rows */
	const char *y = memmem(data, len, YEAR_LABEL, strlen(YEAR_LABEL));
	if (y) {
		c.year = atoi(y + strlen(YEAR_LABEL) + strspn(y + strlen(YEAR_LABEL), " "));
		snprintf(c.y0, sizeof c.y0, "%04d-01-01", c.year);
		snprintf(c.d, sizeof c.d, "%04d-12-31", c.year);
	}
	if (csv_parse(data, len, on_record, &c) < 0)
		err(&c, 0, "filen slutar mitt i ett citerat fält.%s", NULL);
	if (c.phase == 0 && !res->nerrors)
		err(&c, 1, "hittar inte rubrikraden som börjar med Personkod.%s", NULL);
	if (c.year < 2000 || c.year > 2100) {
		if (!res->nerrors)
			err(&c, 1, "hittar inte året (\"Avseende år: ÅÅÅÅ\") i rubriken.%s", NULL);
	}
	res->rows = (int)c.n;
	res->year = c.year;
	if (res->nerrors || dry_run) {
		free_rows(&c);
		return res->nerrors ? 1 : 0;
	}
	int rc = db_begin() < 0 ? -1 : write_rows(&c, district, uid);
	if (rc == 0 && audit_log(uid, "import", "statusrapport", c.year, 0) < 0)
		rc = -1;
	if (rc == 0 && db_commit() < 0)
		rc = -1;
	if (rc < 0)
		db_rollback();
	free_rows(&c);
	return rc;
}

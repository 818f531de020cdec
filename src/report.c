/* report.c - the statusrapport per 31/12 as a page, CSV and Excel. The
 * rows are streamed from one SQL statement: the exports never hold the
 * whole year in memory as JSON. */
#define _DEFAULT_SOURCE	/* mkstemp */
#include "audit.h"
#include "csv.h"
#include "date.h"
#include "db.h"
#include "district.h"
#include "handlers.h"
#include "import.h"
#include "kvarboende.h"
#include "scope.h"
#include "statusrapport.h"
#include "visit.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>

#define PAGE_ROWS 200

/* The register on 31/12 of a year (see status_rules); "fortsatt insats
 * soc" reads the support decision alone (granted, in force on :d, see
 * migrations/0013), never the housing decision: every tenancy that
 * began on or before :d, or with :only_year those that lasted into the
 * year; group A before B, then by move-in. :y0 and :d are the year's first
 * and last day. The columns are read by position in read_row. */
static const char report_sql[] =
    "SELECT p.personkod, p.first_name, p.last_name, p.birth_date, p.sex, "
    "(SELECT min(f.move_in_date) FROM tenancies f WHERE f.person_id = t.person_id) AS first_move_in, "
    "t.move_in_date, t.takeover_date, t.end_date, t.end_reason, t.end_ground, t.end_note, t.import_note, t.known_until, "
    "t.ordinal, "
    "(t.import_support_until >= :d OR EXISTS (SELECT 1 FROM decisions x WHERE x.person_id = t.person_id "
    " AND x.kind = 'support' AND x.outcome = 'granted' AND x.start_date <= :d AND x.end_date >= :d "
    " AND (x.ended_on IS NULL OR x.ended_on > :d))) AS insats, "
    "(SELECT max(v.date) FROM visits v WHERE v.person_id = t.person_id AND v.met = 1 AND v.date >= :y0 AND v.date <= :d "
    " AND " VISIT_COUNTS("v") ") AS last_contact, "
    "(t.takeover_date IS NOT NULL AND t.takeover_date <= :d) AS group_b "
    "FROM tenancies t JOIN persons p ON p.id = t.person_id "
    "WHERE t.move_in_date <= :d AND (:only_year IS NULL OR t.end_date IS NULL OR t.end_date >= :y0) "
    "AND (:df IS NULL OR " DISTRICT_ON("p", ":d") " = :df) AND " SCOPE_REPORT("p", ":d") " "
    "ORDER BY group_b, t.move_in_date, t.id LIMIT :limit OFFSET :offset";
enum { COL_GROUP_B = 17 };

/* Returns column i as text, NULL for NULL; stored bytes that are not
 * well-formed UTF-8 read as "\uFFFD" (an export must stay readable). */
static const char *col(dbstmt *st, int i)
{
	if (db_col_type(st, i) == DB_NULL)
		return NULL;
	const char *s = db_col_str(st, i);
	return utf8_valid(s, (size_t)db_col_bytes(st, i)) ? s : "\xEF\xBF\xBD";
}

/* Reads the current row into row (pointers valid until the next step). */
static void read_row(dbstmt *st, struct status_row *row)
{
	row->personkod = col(st, 0), row->first_name = col(st, 1), row->last_name = col(st, 2);
	row->birth_date = col(st, 3), row->sex = col(st, 4), row->first_move_in = col(st, 5);
	row->move_in = col(st, 6), row->takeover = col(st, 7), row->end_date = col(st, 8), row->end_reason = col(st, 9);
	row->end_ground = col(st, 10), row->end_note = col(st, 11), row->import_note = col(st, 12);
	row->known_until = col(st, 13);
	row->ordinal = db_col_int64(st, 14);
	row->insats = db_col_int(st, 15);
	row->last_contact = col(st, 16);
}

/* Prepares the year's query for the viewer, limit rows from offset
 * (LLONG_MAX: all; PostgreSQL refuses SQLite's -1). NULL on error. */
static dbstmt *report_stmt(const struct req *r, int year, long long district, int only_year, long long limit,
    long long offset)
{
	char y0[11], d[11];
	snprintf(y0, sizeof y0, "%04d-01-01", year);
	snprintf(d, sizeof d, "%04d-12-31", year);
	dbstmt *st = db_stmt(report_sql);
	if (!st)
		return NULL;
	scope_bind(st, r);
	db_bind_named_text(st, ":y0", y0);
	db_bind_named_text(st, ":d", d);
	if (district)
		db_bind_named_int(st, ":df", district);
	if (only_year)
		db_bind_named_int(st, ":only_year", 1);
	db_bind_named_int(st, ":limit", limit);
	db_bind_named_int(st, ":offset", offset);
	return st;
}

/* The four header rows of the seed, as cell arrays. */
static void header_rows(int year, const char *rows[4][STATUS_COLS], char *year_cell, size_t n)
{
	snprintf(year_cell, n, "Avseende år: %d", year);
	for (int i = 0; i < STATUS_COLS; i++)
		rows[0][i] = rows[1][i] = "", rows[2][i] = status_headers[i], rows[3][i] = status_hints[i];
	rows[0][0] = status_title;
	rows[0][11] = year_cell;
	rows[1][0] = status_group_a;
	rows[1][7] = status_group_b;
}

/* Builds the CSV (BOM, ';', CRLF). Returns malloc'd bytes or NULL. */
static char *report_csv(const struct req *r, int year, long long district, int only_year, size_t *len)
{
	struct buf b;
	buf_init(&b);
	buf_puts(&b, "\xEF\xBB\xBF");
	const char *head[4][STATUS_COLS];
	char year_cell[32];
	header_rows(year, head, year_cell, sizeof year_cell);
	for (int i = 0; i < 4; i++)
		csv_row(&b, head[i], STATUS_COLS);
	dbstmt *st = report_stmt(r, year, district, only_year, LLONG_MAX, 0);
	if (!st) {
		buf_free(&b);
		return NULL;
	}
	char *local = xmalloc(STATUS_STORE);
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		struct status_row row;
		const char *cells[STATUS_COLS];
		read_row(st, &row);
		status_cells(&row, year, cells, local);
		csv_row(&b, cells, STATUS_COLS);
	}
	free(local);
	db_done(st);
	if (rc != DB_DONE) {
		buf_free(&b);
		return NULL;
	}
	/* the rules after one empty record (an import stops at it) */
	const char *empty[STATUS_COLS] = { 0 };
	csv_row(&b, empty, STATUS_COLS);
	for (size_t i = 0; status_rules[i]; i++) {
		const char *rule[1] = { status_rules[i] };
		csv_row(&b, rule, 1);
	}
	return buf_take(&b, len);
}

/* Writes the kvarboende sheet (figures on 31/12 of year). */
static void kvarboende_sheet(const struct req *r, lxw_workbook *wb, lxw_format *bold, int year, long long district)
{
	lxw_format *one_decimal = workbook_add_format(wb);
	format_set_num_format(one_decimal, "0.0");
	char d[11];
	snprintf(d, sizeof d, "%04d-12-31", year);
	json_t *k = kvarboende_figures(r, d, district, 0);
	lxw_worksheet *ws = workbook_add_worksheet(wb, "Kvarboende");
	worksheet_set_column(ws, 0, 0, 48, NULL);
	worksheet_set_column(ws, 1, 3, 14, NULL);
	char title[64];
	snprintf(title, sizeof title, "Kvarboende per %s", d);
	worksheet_write_string(ws, 0, 0, title, bold);
	if (!k)
		return;
	static const struct { const char *label, *key; } figs[] = {
		{ "Personer som flyttat in", "persons_moved_in" }, { "Personer som bor kvar", "persons_housed" },
		{ "Kvarboende per person (%)", "persons_retention_pct" }, { "Boenden som startat", "tenancies_started" },
		{ "Boenden som pågår", "tenancies_ongoing" }, { "Pågående med förstahandskontraktet övertaget", "tenancies_first_hand" },
	};
	lxw_row_t row = 2;
	for (size_t i = 0; i < sizeof figs / sizeof figs[0]; i++, row++) {
		worksheet_write_string(ws, row, 0, figs[i].label, NULL);
		json_t *v = json_object_get(k, figs[i].key);
		if (json_is_number(v))
			worksheet_write_number(ws, row, 1, json_number_value(v), json_is_real(v) ? one_decimal : NULL);
	}
	static const struct { const char *label, *object, *key; } more[] = {
		{ "Avslutade: vräkt", "tenancies_ended", "evicted" },
		{ "  varav störningar", "evictions", "disturbance" }, { "  varav hyresskuld", "evictions", "arrears" },
		{ "  varav annat skäl", "evictions", "other" }, { "  varav skäl inte angivet", "evictions", "not_given" },
		{ "Avslutade: ville flytta", "tenancies_ended", "wanted" }, { "Avslutade: annat", "tenancies_ended", "other" },
		{ "Avslutade: avliden", "tenancies_ended", "deceased" },
		{ "Andra chanser (personer)", NULL, "second_chances" },
		{ "Boenden kända bara från import", NULL, "tenancies_imported" },
		{ "  varav läge okänt efter filens 31/12", NULL, "tenancies_unknown" } };
	for (size_t i = 0; i < sizeof more / sizeof more[0]; i++, row++) {
		json_t *o = more[i].object ? json_object_get(k, more[i].object) : k;
		worksheet_write_string(ws, row, 0, more[i].label, NULL);
		worksheet_write_number(ws, row, 1, (double)json_integer_value(json_object_get(o, more[i].key)), NULL);
	}
	row++;
	worksheet_write_string(ws, row, 0, "Inflyttningsår", bold);
	worksheet_write_string(ws, row, 1, "Boenden", bold);
	worksheet_write_string(ws, row, 2, "Kvar 12 mån (%)", bold);
	worksheet_write_string(ws, row++, 3, "Kvar 24 mån (%)", bold);
	size_t i;
	json_t *c;
	json_array_foreach(json_object_get(k, "cohorts"), i, c) {
		worksheet_write_string(ws, row, 0, json_string_value(json_object_get(c, "year")), NULL);
		worksheet_write_number(ws, row, 1, (double)json_integer_value(json_object_get(c, "tenancies")), NULL);
		if (json_is_number(json_object_get(c, "pct_12")))
			worksheet_write_number(ws, row, 2, json_number_value(json_object_get(c, "pct_12")), NULL);
		if (json_is_number(json_object_get(c, "pct_24")))
			worksheet_write_number(ws, row, 3, json_number_value(json_object_get(c, "pct_24")), NULL);
		row++;
	}
	json_decref(k);
}

/* Builds the Excel file in a private temporary file and reads it back.
 * Returns malloc'd bytes or NULL. */
static char *report_xlsx(const struct req *r, int year, long long district, int only_year, size_t *len)
{
	const char *tmp = getenv("TMPDIR");
	char path[512];
	snprintf(path, sizeof path, "%s/bostadforst-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	int fd = mkstemp(path);	/* 0600: only we can read it while it exists */
	if (fd < 0)
		return NULL;
	close(fd);
	lxw_workbook_options opt = { .constant_memory = LXW_TRUE, .tmpdir = NULL };
	lxw_workbook *wb = workbook_new_opt(path, &opt);
	if (!wb) {
		unlink(path);
		return NULL;
	}
	lxw_worksheet *ws = workbook_add_worksheet(wb, "Statusrapport");
	lxw_format *bold = workbook_add_format(wb);
	format_set_bold(bold);
	format_set_text_wrap(bold);
	format_set_align(bold, LXW_ALIGN_VERTICAL_TOP);
	lxw_format *group = workbook_add_format(wb);
	format_set_bold(group);
	format_set_align(group, LXW_ALIGN_CENTER);
	format_set_border(group, LXW_BORDER_THIN);
	lxw_format *datef = workbook_add_format(wb);
	format_set_num_format(datef, "yyyy-mm-dd");
	const char *head[4][STATUS_COLS];
	char year_cell[32];
	header_rows(year, head, year_cell, sizeof year_cell);
	static const double widths[STATUS_COLS] = { 14, 11, 12, 8, 11, 14, 11, 11, 10, 12, 11, 14, 11, 28 };
	for (int i = 0; i < STATUS_COLS; i++)
		worksheet_set_column(ws, (lxw_col_t)i, (lxw_col_t)i, widths[i], NULL);
	worksheet_write_string(ws, 0, 0, head[0][0], bold);
	worksheet_write_string(ws, 0, 11, head[0][11], bold);
	worksheet_merge_range(ws, 1, 0, 1, 6, status_group_a, group);
	worksheet_merge_range(ws, 1, 7, 1, 13, status_group_b, group);
	/* constant-memory mode flushes a row once a later row is written:
	 * every row is written whole, in order */
	for (int h = 2; h < 4; h++)
		for (int i = 0; i < STATUS_COLS; i++)
			if (*head[h][i])
				worksheet_write_string(ws, (lxw_row_t)h, (lxw_col_t)i, head[h][i], bold);
	worksheet_freeze_panes(ws, 4, 1);
	dbstmt *st = report_stmt(r, year, district, only_year, LLONG_MAX, 0);
	lxw_row_t row = 4;
	int rc = DB_ERROR;
	char *store = xmalloc(STATUS_STORE);
	if (st) {
		while ((rc = db_step(st)) == DB_ROW) {
			struct status_row sr;
			const char *cells[STATUS_COLS];
			read_row(st, &sr);
			status_cells(&sr, year, cells, store);
			for (int i = 0; i < STATUS_COLS; i++) {
				if (!*cells[i])
					continue;
				int y, m, d;
				if (status_col_is_date(i) && sscanf(cells[i], "%4d-%2d-%2d", &y, &m, &d) == 3) {
					lxw_datetime dt = { y, m, d, 0, 0, 0 };
					worksheet_write_datetime(ws, row, (lxw_col_t)i, &dt, datef);
				} else {
					worksheet_write_string(ws, row, (lxw_col_t)i, cells[i], NULL);
				}
			}
			row++;
		}
		db_done(st);
	}
	free(store);
	/* the filter buttons sit on the hint row, right above the data, so
	 * sorting never moves the hints */
	worksheet_autofilter(ws, 3, 0, row > 4 ? row - 1 : 4, STATUS_COLS - 1);
	kvarboende_sheet(r, wb, bold, year, district);
	lxw_worksheet *rules = workbook_add_worksheet(wb, "Regler");
	worksheet_set_column(rules, 0, 0, 120, NULL);
	for (lxw_row_t i = 0; status_rules[i]; i++)
		worksheet_write_string(rules, i, 0, status_rules[i], NULL);
	lxw_error err = workbook_close(wb);
	char *out = NULL;
	FILE *f = rc == DB_DONE && err == LXW_NO_ERROR ? fopen(path, "rb") : NULL;
	if (f) {
		struct buf b;
		buf_init(&b);
		char chunk[65536];
		size_t n;
		while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
			buf_append(&b, chunk, n);
		fclose(f);
		out = buf_take(&b, len);
	}
	unlink(path);
	return out;
}

/* Returns "-<name>" for a file name: the district's name in lower-case
 * ASCII (å ä → a, ö → o, é → e, anything else → '-'). Arena text. */
static const char *district_slug(struct req *r, long long district)
{
	static const char sql[] = "SELECT name FROM districts WHERE id = ?";
	json_t *d = db_row_for(sql, district);
	const unsigned char *s = (const unsigned char *)json_string_value(json_object_get(d, "name"));
	struct buf b;
	buf_init(&b);
	for (; s && *s && b.len < 40; s++) {
		if ((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9'))
			buf_putc(&b, (char)*s);
		else if (*s >= 'A' && *s <= 'Z')
			buf_putc(&b, (char)(*s + 32));
		else if (s[0] == 0xC3 && s[1]) {
			unsigned char c = s[1] | 0x20;	/* Å Ä Ö É -> å ä ö é */
			buf_putc(&b, c == 0xA5 || c == 0xA4 ? 'a' : c == 0xB6 ? 'o' : c == 0xA9 ? 'e' : '-');
			s++;
		} else if (b.len && b.data[b.len - 1] != '-')
			buf_putc(&b, '-');
	}
	json_decref(d);
	const char *out = arena_printf(&r->arena, "-%s", b.data ? b.data : "");
	buf_free(&b);
	return out;
}

/* GET /reports/status?year=&district=&format=html|csv|xlsx&page= */
int report_status(struct req *r)
{
	char today[11];
	date_today(today);
	int this_year = atoi(today);
	const char *ys = http_param(r, "year");
	int year = ys && *ys ? atoi(ys) : this_year - 1;	/* the last full year */
	if (ys && *ys && (strlen(ys) != 4 || year < 2000 || year > this_year))
		return http_fail(r, 400, "Ange året som fyra siffror, 2000 eller senare och inte ett kommande år.");
	long long district = r->user.role == ROLE_MANAGER ? parse_id(http_param(r, "district")) : 0;
	if (district && !district_exists(district))
		return http_fail(r, 404, "Stadsdelen finns inte.");
	int only_year = str_eq(http_param(r, "only_year"), "1");
	const char *format = http_param(r, "format");
	if (format && (!strcmp(format, "csv") || !strcmp(format, "xlsx"))) {
		int csv = !strcmp(format, "csv");
		size_t len = 0;
		char *body = csv ? report_csv(r, year, district, only_year, &len) : report_xlsx(r, year, district, only_year, &len);
		if (!body)
			return http_fail(r, 500, NULL);
		if (audit_log(r->user.id, "export", csv ? "statusrapport_csv" : "statusrapport_xlsx", year, 0) < 0) {
			free(body);
			return http_fail(r, 500, NULL);
		}
		return http_download(r, body, len, csv ? "text/csv; charset=utf-8" :
		    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
		    arena_printf(&r->arena, "statusrapport-%d%s%s.%s", year, district ? district_slug(r, district) : "",
		        only_year ? "-bara-aret" : "", csv ? "csv" : "xlsx"));
	}
	long long page = parse_id(http_param(r, "page"));
	if (!page)
		page = 1;
	dbstmt *st = report_stmt(r, year, district, only_year, PAGE_ROWS + 1, (page - 1) * PAGE_ROWS);
	if (!st)
		return http_fail(r, 500, NULL);
	json_t *rows = json_array();
	char *store = xmalloc(STATUS_STORE);
	int n = 0, rc;
	while ((rc = db_step(st)) == DB_ROW && n++ < PAGE_ROWS) {
		struct status_row sr;
		const char *cells[STATUS_COLS];
		read_row(st, &sr);
		status_cells(&sr, year, cells, store);
		json_t *a = json_array();
		for (int i = 0; i < STATUS_COLS; i++)
			json_array_append_new(a, json_pack("{s:s}", "v", cells[i]));
		json_array_append_new(rows, json_pack("{s:o, s:b}", "cells", a, "group_b", db_col_int(st, COL_GROUP_B)));
	}
	int more = rc == DB_ROW;
	free(store);
	db_done(st);
	static const char *const keys[] = { "year", "district", "only_year", NULL };
	view_pager(r, more ? http_link(r, keys, "page", arena_printf(&r->arena, "%lld", page + 1)) : NULL,
	    page > 1 ? http_link(r, keys, "page", "1") : NULL);
	json_object_set_new(r->view, "rows", rows);
	json_object_set_new(r->view, "year", json_integer(year));
	json_object_set_new(r->view, "only_year", json_boolean(only_year));
	json_object_set_new(r->view, "title", json_string(arena_printf(&r->arena, "Statusrapport per 31/12 %d", year)));
	json_t *headers = json_array(), *hints = json_array(), *rules = json_array();
	for (int i = 0; i < STATUS_COLS; i++) {
		json_array_append_new(headers, json_string(status_headers[i]));
		json_array_append_new(hints, json_string(status_hints[i]));
	}
	for (size_t i = 0; status_rules[i]; i++)
		json_array_append_new(rules, json_string(status_rules[i]));
	json_object_set_new(r->view, "headers", headers);
	json_object_set_new(r->view, "hints", hints);
	json_object_set_new(r->view, "rules", rules);
	json_object_set_new(r->view, "group_a", json_string(status_group_a));
	json_object_set_new(r->view, "group_b_title", json_string(status_group_b));
	json_object_set_new(r->view, "csv_href", json_string(http_link(r, keys, "format", "csv")));
	json_object_set_new(r->view, "xlsx_href", json_string(http_link(r, keys, "format", "xlsx")));
	if (view_may(r, "can_import", 1, "POST", "/reports/status/import"))
		json_object_set_new(r->view, "districts", district_options(district));
	if (audit_log(r->user.id, "read", "statusrapport", year, 0) < 0)
		return http_fail(r, 500, NULL);
	return 200;
}

/* Returns the lines of text (each ending in '\n') as a JSON array. */
static json_t *view_lines(const char *text)
{
	json_t *a = json_array();
	for (const char *line = text, *nl; line && *line; line = nl + 1) {
		nl = strchr(line, '\n');
		if (!nl)
			break;
		json_array_append_new(a, db_text_json(line, (size_t)(nl - line)));
	}
	return a;
}

/* The upload form's view. */
static void import_view(struct req *r, long long district)
{
	json_object_set_new(r->view, "title", json_string("Importera statusrapport"));
	json_object_set_new(r->view, "districts", district_options(district));
}

/* GET /reports/status/import */
int report_import_form(struct req *r)
{
	import_view(r, 0);
	return 200;
}

/* POST /reports/status/import (multipart: file, district_id, dry_run) */
int report_import(struct req *r)
{
	long long district = parse_id(http_param(r, "district_id"));
	const struct form_field *upload = form_field_get(&r->files, "file");
	const char *file = upload ? upload->value : NULL;
	int dry = http_param(r, "dry_run") != NULL;
	import_view(r, district);
	if (!district || !district_exists(district))
		view_error(r, "district_id", "Välj den stadsdel raderna gäller.");
	if (!file || !*file)
		view_error(r, "file", "Välj en CSV-fil att importera.");
	if (view_has_errors(r))
		return 400;
	struct import_result res;
	buf_init(&res.errors);
	buf_init(&res.changes);
	int rc = status_import(file, upload->len, district, r->user.id, dry, &res);
	if (rc < 0) {
		buf_free(&res.errors);
		buf_free(&res.changes);
		return http_fail(r, 500, NULL);
	}
	json_t *lines = view_lines(res.errors.data), *changes = view_lines(res.changes.data);
	buf_free(&res.errors);
	buf_free(&res.changes);
	json_object_set_new(r->view, "result", json_pack("{s:i, s:i, s:i, s:i, s:i, s:i, s:b, s:o, s:i, s:o, s:b}",
	    "rows", res.rows, "persons", res.persons, "tenancies", res.tenancies, "updated", res.updated,
	    "unchanged", res.unchanged, "year", res.year, "dry_run", dry, "errors", lines, "nerrors", res.nerrors,
	    "changes", changes, "more_changes", res.nchanges > 500));
	view_count(r, json_object_get(r->view, "result"), "rows", "rad", "rader");
	if (rc == 1)
		return 422;
	return 200;
}

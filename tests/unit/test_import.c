/* test_import.c - the statusrapport import (status_import) on the inputs
 * tests/fuzz/fuzz_import found or pointed at: the year label at the very
 * end of a file, a second year label in the heading, and values cut for a
 * message or a note inside a character. */
#define _DEFAULT_SOURCE	/* mkdtemp */
#include "db.h"
#include "form.h"
#include "import.h"
#include "util.h"
#include "check.h"

#include <stdlib.h>
#include <unistd.h>

#define TITLE "Statusrapport;Avseende år: 2023\r\n"
#define HEADINGS "Personkod;inflytt;första gången?;bor kvar;utflyttad;anledning;avliden;fortsatt insats soc;om ej insats;" \
	"kontakt m team;utflyttad;anledning;avliden;annan info\r\n"
#define HEAD TITLE HEADINGS

static long long district;

/* Runs status_import on a heap copy of exactly strlen(s) bytes (no NUL
 * after it: ASan sees any read past the end). */
static int import(const char *s, int dry, struct import_result *res)
{
	size_t n = strlen(s);
	char *copy = malloc(n ? n : 1);
	memcpy(copy, s, n);
	buf_init(&res->errors);
	buf_init(&res->changes);
	int rc = status_import(copy, n, district, 0, dry, res);
	free(copy);
	return rc;
}

static void done(struct import_result *res)
{
	buf_free(&res->errors);
	buf_free(&res->changes);
}

/* Found: "Avseende år:" as the file's last bytes made the year's reader
 * (strspn, atoi) run past the end of the upload. */
static void year_at_the_end(void)
{
	const char *ends[] = { "Avseende år:", "x;Avseende år: ", "Avseende år: 20", "Avseende år: 2024" };
	for (size_t i = 0; i < 4; i++) {
		struct import_result res;
		CHECK(import(ends[i], 1, &res) == 1, "[%s] is refused", ends[i]);
		CHECK(res.nerrors == 1 && (strstr(res.errors.data, "Hittar inte året") ||
		    strstr(res.errors.data, "rubrikraden")), "[%s]: %s", ends[i], res.errors.data);
		done(&res);
	}
}

/* Found by reading after the fuzzer's first report: a second label in a
 * heading row set the year again (atoi: -2147483600), against which ages
 * were then counted (signed overflow in the matching); the year is the
 * first label's, once. */
static void second_year_label(void)
{
	struct import_result res;
	const char *s = TITLE "Avseende år: -2147483600;;\r\n" HEADINGS "Doris-62-K;2021-03-01;ja;ja;;;;;;;;;;\r\n"
	    "Ny-40-K;2021-03-01;ja;ja;;;;;;;;;;\r\n";
	int rc = import(s, 1, &res);
	CHECK(rc == 0 && res.year == 2023, "rc %d, year %d: %s", rc, res.year, res.errors.data);
	CHECK(res.unchanged == 1 && res.tenancies == 1, "Doris matched (%d), Ny new (%d)", res.unchanged, res.tenancies);
	done(&res);
	CHECK(import("Avseende år: 20245\r\n", 1, &res) == 1 && strstr(res.errors.data, "Hittar inte året"),
	    "five digits are no year: %s", res.errors.data);
	done(&res);
}

/* Found: "Värdet är \"%.80s\"" cut a value inside a character, so the
 * error list was no longer UTF-8 (shown as U+FFFD, printed broken). The
 * stored "annan info" (2000 bytes) was cut the same way. */
static void cut_on_a_character(void)
{
	struct import_result res;
	struct buf b;
	buf_init(&b);
	buf_puts(&b, HEAD "x");
	for (int i = 0; i < 60; i++)
		buf_puts(&b, "å");	/* byte 80 of the cell is inside an å */
	buf_puts(&b, ";2021-03-01;ja;ja;;;;;;;;;;\r\n");
	CHECK(import(b.data, 1, &res) == 1, "a bad Personkod is an error");
	CHECK(utf8_valid(res.errors.data, res.errors.len), "the error list is UTF-8: %s", res.errors.data);
	CHECK(strstr(res.errors.data, "\"xååå") != NULL, "the value is quoted: %s", res.errors.data);
	done(&res);

	buf_reset(&b);
	buf_puts(&b, HEAD "Info-50-M;2022-05-01;ja;ja;;;;;;;;;;x");
	for (int i = 0; i < 2500; i++)
		buf_puts(&b, "ö");	/* 5,001 bytes: the cut at 4,000 falls inside an ö */
	buf_puts(&b, "\r\n");
	int rc = import(b.data, 0, &res);
	CHECK(rc == 0, "imported (%d): %s", rc, res.errors.data);
	done(&res);
	dbstmt *st = db_prepare("SELECT t.import_note FROM tenancies t JOIN persons p ON p.id = t.person_id "
	    "WHERE p.personkod LIKE 'Info-50-M%'");
	CHECK(db_step(st) == DB_ROW, "the tenancy is stored");
	const char *note = db_col_str(st, 0);
	size_t n = (size_t)db_col_bytes(st, 0);
	CHECK(note && n < 4000 && n > 3990 && utf8_valid(note, n) && !strcmp(note + n - 3, "\xE2\x80\xA6"),
	    "the note is whole characters and ends in an ellipsis: %zu bytes", n);
	db_finalize(st);
	buf_free(&b);
}

int main(void)
{
	char dir[] = "/tmp/bf-import-XXXXXX", path[64], err[200];
	CHECK(mkdtemp(dir) != NULL, "tmpdir");
	snprintf(path, sizeof path, "%s/t.db", dir);
	CHECK(db_migrate(path, err, sizeof err) >= 0 && db_open(path, err, sizeof err) == 0, "db: %s", err);
	CHECK(db_execf("INSERT INTO districts(name, created_at, updated_at) VALUES('Norr', 0, 0)", "") == 0, "district");
	district = db_last_id();
	struct import_result res;
	CHECK(import(HEAD "Doris-62-K;2021-03-01;ja;ja;;;;;;;;;;\r\n", 0, &res) == 0, "the register: %s", res.errors.data);
	done(&res);

	year_at_the_end();
	second_year_label();
	cut_on_a_character();

	db_close_all();
	snprintf(path, sizeof path, "rm -rf %s", dir);
	CHECK(system(path) == 0, "cleanup");
	return check_done();
}

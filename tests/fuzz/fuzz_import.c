/*
 * fuzz_import.c - reading a statusrapport CSV: csv_parse, and the whole
 * import in dry-run mode (status_import: every row read and checked, then
 * matched against the register, nothing written).
 *
 * Why the database and not a split-out reader: the rows are read by
 * import.c's static on_record into a private struct, and the matching
 * that follows (Personkod against stored codes, ages against years) is
 * where values from the file meet arithmetic. A dry run costs one
 * BEGIN IMMEDIATE and ROLLBACK on a temporary database, migrated once at
 * start-up and given a register by importing the seed-style file below
 * for real, so the fuzzed rows find persons and tenancies to match.
 *
 * Invariants: csv_parse gives records with 1..CSV_MAX_CELLS cells on
 * increasing lines, and the records written again with csv_row parse to
 * the same cells; status_import answers 0 or 1 (never -1: a database
 * error), 0 only without errors, writes nothing (total changes stay), and
 * its error and change lines are clean text when the file was.
 */
#define _DEFAULT_SOURCE	/* mkdtemp */
#include "fuzz.h"
#include "csv.h"
#include "db.h"
#include "form.h"
#include "import.h"

#include <sqlite3.h>
#include <unistd.h>

static char dir[512];
static char path[600];
static long long district;

static const char seed[] =
    "\xEF\xBB\xBFStatusrapport Bostad först-verksamheten per 31/12;;;;;;;;;;;Avseende år: 2023;;\r\n"
    ";;;;;;;;;;;;;\r\n"
    "Personkod;inflytt;första gången?;bor kvar;utflyttad;anledning;avliden;fortsatt insats soc;om ej insats;"
    "kontakt m team;utflyttad;anledning;avliden;annan info\r\n"
    "namn-ålder-kön;datum;om inte, vilken?;ja/nej;datum;vräkt, ville, annat;datum;ja/nej;ja/nej;datum;datum;"
    "vräkt, ville, annat;datum;\r\n"
    "Doris-62-K;2021-03-01;ja;Ja ;;;;;;;;;;\r\n"
    "kalle - 45 - m;20210915;ja;nej;3/6 2022;Vräkt (störningar);;;;;;;;\r\n"
    "Kalle-45-M;2022-10-01;nej, 2;JA;;;;;;;;;;\r\n"
    "Eva-50-K;44562;2:a;ja;;;;nej;ja;15/11 2023;;;;Övertaget 2023-06-01\r\n"
    "Bo-70-M;2022-01-10;ja;ja;;;;;;;;;;\r\n"
    "Ulla-80-K;2021-05-05;ja;nej;;;2023-02-01;;;;;;;\r\n"
    "ANBE-45-K;2023-04-01;ja;ja;;;;;;;;;;\r\n"
    "Lisa-28-K;2022-02-02;ja;nej;2023-01-31;vräkt (hyresskuld);;;;;;;;\r\n";

static void cleanup(void)
{
	char p[700];
	const char *ext[] = { "", "-wal", "-shm" };
	db_close_all();
	for (int i = 0; i < 3; i++) {
		snprintf(p, sizeof p, "%s%s", path, ext[i]);
		unlink(p);
	}
	rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	char err[256];
	const char *tmp = getenv("TMPDIR");
	snprintf(dir, sizeof dir, "%s/bf-fuzz-XXXXXX", tmp && *tmp && strlen(tmp) < 400 ? tmp : "/tmp");
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		abort();
	}
	snprintf(path, sizeof path, "%s/register.db", dir);
	atexit(cleanup);
	if (db_migrate(path, err, sizeof err) < 0 || db_open(path, err, sizeof err) < 0) {
		fprintf(stderr, "database: %s\n", err);
		abort();
	}
	if (db_execf("INSERT INTO districts(name, created_at, updated_at) VALUES('Norr', 0, 0)", "") < 0)
		abort();
	district = db_last_id();
	struct import_result res = { 0 };
	buf_init(&res.errors);
	buf_init(&res.changes);
	int rc = status_import(seed, sizeof seed - 1, district, 0, 0, &res);
	if (rc != 0) {
		fprintf(stderr, "the seed register did not import (%d):\n%s", rc, res.errors.data);
		abort();
	}
	buf_free(&res.errors);
	buf_free(&res.changes);
	return 0;
}

/* The records of one parse: cells joined by NUL, records by their count. */
struct records {
	struct buf cells;
	size_t nrec;
	int last_line;
	int bom_first;
	int unformula;	/* read back what csv_row wrote: its formula apostrophe off */
};

static int on_record(void *vc, int line, char **cells, size_t n)
{
	struct records *r = vc;
	FUZZ_ASSERT(n >= 1 && n <= CSV_MAX_CELLS, "%zu cells", n);
	FUZZ_ASSERT(line > r->last_line, "line %d after %d", line, r->last_line);
	r->last_line = line;
	if (r->nrec == 0 && !strncmp(cells[0], "\xEF\xBB\xBF", 3))
		r->bom_first = 1;	/* a second BOM: csv_parse strips the first only */
	char count[8];
	snprintf(count, sizeof count, "%zu", n);
	buf_append(&r->cells, count, strlen(count) + 1);
	for (size_t i = 0; i < n; i++) {
		const char *c = r->unformula ? csv_unformula(cells[i]) : cells[i];
		buf_append(&r->cells, c, strlen(c) + 1);
	}
	r->nrec++;
	return 0;
}

static void csv_round_trip(const char *data, size_t len)
{
	struct records a = { .last_line = 0 }, b = { .last_line = 0, .unformula = 1 };
	buf_init(&a.cells);
	buf_init(&b.cells);
	int rc = csv_parse(data, len, on_record, &a);
	FUZZ_ASSERT(rc == 0 || rc == -1, "csv_parse rc %d", rc);
	if (rc == 0 && !a.bom_first) {
		struct buf out;
		buf_init(&out);
		const char *p = a.cells.data;
		for (size_t k = 0; k < a.nrec; k++) {
			size_t n = (size_t)atoi(p);
			p += strlen(p) + 1;
			const char *cells[CSV_MAX_CELLS];
			for (size_t i = 0; i < n; i++) {
				cells[i] = p;
				p += strlen(p) + 1;
			}
			csv_row(&out, cells, n);
		}
		rc = csv_parse(out.data ? out.data : "", out.len, on_record, &b);
		FUZZ_ASSERT(rc == 0, "the records written again do not parse");
		FUZZ_ASSERT(a.nrec == b.nrec && a.cells.len == b.cells.len &&
		    (!a.cells.len || !memcmp(a.cells.data, b.cells.data, a.cells.len)),
		    "the records changed in the round trip (%zu, %zu)", a.nrec, b.nrec);
		buf_free(&out);
	}
	buf_free(&a.cells);
	buf_free(&b.cells);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 65536)
		return 0;
	/* exactly size bytes, so ASan sees a read past the end */
	char *copy = malloc(size ? size : 1);
	if (size)
		memcpy(copy, data, size);
	csv_round_trip(copy, size);

	struct import_result res = { 0 };
	buf_init(&res.errors);
	buf_init(&res.changes);
	int before = sqlite3_total_changes(db_sqlite());
	int rc = status_import(copy, size, district, 0, 1, &res);
	FUZZ_ASSERT(rc == 0 || rc == 1, "status_import rc %d (a database error in a dry run)\n%s", rc,
	    res.errors.data ? res.errors.data : "");
	FUZZ_ASSERT(rc == 1 || res.nerrors == 0, "rc 0 with %d errors", res.nerrors);
	FUZZ_ASSERT(rc == 0 || res.nerrors > 0, "rc 1 without an error");
	FUZZ_ASSERT(sqlite3_total_changes(db_sqlite()) == before, "a dry run wrote");
	FUZZ_ASSERT(!db_in_transaction(), "a transaction left open");
	if (text_is_clean(copy, size)) {
		FUZZ_ASSERT(!res.errors.len || text_is_clean(res.errors.data, res.errors.len), "error lines not clean:\n%s",
		    res.errors.data);
		FUZZ_ASSERT(!res.changes.len || text_is_clean(res.changes.data, res.changes.len), "change lines not clean");
	}
	buf_free(&res.errors);
	buf_free(&res.changes);
	free(copy);
	return 0;
}

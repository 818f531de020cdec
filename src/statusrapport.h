/*
 * statusrapport.h - the year-end statusrapport per 31/12 in the layout of
 * seed 000: which tenancies a year's report holds, what each of the 14
 * columns says, and how the Personkod is built. The rules are written out
 * in status_rules (shown on the page, in the exports and in the README).
 */
#ifndef BF_STATUSRAPPORT_H
#define BF_STATUSRAPPORT_H

#define STATUS_COLS 14
#define STATUS_CELL_MAX 4000	/* bytes of one free-text cell; longer ones end in "…" */
#define STATUS_STORE (3 * (STATUS_CELL_MAX + 1) + 64)	/* bytes of cell text status_cells may write */

/* The seed's header rows: title, group headings (A over columns 1-7, B
 * over 8-14), column headings, and the hint row under them. */
extern const char *const status_title;
extern const char *const status_group_a;
extern const char *const status_group_b;
extern const char *const status_headers[STATUS_COLS];
extern const char *const status_hints[STATUS_COLS];
/* The rules, one sentence each, NULL-ended. */
extern const char *const status_rules[];

/* Columns (0-based) that hold dates. */
int status_col_is_date(int col);

/* One tenancy as the report query gives it. */
struct status_row {
	const char *personkod;	/* stored, or NULL: built from the names and first_move_in */
	const char *first_name, *last_name, *birth_date, *sex, *first_move_in;
	const char *move_in, *takeover, *end_date, *end_reason, *end_ground, *end_note, *import_note;
	const char *known_until;	/* imported: the last 31/12 a file knew of, or NULL */
	long long ordinal;
	int insats;		/* a support decision in force on 31/12 */
	const char *last_contact;	/* latest visit (met) in the year, or NULL */
};

/*
 * Writes the Personkod, "AALL-45-K": the first two letters of the first
 * name and of the last name (upper case, padded with X), the age on the
 * date `on` (the first move-in; "00" when the birth date is unknown) and
 * the sex (K, M, X). It cannot be turned back into a personnummer. The
 * code is given once and stored (register.h); this builds the base.
 */
void status_personkod(const char *first, const char *last, const char *birth, const char *sex, const char *on,
    char out[32]);

/*
 * Fills cells (STATUS_COLS strings, "" for empty) for row in year's report.
 * Strings point into row or into store (the caller's, STATUS_STORE bytes), valid
 * while both are.
 */
void status_cells(const struct status_row *row, int year, const char *cells[STATUS_COLS], char store[STATUS_STORE]);

#endif

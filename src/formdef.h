/*
 * formdef.h - the one form model. Each form is described once, as data
 * (src/formdefs.c): its fields with label, kind, required, limits, choices
 * and hint. One reader (form_read.c) turns a request into typed values and
 * Swedish errors at the fields; one view (form_view.c) feeds
 * templates/field.mustache (label, "(obligatorisk)", hint, error,
 * aria-describedby, the kept value, selected/checked). `bostadforst forms
 * --json` lists the descriptions; tests/http/forms.test.mjs submits every
 * form with one bad field at a time from that list.
 */
#ifndef BF_FORMDEF_H
#define BF_FORMDEF_H

#include <stddef.h>
#include <jansson.h>

struct req;

enum fkind {
	FK_TEXT,	/* one line */
	FK_TEXTAREA,	/* several lines */
	FK_DATE,	/* ÅÅÅÅ-MM-DD, ÅÅÅÅMMDD, D/M, D/M ÅÅÅÅ; kept as ÅÅÅÅ-MM-DD */
	FK_TIME,	/* TT:MM (also T:MM, TT.MM, TTMM); kept as TT:MM */
	FK_NUMBER,	/* Swedish spaces and decimal comma (parse_number) */
	FK_CHOICE,	/* one of choices */
	FK_REF,		/* an id from a list the handler fills (districts, persons) */
	FK_YESNO,	/* "1" ja / "0" nej, a select */
	FK_CHECK,	/* a checkbox: "1" when ticked */
	FK_PASSWORD,	/* never shown again, read untrimmed, checked by its handler */
	FK_DATES,	/* dates as FK_DATE, separated by commas (or spaces); kept "ÅÅÅÅ-MM-DD, …" */
};

struct fchoice {
	const char *value, *label;
};

struct fdef {
	const char *name, *label;
	enum fkind kind;
	int required;
	const char *hint;
	int min_chars, max_chars;	/* text: UTF-8 code points; 0 = default max */
	double min, max;		/* number: range (both 0: any) */
	int decimals;			/* number: decimals allowed */
	const struct fchoice *choices;	/* choice: ended by {NULL, NULL} */
	const char *required_msg;	/* when empty and required (default "Fyll i …") */
	const char *bad_msg;		/* when not readable (default by kind) */
	const char *inputmode;		/* "tel", "email", "numeric", "decimal" or NULL */
	const char *sample;		/* a valid value for the generated test */
};

struct formdef {
	const char *id;		/* "person_new" */
	const char *page;	/* GET path with the form: "/persons/{person}/edit" */
	const char *action;	/* POST path: "/persons/{person}" */
	const char *user;	/* a demo user who may send it (tests) */
	const char *match;	/* "NAME=VALUE" of a hidden field that tells this form from
				 * others on the page posting to the same action, or NULL */
	const struct fdef *fields;	/* ended by a field with name NULL */
};

/* Typed values read from a request (arena-owned, one per field). */
struct fvals {
	const struct formdef *def;
	const char **raw;	/* as typed (trimmed); NULL when absent */
	const char **val;	/* normalised ("2026-12-09", "6200"); NULL when empty or bad */
	double *num;		/* number: the value; ref: the id; yes/no and check: 0/1 */
};

/* The longest text when a field names no max_chars, in characters. */
#define FORM_TEXT_MAX 200
#define FORM_TEXTAREA_MAX 4000

/* Choice lists shared with the pages that show stored values. */
extern const struct fchoice sex_choices[];
extern const struct fchoice apartment_statuses[];
extern const struct fchoice incident_kinds[];
extern const struct fchoice role_choices[];
extern const struct fchoice visit_kinds[];
extern const struct fchoice end_reason_choices[];	/* why a tenancy ended */
extern const struct fchoice decision_end_reasons[];	/* why a decision was ended (avslutat) */
extern const struct fchoice end_ground_choices[];	/* why an eviction happened */	/* role_name → role_label (auth.c) */

/* Every form, ended by NULL. */
extern const struct formdef *const formdefs[];

/* Returns the form with this id, or NULL. */
const struct formdef *formdef_find(const char *id);

/* Returns the field called name in d, or NULL. */
const struct fdef *formdef_field(const struct formdef *d, const char *name);

/* Returns the first form that posts to the route pattern ("/visits",
 * "/persons/{id}"; placeholder names ignored), or NULL. */
const struct formdef *formdef_for_action(const char *pattern);

/* Returns the label of value in choices ("" when absent). Static storage. */
const char *fchoice_label(const struct fchoice *choices, const char *value);

/* choices as [{value, label, selected}] for a select. New reference. */
json_t *fchoice_options(const struct fchoice *choices, const char *selected);

/* The descriptions as a JSON array (for `bostadforst forms --json`). New
 * reference. */
json_t *formdefs_json(void);

/* ---------- reading (form_read.c) ---------- */

/*
 * Reads a date as people type it: ÅÅÅÅ-MM-DD, ÅÅÅÅMMDD, D/M (the year of
 * today, "YYYY-MM-DD") and D/M ÅÅÅÅ (also D/M-ÅÅÅÅ). Writes "YYYY-MM-DD"
 * into out. Returns 0, or -1 (out = "") for anything else or a date that
 * does not exist (31/4, 2025-02-29).
 */
int form_date(const char *s, const char *today, char out[11]);

/*
 * A date in the query of a filter (GET) form, read as form_date reads it.
 * Returns the parameter normalised to "YYYY-MM-DD" (arena-owned), NULL when
 * absent or empty, or the raw text with *bad set when it is not a date (the
 * form shows it back beside the error).
 */
const char *form_date_param(struct req *r, const char *name, int *bad);

/* Reads a time TT:MM (also T:MM, TT.MM, TTMM) into out "TT:MM". Returns 0
 * or -1. */
int form_time(const char *s, char out[6]);

/* Returns the number of UTF-8 code points in s (a valid UTF-8 string). */
size_t utf8_chars(const char *s);

/*
 * Reads every field of d from the request (trimmed), checks kind, required
 * and limits, and records a Swedish error at each bad field (view_error).
 * Never NULL; arena-owned.
 */
struct fvals *form_read(struct req *r, const struct formdef *d);

/* form_read for one of several forms on a page that share field names
 * (the referral's steps): errors are recorded at "NAME-suffix", the ids
 * form_fields gives them. */
struct fvals *form_read_keyed(struct req *r, const struct formdef *d, const char *suffix);

/* The field descriptors of d as form_view builds them, with ids
 * "NAME-suffix" (suffix may be NULL: ids are the names). New reference. */
json_t *form_fields(struct req *r, const struct formdef *d, const struct fvals *v, json_t *stored, const char *suffix);

/* form_read for one row's form in a list (the district and config-item
 * rows): the errors are recorded at "NAME-row", the row's field ids. */
struct fvals *form_read_row(struct req *r, const struct formdef *d, long long row);

/* Returns the normalised value of name, or NULL (empty, bad, unknown). */
const char *fv_str(const struct fvals *v, const char *name);

/* Returns the normalised value of name, or "" (for NOT NULL text columns). */
const char *fv_text(const struct fvals *v, const char *name);

/* Returns the number (number, ref id, yes/no or check) of name, or 0. */
double fv_num(const struct fvals *v, const char *name);

/* ---------- the view (form_view.c) ---------- */

/*
 * Builds the fields of d for templates/field.mustache into the view:
 * view.fields (in order, for {{>fields}}), view.f.NAME (one field, for
 * {{#f.NAME}}{{>field}}{{/f.NAME}}) and view.form.NAME (the value shown,
 * for JSON clients). The value is what was typed when v is given (a
 * refused POST), else stored[name] (string or number), else "".
 * Errors come from view_error calls made before.
 */
void form_view(struct req *r, const struct formdef *d, const struct fvals *v, json_t *stored);

/* Sets the options of a ref field built by form_view (options: [{value,
 * label}], stolen), marking the shown value selected. */
void form_view_options(struct req *r, const char *name, json_t *options);

/*
 * The one stale-form answer (409) for every form: view.conflict = {what,
 * message, saved: [{label, value}]} with what stored now holds for d's
 * fields (stored may be NULL: then saved is the extra text only), and
 * the message as an error of the whole form (view_form_error, the summary
 * links to the box #conflict; no field is marked invalid, field is kept
 * for the callers' sake). templates/conflict.mustache shows it.
 * now_saved (may be NULL) is added to the message ("nu sparat är 10
 * månader"). Returns 409.
 */
int form_conflict(struct req *r, const struct formdef *d, json_t *stored, const char *field, const char *what,
    const char *now_saved);

/* Adds view.conflict.typed = [{label, value}], what was typed in v, for a
 * list whose rows show only what is saved (call after form_conflict). */
void form_conflict_typed(struct req *r, const struct fvals *v);

/* Sets row.error (and row.invalid) from the errors recorded at "NAME-id"
 * for every row of rows (an array of objects with "id"), for list pages
 * whose rows are forms. */
void form_row_errors(struct req *r, json_t *rows, const char *name);

/* Puts what was typed (v) into the row of rows with this id, so a list
 * whose rows are forms shows a refused row as it was sent. */
void form_row_keep(json_t *rows, long long id, const struct fvals *v);

#endif

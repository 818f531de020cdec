/* test_formdef.c - the one form model: the date, time and length readers,
 * form_read's typed values and Swedish errors, and the table itself
 * (every form's fields well formed, every choice labelled). */
#include "formdef.h"
#include "http.h"
#include "date.h"
#include "check.h"

#include <stdio.h>

static void dates(void)
{
	char out[11];
	const char *today = "2026-12-02";
	struct { const char *in, *want; } ok[] = {
		{ "2026-12-09", "2026-12-09" }, { "20261209", "2026-12-09" }, { "9/12", "2026-12-09" },
		{ "09/12", "2026-12-09" }, { "9/12 2025", "2025-12-09" }, { "9/12-2025", "2025-12-09" },
		{ " 1/1 ", "2026-01-01" }, { "29/2 2024", "2024-02-29" }, { "2024-02-29", "2024-02-29" },
		{ "31/12 1999", "1999-12-31" },
	};
	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		CHECK(form_date(ok[i].in, today, out) == 0, "date [%s] read", ok[i].in);
		CHECK_STR(out, ok[i].want);
	}
	const char *bad[] = {
		"", "igår", "2025-02-29", "29/2 2025", "31/4", "31/4 2026", "0/1", "1/13", "32/1", "2026-13-01",
		"20260230", "45352",	/* an Excel serial is no form date */
		"9/12 26", "9.12", "2026-12-9", "9/12/2026x", "12345678901",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		CHECK(form_date(bad[i], today, out) < 0, "date [%s] refused", bad[i]);
		CHECK_STR(out, "");
	}
	/* D/M takes today's year, also near the turn of the year */
	CHECK(form_date("29/2", "2028-01-05", out) == 0, "29/2 in a leap year");
	CHECK_STR(out, "2028-02-29");
	CHECK(form_date("29/2", "2027-01-05", out) < 0, "29/2 in a common year");
}

static void times(void)
{
	char out[6];
	struct { const char *in, *want; } ok[] = { { "13:30", "13:30" }, { "9:05", "09:05" }, { "13.30", "13:30" },
		{ "0930", "09:30" }, { "00:00", "00:00" }, { "23:59", "23:59" } };
	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		CHECK(form_time(ok[i].in, out) == 0, "time [%s] read", ok[i].in);
		CHECK_STR(out, ok[i].want);
	}
	const char *bad[] = { "", "24:00", "12:60", "1:5", "930", "12:30x", "ab:cd", "123:00", "-1:00" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		CHECK(form_time(bad[i], out) < 0, "time [%s] refused", bad[i]);
}

static void chars(void)
{
	CHECK(utf8_chars("") == 0, "empty");
	CHECK(utf8_chars("abc") == 3, "ascii");
	CHECK(utf8_chars("åäö") == 3, "three characters in six bytes");
	CHECK(utf8_chars("Ö€😀") == 3, "two-, three- and four-byte characters");
}

/* A request whose POST body is body, as the server would parse it. */
static void post(struct req *r, const char *body)
{
	memset(r, 0, sizeof *r);
	r->is_post = 1;
	r->view = json_object();
	form_parse(&r->form, &r->arena, body, strlen(body));
}

static void done_req(struct req *r)
{
	json_decref(r->view);
	arena_free(&r->arena);
}

/* The error view_error recorded at field, or NULL. */
static const char *error_at(struct req *r, const char *field)
{
	return json_string_value(json_object_get(json_object_get(r->view, "field_errors"), field));
}

static const struct fchoice colours[] = { { "red", "Röd" }, { "blue", "Blå" }, { NULL, NULL } };
static const struct fdef test_fields[] = {
	{ .name = "name", .label = "Namn", .kind = FK_TEXT, .required = 1, .max_chars = 5 },
	{ .name = "when", .label = "Datum", .kind = FK_DATE },
	{ .name = "rent", .label = "Hyra", .kind = FK_NUMBER, .min = 0, .max = 100000 },
	{ .name = "area", .label = "Yta", .kind = FK_NUMBER, .min = 5, .max = 500, .decimals = 1 },
	{ .name = "colour", .label = "Färg", .kind = FK_CHOICE, .choices = colours },
	{ .name = "yes", .label = "Svar", .kind = FK_YESNO },
	{ .name = "tick", .label = "Kryss", .kind = FK_CHECK },
	{ .name = "ref", .label = "Stadsdel", .kind = FK_REF },
	{ .name = NULL }
};
static const struct fdef dates_fields[] = { { .name = "d", .label = "Datum", .kind = FK_DATES }, { .name = NULL } };
static const struct formdef dates_form = { .id = "d", .page = "/d", .action = "/d", .user = "x", .fields = dates_fields };
static const struct formdef test_form = { .id = "test", .page = "/t", .action = "/t", .user = "x", .fields = test_fields };

static void reader(void)
{
	struct req r;
	/* å, ä, ö are two bytes each: five characters fit in five */
	post(&r, "name=%C3%85s%C3%A4%C3%B6a&when=9%2F12+2025&rent=6+200&area=38%2C5&colour=blue&yes=0&tick=1&ref=7");
	struct fvals *v = form_read(&r, &test_form);
	CHECK(!view_has_errors(&r), "all good");
	CHECK_STR(fv_str(v, "name"), "Åsäöa");
	CHECK_STR(fv_str(v, "when"), "2025-12-09");
	CHECK(fv_num(v, "rent") == 6200, "rent 6 200");
	CHECK_STR(fv_str(v, "rent"), "6200");
	CHECK(fv_num(v, "area") == 38.5, "area 38,5");
	CHECK_STR(fv_str(v, "colour"), "blue");
	CHECK(fv_num(v, "yes") == 0 && fv_str(v, "yes"), "nej read");
	CHECK(fv_num(v, "tick") == 1, "ticked");
	CHECK(fv_num(v, "ref") == 7, "ref id");
	done_req(&r);

	/* six characters are one too many; bad values keep what was typed */
	post(&r, "name=%C3%85s%C3%A4%C3%B6ab&when=31%2F4&rent=6%2C5&area=4&colour=green&yes=kanske&ref=x");
	v = form_read(&r, &test_form);
	CHECK_STR(error_at(&r, "name"), "Namn får vara högst 5 tecken (nu 6).");
	CHECK(error_at(&r, "when") && strstr(error_at(&r, "when"), "ÅÅÅÅ-MM-DD"), "impossible date refused");
	CHECK(error_at(&r, "rent") != NULL, "no decimals in whole kronor");
	CHECK_STR(error_at(&r, "area"), "Yta: ange ett tal mellan 5 och 500.");
	CHECK_STR(error_at(&r, "colour"), "Välj färg i listan.");
	CHECK(error_at(&r, "yes") != NULL, "yes/no refuses other words");
	CHECK(error_at(&r, "ref") != NULL, "ref needs an id");
	CHECK(fv_str(v, "name") == NULL && fv_str(v, "when") == NULL, "no value from a bad field");
	form_view(&r, &test_form, v, NULL);
	json_t *f = json_object_get(r.view, "f");
	CHECK_STR(json_string_value(json_object_get(json_object_get(f, "when"), "value")), "31/4");
	CHECK_STR(json_string_value(json_object_get(json_object_get(f, "name"), "error")), "Namn får vara högst 5 tecken (nu 6).");
	CHECK(json_is_true(json_object_get(json_object_get(f, "name"), "required")), "required marked");
	json_t *opts = json_object_get(json_object_get(f, "colour"), "options");
	CHECK(json_array_size(opts) == 2, "two choices");
	done_req(&r);

	/* a list of dates in any accepted form, normalised */
	post(&r, "d=2027-03-01%2C+1%2F9+2027%3B+20280101+2028-02-01");
	v = form_read(&r, &dates_form);
	CHECK_STR(fv_str(v, "d"), "2027-03-01, 2027-09-01, 2028-01-01, 2028-02-01");
	done_req(&r);
	post(&r, "d=2027-03-01%2C+31%2F2");
	v = form_read(&r, &dates_form);
	CHECK(error_at(&r, "d") != NULL && fv_str(v, "d") == NULL, "one impossible date refuses the list");
	done_req(&r);

	/* required and empty */
	post(&r, "name=+&when=");
	v = form_read(&r, &test_form);
	CHECK_STR(error_at(&r, "name"), "Fyll i namn.");
	CHECK(error_at(&r, "when") == NULL, "an optional empty date is fine");
	CHECK(fv_num(v, "tick") == 0, "unticked");
	done_req(&r);

	/* the view of a stored row: choice selected, number in Swedish */
	post(&r, "");
	r.is_post = 0;
	json_t *stored = json_pack("{s:s, s:f, s:s, s:i}", "name", "Åsa", "area", 38.5, "colour", "red", "ref", 7);
	form_view(&r, &test_form, NULL, stored);
	f = json_object_get(r.view, "f");
	CHECK_STR(json_string_value(json_object_get(json_object_get(f, "area"), "value")), "38,5");
	CHECK_STR(json_string_value(json_object_get(json_object_get(f, "ref"), "value")), "7");
	json_t *red = json_array_get(json_object_get(json_object_get(f, "colour"), "options"), 0);
	CHECK(json_is_true(json_object_get(red, "selected")), "stored choice selected");
	/* the one conflict shape */
	CHECK(form_conflict(&r, &test_form, stored, "name", "testet", NULL) == 409, "409");
	json_t *c = json_object_get(r.view, "conflict");
	CHECK_STR(json_string_value(json_object_get(c, "what")), "testet");
	json_t *saved = json_object_get(c, "saved");
	CHECK_STR(json_string_value(json_object_get(json_array_get(saved, 4), "value")), "Röd");
	/* the form's error, not a field's: in the summary, linked to the box */
	CHECK(error_at(&r, "name") == NULL, "no field marked invalid");
	json_t *e = json_array_get(json_object_get(r.view, "errors"), 0);
	CHECK_STR(json_string_value(json_object_get(e, "href")), "#conflict");
	CHECK(strstr(json_string_value(json_object_get(e, "message")), "Någon annan har ändrat testet") != NULL, "the message in the summary");
	json_decref(stored);
	done_req(&r);
}

/* Every described form: unique ids, fields named, labelled and kinded,
 * choices labelled, a user to send it. */
static void table(void)
{
	for (size_t i = 0; formdefs[i]; i++) {
		const struct formdef *d = formdefs[i];
		CHECK(formdef_find(d->id) == d, "%s found by id (unique)", d->id);
		CHECK(d->page && d->action && d->user && d->page[0] == '/' && d->action[0] == '/', "%s: paths and user", d->id);
		CHECK(d->fields[0].name != NULL, "%s has fields", d->id);
		for (size_t j = 0; d->fields[j].name; j++) {
			const struct fdef *f = &d->fields[j];
			CHECK(f->label && *f->label, "%s.%s labelled", d->id, f->name);
			CHECK(formdef_field(d, f->name) == f, "%s.%s named once", d->id, f->name);
			if (f->kind == FK_CHOICE) {
				CHECK(f->choices && f->choices[0].value, "%s.%s has choices", d->id, f->name);
				for (size_t k = 0; f->choices && f->choices[k].value; k++)
					CHECK(f->choices[k].label && *f->choices[k].label, "%s.%s choice labelled", d->id, f->name);
			}
			if (f->kind == FK_NUMBER)
				CHECK(f->min <= f->max, "%s.%s range", d->id, f->name);
		}
	}
	for (size_t i = 0; role_choices[i].value; i++)
		CHECK_STR(role_label(role_from_name(role_choices[i].value)), role_choices[i].label);
	json_t *j = formdefs_json();
	size_t n = 0;
	while (formdefs[n])
		n++;
	CHECK(json_array_size(j) == n, "the JSON lists every form");
	json_decref(j);
}

int main(void)
{
	dates();
	times();
	chars();
	reader();
	table();
	return check_done();
}

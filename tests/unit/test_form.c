/* test_form.c - urlencoded and cookie parsing, typed getters. */
#include "form.h"
#include "util.h"
#include "check.h"

static void parse_ok(void)
{
	struct arena a = { 0 };
	struct form f = { 0 };
	const char *body = "name=Anna+Andersson&city=G%C3%B6teborg&empty=&flag&a%26b=c%3Dd&name=second";
	CHECK(form_parse(&f, &a, body, strlen(body)) == 0, "parse");
	CHECK_STR(form_get(&f, "name"), "Anna Andersson");
	CHECK_STR(form_get(&f, "city"), "Göteborg");
	CHECK_STR(form_get(&f, "empty"), "");
	CHECK_STR(form_get(&f, "flag"), "");
	CHECK_STR(form_get(&f, "a&b"), "c=d");
	CHECK(form_get(&f, "missing") == NULL, "absent key is NULL");
	CHECK(f.n == 6, "six fields, got %zu", f.n);
	/* multi-line text keeps its newlines */
	struct form g = { 0 };
	CHECK(form_parse(&g, &a, "t=a%0D%0Ab%09c", 14) == 0, "newline and tab allowed");
	CHECK_STR(form_get(&g, "t"), "a\r\nb\tc");
	arena_free(&a);
}

static void parse_bad(void)
{
	struct arena a = { 0 };
	const char *bad[] = {
		"x=%",		/* truncated escape */
		"x=%4",		/* truncated escape */
		"x=%zz",	/* not hex */
		"x=%C3",	/* truncated UTF-8 */
		"x=%C0%80",	/* overlong */
		"x=%ED%A0%80",	/* surrogate */
		"x=%FF",	/* invalid byte */
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct form f = { 0 };
		CHECK(form_parse(&f, &a, bad[i], strlen(bad[i])) < 0, "rejects %s", bad[i]);
	}
	/* control and bidi characters in a value: taken out, the field marked
	 * (the form says so at the field); in a name: refused */
	static const struct { const char *in, *out; } cleaned[] = {
		{ "x=a%00b", "ab" }, { "x=bell%07", "bell" }, { "x=gnp.exe%E2%80%AEtxt", "gnp.exetxt" },
		{ "x=a%C2%85b", "ab" }, { "x=%E2%81%A6", "" },
	};
	for (size_t i = 0; i < sizeof cleaned / sizeof cleaned[0]; i++) {
		struct form f = { 0 };
		CHECK(form_parse(&f, &a, cleaned[i].in, strlen(cleaned[i].in)) == 0, "parses %s", cleaned[i].in);
		const struct form_field *x = form_field_get(&f, "x");
		CHECK(x && x->cleaned && !strcmp(x->value, cleaned[i].out) && x->len == strlen(cleaned[i].out),
		    "%s is cleaned to \"%s\"", cleaned[i].in, cleaned[i].out);
	}
	struct form plain = { 0 };
	CHECK(form_parse(&plain, &a, "x=%C3%A5", 8) == 0 && !form_field_get(&plain, "x")->cleaned, "å is not cleaned");
	struct form badname = { 0 };
	CHECK(form_parse(&badname, &a, "x%07=1", 6) < 0, "a name with a control character is refused");
	/* too many fields */
	struct buf b;
	buf_init(&b);
	for (int i = 0; i <= FORM_MAX_FIELDS; i++)
		buf_puts(&b, "k=v&");
	struct form f = { 0 };
	CHECK(form_parse(&f, &a, b.data, b.len) < 0, "field limit");
	buf_free(&b);
	arena_free(&a);
}

static void cookies(void)
{
	struct arena a = { 0 };
	const char *h = "theme=dark; bf_session=abc123; bf_pre=\"quoted\"; bf_session2=no";
	CHECK_STR(cookie_get(&a, h, "bf_session"), "abc123");
	CHECK_STR(cookie_get(&a, h, "bf_pre"), "quoted");
	CHECK(cookie_get(&a, h, "session") == NULL, "no prefix match");
	CHECK(cookie_get(&a, NULL, "x") == NULL, "no header");
	CHECK(cookie_get(&a, "bf_session", "bf_session") == NULL, "name without value");
	arena_free(&a);
}

static void getters(void)
{
	CHECK(parse_id("42") == 42, "id");
	CHECK(parse_id("0") == 0, "zero is no id");
	CHECK(parse_id("-1") == 0, "negative");
	CHECK(parse_id("12a") == 0, "trailing junk");
	CHECK(parse_id("") == 0 && parse_id(NULL) == 0, "empty");
	CHECK(parse_id("99999999999999999999") == 0, "overflow");
	CHECK(valid_date("2024-02-29"), "leap day");
	CHECK(!valid_date("2023-02-29"), "not a leap year");
	CHECK(!valid_date("2024-13-01"), "month 13");
	CHECK(!valid_date("2024-04-31"), "April 31");
	CHECK(!valid_date("24-01-01") && !valid_date("2024/01/01") && !valid_date("2024-1-01"), "shape");
	CHECK(valid_date("2000-02-29") && !valid_date("1900-02-29"), "century leap rule");
	CHECK(text_is_clean("åäö ÅÄÖ é", strlen("åäö ÅÄÖ é")), "Swedish letters");
	CHECK(!text_is_clean("a\x1b[31m", 6), "escape sequence");
}

static void arena_and_buf(void)
{
	struct arena a = { 0 };
	char *big = arena_alloc(&a, 100000);
	big[99999] = 'x';
	CHECK_STR(arena_printf(&a, "%s-%d", "n", 7), "n-7");
	arena_free(&a);
	struct buf b;
	buf_init(&b);
	buf_html_escape(&b, "<a href=\"x\">'&'</a>", 19);
	CHECK_STR(b.data, "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
	buf_free(&b);
}

/* File parts never reach the form values; text parts are checked. */
static void multipart(void)
{
	struct arena a = { 0 };
	struct form f = { 0 }, files = { 0 };
	static const char body[] = "--XX\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhej\r\n"
	    "--XX\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.csv\"\r\n\r\nP\xF6r\0x\r\n--XX--\r\n";
	CHECK(form_parse_multipart(&f, &files, &a, "multipart/form-data; boundary=XX", body, sizeof body - 1) == 0, "parses");
	CHECK_STR(form_get(&f, "note"), "hej");
	CHECK(form_get(&f, "file") == NULL, "the file part is not a form value");
	const struct form_field *x = form_field_get(&files, "file");
	CHECK(x && x->len == 5 && !memcmp(x->value, "P\xF6r\0x", 5), "the file's raw bytes, NUL included");
	struct form g = { 0 }, gf = { 0 };
	static const char bad[] = "--XX\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nP\xF6r\r\n--XX--\r\n";
	CHECK(form_parse_multipart(&g, &gf, &a, "multipart/form-data; boundary=XX", bad, sizeof bad - 1) < 0, "bad text part");
	static const char rlo[] = "--XX\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\na\xE2\x80\xAE" "b\r\n--XX--\r\n";
	struct form h = { 0 }, hf = { 0 };
	CHECK(form_parse_multipart(&h, &hf, &a, "multipart/form-data; boundary=XX", rlo, sizeof rlo - 1) == 0, "bidi override parses");
	/* parameters found as parameters, not inside another one: filename
	 * before name, and a field called "filename=" */
	static const char order[] = "--XX\r\nContent-Disposition: form-data; filename=\"a.csv\"; name=\"file\"\r\n\r\nx\r\n--XX--\r\n";
	struct form o = { 0 }, of = { 0 };
	CHECK(form_parse_multipart(&o, &of, &a, "multipart/form-data; boundary=XX", order, sizeof order - 1) == 0 &&
	    form_field_get(&of, "file") && !form_field_get(&o, "file"), "filename before name: a file part named file");
	static const char odd[] = "--XX\r\nContent-Disposition: form-data; name=\"filename=\"; filename=\"f.csv\"\r\n\r\nx\r\n--XX--\r\n";
	struct form d = { 0 }, df = { 0 };
	CHECK(form_parse_multipart(&d, &df, &a, "multipart/form-data; boundary=XX", odd, sizeof odd - 1) == 0 &&
	    form_field_get(&df, "filename=") && !d.n, "a file part whose name is \"filename=\" is still a file part");
	const struct form_field *hx = form_field_get(&h, "note");
	CHECK(hx && hx->cleaned && !strcmp(hx->value, "ab"), "the override is taken out of the text part and marked");
	CHECK(!text_is_clean("a\xE2\x81\xA6" "b", 5), "isolate U+2066");
	CHECK(!text_is_clean("a\xC2\x85" "b", 4), "C1 control NEL");
	CHECK(text_is_clean("a\xE2\x80\x8E" "b", 5), "a left-to-right mark is harmless");
	arena_free(&a);
}

/* Numbers as Swedes write them. */
static void numbers(void)
{
	double v;
	CHECK(parse_number("6 200", 0, &v) == 0 && v == 6200, "thousands with a space");
	CHECK(parse_number("6\xC2\xA0" "200", 0, &v) == 0 && v == 6200, "a no-break space");
	CHECK(parse_number("38,5", 1, &v) == 0 && v == 38.5, "decimal comma");
	CHECK(parse_number("38.5", 1, &v) == 0 && v == 38.5, "decimal point");
	CHECK(parse_number("38,55", 1, &v) < 0, "too many decimals");
	CHECK(parse_number("6 200,50", 0, &v) < 0, "no decimals allowed");
	CHECK(parse_number("", 0, &v) < 0 && parse_number("två", 0, &v) < 0 && parse_number("1,", 1, &v) < 0, "not numbers");
	CHECK(parse_number(",5", 1, &v) < 0 && parse_number("1 2,3 4", 1, &v) < 0, "misplaced separators");
	CHECK(parse_number("-1", 0, &v) == 0 && v == -1, "negative, for the caller's range check");
}

int main(void)
{
	numbers();
	multipart();
	parse_ok();
	parse_bad();
	cookies();
	getters();
	arena_and_buf();
	return check_done();
}

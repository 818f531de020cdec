/* test_personnummer.c - formats, Luhn, dates, samordningsnummer, century. */
#include "personnummer.h"
#include "check.h"

static const char *today = "2026-11-25";

static void ok(const char *in, const char *want, const char *birth, char sex)
{
	struct pnr p;
	const char *why = pnr_parse(in, today, &p);
	CHECK(why == NULL, "%s: %s", in, why ? why : "");
	if (!why) {
		CHECK_STR(p.normalized, want);
		CHECK_STR(p.birth_date, birth);
		CHECK(p.sex == sex, "%s: sex %c", in, p.sex);
	}
}

static void bad(const char *in, const char *expect_in_message)
{
	struct pnr p;
	const char *why = pnr_parse(in, today, &p);
	CHECK(why != NULL && strstr(why, expect_in_message), "%s: got %s", in, why ? why : "accepted");
}

int main(void)
{
	/* Skatteverket's test numbers */
	ok("19121212-1212", "19121212-1212", "1912-12-12", 'M');
	ok("191212121212", "19121212-1212", "1912-12-12", 'M');
	ok("121212-1212", "20121212-1212", "2012-12-12", 'M');	/* 10 digits: latest possible century */
	ok("121212+1212", "19121212-1212", "1912-12-12", 'M');	/* + : 100 years or older */
	ok("1212121212", "20121212-1212", "2012-12-12", 'M');
	ok("19900101-0017", "19900101-0017", "1990-01-01", 'M');
	ok("199001010009", "19900101-0009", "1990-01-01", 'K');
	ok("19701063-2391", "19701063-2391", "1970-10-03", 'M');	/* samordningsnummer: day + 60 */
	ok(" 19900101-0017 ", "19900101-0017", "1990-01-01", 'M');
	bad("19121212-1213", "Kontrollsiffran");
	bad("19900101-0018", "Kontrollsiffran");
	bad("19900230-0003", "datum");	/* 30 February (Luhn-valid) */
	bad("19901301-0005", "datum");	/* month 13 */
	bad("20501212-1215", "framtiden");
	bad("199001010", "10 eller 12");
	bad("19900101-00179", "för många");
	bad("1990-01-01-0017", "bindestreck");
	bad("19900101x0017", "bara innehålla");
	bad("", "Ange");
	bad("191212121212+", "bindestreck");
	bad("19121212+1212", "plustecken");
	return check_done();
}

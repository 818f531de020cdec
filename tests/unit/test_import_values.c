/* test_import_values.c - readers for hand-typed statusrapport cells. */
#include "import_values.h"
#include "check.h"

/* Checks that iv_date reads s as want. */
static void date_is(const char *s, const char *want)
{
	char out[11] = "x";
	int rc = iv_date(s, out);
	CHECK(rc == 0, "iv_date(\"%s\") = %d", s, rc);
	CHECK_STR(out, want);
}

static void dates(void)
{
	date_is("2024-03-01", "2024-03-01");
	date_is("  2024-02-29\t", "2024-02-29");
	date_is("20240301", "2024-03-01");
	date_is("1/3 2024", "2024-03-01");
	date_is("1/3-2024", "2024-03-01");
	date_is("1/3 - 2024", "2024-03-01");
	date_is("01/03 2024", "2024-03-01");
	date_is("31/12 2023", "2023-12-31");
	date_is(" 29/2 2024 ", "2024-02-29");
	date_is("45352", "2024-03-01");
	date_is("45351", "2024-02-29");
	date_is("45292", "2024-01-01");
	date_is("20000", "1954-10-03");
	date_is("80000", "2119-01-11");
	date_is("36526", "2000-01-01");

	const char *bad[] = {
		"", "   ", "2024-02-30", "2023-02-29", "2024-13-01", "2024-00-10", "2024-1-01", "2024/03/01",
		"20240230", "2024031", "31/4 2024", "32/1 2024", "0/1 2024", "1/0 2024", "1/13 2024",
		"29/2 2023", "1/3 24", "1/32024", "1/3 2024x", "1/3", "123/3 2024", "19999", "80001",
		"45352.0", "-45352", "1", "idag", "2024-03-01 12:00",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char out[11] = "x";
		CHECK(iv_date(bad[i], out) == -1, "iv_date rejects \"%s\"", bad[i]);
		CHECK_STR(out, "");
	}
	char out[11];
	CHECK(iv_date(NULL, out) == -1, "iv_date(NULL)");
}

static void yes_no(void)
{
	CHECK(iv_yes_no("ja") == 1, "ja");
	CHECK(iv_yes_no("Ja") == 1, "Ja");
	CHECK(iv_yes_no(" JA\t") == 1, "JA");
	CHECK(iv_yes_no("nej") == 0, "nej");
	CHECK(iv_yes_no(" NEJ ") == 0, "NEJ");
	CHECK(iv_yes_no("Nej") == 0, "Nej");
	const char *bad[] = { "", " ", "j", "jaa", "ja nej", "nej.", "yes", "no", "1", "0", "n e j" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		CHECK(iv_yes_no(bad[i]) == -1, "iv_yes_no rejects \"%s\"", bad[i]);
	CHECK(iv_yes_no(NULL) == -1, "iv_yes_no(NULL)");
}

static void ordinal_is(const char *s, long long want)
{
	long long v = -7;
	int rc = iv_ordinal(s, &v);
	CHECK(rc == 0 && v == want, "iv_ordinal(\"%s\") = %d, %lld, want %lld", s, rc, v, want);
}

static void ordinals(void)
{
	ordinal_is("ja", 1);
	ordinal_is(" JA ", 1);
	ordinal_is("nej, 2", 2);
	ordinal_is("nej 2", 2);
	ordinal_is("nej,2", 2);
	ordinal_is("Nej, 3", 3);
	ordinal_is("NEJ ,  4", 4);
	ordinal_is("2", 2);
	ordinal_is(" 7 ", 7);
	ordinal_is("2:a", 2);
	ordinal_is("3:e", 3);
	ordinal_is("3:E", 3);
	ordinal_is("nej, 2:a", 2);
	ordinal_is("50", 50);
	const char *bad[] = {
		"", " ", "nej", "nej,", "Nej ", "1", "0", "51", "100", "1000", "två", "ja, 2", "ja 2", "nej2",
		"2:", "2:b", "2a", "-2", "+2", "2.0", "nej, nej", "nej, 1", "nej, 51", "2 3",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		long long v = -7;
		CHECK(iv_ordinal(bad[i], &v) == -1 && v == -7, "iv_ordinal rejects \"%s\"", bad[i]);
	}
	long long v = -7;
	CHECK(iv_ordinal(NULL, &v) == -1 && v == -7, "iv_ordinal(NULL)");
}

/* Checks that iv_reason reads s as reason, ground and note. */
static void reason_is(const char *s, const char *reason, const char *ground, const char *note)
{
	char r[16] = "x", g[16] = "x", nt[64] = "x";
	int rc = iv_reason(s, r, g, nt, sizeof nt);
	CHECK(rc == 0, "iv_reason(\"%s\") = %d", s, rc);
	CHECK_STR(r, reason);
	CHECK_STR(g, ground);
	CHECK_STR(nt, note);
}

static void reasons(void)
{
	reason_is("vräkt", "evicted", "", "");
	reason_is("Vräkt", "evicted", "", "");
	reason_is(" VRÄKT ", "evicted", "", "");
	reason_is("vräkt (störningar)", "evicted", "disturbance", "");
	reason_is("vräkt(Störningar)", "evicted", "disturbance", "");
	reason_is("vräkt, störningar", "evicted", "disturbance", "");
	reason_is("vräkt pga störningar", "evicted", "disturbance", "");
	reason_is("Vräkt PGA STÖRNINGAR", "evicted", "disturbance", "");
	reason_is("vräkt p.g.a. störningar", "evicted", "disturbance", "");
	reason_is("vräkt: störning", "evicted", "disturbance", "");
	reason_is("vräkt (hyresskuld)", "evicted", "arrears", "");
	reason_is("vräkt, hyresskuld", "evicted", "arrears", "");
	reason_is("vräkt pga skulder", "evicted", "arrears", "");
	reason_is("vräkt ( skulder )", "evicted", "arrears", "");
	reason_is("vräkt - hyresskuld", "evicted", "arrears", "");
	reason_is("vräkt \xE2\x80\x93 hyresskuld", "evicted", "arrears", "");
	reason_is("vräkt (Bråk med grannar)", "evicted", "other", "Bråk med grannar");
	reason_is("vräkt, skadegörelse", "evicted", "other", "skadegörelse");
	reason_is("vräkt pga skadegörelse", "evicted", "other", "skadegörelse");
	reason_is("vräkt ()", "evicted", "", "");
	reason_is("vräkt,", "evicted", "", "");
	reason_is("ville", "wanted", "", "");
	reason_is("Ville", "wanted", "", "");
	reason_is("ville flytta", "wanted", "", "");
	reason_is(" Ville  Flytta ", "wanted", "", "");
	reason_is("annat", "other", "", "");
	reason_is("ANNAT", "other", "", "");
	reason_is("annat: flyttade till släkt", "other", "", "flyttade till släkt");
	reason_is("annat - flyttade till släkt", "other", "", "flyttade till släkt");
	reason_is("annat, flyttade till släkt", "other", "", "flyttade till släkt");
	reason_is("annat:flyttade", "other", "", "flyttade");
	reason_is("annat (fängelse)", "other", "", "fängelse");
	reason_is("annat:", "other", "", "");
	reason_is("avliden", "deceased", "", "");
	reason_is("Avliden", "deceased", "", "");
	reason_is("död", "deceased", "", "");
	reason_is("DÖD", "deceased", "", "");
	reason_is("Död", "deceased", "", "");

	const char *bad[] = {
		"", "  ", "vräktes", "vräkt störningar", "vräkt (störningar", "vräkt (störningar) igen", "vräktpga skulder",
		"vräkt pgastörningar", "ville inte", "villeflytta", "annats", "annat text", "annan", "avled", "döda",
		"hyresskuld", "störningar", "skulder", "flyttade", "ja", "evicted",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char r[16] = "x", g[16] = "x", nt[32] = "x";
		CHECK(iv_reason(bad[i], r, g, nt, sizeof nt) == -1, "iv_reason rejects \"%s\"", bad[i]);
		CHECK(!r[0] && !g[0] && !nt[0], "outputs empty for \"%s\"", bad[i]);
	}
	char r[16], g[16];
	CHECK(iv_reason(NULL, r, g, NULL, 0) == -1, "iv_reason(NULL)");
	/* note may be left out */
	CHECK(iv_reason("annat: x", r, g, NULL, 0) == 0, "no note buffer");
	CHECK_STR(r, "other");
}

/* A note longer than its buffer is cut, never inside a character. */
static void note_cut(void)
{
	char r[16], g[16], nt[8];
	/* "åäöåäö" is 12 bytes: 7 bytes of room hold three whole letters */
	CHECK(iv_reason("annat: åäöåäö", r, g, nt, sizeof nt) == 0, "long note");
	CHECK_STR(nt, "åäö");
	/* "aåäö": a plus three letters of two bytes; 7 bytes hold "aåäö" */
	CHECK(iv_reason("vräkt (aåäöx)", r, g, nt, sizeof nt) == 0, "long ground text");
	CHECK_STR(g, "other");
	CHECK_STR(nt, "aåäö");
	/* 6 bytes of room: "aåä" is 5 bytes, ö would need 7 */
	char n6[7];
	CHECK(iv_reason("annat, aåäöx", r, g, n6, sizeof n6) == 0, "cut before ö");
	CHECK_STR(n6, "aåä");
	char n1[1] = "x";
	CHECK(iv_reason("annat, text", r, g, n1, sizeof n1) == 0, "one-byte note");
	CHECK_STR(n1, "");
	char n3[3];
	CHECK(iv_reason("annat: ab", r, g, n3, sizeof n3) == 0, "fits exactly");
	CHECK_STR(n3, "ab");
	CHECK(iv_reason("annat: abc", r, g, n3, sizeof n3) == 0, "one too long");
	CHECK_STR(n3, "ab");
	char n2[2];
	CHECK(iv_reason("annat: ö", r, g, n2, sizeof n2) == 0, "no room for one letter");
	CHECK_STR(n2, "");
}

/* Checks that iv_personkod reads s. */
static void code_is(const char *s, const char *name, int age, char sex, int suffix)
{
	char nm[64] = "x";
	int a = -1, sf = -1;
	char sx = '?';
	int rc = iv_personkod(s, nm, &a, &sx, &sf);
	CHECK(rc == 0, "iv_personkod(\"%s\") = %d", s, rc);
	CHECK_STR(nm, name);
	CHECK(a == age && sx == sex && sf == suffix, "\"%s\": age %d sex %c suffix %d", s, a, sx, sf);
}

static void personkoder(void)
{
	code_is("ANBE-45-K", "ANBE", 45, 'K', 0);
	code_is("anbe-45-k", "ANBE", 45, 'K', 0);
	code_is("ANBE-45-K-2", "ANBE", 45, 'K', 2);
	code_is(" ANBE - 45 - K - 3 ", "ANBE", 45, 'K', 3);
	code_is("ÅSÖS-07-M", "ÅSÖS", 7, 'M', 0);
	code_is("åsös-07-m", "ÅSÖS", 7, 'M', 0);
	code_is("Doris-62-K", "DORIS", 62, 'K', 0);
	code_is("doris - 62 - k", "DORIS", 62, 'K', 0);
	code_is("Anna B-45-k", "ANNAB", 45, 'K', 0);
	code_is("Östen-75-M", "ÖSTEN", 75, 'M', 0);
	code_is("östen-75-m", "ÖSTEN", 75, 'M', 0);
	code_is("Élise-30-x", "ÉLISE", 30, 'X', 0);
	code_is("Ärla Ängström-0-X", "ÄRLAÄNGSTRÖM", 0, 'X', 0);
	code_is("Anna-Karin-120-K", "ANNA-KARIN", 120, 'K', 0);
	code_is("Doris\xE2\x80\x93" "62\xE2\x80\x93K", "DORIS", 62, 'K', 0);
	code_is("\tAnna  B \t-45-K\t", "ANNAB", 45, 'K', 0);
	/* 63 bytes of name just fit */
	code_is("ABCDEFGHIJABCDEFGHIJABCDEFGHIJABCDEFGHIJABCDEFGHIJABCDEFGHIJABC-40-M",
	    "ABCDEFGHIJABCDEFGHIJABCDEFGHIJABCDEFGHIJABCDEFGHIJABCDEFGHIJABC", 40, 'M', 0);

	const char *bad[] = {
		"", "  ", "ANBE", "ANBE-45", "ANBE-45-", "ANBE-K", "ANBE-abc-K", "ANBE--K", "ANBE-4 5-K", "ANBE-121-K",
		"ANBE-1000-K", "ANBE-45-Q", "ANBE-45-KK", "ANBE-45-K-", "ANBE-45-K-0", "ANBE-45-K-x", "ANBE-45-K-1000",
		"-45-K", " - 45 - K", "AN2E-45-K", "AN/BE-45-K", "...-45-K", "ANBE-45-K-2-3", "ANBE+45+K",
		/* 70 bytes of name */
		"ABCDEFGHIJABCDEFGHIJABCDEFGHIJABCDEFGHIJABCDEFGHIJABCDEFGHIJABCDEFGHIJ-40-M",
		/* 64 bytes, one too many */
		"ABCDEFGHIJABCDEFGHIJABCDEFGHIJABCDEFGHIJABCDEFGHIJABCDEFGHIJABCD-40-M",
		/* 32 two-byte letters */
		"ÖÖÖÖÖÖÖÖÖÖÖÖÖÖÖÖÖÖÖÖÖÖÖÖÖÖÖÖÖÖÖÖ-40-M",
		"\xC3-45-K", "A\xC3\x42-45-K",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char nm[64] = "x";
		int a = -1, sf = -1;
		char sx = '?';
		CHECK(iv_personkod(bad[i], nm, &a, &sx, &sf) == -1, "iv_personkod rejects \"%s\"", bad[i]);
		CHECK(!nm[0] && a == -1 && sx == '?' && sf == -1, "outputs for \"%s\"", bad[i]);
	}
	char nm[64];
	int a, sf;
	char sx;
	CHECK(iv_personkod(NULL, nm, &a, &sx, &sf) == -1, "iv_personkod(NULL)");
}

int main(void)
{
	dates();
	yes_no();
	ordinals();
	reasons();
	note_cut();
	personkoder();
	return check_done();
}

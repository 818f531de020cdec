/* test_done.c - the confirmations after a change: every entry filled,
 * codes unique and plain, texts Swedish sentences; only codes in the table
 * give a text. */
#include "done.h"
#include "check.h"

#include <ctype.h>

int main(void)
{
	for (int d = 0; d < DONE_COUNT; d++) {
		const char *code = done_code((enum done)d);
		CHECK(code && *code, "entry %d has a code", d);
		if (!code)
			continue;
		for (const char *p = code; *p; p++)
			CHECK(islower((unsigned char)*p) || *p == '-', "%s: a-z and - only", code);
		CHECK(strlen(code) <= 32, "%s is short", code);
		const char *text = done_text(code);
		CHECK(text && strlen(text) > 5 && text[strlen(text) - 1] == '.' &&
		    (isupper((unsigned char)text[0]) || (unsigned char)text[0] == 0xC3),	/* Ä, Ö */
		    "%s: a sentence", code);
		CHECK(!strchr(text, '<') && !strchr(text, '&'), "%s: plain text", code);
		for (int e = 0; e < d; e++)
			CHECK(strcmp(code, done_code((enum done)e)) != 0, "%s is unique", code);
	}
	CHECK_STR(done_text("besok-sparat"), "Besöket är sparat.");
	CHECK_STR(done_text("remiss-skickad"), "Remissen är skickad till Bostad först-teamet.");
	CHECK_STR(done_text("boende-avslutat"), "Boendet är avslutat.");
	CHECK(done_text(NULL) == NULL, "no code");
	CHECK(done_text("") == NULL, "empty code");
	CHECK(done_text("besok-sparat ") == NULL && done_text("BESOK-SPARAT") == NULL && done_text("besok") == NULL, "exact codes only");
	CHECK(done_text("Besöket är sparat.") == NULL, "a text is not a code");
	CHECK(done_code(DONE_COUNT) == NULL && done_code((enum done)-1) == NULL, "out of range");
	return check_done();
}

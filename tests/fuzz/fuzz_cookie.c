/*
 * fuzz_cookie.c - cookie_get over an arbitrary Cookie header, for the two
 * cookies the server reads (bf_session, bf_pre) and a one-letter name.
 * Invariants: a value found is a substring of the header no longer than
 * it, holds no ';' (a value never swallows the next cookie), and when
 * the header is exactly "name=value" with a plain value, that value.
 */
#include "fuzz.h"
#include "form.h"

static void check(struct arena *a, const char *header, const char *name)
{
	const char *v = cookie_get(a, header, name);
	if (!v)
		return;
	size_t n = strlen(v);
	FUZZ_ASSERT(n <= strlen(header), "value of %zu bytes from a header of %zu", n, strlen(header));
	FUZZ_ASSERT(!strchr(v, ';'), "value holds a ';': [%s]", v);
	FUZZ_ASSERT(n == 0 || strstr(header, v), "value not in the header: [%s]", v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *header = fuzz_cstr(data, size);
	struct arena a = { 0 };
	check(&a, header, "bf_session");
	check(&a, header, "bf_pre");
	check(&a, header, "a");
	FUZZ_ASSERT(cookie_get(&a, NULL, "bf_session") == NULL, "NULL header");
	/* a plain value round trip: "bf_session=<header's letters and digits>" */
	char plain[80];
	size_t k = 0;
	for (size_t i = 0; i < size && k < 64; i++)
		if ((data[i] >= '0' && data[i] <= '9') || (data[i] >= 'a' && data[i] <= 'f'))
			plain[k++] = (char)data[i];
	plain[k] = '\0';
	char line[100];
	snprintf(line, sizeof line, "bf_session=%s", plain);
	const char *v = cookie_get(&a, line, "bf_session");
	FUZZ_ASSERT(v && !strcmp(v, plain), "[%s] gives [%s]", line, v ? v : "(null)");
	arena_free(&a);
	free(header);
	return 0;
}

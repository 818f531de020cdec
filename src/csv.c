/* csv.c - writing and reading the statusrapport's CSV. */
#include "csv.h"

#include <stdlib.h>
#include <string.h>

/* Returns 1 when s, after any leading apostrophes, starts with = + - @, a
 * tab or a CR: such a cell gets one more apostrophe on writing and loses
 * one on reading (csv_unformula), so the cell's own apostrophes survive
 * the round trip: two apostrophes and a tab are written as three. */
static int reads_as_formula(const char *s)
{
	while (*s == '\'')
		s++;
	return *s && strchr("=+-@\t\r", *s) != NULL;
}

/* Appends one cell, quoted when it holds a separator, a quote or a line
 * break (RFC 4180; quotes doubled). */
static void cell(struct buf *b, const char *s)
{
	if (!s)
		return;
	/* = + - @ (and a tab or CR) open a formula in Excel and LibreOffice:
	 * such a cell starts with an apostrophe, which they show as text and
	 * csv_parse's readers strip (csv_unformula) */
	int formula = reads_as_formula(s);
	if (!formula && !strpbrk(s, ";,\"\r\n")) {
		buf_puts(b, s);
		return;
	}
	if (!strpbrk(s, ";,\"\r\n")) {
		buf_putc(b, '\'');
		buf_puts(b, s);
		return;
	}
	buf_putc(b, '"');
	if (formula)
		buf_putc(b, '\'');
	for (; *s; s++) {
		if (*s == '"')
			buf_putc(b, '"');
		buf_putc(b, *s);
	}
	buf_putc(b, '"');
}

void csv_row(struct buf *b, const char *const cells[], size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (i)
			buf_putc(b, ';');
		cell(b, cells[i]);
	}
	buf_puts(b, "\r\n");
}

/* Guesses the separator from the first line: the more frequent of ';' and
 * ',' outside quotes (';' on a tie: Swedish Excel). */
static char guess_sep(const char *p, const char *end)
{
	int semi = 0, comma = 0, quoted = 0;
	for (; p < end && (quoted || (*p != '\n' && *p != '\r')); p++) {
		if (*p == '"')
			quoted = !quoted;
		else if (!quoted && *p == ';')
			semi++;
		else if (!quoted && *p == ',')
			comma++;
	}
	return comma > semi ? ',' : ';';
}

int csv_parse(const char *data, size_t len, int (*fn)(void *ctx, int row, char **cells, size_t n), void *ctx)
{
	const char *p = data, *end = data + len;
	if (len >= 3 && !memcmp(p, "\xEF\xBB\xBF", 3))
		p += 3;
	char sep = guess_sep(p, end);
	struct buf field;
	buf_init(&field);
	char *cells[CSV_MAX_CELLS];
	size_t offsets[CSV_MAX_CELLS];
	size_t n = 0;
	int rc = 0, record = 0;
	while (p < end) {
		/* one record */
		buf_reset(&field);
		n = 0;
		for (;;) {
			size_t off = field.len;
			int quoted = 0;
			if (p < end && *p == '"') {
				quoted = 1;
				p++;
				for (;;) {
					if (p >= end) {
						buf_free(&field);
						return -1;
					}
					if (*p == '"') {
						if (p + 1 < end && p[1] == '"') {
							buf_putc(&field, '"');
							p += 2;
							continue;
						}
						p++;
						break;
					}
					buf_putc(&field, *p++);
				}
			}
			while (p < end && *p != sep && *p != '\n' && *p != '\r')
				buf_putc(&field, *p++);
			(void)quoted;
			buf_putc(&field, '\0');
			if (n < CSV_MAX_CELLS)
				offsets[n++] = off;
			if (p < end && *p == sep) {
				p++;
				continue;
			}
			break;
		}
		if (p < end && *p == '\r')
			p++;
		if (p < end && *p == '\n')
			p++;
		for (size_t i = 0; i < n; i++)
			cells[i] = field.data + offsets[i];
		if ((rc = fn(ctx, ++record, cells, n)) != 0)
			break;
	}
	buf_free(&field);
	return rc;
}

const char *csv_unformula(const char *s)
{
	return s[0] == '\'' && reads_as_formula(s) ? s + 1 : s;	/* "''=x" was the cell "'=x" */
}

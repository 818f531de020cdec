/* csv.h - CSV for Swedish Excel: written with ';', CRLF and RFC 4180
 * quoting; read with ';' or ',' (guessed from the first line), with or
 * without a UTF-8 byte-order mark, quoted fields spanning lines. */
#ifndef BF_CSV_H
#define BF_CSV_H

#include <stddef.h>
#include "util.h"

#define CSV_MAX_CELLS 64

/* Appends one record of n cells (NULL is an empty cell) and CRLF. */
void csv_row(struct buf *b, const char *const cells[], size_t n);

/*
 * Calls fn(ctx, row, cells, n) for each record of data (len bytes); row
 * is the record's 1-based number, the row a spreadsheet shows it on (a
 * quoted cell with line breaks is still one row); cells are NUL-terminated
 * and valid during the call only. A record with more than CSV_MAX_CELLS
 * cells has the rest dropped. Stops when fn returns non-zero and returns
 * that; returns -1 for an unterminated quote, else 0.
 */
/* Returns s without the apostrophe csv_row puts before a cell that would
 * read as a formula ("'=1+2" -> "=1+2"; one apostrophe less whenever
 * = + - @, a tab or a CR follows the leading apostrophes, so "''=x" ->
 * "'=x"); other cells as they are. */
const char *csv_unformula(const char *s);

int csv_parse(const char *data, size_t len,
    int (*fn)(void *ctx, int line, char **cells, size_t n), void *ctx);

#endif

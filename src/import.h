/* import.h - the statusrapport import (CLI import-status and the upload). */
#ifndef BF_IMPORT_H
#define BF_IMPORT_H

#include <stddef.h>
#include "util.h"

struct import_result {
	int rows, persons, tenancies, nerrors, year;
	struct buf errors;	/* "Rad N: ..." lines, Swedish; the caller inits and frees it */
};

/*
 * Reads data (len bytes of CSV) into district for user uid (0: the
 * command line). Validates every row first; with errors (listed in
 * res->errors by line) or dry_run nothing is written. Otherwise writes all
 * in one transaction. Rows with the same Personkod are one person; a row
 * with any group B column filled is a tenancy whose contract was taken
 * over. Returns 0 (written or dry run), 1 (validation errors) or -1.
 */
int status_import(const char *data, size_t len, long long district, long long uid, int dry_run, struct import_result *res);

#endif

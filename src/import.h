/* import.h - the statusrapport import (CLI import-status and the upload). */
#ifndef BF_IMPORT_H
#define BF_IMPORT_H

#include <stddef.h>
#include "util.h"

#define IMPORT_MAX_BYTES (32 << 20)	/* a statusrapport of a million rows is about 80 MiB less */

struct import_result {
	int rows, year;
	int persons, tenancies;	/* created (or, in a dry run, that would be) */
	int updated, unchanged;	/* tenancies already in the register */
	int nerrors, nchanges;
	struct buf errors;	/* "Rad N, column (A7): ..." lines, Swedish; the caller inits and frees it */
	struct buf changes;	/* "Rad N (code, inflytt date): what happens" lines; the caller inits and frees it */
};

/*
 * Reads data (len bytes of CSV) into district's register for user uid
 * (0: the command line). Every row is read first, then matched against
 * the register (import.c says how): a known tenancy is updated where the
 * file knows more, an unknown one created with its person. With errors
 * (res->errors, by row and cell) or dry_run nothing is written; otherwise
 * everything in one transaction. Rows with the same Personkod are one
 * person; a row with group B filled is a takeover. Returns 0 (written or
 * dry run), 1 (errors) or -1.
 */
int status_import(const char *data, size_t len, long long district, long long uid, int dry_run, struct import_result *res);

#endif

/*
 * copy.h - the command copy (src/main.c parses its flags): an existing
 * SQLite installation moved into an empty PostgreSQL database, checked by
 * comparing row counts per table.
 */
#ifndef BF_COPY_H
#define BF_COPY_H

/*
 * Copies every table of the SQLite file from (opened read-only; its schema
 * version must be this program's) into the PostgreSQL database to (a libpq
 * connection string, migrated first when older; it must hold no rows but
 * the ones migrations seed), in one PostgreSQL transaction, then compares
 * the row counts and prints them. Returns the process exit status: 0, or 1
 * with the reason on stderr and nothing changed in to. Never prints a value
 * from the database, nor the connection string (it may hold a password).
 */
int copy_run(const char *from, const char *to);

#endif

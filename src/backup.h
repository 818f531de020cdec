/*
 * backup.h - the commands backup, restore and check (src/main.c parses
 * their flags): a consistent copy of a database that is being served and
 * written, checked before it is renamed into place and optionally
 * encrypted; a restore that checks, migrates and never overwrites; and a
 * health check for monitoring. Each returns the process exit status (0, or
 * 1 with the reason on stderr). Output names files, page counts and schema
 * versions, never a value from the database.
 *
 * The encrypted file (format 1):
 *
 *   offset  size  what
 *   0       8     magic "BFBACKUP"
 *   8       1     format version, 1
 *   9       16    key id: BLAKE2b-128 keyed with the key over
 *                 "bostadforst backup key id" (says "wrong key" apart
 *                 from "altered"; reveals nothing of the key)
 *   25      24    crypto_secretstream_xchacha20poly1305 header
 *   49      ...   chunks: each BACKUP_CHUNK bytes of the SQLite file (the
 *                 last one shorter, possibly empty) encrypted with
 *                 crypto_secretstream_xchacha20poly1305_push, the 25 bytes
 *                 before the header as additional data; every chunk is
 *                 tagged MESSAGE except the last, tagged FINAL
 *
 * A flipped byte fails a chunk's authentication, a file cut anywhere ends
 * without the FINAL tag, bytes after FINAL are refused: restore writes
 * nothing in each case.
 */
#ifndef BF_BACKUP_H
#define BF_BACKUP_H

#define BACKUP_MAGIC "BFBACKUP"
#define BACKUP_FORMAT 1
#define BACKUP_CHUNK 65536

/* backup --db PATH --to FILE [--key KEYFILE]. */
int backup_run(const char *db_path, const char *to, const char *keyfile);

/* backup --new-key KEYFILE: 32 random bytes, mode 0600, never overwrites. */
int backup_new_key(const char *keyfile);

/* restore --from FILE --db NEWPATH [--key KEYFILE]. */
int restore_run(const char *from, const char *db_path, const char *keyfile);

/* check --db PATH [--max-wal MIB]: one line per check on stdout. */
int check_run(const char *db_path, long long max_wal_bytes);

#endif

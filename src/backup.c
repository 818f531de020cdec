/*
 * backup.c - backup, restore and check (see backup.h for the encrypted
 * file's format).
 *
 * A backup is taken with SQLite's online backup API from a read-only
 * connection of its own. The database is in WAL mode while it is served,
 * so the copy holds one read transaction from its first page to its last:
 * that pins one snapshot (every page comes from the same instant, and a
 * commit by the server meanwhile cannot make the backup start over, which
 * with a steady stream of writes it otherwise would, for ever), and in WAL
 * mode a reader never blocks a writer. The pages are still copied in
 * steps, with an optional pause between them, so the copy shares the disk
 * with the server. The cost is that checkpoints cannot wrap the WAL behind
 * the pinned snapshot, so the WAL grows by what is written during the
 * backup; `check` reports its size.
 *
 * Every file we make goes first to a temporary file (mkstemp: mode 0600)
 * in the directory of its destination and is renamed into place only
 * after it has been checked and fsynced, so a crash or a failed check
 * leaves the previous backup as it was; SIGINT, SIGTERM and SIGHUP remove
 * the temporary files.
 */
#define _POSIX_C_SOURCE 200809L
#include "backup.h"
#include "db.h"
#include "register.h"
#include "util.h"

#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <signal.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define KEYBYTES crypto_secretstream_xchacha20poly1305_KEYBYTES
#define ABYTES crypto_secretstream_xchacha20poly1305_ABYTES
#define SS_HEADERBYTES crypto_secretstream_xchacha20poly1305_HEADERBYTES
#define KEYID_BYTES 16
#define PREFIX_BYTES (8 + 1 + KEYID_BYTES)	/* magic, version, key id: the additional data of every chunk */
#define PATHLEN 4096
#define BUSY_LIMIT_US (60LL * 1000 * 1000)	/* give up after a minute of SQLITE_BUSY in a row */

_Static_assert(KEYBYTES == 32, "a key file holds 32 bytes");

static const char keyid_context[] = "bostadforst backup key id";
static const char sqlite_magic[16] = "SQLite format 3";	/* with its NUL: the first 16 bytes of every SQLite file */

/* Prints "bostadforst: " and the message on stderr. */
__attribute__((format(printf, 1, 2))) static void say(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("bostadforst: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

/* ---- temporary files, removed on failure and on a signal ---- */

static const char *const sibling[] = { "", "-journal", "-wal", "-shm" };
#define NSIBLINGS 4
#define NTEMPS 2

/* Each temporary file with the names of the siblings SQLite may give it,
 * written out beforehand: the signal handler only calls unlink. */
static struct {
	volatile sig_atomic_t used;
	char path[NSIBLINGS][PATHLEN + 16];
} temps[NTEMPS];

static void on_signal(int sig)
{
	for (int i = 0; i < NTEMPS; i++)
		if (temps[i].used)
			for (int s = 0; s < NSIBLINGS; s++)
				unlink(temps[i].path[s]);
	signal(sig, SIG_DFL);
	raise(sig);
}

static void guard_signals(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

/* Blocks (block = 1) or restores the guarded signals around a change of
 * the temporary-file table and the file system that must go together. */
static void hold_signals(int block, sigset_t *old)
{
	if (block) {
		sigset_t set;
		sigemptyset(&set);
		sigaddset(&set, SIGINT);
		sigaddset(&set, SIGTERM);
		sigaddset(&set, SIGHUP);
		sigprocmask(SIG_BLOCK, &set, old);
	} else {
		sigprocmask(SIG_SETMASK, old, NULL);
	}
}

/*
 * Creates an empty temporary file ".NAME.tag-XXXXXX" (mode 0600) in the
 * directory of beside, whose base name is NAME, and remembers it for
 * removal. Writes its path into out (PATHLEN + 16 bytes). Returns its
 * descriptor and slot (*slot), or -1 with a message printed.
 */
static int make_temp(const char *beside, const char *tag, char *out, int *slot)
{
	const char *slash = strrchr(beside, '/');
	const char *base = slash ? slash + 1 : beside;
	int dirlen = slash ? (int)(slash - beside + 1) : 0;
	int i = 0;
	while (i < NTEMPS && temps[i].used)
		i++;
	if (i == NTEMPS)
		abort();	/* a command makes at most two: a bug */
	if (snprintf(out, PATHLEN, "%.*s.%s.%s-XXXXXX", dirlen, beside, base, tag) >= PATHLEN) {
		say("%s: path too long", beside);
		return -1;
	}
	sigset_t old;
	hold_signals(1, &old);
	int fd = mkstemp(out);
	if (fd >= 0) {
		for (int s = 0; s < NSIBLINGS; s++)
			snprintf(temps[i].path[s], sizeof temps[i].path[s], "%s%s", out, sibling[s]);
		temps[i].used = 1;
		fchmod(fd, 0600);
	}
	int e = errno;
	hold_signals(0, &old);
	if (fd < 0) {
		say("cannot create a temporary file in the directory of %s: %s", beside, strerror(e));
		return -1;
	}
	*slot = i;
	return fd;
}

/* Removes temporary file slot and the siblings SQLite may have left. */
static void remove_temp(int slot)
{
	if (slot < 0 || !temps[slot].used)
		return;
	sigset_t old;
	hold_signals(1, &old);
	for (int s = 0; s < NSIBLINGS; s++)
		unlink(temps[slot].path[s]);
	temps[slot].used = 0;
	hold_signals(0, &old);
}

/* Renames temporary file slot to dest (replacing it). Returns 0 or -1. */
static int rename_temp(int slot, const char *dest)
{
	sigset_t old;
	hold_signals(1, &old);
	int rc = rename(temps[slot].path[0], dest);
	int e = errno;
	if (rc == 0)
		temps[slot].used = 0;
	hold_signals(0, &old);
	if (rc < 0)
		say("cannot rename the checked copy to %s: %s", dest, strerror(e));
	return rc;
}

/* fsyncs path (a file, or with dir = 1 the directory holding it). */
static int sync_path(const char *path, int dir)
{
	char d[PATHLEN];
	if (dir) {
		const char *slash = strrchr(path, '/');
		if (!slash)
			snprintf(d, sizeof d, ".");
		else if (slash == path)
			snprintf(d, sizeof d, "/");
		else
			snprintf(d, sizeof d, "%.*s", (int)(slash - path), path);
		path = d;
	}
	int fd = open(path, O_RDONLY | (dir ? O_DIRECTORY : 0));
	if (fd < 0)
		return -1;
	int rc = fsync(fd);
	close(fd);
	return rc;
}

static int write_all(int fd, const void *p, size_t n)
{
	const unsigned char *c = p;
	while (n) {
		ssize_t w = write(fd, c, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		c += w;
		n -= (size_t)w;
	}
	return 0;
}

/* ---- SQLite ---- */

/* Opens path with flags (never SQLITE_OPEN_CREATE: a missing file is an
 * error, not a new database). Returns the handle or NULL with err. */
static sqlite3 *open_file(const char *path, int flags, char *err, size_t errlen)
{
	sqlite3 *h = NULL;
	int rc = sqlite3_open_v2(path, &h, flags, NULL);
	if (rc != SQLITE_OK) {
		snprintf(err, errlen, "cannot open %s: %s", path, h ? sqlite3_errmsg(h) : sqlite3_errstr(rc));
		sqlite3_close(h);
		return NULL;
	}
	sqlite3_extended_result_codes(h, 1);
	sqlite3_busy_timeout(h, 5000);
	return h;
}

/* Runs sql on h, trying again while the database is busy or locked (at
 * most BUSY_LIMIT_US). Returns 0 or -1 with err. */
static int exec_retry(sqlite3 *h, const char *sql, char *err, size_t errlen)
{
	long long since = now_usec();
	for (;;) {
		int rc = sqlite3_exec(h, sql, NULL, NULL, NULL);
		if (rc == SQLITE_OK)
			return 0;
		int base = rc & 0xff;
		if ((base != SQLITE_BUSY && base != SQLITE_LOCKED) || now_usec() - since > BUSY_LIMIT_US) {
			snprintf(err, errlen, "%s", sqlite3_errmsg(h));
			return -1;
		}
		if (!sqlite3_get_autocommit(h))
			sqlite3_exec(h, "ROLLBACK", NULL, NULL, NULL);
		sleep_ms(10);
	}
}

/* Returns the text of the first row's first column of sql on h in out
 * ("" when none). Returns 0 or -1. */
static int query_text(sqlite3 *h, const char *sql, char *out, size_t len)
{
	sqlite3_stmt *st;
	out[0] = '\0';
	if (sqlite3_prepare_v2(h, sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && sqlite3_column_text(st, 0))
		snprintf(out, len, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

/* Switches the file on dst to a rollback journal (it is a WAL file when
 * copied from one), so it is one self-contained file, readable even where
 * no -shm can be made. Returns 0 or -1 with err. */
static int to_rollback_journal(sqlite3 *dst, char *err, size_t errlen)
{
	char mode[16];
	if (query_text(dst, "PRAGMA journal_mode=DELETE", mode, sizeof mode) < 0 || strcmp(mode, "delete") != 0) {
		snprintf(err, errlen, "cannot leave WAL mode in the copy: %s", sqlite3_errmsg(dst));
		return -1;
	}
	return 0;
}

static long env_long(const char *name, long dflt, long min, long max)
{
	const char *s = getenv(name);
	char *end;
	long v = s && *s ? strtol(s, &end, 10) : dflt;
	return s && *s && (*end || v < min || v > max) ? dflt : v;
}

/*
 * Copies the database on src into the empty file dst_path with the online
 * backup API (see the top of this file), in steps of BF_BACKUP_STEP_PAGES
 * pages (default 1024) with BF_BACKUP_PAUSE_MS (default 0) between them
 * when paced, else in one step. Leaves the copy in rollback-journal mode.
 * Returns the number of pages or -1 with err.
 */
static long long copy_db(sqlite3 *src, const char *dst_path, int paced, char *err, size_t errlen)
{
	long step = paced ? env_long("BF_BACKUP_STEP_PAGES", 1024, 1, 1L << 30) : -1;
	long pause = paced ? env_long("BF_BACKUP_PAUSE_MS", 0, 0, 10000) : 0;
	sqlite3 *dst = open_file(dst_path, SQLITE_OPEN_READWRITE, err, errlen);
	if (!dst)
		return -1;
	long long pages = -1;
	int snapshot = 0;
	sqlite3_backup *b = NULL;
	/* the copy is a temporary file that is thrown away on any failure and
	 * fsynced before it is used: no journal, no syncs while it is written */
	if (exec_retry(dst, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF", err, errlen) < 0)
		goto out;
	char mode[16];
	if (query_text(src, "PRAGMA journal_mode", mode, sizeof mode) < 0) {
		snprintf(err, errlen, "cannot read the database: %s", sqlite3_errmsg(src));
		goto out;
	}
	/* In WAL mode one read transaction for the whole copy: one snapshot,
	 * and no writer waits for it. In rollback mode (a file no server has
	 * opened: every server connection turns WAL on) a held read lock would
	 * stop writers, so there the steps take their own, and SQLite starts
	 * the copy over if someone writes between two steps. */
	if (strcmp(mode, "wal") == 0) {
		if (exec_retry(src, "BEGIN; SELECT count(*) FROM sqlite_schema", err, errlen) < 0)
			goto out;
		snapshot = 1;
	}
	b = sqlite3_backup_init(dst, "main", src, "main");
	if (!b) {
		snprintf(err, errlen, "cannot start the copy: %s", sqlite3_errmsg(dst));
		goto out;
	}
	long long busy_since = 0;
	for (;;) {
		int rc = sqlite3_backup_step(b, (int)step);
		if (rc == SQLITE_DONE)
			break;
		if (rc == SQLITE_OK) {
			busy_since = 0;
			if (pause)
				sleep_ms(pause);
			continue;
		}
		if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED) {
			if (!busy_since)
				busy_since = now_usec();
			else if (now_usec() - busy_since > BUSY_LIMIT_US) {
				snprintf(err, errlen, "the database stayed busy for a minute: %s", sqlite3_errstr(rc));
				goto out;
			}
			sleep_ms(10);
			continue;
		}
		snprintf(err, errlen, "copy failed: %s", sqlite3_errstr(rc));
		goto out;
	}
	pages = sqlite3_backup_pagecount(b);
out:
	if (b && sqlite3_backup_finish(b) != SQLITE_OK && pages >= 0) {
		snprintf(err, errlen, "copy failed: %s", sqlite3_errmsg(dst));
		pages = -1;
	}
	if (snapshot)
		sqlite3_exec(src, "COMMIT", NULL, NULL, NULL);
	if (pages >= 0 && to_rollback_journal(dst, err, errlen) < 0)
		pages = -1;
	if (sqlite3_close(dst) != SQLITE_OK && pages >= 0) {
		snprintf(err, errlen, "cannot close the copy");
		pages = -1;
	}
	return pages;
}

/* ---- checks ---- */

/* Appends a message from SQLite to b with line breaks as spaces. */
static void append_flat(struct buf *b, const char *s)
{
	static const char noise[] = "*** in database main *** ";	/* we only ever check main */
	if (s && strncmp(s, noise, sizeof noise - 1) == 0)
		s += sizeof noise - 1;
	for (; s && *s; s++)
		buf_putc(b, *s == '\n' || *s == '\r' ? ' ' : *s);
}

/* PRAGMA integrity_check. Returns 0 (ok) or -1 with what it found in
 * *msg (malloc'd; page numbers, table and index names, never values). */
static int check_integrity(sqlite3 *h, char **msg)
{
	struct buf b;
	buf_init(&b);
	sqlite3_stmt *st;
	int problems = 0, rc;
	if (sqlite3_prepare_v2(h, "PRAGMA integrity_check(100)", -1, &st, NULL) != SQLITE_OK) {
		append_flat(&b, sqlite3_errmsg(h));
		*msg = buf_take(&b, NULL);
		return -1;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *t = (const char *)sqlite3_column_text(st, 0);
		if (t && strcmp(t, "ok") == 0)
			continue;
		if (problems++ < 3) {
			if (b.len)
				buf_puts(&b, "; ");
			append_flat(&b, t);
		}
	}
	if (rc != SQLITE_DONE) {
		if (b.len)
			buf_puts(&b, "; ");
		append_flat(&b, sqlite3_errmsg(h));
		problems++;
	} else if (problems > 3) {
		buf_printf(&b, " (%d problems%s)", problems, problems >= 100 ? " or more" : "");
	}
	sqlite3_finalize(st);
	*msg = buf_take(&b, NULL);
	return problems ? -1 : 0;
}

/* PRAGMA foreign_key_check. Returns 0 (ok) or -1 with *msg (malloc'd:
 * how many rows, the first one's table, rowid and parent table). */
static int check_foreign_keys(sqlite3 *h, char **msg)
{
	struct buf b;
	buf_init(&b);
	sqlite3_stmt *st;
	long long rows = 0;
	char first[256] = "";
	int rc;
	if (sqlite3_prepare_v2(h, "PRAGMA foreign_key_check", -1, &st, NULL) != SQLITE_OK) {
		append_flat(&b, sqlite3_errmsg(h));
		*msg = buf_take(&b, NULL);
		return -1;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (rows++ == 0)
			snprintf(first, sizeof first, "%.64s row %lld -> %.64s", (const char *)sqlite3_column_text(st, 0),
			    sqlite3_column_int64(st, 1), (const char *)sqlite3_column_text(st, 2));
	if (rc != SQLITE_DONE) {
		append_flat(&b, sqlite3_errmsg(h));
		rows = rows ? rows : 1;
	} else if (rows == 1) {
		buf_printf(&b, "1 row refers to a missing row (%s)", first);
	} else if (rows) {
		buf_printf(&b, "%lld rows refer to missing rows (first: %s)", rows, first);
	}
	sqlite3_finalize(st);
	*msg = buf_take(&b, NULL);
	return rows ? -1 : 0;
}

/*
 * Checks integrity and foreign keys of the file on h, printing each
 * problem as "bostadforst: WHAT: problem" after what (the file's role, for
 * example "the copy"). Returns 0 when both pass.
 */
static int check_copy(sqlite3 *h, const char *what)
{
	char *msg;
	int bad = 0;
	if (check_integrity(h, &msg) < 0) {
		say("%s fails its integrity check: %s", what, msg);
		bad = 1;
	}
	free(msg);
	if (check_foreign_keys(h, &msg) < 0) {
		say("%s fails its foreign key check: %s", what, msg);
		bad = 1;
	}
	free(msg);
	return bad ? -1 : 0;
}

/* ---- keys and encryption ---- */

/* Reads the 32-byte key from path into key; refuses a key others can
 * read. Returns 0 or -1 with a message printed. */
static int load_key(const char *path, unsigned char key[KEYBYTES])
{
	int fd = open(path, O_RDONLY);
	if (fd < 0) {
		say("cannot read the key file %s: %s", path, strerror(errno));
		return -1;
	}
	struct stat st;
	unsigned char extra;
	int rc = -1;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size != KEYBYTES)
		say("%s is not a key file: a key is %d bytes (make one with: bostadforst backup --new-key FILE)", path,
		    KEYBYTES);
	else if (st.st_mode & 077)
		say("the key file %s can be read by others (mode %03o); chmod 600 it", path, (unsigned)(st.st_mode & 0777));
	else if (read(fd, key, KEYBYTES) != KEYBYTES || read(fd, &extra, 1) != 0)
		say("cannot read the key file %s", path);
	else
		rc = 0;
	close(fd);
	return rc;
}

/* The key id: BLAKE2b-128 keyed with the key over a fixed text. */
static void key_id(const unsigned char key[KEYBYTES], unsigned char id[KEYID_BYTES])
{
	crypto_generichash(id, KEYID_BYTES, (const unsigned char *)keyid_context, sizeof keyid_context - 1, key,
	    KEYBYTES);
}

static void key_id_hex(const unsigned char id[KEYID_BYTES], char hex[2 * KEYID_BYTES + 1])
{
	sodium_bin2hex(hex, 2 * KEYID_BYTES + 1, id, KEYID_BYTES);
}

/* Refuses a PostgreSQL target: these commands copy and check a SQLite
 * file; PostgreSQL has its own tools. Returns 2 (a usage error) when
 * target is PostgreSQL, else 0. */
static int not_for_postgresql(const char *target, const char *what)
{
	if (!db_is_postgresql(target))
		return 0;
	say("%s works on a SQLite file; for PostgreSQL use pg_dump or pg_basebackup "
	    "(README, \"Running on PostgreSQL\")", what);
	return 2;
}

int backup_new_key(const char *keyfile)
{
	if (sodium_init() < 0) {
		say("cannot initialise libsodium");
		return 1;
	}
	int fd = open(keyfile, O_WRONLY | O_CREAT | O_EXCL, 0600);
	if (fd < 0) {
		if (errno == EEXIST)
			say("%s exists; refusing to overwrite a key (the backups made with it need it)", keyfile);
		else
			say("cannot create %s: %s", keyfile, strerror(errno));
		return 1;
	}
	unsigned char key[KEYBYTES], id[KEYID_BYTES];
	char hex[2 * KEYID_BYTES + 1];
	crypto_secretstream_xchacha20poly1305_keygen(key);
	key_id(key, id);
	int rc = fchmod(fd, 0600) < 0 || write_all(fd, key, KEYBYTES) < 0 || fsync(fd) < 0 ? -1 : 0;
	sodium_memzero(key, sizeof key);
	if (close(fd) < 0 || rc < 0) {
		say("cannot write %s: %s", keyfile, strerror(errno));
		unlink(keyfile);
		return 1;
	}
	sync_path(keyfile, 1);
	key_id_hex(id, hex);
	printf("%s: new backup key, id %s. Keep a copy away from the backups: without it they cannot be read.\n",
	    keyfile, hex);
	return 0;
}

/*
 * Encrypts the file plain into fd in the format of backup.h; *hash gets
 * the BLAKE2b-256 of the plaintext (to verify the result). Returns 0 or -1
 * with a message printed.
 */
static int encrypt_file(const char *plain, int fd, const unsigned char key[KEYBYTES], unsigned char hash[32])
{
	FILE *in = fopen(plain, "rb");
	if (!in) {
		say("cannot read the copy: %s", strerror(errno));
		return -1;
	}
	unsigned char prefix[PREFIX_BYTES], header[SS_HEADERBYTES];
	memcpy(prefix, BACKUP_MAGIC, 8);
	prefix[8] = BACKUP_FORMAT;
	key_id(key, prefix + 9);
	crypto_secretstream_xchacha20poly1305_state st;
	crypto_secretstream_xchacha20poly1305_init_push(&st, header, key);
	crypto_generichash_state hs;
	crypto_generichash_init(&hs, NULL, 0, 32);
	unsigned char *m = xmalloc(BACKUP_CHUNK), *c = xmalloc(BACKUP_CHUNK + ABYTES);
	int rc = write_all(fd, prefix, sizeof prefix) < 0 || write_all(fd, header, sizeof header) < 0 ? -1 : 0;
	while (rc == 0) {
		/* a short read is the end (or an error); a file of whole chunks
		 * ends with an empty FINAL chunk */
		size_t n = fread(m, 1, BACKUP_CHUNK, in);
		if (ferror(in)) {
			rc = -1;
			break;
		}
		int last = n < BACKUP_CHUNK || feof(in);
		unsigned long long clen;
		crypto_secretstream_xchacha20poly1305_push(&st, c, &clen, m, n, prefix, sizeof prefix,
		    last ? crypto_secretstream_xchacha20poly1305_TAG_FINAL : crypto_secretstream_xchacha20poly1305_TAG_MESSAGE);
		crypto_generichash_update(&hs, m, n);
		if (write_all(fd, c, (size_t)clen) < 0)
			rc = -1;
		if (last)
			break;
	}
	crypto_generichash_final(&hs, hash, 32);
	sodium_memzero(m, BACKUP_CHUNK);
	sodium_memzero(&st, sizeof st);
	free(m);
	free(c);
	fclose(in);
	if (rc < 0)
		say("cannot write the encrypted backup: %s", strerror(errno));
	return rc;
}

/*
 * Decrypts in (positioned at its start) into fd, or only hashes it when fd
 * is -1; *hash (when not NULL) gets the plaintext's BLAKE2b-256. Refuses a
 * foreign format, another key, an altered chunk, a missing FINAL chunk and
 * bytes after it. Returns 0 or -1 with a message printed (name: the file).
 */
static int decrypt_file(FILE *in, const char *name, int fd, const unsigned char key[KEYBYTES], unsigned char *hash)
{
	unsigned char prefix[PREFIX_BYTES], header[SS_HEADERBYTES], id[KEYID_BYTES];
	if (fread(prefix, 1, sizeof prefix, in) != sizeof prefix || memcmp(prefix, BACKUP_MAGIC, 8) != 0) {
		say("%s is not an encrypted bostadforst backup", name);
		return -1;
	}
	if (prefix[8] != BACKUP_FORMAT) {
		say("%s is in backup format %d; this program reads format %d (a newer program made it?)", name, prefix[8],
		    BACKUP_FORMAT);
		return -1;
	}
	key_id(key, id);
	if (sodium_memcmp(id, prefix + 9, KEYID_BYTES) != 0) {
		char theirs[2 * KEYID_BYTES + 1], ours[2 * KEYID_BYTES + 1];
		key_id_hex(prefix + 9, theirs);
		key_id_hex(id, ours);
		say("%s was encrypted with another key (key id %s; the key given has id %s)", name, theirs, ours);
		return -1;
	}
	crypto_secretstream_xchacha20poly1305_state st;
	if (fread(header, 1, sizeof header, in) != sizeof header ||
	    crypto_secretstream_xchacha20poly1305_init_pull(&st, header, key) != 0) {
		say("%s is cut short: it ends in its header", name);
		return -1;
	}
	crypto_generichash_state hs;
	crypto_generichash_init(&hs, NULL, 0, 32);
	unsigned char *m = xmalloc(BACKUP_CHUNK), *c = xmalloc(BACKUP_CHUNK + ABYTES);
	int rc = -1;
	for (long long chunk = 1;; chunk++) {
		size_t n = fread(c, 1, BACKUP_CHUNK + ABYTES, in);
		if (ferror(in)) {
			say("cannot read %s: %s", name, strerror(errno));
			break;
		}
		if (n == 0) {
			say("%s is cut short: it ends without its final chunk; nothing restored", name);
			break;
		}
		unsigned long long mlen;
		unsigned char tag;
		if (n < ABYTES || crypto_secretstream_xchacha20poly1305_pull(&st, m, &mlen, &tag, c, n, prefix,
		    sizeof prefix) != 0) {
			say("%s: chunk %lld fails authentication: the file was altered, damaged or cut short; nothing restored",
			    name, chunk);
			break;
		}
		crypto_generichash_update(&hs, m, (size_t)mlen);
		if (fd >= 0 && write_all(fd, m, (size_t)mlen) < 0) {
			say("cannot write the restored file: %s", strerror(errno));
			break;
		}
		if (tag == crypto_secretstream_xchacha20poly1305_TAG_FINAL) {
			if (fgetc(in) != EOF)
				say("%s has data after its final chunk: it was altered; nothing restored", name);
			else
				rc = 0;
			break;
		}
		if (n < BACKUP_CHUNK + ABYTES) {	/* only the last chunk is short */
			say("%s is cut short: it ends without its final chunk; nothing restored", name);
			break;
		}
	}
	if (hash)
		crypto_generichash_final(&hs, hash, 32);
	sodium_memzero(m, BACKUP_CHUNK);
	sodium_memzero(&st, sizeof st);
	free(m);
	free(c);
	return rc;
}

/* ---- backup ---- */

static double mib(long long bytes)
{
	return (double)bytes / (1024.0 * 1024.0);
}

int backup_run(const char *db_path, const char *to, const char *keyfile)
{
	unsigned char key[KEYBYTES];
	char err[1024], tmp[PATHLEN + 16], ctmp[PATHLEN + 16];
	int slot = -1, cslot = -1, rc = 1;
	sqlite3 *src = NULL, *h = NULL;
	if (not_for_postgresql(db_path, "backup"))
		return 2;
	if (sodium_init() < 0) {
		say("cannot initialise libsodium");
		return 1;
	}
	if (keyfile && load_key(keyfile, key) < 0)
		return 1;
	struct stat sdb, sto;
	if (stat(db_path, &sdb) < 0) {
		say("%s: %s", db_path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(sdb.st_mode)) {
		say("%s is not a database file", db_path);
		goto out;
	}
	if (stat(to, &sto) == 0) {
		if (S_ISDIR(sto.st_mode)) {
			say("%s is a directory; --to names the backup file", to);
			goto out;
		}
		if (sto.st_dev == sdb.st_dev && sto.st_ino == sdb.st_ino) {
			say("--to is the database itself");
			goto out;
		}
	}
	guard_signals();
	src = open_file(db_path, SQLITE_OPEN_READONLY, err, sizeof err);
	if (!src) {
		say("%s", err);
		goto out;
	}
	int version = db_schema_version(src);
	if (version <= 0) {
		say("%s is not a bostadforst database%s%s", db_path, version < 0 ? ": " : "",
		    version < 0 ? sqlite3_errmsg(src) : "");
		goto out;
	}
	/*
	 * Encrypted, the plaintext copy is made beside the database, not beside
	 * FILE: the backup's directory may be a mounted or synchronised share,
	 * exactly where no plaintext should ever land, while beside the
	 * database it is as exposed as the database itself for the seconds it
	 * exists (mode 0600, the database's owner and file system). Encrypting
	 * on the fly while SQLite writes would need a VFS of our own; holding
	 * the copy in memory would need the database's size in RAM. The copy is
	 * unlinked, not overwritten: on a journaling or copy-on-write file
	 * system or an SSD an overwrite does not reach the old blocks anyway,
	 * and the live database beside it holds the same data.
	 */
	int fd = make_temp(keyfile ? db_path : to, "backup", tmp, &slot);
	if (fd < 0)
		goto out;
	close(fd);
	long long pages = copy_db(src, tmp, 1, err, sizeof err);
	sqlite3_close(src);
	src = NULL;
	if (pages < 0) {
		say("%s; nothing written", err);
		goto out;
	}
	struct stat scopy;
	if (sync_path(tmp, 0) < 0 || stat(tmp, &scopy) < 0) {
		say("cannot write the copy: %s", strerror(errno));
		goto out;
	}
	h = open_file(tmp, SQLITE_OPEN_READONLY, err, sizeof err);
	if (!h) {
		say("%s", err);
		goto out;
	}
	if (check_copy(h, "the copy") < 0) {
		say("nothing written; run: bostadforst check --db %s", db_path);
		goto out;
	}
	sqlite3_close(h);
	h = NULL;
	char hex[2 * KEYID_BYTES + 1] = "";
	if (keyfile) {
		unsigned char hash[32], again[32], id[KEYID_BYTES];
		fd = make_temp(to, "backup", ctmp, &cslot);
		if (fd < 0)
			goto out;
		int enc = encrypt_file(tmp, fd, key, hash);
		if (enc == 0 && fsync(fd) < 0) {
			say("cannot write %s: %s", ctmp, strerror(errno));
			enc = -1;
		}
		close(fd);
		remove_temp(slot);	/* the plaintext: gone before the backup exists */
		slot = -1;
		if (enc < 0)
			goto out;
		/* read back what was written: it decrypts, to the same bytes */
		FILE *in = fopen(ctmp, "rb");
		int ok = in && decrypt_file(in, ctmp, -1, key, again) == 0 && sodium_memcmp(hash, again, 32) == 0;
		if (in)
			fclose(in);
		if (!ok) {
			say("the encrypted backup did not read back as written; nothing written");
			goto out;
		}
		key_id(key, id);
		key_id_hex(id, hex);
		if (rename_temp(cslot, to) < 0)
			goto out;
		cslot = -1;
	} else {
		if (rename_temp(slot, to) < 0)
			goto out;
		slot = -1;
	}
	sync_path(to, 1);
	printf("%s: backup of %s, %lld pages (%.1f MiB), schema version %d, integrity and foreign keys ok%s%s\n", to,
	    db_path, pages, mib(scopy.st_size), version, keyfile ? ", encrypted with key id " : "", hex);
	rc = 0;
out:
	if (h)
		sqlite3_close(h);
	if (src)
		sqlite3_close(src);
	remove_temp(slot);
	remove_temp(cslot);
	sodium_memzero(key, sizeof key);
	return rc;
}

/* ---- restore ---- */

/* Moves the temporary file slot to dest unless dest exists: link() fails
 * on an existing name, so no race can overwrite a database; where the
 * file system has no hard links, a check and rename. Returns 0 or -1. */
static int place_new(int slot, const char *dest)
{
	struct stat s;
	if (link(temps[slot].path[0], dest) == 0) {
		remove_temp(slot);
		return 0;
	}
	if (errno == EEXIST || lstat(dest, &s) == 0) {
		say("%s exists; restore never overwrites a database", dest);
		return -1;
	}
	return rename_temp(slot, dest);
}

/* Checks the restored file tmp: integrity, foreign keys, schema version
 * (older is migrated, newer refused). Returns the version it ended at
 * (*from: the version it had) or -1 with a message printed. */
static int check_restored(const char *tmp, int *from)
{
	char err[1024];
	sqlite3 *h = open_file(tmp, SQLITE_OPEN_READWRITE, err, sizeof err);
	if (!h) {
		say("%s", err);
		return -1;
	}
	int known = db_known_version();
	int v = db_schema_version(h);
	*from = v;
	int bad = check_copy(h, "the backup");
	if (!bad && v <= 0)
		say("the backup is not a bostadforst database%s%s", v < 0 ? ": " : "", v < 0 ? sqlite3_errmsg(h) : "");
	else if (!bad && v > known)
		say("the backup has schema version %d, newer than this program's %d; restore it with the program "
		    "that made it", v, known);
	sqlite3_close(h);
	if (bad || v <= 0 || v > known)
		return -1;
	if (v == known)
		return v;
	/* older: the same steps as `bostadforst migrate` (src/main.c) */
	if (db_migrate(tmp, err, sizeof err) < 0) {
		say("migrating the backup from schema version %d: %s", v, err);
		return -1;
	}
	err[0] = '\0';
	long long given = db_open(tmp, err, sizeof err) < 0 ? -1 : personkod_backfill();
	db_close_all();
	if (given < 0) {
		say("migrating the backup from schema version %d: %s", v, *err ? err : "database error");
		return -1;
	}
	h = open_file(tmp, SQLITE_OPEN_READWRITE, err, sizeof err);
	if (!h) {
		say("%s", err);
		return -1;
	}
	bad = check_copy(h, "the migrated backup") < 0 || to_rollback_journal(h, err, sizeof err) < 0;
	v = db_schema_version(h);
	sqlite3_close(h);
	return bad || v != known ? -1 : v;
}

int restore_run(const char *from, const char *db_path, const char *keyfile)
{
	unsigned char key[KEYBYTES];
	char err[1024], tmp[PATHLEN + 16], path[PATHLEN + 16];
	int slot = -1, rc = 1;
	FILE *in = NULL;
	if (not_for_postgresql(db_path, "restore"))
		return 2;
	if (sodium_init() < 0) {
		say("cannot initialise libsodium");
		return 1;
	}
	for (int s = 0; s < NSIBLINGS; s++) {
		struct stat st;
		snprintf(path, sizeof path, "%s%s", db_path, sibling[s]);
		if (lstat(path, &st) == 0) {
			if (s == 0)
				say("%s exists; restore never overwrites a database: give a new path", db_path);
			else
				say("%s exists: left by another database, SQLite would apply it to the restored one; "
				    "move it away first", path);
			return 1;
		}
	}
	in = fopen(from, "rb");
	unsigned char head[16];
	if (!in) {
		say("cannot read %s: %s", from, strerror(errno));
		return 1;
	}
	int encrypted = 0;
	size_t got = fread(head, 1, sizeof head, in);
	if (got == sizeof head && memcmp(head, BACKUP_MAGIC, 8) == 0)
		encrypted = 1;
	else if (got < sizeof head || memcmp(head, sqlite_magic, sizeof sqlite_magic) != 0) {
		say("%s is neither a bostadforst backup nor a SQLite database", from);
		goto out;
	}
	if (encrypted && !keyfile) {
		say("%s is encrypted: give --key KEYFILE, the key it was made with", from);
		goto out;
	}
	if (!encrypted && keyfile) {
		say("%s is not encrypted, but --key was given; leave --key out to restore it", from);
		goto out;
	}
	if (keyfile && load_key(keyfile, key) < 0)
		goto out;
	guard_signals();
	int fd = make_temp(db_path, "restore", tmp, &slot);
	if (fd < 0)
		goto out;
	if (encrypted) {
		rewind(in);
		int dec = decrypt_file(in, from, fd, key, NULL);
		if (dec == 0 && fsync(fd) < 0) {
			say("cannot write %s: %s", tmp, strerror(errno));
			dec = -1;
		}
		close(fd);
		if (dec < 0)
			goto out;
		sqlite3 *h = open_file(tmp, SQLITE_OPEN_READWRITE, err, sizeof err);
		int jm = h ? to_rollback_journal(h, err, sizeof err) : -1;
		sqlite3_close(h);
		if (jm < 0) {
			say("the decrypted backup: %s", err);
			goto out;
		}
	} else {
		/* through the backup API rather than a byte copy: a WAL file with
		 * its -wal beside it is read whole, as of one instant */
		close(fd);
		sqlite3 *src = open_file(from, SQLITE_OPEN_READONLY, err, sizeof err);
		long long pages = src ? copy_db(src, tmp, 0, err, sizeof err) : -1;
		sqlite3_close(src);
		if (pages < 0) {
			say("%s", err);
			goto out;
		}
	}
	int was, v = check_restored(tmp, &was);
	if (v < 0) {
		say("nothing restored");
		goto out;
	}
	if (sync_path(tmp, 0) < 0) {
		say("cannot write %s: %s", tmp, strerror(errno));
		goto out;
	}
	if (place_new(slot, db_path) < 0)
		goto out;
	slot = -1;
	sync_path(db_path, 1);
	if (was != v)
		printf("%s: restored from %s, migrated from schema version %d to %d, integrity and foreign keys ok\n",
		    db_path, from, was, v);
	else
		printf("%s: restored from %s, schema version %d, integrity and foreign keys ok\n", db_path, from, v);
	rc = 0;
out:
	if (in)
		fclose(in);
	remove_temp(slot);
	sodium_memzero(key, sizeof key);
	return rc;
}

/* ---- check ---- */

int check_run(const char *db_path, long long max_wal_bytes)
{
	char err[1024], wal[PATHLEN + 16];
	struct stat st;
	if (not_for_postgresql(db_path, "check"))
		return 2;
	if (stat(db_path, &st) < 0) {
		printf("database: FAILED: %s: %s\n", db_path, strerror(errno));
		return 1;
	}
	if (!S_ISREG(st.st_mode)) {
		printf("database: FAILED: %s is not a file\n", db_path);
		return 1;
	}
	/* before opening: a read-only connection makes an empty -wal of its
	 * own when none is there */
	snprintf(wal, sizeof wal, "%s-wal", db_path);
	long long wal_bytes = stat(wal, &st) == 0 ? (long long)st.st_size : -1;
	sqlite3 *h = open_file(db_path, SQLITE_OPEN_READONLY, err, sizeof err);
	if (!h) {
		printf("database: FAILED: %s\n", err);
		return 1;
	}
	int bad = 0;
	char *msg;
	int r = check_integrity(h, &msg);
	printf("integrity: %s%s\n", r < 0 ? "FAILED: " : "ok", r < 0 ? msg : "");
	bad |= r < 0;
	free(msg);
	r = check_foreign_keys(h, &msg);
	printf("foreign keys: %s%s\n", r < 0 ? "FAILED: " : "ok", r < 0 ? msg : "");
	bad |= r < 0;
	free(msg);
	int v = db_schema_version(h), known = db_known_version();
	if (v == known)
		printf("schema: ok (version %d)\n", v);
	else if (v < 0)
		printf("schema: FAILED: cannot read it: %s\n", sqlite3_errmsg(h));
	else if (v == 0)
		printf("schema: FAILED: not a bostadforst database\n");
	else if (v < known)
		printf("schema: FAILED: version %d, older than this program's %d; run: bostadforst migrate --db %s\n", v,
		    known, db_path);
	else
		printf("schema: FAILED: version %d, newer than this program's %d\n", v, known);
	bad |= v != known;
	sqlite3_close(h);
	if (wal_bytes < 0)
		printf("wal: ok (no WAL file)\n");
	else if (wal_bytes > max_wal_bytes)
		printf("wal: FAILED: %.1f MiB, over %.0f MiB: checkpoints are not keeping up (a long-running reader?)\n",
		    mib(wal_bytes), mib(max_wal_bytes));
	else
		printf("wal: ok (%.1f MiB)\n", mib(wal_bytes));
	bad |= wal_bytes > max_wal_bytes;
	return bad ? 1 : 0;
}

/*
 * main.c - the command line: serve, migrate, adduser, passwd, routes,
 * import-status, demo, backup, restore, check, gallra, copy.
 * Bad flags print a clear message and exit 2.
 */
#define _POSIX_C_SOURCE 200809L
#include "audit.h"
#include "backup.h"
#include "copy.h"
#include "auth.h"
#include "db.h"
#include "decision.h"
#include "register.h"
#include "import.h"
#include "gallring.h"
#include "generate.h"
#include "demo.h"
#include "district.h"
#include "formdef.h"
#include "http.h"
#include "netaddr.h"
#include "route.h"
#include "user.h"

#include <arpa/inet.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#define VERSION "0.1.0"

static const char usage_main[] =
    "usage: bostadforst COMMAND [FLAGS]\n"
    "\n"
    "Commands:\n"
    "  serve     run the web server\n"
    "  migrate   create or upgrade the database\n"
    "  adduser   add a user (password read from standard input)\n"
    "  passwd    set a user's password (read from standard input)\n"
    "  routes    print the route table as JSON\n"
    "  import-status  import a statusrapport CSV (ours or the seed's Excel layout)\n"
    "  demo      fill a database with the demo and N generated persons (benchmarks)\n"
    "  backup    a checked copy of a database while it is served (optionally encrypted)\n"
    "  restore   a backup into a new database file (checked, migrated when older)\n"
    "  check     integrity, foreign keys, schema version and WAL size (monitoring)\n"
    "  gallra    weed persons whose last entry is older than N years (--dry-run lists them)\n"
    "  copy      move a SQLite installation into an empty PostgreSQL database\n"
    "\n"
    "bostadforst COMMAND --help shows the flags; bostadforst --version the version.\n";

static const char usage_serve[] =
    "usage: bostadforst serve --db PATH [FLAGS]\n"
    "  --db PATH            SQLite database file, or a PostgreSQL connection string\n"
    "                       (postgresql://ROLE@HOST/DB; run migrate first)\n"
    "  --bind ADDR          address to listen on (default 127.0.0.1)\n"
    "  --port N             port (default 8080; 0 picks a free one)\n"
    "  --threads N          worker threads (default: number of cores)\n"
    "  --demo               seed demo users on an empty database, print logins\n"
    "  --secure-cookies     mark cookies Secure (behind a TLS proxy)\n"
    "  --max-body BYTES     largest request body (default 1048576)\n"
    "  --session-idle SECS  idle session timeout (default 1800)\n"
    "  --session-max SECS   absolute session lifetime (default 43200)\n"
    "  --login-queue N      logins that may wait for a password check before\n"
    "                       more are refused with 503 (default 16 per core)\n"
    "  --trusted-proxy ADDR a reverse proxy of ours (IPv4 or IPv6, ADDR/BITS for a\n"
    "                       range; repeat or separate with commas): from it the\n"
    "                       client is read from X-Forwarded-For, else ignored\n"
    "  --login-delay-base-ms MS  the first wait past a login limit (default 2000;\n"
    "                       it doubles with each failure, at most 15 minutes)\n"
    "  --login-account-limit N   failed logins per account before waits (default 5)\n"
    "  --login-address-limit N   failed logins per client address (default 20)\n"
    "  --request-deadline SECS  a whole request (headers and body) must arrive\n"
    "                       within SECS of the connection being ready for it, plus\n"
    "                       1 s per 32 KiB of body up to --max-body; later it is\n"
    "                       closed (default 10)\n"
    "  --quiet              no access log\n"
    "  --bench              also serve N bytes from memory at /_ceiling/N (make bench)\n";

static const char usage_migrate[] =
    "usage: bostadforst migrate --db PATH\n"
    "  Applies the migrations this program knows to PATH (creating a SQLite file).\n"
    "  PATH may be a PostgreSQL connection string: run it as the role that owns\n"
    "  the database (it also grants the app role bostadforst_app its rows).\n";

static const char usage_adduser[] =
    "usage: bostadforst adduser --db PATH --username U --role R [--district D] [--name \"Full Name\"]\n"
    "  R is one of socialsekreterare, case_manager, landlord, manager, admin.\n"
    "  D is a district name (created when missing); required for socialsekreterare.\n"
    "  The password is read from standard input (asked twice on a terminal).\n";

static const char usage_passwd[] =
    "usage: bostadforst passwd --db PATH --username U\n"
    "  Sets U's password, read from standard input (asked twice on a terminal),\n"
    "  and ends U's sessions.\n";

static const char usage_import[] =
    "usage: bostadforst import-status --db PATH --district NAME --file F.csv [--dry-run]\n"
    "  Reads a statusrapport per 31/12 (';' or ',', with or without BOM). Every row is\n"
    "  checked first; errors are printed with line numbers and nothing is written.\n"
    "  --district  the district the rows belong to (created when missing)\n"
    "  --dry-run   check only, write nothing\n";

static const char usage_demo[] =
    "usage: bostadforst demo --db PATH --persons N\n"
    "  Migrates PATH, seeds the demo (the demo logins work) and adds N generated\n"
    "  fictive persons with referrals, decisions, tenancies, visits, checklists\n"
    "  and incidents. For benchmarks; refused on a database with real users.\n";

static const char usage_backup[] =
    "usage: bostadforst backup --db PATH --to FILE [--key KEYFILE]\n"
    "       bostadforst backup --new-key KEYFILE\n"
    "  Copies PATH while the server runs (one consistent instant; writers are not\n"
    "  blocked), checks the copy's integrity and foreign keys, and only then renames\n"
    "  it to FILE (replacing an older FILE). Nothing is written when a check fails.\n"
    "  --key KEYFILE     encrypt FILE with this key (XChaCha20-Poly1305 in chunks)\n"
    "  --new-key KEYFILE make a key: 32 random bytes, mode 0600; never overwrites\n";

static const char usage_restore[] =
    "usage: bostadforst restore --from FILE --db NEWPATH [--key KEYFILE]\n"
    "  Restores a backup into NEWPATH, which must not exist: decrypts it (with the\n"
    "  key it was made with), checks integrity, foreign keys and the schema version\n"
    "  (an older schema is migrated, a newer one refused), then moves it into place.\n";

static const char usage_check[] =
    "usage: bostadforst check --db PATH [--max-wal MIB]\n"
    "  Prints one line per check (integrity, foreign keys, schema version, WAL\n"
    "  size), each \"ok\" or the problem; exits 0 only when all pass. Reads only;\n"
    "  safe while the server runs. --max-wal: largest healthy WAL (default 256).\n";

static const char usage_gallra[] =
    "usage: bostadforst gallra --db PATH [--years N] [--dry-run]\n"
    "  Weeds (gallrar) the persons whose last entry is older than N years (default:\n"
    "  the admin setting, 5) and who have no open decision, no ongoing tenancy, no\n"
    "  open referral and no assigned case manager:\n"
    "  names, personnummer, contact details and journal texts are removed, the\n"
    "  Personkod and the dates the statistics need are kept. --dry-run prints the\n"
    "  count and each Personkod (no names) and changes nothing. Safe while the\n"
    "  server runs.\n";

static const char usage_copy[] =
    "usage: bostadforst copy --from FILE.db --to postgresql://OWNER@HOST/DB\n"
    "  Copies every table of the SQLite database FILE.db (read-only; its schema\n"
    "  must be this program's, and it may be served meanwhile: one snapshot is\n"
    "  copied) into the PostgreSQL database, migrated first when needed, which\n"
    "  must be empty (the configuration rows its migrations made are replaced\n"
    "  by FILE.db's). One transaction, as the role that owns the tables: then\n"
    "  the rows per table are counted on both sides and printed; any difference\n"
    "  rolls it all back. Exits 0 only when every table was copied and counted.\n";

static const char usage_routes[] = "usage: bostadforst routes\n  Prints the route table as JSON.\n";

/* Prints msg and the usage, returns 2 (the exit status for bad flags). */
static int bad_usage(const char *usage, const char *msg, const char *arg)
{
	fprintf(stderr, "bostadforst: %s%s%s\n\n%s", msg, arg ? ": " : "", arg ? arg : "", usage);
	return 2;
}

struct flag {
	const char *name;
	int takes_value;	/* 2: may be repeated, the values joined with commas */
	const char **value;	/* for value flags */
	int *set;	/* for boolean flags */
};

/* The joined values of a repeated flag (kept until exit). */
static char *repeated_values;

/*
 * Parses argv against flags. Returns 0, 1 for --help (usage printed), or
 * 2 after printing what was wrong.
 */
static int parse_flags(int argc, char **argv, struct flag *flags, const char *usage)
{
	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			fputs(usage, stdout);
			return 1;
		}
		struct flag *f = NULL;
		for (struct flag *p = flags; p->name; p++)
			if (strcmp(argv[i], p->name) == 0)
				f = p;
		if (!f)
			return bad_usage(usage, "unknown flag", argv[i]);
		if (f->takes_value) {
			if (i + 1 >= argc)
				return bad_usage(usage, "missing value for", argv[i]);
			const char *v = argv[++i];
			if (f->takes_value == 2 && *f->value) {
				size_t a = strlen(*f->value), b = strlen(v);
				char *joined = xmalloc(a + b + 2);
				memcpy(joined, *f->value, a);
				joined[a] = ',';
				memcpy(joined + a + 1, v, b + 1);
				free(repeated_values);	/* the previous join, if it was one */
				repeated_values = joined;
				v = joined;
			}
			*f->value = v;
		} else {
			*f->set = 1;
		}
	}
	return 0;
}

/* Parses a decimal integer in [min, max]; returns 0 or -1. */
static int parse_int(const char *s, long long min, long long max, long long *out)
{
	if (!s || !*s)
		return -1;
	char *end;
	long long v = strtoll(s, &end, 10);
	if (*end || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

/* Returns target as it may be printed: a PostgreSQL connection string
 * with its password as "****" (postgresql://user:PW@host, password=PW),
 * a file name as it is. Static storage: valid until the next call. */
static const char *shown(const char *target)
{
	static char out[1024];
	size_t o = 0, n = strlen(target);
	int pg = db_is_postgresql(target);
	const char *scheme = strstr(target, "://");
	const char *at = scheme ? strchr(scheme + 3, '@') : NULL;
	const char *colon = scheme ? strchr(scheme + 3, ':') : NULL;
	for (size_t i = 0; i < n && o + 5 < sizeof out; ) {
		const char *p = target + i;
		int url_pw = pg && colon && at && colon < at && p == colon;
		int kv_pw = pg && strncmp(p, "password=", 9) == 0 && (i == 0 || target[i - 1] == ' ' || target[i - 1] == '&' ||
		    target[i - 1] == '?');
		if (url_pw || kv_pw) {
			size_t k = url_pw ? 1 : 9;
			memcpy(out + o, p, k);
			o += k;
			memcpy(out + o, "****", 4);
			o += 4;
			i += k;
			i += url_pw ? (size_t)(at - (p + 1)) : strcspn(target + i, " &");
			continue;
		}
		out[o++] = target[i++];
	}
	out[o] = '\0';
	return out;
}

/* Opens the database for a command. Returns 0 or 1 (message printed). */
static int open_db(const char *path, int hashes)
{
	char err[512];
	if (db_open(path, err, sizeof err) < 0) {
		fprintf(stderr, "bostadforst: %s\n", err);
		return 1;
	}
	if (auth_init(hashes, 1) < 0) {
		fprintf(stderr, "bostadforst: cannot initialise libsodium or the secrets table\n");
		return 1;
	}
	return 0;
}

static int cmd_serve(int argc, char **argv)
{
	const char *dbp = NULL, *bind = "127.0.0.1", *port = "8080", *threads = NULL;
	const char *max_body = "1048576", *idle = "1800", *maxage = "43200", *login_queue = NULL;
	const char *proxies = NULL, *delay_base = "2000", *account_limit = "5", *address_limit = "20";
	const char *deadline = "10";
	int demo = 0, secure = 0, quiet = 0, bench = 0;
	struct flag flags[] = {
		{ "--db", 1, &dbp, NULL }, { "--bind", 1, &bind, NULL }, { "--port", 1, &port, NULL },
		{ "--threads", 1, &threads, NULL }, { "--max-body", 1, &max_body, NULL },
		{ "--session-idle", 1, &idle, NULL }, { "--session-max", 1, &maxage, NULL },
		{ "--demo", 0, NULL, &demo }, { "--secure-cookies", 0, NULL, &secure },
		{ "--login-queue", 1, &login_queue, NULL }, { "--quiet", 0, NULL, &quiet }, { "--bench", 0, NULL, &bench },
		{ "--trusted-proxy", 2, &proxies, NULL }, { "--login-delay-base-ms", 1, &delay_base, NULL },
		{ "--login-account-limit", 1, &account_limit, NULL }, { "--login-address-limit", 1, &address_limit, NULL },
		{ "--request-deadline", 1, &deadline, NULL }, { NULL, 0, NULL, NULL },
	};
	int rc = parse_flags(argc, argv, flags, usage_serve);
	if (rc)
		return rc == 1 ? 0 : rc;
	if (!dbp)
		return bad_usage(usage_serve, "--db is required", NULL);
	long long p, t, mb, si, sm, rd;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	if (parse_int(port, 0, 65535, &p) < 0)
		return bad_usage(usage_serve, "--port must be 0-65535", port);
	if (threads && parse_int(threads, 1, 256, &t) < 0)
		return bad_usage(usage_serve, "--threads must be 1-256", threads);
	if (!threads)
		t = ncpu > 0 ? ncpu : 2;
	if (parse_int(max_body, 1024, 1LL << 30, &mb) < 0)
		return bad_usage(usage_serve, "--max-body must be 1024-1073741824", max_body);
	if (parse_int(idle, 1, 86400, &si) < 0 || parse_int(maxage, 1, 7 * 86400, &sm) < 0)
		return bad_usage(usage_serve, "session timeouts must be positive seconds", NULL);
	long long hashers = ncpu > 0 ? ncpu : 2, lq = hashers * LOGIN_QUEUE_PER_HASHER;
	if (login_queue && parse_int(login_queue, 1, 100000, &lq) < 0)
		return bad_usage(usage_serve, "--login-queue must be 1-100000", login_queue);
	long long base, alim, dlim;
	if (parse_int(delay_base, 1, 60000, &base) < 0)
		return bad_usage(usage_serve, "--login-delay-base-ms must be 1-60000", delay_base);
	if (parse_int(account_limit, 1, 1000, &alim) < 0)
		return bad_usage(usage_serve, "--login-account-limit must be 1-1000", account_limit);
	if (parse_int(address_limit, 1, 100000, &dlim) < 0)
		return bad_usage(usage_serve, "--login-address-limit must be 1-100000", address_limit);
	static struct netrange trusted[64];
	int ntrusted = 0;
	if (proxies) {
		char bad[128];
		ntrusted = netrange_parse_list(proxies, trusted, (int)(sizeof trusted / sizeof trusted[0]), bad, sizeof bad);
		if (ntrusted < 0)
			return bad_usage(usage_serve, "--trusted-proxy takes IPv4 or IPv6 addresses or ADDR/BITS "
			    "ranges (at most 64)", bad);
	}
	if (parse_int(deadline, 1, 3600, &rd) < 0)
		return bad_usage(usage_serve, "--request-deadline must be 1-3600 seconds", deadline);
	auth_session_idle = si;
	auth_session_max = sm;
	throttle_base_ms = base;
	throttle_account_limit = (int)alim;
	throttle_address_limit = (int)dlim;

	if (open_db(dbp, (int)t))
		return 1;
	if (templates_load() < 0)
		return 1;
	if (demo) {
		int d = demo_seed();
		if (d == -2) {
			fprintf(stderr, "bostadforst: --demo refused: the database has real users\n");
			return 2;
		}
		if (d < 0) {
			fprintf(stderr, "bostadforst: could not seed demo data\n");
			return 1;
		}
		demo_print_logins();
	}
	db_close_all();	/* the workers open their own connections */
	struct server_opts o = {
		.bind = bind, .port = (int)p, .threads = (int)t, .max_body = (size_t)mb,
		.secure_cookies = secure, .conn_timeout = 30, .conn_limit = 1000,
		.per_ip_limit = 32, .request_deadline = (int)rd,
		.quiet = quiet, .bench = bench,
		.hashers = (int)hashers, .login_queue = (int)lq,
		.trusted_proxies = trusted, .ntrusted_proxies = ntrusted,
	};
	rc = server_run(&o);
	templates_free();
	return rc == 0 ? 0 : 1;
}

static int cmd_migrate(int argc, char **argv)
{
	const char *dbp = NULL;
	struct flag flags[] = { { "--db", 1, &dbp, NULL }, { NULL, 0, NULL, NULL } };
	int rc = parse_flags(argc, argv, flags, usage_migrate);
	if (rc)
		return rc == 1 ? 0 : rc;
	if (!dbp)
		return bad_usage(usage_migrate, "--db is required", NULL);
	char err[512];
	int n = db_migrate(dbp, err, sizeof err);
	if (n < 0) {
		fprintf(stderr, "bostadforst: %s\n", err);
		return 1;
	}
	printf("%s: %d migration%s applied, schema version %d\n", shown(dbp), n, n == 1 ? "" : "s",
	    db_known_version());
	if (db_open(dbp, err, sizeof err) < 0) {
		fprintf(stderr, "bostadforst: %s\n", err);
		return 1;
	}
	long long given = personkod_backfill();	/* persons housed before the Personkod was stored */
	db_close_all();
	if (given < 0) {
		fprintf(stderr, "bostadforst: could not give the Personkod to persons who have moved in\n");
		return 1;
	}
	if (given > 0)
		printf("%s: %lld Personkod given (first move-in order)\n", shown(dbp), given);
	return 0;
}

/* Reads a password: twice with echo off on a terminal, else one line.
 * Returns 0 and fills buf, or -1 with a message printed. */
static int read_password(char *buf, size_t len)
{
	int tty = isatty(STDIN_FILENO);
	char again[256];
	for (int round = 0; round < (tty ? 2 : 1); round++) {
		char *dst = round ? again : buf;
		size_t dlen = round ? sizeof again : len;
		struct termios old, quiet;
		if (tty) {
			fputs(round ? "Repeat password: " : "Password: ", stderr);
			tcgetattr(STDIN_FILENO, &old);
			quiet = old;
			quiet.c_lflag &= ~(tcflag_t)ECHO;
			tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
		}
		char *ok = fgets(dst, (int)dlen, stdin);
		if (tty) {
			tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
			fputc('\n', stderr);
		}
		if (!ok) {
			fprintf(stderr, "bostadforst: no password given on standard input\n");
			return -1;
		}
		dst[strcspn(dst, "\r\n")] = '\0';
	}
	if (tty && strcmp(buf, again) != 0) {
		fprintf(stderr, "bostadforst: the passwords differ\n");
		return -1;
	}
	const char *why = auth_password_problem(buf);
	if (why) {
		fprintf(stderr, "bostadforst: %s\n", why);
		return -1;
	}
	return 0;
}

static int cmd_adduser(int argc, char **argv)
{
	const char *dbp = NULL, *username = NULL, *role = NULL, *district = NULL, *name = "";
	struct flag flags[] = {
		{ "--db", 1, &dbp, NULL }, { "--username", 1, &username, NULL },
		{ "--role", 1, &role, NULL }, { "--district", 1, &district, NULL },
		{ "--name", 1, &name, NULL }, { NULL, 0, NULL, NULL },
	};
	int rc = parse_flags(argc, argv, flags, usage_adduser);
	if (rc)
		return rc == 1 ? 0 : rc;
	if (!dbp || !username || !role)
		return bad_usage(usage_adduser, "--db, --username and --role are required", NULL);
	int r = role_from_name(role);
	if (!r)
		return bad_usage(usage_adduser, "unknown role", role);
	if (!username_valid(username))
		return bad_usage(usage_adduser, "username must be 2-64 of a-z 0-9 . _ -", username);
	if (role_needs_district(r) && !district)
		return bad_usage(usage_adduser, "--district is required for this role", NULL);
	if (open_db(dbp, 1))
		return 1;
	char pw[256];
	if (read_password(pw, sizeof pw) < 0)
		return 1;
	char *hash = auth_hash_password(pw);
	if (!hash)
		return 1;
	long long did = 0, id = 0;
	rc = 1;
	if (db_begin() < 0)
		goto out;
	if (district) {
		did = district_id_by_name(district);
		if (did == 0)
			did = district_insert(district, 0);
		if (did < 0)
			goto out;
	}
	int ins = user_insert(username, name, r, did, hash, 0, &id);
	if (ins == -2) {
		fprintf(stderr, "bostadforst: user %s already exists\n", username);
		goto out;
	}
	if (ins < 0 || audit_log(0, "create", "user", id, 0) < 0 || db_commit() < 0)
		goto out;
	printf("user %s added (id %lld)\n", username, id);
	rc = 0;
out:
	if (rc)
		db_rollback();
	free(hash);
	db_close_all();
	return rc;
}

static int cmd_passwd(int argc, char **argv)
{
	const char *dbp = NULL, *username = NULL;
	struct flag flags[] = {
		{ "--db", 1, &dbp, NULL }, { "--username", 1, &username, NULL }, { NULL, 0, NULL, NULL },
	};
	int rc = parse_flags(argc, argv, flags, usage_passwd);
	if (rc)
		return rc == 1 ? 0 : rc;
	if (!dbp || !username)
		return bad_usage(usage_passwd, "--db and --username are required", NULL);
	if (open_db(dbp, 1))
		return 1;
	char pw[256];
	if (read_password(pw, sizeof pw) < 0)
		return 1;
	char *hash = auth_hash_password(pw);
	if (!hash)
		return 1;
	rc = user_set_password(username, hash);
	free(hash);
	if (rc == -2)
		fprintf(stderr, "bostadforst: no user %s\n", username);
	else if (rc == 0)
		printf("password for %s changed\n", username);
	db_close_all();
	return rc == 0 ? 0 : 1;
}

static int cmd_routes(int argc, char **argv)
{
	(void)argv;
	if (argc > 0)
		return strcmp(argv[0], "--help") == 0 ? (fputs(usage_routes, stdout), 0) :
		    bad_usage(usage_routes, "unknown flag", argv[0]);
	json_t *t = route_table_json();
	char *s = json_dumps(t, JSON_INDENT(1));
	puts(s);
	free(s);
	json_decref(t);
	return 0;
}

static const char usage_forms[] = "usage: bostadforst forms --json\n  Prints the form descriptions (src/formdefs.c) as JSON.\n";

/* `forms --json`: the described forms, for the generated form test. */
static int cmd_forms(int argc, char **argv)
{
	if (argc != 1 || strcmp(argv[0], "--json") != 0)
		return argc > 0 && strcmp(argv[0], "--help") == 0 ? (fputs(usage_forms, stdout), 0) :
		    bad_usage(usage_forms, "expected", "--json");
	json_t *t = formdefs_json();
	char *s = json_dumps(t, JSON_INDENT(1));
	puts(s);
	free(s);
	json_decref(t);
	return 0;
}

static int cmd_import(int argc, char **argv)
{
	const char *dbp = NULL, *district = NULL, *file = NULL;
	int dry = 0;
	struct flag flags[] = {
		{ "--db", 1, &dbp, NULL }, { "--district", 1, &district, NULL }, { "--file", 1, &file, NULL },
		{ "--dry-run", 0, NULL, &dry }, { NULL, 0, NULL, NULL },
	};
	int rc = parse_flags(argc, argv, flags, usage_import);
	if (rc)
		return rc == 1 ? 0 : rc;
	if (!dbp || !district || !file)
		return bad_usage(usage_import, "--db, --district and --file are required", NULL);
	FILE *f = fopen(file, "rb");
	if (!f) {
		fprintf(stderr, "bostadforst: cannot read %s\n", file);
		return 1;
	}
	struct buf data;
	buf_init(&data);
	char chunk[65536];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0 && data.len <= IMPORT_MAX_BYTES)
		buf_append(&data, chunk, n);
	fclose(f);
	if (data.len > IMPORT_MAX_BYTES) {	/* /dev/zero, or not a statusrapport */
		fprintf(stderr, "bostadforst: %s is larger than %d MiB; a statusrapport is far smaller\n", file,
		    IMPORT_MAX_BYTES >> 20);
		buf_free(&data);
		return 1;
	}
	if (open_db(dbp, 1)) {
		buf_free(&data);
		return 1;
	}
	/* a new district is created only once the file has been read and
	 * matched without an error: first the dry run, then the real one */
	long long did = district_id_by_name(district);
	struct import_result res;
	buf_init(&res.errors);
	buf_init(&res.changes);
	rc = status_import(data.data ? data.data : "", data.len, did > 0 ? did : 0, 0, 1, &res);
	if (rc == 0 && !dry) {
		if (did <= 0)
			did = district_insert(district, 0);
		buf_reset(&res.changes);
		rc = did > 0 ? status_import(data.data ? data.data : "", data.len, did, 0, 0, &res) : -1;
	}
	if (rc == 1)
		fprintf(stderr, "%s%d fel; inget har sparats.\n", res.errors.data, res.nerrors);
	else if (rc == 0)
		printf("%s%s: %d %s, år %d: %d %s, %d %s, %d %s, %d %s%s\n",
		    res.changes.data ? res.changes.data : "", file, res.rows, plural(res.rows, "rad", "rader"), res.year,
		    res.persons, plural(res.persons, "ny person", "nya personer"),
		    res.tenancies, plural(res.tenancies, "nytt boende", "nya boenden"),
		    res.updated, plural(res.updated, "uppdaterad", "uppdaterade"),
		    res.unchanged, plural(res.unchanged, "oförändrad", "oförändrade"), dry ? " (provkörning, inget sparat)" : " (sparat)");
	else
		fprintf(stderr, "bostadforst: database error; nothing was saved\n");
	buf_free(&res.errors);
	buf_free(&res.changes);
	buf_free(&data);
	db_close_all();
	return rc == 0 ? 0 : 1;
}

static int cmd_demo(int argc, char **argv)
{
	const char *dbp = NULL, *persons = NULL;
	struct flag flags[] = { { "--db", 1, &dbp, NULL }, { "--persons", 1, &persons, NULL }, { NULL, 0, NULL, NULL } };
	int rc = parse_flags(argc, argv, flags, usage_demo);
	if (rc)
		return rc == 1 ? 0 : rc;
	char *end = NULL;
	long long n = persons ? strtoll(persons, &end, 10) : -1;
	if (!dbp || !persons || *end || n < 0 || n > 10000000)
		return bad_usage(usage_demo, "--db and --persons (0-10000000) are required", NULL);
	char err[512];
	if (db_migrate(dbp, err, sizeof err) < 0) {
		fprintf(stderr, "bostadforst: %s\n", err);
		return 1;
	}
	if (open_db(dbp, 1))
		return 1;
	int seeded = demo_seed();
	if (seeded == -2)
		fprintf(stderr, "bostadforst: %s holds real users; refusing to add demo data\n", shown(dbp));
	if (seeded < 0) {
		db_close_all();
		return 1;
	}
	long long t0 = now_usec();
	rc = generate_persons(n);
	if (rc == 0 && (personkod_backfill() < 0 || decisions_backfill_effective() < 0))
		rc = -1;
	if (rc == 0)
		printf("%s: %lld generated persons in %.1f s\n", shown(dbp), n, (double)(now_usec() - t0) / 1e6);
	db_close_all();
	return rc == 0 ? 0 : 1;
}

static int cmd_backup(int argc, char **argv)
{
	const char *dbp = NULL, *to = NULL, *key = NULL, *new_key = NULL;
	struct flag flags[] = {
		{ "--db", 1, &dbp, NULL }, { "--to", 1, &to, NULL }, { "--key", 1, &key, NULL },
		{ "--new-key", 1, &new_key, NULL }, { NULL, 0, NULL, NULL },
	};
	int rc = parse_flags(argc, argv, flags, usage_backup);
	if (rc)
		return rc == 1 ? 0 : rc;
	if (new_key) {
		if (dbp || to || key)
			return bad_usage(usage_backup, "--new-key is used alone", NULL);
		return backup_new_key(new_key);
	}
	if (!dbp || !to)
		return bad_usage(usage_backup, "--db and --to are required", NULL);
	return backup_run(dbp, to, key);
}

static int cmd_restore(int argc, char **argv)
{
	const char *from = NULL, *dbp = NULL, *key = NULL;
	struct flag flags[] = {
		{ "--from", 1, &from, NULL }, { "--db", 1, &dbp, NULL }, { "--key", 1, &key, NULL },
		{ NULL, 0, NULL, NULL },
	};
	int rc = parse_flags(argc, argv, flags, usage_restore);
	if (rc)
		return rc == 1 ? 0 : rc;
	if (!from || !dbp)
		return bad_usage(usage_restore, "--from and --db are required", NULL);
	return restore_run(from, dbp, key);
}

static int cmd_check(int argc, char **argv)
{
	const char *dbp = NULL, *max_wal = "256";
	struct flag flags[] = { { "--db", 1, &dbp, NULL }, { "--max-wal", 1, &max_wal, NULL }, { NULL, 0, NULL, NULL } };
	int rc = parse_flags(argc, argv, flags, usage_check);
	if (rc)
		return rc == 1 ? 0 : rc;
	if (!dbp)
		return bad_usage(usage_check, "--db is required", NULL);
	long long mw;
	if (parse_int(max_wal, 1, 1LL << 20, &mw) < 0)
		return bad_usage(usage_check, "--max-wal must be 1-1048576 (MiB)", max_wal);
	return check_run(dbp, mw << 20);
}

static int cmd_copy(int argc, char **argv)
{
	const char *from = NULL, *to = NULL;
	struct flag flags[] = { { "--from", 1, &from, NULL }, { "--to", 1, &to, NULL }, { NULL, 0, NULL, NULL } };
	int rc = parse_flags(argc, argv, flags, usage_copy);
	if (rc)
		return rc == 1 ? 0 : rc;
	if (!from || !to)
		return bad_usage(usage_copy, "--from and --to are required", NULL);
	if (!db_is_postgresql(to))
		return bad_usage(usage_copy, "--to must be a PostgreSQL connection string", NULL);
	return copy_run(from, to);
}

static int cmd_gallra(int argc, char **argv)
{
	const char *dbp = NULL, *years_s = NULL;
	int dry = 0;
	struct flag flags[] = {
		{ "--db", 1, &dbp, NULL }, { "--years", 1, &years_s, NULL }, { "--dry-run", 0, NULL, &dry },
		{ NULL, 0, NULL, NULL },
	};
	int rc = parse_flags(argc, argv, flags, usage_gallra);
	if (rc)
		return rc == 1 ? 0 : rc;
	if (!dbp)
		return bad_usage(usage_gallra, "--db is required", NULL);
	long long years = 0;
	if (years_s && parse_int(years_s, 1, 100, &years) < 0)
		return bad_usage(usage_gallra, "--years must be 1-100", years_s);
	if (open_db(dbp, 1))
		return 1;
	if (!years)
		years = gallring_years();
	/* who ran it, for the gallring_runs row (the audit has no user) */
	struct passwd *pw = getpwuid(getuid());
	char via[96];
	snprintf(via, sizeof via, "cli:%.80s", pw && pw->pw_name ? pw->pw_name : "?");
	struct gallring_result res;
	rc = gallring_run((int)years, dry, 0, via, &res);
	if (rc < 0) {
		fprintf(stderr, "bostadforst: database error; nothing was weeded\n");
		db_close_all();
		return 1;
	}
	for (size_t i = 0; dry && i < res.n; i++) {
		if (res.persons[i].personkod[0])
			printf("%s\n", res.persons[i].personkod);
		else
			printf("(ingen Personkod, löpnummer %lld)\n", res.persons[i].id);
	}
	printf("%zu %s med senaste anteckning före %s%s\n", res.n, plural((long long)res.n, "person", "personer"),
	    res.cutoff, dry ? " (provkörning, inget gallrat)" : " gallrade");
	if (!dry && res.n > 0 && !res.vacuumed && db_engine() == DB_POSTGRESQL)
		fprintf(stderr, "bostadforst: weeded; VACUUM was not run (this role does not own the tables): "
		    "run VACUUM as the owner role\n");
	else if (!dry && res.n > 0 && (!res.vacuumed || !res.checkpointed))
		fprintf(stderr, "bostadforst: weeded, but %s could not run now; stop the server and run "
		    "sqlite3 %s 'VACUUM; PRAGMA wal_checkpoint(TRUNCATE)'\n", res.vacuumed ? "the WAL checkpoint" : "VACUUM", dbp);
	gallring_free(&res);
	db_close_all();
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return bad_usage(usage_main, "missing command", NULL);
	const char *cmd = argv[1];
	if (strcmp(cmd, "--version") == 0) {
		printf("bostadforst %s\n", VERSION);
		return 0;
	}
	if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
		fputs(usage_main, stdout);
		return 0;
	}
	static const struct {
		const char *name;
		int (*fn)(int, char **);
	} cmds[] = {
		{ "serve", cmd_serve }, { "migrate", cmd_migrate }, { "adduser", cmd_adduser },
		{ "passwd", cmd_passwd }, { "routes", cmd_routes }, { "import-status", cmd_import },
		{ "forms", cmd_forms },
		{ "demo", cmd_demo }, { "backup", cmd_backup }, { "restore", cmd_restore }, { "check", cmd_check },
		{ "gallra", cmd_gallra }, { "copy", cmd_copy },
	};
	for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
		if (strcmp(cmd, cmds[i].name) == 0)
			return cmds[i].fn(argc - 2, argv + 2);
	return bad_usage(usage_main, "unknown command", cmd);
}

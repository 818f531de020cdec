/* demo.c - demo users and districts. Refused on a database with real
 * users: a marker row tells a demo database from a real one. */
#include "demo.h"
#include "audit.h"
#include "auth.h"
#include "db.h"
#include "district.h"
#include "user.h"

#include <stdio.h>
#include <stdlib.h>

static const struct {
	const char *username;
	const char *name;
	int role;
	const char *district;
} demo_users[] = {
	{ "soc1", "Sara Socialsekreterare", ROLE_SOC, "Centrum" },
	{ "soc2", "Sven Socialsekreterare", ROLE_SOC, "Hisingen" },
	{ "cm1", "Cecilia Case Manager", ROLE_CM, NULL },
	{ "cm2", "Carl Case Manager", ROLE_CM, NULL },
	{ "fast1", "Fatima Fastighetskontoret", ROLE_LANDLORD, NULL },
	{ "chef1", "Charlotte Chef", ROLE_MANAGER, NULL },
	{ "admin1", "Adam Systemförvaltare", ROLE_ADMIN, NULL },
};

/* Returns 1 when the demo marker exists, 0 when not, -1 on error. */
static int is_demo_db(void)
{
	static const char sql[] = "SELECT 1 FROM secrets WHERE name = 'demo'";
	sqlite3_stmt *st = db_stmt(sql);
	if (!st)
		return -1;
	int rc = sqlite3_step(st);
	db_done(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

int demo_seed(void)
{
	long long users = user_count();
	if (users < 0)
		return -1;
	int demo = is_demo_db();
	if (demo < 0)
		return -1;
	if (users > 0)
		return demo ? 0 : -2;

	char *hash = auth_hash_password(DEMO_PASSWORD);
	if (!hash)
		return -1;
	if (db_begin() < 0) {
		free(hash);
		return -1;
	}
	const char *districts[] = { "Centrum", "Hisingen" };
	for (size_t i = 0; i < 2; i++)
		if (district_insert(districts[i], 0) < 0)
			goto fail;
	for (size_t i = 0; i < sizeof demo_users / sizeof demo_users[0]; i++) {
		long long did = demo_users[i].district ? district_id_by_name(demo_users[i].district) : 0;
		long long id;
		if (did < 0 || user_insert(demo_users[i].username, demo_users[i].name, demo_users[i].role,
		    did, hash, 0, &id) < 0 || audit_log(0, "create", "user", id, 0) < 0)
			goto fail;
	}
	if (db_exec("INSERT INTO secrets(name, value) VALUES('demo', x'01')") < 0 || db_commit() < 0)
		goto fail;
	free(hash);
	return 1;
fail:
	db_rollback();
	free(hash);
	return -1;
}

void demo_print_logins(void)
{
	printf("Demo logins (password: %s):\n", DEMO_PASSWORD);
	for (size_t i = 0; i < sizeof demo_users / sizeof demo_users[0]; i++)
		printf("  %-7s %s%s%s\n", demo_users[i].username, role_label(demo_users[i].role),
		    demo_users[i].district ? ", " : "", demo_users[i].district ? demo_users[i].district : "");
	fflush(stdout);
}

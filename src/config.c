/* config.c - what the admin configures beyond users and districts: the
 * life areas of the genomförandeplan, the items of the monthly checklist
 * (one handler set for both lists, told apart by the path), and the
 * takeover waiting time. Items are never deleted, only made inactive. */
#include "audit.h"
#include "db.h"
#include "handlers.h"

#include <stdlib.h>
#include <string.h>

struct list_kind {
	const char *path, *list, *title, *item;
};

static const struct list_kind kinds[] = {
	{ "/admin/life-areas", "life_area", "Livsområden i genomförandeplanen", "livsområdet" },
	{ "/admin/checklist-items", "checklist_item", "Punkter i månadschecklistan", "punkten" },
};

/* Returns the list the request's path is about. */
static const struct list_kind *kind_of(const struct req *r)
{
	return strncmp(r->path, kinds[0].path, strlen(kinds[0].path)) == 0 ? &kinds[0] : &kinds[1];
}

/* Fills the list page. Returns 200 or 500. */
static int list_view(struct req *r, const struct list_kind *k)
{
	static const char sql[] = "SELECT id, label, position, active, version FROM config_items WHERE list = ? "
	    "ORDER BY active DESC, position, id";
	sqlite3_stmt *st = db_stmt(sql);
	if (!st)
		return http_fail(r, 500, NULL);
	sqlite3_bind_text(st, 1, k->list, -1, SQLITE_STATIC);
	json_t *rows = db_rows_json(st, 0, NULL);
	if (!rows)
		return http_fail(r, 500, NULL);
	json_object_set_new(r->view, "rows", rows);
	json_object_set_new(r->view, "title", json_string(k->title));
	json_object_set_new(r->view, "base", json_string(k->path));
	json_object_set_new(r->view, "hint", json_string(!strcmp(k->list, "life_area") ?
	    "Nya planer visar de aktiva livsområdena i denna ordning. Sparade planer behåller sina rubriker." :
	    "Nya checklistor får de aktiva punkterna i denna ordning. Sparade checklistor behåller sina punkter."));
	return 200;
}

/* GET /admin/life-areas, /admin/checklist-items */
int config_list(struct req *r)
{
	return list_view(r, kind_of(r));
}

/* Reads label and position; errors in the view. */
static void read_item(struct req *r, const char **label, long long *position)
{
	*label = http_param(r, "label");
	const char *p = http_param(r, "position");
	char *end;
	*position = p && *p ? strtoll(p, &end, 10) : 0;
	if (!*label || !**label)
		view_error(r, "label", "Skriv en benämning.");
	else if (strlen(*label) > 120)
		view_error(r, "label", "Benämningen får vara högst 120 tecken.");
	if (!p || !*p || *end || *position < 1 || *position > 999)
		view_error(r, "position", "Ange plats i ordningen som ett heltal, 1–999.");
	json_object_set_new(r->view, "form", json_pack("{s:s, s:s}", "label", *label ? *label : "", "position", p ? p : ""));
}

/* POST /admin/life-areas, /admin/checklist-items : add an item */
int config_create(struct req *r)
{
	static const char sql[] = "INSERT INTO config_items(list, label, position, created_at, created_by, updated_at, updated_by) "
	    "VALUES(?, ?, ?, ?, ?, ?, ?)";
	const struct list_kind *k = kind_of(r);
	const char *label;
	long long position;
	read_item(r, &label, &position);
	if (view_has_errors(r)) {
		int rc = list_view(r, k);
		return rc == 200 ? 400 : rc;
	}
	long long now = now_unix();
	if (db_begin() < 0)
		return http_fail(r, 500, NULL);
	if (db_execf(sql, "ttiiiii", k->list, label, position, now, r->user.id, now, r->user.id) < 0) {
		db_rollback();
		view_error(r, "label", "Det finns redan en punkt med den benämningen.");
		int rc = list_view(r, k);
		return rc == 200 ? 409 : rc;
	}
	long long id = sqlite3_last_insert_rowid(db());
	if (audit_log(r->user.id, "create", "config_item", id, 0) < 0 || db_commit() < 0) {
		db_rollback();
		return http_fail(r, 500, NULL);
	}
	return http_redirect_done(r, k->path, DONE_CONFIG_ITEM_ADDED);
}

/* POST /admin/life-areas/{id}, /admin/checklist-items/{id} : rename,
 * reorder, (de)activate; version-checked */
int config_update(struct req *r)
{
	static const char sql[] = "UPDATE config_items SET label = ?, position = ?, active = ?, version = version + 1, "
	    "updated_at = ?, updated_by = ? WHERE id = ? AND list = ? AND version = ?";
	static const char exists[] = "SELECT list FROM config_items WHERE id = ?";
	const struct list_kind *k = kind_of(r);
	long long id = r->params[0];
	json_t *row = db_row_for(exists, id);
	int ours = row && str_eq(json_string_value(json_object_get(row, "list")), k->list);
	json_decref(row);
	if (!ours)
		return http_fail(r, 404, "Punkten finns inte.");
	const char *label;
	long long position;
	read_item(r, &label, &position);
	long long version = parse_id(http_param(r, "version"));
	const char *active = http_param(r, "active");
	if (view_has_errors(r)) {
		int rc = list_view(r, k);
		return rc == 200 ? 400 : rc;
	}
	if (db_begin() < 0)
		return http_fail(r, 500, NULL);
	sqlite3_stmt *st = db_stmt(sql);
	int changed = 0, rc = SQLITE_ERROR;
	if (st) {
		db_bindf(st, "tiiiiiti", label, position, (long long)(active && !strcmp(active, "1")), now_unix(), r->user.id,
		    id, k->list, version);
		rc = db_write(st, &changed);
	}
	if (rc == SQLITE_DONE && !changed) {
		db_rollback();
		view_conflict(r, "label", k->item);
		int lrc = list_view(r, k);
		return lrc == 200 ? 409 : lrc;
	}
	if (rc != SQLITE_DONE) {
		db_rollback();
		view_error(r, "label", "Det finns redan en punkt med den benämningen.");
		int lrc = list_view(r, k);
		return lrc == 200 ? 409 : lrc;
	}
	if (audit_log(r->user.id, "update", "config_item", id, 0) < 0 || db_commit() < 0) {
		db_rollback();
		return http_fail(r, 500, NULL);
	}
	return http_redirect_done(r, k->path, DONE_CONFIG_ITEM_SAVED);
}

/* GET /admin/settings : the takeover months and the gallring years */
int settings_form(struct req *r)
{
	json_object_set_new(r->view, "title", json_string("Inställningar"));
	json_t *f = json_array();
	const char *v = r->is_post ? http_param(r, "takeover_months") :
	    arena_printf(&r->arena, "%lld", db_setting_int("takeover_months", 9));
	view_field(r, f, "takeover_months", "Månader från inflyttning till prövning av överlåtelse", "input", v,
	    "Ett av villkoren för att ett boende visas som redo för överlåtelse av förstahandskontraktet.");
	const char *g = r->is_post ? http_param(r, "gallring_years") :
	    arena_printf(&r->arena, "%lld", db_setting_int("gallring_years", 5));
	view_field(r, f, "gallring_years", "År efter senaste anteckningen till gallring", "input", g,
	    "Socialtjänstens akter gallras fem år efter senaste anteckningen om inte kommunens gallringsbeslut säger "
	    "annat. Gallringen görs under Gallring.");
	json_object_set_new(r->view, "fields", f);
	/* the values the form was opened with: a save over another's is a 409 */
	json_object_set_new(r->view, "was", json_string(r->is_post && http_param(r, "was") ? http_param(r, "was") :
	    arena_printf(&r->arena, "%lld", db_setting_int("takeover_months", 9))));
	json_object_set_new(r->view, "was_gallring", json_string(r->is_post && http_param(r, "was_gallring") ?
	    http_param(r, "was_gallring") : arena_printf(&r->arena, "%lld", db_setting_int("gallring_years", 5))));
	return 200;
}

/* Reads the integer field name within lo..hi into *out; records the Swedish
 * error msg otherwise. Returns 1 when good. */
static int setting_field(struct req *r, const char *name, long long lo, long long hi, const char *msg, long long *out)
{
	const char *v = http_param(r, name);
	char *end;
	long long n = v && *v ? strtoll(v, &end, 10) : -1;
	if (!v || !*v || *end || n < lo || n > hi) {
		view_error(r, name, msg);
		return 0;
	}
	*out = n;
	return 1;
}

/* POST /admin/settings */
int settings_save(struct req *r)
{
	static const char sql[] = "INSERT INTO settings(name, value) VALUES(?, ?) "
	    "ON CONFLICT(name) DO UPDATE SET value = excluded.value";
	long long n = 0, years = 5;
	int ok = setting_field(r, "takeover_months", 1, 60, "Ange antal månader som ett heltal, 1–60.", &n);
	/* a form from before the gallring setting keeps it as it is */
	int has_years = http_param(r, "gallring_years") != NULL;
	if (has_years)
		ok &= setting_field(r, "gallring_years", 1, 100, "Ange antal år som ett heltal, 1–100.", &years);
	if (!ok) {
		settings_form(r);
		return 400;
	}
	if (db_begin() < 0)
		return http_fail(r, 500, NULL);
	long long now = db_setting_int("takeover_months", 9), now_years = db_setting_int("gallring_years", 5);
	const char *was = http_param(r, "was"), *was_years = http_param(r, "was_gallring");
	if (!was || atoll(was) != now) {
		db_rollback();
		view_error(r, "takeover_months", arena_printf(&r->arena, "Någon annan har ändrat inställningen sedan du öppnade "
		    "sidan: nu sparat är %lld %s. Formuläret visar det du skrev; spara igen för att ersätta.", now,
		    plural(now, "månad", "månader")));
		settings_form(r);
		json_object_set_new(r->view, "was", json_string(arena_printf(&r->arena, "%lld", now)));
		return 409;
	}
	if (has_years && (!was_years || atoll(was_years) != now_years)) {
		db_rollback();
		view_error(r, "gallring_years", arena_printf(&r->arena, "Någon annan har ändrat inställningen sedan du öppnade "
		    "sidan: nu sparat är %lld år. Formuläret visar det du skrev; spara igen för att ersätta.", now_years));
		settings_form(r);
		json_object_set_new(r->view, "was_gallring", json_string(arena_printf(&r->arena, "%lld", now_years)));
		return 409;
	}
	if (db_execf(sql, "tt", "takeover_months", arena_printf(&r->arena, "%lld", n)) < 0 ||
	    (has_years && db_execf(sql, "tt", "gallring_years", arena_printf(&r->arena, "%lld", years)) < 0) ||
	    audit_log(r->user.id, "update", "settings", 0, 0) < 0 || db_commit() < 0) {
		db_rollback();
		return http_fail(r, 500, NULL);
	}
	return http_redirect_done(r, "/admin/settings", DONE_SETTINGS_SAVED);
}

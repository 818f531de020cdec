/* config.c - what the admin configures beyond users and districts: the
 * life areas of the genomförandeplan, the items of the monthly checklist
 * (one handler set for both lists, told apart by the path), and the
 * takeover waiting time. Items are never deleted, only made inactive. */
#include "audit.h"
#include "db.h"
#include "formdef.h"
#include "handlers.h"

#include <stdlib.h>
#include <string.h>

struct list_kind {
	const char *path, *list, *title, *item;
	const char *new_form, *edit_form;	/* formdefs.c */
};

static const struct list_kind kinds[] = {
	{ "/admin/life-areas", "life_area", "Livsområden i genomförandeplanen", "livsområdet", "life_area_new", "life_area_edit" },
	{ "/admin/checklist-items", "checklist_item", "Punkter i månadschecklistan", "punkten", "checklist_item_new",
	  "checklist_item_edit" },
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
	dbstmt *st = db_stmt(sql);
	if (!st)
		return http_fail(r, 500, NULL);
	db_bind_text(st, 1, k->list, -1);
	json_t *rows = db_rows_json(st, 0, NULL);
	if (!rows)
		return http_fail(r, 500, NULL);
	form_row_errors(r, rows, "label");
	json_t *pe = json_object_get(r->view, "field_errors");
	size_t i;
	json_t *row;
	json_array_foreach(rows, i, row) {	/* the position's error beside the position */
		json_t *e = json_object_get(pe, arena_printf(&r->arena, "position-%lld",
		    (long long)json_integer_value(json_object_get(row, "id"))));
		json_object_set(row, "position_error", e ? e : json_null());
	}
	json_object_set_new(r->view, "rows", rows);
	if (!json_object_get(r->view, "f"))
		form_view(r, formdef_find(k->new_form), NULL, NULL);
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

/* POST /admin/life-areas, /admin/checklist-items : add an item */
int config_create(struct req *r)
{
	static const char sql[] = "INSERT INTO config_items(list, label, position, created_at, created_by, updated_at, updated_by) "
	    "VALUES(?, ?, ?, ?, ?, ?, ?)";
	const struct list_kind *k = kind_of(r);
	const struct formdef *d = formdef_find(k->new_form);
	struct fvals *v = form_read(r, d);
	const char *label = fv_str(v, "label");
	long long position = (long long)fv_num(v, "position");
	if (view_has_errors(r)) {
		form_view(r, d, v, NULL);
		int rc = list_view(r, k);
		return rc == 200 ? 400 : rc;
	}
	long long now = now_unix();
	if (db_begin() < 0)
		return http_fail(r, 500, NULL);
	if (db_execf(sql, "ttiiiii", k->list, label, position, now, r->user.id, now, r->user.id) < 0) {
		db_rollback();
		view_error(r, "label", "Det finns redan en punkt med den benämningen.");
		form_view(r, d, v, NULL);
		int rc = list_view(r, k);
		return rc == 200 ? 409 : rc;
	}
	long long id = db_last_id();
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
	struct fvals *v = form_read_row(r, formdef_find(k->edit_form), id);
	const char *label = fv_str(v, "label");
	long long position = (long long)fv_num(v, "position");
	long long version = parse_id(http_param(r, "version"));
	int active = fv_num(v, "active") != 0;
	if (view_has_errors(r)) {
		int rc = list_view(r, k);
		form_row_keep(json_object_get(r->view, "rows"), id, v);
		return rc == 200 ? 400 : rc;
	}
	if (db_begin() < 0)
		return http_fail(r, 500, NULL);
	dbstmt *st = db_stmt(sql);
	int changed = 0, rc = DB_ERROR;
	if (st) {
		db_bindf(st, "tiiiiiti", label, position, (long long)active, now_unix(), r->user.id,
		    id, k->list, version);
		rc = db_write(st, &changed);
	}
	if (rc == DB_DONE && !changed) {
		db_rollback();
		form_conflict(r, NULL, NULL, arena_printf(&r->arena, "label-%lld", id), k->item, NULL);
		form_conflict_typed(r, v);
		int lrc = list_view(r, k);
		return lrc == 200 ? 409 : lrc;
	}
	if (rc != DB_DONE) {
		db_rollback();
		view_error(r, arena_printf(&r->arena, "label-%lld", id), "Det finns redan en punkt med den benämningen.");
		int lrc = list_view(r, k);
		form_row_keep(json_object_get(r->view, "rows"), id, v);
		return lrc == 200 ? 409 : lrc;
	}
	if (audit_log(r->user.id, "update", "config_item", id, 0) < 0 || db_commit() < 0) {
		db_rollback();
		return http_fail(r, 500, NULL);
	}
	return http_redirect_done(r, k->path, DONE_CONFIG_ITEM_SAVED);
}

/* GET /admin/settings; also the page a refused save shows (v: what was
 * typed, or NULL) */
static int settings_view(struct req *r, const struct fvals *v)
{
	json_object_set_new(r->view, "title", json_string("Inställningar"));
	json_t *stored = json_pack("{s:I, s:I}", "takeover_months", (json_int_t)db_setting_int("takeover_months", 9),
	    "gallring_years", (json_int_t)db_setting_int("gallring_years", 5));
	form_view(r, formdef_find("settings"), v, stored);
	json_decref(stored);
	/* the value the form was opened with: a save over another's is a 409 */
	json_object_set_new(r->view, "was", json_string(r->is_post && http_param(r, "was") ? http_param(r, "was") :
	    arena_printf(&r->arena, "%lld", db_setting_int("takeover_months", 9))));
	json_object_set_new(r->view, "was_gallring", json_string(r->is_post && http_param(r, "was_gallring") ?
	    http_param(r, "was_gallring") : arena_printf(&r->arena, "%lld", db_setting_int("gallring_years", 5))));
	return 200;
}

int settings_form(struct req *r)
{
	return settings_view(r, NULL);
}

/* POST /admin/settings */
int settings_save(struct req *r)
{
	static const char sql[] = "INSERT INTO settings(name, value) VALUES(?, ?) "
	    "ON CONFLICT(name) DO UPDATE SET value = excluded.value";
	struct fvals *v = form_read(r, formdef_find("settings"));
	long long n = (long long)fv_num(v, "takeover_months"), years = (long long)fv_num(v, "gallring_years");
	/* a form from before the gallring setting (or one left empty) keeps it */
	int has_years = fv_str(v, "gallring_years") != NULL;
	if (view_has_errors(r)) {
		settings_view(r, v);
		return 400;
	}
	if (db_begin() < 0)
		return http_fail(r, 500, NULL);
	long long now = db_setting_int("takeover_months", 9), now_years = db_setting_int("gallring_years", 5);
	const char *was = http_param(r, "was"), *was_years = http_param(r, "was_gallring");
	if (!was || atoll(was) != now) {
		db_rollback();
		form_conflict(r, NULL, NULL, "takeover_months", "inställningen",
		    arena_printf(&r->arena, "%lld %s", now, plural(now, "månad", "månader")));
		settings_view(r, v);
		json_object_set_new(r->view, "was", json_string(arena_printf(&r->arena, "%lld", now)));
		return 409;
	}
	if (has_years && (!was_years || atoll(was_years) != now_years)) {
		db_rollback();
		form_conflict(r, NULL, NULL, "gallring_years", "inställningen", arena_printf(&r->arena, "%lld år", now_years));
		settings_view(r, v);
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

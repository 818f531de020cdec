/* plan.c - the genomförandeplan, written by the case manager with the
 * participant: per life area the participant's own goal, strengths, needs
 * and actions (what, how, when, who); follow-up dates; the participant's
 * agreement. Every save is a new version; versions can be compared and
 * printed. Read by the socialsekreterare; never by the landlord office
 * (nor the manager: the route table does not list them). */
#include "audit.h"
#include "date.h"
#include "db.h"
#include "formdef.h"
#include "handlers.h"
#include "person.h"
#include "scope.h"

#include <stdlib.h>
#include <string.h>

#define MAX_AREAS 30
#define MAX_FOLLOW_UPS 10

/* The fields of one life area, in form order, with their labels. */
static const char *const area_keys[] = { "goal", "strengths", "needs", "what", "how", "when", "who", NULL };
static const char *const area_labels[] = { "Mitt mål (med deltagarens egna ord)", "Styrkor", "Behov",
	"Vad ska göras", "Hur", "När", "Vem gör vad", NULL };

/* plans pl of persons p: as the person (case managers assigned,
 * socialsekreterare own district). */
#define PLAN_FROM "FROM plans pl JOIN persons p ON p.id = pl.person_id "

/* Returns the plan (viewer's scope) with its person's name, or NULL. */
static json_t *plan_load(struct req *r, long long id)
{
	static const char sql[] = "SELECT pl.id, pl.person_id, pl.current_version, pl.next_follow_up, "
	    "p.first_name || ' ' || p.last_name AS person_name " PLAN_FROM "WHERE pl.id = :id AND " SCOPE_PERSON("p");
	return scope_row(sql, r, id);
}

/* Returns version no of plan_id with areas parsed, or NULL. */
static json_t *version_load(long long plan_id, long long no)
{
	static const char sql[] = "SELECT v.version_no, v.areas, v.follow_up_dates, v.agreed_date, v.agreed_how, "
	    "date(v.created_at, 'unixepoch', 'localtime') AS saved, u.name AS author "
	    "FROM plan_versions v LEFT JOIN users u ON u.id = v.created_by WHERE v.plan_id = ? AND v.version_no = ?";
	dbstmt *st = db_stmt(sql);
	if (!st)
		return NULL;
	db_bindf(st, "ii", plan_id, no);
	json_t *v = db_step(st) == DB_ROW ? db_row_json(st) : NULL;
	db_done(st);
	if (v) {
		json_t *areas = json_loads(json_string_value(json_object_get(v, "areas")), 0, NULL);
		json_object_set_new(v, "areas", areas ? areas : json_array());
	}
	return v;
}

/* Adds "fields": [{label, value}] (non-empty only) to each area for reading. */
static void area_reading(json_t *areas)
{
	size_t i;
	json_t *a;
	json_array_foreach(areas, i, a) {
		json_t *f = json_array();
		for (size_t k = 0; area_keys[k]; k++) {
			const char *v = json_string_value(json_object_get(a, area_keys[k]));
			if (v && *v)
				json_array_append_new(f, json_pack("{s:s, s:s}", "label", area_labels[k], "value", v));
		}
		json_object_set_new(a, "fields", f);
		json_object_set_new(a, "empty", json_boolean(json_array_size(f) == 0));
	}
}

/* The edit form's areas: those of base (the current version) first, then
 * active life areas it does not have. Each gets its form fields. */
static json_t *form_areas(struct req *r, json_t *base)
{
	static const char sql[] = "SELECT label FROM config_items WHERE list = 'life_area' AND active = 1 ORDER BY position, id";
	json_t *labels = json_array();
	size_t i;
	json_t *a;
	json_array_foreach(json_object_get(base, "areas"), i, a)
		json_array_append(labels, json_object_get(a, "area"));
	json_t *active = db_rows_for(sql, 0);
	json_array_foreach(active, i, a) {
		const char *l = json_string_value(json_object_get(a, "label"));
		size_t k;
		json_t *x;
		int have = 0;
		json_array_foreach(labels, k, x)
			if (str_eq(json_string_value(x), l))
				have = 1;
		if (!have)
			json_array_append(labels, json_object_get(a, "label"));
	}
	json_decref(active);
	json_t *out = json_array();
	json_t *label;
	json_array_foreach(labels, i, label) {
		if (i >= MAX_AREAS)
			break;
		json_t *stored = NULL, *x;
		size_t k;
		json_array_foreach(json_object_get(base, "areas"), k, x)
			if (json_equal(json_object_get(x, "area"), label))
				stored = x;
		json_t *fields = json_array();
		int filled = 0, error = 0;
		for (size_t f = 0; area_keys[f]; f++) {
			const char *name = arena_printf(&r->arena, "a%zu_%s", i, area_keys[f]);
			const char *v = r->is_post ? http_param(r, name) : json_string_value(json_object_get(stored, area_keys[f]));
			json_t *field = view_field(r, fields, name, area_labels[f], "textarea", v, NULL);
			filled += v && *v;
			error |= json_is_string(json_object_get(field, "error"));
		}
		json_array_append_new(out, json_pack("{s:O, s:I, s:o, s:i, s:i, s:b, s:b}", "area", label, "index", (json_int_t)i,
		    "fields", fields, "filled", filled, "of", (int)(sizeof area_keys / sizeof area_keys[0]) - 1, "error", error,
		    "open", error));
	}
	json_decref(labels);
	/* one life area at a time: an area with an error is open; with none,
	 * the first that is not written yet */
	json_t *area, *first_empty = NULL;
	int any_error = 0, started = 0;
	json_array_foreach(out, i, area) {
		any_error |= json_is_true(json_object_get(area, "error"));
		started += json_integer_value(json_object_get(area, "filled")) > 0;
		if (!first_empty && !json_integer_value(json_object_get(area, "filled")))
			first_empty = area;
	}
	if (!any_error && first_empty)
		json_object_set_new(first_empty, "open", json_true());
	json_object_set_new(r->view, "areas_started", json_integer(started));
	json_object_set_new(r->view, "areas_total", json_integer((json_int_t)json_array_size(out)));
	return out;
}

/* Fills the edit form view. base is the current version (or NULL); v what
 * was typed into the described fields (or NULL). */
static void edit_view(struct req *r, json_t *base, const char *action, long long base_version, const struct fvals *v)
{
	json_object_set_new(r->view, "areas", form_areas(r, base));
	form_view(r, formdef_find(base_version ? "plan_edit" : "plan_new"), v, base);
	json_object_set_new(r->view, "action", json_string(action));
	json_object_set_new(r->view, "base_version", json_integer(base_version));
}

/* Reads the posted plan: areas with any text, follow-ups, agreement (*v,
 * the described fields, into *out). Returns the areas JSON text (malloc'd) or NULL
 * with errors in the view; *next gets the next follow-up date (static
 * buffer of the caller). */
static char *read_plan(struct req *r, char next[11], struct fvals **out)
{
	char today[11];
	date_today(today);
	json_t *areas = json_array();
	int goals = 0;
	size_t first_started = (size_t)-1;
	for (size_t i = 0; i < MAX_AREAS; i++) {
		const char *label = http_param(r, arena_printf(&r->arena, "a%zu_area", i));
		if (!label)
			break;
		json_t *a = json_pack("{s:s}", "area", label);
		int any = 0;
		for (size_t k = 0; area_keys[k]; k++) {
			const char *name = arena_printf(&r->arena, "a%zu_%s", i, area_keys[k]);
			const char *v = http_param(r, name);
			if (v && utf8_chars(v) > 4000)
				view_error(r, name, arena_printf(&r->arena, "%s, %s: högst 4000 tecken.", label, area_labels[k]));
			if (v && *v) {
				any = 1;
				if (k == 0)
					goals++;
			}
			json_object_set_new(a, area_keys[k], json_string(v ? v : ""));
		}
		if (any)
			json_array_append(areas, a);
		if (any && first_started == (size_t)-1)
			first_started = i;
		json_decref(a);
	}
	if (first_started == (size_t)-1)
		first_started = 0;
	if (!goals)	/* at the area being written (the first with text), else the first */
		view_error(r, arena_printf(&r->arena, "a%zu_goal", first_started), "Skriv minst ett mål med deltagarens egna ord.");
	*out = form_read(r, formdef_find("plan_new"));
	const char *dates = fv_str(*out, "follow_up_dates");
	next[0] = '\0';
	char latest[11] = "";
	int n = 0;
	for (const char *p = dates; p && *p; p += strspn(p, ", ")) {	/* "ÅÅÅÅ-MM-DD, ÅÅÅÅ-MM-DD" */
		char d[11];
		memcpy(d, p, 10);
		d[10] = '\0';
		p += 10;
		if (++n > MAX_FOLLOW_UPS) {
			view_error(r, "follow_up_dates", "Skriv upp till tio datum som ÅÅÅÅ-MM-DD eller D/M, åtskilda med kommatecken.");
			break;
		}
		if (strcmp(d, today) >= 0 && (!next[0] || strcmp(d, next) < 0))
			memcpy(next, d, 11);
		if (strcmp(d, latest) > 0)
			memcpy(latest, d, 11);
	}
	if (!next[0])
		memcpy(next, latest, 11);	/* all passed: the latest is due */
	const char *agreed = fv_str(*out, "agreed_date"), *how = fv_str(*out, "agreed_how");
	if (agreed && strcmp(agreed, today) > 0)
		view_error(r, "agreed_date", "Ange datum för godkännandet som ÅÅÅÅ-MM-DD (inte i framtiden).");
	if (agreed && !how && !view_has_field_error(r, "agreed_how"))
		view_error(r, "agreed_how", "Skriv hur deltagaren godkände planen.");
	char *text = view_has_errors(r) ? NULL : json_dumps(areas, JSON_COMPACT);
	json_decref(areas);
	return text;
}

/* Inserts version no of plan_id from the posted form (v: its described
 * fields, normalised). Returns 0 or -1. */
static int insert_version(struct req *r, long long plan_id, long long no, const char *areas, const struct fvals *v)
{
	static const char sql[] = "INSERT INTO plan_versions(plan_id, version_no, areas, follow_up_dates, agreed_date, "
	    "agreed_how, created_at, created_by) VALUES(?, ?, ?, ?, ?, ?, ?, ?)";
	return db_execf(sql, "iittetii", plan_id, no, areas, fv_text(v, "follow_up_dates"), fv_str(v, "agreed_date"),
	    fv_text(v, "agreed_how"), now_unix(), r->user.id);
}

/* GET /persons/{id}/plan/new */
int plan_new_form(struct req *r)
{
	static const char existing[] = "SELECT id FROM plans WHERE person_id = ?";
	long long pid = r->params[0];
	if (person_visible(r, pid) != 1)
		return http_fail(r, 404, "Personen finns inte eller ingår inte i det du har tillgång till.");
	int weeded = person_refuse_weeded(r, pid);
	if (weeded)
		return weeded;
	json_t *e = db_row_for(existing, pid);
	if (e) {
		long long id = json_integer_value(json_object_get(e, "id"));
		json_decref(e);
		return http_redirect(r, arena_printf(&r->arena, "/plans/%lld/edit", id));
	}
	json_t *p = person_load(pid);
	if (!p)
		return http_fail(r, 500, NULL);
	json_object_set_new(r->view, "title", json_string(arena_printf(&r->arena, "Ny genomförandeplan: %s",
	    json_string_value(json_object_get(p, "name")))));
	json_object_set_new(r->view, "person", p);
	edit_view(r, NULL, arena_printf(&r->arena, "/persons/%lld/plan", pid), 0, NULL);
	return 200;
}

/* POST /persons/{id}/plan : the first version */
int plan_create(struct req *r)
{
	static const char ins[] = "INSERT INTO plans(person_id, current_version, next_follow_up, created_at, created_by, "
	    "updated_at, updated_by) VALUES(?, 1, ?, ?, ?, ?, ?)";
	long long pid = r->params[0];
	if (person_visible(r, pid) != 1)
		return http_fail(r, 404, "Personen finns inte eller ingår inte i det du har tillgång till.");
	int weeded = person_refuse_weeded(r, pid);
	if (weeded)
		return weeded;
	char next[11];
	struct fvals *v;
	char *areas = read_plan(r, next, &v);
	if (!areas) {
		json_t *p = person_load(pid);
		json_object_set_new(r->view, "title", json_string(p ? arena_printf(&r->arena, "Ny genomförandeplan: %s",
		    json_string_value(json_object_get(p, "name"))) : "Ny genomförandeplan"));
		json_object_set_new(r->view, "person", p ? p : json_object());
		edit_view(r, NULL, arena_printf(&r->arena, "/persons/%lld/plan", pid), 0, v);
		return 400;
	}
	long long now = now_unix();
	if (db_begin() < 0) {
		free(areas);
		return http_fail(r, 500, NULL);
	}
	int ok = db_execf(ins, "ieiiii", pid, next, now, r->user.id, now, r->user.id) == 0;
	long long id = db_last_id();
	ok = ok && insert_version(r, id, 1, areas, v) == 0;
	free(areas);
	if (!ok) {
		/* UNIQUE(person_id): a plan was made a moment ago */
		db_rollback();
		return http_fail(r, 409, "Personen har redan en genomförandeplan. Öppna den från personens sida.");
	}
	if (audit_log(r->user.id, "create", "plan", id, pid) < 0 || db_commit() < 0) {
		db_rollback();
		return http_fail(r, 500, NULL);
	}
	return http_redirect_done(r, arena_printf(&r->arena, "/plans/%lld", id), DONE_PLAN_SAVED);
}

/* Adds the plan's version list to the view. Returns 0 or -1. */
static int versions_view(struct req *r, long long plan_id)
{
	static const char sql[] = "SELECT v.version_no, date(v.created_at, 'unixepoch', 'localtime') AS saved, u.name AS author, "
	    "v.agreed_date FROM plan_versions v LEFT JOIN users u ON u.id = v.created_by WHERE v.plan_id = ? ORDER BY v.version_no DESC";
	json_t *rows = db_rows_for(sql, plan_id);
	if (!rows)
		return -1;
	json_object_set_new(r->view, "versions", rows);
	return 0;
}

/* GET /plans/{id}[?version=N] and GET /plans/{id}/print */
int plan_page(struct req *r)
{
	long long id = r->params[0];
	json_t *plan = plan_load(r, id);
	if (!plan)
		return http_fail(r, 404, "Planen finns inte eller ingår inte i det du har tillgång till.");
	long long current = json_integer_value(json_object_get(plan, "current_version"));
	long long no = parse_id(http_param(r, "version"));
	if (!no || no > current)
		no = current;
	json_t *v = version_load(id, no);
	if (!v) {
		json_decref(plan);
		return http_fail(r, 404, "Versionen finns inte.");
	}
	area_reading(json_object_get(v, "areas"));
	long long person_id = json_integer_value(json_object_get(plan, "person_id"));
	json_object_set_new(r->view, "title", json_string(arena_printf(&r->arena, "Genomförandeplan: %s",
	    json_string_value(json_object_get(plan, "person_name")))));
	json_object_set_new(r->view, "plan", plan);
	json_object_set_new(r->view, "version", v);
	json_object_set_new(r->view, "is_current", json_boolean(no == current));
	view_may(r, "can_edit", 1, "POST", "/plans/%lld", id);
	if (versions_view(r, id) < 0)
		return http_fail(r, 500, NULL);
	if (audit_log(r->user.id, "read", "plan", id, person_id) < 0)
		return http_fail(r, 500, NULL);
	return 200;
}

/* GET /plans/{id}/edit */
int plan_edit_form(struct req *r)
{
	long long id = r->params[0];
	json_t *plan = plan_load(r, id);
	if (!plan)
		return http_fail(r, 404, "Planen finns inte eller ingår inte i det du har tillgång till.");
	long long current = json_integer_value(json_object_get(plan, "current_version"));
	json_t *v = version_load(id, current);
	json_object_set_new(r->view, "title", json_string(arena_printf(&r->arena, "Ändra genomförandeplan: %s",
	    json_string_value(json_object_get(plan, "person_name")))));
	json_object_set_new(r->view, "plan", plan);
	edit_view(r, v, arena_printf(&r->arena, "/plans/%lld", id), current, NULL);
	json_decref(v);
	return 200;
}

/* Adds to the conflict box (view.conflict.saved) the life areas that
 * differ between the version the form was opened on (was, may be NULL)
 * and the saved one (now): each changed field as "AREA: FIELD" with its
 * saved text ("–" when emptied). */
static void conflict_areas(struct req *r, json_t *was, json_t *now)
{
	json_t *c = json_object_get(r->view, "conflict");
	json_t *saved = json_object_get(c, "saved");
	if (!saved)
		return;
	json_t *areas = json_object_get(now, "areas");
	size_t i;
	json_t *a;
	json_array_foreach(areas, i, a) {
		json_t *label = json_object_get(a, "area");
		json_t *old = NULL, *o;
		size_t k;
		json_array_foreach(json_object_get(was, "areas"), k, o)
			if (json_equal(json_object_get(o, "area"), label))
				old = o;
		for (size_t f = 0; area_keys[f]; f++) {
			const char *v = json_string_value(json_object_get(a, area_keys[f]));
			const char *ov = json_string_value(json_object_get(old, area_keys[f]));
			if (str_eq(v ? v : "", ov ? ov : ""))
				continue;
			json_array_append_new(saved, json_pack("{s:s, s:s}", "label", arena_printf(&r->arena, "%s: %s",
			    json_string_value(label), area_labels[f]), "value", v && *v ? v : "–"));
		}
	}
	json_object_set_new(c, "has_saved", json_boolean(json_array_size(saved) > 0));
}

/* Returns 1 when NULL and "" count as the same text and a equals b. */
static int same_text(const char *a, const char *b)
{
	return str_eq(a ? a : "", b ? b : "");
}

/* Returns 1 when the posted plan (areas JSON text, the described fields
 * v) is what version no of plan id already holds: saving it would add an
 * identical version. */
static int same_as_saved(long long id, long long no, const char *areas, const struct fvals *v)
{
	json_t *saved = version_load(id, no);
	json_t *posted = json_loads(areas, 0, NULL);
	int same = saved && posted && json_equal(posted, json_object_get(saved, "areas")) &&
	    same_text(fv_text(v, "follow_up_dates"), json_string_value(json_object_get(saved, "follow_up_dates"))) &&
	    same_text(fv_str(v, "agreed_date"), json_string_value(json_object_get(saved, "agreed_date"))) &&
	    same_text(fv_text(v, "agreed_how"), json_string_value(json_object_get(saved, "agreed_how")));
	json_decref(saved);
	json_decref(posted);
	return same;
}

/* POST /plans/{id} : a new version (stale base version: 409; nothing
 * changed: no version, back to the plan with "Inget är ändrat") */
int plan_save(struct req *r)
{
	static const char bump[] = "UPDATE plans SET current_version = current_version + 1, next_follow_up = ?, "
	    "updated_at = ?, updated_by = ? WHERE id = ? AND current_version = ?";
	long long id = r->params[0];
	json_t *plan = plan_load(r, id);
	if (!plan)
		return http_fail(r, 404, "Planen finns inte eller ingår inte i det du har tillgång till.");
	long long base = parse_id(http_param(r, "base_version"));
	long long current = json_integer_value(json_object_get(plan, "current_version"));
	long long person_id = json_integer_value(json_object_get(plan, "person_id"));
	json_object_set_new(r->view, "plan", plan);
	json_object_set_new(r->view, "title", json_string(arena_printf(&r->arena, "Ändra genomförandeplan: %s",
	    json_string_value(json_object_get(plan, "person_name")))));
	char next[11];
	struct fvals *typed;
	char *areas = read_plan(r, next, &typed);
	const char *action = arena_printf(&r->arena, "/plans/%lld", id);
	if (!areas) {
		json_t *v = version_load(id, current);
		edit_view(r, v, action, base, typed);
		json_decref(v);
		return 400;
	}
	if (base == current && same_as_saved(id, current, areas, typed)) {
		free(areas);
		return http_redirect_done(r, action, DONE_PLAN_UNCHANGED);
	}
	long long now = now_unix();
	if (db_begin() < 0) {
		free(areas);
		return http_fail(r, 500, NULL);
	}
	dbstmt *st = db_stmt(bump);
	int changed = 0, rc = DB_ERROR;
	if (st) {
		db_bindf(st, "eiiii", next, now, r->user.id, id, base);
		rc = db_write(st, &changed);
	}
	if (rc == DB_DONE && !changed) {
		db_rollback();
		free(areas);
		json_t *v = version_load(id, current);
		form_conflict(r, formdef_find("plan_edit"), v, "a0_goal", arena_printf(&r->arena, "planen (nu version %lld)", current),
		    NULL);
		json_t *was = version_load(id, base);
		conflict_areas(r, was, v);
		json_decref(was);
		edit_view(r, v, action, current, typed);
		json_decref(v);
		return 409;
	}
	int ok = rc == DB_DONE && insert_version(r, id, base + 1, areas, typed) == 0;
	free(areas);
	if (!ok || audit_log(r->user.id, "update", "plan", id, person_id) < 0 || db_commit() < 0) {
		db_rollback();
		return http_fail(r, 500, NULL);
	}
	return http_redirect_done(r, action, DONE_PLAN_SAVED);
}

/* Returns the area of v named label, or NULL. Borrowed. */
static json_t *area_named(json_t *v, json_t *label)
{
	size_t i;
	json_t *a;
	json_array_foreach(json_object_get(v, "areas"), i, a)
		if (json_equal(json_object_get(a, "area"), label))
			return a;
	return NULL;
}

/* GET /plans/{id}/compare?from=N&to=M : two versions side by side */
int plan_compare(struct req *r)
{
	long long id = r->params[0];
	json_t *plan = plan_load(r, id);
	if (!plan)
		return http_fail(r, 404, "Planen finns inte eller ingår inte i det du har tillgång till.");
	long long current = json_integer_value(json_object_get(plan, "current_version"));
	long long person_id = json_integer_value(json_object_get(plan, "person_id"));
	if (current < 2) {
		/* one version: nothing to compare (this page once said "Jämför
		 * version 1 och 1" over a table of unchanged rows) */
		json_object_set_new(r->view, "title", json_string(arena_printf(&r->arena, "Jämför versioner: %s",
		    json_string_value(json_object_get(plan, "person_name")))));
		json_object_set_new(r->view, "plan", plan);
		json_object_set_new(r->view, "only_one", json_true());
		if (audit_log(r->user.id, "read", "plan", id, person_id) < 0)
			return http_fail(r, 500, NULL);
		return 200;
	}
	long long from = parse_id(http_param(r, "from")), to = parse_id(http_param(r, "to"));
	if (!to || to > current)
		to = current;
	if (!from || from >= to)
		from = to > 1 ? to - 1 : 1;
	json_t *a = version_load(id, from), *b = version_load(id, to);
	json_object_set_new(r->view, "title", json_string(arena_printf(&r->arena, "Jämför version %lld och %lld: %s", from, to,
	    json_string_value(json_object_get(plan, "person_name")))));
	json_object_set_new(r->view, "plan", plan);
	if (!a || !b) {
		json_decref(a);
		json_decref(b);
		return http_fail(r, 404, "Versionen finns inte.");
	}
	json_t *labels = json_array(), *x;
	size_t i;
	json_array_foreach(json_object_get(b, "areas"), i, x)
		json_array_append(labels, json_object_get(x, "area"));
	json_array_foreach(json_object_get(a, "areas"), i, x)
		if (!area_named(b, json_object_get(x, "area")))
			json_array_append(labels, json_object_get(x, "area"));
	json_t *rows = json_array();
	int changes = 0;
	json_array_foreach(labels, i, x) {
		json_t *fa = area_named(a, x), *fb = area_named(b, x);
		for (size_t k = 0; area_keys[k]; k++) {
			const char *va = json_string_value(json_object_get(fa, area_keys[k]));
			const char *vb = json_string_value(json_object_get(fb, area_keys[k]));
			va = va ? va : "";
			vb = vb ? vb : "";
			if (!*va && !*vb)
				continue;
			int changed = strcmp(va, vb) != 0;
			changes += changed;
			json_array_append_new(rows, json_pack("{s:O, s:s, s:s, s:s, s:b}", "area", x, "field", area_labels[k],
			    "from", va, "to", vb, "changed", changed));
		}
	}
	static const char *const other[] = { "follow_up_dates", "agreed_date", "agreed_how", NULL };
	static const char *const other_labels[] = { "Uppföljningsdatum", "Godkänd (datum)", "Godkänd (hur)", NULL };
	for (size_t k = 0; other[k]; k++) {
		const char *va = json_string_value(json_object_get(a, other[k])), *vb = json_string_value(json_object_get(b, other[k]));
		va = va ? va : "";
		vb = vb ? vb : "";
		int changed = strcmp(va, vb) != 0;
		changes += changed;
		json_array_append_new(rows, json_pack("{s:s, s:s, s:s, s:s, s:b}", "area", "Planen", "field", other_labels[k],
		    "from", va, "to", vb, "changed", changed));
	}
	json_decref(labels);
	json_object_set_new(r->view, "rows", rows);
	json_object_set_new(r->view, "changes", json_integer(changes));
	view_count(r, r->view, "changes", "ändrad uppgift", "ändrade uppgifter");
	json_object_set_new(r->view, "from", a);
	json_object_set_new(r->view, "to", b);
	if (versions_view(r, id) < 0)
		return http_fail(r, 500, NULL);
	json_array_foreach(json_object_get(r->view, "versions"), i, x) {
		json_int_t n = json_integer_value(json_object_get(x, "version_no"));
		json_object_set_new(x, "is_from", json_boolean(n == from));
		json_object_set_new(x, "is_to", json_boolean(n == to));
	}
	if (audit_log(r->user.id, "read", "plan", id, person_id) < 0)
		return http_fail(r, 500, NULL);
	return 200;
}

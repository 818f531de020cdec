/* apartment.c - apartments and their contracts: the landlord office writes,
 * the others read. Lists show the current tenant's name only. */
#include "audit.h"
#include "db.h"
#include "district.h"
#include "formdef.h"
#include "handlers.h"
#include "scope.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define APARTMENTS_PAGE 50

static const char *status_label(const char *s)
{
	return fchoice_label(apartment_statuses, s);
}

/* Adds status labels to apartment rows. */
static void label_rows(json_t *rows)
{
	size_t i;
	json_t *x;
	json_array_foreach(rows, i, x)
		json_object_set_new(x, "status_label", json_string(status_label(json_string_value(json_object_get(x, "status")))));
}

/* GET /apartments?status=&after= */
int apartments_list(struct req *r)
{
	static const char sql[] =
	    "SELECT a.id, a.address, a.rooms, replace(a.area_m2, '.', ',') AS area_m2, a.rent, a.housing_company, a.status, d.name AS district, "
	    /* the tenant's name only for whom the viewer may see the person */
	    "(SELECT p.first_name || ' ' || p.last_name FROM tenancies t JOIN persons p ON p.id = t.person_id "
	    " WHERE t.apartment_id = a.id AND t.end_date IS NULL AND " SCOPE_TENANCY("t") " ORDER BY t.id DESC LIMIT 1) AS tenant, "
	    "(SELECT t.person_id FROM tenancies t WHERE t.apartment_id = a.id AND t.end_date IS NULL AND " SCOPE_TENANCY("t") " "
	    " ORDER BY t.id DESC LIMIT 1) AS person_id "
	    "FROM apartments a JOIN districts d ON d.id = a.district_id "
	    "WHERE a.imported = 0 AND (:status IS NULL OR a.status = :status) "
	    "AND (:after IS NULL OR (a.address, a.id) > (SELECT address, id FROM apartments WHERE id = :after)) "
	    "ORDER BY a.address, a.id LIMIT :limit";
	static const char *const keys[] = { "status", "for", NULL };
	const char *status = http_param(r, "status");
	if (status && *status && strcmp(status, "available") && strcmp(status, "let") && strcmp(status, "blocked"))
		status = NULL;
	dbstmt *st = db_stmt(sql);
	if (!st)
		return http_fail(r, 500, NULL);
	db_bind_named_text(st, ":status", status);
	scope_bind(st, r);
	json_t *rows = view_keyset_page(r, st, APARTMENTS_PAGE, keys, "/apartments");
	if (!rows)
		return http_fail(r, 500, NULL);
	label_rows(rows);
	json_object_set_new(r->view, "title", json_string("Lägenheter"));
	view_may(r, "can_create", 1, "POST", "/apartments");
	long long for_person = r->user.role == ROLE_LANDLORD ? parse_id(http_param(r, "for")) : 0;
	if (for_person) {	/* from "Väntar på lägenhet": the move-in is for this person */
		/* the name, as "Väntar på lägenhet" shows it: one waiting with an open housing decision */
		static const char who_sql[] = "SELECT p.first_name || ' ' || p.last_name AS name FROM persons p WHERE p.id = ? "
		    "AND EXISTS (SELECT 1 FROM decisions_open x WHERE x.person_id = p.id AND x.kind = 'housing')";
		json_t *who = db_row_for(who_sql, for_person);
		json_object_set_new(r->view, "for", json_integer(for_person));
		if (who)
			json_object_set(r->view, "for_name", json_object_get(who, "name"));
		json_decref(who);
	}
	json_object_set_new(r->view, "statuses", fchoice_options(apartment_statuses, status));
	return 200;
}

struct apt_input {
	const char *address, *housing_company, *contract_number, *status;
	long long district_id, rooms, rent;
	double area;	/* m², one decimal */
};

/* Reads the apartment form (apartment_new/apartment_edit in formdefs.c);
 * errors and the typed values go to the view. */
static void read_apt_input(struct req *r, struct apt_input *in, const char *form_id)
{
	const struct formdef *d = formdef_find(form_id);
	struct fvals *v = form_read(r, d);
	in->address = fv_str(v, "address");
	in->housing_company = fv_text(v, "housing_company");
	in->contract_number = fv_text(v, "contract_number");
	in->status = fv_str(v, "status");
	in->district_id = (long long)fv_num(v, "district_id");
	in->rooms = (long long)fv_num(v, "rooms");
	in->area = fv_num(v, "area_m2");
	in->rent = (long long)fv_num(v, "rent");
	if (in->district_id && !district_exists(in->district_id))
		view_error(r, "district_id", "Välj en stadsdel.");
	form_view(r, d, v, NULL);
	json_object_set_new(json_object_get(r->view, "form"), "version", json_string(http_param(r, "version") ?
	    http_param(r, "version") : ""));
}

/* The district choices, the shown one selected. */
static void form_choices(struct req *r)
{
	form_view_options(r, "district_id", district_options(0));
}

/* GET /apartments/new */
int apartment_new_form(struct req *r)
{
	json_object_set_new(r->view, "title", json_string("Ny lägenhet"));
	json_object_set_new(r->view, "action", json_string("/apartments"));
	json_t *defaults = json_pack("{s:s}", "status", "available");
	form_view(r, formdef_find("apartment_new"), NULL, defaults);
	json_decref(defaults);
	form_choices(r);
	return 200;
}

/* POST /apartments */
int apartment_create(struct req *r)
{
	static const char sql[] =
	    "INSERT INTO apartments(address, district_id, rooms, area_m2, rent, housing_company, contract_number, status, "
	    "created_at, created_by, updated_at, updated_by) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
	struct apt_input in;
	read_apt_input(r, &in, "apartment_new");
	json_object_set_new(r->view, "title", json_string("Ny lägenhet"));
	json_object_set_new(r->view, "action", json_string("/apartments"));
	form_choices(r);
	if (view_has_errors(r))
		return 400;
	long long now = now_unix();
	long long id = audit_insert(r->user.id, "apartment", 0, sql, "tiiditttiiii", in.address, in.district_id, in.rooms, in.area,
	    in.rent, in.housing_company ? in.housing_company : "", in.contract_number ? in.contract_number : "", in.status,
	    now, r->user.id, now, r->user.id);
	if (id < 0)
		return http_fail(r, 500, NULL);
	return http_redirect_done(r, arena_printf(&r->arena, "/apartments/%lld", id), DONE_APARTMENT_CREATED);
}

static json_t *apartment_load(long long id)
{
	static const char sql[] = "SELECT a.*, replace(a.area_m2, '.', ',') AS area_label, d.name AS district "
	    "FROM apartments a JOIN districts d ON d.id = a.district_id "
	    "WHERE a.id = ?";
	json_t *o = db_row_for(sql, id);
	if (o)
		json_object_set_new(o, "status_label", json_string(status_label(json_string_value(json_object_get(o, "status")))));
	return o;
}

/* Puts the apartment's tenancies (tenant names only) in the view. */
static int load_tenancies(struct req *r, long long id)
{
	static const char sql[] =
	    "SELECT t.id, t.person_id, p.first_name || ' ' || p.last_name AS tenant, t.move_in_date, t.takeover_date, t.end_date "
	    "FROM tenancies t JOIN persons p ON p.id = t.person_id WHERE t.apartment_id = :id AND " SCOPE_TENANCY("t") " "
	    "ORDER BY t.move_in_date DESC";
	json_t *rows = scope_rows(sql, r, id);	/* tenants the viewer may see */
	if (!rows)
		return -1;
	json_object_set_new(r->view, "tenancies", rows);
	return 0;
}

/* The landlord's edit form on the apartment page. */
static void edit_view(struct req *r, long long id)
{
	view_may(r, "can_edit", 1, "POST", "/apartments/%lld", id);
	json_object_set_new(r->view, "action", json_string(arena_printf(&r->arena, "/apartments/%lld", id)));
	form_choices(r);
}

/* GET /apartments/{id} : facts, tenancy history (tenant names only) */
int apartment_page(struct req *r)
{
	long long id = r->params[0];
	json_t *a = apartment_load(id);
	if (!a)
		return http_fail(r, 404, "Lägenheten finns inte.");
	json_object_set_new(r->view, "apartment", a);
	json_object_set_new(r->view, "title", json_string(json_string_value(json_object_get(a, "address"))));
	if (load_tenancies(r, id) < 0)
		return http_fail(r, 500, NULL);
	if (r->user.role == ROLE_LANDLORD) {
		int occupied = 0;
		size_t i;
		json_t *t;
		json_array_foreach(json_object_get(r->view, "tenancies"), i, t)
			occupied |= !json_object_get(t, "end_date");
		long long for_person = parse_id(http_param(r, "for"));
		if (!occupied && !str_eq(json_string_value(json_object_get(a, "status")), "blocked"))
			json_object_set_new(r->view, "move_in_href", json_string(for_person ?
			    arena_printf(&r->arena, "/apartments/%lld/tenancies/new?person_id=%lld", id, for_person) :
			    arena_printf(&r->arena, "/apartments/%lld/tenancies/new", id)));
		json_object_set_new(r->view, "form", json_pack("{s:O}", "version", json_object_get(a, "version")));
		form_view(r, formdef_find("apartment_edit"), NULL, a);
		edit_view(r, id);
	}
	return 200;
}

/* POST /apartments/{id} : update (version-checked) */
int apartment_update(struct req *r)
{
	static const char sql[] =
	    "UPDATE apartments SET address = ?, district_id = ?, rooms = ?, area_m2 = ?, rent = ?, housing_company = ?, "
	    "contract_number = ?, status = ?, version = version + 1, updated_at = ?, updated_by = ? WHERE id = ? AND version = ?";
	long long id = r->params[0];
	json_t *stored = apartment_load(id);
	if (!stored)
		return http_fail(r, 404, "Lägenheten finns inte.");
	struct apt_input in;
	read_apt_input(r, &in, "apartment_edit");
	long long version = parse_id(http_param(r, "version"));
	json_object_set_new(r->view, "apartment", stored);
	json_object_set_new(r->view, "title", json_string(json_string_value(json_object_get(stored, "address"))));
	if (load_tenancies(r, id) < 0)
		return http_fail(r, 500, NULL);
	edit_view(r, id);
	if (view_has_errors(r))
		return 400;
	int rc = audit_update(r->user.id, "apartment", id, 0, sql, "tiiditttiiii", in.address, in.district_id, in.rooms,
	    in.area, in.rent, in.housing_company ? in.housing_company : "", in.contract_number ? in.contract_number : "",
	    in.status, now_unix(), r->user.id, id, version);
	if (rc == 0) {
		json_object_set_new(json_object_get(r->view, "form"), "version",
		    json_integer(json_integer_value(json_object_get(stored, "version"))));
		return form_conflict(r, formdef_find("apartment_edit"), stored, "address", "lägenheten", NULL);
	}
	if (rc < 0)
		return http_fail(r, 500, NULL);
	return http_redirect_done(r, arena_printf(&r->arena, "/apartments/%lld", id), DONE_APARTMENT_SAVED);
}

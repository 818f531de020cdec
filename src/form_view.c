/* form_view.c - the one view of a described form: the field descriptors
 * templates/field.mustache shows, and the one stale-form (409) answer. */
#include "formdef.h"
#include "http.h"

#include <stdio.h>
#include <string.h>

/* Returns stored[name] as text ("" when absent or null). Arena-owned or
 * borrowed. */
static const char *stored_text(struct req *r, json_t *stored, const char *name)
{
	json_t *x = json_object_get(stored, name);
	if (json_is_string(x))
		return json_string_value(x);
	if (json_is_integer(x))
		return arena_printf(&r->arena, "%lld", (long long)json_integer_value(x));
	if (json_is_real(x)) {
		char *s = arena_printf(&r->arena, "%.10g", json_real_value(x));
		char *dot = strchr(s, '.');
		if (dot)
			*dot = ',';
		return s;
	}
	if (json_is_boolean(x))
		return json_is_true(x) ? "1" : "0";
	return "";
}

/* Returns the object view[key], created when missing (borrowed). */
static json_t *view_obj(struct req *r, const char *key)
{
	json_t *o = json_object_get(r->view, key);
	if (!json_is_object(o)) {
		o = json_object();
		json_object_set_new(r->view, key, o);
	}
	return o;
}

/* The options of a choice field, the shown value selected. New reference. */
static json_t *choice_options(const struct fchoice *c, const char *value)
{
	json_t *a = json_array();
	for (size_t i = 0; c && c[i].value; i++)
		json_array_append_new(a, json_pack("{s:s, s:s, s:b}", "value", c[i].value, "label", c[i].label,
		    "selected", value && !strcmp(value, c[i].value)));
	return a;
}

json_t *form_fields(struct req *r, const struct formdef *d, const struct fvals *v, json_t *stored, const char *suffix)
{
	static const struct fchoice yes_no[] = { { "1", "Ja" }, { "0", "Nej" }, { NULL, NULL } };
	json_t *fields = json_array();
	json_t *fe = json_object_get(r->view, "field_errors");
	for (size_t i = 0; d->fields[i].name; i++) {
		const struct fdef *f = &d->fields[i];
		const char *value = v ? (v->raw[i] ? v->raw[i] : "") : stored_text(r, stored, f->name);
		const char *id = suffix ? arena_printf(&r->arena, "%s-%s", f->name, suffix) : f->name;
		/* every flag the partial reads is set, so none is looked up in
		 * the page around it (Mustache searches outer contexts) */
		json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:b, s:b, s:b, s:b, s:b, s:b, s:b, s:b, s:n, s:n, s:n, s:n}",
		    "id", id, "name", f->name, "label", f->label, "value", value, "required", f->required,
		    "input", 0, "textarea", 0, "select", 0, "checkbox", 0, "date", 0, "time", 0, "checked", 0,
		    "error", "hint", "inputmode", "options");
		json_object_set_new(o, "password", json_false());
		json_object_set_new(o, "radios", json_false());
		json_t *err = json_object_get(fe, id);
		if (err)
			json_object_set(o, "error", err);
		if (f->hint)
			json_object_set_new(o, "hint", json_string(f->hint));
		if (f->inputmode)
			json_object_set_new(o, "inputmode", json_string(f->inputmode));
		const char *kind = "input";
		switch (f->kind) {
		case FK_TEXTAREA: kind = "textarea"; break;
		case FK_DATE: json_object_set_new(o, "date", json_true()); break;
		case FK_TIME: json_object_set_new(o, "time", json_true()); break;
		case FK_NUMBER:
			if (!f->inputmode)
				json_object_set_new(o, "inputmode", json_string(f->decimals ? "decimal" : "numeric"));
			break;
		case FK_CHOICE:
			kind = "select";
			json_object_set_new(o, "options", choice_options(f->choices, value));
			break;
		case FK_YESNO:
			kind = "radios";
			json_object_set_new(o, "options", choice_options(yes_no, value));
			break;
		case FK_REF:
			kind = "select";
			json_object_set_new(o, "options", json_array());
			break;
		case FK_CHECK:
			kind = "checkbox";
			json_object_set_new(o, "checked", json_boolean(*value && strcmp(value, "0")));
			break;
		case FK_PASSWORD:
			kind = "password";
			json_object_set_new(o, "value", json_string(""));
			break;
		case FK_TEXT:
		case FK_DATES:
			break;
		}
		json_object_set_new(o, kind, json_true());
		json_array_append_new(fields, o);
	}
	return fields;
}

void form_view(struct req *r, const struct formdef *d, const struct fvals *v, json_t *stored)
{
	json_t *fields = form_fields(r, d, v, stored, NULL), *by_name = view_obj(r, "f"), *form = view_obj(r, "form");
	size_t i;
	json_t *o;
	json_array_foreach(fields, i, o) {
		const struct fdef *f = &d->fields[i];
		json_object_set(by_name, f->name, o);
		if (f->kind != FK_PASSWORD && (!json_object_get(form, f->name) || v))
			json_object_set(form, f->name, json_object_get(o, "value"));
	}
	json_object_set_new(r->view, "fields", fields);
}

void form_view_options(struct req *r, const char *name, json_t *options)
{
	json_t *f = json_object_get(json_object_get(r->view, "f"), name);
	if (!f) {
		json_decref(options);
		return;
	}
	const char *value = json_string_value(json_object_get(f, "value"));
	size_t i;
	json_t *o;
	json_array_foreach(options, i, o) {
		json_t *ov = json_object_get(o, "value");
		const char *s = json_is_integer(ov) ? arena_printf(&r->arena, "%lld", (long long)json_integer_value(ov)) :
		    json_string_value(ov);
		json_object_set_new(o, "selected", json_boolean(value && s && !strcmp(value, s)));
	}
	json_object_set_new(f, "options", options);
}

int form_conflict(struct req *r, const struct formdef *d, json_t *stored, const char *field, const char *what,
    const char *now_saved)
{
	json_t *saved = json_array();
	for (size_t i = 0; d && stored && d->fields[i].name; i++) {
		const struct fdef *f = &d->fields[i];
		const char *s = stored_text(r, stored, f->name);
		if (f->kind == FK_CHOICE)
			s = fchoice_label(f->choices, s);
		else if (f->kind == FK_PASSWORD)
			continue;
		else if (f->kind == FK_YESNO || f->kind == FK_CHECK)
			s = !strcmp(s, "1") ? "Ja" : *s ? "Nej" : "";
		json_array_append_new(saved, json_pack("{s:s, s:s}", "label", f->label, "value", *s ? s : "–"));
	}
	const char *msg = arena_printf(&r->arena, "Någon annan har ändrat %s sedan du öppnade sidan%s%s. Formuläret visar "
	    "det du skrev; jämför med det som nu är sparat och spara igen för att ersätta.", what,
	    now_saved ? ": nu sparat är " : "", now_saved ? now_saved : "");
	json_object_set_new(r->view, "conflict", json_pack("{s:s, s:s, s:o, s:b, s:b}", "what", what, "message", msg,
	    "saved", saved, "has_saved", json_array_size(saved) > 0, "has_typed", 0));
	(void)field;	/* a conflict is the form's, not one field's: no field is marked invalid */
	view_form_error(r, "conflict", msg);
	return 409;
}

void form_conflict_typed(struct req *r, const struct fvals *v)
{
	json_t *c = json_object_get(r->view, "conflict");
	if (!c || !v)
		return;
	json_t *typed = json_array();
	for (size_t i = 0; v->def->fields[i].name; i++)
		if (v->raw[i] && *v->raw[i] && v->def->fields[i].kind != FK_CHECK)
			json_array_append_new(typed, json_pack("{s:s, s:s}", "label", v->def->fields[i].label, "value", v->raw[i]));
	json_object_set_new(c, "has_typed", json_boolean(json_array_size(typed) > 0));
	json_object_set_new(c, "typed", typed);
}

void form_row_errors(struct req *r, json_t *rows, const char *name)
{
	json_t *fe = json_object_get(r->view, "field_errors");
	size_t i;
	json_t *row;
	json_array_foreach(rows, i, row) {
		json_t *e = json_object_get(fe, arena_printf(&r->arena, "%s-%lld", name,
		    (long long)json_integer_value(json_object_get(row, "id"))));
		json_object_set(row, "error", e ? e : json_null());
	}
}

void form_row_keep(json_t *rows, long long id, const struct fvals *v)
{
	size_t i;
	json_t *row;
	json_array_foreach(rows, i, row) {
		if (json_integer_value(json_object_get(row, "id")) != id)
			continue;
		for (size_t k = 0; v->def->fields[k].name; k++) {
			const struct fdef *f = &v->def->fields[k];
			if (f->kind == FK_CHECK)
				json_object_set_new(row, f->name, json_boolean(v->num[k] != 0));
			else
				json_object_set_new(row, f->name, json_string(v->raw[k] ? v->raw[k] : ""));
		}
	}
}

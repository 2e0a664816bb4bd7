/* The administrator's pages under /panel/admin: staff accounts, units and
 * the organisation's settings. web_authorize() has already checked the
 * session, the admin role and, for POST, the CSRF token. Each form that
 * fails comes back (422) with a message at each bad field and what was
 * typed; each success redirects (303) to its page with "Zapisano.". */
#include <stdlib.h>
#include <string.h>

#include "cases/admin.h"
#include "cases/auth.h"
#include "db/db.h"
#include "web/web.h"

static bool admin_of(http_req_t *req, struct admin_actor *out)
{
	const struct web_user *u = web_user(req);
	if (!u) {
		http_respond_error(req, 403, NULL);
		return false;
	}
	*out = (struct admin_actor){u->id, u->org_id};
	return true;
}

static PGconn *conn_or_503(http_req_t *req)
{
	PGconn *c = db_conn();
	if (!c)
		http_respond_unavailable(req);
	return c;
}

/* The answer for a service failure other than bad input. */
static void fail(http_req_t *req, enum admin_result r)
{
	if (r == ADMIN_UNAVAILABLE)
		http_respond_unavailable(req);
	else
		http_respond_error(req, r == ADMIN_NOT_FOUND ? 404 : 500, NULL);
}

static const char *field(const form_t *f, const char *name)
{
	const char *v = f ? form_get(f, name) : NULL;
	return v ? v : "";
}

/* The posted form, or false after answering 400. */
static bool posted(http_req_t *req, const form_t **f)
{
	enum form_error fe = http_form(req, f);
	if (fe != FORM_OK)
		http_respond_error(req, fe == FORM_UNSUPPORTED_TYPE ? 415 : 400, form_error_text_pl(fe));
	return fe == FORM_OK;
}

static long long id_of(const char *s)
{
	char *end;
	long long id = s && *s ? strtoll(s, &end, 10) : 0;
	return s && *s && !*end && id > 0 ? id : 0;
}

/* "errors" (the summary, linking to each field) and "err" (the first
 * message of each field, shown next to it). */
static void set_errors(json_t *ctx, const struct admin_errors *errs)
{
	if (!errs || !errs->n)
		return;
	json_t *list = json_array(), *by = json_object();
	for (int i = 0; i < errs->n; i++) {
		json_array_append_new(list, json_pack("{s:s, s:s}", "field", errs->e[i].field, "message",
		                                      errs->e[i].message));
		if (!json_object_get(by, errs->e[i].field))
			json_object_set_new(by, errs->e[i].field, json_string(errs->e[i].message));
	}
	json_object_set_new(ctx, "errors", list);
	json_object_set_new(ctx, "err", by);
}

static void set_notice(http_req_t *req, json_t *ctx, int status)
{
	if (status == 200 && http_query(req, "zapisano"))
		json_object_set_new(ctx, "notice", json_string("Zapisano."));
}

static void page(http_req_t *req, int status, const char *name, json_t *ctx)
{
	set_notice(req, ctx, status);
	http_add_header(req, "Cache-Control", "no-store");
	web_render(req, status, name, ctx);
}

static void saved(http_req_t *req, const char *path)
{
	http_redirect(req, 303, arena_printf(req->arena, "%s?zapisano=1", path));
}

/* ---- Overview ------------------------------------------------------------- */

void web_admin_home(http_req_t *req)
{
	struct admin_actor who;
	if (!admin_of(req, &who))
		return;
	PGconn *c = conn_or_503(req);
	if (!c)
		return;
	struct admin_user *users;
	struct admin_unit *units;
	size_t nusers = 0, nunits = 0, active = 0;
	struct admin_values v;
	enum admin_result r = admin_users(c, req->arena, who.org_id, &users, &nusers);
	if (r == ADMIN_OK)
		r = admin_units(c, req->arena, who.org_id, &units, &nunits);
	if (r == ADMIN_OK)
		r = admin_settings_get(c, req->arena, who.org_id, &v);
	if (r != ADMIN_OK) {
		fail(req, r);
		return;
	}
	for (size_t i = 0; i < nusers; i++)
		active += !users[i].disabled;
	const char *name = "";
	for (size_t i = 0; i < ADMIN_NSETTINGS; i++)
		if (!strcmp(admin_settings[i].id, "name"))
			name = v.v[i];
	page(req, 200, "admin_home",
	     json_pack("{s:s, s:s, s:i, s:i, s:i}", "title", "Administracja — Jawność", "org_name",
	               name, "users", (int)nusers, "active", (int)active, "units", (int)nunits));
}

/* ---- Staff accounts --------------------------------------------------------- */

static const char *const roles[] = {"clerk", "manager", "admin"};

static json_t *role_options(const char *selected)
{
	json_t *list = json_array();
	for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++)
		json_array_append_new(list, json_pack("{s:s, s:s, s:b}", "id", roles[i], "label",
		                                      auth_role_label(roles[i]), "selected",
		                                      selected && !strcmp(selected, roles[i])));
	return list;
}

/* The units for a select: "" (the whole organisation) first. */
static json_t *unit_options(http_req_t *req, const struct admin_unit *units, size_t n,
                            const char *selected)
{
	json_t *list = json_array();
	json_array_append_new(list, json_pack("{s:s, s:s, s:b}", "id", "", "label",
	                                      "cały urząd (bez ograniczenia do komórki)", "selected",
	                                      !selected || !*selected));
	for (size_t i = 0; i < n; i++)
		json_array_append_new(
		    list, json_pack("{s:s, s:s, s:b}", "id", units[i].symbol, "label",
		                    arena_printf(req->arena, "%s — %s", units[i].symbol, units[i].name),
		                    "selected", selected && !strcmp(selected, units[i].symbol)));
	return list;
}

static json_t *user_json(const struct admin_user *u, long long self)
{
	return json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:b, s:b}", "id", (json_int_t)u->id, "email",
	                 u->email, "name", u->name, "position", u->position, "role_label",
	                 auth_role_label(u->role), "unit", u->unit_symbol, "disabled", u->disabled,
	                 "self", u->id == self);
}

/* The list of accounts and the form to add one (`in` typed, or NULL). */
static void users_page(http_req_t *req, int status, const struct admin_actor *who,
                       const struct admin_user_input *in, const struct admin_errors *errs)
{
	PGconn *c = conn_or_503(req);
	if (!c)
		return;
	struct admin_user *users;
	struct admin_unit *units;
	size_t nusers = 0, nunits = 0;
	enum admin_result r = admin_users(c, req->arena, who->org_id, &users, &nusers);
	if (r == ADMIN_OK)
		r = admin_units(c, req->arena, who->org_id, &units, &nunits);
	if (r != ADMIN_OK) {
		fail(req, r);
		return;
	}
	json_t *list = json_array();
	for (size_t i = 0; i < nusers; i++)
		json_array_append_new(list, user_json(&users[i], who->user_id));
	struct admin_user_input none = {0};
	if (!in)
		in = &none;
	/* Never the password: it is typed again. */
	json_t *ctx = json_pack("{s:s, s:o, s:{s:s, s:s, s:s}, s:o, s:o}", "title",
	                        errs && errs->n ? "Błąd: użytkownicy — Jawność" : "Użytkownicy — Jawność",
	                        "accounts", list, "v", "email", in->email ? in->email : "", "name",
	                        in->name ? in->name : "", "position", in->position ? in->position : "",
	                        "roles", role_options(in->role ? in->role : "clerk"), "units",
	                        unit_options(req, units, nunits, in->unit));
	set_errors(ctx, errs);
	page(req, status, "admin_users", ctx);
}

void web_admin_users(http_req_t *req)
{
	struct admin_actor who;
	if (admin_of(req, &who))
		users_page(req, 200, &who, NULL, NULL);
}

static struct admin_user_input user_input(const form_t *f)
{
	return (struct admin_user_input){
	    .email = field(f, "email"),
	    .name = field(f, "name"),
	    .position = field(f, "position"),
	    .role = field(f, "role"),
	    .unit = field(f, "unit"),
	    .password = field(f, "password"),
	};
}

void web_admin_user_add(http_req_t *req)
{
	struct admin_actor who;
	const form_t *f;
	if (!admin_of(req, &who) || !posted(req, &f))
		return;
	PGconn *c = conn_or_503(req);
	if (!c)
		return;
	struct admin_user_input in = user_input(f);
	struct admin_errors errs = {0};
	enum admin_result r = admin_user_add(c, req->arena, &who, &in, &errs, NULL);
	if (r == ADMIN_OK)
		saved(req, "/panel/admin/uzytkownicy");
	else if (r == ADMIN_INVALID)
		users_page(req, 422, &who, &in, &errs);
	else
		fail(req, r);
}

/* One account's page: its details, the form to change them, a new
 * password, disabling or enabling. `in` is what was typed, or NULL. */
static void user_page(http_req_t *req, int status, const struct admin_actor *who, long long id,
                      const struct admin_user_input *in, const struct admin_errors *errs)
{
	PGconn *c = conn_or_503(req);
	if (!c)
		return;
	struct admin_user u;
	struct admin_unit *units;
	size_t nunits = 0;
	enum admin_result r = id ? admin_user_get(c, req->arena, who->org_id, id, &u) : ADMIN_NOT_FOUND;
	if (r == ADMIN_OK)
		r = admin_units(c, req->arena, who->org_id, &units, &nunits);
	if (r != ADMIN_OK) {
		fail(req, r);
		return;
	}
	struct admin_user_input cur = {.name = u.name, .position = u.position, .role = u.role,
	                               .unit = u.unit_symbol};
	if (!in)
		in = &cur;
	json_t *ctx = json_pack("{s:s, s:o, s:{s:s, s:s}, s:o, s:o}", "title",
	                        arena_printf(req->arena, "%s%s — Jawność", errs && errs->n ? "Błąd: " : "",
	                                     u.name),
	                        "account", user_json(&u, who->user_id), "v", "name", in->name,
	                        "position", in->position, "roles", role_options(in->role), "units",
	                        unit_options(req, units, nunits, in->unit));
	set_errors(ctx, errs);
	page(req, status, "admin_user", ctx);
}

void web_admin_user(http_req_t *req)
{
	struct admin_actor who;
	if (admin_of(req, &who))
		user_page(req, 200, &who, id_of(http_param(req, "id")), NULL, NULL);
}

/* op: "update" (name, position, role, unit), "password", "disable" or "enable". */
void web_admin_user_change(http_req_t *req)
{
	struct admin_actor who;
	const form_t *f;
	if (!admin_of(req, &who) || !posted(req, &f))
		return;
	long long id = id_of(http_param(req, "id"));
	PGconn *c = conn_or_503(req);
	if (!c)
		return;
	const char *op = field(f, "op");
	struct admin_user_input in = user_input(f);
	struct admin_errors errs = {0};
	enum admin_result r;
	if (!id)
		r = ADMIN_NOT_FOUND;
	else if (!strcmp(op, "update"))
		r = admin_user_update(c, req->arena, &who, id, &in, &errs);
	else if (!strcmp(op, "password"))
		r = admin_user_set_password(c, req->arena, &who, id, in.password, &errs);
	else if (!strcmp(op, "disable") || !strcmp(op, "enable"))
		r = admin_user_set_disabled(c, req->arena, &who, id, !strcmp(op, "disable"), &errs);
	else {
		http_respond_error(req, 400, "Nieznana czynność.");
		return;
	}
	if (r == ADMIN_OK)
		saved(req, arena_printf(req->arena, "/panel/admin/uzytkownicy/%lld", id));
	else if (r == ADMIN_INVALID)
		user_page(req, 422, &who, id, !strcmp(op, "update") ? &in : NULL, &errs);
	else
		fail(req, r);
}

/* ---- Units ------------------------------------------------------------------ */

/* The units, the form to add one (symbol and name typed, or NULL), and
 * which unit receives online requests. A failed rename keeps its text in
 * the unit's own form. */
struct units_typed {
	const char *symbol, *name;
	long long rename_id;
	const char *rename;
};

static void units_page(http_req_t *req, int status, const struct admin_actor *who,
                       const struct units_typed *t, const struct admin_errors *errs)
{
	PGconn *c = conn_or_503(req);
	if (!c)
		return;
	struct admin_unit *units;
	size_t n = 0;
	enum admin_result r = admin_units(c, req->arena, who->org_id, &units, &n);
	if (r != ADMIN_OK) {
		fail(req, r);
		return;
	}
	const char *rename_field = t && t->rename_id
	                               ? arena_printf(req->arena, "unit-%lld-name", t->rename_id)
	                               : NULL;
	json_t *list = json_array(), *web = json_array();
	bool any_web = false;
	for (size_t i = 0; i < n; i++) {
		bool failed = rename_field && units[i].id == t->rename_id;
		json_t *u = json_pack("{s:I, s:s, s:s, s:b, s:i, s:s}", "id", (json_int_t)units[i].id,
		                      "symbol", units[i].symbol, "name", units[i].name, "web",
		                      units[i].web, "users", (int)units[i].users, "typed",
		                      failed ? t->rename : units[i].name);
		if (failed && errs && errs->n)
			json_object_set_new(u, "error", json_string(errs->e[0].message));
		json_array_append_new(list, u);
		json_array_append_new(web, json_pack("{s:I, s:s, s:b}", "id", (json_int_t)units[i].id,
		                                     "label",
		                                     arena_printf(req->arena, "%s — %s", units[i].symbol,
		                                                  units[i].name),
		                                     "selected", units[i].web));
		any_web |= units[i].web;
	}
	json_t *ctx = json_pack("{s:s, s:o, s:o, s:b, s:b, s:{s:s, s:s}}", "title",
	                        errs && errs->n ? "Błąd: komórki organizacyjne — Jawność"
	                                        : "Komórki organizacyjne — Jawność",
	                        "units", list, "web_units", web, "no_web_unit", !any_web, "has_units",
	                        n > 0, "v", "symbol", t && t->symbol ? t->symbol : "", "name",
	                        t && t->name ? t->name : "");
	/* The rename form's field has an id of its own on this page. */
	struct admin_errors shown = {0};
	if (errs)
		shown = *errs;
	for (int i = 0; rename_field && i < shown.n; i++)
		shown.e[i].field = rename_field;
	set_errors(ctx, &shown);
	page(req, status, "admin_units", ctx);
}

void web_admin_units(http_req_t *req)
{
	struct admin_actor who;
	if (admin_of(req, &who))
		units_page(req, 200, &who, NULL, NULL);
}

/* op: "add" (symbol, name), "rename" (id, name) or "web" (web_unit: an id). */
void web_admin_units_post(http_req_t *req)
{
	struct admin_actor who;
	const form_t *f;
	if (!admin_of(req, &who) || !posted(req, &f))
		return;
	PGconn *c = conn_or_503(req);
	if (!c)
		return;
	const char *op = field(f, "op");
	struct units_typed t = {0};
	struct admin_errors errs = {0};
	enum admin_result r;
	if (!strcmp(op, "add")) {
		t.symbol = field(f, "symbol");
		t.name = field(f, "name");
		r = admin_unit_add(c, req->arena, &who, t.symbol, t.name, &errs);
	} else if (!strcmp(op, "rename")) {
		t.rename_id = id_of(field(f, "id"));
		t.rename = field(f, "name");
		r = t.rename_id ? admin_unit_rename(c, req->arena, &who, t.rename_id, t.rename, &errs)
		                : ADMIN_NOT_FOUND;
	} else if (!strcmp(op, "web")) {
		long long id = id_of(field(f, "web_unit"));
		r = admin_set_web_unit(c, req->arena, &who, id, &errs);
	} else {
		http_respond_error(req, 400, "Nieznana czynność.");
		return;
	}
	if (r == ADMIN_OK)
		saved(req, "/panel/admin/komorki");
	else if (r == ADMIN_INVALID)
		units_page(req, 422, &who, &t, &errs);
	else
		fail(req, r);
}

/* ---- Organisation settings -------------------------------------------------- */

/* "v" (each value as typed or stored) and "is" (which radio is checked:
 * "<id>_<value>" for the yes/no policies and the remedy). */
static void settings_page(http_req_t *req, int status, const struct admin_values *v,
                          const struct admin_errors *errs)
{
	json_t *vals = json_object(), *is = json_object();
	for (size_t i = 0; i < ADMIN_NSETTINGS; i++) {
		const struct admin_setting *s = &admin_settings[i];
		const char *val = v->v[i] ? v->v[i] : "";
		json_object_set_new(vals, s->id, json_string(val));
		if (s->kind == ADMIN_BOOL || s->kind == ADMIN_REMEDY)
			json_object_set_new(is, arena_printf(req->arena, "%s_%s", s->id, val), json_true());
	}
	json_t *ctx = json_pack("{s:s, s:o, s:o}", "title",
	                        errs && errs->n ? "Błąd: ustawienia urzędu — Jawność"
	                                        : "Ustawienia urzędu — Jawność",
	                        "v", vals, "is", is);
	set_errors(ctx, errs);
	page(req, status, "admin_settings", ctx);
}

void web_admin_settings_form(http_req_t *req)
{
	struct admin_actor who;
	if (!admin_of(req, &who))
		return;
	PGconn *c = conn_or_503(req);
	if (!c)
		return;
	struct admin_values v;
	enum admin_result r = admin_settings_get(c, req->arena, who.org_id, &v);
	if (r != ADMIN_OK)
		fail(req, r);
	else
		settings_page(req, 200, &v, NULL);
}

void web_admin_settings(http_req_t *req)
{
	struct admin_actor who;
	const form_t *f;
	if (!admin_of(req, &who) || !posted(req, &f))
		return;
	PGconn *c = conn_or_503(req);
	if (!c)
		return;
	struct admin_values v;
	for (size_t i = 0; i < ADMIN_NSETTINGS; i++)
		v.v[i] = field(f, admin_settings[i].id);
	struct admin_errors errs = {0};
	enum admin_result r = admin_settings_save(c, req->arena, &who, &v, &errs);
	if (r == ADMIN_OK)
		saved(req, "/panel/admin/ustawienia");
	else if (r == ADMIN_INVALID)
		settings_page(req, 422, &v, &errs);
	else
		fail(req, r);
}

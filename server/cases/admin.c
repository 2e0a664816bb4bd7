/* SPDX-License-Identifier: EUPL-1.2 */
#include "cases/admin.h"

#include <errno.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases/auth.h"
#include "cases/org.h"
#include "cases/service.h"
#include "cases/store.h"
#include "cases/users.h"
#include "core/log.h"
#include "core/strbuf.h"
#include "db/changes.h"
#include "db/db.h"
#include "core/utf8.h"
#include "law/casenum.h"
#include "law/date.h"
#include "render/harvester.h"

#define NAME_MAX_CHARS 200
#define UNIT_NAME_MAX_CHARS 300
#define HOSTS_MAX 50
#define HOST_MAX 253

/* ---- Small helpers ---------------------------------------------------------- */

static void add_err(struct problem *errs, const char *field, const char *message)
{
	problem_field(errs, field, message);
}

static const char *id_text(arena_t *a, long long id)
{
	return arena_printf(a, "%lld", id);
}

/* A positive id as typed in a form; 0 when it is not one. */
static long long id_of(const char *s)
{
	char *end;
	errno = 0;
	long long id = s && *s ? strtoll(s, &end, 10) : 0;
	return s && *s && !*end && !errno && id > 0 ? id : 0;
}

/* Blanks (and line breaks) around a typed value dropped; NULL becomes "". */
static const char *trim(arena_t *a, const char *s)
{
	if (!s)
		return "";
	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
		s++;
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
		n--;
	return arena_strndup(a, s, n);
}

/* Line breaks of a textarea as "\n" only. */
static const char *unix_lines(arena_t *a, const char *s)
{
	char *out = arena_strdup(a, s), *w = out;
	for (const char *p = s; *p; p++)
		if (*p != '\r')
			*w++ = *p;
		else if (p[1] != '\n')
			*w++ = '\n';
	*w = '\0';
	return out;
}

static size_t utf8_chars(const char *s)
{
	size_t n = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		n += (*p & 0xC0) != 0x80;
	return n;
}

/* Control characters other than the line breaks and tabs `lines` allows. */
static bool has_controls(const char *s, bool lines)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (lines && (*p == '\n' || *p == '\t'))
			continue;
		if (*p < 0x20 || *p == 0x7f)
			return true;
	}
	return false;
}

/* A text field: valid UTF-8, at most `max` characters, one line unless
 * `lines`, present when `required`. */
static void check_text(arena_t *a, const char *field, const char *label, const char *v, int max,
                       bool required, bool lines, struct problem *errs)
{
	if (!utf8_valid(v, strlen(v)))
		add_err(errs, field, arena_printf(a, "Pole „%s” zawiera nieprawidłowe znaki.", label));
	else if (required && !*v)
		add_err(errs, field, arena_printf(a, "Pole „%s” jest wymagane.", label));
	else if (utf8_chars(v) > (size_t)max)
		add_err(errs, field,
		        arena_printf(a, "Pole „%s” może mieć najwyżej %d znaków.", label, max));
	else if (has_controls(v, lines))
		add_err(errs, field,
		        arena_printf(a, "Pole „%s” musi mieścić się w jednym wierszu.", label));
}

/* The first column of the first row, in the arena; NULL when no row. */
static const char *first_value(PGconn *c, arena_t *a, enum db_status *st, const char *sql, int n,
                               const char *const *p)
{
	PGresult *r = db_exec(c, st, sql, n, p);
	const char *v = *st == DB_OK && PQntuples(r) > 0 ? arena_strdup(a, PQgetvalue(r, 0, 0)) : NULL;
	PQclear(r);
	return v;
}

/* The event of an administrator's change, in the running transaction. */
static enum db_status event(PGconn *c, const struct actor *who, const char *action,
                            json_t *data)
{
	enum db_status st = store_event(c, who->org_id, 0, "admin", who->user_id, action, NULL, NULL,
	                                data);
	json_decref(data);
	return st;
}

/* Records {"from": old, "to": new} under `key` when they differ. */
static void note_change(json_t *changes, const char *key, const char *from, const char *to)
{
	if (strcmp(from, to) != 0)
		json_object_set_new(changes, key, json_pack("{s:s, s:s}", "from", from, "to", to));
}

/* ---- Staff accounts --------------------------------------------------------- */

#define USER_SELECT                                                                                \
	"SELECT u.id, u.email, u.name, u.position, u.role, coalesce(n.symbol, ''), u.disabled "    \
	"FROM users u LEFT JOIN units n ON n.id = u.unit_id "

static void user_from_row(const PGresult *r, int row, arena_t *a, struct admin_user *u)
{
	u->id = atoll(PQgetvalue(r, row, 0));
	u->email = arena_strdup(a, PQgetvalue(r, row, 1));
	u->name = arena_strdup(a, PQgetvalue(r, row, 2));
	u->position = arena_strdup(a, PQgetvalue(r, row, 3));
	u->role = arena_strdup(a, PQgetvalue(r, row, 4));
	u->unit_symbol = arena_strdup(a, PQgetvalue(r, row, 5));
	u->disabled = PQgetvalue(r, row, 6)[0] == 't';
}

/* The accounts of the organisation by e-mail, or the one with `id` (0: all). */
static enum db_status users_read(PGconn *c, arena_t *a, long long org_id, long long id, bool lock,
                                 struct admin_user **rows, size_t *n)
{
	*rows = NULL;
	*n = 0;
	const char *p[2] = {id_text(a, org_id), id_text(a, id)};
	enum db_status st;
	PGresult *r = db_exec(c, &st,
	                      !id    ? USER_SELECT "WHERE u.org_id = $1 ORDER BY lower(u.email)"
	                      : lock ? USER_SELECT "WHERE u.org_id = $1 AND u.id = $2 FOR UPDATE OF u"
	                             : USER_SELECT "WHERE u.org_id = $1 AND u.id = $2",
	                      id ? 2 : 1, p);
	if (st == DB_OK) {
		size_t count = (size_t)PQntuples(r);
		*rows = arena_calloc(a, count ? count : 1, sizeof **rows);
		for (size_t i = 0; i < count; i++)
			user_from_row(r, (int)i, a, &(*rows)[i]);
		*n = count;
	}
	PQclear(r);
	return st;
}

/* Account `id` of the organisation, locked for a change; *found false when none. */
static enum db_status user_lock(PGconn *c, arena_t *a, long long org_id, long long id,
                                struct admin_user *out, bool *found)
{
	struct admin_user *rows;
	size_t n;
	enum db_status st = users_read(c, a, org_id, id, true, &rows, &n);
	*found = st == DB_OK && n == 1;
	if (*found)
		*out = rows[0];
	return st;
}

static enum db_status units_read(PGconn *c, arena_t *a, long long org_id, struct admin_unit **rows,
                                 size_t *n)
{
	*rows = NULL;
	*n = 0;
	const char *p[1] = {id_text(a, org_id)};
	enum db_status st;
	PGresult *r = db_exec(c, &st,
	                      "SELECT n.id, n.symbol, n.name, n.id = o.web_unit_id, "
	                      "(SELECT count(*) FROM users u WHERE u.unit_id = n.id), "
	                      "coalesce(n.appeal_body, ''), coalesce(n.appeal_body_address, ''), "
	                      "coalesce(n.remedy, '') "
	                      "FROM units n JOIN organisations o ON o.id = n.org_id "
	                      "WHERE n.org_id = $1 ORDER BY n.symbol",
	                      1, p);
	if (st == DB_OK) {
		size_t count = (size_t)PQntuples(r);
		struct admin_unit *out = arena_calloc(a, count ? count : 1, sizeof *out);
		for (size_t i = 0; i < count; i++) {
			int row = (int)i;
			out[i].id = atoll(PQgetvalue(r, row, 0));
			out[i].symbol = arena_strdup(a, PQgetvalue(r, row, 1));
			out[i].name = arena_strdup(a, PQgetvalue(r, row, 2));
			out[i].web = PQgetvalue(r, row, 3)[0] == 't';
			out[i].users = atol(PQgetvalue(r, row, 4));
			out[i].appeal_body = arena_strdup(a, PQgetvalue(r, row, 5));
			out[i].appeal_body_address = arena_strdup(a, PQgetvalue(r, row, 6));
			out[i].remedy = arena_strdup(a, PQgetvalue(r, row, 7));
		}
		*rows = out;
		*n = count;
	}
	PQclear(r);
	return st;
}

enum outcome admin_staff(const struct svc_ctx *ctx, long long id, struct admin_staff *out,
                         struct problem *p)
{
	memset(out, 0, sizeof *out);
	if (id < 0)
		return problem_set(p, OUT_NOT_FOUND, NULL, NULL);
	PGconn *c = svc_conn(p);
	if (!c)
		return OUT_UNAVAILABLE;
	long long org = ctx->who->org_id;
	enum db_status st = users_read(c, ctx->arena, org, id, false, &out->users, &out->nusers);
	if (st == DB_OK && id && out->nusers != 1)
		return problem_set(p, OUT_NOT_FOUND, NULL, NULL);
	if (st == DB_OK)
		st = units_read(c, ctx->arena, org, &out->units, &out->nunits);
	return svc_outcome(st, p);
}

enum outcome admin_units(const struct svc_ctx *ctx, struct admin_unit **rows, size_t *n,
                         struct problem *p)
{
	*rows = NULL;
	*n = 0;
	PGconn *c = svc_conn(p);
	if (!c)
		return OUT_UNAVAILABLE;
	return svc_outcome(units_read(c, ctx->arena, ctx->who->org_id, rows, n), p);
}

static void check_password(const char *pw, struct problem *errs)
{
	if (!utf8_valid(pw, strlen(pw)) || utf8_chars(pw) < AUTH_PASSWORD_MIN)
		add_err(errs, "password", "Hasło musi mieć co najmniej 12 znaków.");
	else if (strlen(pw) > AUTH_PASSWORD_MAX)
		add_err(errs, "password", "Hasło może mieć najwyżej 1024 bajty.");
}

static void check_role(const char *role, struct problem *errs)
{
	if (!users_role_valid(role))
		add_err(errs, "role", "Wybierz rolę: urzędnik, kierownik, administrator albo inspektor ochrony danych.");
}

static const char *const unit_unknown = "Wybierz komórkę organizacyjną z listy.";

/* The typed fields of an account, trimmed; messages for the bad ones. */
static struct admin_user_input clean_user(arena_t *a, const struct admin_user_input *in, bool adding,
                                          struct problem *errs)
{
	struct admin_user_input u = {
	    .email = trim(a, in->email),
	    .name = trim(a, in->name),
	    .position = trim(a, in->position),
	    .role = trim(a, in->role),
	    .unit = trim(a, in->unit),
	    .password = in->password ? in->password : "",
	};
	if (adding) {
		if (!*u.email)
			add_err(errs, "email", "Podaj adres e-mail.");
		else if (!users_email_valid(u.email) || !utf8_valid(u.email, strlen(u.email)))
			add_err(errs, "email", "Podaj poprawny adres e-mail, np. jan.kowalski@urzad.gov.pl.");
	}
	check_text(a, "name", "Imię i nazwisko", u.name, NAME_MAX_CHARS, true, false, errs);
	check_text(a, "position", "Stanowisko", u.position, NAME_MAX_CHARS, false, false, errs);
	check_role(u.role, errs);
	/* A unit's symbol only: which units exist is checked in the transaction. */
	if (*u.unit && !law_casenum_unit_valid(u.unit, NULL))
		add_err(errs, "unit", unit_unknown);
	if (adding)
		check_password(u.password, errs);
	return u;
}

/* A change of the organisation's accounts: this request writes for it. */
static enum db_status write_transaction(PGconn *c, const struct actor *who, db_tx_fn fn, void *x)
{
	changes_writer(who->org_id);
	return db_transaction(c, fn, x);
}

/* A change to the organisations or units tables: what struct org holds
 * and this process keeps by host (cases/org.c). The triggers tell the
 * other processes; this one is told at once, so that the admin's next page
 * shows the change. */
static enum db_status settings_transaction(PGconn *c, const struct actor *who, db_tx_fn fn,
                                           void *x)
{
	enum db_status st = write_transaction(c, who, fn, x);
	if (st == DB_OK)
		org_settings_changed();
	return st;
}

struct add_ctx {
	const struct actor *who;
	const struct admin_user_input *u;
	const char *hash;
	arena_t *a;
	bool no_unit;
	long long id;
};

static enum db_status add_tx(PGconn *c, void *vctx)
{
	struct add_ctx *x = vctx;
	x->no_unit = false;
	struct users_new nu = {
	    .email = x->u->email,
	    .role = x->u->role,
	    .name = x->u->name,
	    .position = x->u->position,
	    .unit_symbol = *x->u->unit ? x->u->unit : NULL,
	    .password_hash = x->hash,
	};
	enum db_status st = users_insert(c, x->who->org_id, &nu, &x->id, &x->no_unit);
	if (st != DB_OK || x->no_unit)
		return st; /* nothing written */
	return event(c, x->who, "user_add",
	             json_pack("{s:I, s:s, s:s, s:s, s:s, s:s}", "user_id", (json_int_t)x->id, "email",
	                       x->u->email, "name", x->u->name, "position", x->u->position, "role",
	                       x->u->role, "unit", x->u->unit));
}

enum outcome admin_user_add(const struct svc_ctx *ctx, const struct admin_user_input *in,
                            long long *id, struct problem *p)
{
	problem_set(p, OUT_OK, NULL, NULL);
	struct problem local;
	if (!p)
		p = &local;
	struct admin_user_input u = clean_user(ctx->arena, in, true, p);
	if (p->nfields)
		return OUT_INVALID;
	PGconn *c = svc_conn(p);
	if (!c)
		return OUT_UNAVAILABLE;
	char hash[AUTH_HASH_LEN];
	if (!auth_password_hash(u.password, hash))
		return problem_set(p, OUT_ERROR, NULL, NULL);
	struct add_ctx x = {ctx->who, &u, hash, ctx->arena, false, 0};
	enum db_status st = write_transaction(c, ctx->who, add_tx, &x);
	sodium_memzero(hash, sizeof hash);
	if (st == DB_CONFLICT)
		return problem_field(p, "email", "Konto z tym adresem e-mail już istnieje.");
	if (st == DB_OK && x.no_unit)
		return problem_field(p, "unit", unit_unknown);
	if (st == DB_OK && id)
		*id = x.id;
	return svc_outcome(st, p);
}

/* The id of a unit of the organisation by symbol, "" for none; NULL when
 * the organisation has no such unit. */
static const char *unit_id_of(PGconn *c, arena_t *a, enum db_status *st, long long org_id,
                              const char *symbol)
{
	*st = DB_OK;
	if (!*symbol)
		return "";
	const char *p[2] = {id_text(a, org_id), symbol};
	return first_value(c, a, st, "SELECT id FROM units WHERE org_id = $1 AND symbol = $2", 2, p);
}

/* What a change of an account found wrong in the transaction. */
struct user_change_ctx {
	const struct actor *who;
	long long id;
	const struct admin_user_input *u; /* update */
	bool disabled;                    /* set_disabled */
	const char *hash;                 /* set_password */
	arena_t *a;
	enum outcome res;
	const char *field, *message;
};

static void refuse(struct user_change_ctx *x, const char *field, const char *message)
{
	x->res = OUT_INVALID;
	x->field = field;
	x->message = message;
}

/* Locks account x->id into *old; false (x->res OUT_NOT_FOUND, or *st an
 * error) when it cannot be changed. */
static bool lock_account(PGconn *c, struct user_change_ctx *x, struct admin_user *old,
                         enum db_status *st)
{
	bool found;
	x->res = OUT_OK;
	*st = user_lock(c, x->a, x->who->org_id, x->id, old, &found);
	if (*st == DB_OK && !found)
		x->res = OUT_NOT_FOUND;
	return *st == DB_OK && found;
}

static enum db_status end_sessions(PGconn *c, arena_t *a, long long user_id)
{
	const char *p[1] = {id_text(a, user_id)};
	return db_run(c, "DELETE FROM sessions WHERE user_id = $1", 1, p);
}

static enum db_status update_tx(PGconn *c, void *vctx)
{
	struct user_change_ctx *x = vctx;
	struct admin_user old;
	enum db_status st;
	if (!lock_account(c, x, &old, &st))
		return st;
	if (x->id == x->who->user_id && strcmp(x->u->role, "admin") != 0) {
		refuse(x, "role",
		       "Nie możesz odebrać sobie roli administratora. Poproś o to innego administratora.");
		return DB_OK;
	}
	const char *unit = unit_id_of(c, x->a, &st, x->who->org_id, x->u->unit);
	if (st != DB_OK)
		return st;
	if (!unit) {
		refuse(x, "unit", unit_unknown);
		return DB_OK;
	}
	const char *p[6] = {id_text(x->a, x->id), x->u->name, x->u->position, x->u->role,
	                    *unit ? unit : NULL, id_text(x->a, x->who->org_id)};
	st = db_run(c,
	            "UPDATE users SET name = $2, position = $3, role = $4, unit_id = $5::bigint "
	            "WHERE id = $1 AND org_id = $6",
	            6, p);
	if (st != DB_OK)
		return st;
	json_t *changes = json_object();
	note_change(changes, "name", old.name, x->u->name);
	note_change(changes, "position", old.position, x->u->position);
	note_change(changes, "role", old.role, x->u->role);
	note_change(changes, "unit", old.unit_symbol, x->u->unit);
	if (!json_object_size(changes)) {
		json_decref(changes);
		return DB_OK;
	}
	return event(c, x->who, "user_update",
	             json_pack("{s:I, s:s, s:o}", "user_id", (json_int_t)x->id, "email", old.email,
	                       "changed", changes));
}

static enum db_status disable_tx(PGconn *c, void *vctx)
{
	struct user_change_ctx *x = vctx;
	struct admin_user old;
	enum db_status st;
	if (!lock_account(c, x, &old, &st))
		return st;
	if (x->disabled && x->id == x->who->user_id) {
		refuse(x, "disabled",
		       "Nie możesz zablokować własnego konta. Poproś o to innego administratora.");
		return DB_OK;
	}
	if (old.disabled == x->disabled)
		return DB_OK;
	const char *p[2] = {id_text(x->a, x->id), x->disabled ? "true" : "false"};
	st = db_run(c, "UPDATE users SET disabled = $2::boolean WHERE id = $1", 2, p);
	/* A disabled account is signed out everywhere at once. */
	if (st == DB_OK && x->disabled)
		st = end_sessions(c, x->a, x->id);
	if (st != DB_OK)
		return st;
	return event(c, x->who, x->disabled ? "user_disable" : "user_enable",
	             json_pack("{s:I, s:s}", "user_id", (json_int_t)x->id, "email", old.email));
}

static enum db_status password_tx(PGconn *c, void *vctx)
{
	struct user_change_ctx *x = vctx;
	struct admin_user old;
	enum db_status st;
	if (!lock_account(c, x, &old, &st))
		return st;
	const char *p[2] = {id_text(x->a, x->id), x->hash};
	st = db_run(c, "UPDATE users SET password_hash = $2 WHERE id = $1", 2, p);
	/* Whoever knew the old password is signed out. */
	if (st == DB_OK)
		st = end_sessions(c, x->a, x->id);
	if (st != DB_OK)
		return st;
	return event(c, x->who, "user_password",
	             json_pack("{s:I, s:s}", "user_id", (json_int_t)x->id, "email", old.email));
}

enum outcome admin_user_change(const struct svc_ctx *ctx, long long id, const char *op,
                               const struct admin_user_input *in, struct problem *p)
{
	problem_set(p, OUT_OK, NULL, NULL);
	struct problem local;
	if (!p)
		p = &local;
	static const struct {
		const char *op;
		db_tx_fn fn;
	} ops[] = {{"update", update_tx}, {"password", password_tx}, {"disable", disable_tx},
	           {"enable", disable_tx}};
	db_tx_fn fn = NULL;
	for (size_t i = 0; op && i < sizeof ops / sizeof ops[0]; i++)
		if (!strcmp(op, ops[i].op))
			fn = ops[i].fn;
	if (!fn)
		return problem_set(p, OUT_MALFORMED, "Nieznana czynność.", NULL);
	if (id <= 0)
		return problem_set(p, OUT_NOT_FOUND, NULL, NULL);
	struct user_change_ctx x = {.who = ctx->who, .id = id, .a = ctx->arena,
	                            .disabled = !strcmp(op, "disable")};
	struct admin_user_input u;
	char hash[AUTH_HASH_LEN];
	if (fn == update_tx) {
		u = clean_user(ctx->arena, in, false, p);
		x.u = &u;
	} else if (fn == password_tx) {
		check_password(in->password ? in->password : "", p);
	}
	if (p->nfields)
		return OUT_INVALID;
	PGconn *c = svc_conn(p);
	if (!c)
		return OUT_UNAVAILABLE;
	if (fn == password_tx) {
		if (!auth_password_hash(in->password, hash))
			return problem_set(p, OUT_ERROR, NULL, NULL);
		x.hash = hash;
	}
	enum db_status st = write_transaction(c, ctx->who, fn, &x);
	sodium_memzero(hash, sizeof hash);
	if (st != DB_OK)
		return svc_outcome(st, p);
	if (x.res == OUT_INVALID)
		return problem_field(p, x.field, x.message);
	return x.res == OUT_OK ? OUT_OK : problem_set(p, x.res, NULL, NULL);
}

/* ---- Units ------------------------------------------------------------------ */

static void check_unit_name(arena_t *a, const char *name, struct problem *errs)
{
	check_text(a, "name", "Nazwa komórki", name, UNIT_NAME_MAX_CHARS, true, false, errs);
}

struct unit_ctx {
	const struct actor *who;
	long long id;
	const char *symbol, *name;
	const char *appeal_body, *appeal_body_address, *remedy; /* "remedy" */
	arena_t *a;
	bool found;
};

static enum db_status unit_add_tx(PGconn *c, void *vctx)
{
	struct unit_ctx *x = vctx;
	const char *p[3] = {id_text(x->a, x->who->org_id), x->symbol, x->name};
	enum db_status st;
	const char *id = first_value(c, x->a, &st,
	                             "INSERT INTO units (org_id, symbol, name) VALUES ($1, $2, $3) "
	                             "RETURNING id",
	                             3, p);
	if (st != DB_OK || !id)
		return st != DB_OK ? st : DB_ERROR;
	x->id = atoll(id);
	return event(c, x->who, "unit_add",
	             json_pack("{s:I, s:s, s:s}", "unit_id", (json_int_t)x->id, "symbol", x->symbol,
	                       "name", x->name));
}

void admin_unit_clean(arena_t *a, const char *symbol, const char *name, const char **symbol_out,
                      const char **name_out, struct problem *errs)
{
	*symbol_out = trim(a, symbol);
	*name_out = trim(a, name);
	law_error_t why;
	if (!**symbol_out)
		add_err(errs, "symbol", "Podaj symbol komórki, np. BDG albo COMON-WI.");
	else if (!law_casenum_unit_valid(*symbol_out, &why))
		add_err(errs, "symbol", arena_strdup(a, why.message));
	check_unit_name(a, *name_out, errs);
}

static enum outcome unit_add(PGconn *c, arena_t *a, const struct actor *who, const char *symbol,
                             const char *name, struct problem *errs)
{
	struct unit_ctx x = {.who = who, .a = a};
	admin_unit_clean(a, symbol, name, &x.symbol, &x.name, errs);
	if (errs->nfields)
		return OUT_INVALID;
	enum db_status st = settings_transaction(c, who, unit_add_tx, &x);
	if (st == DB_CONFLICT)
		return problem_field(errs, "symbol",
		                     arena_printf(a, "Komórka o symbolu %s już istnieje.", x.symbol));
	return svc_outcome(st, errs);
}

static enum db_status unit_rename_tx(PGconn *c, void *vctx)
{
	struct unit_ctx *x = vctx;
	const char *p[3] = {id_text(x->a, x->id), id_text(x->a, x->who->org_id), x->name};
	enum db_status st;
	PGresult *r = db_exec(c, &st,
	                      "SELECT symbol, name FROM units WHERE id = $1 AND org_id = $2 FOR UPDATE",
	                      2, p);
	x->found = st == DB_OK && PQntuples(r) == 1;
	const char *symbol = x->found ? arena_strdup(x->a, PQgetvalue(r, 0, 0)) : NULL;
	const char *old = x->found ? arena_strdup(x->a, PQgetvalue(r, 0, 1)) : NULL;
	PQclear(r);
	if (st != DB_OK || !x->found || !strcmp(old, x->name))
		return st;
	st = db_run(c, "UPDATE units SET name = $3 WHERE id = $1 AND org_id = $2", 3, p);
	if (st != DB_OK)
		return st;
	return event(c, x->who, "unit_rename",
	             json_pack("{s:I, s:s, s:{s:{s:s, s:s}}}", "unit_id", (json_int_t)x->id, "symbol",
	                       symbol, "changed", "name", "from", old, "to", x->name));
}

static enum outcome unit_rename(PGconn *c, arena_t *a, const struct actor *who, const char *id,
                                const char *name, struct problem *errs)
{
	struct unit_ctx x = {.who = who, .id = id_of(id), .name = trim(a, name), .a = a};
	if (!x.id)
		add_err(errs, "id", unit_unknown);
	check_unit_name(a, x.name, errs);
	if (errs->nfields)
		return OUT_INVALID;
	enum db_status st = settings_transaction(c, who, unit_rename_tx, &x);
	if (st == DB_OK && !x.found)
		return problem_set(errs, OUT_NOT_FOUND, NULL, NULL);
	return svc_outcome(st, errs);
}

static enum db_status web_unit_tx(PGconn *c, void *vctx)
{
	struct unit_ctx *x = vctx;
	const char *p[2] = {id_text(x->a, x->id), id_text(x->a, x->who->org_id)};
	enum db_status st;
	x->symbol = first_value(c, x->a, &st, "SELECT symbol FROM units WHERE id = $1 AND org_id = $2",
	                        2, p);
	x->found = x->symbol != NULL;
	if (st != DB_OK || !x->found)
		return st;
	const char *old = first_value(c, x->a, &st,
	                              "SELECT coalesce(w.symbol, '') FROM organisations o "
	                              "LEFT JOIN units w ON w.id = o.web_unit_id WHERE o.id = $1 "
	                              "FOR UPDATE OF o",
	                              1, p + 1);
	if (st != DB_OK || !old || !strcmp(old, x->symbol))
		return st != DB_OK ? st : old ? DB_OK : DB_ERROR;
	st = db_run(c, "UPDATE organisations SET web_unit_id = $1 WHERE id = $2", 2, p);
	if (st != DB_OK)
		return st;
	return event(c, x->who, "web_unit",
	             json_pack("{s:I, s:{s:{s:s, s:s}}}", "unit_id", (json_int_t)x->id, "changed",
	                       "web_unit", "from", old, "to", x->symbol));
}

static enum outcome set_web_unit(PGconn *c, arena_t *a, const struct actor *who, const char *id,
                                 struct problem *errs)
{
	struct unit_ctx x = {.who = who, .id = id_of(id), .a = a};
	enum db_status st = x.id ? settings_transaction(c, who, web_unit_tx, &x) : DB_OK;
	if (st == DB_OK && !x.found)
		return problem_field(errs, "web_unit", unit_unknown);
	return svc_outcome(st, errs);
}

/* A unit's appeal body and remedy; "" stored as NULL: the organisation's. */
static enum db_status unit_remedy_tx(PGconn *c, void *vctx)
{
	struct unit_ctx *x = vctx;
	const char *p[5] = {id_text(x->a, x->id), id_text(x->a, x->who->org_id), x->appeal_body,
	                    x->appeal_body_address, x->remedy};
	enum db_status st;
	PGresult *r = db_exec(c, &st,
	                      "SELECT symbol, coalesce(appeal_body, ''), "
	                      "coalesce(appeal_body_address, ''), coalesce(remedy, '') "
	                      "FROM units WHERE id = $1 AND org_id = $2 FOR UPDATE",
	                      2, p);
	x->found = st == DB_OK && PQntuples(r) == 1;
	const char *old[4];
	for (int i = 0; i < 4; i++)
		old[i] = x->found ? arena_strdup(x->a, PQgetvalue(r, 0, i)) : "";
	PQclear(r);
	if (st != DB_OK || !x->found)
		return st;
	json_t *changes = json_object();
	note_change(changes, "appeal_body", old[1], x->appeal_body);
	note_change(changes, "appeal_body_address", old[2], x->appeal_body_address);
	note_change(changes, "remedy", old[3], x->remedy);
	if (!json_object_size(changes)) {
		json_decref(changes);
		return DB_OK;
	}
	st = db_run(c,
	            "UPDATE units SET appeal_body = nullif($3, ''), "
	            "appeal_body_address = nullif($4, ''), remedy = nullif($5, '') "
	            "WHERE id = $1 AND org_id = $2",
	            5, p);
	if (st != DB_OK) {
		json_decref(changes);
		return st;
	}
	return event(c, x->who, "unit_remedy",
	             json_pack("{s:I, s:s, s:o}", "unit_id", (json_int_t)x->id, "symbol", old[0],
	                       "changed", changes));
}

static enum outcome unit_remedy(PGconn *c, arena_t *a, const struct actor *who,
                                const struct admin_unit_input *in, struct problem *errs)
{
	struct unit_ctx x = {.who = who,
	                     .id = id_of(in->id),
	                     .appeal_body = trim(a, in->appeal_body),
	                     .appeal_body_address = trim(a, unix_lines(a, in->appeal_body_address
	                                                                      ? in->appeal_body_address
	                                                                      : "")),
	                     .remedy = trim(a, in->remedy),
	                     .a = a};
	if (!x.id)
		add_err(errs, "id", unit_unknown);
	check_text(a, "appeal_body", "Organ odwoławczy", x.appeal_body, 300, false, false, errs);
	check_text(a, "appeal_body_address", "Adres organu odwoławczego", x.appeal_body_address, 500,
	           false, true, errs);
	if (*x.remedy && strcmp(x.remedy, "appeal") && strcmp(x.remedy, "reconsideration"))
		add_err(errs, "remedy", "Wybierz środek zaskarżenia: jak w ustawieniach urzędu, "
		                        "odwołanie albo wniosek o ponowne rozpatrzenie sprawy.");
	if (errs->nfields)
		return OUT_INVALID;
	enum db_status st = settings_transaction(c, who, unit_remedy_tx, &x);
	if (st == DB_OK && !x.found)
		return problem_set(errs, OUT_NOT_FOUND, NULL, NULL);
	return svc_outcome(st, errs);
}

enum outcome admin_unit_change(const struct svc_ctx *ctx, const struct admin_unit_input *in,
                               struct problem *p)
{
	problem_set(p, OUT_OK, NULL, NULL);
	struct problem local;
	if (!p)
		p = &local;
	const char *op = in->op ? in->op : "";
	if (strcmp(op, "add") && strcmp(op, "rename") && strcmp(op, "web") && strcmp(op, "remedy"))
		return problem_set(p, OUT_MALFORMED, "Nieznana czynność.", NULL);
	PGconn *c = svc_conn(p);
	if (!c)
		return OUT_UNAVAILABLE;
	if (!strcmp(op, "add"))
		return unit_add(c, ctx->arena, ctx->who, in->symbol, in->name, p);
	if (!strcmp(op, "rename"))
		return unit_rename(c, ctx->arena, ctx->who, in->id, in->name, p);
	if (!strcmp(op, "remedy"))
		return unit_remedy(c, ctx->arena, ctx->who, in, p);
	return set_web_unit(c, ctx->arena, ctx->who, in->id, p);
}

/* ---- Organisation settings -------------------------------------------------- */

/* The declaration's fixed lists (migration 0050's checks): the first is
 * the default. */
static const char *const a11y_statuses[] = {"czesciowo_zgodna", "zgodna", "niezgodna", NULL};
static const char *const a11y_methods[] = {"samoocena", "podmiot_zewnetrzny", NULL};

/* What some settings need besides their row: the values of a choice, and
 * a message of their own where the kind's would name the wrong thing. */
static const struct {
	const char *id;
	const char *const *choices;
	const char *message;
} setting_extras[] = {
    {"a11y_status", a11y_statuses, NULL},
    {"a11y_method", a11y_methods, NULL},
    {"a11y_url", NULL,
     "Adres strony objętej deklaracją musi zaczynać się od https:// (albo http://), np. "
     "https://wnioski.urzad.gov.pl, albo zostaw pole puste."},
    {"a11y_burden_url", NULL,
     "Adres oceny nadmiernego obciążenia musi zaczynać się od https:// (albo http://), albo "
     "zostaw pole puste."},
    {"a11y_contact_email", NULL,
     "Podaj poprawny adres e-mail do spraw dostępności, np. dostepnosc@urzad.gov.pl, albo "
     "zostaw pole puste."},
};

const char *const *admin_setting_choices(const char *id)
{
	for (size_t i = 0; i < sizeof setting_extras / sizeof setting_extras[0]; i++)
		if (!strcmp(setting_extras[i].id, id))
			return setting_extras[i].choices;
	return NULL;
}

/* Setting `s`'s own message when refused; NULL: the kind's. */
static const char *setting_message(const struct admin_setting *s)
{
	for (size_t i = 0; i < sizeof setting_extras / sizeof setting_extras[0]; i++)
		if (!strcmp(setting_extras[i].id, s->id))
			return setting_extras[i].message;
	return NULL;
}

/* Every setting an administrator may change: one row each. The id is both
 * the form field and the column of organisations. */
const struct admin_setting admin_settings[ADMIN_NSETTINGS] = {
    {"name", ADMIN_TEXT, 300, true, "Nazwa urzędu"},
    {"address", ADMIN_LINES, 500, false, "Adres"},
    {"place", ADMIN_TEXT, 100, false, "Miejscowość"},
    {"email", ADMIN_EMAIL, AUTH_EMAIL_MAX, false, "Adres e-mail"},
    {"phone", ADMIN_TEXT, 50, false, "Telefon"},
    {"bip_url", ADMIN_URL, 500, false, "Adres strony BIP"},
    {"hosts", ADMIN_HOSTS, 0, false, "Nazwy hostów"},
    {"class_public", ADMIN_CLASS, LAW_CASENUM_CLASS_MAX, true, "Klasa JRWA wniosków o informację publiczną"},
    {"class_reuse", ADMIN_CLASS, LAW_CASENUM_CLASS_MAX, true, "Klasa JRWA wniosków o ponowne wykorzystywanie"},
    /* The policies of LAW.md, where courts disagree. */
    {"policy_clarification_restarts", ADMIN_BOOL, 0, true, "Termin po doprecyzowaniu wniosku"},
    {"policy_remedy", ADMIN_REMEDY, 0, true, "Środek zaskarżenia decyzji"},
    /* Issue 20 item 8: named in the remedy instruction of every decision
     * (KPA art. 107 §1 pkt 7); a unit may name its own. */
    {"appeal_body", ADMIN_TEXT, 300, false, "Organ odwoławczy"},
    {"appeal_body_address", ADMIN_LINES, 500, false, "Adres organu odwoławczego"},
    /* UDIP art. 17 ust. 1: a body that is not an organ of public authority
     * decides without KPA. */
    {"public_authority", ADMIN_BOOL, 0, true, "Organ władzy publicznej"},
    /* PPSA art. 13 §2: the court where the body has its seat. */
    {"court", ADMIN_TEXT, 300, false, "Wojewódzki sąd administracyjny"},
    {"court_address", ADMIN_LINES, 500, false, "Adres sądu administracyjnego"},
    {"policy_clarification_days", ADMIN_DAYS, 0, true, "Termin na doprecyzowanie wniosku"},
    {"policy_interest_days", ADMIN_DAYS, 0, true, "Termin na wykazanie interesu publicznego"},
    {"policy_interest_keeps_running", ADMIN_BOOL, 0, true, "Termin po wezwaniu do wykazania interesu publicznego"},
    /* KPA art. 63 §3, art. 64 §2: absent from a form, "false" (the law's
     * default: a call to sign). */
    {"policy_unsigned_pleadings", ADMIN_BOOL, 0, false, "Odwołanie wniesione przez stronę sprawy bez podpisu"},
    {"policy_unsigned_note", ADMIN_LINES, 2000, false, "Podstawa prawna przyjmowania odwołań bez podpisu"},
    {"letterhead", ADMIN_LINES, 2000, false, "Nagłówek pism"},
    {"signer_name", ADMIN_TEXT, 200, false, "Podpisujący pisma — imię i nazwisko"},
    {"signer_position", ADMIN_TEXT, 200, false, "Podpisujący pisma — stanowisko"},
    /* Who sees which cases (cases/scope.h). */
    {"staff_unit_only", ADMIN_BOOL, 0, true, "Urzędnicy widzą tylko sprawy swojej komórki"},
    /* The art. 13 GDPR information and retention (cases/privacy.h). */
    {"dpo_contact", ADMIN_LINES, 500, false, "Kontakt z inspektorem ochrony danych"},
    {"privacy_recipients", ADMIN_LINES, 2000, false, "Odbiorcy danych osobowych"},
    {"retention_years", ADMIN_RETENTION, 0, false, "Okresy przechowywania danych wnioskodawców"},
    /* The licence the dane.gov.pl feed names (web/opendata.c). */
    {"opendata_licence", ADMIN_LICENCE, 0, false, "Licencja danych w dane.gov.pl"},
    /* The accessibility declaration (ustawa z 4 kwietnia 2019 r. o
     * dostępności cyfrowej, art. 10; cases/accessibility.h): empty values
     * are the page's defaults. */
    {"a11y_url", ADMIN_URL, 500, false, "Adres strony objętej deklaracją"},
    {"a11y_published_on", ADMIN_DATE, 0, false, "Data publikacji strony internetowej"},
    {"a11y_updated_on", ADMIN_DATE, 0, false, "Data ostatniej istotnej aktualizacji"},
    {"a11y_status", ADMIN_CHOICE, 0, false, "Stan zgodności z ustawą"},
    {"a11y_nonaccessible", ADMIN_LINES, 4000, false, "Treści niedostępne i przyczyny"},
    {"a11y_exemption", ADMIN_LINES, 2000, false, "Wyłączenia"},
    {"a11y_burden_url", ADMIN_URL, 500, false, "Ocena nadmiernego obciążenia"},
    {"a11y_prepared_on", ADMIN_DATE, 0, false, "Data sporządzenia deklaracji"},
    {"a11y_reviewed_on", ADMIN_DATE, 0, false, "Data ostatniego przeglądu deklaracji"},
    {"a11y_method", ADMIN_CHOICE, 0, false, "Sposób sporządzenia deklaracji"},
    {"a11y_auditor", ADMIN_TEXT, 300, false, "Podmiot zewnętrzny, który zbadał stronę"},
    {"a11y_contact_name", ADMIN_TEXT, 200, false, "Osoba kontaktowa w sprawie dostępności"},
    {"a11y_contact_email", ADMIN_EMAIL, AUTH_EMAIL_MAX, false, "E-mail w sprawie dostępności"},
    {"a11y_contact_phone", ADMIN_TEXT, 50, false, "Telefon w sprawie dostępności"},
    {"a11y_architecture", ADMIN_LINES, 4000, false, "Dostępność architektoniczna"},
    {"a11y_apps", ADMIN_LINES, 2000, false, "Aplikacje mobilne"},
};

/* One DNS label: letters, digits and inner hyphens, 1-63 characters. */
static bool label_valid(const char *s, size_t n)
{
	if (n < 1 || n > 63 || s[0] == '-' || s[n - 1] == '-')
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			return false;
	return true;
}

/* "host", "host:port", "[v6]" or "[v6]:port", already lower-case, as a
 * Host header names the site (RFC 9110 §7.2). */
static bool host_valid(const char *h)
{
	const char *port = NULL;
	if (h[0] == '[') {
		const char *close = strchr(h, ']');
		if (!close || close == h + 1 || !memchr(h, ':', (size_t)(close - h)))
			return false;
		for (const char *p = h + 1; p < close; p++)
			if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f') || *p == ':' || *p == '.'))
				return false;
		if (close[1] == ':')
			port = close + 2;
		else if (close[1])
			return false;
	} else {
		const char *colon = strchr(h, ':');
		size_t n = colon ? (size_t)(colon - h) : strlen(h);
		if (n < 1 || n > HOST_MAX)
			return false;
		for (size_t i = 0, start = 0; i <= n; i++) {
			if (i == n || h[i] == '.') {
				if (!label_valid(h + start, i - start))
					return false;
				start = i + 1;
			}
		}
		if (colon)
			port = colon + 1;
	}
	if (port) {
		size_t n = strlen(port);
		if (n < 1 || n > 5 || strspn(port, "0123456789") != n || port[0] == '0' ||
		    atol(port) > 65535)
			return false;
	}
	return true;
}

/* Hosts typed one a line: lower-case, without the port (org_host_key(),
 * the form org_hosts holds: a body is found by the name alone), blanks and
 * repeats dropped, joined with "\n"; a message for the first bad line. */
static const char *clean_hosts(arena_t *a, const char *typed, struct problem *errs)
{
	strbuf_t out;
	sb_init(&out, a);
	const char *s = unix_lines(a, typed);
	int line = 0, count = 0;
	while (*s) {
		line++;
		const char *end = strchr(s, '\n');
		size_t n = end ? (size_t)(end - s) : strlen(s);
		char *h = (char *)trim(a, arena_strndup(a, s, n));
		s += n + (end != NULL);
		if (!*h)
			continue;
		for (char *p = h; *p; p++)
			if (*p >= 'A' && *p <= 'Z')
				*p = (char)(*p - 'A' + 'a');
		if (!host_valid(h)) {
			add_err(errs, "hosts",
			        strlen(h) <= 60 && utf8_valid(h, strlen(h))
			            ? arena_printf(a, "Wiersz %d („%s”) nie jest nazwą hosta. Podaj nazwę, np. "
			                           "bip.urzad.gov.pl, albo nazwę z portem, np. localhost:8080 — "
			                           "po jednej w wierszu.", line, h)
			            : arena_printf(a, "Wiersz %d nie jest nazwą hosta. Podaj nazwę, np. "
			                           "bip.urzad.gov.pl, albo nazwę z portem, np. localhost:8080 — "
			                           "po jednej w wierszu.", line));
			return "";
		}
		char bare[ORG_HOST_KEY_LEN];
		if (org_host_key(h, bare))
			h = arena_strdup(a, bare);
		/* A repeat changes nothing: dropped. */
		if (out.data && strstr(arena_printf(a, "\n%s\n", out.data), arena_printf(a, "\n%s\n", h)))
			continue;
		if (++count > HOSTS_MAX) {
			add_err(errs, "hosts", arena_printf(a, "Podaj najwyżej %d nazw hostów.", HOSTS_MAX));
			return "";
		}
		if (out.data && out.len)
			sb_putc(&out, '\n');
		sb_puts(&out, h);
	}
	return out.data ? out.data : "";
}

static bool url_valid(const char *u)
{
	const char *rest = !strncmp(u, "https://", 8) ? u + 8 : !strncmp(u, "http://", 7) ? u + 7 : NULL;
	if (!rest || !*rest || *rest == '/')
		return false;
	for (const unsigned char *p = (const unsigned char *)u; *p; p++)
		if (*p <= ' ' || *p == 0x7f || *p == '"' || *p == '<' || *p == '>')
			return false;
	return true;
}

static bool days_valid(const char *v)
{
	size_t n = strlen(v);
	return n >= 1 && n <= 2 && strspn(v, "0123456789") == n && atoi(v) >= 1 && atoi(v) <= 60;
}

#define RETENTION_ROWS_MAX 100

static int by_class(const void *x, const void *y)
{
	const char *const *a = x, *const *b = y;
	return strcmp(*a, *b);
}

/* Retention periods typed as lines "CLASS YEARS" (the settings page's
 * table, one row a line): each class a JRWA class, once; years a whole
 * number from 1 to 100. Sorted by class, single blanks; empty lines
 * dropped; a message naming the first bad row. */
static const char *clean_retention(arena_t *a, const char *typed, struct problem *errs)
{
	const char *rows[RETENTION_ROWS_MAX];
	size_t n = 0;
	int line = 0;
	for (const char *s = typed; *s;) {
		const char *end = strchr(s, '\n');
		size_t len = end ? (size_t)(end - s) : strlen(s);
		const char *row = trim(a, arena_strndup(a, s, len));
		s += len + (end != NULL);
		line++;
		if (!*row)
			continue;
		char cls[16] = "", years[16] = "", extra[2] = "";
		int k = sscanf(row, "%15s %15s %1s", cls, years, extra);
		size_t yl = strlen(years);
		if (k != 2 || !law_casenum_class_valid(cls, NULL) || yl < 1 || yl > 3 ||
		    strspn(years, "0123456789") != yl || atoi(years) < 1 || atoi(years) > 100) {
			add_err(errs, "retention_years",
			        arena_printf(a, "Okresy przechowywania, wiersz %d: podaj klasę JRWA (od 1 do 4 "
			                        "cyfr, np. 1431) i liczbę lat od 1 do 100.", line));
			return "";
		}
		if (n == RETENTION_ROWS_MAX) {
			add_err(errs, "retention_years",
			        arena_printf(a, "Podaj najwyżej %d okresów przechowywania.", RETENTION_ROWS_MAX));
			return "";
		}
		rows[n++] = arena_printf(a, "%s %d", cls, atoi(years));
	}
	qsort(rows, n, sizeof rows[0], by_class);
	strbuf_t out;
	sb_init(&out, a);
	for (size_t i = 0; i < n; i++) {
		size_t cl = strcspn(rows[i], " ");
		if (i && !strncmp(rows[i - 1], rows[i], cl) && rows[i - 1][cl] == ' ') {
			add_err(errs, "retention_years",
			        arena_printf(a, "Okresy przechowywania: klasa %.*s występuje więcej niż raz.",
			                     (int)cl, rows[i]));
			return "";
		}
		sb_printf(&out, "%s%s", i ? "\n" : "", rows[i]);
	}
	return out.data ? out.data : "";
}

/* A date typed as "RRRR-MM-DD" or "DD.MM.RRRR" (a calendar's and a
 * Polish reader's), as "RRRR-MM-DD"; "" stays "" (the default). */
static const char *clean_date(arena_t *a, const struct admin_setting *s, const char *v,
                              struct problem *errs)
{
	if (!*v)
		return v;
	law_date_t d;
	int day, month, year, n = 0;
	bool ok = law_date_parse(v, &d);
	if (!ok && strlen(v) == 10 && sscanf(v, "%2d.%2d.%4d%n", &day, &month, &year, &n) == 3 &&
	    n == 10 && v[2] == '.' && v[5] == '.' && strspn(v, "0123456789.") == 10) {
		d = (law_date_t){year, month, day};
		ok = law_date_valid(d);
	}
	if (!ok || !law_date_in_range(d)) {
		add_err(errs, s->id,
		        setting_message(s) ? setting_message(s)
		                   : arena_printf(a, "%s: podaj datę w postaci RRRR-MM-DD, np. 2026-03-31, "
		                                     "albo zostaw pole puste.", s->label));
		return v;
	}
	char out[LAW_DATE_STRLEN];
	law_date_format(d, out);
	return arena_strdup(a, out);
}

static bool is_choice(const struct admin_setting *s, const char *v)
{
	for (const char *const *c = admin_setting_choices(s->id); c && *c; c++)
		if (!strcmp(*c, v))
			return true;
	return false;
}

/* One setting's typed value, cleaned; a message when it is wrong. */
static const char *clean_setting(arena_t *a, const struct admin_setting *s, const char *typed,
                                 struct problem *errs)
{
	const char *v = s->kind == ADMIN_LINES ? trim(a, unix_lines(a, typed ? typed : ""))
	                                       : trim(a, typed);
	switch (s->kind) {
	case ADMIN_TEXT:
	case ADMIN_LINES:
		check_text(a, s->id, s->label, v, s->max, s->required, s->kind == ADMIN_LINES, errs);
		break;
	case ADMIN_EMAIL:
		if (*v && (!users_email_valid(v) || !utf8_valid(v, strlen(v))))
			add_err(errs, s->id, setting_message(s) ? setting_message(s)
			                                : "Podaj poprawny adres e-mail urzędu, np. "
			                                  "sekretariat@urzad.gov.pl, albo zostaw pole puste.");
		break;
	case ADMIN_URL:
		if (*v && (!url_valid(v) || strlen(v) > (size_t)s->max))
			add_err(errs, s->id, setting_message(s) ? setting_message(s)
			                                : "Adres strony BIP musi zaczynać się od https:// (albo "
			                                  "http://), np. https://bip.urzad.gov.pl.");
		break;
	case ADMIN_DATE:
		return clean_date(a, s, v, errs);
	case ADMIN_CHOICE:
		if (!*v && !s->required && admin_setting_choices(s->id))
			v = admin_setting_choices(s->id)[0];
		if (!is_choice(s, v))
			add_err(errs, s->id, arena_printf(a, "%s: wybierz jedną z możliwości.", s->label));
		break;
	case ADMIN_HOSTS:
		return clean_hosts(a, v, errs);
	case ADMIN_RETENTION:
		return clean_retention(a, unix_lines(a, typed ? typed : ""), errs);
	case ADMIN_CLASS:
		if (!law_casenum_class_valid(v, NULL))
			add_err(errs, s->id,
			        arena_printf(a, "%s: podaj symbol klasyfikacyjny z wykazu akt, od 1 do 4 "
			                        "cyfr (np. 1431).", s->label));
		break;
	case ADMIN_BOOL:
		if (!s->required && !*v)
			v = "false";
		if (strcmp(v, "true") && strcmp(v, "false"))
			add_err(errs, s->id, arena_printf(a, "%s: wybierz jedną z możliwości.", s->label));
		break;
	case ADMIN_DAYS:
		if (!days_valid(v))
			add_err(errs, s->id, arena_printf(a, "%s: podaj liczbę dni od 1 do 60.", s->label));
		else
			v = arena_printf(a, "%d", atoi(v)); /* "07" is 7 */
		break;
	case ADMIN_LICENCE:
		/* Absent from a form: the default, as the column's. */
		if (!*v)
			v = HARVESTER_LICENCE_DEFAULT;
		if (!harvester_licence_valid(v)) {
			const char *list = harvester_licences[0];
			for (int i = 1; i < HARVESTER_NLICENCES; i++)
				list = arena_printf(a, "%s%s%s", list,
				                    i == HARVESTER_NLICENCES - 1 ? " albo " : ", ",
				                    harvester_licences[i]);
			add_err(errs, s->id,
			        arena_printf(a, "%s: wybierz jedną z licencji z listy: %s.", s->label, list));
		}
		break;
	case ADMIN_REMEDY:
		if (strcmp(v, "appeal") && strcmp(v, "reconsideration"))
			add_err(errs, s->id, "Wybierz środek zaskarżenia decyzji: odwołanie albo wniosek o "
			                     "ponowne rozpatrzenie sprawy.");
		break;
	}
	return v;
}

/* "SELECT col, ... FROM organisations WHERE id = $1" over the table; the
 * columns are the table's constants, never input. */
static const char *settings_select(arena_t *a, bool lock)
{
	strbuf_t sql;
	sb_init(&sql, a);
	sb_puts(&sql, "SELECT ");
	for (size_t i = 0; i < ADMIN_NSETTINGS; i++) {
		const struct admin_setting *s = &admin_settings[i];
		if (i)
			sb_puts(&sql, ", ");
		if (s->kind == ADMIN_HOSTS)
			sb_printf(&sql, "array_to_string(%s, E'\\n')", s->id);
		else if (s->kind == ADMIN_DATE)
			sb_printf(&sql, "coalesce(to_char(%s, 'YYYY-MM-DD'), '')", s->id);
		else if (s->kind == ADMIN_RETENTION)
			sb_printf(&sql, "(SELECT coalesce(string_agg(k || ' ' || v, E'\\n' ORDER BY k), '') "
			                "FROM jsonb_each_text(%s) AS e(k, v))", s->id);
		else
			sb_printf(&sql, "%s::text", s->id);
	}
	sb_puts(&sql, " FROM organisations WHERE id = $1");
	if (lock)
		sb_puts(&sql, " FOR UPDATE");
	return sql.data;
}

static const char *settings_update(arena_t *a)
{
	strbuf_t sql;
	sb_init(&sql, a);
	sb_puts(&sql, "UPDATE organisations SET ");
	for (size_t i = 0; i < ADMIN_NSETTINGS; i++) {
		const struct admin_setting *s = &admin_settings[i];
		int n = (int)i + 2;
		if (i)
			sb_puts(&sql, ", ");
		switch (s->kind) {
		case ADMIN_HOSTS:
			sb_printf(&sql, "%s = string_to_array($%d, E'\\n')", s->id, n);
			break;
		case ADMIN_BOOL:
			sb_printf(&sql, "%s = $%d::boolean", s->id, n);
			break;
		case ADMIN_DAYS:
			sb_printf(&sql, "%s = $%d::int", s->id, n);
			break;
		case ADMIN_DATE:
			sb_printf(&sql, "%s = nullif($%d, '')::date", s->id, n);
			break;
		case ADMIN_RETENTION:
			sb_printf(&sql, "%s = (SELECT coalesce(jsonb_object_agg(split_part(l, ' ', 1), "
			                "split_part(l, ' ', 2)::int), '{}') FROM unnest(string_to_array("
			                "nullif($%d, ''), E'\\n')) AS l)", s->id, n);
			break;
		default:
			sb_printf(&sql, "%s = $%d", s->id, n);
		}
	}
	sb_puts(&sql, " WHERE id = $1");
	return sql.data;
}

static enum db_status settings_read(PGconn *c, arena_t *a, long long org_id, bool lock,
                                    struct admin_values *out, bool *found)
{
	const char *p[1] = {id_text(a, org_id)};
	enum db_status st;
	PGresult *r = db_exec(c, &st, settings_select(a, lock), 1, p);
	*found = st == DB_OK && PQntuples(r) == 1;
	for (size_t i = 0; *found && i < ADMIN_NSETTINGS; i++)
		out->v[i] = arena_strdup(a, PQgetvalue(r, 0, (int)i));
	PQclear(r);
	return st;
}

enum outcome admin_settings_get(const struct svc_ctx *ctx, struct admin_values *out,
                                struct problem *p)
{
	PGconn *c = svc_conn(p);
	if (!c)
		return OUT_UNAVAILABLE;
	bool found = false;
	enum db_status st = settings_read(c, ctx->arena, ctx->who->org_id, false, out, &found);
	return st != DB_OK ? svc_outcome(st, p) : found ? OUT_OK : problem_set(p, OUT_NOT_FOUND, NULL, NULL);
}

enum outcome admin_overview(const struct svc_ctx *ctx, struct admin_overview *out,
                            struct problem *p)
{
	memset(out, 0, sizeof *out);
	struct admin_staff staff;
	struct admin_values v;
	if (admin_staff(ctx, 0, &staff, p) != OUT_OK || admin_settings_get(ctx, &v, p) != OUT_OK)
		return p ? p->outcome : OUT_ERROR;
	out->users = staff.nusers;
	out->units = staff.nunits;
	for (size_t i = 0; i < staff.nusers; i++)
		out->active += !staff.users[i].disabled;
	out->org_name = "";
	for (size_t i = 0; i < ADMIN_NSETTINGS; i++)
		if (!strcmp(admin_settings[i].id, "name"))
			out->org_name = v.v[i];
	return OUT_OK;
}

struct settings_ctx {
	const struct actor *who;
	const struct admin_values *v;
	arena_t *a;
	bool found;
	const char *taken; /* a host another body lists, when refused */
};

/* The index of the host names in admin_settings[]. */
static size_t hosts_setting(void)
{
	size_t i = 0;
	while (i < ADMIN_NSETTINGS - 1 && admin_settings[i].kind != ADMIN_HOSTS)
		i++;
	return i;
}

/* The first of `hosts` (lines) that another organisation lists, in
 * x->taken; DB_CONFLICT then. Which body lists it goes to the log only:
 * an administrator of one body is not told about another (there is no
 * role above the bodies' own administrators; the operator reads the log
 * and decides where a host belongs). org_hosts' primary key refuses the
 * host anyway, also when two bodies ask for it at once. */
static enum db_status hosts_free(PGconn *c, struct settings_ctx *x, const char *hosts)
{
	const char *p[2] = {hosts, id_text(x->a, x->who->org_id)};
	enum db_status st;
	PGresult *r = db_exec(c, &st,
	                      "SELECT h.host, o.slug, o.id FROM org_hosts h "
	                      "JOIN organisations o ON o.id = h.org_id "
	                      "WHERE h.host = ANY (string_to_array($1, E'\\n')) AND h.org_id <> $2 "
	                      "ORDER BY h.host LIMIT 1",
	                      2, p);
	if (st == DB_OK && PQntuples(r) == 1) {
		x->taken = arena_strdup(x->a, PQgetvalue(r, 0, 0));
		log_warn("organisation %lld (user %lld) asked for host %s, which organisation %s "
		         "(id %s) lists: refused",
		         x->who->org_id, x->who->user_id, x->taken, PQgetvalue(r, 0, 1),
		         PQgetvalue(r, 0, 2));
		st = DB_CONFLICT;
	}
	PQclear(r);
	return st;
}

static enum db_status settings_tx(PGconn *c, void *vctx)
{
	struct settings_ctx *x = vctx;
	struct admin_values old;
	enum db_status st = settings_read(c, x->a, x->who->org_id, true, &old, &x->found);
	if (st != DB_OK || !x->found)
		return st;
	size_t h = hosts_setting();
	if (strcmp(old.v[h], x->v->v[h]) != 0 && (st = hosts_free(c, x, x->v->v[h])) != DB_OK)
		return st;
	json_t *changes = json_object();
	const char *p[ADMIN_NSETTINGS + 1] = {id_text(x->a, x->who->org_id)};
	for (size_t i = 0; i < ADMIN_NSETTINGS; i++) {
		p[i + 1] = x->v->v[i];
		note_change(changes, admin_settings[i].id, old.v[i], x->v->v[i]);
	}
	if (!json_object_size(changes)) {
		json_decref(changes);
		return DB_OK;
	}
	st = db_run(c, settings_update(x->a), ADMIN_NSETTINGS + 1, p);
	if (st != DB_OK) {
		json_decref(changes);
		return st;
	}
	return event(c, x->who, "org_settings", json_pack("{s:o}", "changed", changes));
}

static const char *setting_value(const struct admin_values *v, const char *id)
{
	for (size_t i = 0; i < ADMIN_NSETTINGS; i++)
		if (!strcmp(admin_settings[i].id, id))
			return v->v[i];
	return "";
}

/* A body that accepts unsigned pleadings says on what ground: the note is
 * shown with every such pleading (KPA art. 63 §3 asks for a signature). */
static void check_unsigned_note(const struct admin_values *v, struct problem *errs)
{
	if (!strcmp(setting_value(v, "policy_unsigned_pleadings"), "true") &&
	    !*setting_value(v, "policy_unsigned_note"))
		add_err(errs, "policy_unsigned_note",
		        "Podaj podstawę prawną przyjmowania odwołań bez podpisu (nota prawna "
		        "pokazywana przy każdym takim piśmie), albo wybierz wezwanie do podpisania.");
}

/* The declaration's dates in their order, and who examined the site when
 * a third party did (art. 10 ust. 2 of the digital accessibility act: the
 * declaration says how it was prepared). Dates are "RRRR-MM-DD" or "". */
static void check_declaration(const struct admin_values *v, struct problem *errs)
{
	const char *pub = setting_value(v, "a11y_published_on"), *upd = setting_value(v, "a11y_updated_on");
	const char *prep = setting_value(v, "a11y_prepared_on"), *rev = setting_value(v, "a11y_reviewed_on");
	if (*pub && *upd && strcmp(upd, pub) < 0 && !problem_field_message(errs, "a11y_updated_on"))
		add_err(errs, "a11y_updated_on", "Data ostatniej istotnej aktualizacji nie może być "
		                                 "wcześniejsza niż data publikacji strony.");
	if (*prep && *rev && strcmp(rev, prep) < 0 && !problem_field_message(errs, "a11y_reviewed_on"))
		add_err(errs, "a11y_reviewed_on", "Data ostatniego przeglądu nie może być wcześniejsza "
		                                  "niż data sporządzenia deklaracji.");
	if (!strcmp(setting_value(v, "a11y_method"), "podmiot_zewnetrzny") &&
	    !*setting_value(v, "a11y_auditor"))
		add_err(errs, "a11y_auditor", "Podaj nazwę podmiotu zewnętrznego, który zbadał "
		                              "dostępność strony, albo wybierz samoocenę.");
}

int admin_setting_index(const char *id)
{
	for (size_t i = 0; id && i < ADMIN_NSETTINGS; i++)
		if (!strcmp(admin_settings[i].id, id))
			return (int)i;
	return -1;
}

const char *admin_setting_clean(arena_t *a, const char *id, const char *typed,
                                struct problem *errs)
{
	int i = admin_setting_index(id);
	return i < 0 ? NULL : clean_setting(a, &admin_settings[i], typed, errs);
}

enum outcome admin_settings_save(const struct svc_ctx *ctx, const struct admin_values *in,
                                 struct problem *p)
{
	problem_set(p, OUT_OK, NULL, NULL);
	struct problem local;
	if (!p)
		p = &local;
	struct admin_values v;
	for (size_t i = 0; i < ADMIN_NSETTINGS; i++)
		v.v[i] = clean_setting(ctx->arena, &admin_settings[i], in->v[i], p);
	check_unsigned_note(&v, p);
	check_declaration(&v, p);
	if (p->nfields)
		return OUT_INVALID;
	PGconn *c = svc_conn(p);
	if (!c)
		return OUT_UNAVAILABLE;
	struct settings_ctx x = {ctx->who, &v, ctx->arena, false, NULL};
	enum db_status st = settings_transaction(c, ctx->who, settings_tx, &x);
	if (st == DB_OK && !x.found)
		return problem_set(p, OUT_NOT_FOUND, NULL, NULL);
	/* Only host names are unique beyond one organisation. */
	if (st == DB_CONFLICT)
		return problem_field(p, "hosts",
		                     x.taken ? arena_printf(ctx->arena,
		                                            "Nazwa „%s” należy już do innego urzędu. Usuń "
		                                            "ją z listy albo poproś administratora "
		                                            "systemu o jej przeniesienie.", x.taken)
		                             : "Jedna z nazw należy już do innego urzędu. Usuń ją z "
		                               "listy albo poproś administratora systemu o jej "
		                               "przeniesienie.");
	return svc_outcome(st, p);
}

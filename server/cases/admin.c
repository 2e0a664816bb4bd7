#include "cases/admin.h"

#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases/auth.h"
#include "cases/store.h"
#include "cases/users.h"
#include "core/strbuf.h"
#include "db/changes.h"
#include "db/db.h"
#include "http/utf8.h"
#include "law/casenum.h"

#define NAME_MAX_CHARS 200
#define UNIT_NAME_MAX_CHARS 300
#define HOSTS_MAX 50
#define HOST_MAX 253

/* ---- Small helpers ---------------------------------------------------------- */

static void add_err(struct admin_errors *errs, const char *field, const char *message)
{
	if (errs->n < ADMIN_MAX_ERRORS) {
		errs->e[errs->n].field = field;
		errs->e[errs->n].message = message;
		errs->n++;
	}
}

static enum admin_result of_db(enum db_status st)
{
	return st == DB_OK ? ADMIN_OK : st == DB_UNAVAILABLE ? ADMIN_UNAVAILABLE : ADMIN_ERROR;
}

static const char *id_text(arena_t *a, long long id)
{
	return arena_printf(a, "%lld", id);
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
                       bool required, bool lines, struct admin_errors *errs)
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
/* A change to the organisations or units tables: what struct org holds
 * and this process keeps by host (cases/org.c). The triggers tell the
 * other processes; this one is told at once, so that the admin's next page
 * shows the change. */
static enum db_status settings_transaction(PGconn *c, db_tx_fn fn, void *ctx)
{
	enum db_status st = db_transaction(c, fn, ctx);
	if (st == DB_OK)
		changes_settings();
	return st;
}

static enum db_status event(PGconn *c, const struct admin_actor *who, const char *action,
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

enum admin_result admin_users(PGconn *c, arena_t *a, long long org_id, struct admin_user **rows,
                              size_t *n)
{
	*rows = NULL;
	*n = 0;
	const char *p[1] = {id_text(a, org_id)};
	enum db_status st;
	PGresult *r = db_exec(c, &st, USER_SELECT "WHERE u.org_id = $1 ORDER BY lower(u.email)", 1, p);
	if (st == DB_OK) {
		size_t count = (size_t)PQntuples(r);
		*rows = arena_calloc(a, count ? count : 1, sizeof **rows);
		for (size_t i = 0; i < count; i++)
			user_from_row(r, (int)i, a, &(*rows)[i]);
		*n = count;
	}
	PQclear(r);
	return of_db(st);
}

static enum admin_result user_get(PGconn *c, arena_t *a, long long org_id, long long id,
                                  bool lock, struct admin_user *out)
{
	const char *p[2] = {id_text(a, id), id_text(a, org_id)};
	enum db_status st;
	PGresult *r = db_exec(c, &st,
	                      lock ? USER_SELECT "WHERE u.id = $1 AND u.org_id = $2 FOR UPDATE OF u"
	                           : USER_SELECT "WHERE u.id = $1 AND u.org_id = $2",
	                      2, p);
	bool found = st == DB_OK && PQntuples(r) == 1;
	if (found)
		user_from_row(r, 0, a, out);
	PQclear(r);
	return st != DB_OK ? of_db(st) : found ? ADMIN_OK : ADMIN_NOT_FOUND;
}

enum admin_result admin_user_get(PGconn *c, arena_t *a, long long org_id, long long id,
                                 struct admin_user *out)
{
	return user_get(c, a, org_id, id, false, out);
}

static void check_password(const char *pw, struct admin_errors *errs)
{
	if (!utf8_valid(pw, strlen(pw)) || utf8_chars(pw) < AUTH_PASSWORD_MIN)
		add_err(errs, "password", "Hasło musi mieć co najmniej 12 znaków.");
	else if (strlen(pw) > AUTH_PASSWORD_MAX)
		add_err(errs, "password", "Hasło może mieć najwyżej 1024 bajty.");
}

static void check_role(const char *role, struct admin_errors *errs)
{
	if (!users_role_valid(role))
		add_err(errs, "role", "Wybierz rolę: urzędnik, kierownik albo administrator.");
}

static const char *const unit_unknown = "Wybierz komórkę organizacyjną z listy.";

/* The typed fields of an account, trimmed; messages for the bad ones. */
static struct admin_user_input clean_user(arena_t *a, const struct admin_user_input *in, bool adding,
                                          struct admin_errors *errs)
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

struct add_ctx {
	const struct admin_actor *who;
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
	const char *p0[1] = {id_text(x->a, x->who->org_id)};
	enum db_status st;
	const char *slug = first_value(c, x->a, &st, "SELECT slug FROM organisations WHERE id = $1", 1, p0);
	if (st != DB_OK || !slug)
		return st != DB_OK ? st : DB_ERROR;
	struct users_new nu = {
	    .email = x->u->email,
	    .org_slug = slug,
	    .role = x->u->role,
	    .name = x->u->name,
	    .position = x->u->position,
	    .unit_symbol = *x->u->unit ? x->u->unit : NULL,
	    .password_hash = x->hash,
	};
	switch (users_add(c, &nu)) {
	case USERS_OK:
		break;
	case USERS_NO_UNIT:
		x->no_unit = true;
		return DB_OK; /* nothing written */
	case USERS_DUPLICATE:
		return DB_CONFLICT;
	case USERS_UNAVAILABLE:
		return DB_UNAVAILABLE;
	default:
		return DB_ERROR;
	}
	const char *p1[2] = {x->u->email, p0[0]};
	const char *id = first_value(c, x->a, &st,
	                             "SELECT id FROM users WHERE lower(email) = lower($1) AND org_id = $2",
	                             2, p1);
	if (st != DB_OK || !id)
		return st != DB_OK ? st : DB_ERROR;
	x->id = atoll(id);
	return event(c, x->who, "user_add",
	             json_pack("{s:I, s:s, s:s, s:s, s:s, s:s}", "user_id", (json_int_t)x->id, "email",
	                       x->u->email, "name", x->u->name, "position", x->u->position, "role",
	                       x->u->role, "unit", x->u->unit));
}

enum admin_result admin_user_add(PGconn *c, arena_t *a, const struct admin_actor *who,
                                 const struct admin_user_input *in, struct admin_errors *errs,
                                 long long *id)
{
	struct admin_user_input u = clean_user(a, in, true, errs);
	if (errs->n)
		return ADMIN_INVALID;
	char hash[AUTH_HASH_LEN];
	if (!auth_password_hash(u.password, hash))
		return ADMIN_ERROR;
	struct add_ctx x = {who, &u, hash, a, false, 0};
	enum db_status st = db_transaction(c, add_tx, &x);
	sodium_memzero(hash, sizeof hash);
	if (st == DB_CONFLICT) {
		add_err(errs, "email", "Konto z tym adresem e-mail już istnieje.");
		return ADMIN_INVALID;
	}
	if (st == DB_OK && x.no_unit) {
		add_err(errs, "unit", unit_unknown);
		return ADMIN_INVALID;
	}
	if (st == DB_OK && id)
		*id = x.id;
	return of_db(st);
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
	const struct admin_actor *who;
	long long id;
	const struct admin_user_input *u; /* update */
	bool disabled;                    /* set_disabled */
	const char *hash;                 /* set_password */
	arena_t *a;
	enum admin_result res;
	const char *field, *message;
};

static void refuse(struct user_change_ctx *x, const char *field, const char *message)
{
	x->res = ADMIN_INVALID;
	x->field = field;
	x->message = message;
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
	x->res = user_get(c, x->a, x->who->org_id, x->id, true, &old);
	if (x->res != ADMIN_OK)
		return x->res == ADMIN_NOT_FOUND ? DB_OK : x->res == ADMIN_UNAVAILABLE ? DB_UNAVAILABLE : DB_ERROR;
	if (x->id == x->who->user_id && strcmp(x->u->role, "admin") != 0) {
		refuse(x, "role",
		       "Nie możesz odebrać sobie roli administratora. Poproś o to innego administratora.");
		return DB_OK;
	}
	enum db_status st;
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

static enum admin_result change_result(enum db_status st, struct user_change_ctx *x,
                                       struct admin_errors *errs)
{
	if (st != DB_OK)
		return of_db(st);
	if (x->res == ADMIN_INVALID)
		add_err(errs, x->field, x->message);
	return x->res;
}

enum admin_result admin_user_update(PGconn *c, arena_t *a, const struct admin_actor *who,
                                    long long id, const struct admin_user_input *in,
                                    struct admin_errors *errs)
{
	struct admin_user_input u = clean_user(a, in, false, errs);
	if (errs->n)
		return ADMIN_INVALID;
	struct user_change_ctx x = {.who = who, .id = id, .u = &u, .a = a};
	return change_result(db_transaction(c, update_tx, &x), &x, errs);
}

static enum db_status disable_tx(PGconn *c, void *vctx)
{
	struct user_change_ctx *x = vctx;
	struct admin_user old;
	x->res = user_get(c, x->a, x->who->org_id, x->id, true, &old);
	if (x->res != ADMIN_OK)
		return x->res == ADMIN_NOT_FOUND ? DB_OK : x->res == ADMIN_UNAVAILABLE ? DB_UNAVAILABLE : DB_ERROR;
	if (x->disabled && x->id == x->who->user_id) {
		refuse(x, "disabled",
		       "Nie możesz zablokować własnego konta. Poproś o to innego administratora.");
		return DB_OK;
	}
	if (old.disabled == x->disabled)
		return DB_OK;
	const char *p[2] = {id_text(x->a, x->id), x->disabled ? "true" : "false"};
	enum db_status st = db_run(c, "UPDATE users SET disabled = $2::boolean WHERE id = $1", 2, p);
	/* A disabled account is signed out everywhere at once. */
	if (st == DB_OK && x->disabled)
		st = end_sessions(c, x->a, x->id);
	if (st != DB_OK)
		return st;
	return event(c, x->who, x->disabled ? "user_disable" : "user_enable",
	             json_pack("{s:I, s:s}", "user_id", (json_int_t)x->id, "email", old.email));
}

enum admin_result admin_user_set_disabled(PGconn *c, arena_t *a, const struct admin_actor *who,
                                          long long id, bool disabled, struct admin_errors *errs)
{
	struct user_change_ctx x = {.who = who, .id = id, .disabled = disabled, .a = a};
	return change_result(db_transaction(c, disable_tx, &x), &x, errs);
}

static enum db_status password_tx(PGconn *c, void *vctx)
{
	struct user_change_ctx *x = vctx;
	struct admin_user old;
	x->res = user_get(c, x->a, x->who->org_id, x->id, true, &old);
	if (x->res != ADMIN_OK)
		return x->res == ADMIN_NOT_FOUND ? DB_OK : x->res == ADMIN_UNAVAILABLE ? DB_UNAVAILABLE : DB_ERROR;
	const char *p[2] = {id_text(x->a, x->id), x->hash};
	enum db_status st = db_run(c, "UPDATE users SET password_hash = $2 WHERE id = $1", 2, p);
	/* Whoever knew the old password is signed out. */
	if (st == DB_OK)
		st = end_sessions(c, x->a, x->id);
	if (st != DB_OK)
		return st;
	return event(c, x->who, "user_password",
	             json_pack("{s:I, s:s}", "user_id", (json_int_t)x->id, "email", old.email));
}

enum admin_result admin_user_set_password(PGconn *c, arena_t *a, const struct admin_actor *who,
                                          long long id, const char *password,
                                          struct admin_errors *errs)
{
	check_password(password ? password : "", errs);
	if (errs->n)
		return ADMIN_INVALID;
	char hash[AUTH_HASH_LEN];
	if (!auth_password_hash(password, hash))
		return ADMIN_ERROR;
	struct user_change_ctx x = {.who = who, .id = id, .hash = hash, .a = a};
	enum admin_result r = change_result(db_transaction(c, password_tx, &x), &x, errs);
	sodium_memzero(hash, sizeof hash);
	return r;
}

/* ---- Units ------------------------------------------------------------------ */

enum admin_result admin_units(PGconn *c, arena_t *a, long long org_id, struct admin_unit **rows,
                              size_t *n)
{
	*rows = NULL;
	*n = 0;
	const char *p[1] = {id_text(a, org_id)};
	enum db_status st;
	PGresult *r = db_exec(c, &st,
	                      "SELECT n.id, n.symbol, n.name, n.id = o.web_unit_id, "
	                      "(SELECT count(*) FROM users u WHERE u.unit_id = n.id) "
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
		}
		*rows = out;
		*n = count;
	}
	PQclear(r);
	return of_db(st);
}

static void check_unit_name(arena_t *a, const char *name, struct admin_errors *errs)
{
	check_text(a, "name", "Nazwa komórki", name, UNIT_NAME_MAX_CHARS, true, false, errs);
}

struct unit_ctx {
	const struct admin_actor *who;
	long long id;
	const char *symbol, *name;
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

enum admin_result admin_unit_add(PGconn *c, arena_t *a, const struct admin_actor *who,
                                 const char *symbol, const char *name, struct admin_errors *errs)
{
	struct unit_ctx x = {.who = who, .symbol = trim(a, symbol), .name = trim(a, name), .a = a};
	law_error_t why;
	if (!*x.symbol)
		add_err(errs, "symbol", "Podaj symbol komórki, np. BDG albo COMON-WI.");
	else if (!law_casenum_unit_valid(x.symbol, &why))
		add_err(errs, "symbol", arena_strdup(a, why.message));
	check_unit_name(a, x.name, errs);
	if (errs->n)
		return ADMIN_INVALID;
	enum db_status st = settings_transaction(c, unit_add_tx, &x);
	if (st == DB_CONFLICT) {
		add_err(errs, "symbol",
		        arena_printf(a, "Komórka o symbolu %s już istnieje.", x.symbol));
		return ADMIN_INVALID;
	}
	return of_db(st);
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

enum admin_result admin_unit_rename(PGconn *c, arena_t *a, const struct admin_actor *who,
                                    long long id, const char *name, struct admin_errors *errs)
{
	struct unit_ctx x = {.who = who, .id = id, .name = trim(a, name), .a = a};
	check_unit_name(a, x.name, errs);
	if (errs->n)
		return ADMIN_INVALID;
	enum db_status st = settings_transaction(c, unit_rename_tx, &x);
	if (st == DB_OK && !x.found)
		return ADMIN_NOT_FOUND;
	return of_db(st);
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

enum admin_result admin_set_web_unit(PGconn *c, arena_t *a, const struct admin_actor *who,
                                     long long id, struct admin_errors *errs)
{
	struct unit_ctx x = {.who = who, .id = id, .a = a};
	enum db_status st = settings_transaction(c, web_unit_tx, &x);
	if (st == DB_OK && !x.found) {
		add_err(errs, "web_unit", unit_unknown);
		return ADMIN_INVALID;
	}
	return of_db(st);
}

/* ---- Organisation settings -------------------------------------------------- */

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
    {"policy_reuse_defects_call", ADMIN_BOOL, 0, true, "Braki wniosku o ponowne wykorzystywanie"},
    {"policy_clarification_days", ADMIN_DAYS, 0, true, "Termin na doprecyzowanie wniosku"},
    {"policy_interest_days", ADMIN_DAYS, 0, true, "Termin na wykazanie interesu publicznego"},
    {"policy_interest_keeps_running", ADMIN_BOOL, 0, true, "Termin po wezwaniu do wykazania interesu publicznego"},
    {"letterhead", ADMIN_LINES, 2000, false, "Nagłówek pism"},
    {"signer_name", ADMIN_TEXT, 200, false, "Podpisujący pisma — imię i nazwisko"},
    {"signer_position", ADMIN_TEXT, 200, false, "Podpisujący pisma — stanowisko"},
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

/* Hosts typed one a line: lower-case, blanks and repeats dropped, joined
 * with "\n"; a message for the first bad line. */
static const char *clean_hosts(arena_t *a, const char *typed, struct admin_errors *errs)
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

/* One setting's typed value, cleaned; a message when it is wrong. */
static const char *clean_setting(arena_t *a, const struct admin_setting *s, const char *typed,
                                 struct admin_errors *errs)
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
			add_err(errs, s->id, "Podaj poprawny adres e-mail urzędu, np. "
			                     "sekretariat@urzad.gov.pl, albo zostaw pole puste.");
		break;
	case ADMIN_URL:
		if (*v && (!url_valid(v) || strlen(v) > (size_t)s->max))
			add_err(errs, s->id, "Adres strony BIP musi zaczynać się od https:// (albo "
			                     "http://), np. https://bip.urzad.gov.pl.");
		break;
	case ADMIN_HOSTS:
		return clean_hosts(a, v, errs);
	case ADMIN_CLASS:
		if (!law_casenum_class_valid(v, NULL))
			add_err(errs, s->id,
			        arena_printf(a, "%s: podaj symbol klasyfikacyjny z wykazu akt, od 1 do 4 "
			                        "cyfr (np. 1431).", s->label));
		break;
	case ADMIN_BOOL:
		if (strcmp(v, "true") && strcmp(v, "false"))
			add_err(errs, s->id, arena_printf(a, "%s: wybierz jedną z możliwości.", s->label));
		break;
	case ADMIN_DAYS:
		if (!days_valid(v))
			add_err(errs, s->id, arena_printf(a, "%s: podaj liczbę dni od 1 do 60.", s->label));
		else
			v = arena_printf(a, "%d", atoi(v)); /* "07" is 7 */
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

enum admin_result admin_settings_get(PGconn *c, arena_t *a, long long org_id,
                                     struct admin_values *out)
{
	bool found = false;
	enum db_status st = settings_read(c, a, org_id, false, out, &found);
	return st != DB_OK ? of_db(st) : found ? ADMIN_OK : ADMIN_NOT_FOUND;
}

struct settings_ctx {
	const struct admin_actor *who;
	const struct admin_values *v;
	arena_t *a;
	bool found;
};

static enum db_status settings_tx(PGconn *c, void *vctx)
{
	struct settings_ctx *x = vctx;
	struct admin_values old;
	enum db_status st = settings_read(c, x->a, x->who->org_id, true, &old, &x->found);
	if (st != DB_OK || !x->found)
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

enum admin_result admin_settings_save(PGconn *c, arena_t *a, const struct admin_actor *who,
                                      const struct admin_values *in, struct admin_errors *errs)
{
	struct admin_values v;
	for (size_t i = 0; i < ADMIN_NSETTINGS; i++)
		v.v[i] = clean_setting(a, &admin_settings[i], in->v[i], errs);
	if (errs->n)
		return ADMIN_INVALID;
	struct settings_ctx x = {who, &v, a, false};
	enum db_status st = settings_transaction(c, settings_tx, &x);
	if (st == DB_OK && !x.found)
		return ADMIN_NOT_FOUND;
	return of_db(st);
}

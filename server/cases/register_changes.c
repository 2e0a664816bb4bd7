/* SPDX-License-Identifier: EUPL-1.2 */
/* The BIP change register ("Rejestr zmian") of the pages the system
 * composes from a body's settings (issue 23 part 3): the home page, the
 * filing form, the procedure, the accessibility declaration, the
 * register's list and statistics. Their first publication is the body's
 * creation; each later version is a change of the settings the page shows,
 * as the audit trail records it (event org_settings), read through the
 * view register_settings_changes (migration 0052), which gives the public
 * role the time, who, and the keys of the changed settings, never their
 * values. What a page's register holds is kept in memory under the body's
 * tag, so a page view reads nothing while the settings stay as they are,
 * and a change (which drops the tag) shows at once. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases/admin.h"
#include "cases/register_query.h"
#include "cases/service.h"
#include "core/cache.h"
#include "core/strbuf.h"

/* The settings each page shows (read in its templates: the body's name in
 * the BIP metadata of every one, the rest in the page's text); the
 * declaration names the body's e-mail and phone as its default contact
 * (cases/accessibility.c). */
static const char *const shown_home[] = {"name", NULL};
static const char *const shown_form[] = {"name", "address", "email", "phone", "dpo_contact",
                                         "privacy_recipients", "class_public", "class_reuse",
                                         "retention_years", NULL};
static const char *const shown_procedure[] = {"name", "address", "email", "phone", "bip_url",
                                              "policy_remedy", "appeal_body",
                                              "public_authority", NULL};
static const char *const shown_declaration[] = {
    "name",           "address",           "email",
    "phone",          "a11y_url",          "a11y_published_on",
    "a11y_updated_on", "a11y_status",      "a11y_nonaccessible",
    "a11y_exemption", "a11y_burden_url",   "a11y_prepared_on",
    "a11y_reviewed_on", "a11y_method",     "a11y_auditor",
    "a11y_contact_name", "a11y_contact_email", "a11y_contact_phone",
    "a11y_architecture", "a11y_apps",      NULL};

static const struct {
	const char *id; /* of the kept copy's key */
	const char *const *shown;
} bip_pages[] = {
    [BIP_PAGE_NONE] = {"", NULL},
    [BIP_PAGE_HOME] = {"home", shown_home},
    [BIP_PAGE_FORM] = {"form", shown_form},
    [BIP_PAGE_PROCEDURE] = {"procedure", shown_procedure},
    [BIP_PAGE_DECLARATION] = {"declaration", shown_declaration},
    [BIP_PAGE_REGISTER] = {"register", shown_home},
};

const char *const *register_bip_shown(enum bip_page page)
{
	return page > BIP_PAGE_NONE && page <= BIP_PAGE_REGISTER ? bip_pages[page].shown : NULL;
}

/* The changes of the settings `shown`, newest first (all but the first
 * publication: BIP_CHANGES_SHOWN - 1), each with the keys among them it
 * changed, and how many there are in all: $1 the body, $2 the keys as an
 * array literal, $3 how many rows. */
static const char changes_sql[] =
    "SELECT count(*) OVER (), "
    "to_char(at AT TIME ZONE 'Europe/Warsaw', 'DD.MM.YYYY HH24:MI'), "
    "(extract(epoch FROM at) * 1000000)::bigint, who, "
    "array_to_json(ARRAY(SELECT k FROM unnest(keys) AS k WHERE k = ANY ($2::text[]))) "
    "FROM register_settings_changes WHERE org_id = $1 AND keys && $2::text[] "
    "ORDER BY id DESC LIMIT $3";

/* `shown` as an array literal: the keys are this file's constants. */
static const char *keys_literal(arena_t *a, const char *const *shown)
{
	strbuf_t s;
	sb_init(&s, a);
	sb_putc(&s, '{');
	for (size_t i = 0; shown[i]; i++)
		sb_printf(&s, "%s%s", i ? "," : "", shown[i]);
	sb_putc(&s, '}');
	return s.data;
}

/* The kept form: {"count": N, "rows": [{"at", "us", "who", "keys"}]}. */
static enum db_status changes_query(PGconn *c, arena_t *a, long long org_id,
                                    const char *const *shown, json_t **out)
{
	*out = NULL;
	struct db_params p = {.n = 0};
	db_param_int(&p, org_id);
	db_param(&p, keys_literal(a, shown));
	db_param_int(&p, BIP_CHANGES_SHOWN - 1);
	enum db_status st;
	PGresult *r = db_exec(c, &st, changes_sql, p.n, p.v);
	if (st == DB_OK) {
		json_t *rows = json_array();
		long long count = 0;
		for (int i = 0; i < PQntuples(r); i++) {
			count = atoll(PQgetvalue(r, i, 0));
			json_t *keys = json_loads(PQgetvalue(r, i, 4), 0, NULL);
			json_array_append_new(
			    rows, json_pack("{s:s, s:I, s:s, s:o}", "at", PQgetvalue(r, i, 1), "us",
			                    (json_int_t)atoll(PQgetvalue(r, i, 2)), "who",
			                    PQgetvalue(r, i, 3), "keys", keys ? keys : json_array()));
		}
		*out = json_pack("{s:I, s:o}", "count", (json_int_t)count, "rows", rows);
		if (!*out)
			st = DB_ERROR;
	}
	PQclear(r);
	return st;
}

/* `label` with its first letter in lower case, as it reads inside a
 * sentence ("Telefon" -> "telefon", "Środek ..." -> "środek ..."): an
 * ASCII capital, or one of the Polish capitals of Latin Extended-A, whose
 * small letter is the next code point (Ó's is 0x20 on). */
static const char *lower_first(arena_t *a, const char *label)
{
	char *s = arena_strdup(a, label);
	unsigned char *u = (unsigned char *)s;
	if (u[0] >= 'A' && u[0] <= 'Z')
		u[0] = (unsigned char)(u[0] - 'A' + 'a');
	else if (u[0] == 0xC3 && u[1] == 0x93) /* Ó */
		u[1] = 0xB3;
	else if ((u[0] == 0xC4 && (u[1] == 0x84 || u[1] == 0x86 || u[1] == 0x98)) || /* Ą Ć Ę */
	         (u[0] == 0xC5 && (u[1] == 0x81 || u[1] == 0x83 || u[1] == 0x9A || /* Ł Ń Ś */
	                           u[1] == 0xB9 || u[1] == 0xBB)))                 /* Ź Ż */
		u[1]++;
	return s;
}

/* "Zmiana ustawień: nazwa urzędu, telefon": the labels of the settings page
 * (admin_settings[]) of `keys`, in its order. */
static const char *change_title(arena_t *a, const json_t *keys)
{
	strbuf_t s;
	sb_init(&s, a);
	sb_puts(&s, "Zmiana ustawień: ");
	int n = 0;
	for (size_t i = 0; i < ADMIN_NSETTINGS; i++) {
		size_t k;
		json_t *key;
		json_array_foreach(keys, k, key)
		{
			const char *id = json_string_value(key);
			if (id && !strcmp(id, admin_settings[i].id)) {
				sb_printf(&s, "%s%s", n++ ? ", " : "", lower_first(a, admin_settings[i].label));
				break;
			}
		}
	}
	return n ? s.data : "Zmiana ustawień";
}

/* The page's rows from the kept form: the changes, newest first, then the
 * first publication (the body's creation, version 1). */
static void changes_from_doc(arena_t *a, const struct org *org, const json_t *doc,
                             struct bip_changes *out)
{
	memset(out, 0, sizeof *out);
	out->read = true;
	out->changes = json_integer_value(json_object_get(doc, "count"));
	const json_t *rows = json_object_get(doc, "rows");
	size_t i;
	json_t *row;
	json_array_foreach(rows, i, row)
	{
		if (out->n == BIP_CHANGES_SHOWN - 1)
			break;
		struct bip_version *v = &out->rows[out->n++];
		v->title = change_title(a, json_object_get(row, "keys"));
		v->version = arena_printf(a, "%lld", out->changes + 1 - (long long)i);
		v->date = arena_strdup(a, json_string_value(json_object_get(row, "at")));
		v->who = arena_strdup(a, json_string_value(json_object_get(row, "who")));
		if (i == 0) {
			out->changed_at = v->date;
			out->changed_us = json_integer_value(json_object_get(row, "us"));
		}
	}
	if (!out->changed_at)
		out->changed_at = "";
	/* Bodies are set up by the operator (`jawnosc org add`, the demo's
	 * seed), not by a staff account. */
	out->rows[out->n++] = (struct bip_version){"Pierwsza publikacja", "1",
	                                           org->created ? org->created : "",
	                                           "administrator systemu"};
}

static const char *kept_key(arena_t *a, long long org_id, enum bip_page page)
{
	return arena_printf(a, "B %s %lld", bip_pages[page].id, org_id);
}

enum db_status register_changes_read(PGconn *c, arena_t *a, const struct org *org,
                                     enum bip_page page, uint64_t mark, struct bip_changes *out)
{
	memset(out, 0, sizeof *out);
	const char *const *shown = register_bip_shown(page);
	if (!shown)
		return DB_OK;
	const char *key = kept_key(a, org->id, page);
	json_t *doc = cache_get_json(key);
	enum db_status st = DB_OK;
	if (!doc) {
		st = register_open(c);
		if (st == DB_OK)
			st = changes_query(c, a, org->id, shown, &doc);
		if (st == DB_OK)
			org_keep_json(key, org->id, mark, doc);
	}
	if (st == DB_OK)
		changes_from_doc(a, org, doc, out);
	json_decref(doc);
	return st;
}

enum outcome register_bip_changes(const struct svc_ctx *ctx, const struct org *org,
                                  enum bip_page page, struct bip_changes *out, struct problem *p)
{
	memset(out, 0, sizeof *out);
	uint64_t mark = cache_mark();
	/* What arrived first makes the kept copies stale. */
	cache_sync();
	if (!register_bip_shown(page))
		return OUT_OK;
	json_t *kept = cache_get_json(kept_key(ctx->arena, org->id, page));
	if (kept) {
		changes_from_doc(ctx->arena, org, kept, out);
		json_decref(kept);
		return OUT_OK;
	}
	PGconn *c = db_conn_replica();
	if (!c)
		return problem_set(p, OUT_UNAVAILABLE, NULL, NULL);
	enum db_status st = register_changes_read(c, ctx->arena, org, page, mark, out);
	long long none;
	if (st == DB_OK)
		st = register_end(c, org->id, NULL, &none);
	else
		register_abort(c);
	if (st != DB_OK) {
		memset(out, 0, sizeof *out);
		return svc_outcome(st, p);
	}
	return OUT_OK;
}

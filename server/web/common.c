/* SPDX-License-Identifier: EUPL-1.2 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases/context.h"
#include "cases/org.h"
#include "cases/register.h"
#include "cases/secret.h"
#include "core/clock.h"
#include "core/config.h"
#include "http/cookie.h"
#include "http/server.h"
#include "web/outcome.h"
#include "web/web.h"

#define CSRF_COOKIE "jw_form"

void web_ctx(http_req_t *req, struct svc_ctx *ctx, struct actor *who)
{
	const struct web_user *u = web_user(req);
	if (u)
		*who = (struct actor){u->member.id, u->member.org_id, u->member.unit_id,
		                      u->member.role, u->member.name};
	*ctx = (struct svc_ctx){req->arena, NULL, u ? who : NULL, clock_now()};
}

bool web_org(http_req_t *req, struct org *out)
{
	struct svc_ctx ctx;
	struct actor who;
	web_ctx(req, &ctx, &who);
	struct problem p;
	if (org_for_request(&ctx, http_header(req, "Host"), out, &p) == OUT_OK)
		return true;
	web_fail(req, &p);
	return false;
}

bool web_org_by_id(http_req_t *req, long long id, struct org *out)
{
	struct svc_ctx ctx;
	struct actor who;
	web_ctx(req, &ctx, &who);
	struct problem p;
	if (org_get(&ctx, id, out, &p) == OUT_OK)
		return true;
	web_fail(req, &p);
	return false;
}

const char *web_url_encode(http_req_t *req, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	strbuf_t sb;
	sb_init(&sb, req->arena);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    *p == '-' || *p == '_' || *p == '.' || *p == '~') {
			sb_putc(&sb, (char)*p);
		} else {
			sb_putc(&sb, '%');
			sb_putc(&sb, hex[*p >> 4]);
			sb_putc(&sb, hex[*p & 15]);
		}
	}
	return sb.data ? sb.data : "";
}

const char *web_base_url(void)
{
	static char url[512];
	static bool done;
	/* Computed once the server listens (the port may have been 0); a
	 * benign race computes the same string. */
	if (!done) {
		if (cfg.base_url && cfg.base_url[0]) {
			snprintf(url, sizeof url, "%s", cfg.base_url);
			size_t n = strlen(url);
			while (n && url[n - 1] == '/')
				url[--n] = '\0';
		} else {
			char host[256];
			snprintf(host, sizeof host, "%s", cfg.listen);
			char *colon = strrchr(host, ':');
			if (colon)
				*colon = '\0';
			snprintf(url, sizeof url, "http://%s:%u", host, http_server_port());
		}
		done = true;
	}
	return url;
}

const char *web_org_base_url(arena_t *a, const struct org *o)
{
	return org_base_url(a, web_base_url(), o);
}

enum outcome web_idempotency_key(http_req_t *req, const char **key, struct problem *p)
{
	const char *k = *key = http_header(req, "Idempotency-Key");
	if (!k)
		return OUT_OK;
	size_t n = strlen(k);
	bool ok = n >= 8 && n <= 64;
	for (; ok && *k; k++)
		ok = (*k >= 'a' && *k <= 'z') || (*k >= 'A' && *k <= 'Z') || (*k >= '0' && *k <= '9') ||
		     *k == '-' || *k == '_';
	return ok ? OUT_OK
	          : problem_set(p, OUT_MALFORMED,
	                        "Idempotency-Key: od 8 do 64 znaków A-Z, a-z, 0-9, - i _.", NULL);
}

long long web_id_param(http_req_t *req, const char *name)
{
	const char *s = http_param(req, name);
	char *end;
	long long id = s && *s ? strtoll(s, &end, 10) : 0;
	return s && *s && !*end && id > 0 && id < 1000000000000LL ? id : 0;
}

const char *web_random_id(http_req_t *req)
{
	unsigned char b[16];
	randombytes_buf(b, sizeof b);
	char *hex = arena_alloc(req->arena, 33);
	sodium_bin2hex(hex, 33, b, sizeof b);
	return hex;
}

bool web_is_random_id(const char *s)
{
	if (!s || strlen(s) != 32)
		return false;
	for (; *s; s++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
			return false;
	return true;
}

const char *web_csrf_token(http_req_t *req)
{
	const char *cookie = http_cookie(req, CSRF_COOKIE);
	if (!web_is_random_id(cookie)) {
		cookie = web_random_id(req);
		const char *set = cookie_format(req->arena, CSRF_COOKIE, cookie, -1,
		                                strncmp(web_base_url(), "https:", 6) == 0);
		if (set)
			http_add_header(req, "Set-Cookie", set);
	}
	char *tok = arena_alloc(req->arena, HMAC_HEX_LEN + 1);
	secret_hmac_hex("csrf", cookie, tok);
	return tok;
}

bool web_csrf_ok(http_req_t *req, const char *posted)
{
	const char *cookie = http_cookie(req, CSRF_COOKIE);
	return web_is_random_id(cookie) && secret_hmac_verify("csrf", cookie, posted);
}

void web_bip_changes(json_t *bip, const struct bip_changes *ch)
{
	if (!bip || !ch || !ch->read)
		return;
	json_t *rows = json_array();
	for (int i = 0; i < ch->n; i++)
		json_array_append_new(rows, json_pack("{s:s, s:s, s:s, s:s}", "title", ch->rows[i].title,
		                                      "version", ch->rows[i].version, "date",
		                                      ch->rows[i].date, "who", ch->rows[i].who));
	json_object_set_new(bip, "versions", rows);
	json_object_set_new(bip, "has_versions", json_boolean(ch->n > 0));
	if (ch->changed_at && *ch->changed_at)
		json_object_set_new(bip, "changed_at", json_string(ch->changed_at));
}

json_t *web_bip_composed(const struct org *o, const char *entered_by,
                         const struct bip_changes *ch)
{
	json_t *bip = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:b}", "publisher", o->name,
	                        "producer", o->name, "responsible", "", "entered_by", entered_by,
	                        "produced_at", "", "published_at", o->created, "has_versions", 0);
	web_bip_changes(bip, ch);
	return bip;
}

/* SPDX-License-Identifier: EUPL-1.2 */
#include "web/scache.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases/org.h"
#include "core/cache.h"
#include "core/log.h"
#include "law/warsaw.h"
#include "render/tmpl.h"
#include "web/web.h"

/* A kept page in one block: its title, then its content without the
 * hole's mark, each NUL-terminated. */
struct kept {
	size_t title_len;
	size_t len;    /* of the content */
	size_t before; /* bytes of the content before the hole (len: no hole) */
	char data[];
};

static const char *kept_content(const struct kept *k)
{
	return k->data + k->title_len + 1;
}

/* The copy of a page drawn: `content` with the first SCACHE_HOLE cut out. */
static struct kept *kept_of(const char *title, const char *content, size_t len, size_t *size)
{
	static const char mark[] = SCACHE_HOLE;
	const size_t mlen = sizeof mark - 1;
	const char *at = content ? memmem(content, len, mark, mlen) : NULL;
	size_t tlen = strlen(title), clen = at ? len - mlen : len;
	*size = sizeof(struct kept) + tlen + 1 + clen + 1;
	struct kept *k = xmalloc(*size);
	k->title_len = tlen;
	k->len = clen;
	k->before = at ? (size_t)(at - content) : clen;
	memcpy(k->data, title, tlen + 1);
	char *c = k->data + tlen + 1;
	if (at) {
		memcpy(c, content, k->before);
		memcpy(c + k->before, at + mlen, len - k->before - mlen);
	} else if (len) {
		memcpy(c, content, len);
	}
	c[clen] = '\0';
	return k;
}

struct filled {
	const struct kept *k;
	const char *hole;
};

/* The layout's content: the copy, with the hole filled for this request. */
static bool write_kept(strbuf_t *out, void *arg, char *err, size_t errlen)
{
	(void)err;
	(void)errlen;
	const struct filled *f = arg;
	const char *c = kept_content(f->k);
	sb_append(out, c, f->k->before);
	if (f->k->before < f->k->len) {
		sb_puts(out, f->hole);
		sb_append(out, c + f->k->before, f->k->len - f->k->before);
	}
	return true;
}

/* The page for this request: the layout, with the member's header, drawn
 * around the copy, into one buffer of the right size. */
static void send_kept(http_req_t *req, const struct kept *k, const char *hole)
{
	json_t *ctx = json_object();
	json_object_set_new(ctx, "title", json_stringn(k->data, k->title_len));
	web_page_common(ctx);
	web_page_user(req, ctx);
	struct filled f = {k, hole ? hole : ""};
	strbuf_t out;
	sb_init(&out, req->arena);
	/* The layout is a few kB. */
	sb_reserve(&out, k->len + strlen(f.hole) + 8192);
	char err[256];
	bool ok = tmpl_render_layout(web_templates(), "pages/layout", ctx, write_kept, &f, &out, err,
	                             sizeof err);
	json_decref(ctx);
	if (!ok)
		web_render_failed(req, "layout", err);
	else
		http_respond(req, 200, "text/html; charset=utf-8", out.data, out.len);
}

const char *scache_key(http_req_t *req, const struct svc_ctx *ctx, long long unit,
                       long long personal, const struct pcache_param *params, size_t n)
{
	law_date_t today = LAW_DATE_NONE;
	char day[LAW_DATE_STRLEN] = "";
	if (law_warsaw_date(ctx->now, &today))
		law_date_format(today, day);
	return arena_printf(req->arena, "S %lld %lld %s %lld %s", ctx->who->org_id, unit, day,
	                    personal, pcache_address(req, params, n));
}

bool scache_serve(http_req_t *req, const char *key, long long org_id, const char *hole,
                  struct scache_fill *fill)
{
	*fill = (struct scache_fill){key, org_id, 0};
	/* Another process's change committed just before counts; and the mark
	 * comes before anything the miss reads. */
	cache_sync();
	fill->mark = cache_mark();
	struct cache_hit hit;
	if (!cache_get(key, &hit))
		return false;
	send_kept(req, hit.value, hole);
	cache_release(&hit);
	return true;
}

void scache_render(http_req_t *req, const char *page, json_t *ctx, const struct scache_fill *fill,
                   const char *hole)
{
	if (!ctx)
		ctx = json_object();
	web_page_common(ctx);
	/* Shared by every member of the scope: nothing of the one asking. */
	json_object_del(ctx, "user");
	strbuf_t content;
	sb_init(&content, NULL);
	char name[128], err[256];
	snprintf(name, sizeof name, "pages/%s", page);
	bool ok = tmpl_render(web_templates(), name, ctx, &content, err, sizeof err);
	size_t size = 0;
	struct kept *k = NULL;
	const char *title = json_string_value(json_object_get(ctx, "title"));
	if (ok)
		k = kept_of(title ? title : "Jawność", content.data, content.len, &size);
	json_decref(ctx);
	sb_free(&content);
	if (!ok) {
		web_render_failed(req, page, err);
		return;
	}
	send_kept(req, k, hole);
	char tag[ORG_TAG_LEN];
	if (fill && fill->key && fill->org_id > 0)
		cache_put(fill->key, org_tag(tag, fill->org_id), fill->mark, org_kept_ttl(), k, size,
		          free);
	else
		free(k);
}

const char *scache_part(http_req_t *req, const char *part, json_t *ctx)
{
	strbuf_t sb;
	sb_init(&sb, req->arena);
	char err[256];
	bool ok = tmpl_render(web_templates(), part, ctx, &sb, err, sizeof err);
	json_decref(ctx);
	if (!ok) {
		log_error("rendering %s: %s", part, err);
		return NULL;
	}
	return sb.data ? sb.data : "";
}

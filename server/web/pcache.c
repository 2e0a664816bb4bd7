/* SPDX-License-Identifier: EUPL-1.2 */
#include "web/pcache.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases/org.h"
#include "cases/register.h"
#include "core/log.h"
#include "core/cache.h"
#include "core/clock.h"
#include "core/gzip.h"
#include "http/accept.h"
#include "http/conditional.h"
#include "web/web.h"

/* A whole response, in one block: the strings and the compressed body
 * (text.z) follow the struct. The body's gap, when it has one, is where
 * the visit count goes. */
struct page {
	long long org;
	const char *content_type, *etag, *cache_control, *visit_path; /* in the block, or NULL */
	const char *headers; /* "Name: value\n" each, in the block, or NULL */
	time_t last_modified;
	int64_t until; /* clock_now() at which it goes */
	long long visits_base;
	atomic_llong hits;
	struct gzip_text text;
	char block[];
};

bool pcache_on(void)
{
	return cache_on();
}

/* A request's way through: whether its client takes gzip, the key
 * pcache_serve() missed (NULL: nothing is kept for this request), and
 * what pcache_keep() said about the page. */
struct fill {
	bool gzip;
	const char *key;
	bool keep;
	long long org;
	uint64_t mark;
	const char *visit_path, *etag, *cache_control;
	long long visits;
	time_t last_modified;
	strbuf_t headers;
};

static int by_name(const void *a, const void *b)
{
	const struct pcache_param *x = a, *y = b;
	return strcmp(x->name, y->name);
}

const char *pcache_address(http_req_t *req, const struct pcache_param *params, size_t n)
{
	strbuf_t sb;
	sb_init(&sb, req->arena);
	const route_match_t *m = &req->match;
	sb_puts(&sb, m->route && m->route->name ? m->route->name : req->path);
	for (int i = 0; i < m->nparams; i++)
		sb_printf(&sb, " %s=%s", m->names[i], web_url_encode(req, m->values[i]));
	struct pcache_param *sorted = arena_alloc(req->arena, (n ? n : 1) * sizeof *sorted);
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (params[i].value && *params[i].value)
			sorted[k++] = params[i];
	qsort(sorted, k, sizeof *sorted, by_name);
	for (size_t i = 0; i < k; i++)
		sb_printf(&sb, "%s%s=%s", i ? "&" : " ?", sorted[i].name,
		          web_url_encode(req, sorted[i].value));
	return sb.data;
}

static const char *response_key(http_req_t *req, const char *address)
{
	const char *host = http_header(req, "Host");
	return arena_printf(req->arena, "R %s %s", host ? host : "", address);
}

/* The tag of the gzip copy of a page whose plain copy has `etag`
 * ("W/\"x\"" gives "W/\"x-gz\""): the two copies are not the same bytes
 * (RFC 9110 §8.8.3.3). */
static const char *gz_etag(http_req_t *req, const char *etag)
{
	size_t n = etag ? strlen(etag) : 0;
	if (!n || etag[n - 1] != '"')
		return etag;
	return arena_printf(req->arena, "%.*s-gz\"", (int)(n - 1), etag);
}

/* Adds the headers a copy carries to the response. */
static void add_headers(http_req_t *req, const char *h)
{
	while (h && *h) {
		const char *colon = strchr(h, ':'), *nl = strchr(h, '\n');
		if (!colon || !nl || colon > nl)
			break;
		const char *v = colon + 1 + (colon[1] == ' ');
		http_add_header(req, arena_strndup(req->arena, h, (size_t)(colon - h)),
		                arena_strndup(req->arena, v, (size_t)(nl - v)));
		h = nl + 1;
	}
}

const char *pcache_etag(http_req_t *req, const char *etag)
{
	const struct fill *f = req->keep;
	if (!etag || !f || !f->gzip)
		return etag;
	return gz_etag(req, etag);
}

/* Sends the 200 of `t` with `count` in its gap: as it is kept to a client
 * that takes gzip, decompressed for another (and for one whose copy's
 * gap no longer fits the count: then with the tag `plain_etag`). When the
 * client's copy is current (`etag` given), 304 instead. */
static void send_text(http_req_t *req, bool gzip, const char *ctype, const struct gzip_text *t,
                      const char *count, const char *plain_etag, time_t last_modified,
                      const char *cache_control, bool conditional)
{
	size_t n = count ? strlen(count) : 0;
	gzip = gzip && gzip_fits(t, n);
	if (conditional) {
		const char *etag = gzip ? gz_etag(req, plain_etag) : plain_etag;
		if (http_fresh(req, etag, last_modified, cache_control)) {
			http_respond_not_modified(req);
			return;
		}
	}
	size_t len;
	if (gzip) {
		const unsigned char *gz = gzip_member(req->arena, t, count, n, &len);
		http_add_header(req, "Content-Encoding", "gzip");
		http_respond(req, 200, ctype, (const char *)gz, len);
		return;
	}
	const char *plain = gzip_plain(req->arena, t, count, n, &len);
	if (!plain) {
		log_error("a kept page does not decompress");
		http_respond_error(req, 503, NULL);
		return;
	}
	http_respond(req, 200, ctype, plain, len);
}

/* The accepted coding of `req` decides the response's: the copies and
 * their tags differ (Vary). */
static struct fill *fill_new(http_req_t *req)
{
	struct fill *f = arena_calloc(req->arena, 1, sizeof *f);
	f->gzip = http_accepts_gzip(http_header(req, "Accept-Encoding"));
	sb_init(&f->headers, req->arena);
	http_add_header(req, "Vary", "Accept-Encoding");
	req->keep = f;
	return f;
}

static bool repack(http_req_t *req, const char *key, uint64_t mark, const struct page *pg,
                   const char *num, struct gzip_text *t);

bool pcache_serve(http_req_t *req, const char *address)
{
	req->keep = NULL;
	bool get = !strcmp(req->method, "GET");
	if (!get && strcmp(req->method, "HEAD") != 0)
		return false;
	struct fill *f = fill_new(req);
	if (!get || !cache_on())
		return false;
	cache_sync();
	struct cache_hit hit;
	const char *key = response_key(req, address);
	uint64_t mark = cache_mark();
	if (!cache_get(key, &hit)) {
		f->key = key;
		return false;
	}
	struct page *pg = hit.value;
	add_headers(req, pg->headers);
	if (pg->visit_path)
		register_visit(pg->org, pg->visit_path);
	long long visits = pg->visits_base + atomic_fetch_add(&pg->hits, 1) + 1;
	char num[24];
	int n = snprintf(num, sizeof num, "%lld", visits);
	const struct gzip_text *t = &pg->text;
	struct gzip_text again;
	if (t->has_gap && !gzip_fits(t, (size_t)n) && repack(req, key, mark, pg, num, &again))
		t = &again;
	send_text(req, f->gzip, pg->content_type, t, t->has_gap ? num : NULL, pg->etag,
	          pg->last_modified, pg->cache_control, true);
	cache_release(&hit);
	return true;
}

bool pcache_keep(http_req_t *req, long long org_id, uint64_t mark, const char *visit_path,
                 long long visits, const char *etag, time_t last_modified,
                 const char *cache_control)
{
	struct fill *f = req->keep;
	if (!f || !f->key || strcmp(req->method, "GET") != 0 || !cache_on())
		return false;
	f->keep = true;
	f->org = org_id;
	f->mark = mark;
	f->visit_path = visit_path;
	f->etag = etag;
	f->cache_control = cache_control;
	f->visits = visits;
	f->last_modified = last_modified;
	return true;
}

void pcache_header(http_req_t *req, const char *name, const char *value)
{
	http_add_header(req, name, value);
	struct fill *f = req->keep;
	if (f && f->keep && !strchr(value, '\n'))
		sb_printf(&f->headers, "%s: %s\n", name, value);
}

static size_t size_of(const char *s)
{
	return s ? strlen(s) + 1 : 0;
}

static const char *copy_in(char **at, const char *s)
{
	if (!s)
		return NULL;
	size_t n = strlen(s) + 1;
	memcpy(*at, s, n);
	const char *d = *at;
	*at += n;
	return d;
}

/* The values most copies share (their pointer is kept, not a copy). */
static const char *const common_values[] = {
    "text/html; charset=utf-8",
    "public, no-cache",
};

static const char *common(const char *s)
{
	for (size_t i = 0; s && i < sizeof common_values / sizeof common_values[0]; i++)
		if (!strcmp(s, common_values[i]))
			return common_values[i];
	return NULL;
}

static size_t size_of_value(const char *s)
{
	return common(s) ? 0 : size_of(s);
}

static const char *value_in(char **at, const char *s)
{
	const char *c = common(s);
	return c ? c : copy_in(at, s);
}

/* The copy of a page sent: `t`, compressed in `a`, copied into the
 * block with the strings. */
static struct page *page_of(const struct fill *f, const char *content_type,
                            const struct gzip_text *t, int64_t until, size_t *size)
{
	const char *headers = f->headers.len ? f->headers.data : NULL;
	size_t strings = size_of_value(content_type) + size_of(f->etag) +
	                 size_of_value(f->cache_control) + size_of(f->visit_path) + size_of(headers);
	size_t z = t->lead_z + t->head_z + t->tail_z;
	struct page *pg = malloc(sizeof *pg + strings + z);
	if (!pg)
		return NULL;
	char *p = pg->block;
	pg->org = f->org;
	pg->content_type = value_in(&p, content_type);
	pg->etag = copy_in(&p, f->etag);
	pg->cache_control = value_in(&p, f->cache_control);
	pg->visit_path = copy_in(&p, f->visit_path);
	pg->headers = copy_in(&p, headers);
	pg->last_modified = f->last_modified;
	pg->until = until;
	pg->visits_base = f->visits;
	atomic_store(&pg->hits, 0);
	pg->text = *t;
	memcpy(p, t->z, z);
	pg->text.z = (const unsigned char *)p;
	*size = sizeof *pg + strings + z;
	return pg;
}

/* The layout around a page's title (templates/pages/layout.html) is the
 * same on every public page: the text up to the title and the text from
 * its end to the end of the site's header are shared parts
 * (core/gzip.h), spliced into each kept copy rather than kept in each.
 * A page without them (a feed, an export) is kept whole. */
static void splice_of(const char *b, size_t len, struct gzip_splice *sp)
{
	static const char open[] = "<title>", close[] = "</title>", end[] = "</header>";
	memset(sp, 0, sizeof *sp);
	size_t n = len < GZIP_SHARED_LEN ? len : GZIP_SHARED_LEN;
	const char *t = memmem(b, n, open, sizeof open - 1);
	const char *c = t ? memmem(t, n - (size_t)(t - b), close, sizeof close - 1) : NULL;
	const char *e = c ? memmem(c, n - (size_t)(c - b), end, sizeof end - 1) : NULL;
	if (!e)
		return;
	size_t first = (size_t)(t - b) + sizeof open - 1, at = (size_t)(c - b);
	sp->first = gzip_share(b, first);
	sp->second = gzip_share(c, (size_t)(e - c) + sizeof end - 1);
	sp->at = at;
}

void pcache_respond(http_req_t *req, int status, const char *content_type, const char *body,
                    size_t len)
{
	struct fill *f = req->keep;
	req->keep = NULL;
	bool keep = f && f->keep && status == 200;
	if (!keep && !(f && f->gzip && status == 200)) {
		http_respond(req, status, content_type, body, len);
		return;
	}
	/* The page in two parts around the place of the count (a page being
	 * kept), or whole. */
	static const char mark[] = PCACHE_VISITS;
	const char *b = body ? body : "";
	const char *at = keep ? memmem(b, len, mark, sizeof mark - 1) : NULL;
	char num[24];
	int n = snprintf(num, sizeof num, "%lld", keep ? f->visits : 0);
	size_t head = at ? (size_t)(at - b) : len, skip = head + (at ? sizeof mark - 1 : 0);
	struct gzip_text t;
	struct gzip_splice sp;
	splice_of(b, head, &sp);
	if (!gzip_pack_spliced(req->arena, &sp, b, head, at ? n : -1, b + skip, len - skip, &t)) {
		http_respond_error(req, 503, NULL);
		return;
	}
	/* The tags were set with the coding asked for (pcache_etag()). */
	if (f->gzip) {
		send_text(req, true, content_type, &t, at ? num : NULL, NULL, 0, NULL, false);
	} else {
		char *plain = arena_alloc(req->arena, len + (size_t)n + 1);
		memcpy(plain, b, head);
		size_t k = head;
		if (at) {
			memcpy(plain + k, num, (size_t)n);
			k += (size_t)n;
		}
		memcpy(plain + k, b + skip, len - skip);
		http_respond(req, status, content_type, plain, k + len - skip);
	}
	if (!keep)
		return;
	size_t size = 0;
	int64_t ttl = org_kept_ttl();
	struct page *pg = page_of(f, content_type, &t, clock_now() + ttl, &size);
	char tag[ORG_TAG_LEN];
	if (pg)
		cache_put(f->key, org_tag(tag, f->org), f->mark, ttl, pg, size, free);
}

/* The copy `pg` under `key` made again for the count `num`, which no
 * longer fits its gap (a count past 9, 99, ...; core/gzip.h), in *t and
 * in place of the copy, which keeps its time and goes when anything
 * invalidated it after `mark`. False when it cannot be made (the copy is
 * then sent decompressed). */
static bool repack(http_req_t *req, const char *key, uint64_t mark, const struct page *pg,
                   const char *num, struct gzip_text *t)
{
	size_t n = strlen(num), len;
	int64_t ttl = pg->until - clock_now();
	char *plain = gzip_plain(req->arena, &pg->text, num, n, &len);
	struct gzip_splice sp = {0};
	if (plain)
		splice_of(plain, pg->text.head_len, &sp);
	if (!plain || ttl <= 0 ||
	    !gzip_pack_spliced(req->arena, &sp, plain, pg->text.head_len, (int)n,
	                       plain + pg->text.head_len + n, pg->text.tail_len, t))
		return false;
	struct fill f = {.org = pg->org,
	                 .etag = pg->etag,
	                 .cache_control = pg->cache_control,
	                 .visit_path = pg->visit_path,
	                 .visits = atoll(num),
	                 .last_modified = pg->last_modified};
	sb_init(&f.headers, req->arena);
	if (pg->headers)
		sb_puts(&f.headers, pg->headers);
	size_t size = 0;
	struct page *again = page_of(&f, pg->content_type, t, pg->until, &size);
	char tag[ORG_TAG_LEN];
	if (again)
		cache_put(key, org_tag(tag, pg->org), mark, ttl, again, size, free);
	return true;
}

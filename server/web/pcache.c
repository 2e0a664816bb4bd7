#include "web/pcache.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases/org.h"
#include "cases/register.h"
#include "core/cache.h"
#include "http/conditional.h"
#include "web/web.h"

/* A whole response, in one block: the strings follow the struct. */
struct page {
	long long org;
	const char *content_type, *etag, *cache_control, *visit_path; /* in the block, or NULL */
	const char *headers; /* "Name: value\n" each, in the block, or NULL */
	time_t last_modified;
	bool has_visits; /* the count goes at data + split */
	size_t split;
	long long visits_base;
	atomic_llong hits;
	size_t len;
	char *data;
	char block[];
};

bool pcache_on(void)
{
	return cache_on();
}

/* A request's way through: the key pcache_serve() missed, and what
 * pcache_keep() said about the page. */
struct fill {
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

/* The page with the count where PCACHE_VISITS was. */
static void send_with_visits(http_req_t *req, int status, const char *ctype, const char *data,
                             size_t len, bool has_visits, size_t split, long long visits)
{
	if (!has_visits) {
		http_respond(req, status, ctype, data, len);
		return;
	}
	char num[24];
	int n = snprintf(num, sizeof num, "%lld", visits);
	char *body = arena_alloc(req->arena, len + (size_t)n + 1);
	memcpy(body, data, split);
	memcpy(body + split, num, (size_t)n);
	memcpy(body + split + (size_t)n, data + split, len - split);
	http_respond(req, status, ctype, body, len + (size_t)n);
}

bool pcache_serve(http_req_t *req, const char *address)
{
	req->keep = NULL;
	if (strcmp(req->method, "GET") != 0 || !cache_on())
		return false;
	cache_sync();
	struct cache_hit hit;
	const char *key = response_key(req, address);
	if (!cache_get(key, &hit)) {
		struct fill *f = arena_calloc(req->arena, 1, sizeof *f);
		f->key = key;
		sb_init(&f->headers, req->arena);
		req->keep = f;
		return false;
	}
	struct page *pg = hit.value;
	add_headers(req, pg->headers);
	if (pg->visit_path)
		register_visit(pg->org, pg->visit_path);
	long long visits = pg->visits_base + atomic_fetch_add(&pg->hits, 1) + 1;
	if (http_fresh(req, pg->etag, pg->last_modified, pg->cache_control))
		http_respond_not_modified(req);
	else
		send_with_visits(req, 200, pg->content_type, pg->data, pg->len, pg->has_visits,
		                 pg->split, visits);
	cache_release(&hit);
	return true;
}

bool pcache_keep(http_req_t *req, long long org_id, uint64_t mark, const char *visit_path,
                 long long visits, const char *etag, time_t last_modified,
                 const char *cache_control)
{
	struct fill *f = req->keep;
	if (!f || strcmp(req->method, "GET") != 0 || !cache_on())
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

/* The copy of a page sent: `body` without the mark (at `at`, or none). */
static struct page *page_of(const struct fill *f, const char *content_type, const char *body,
                            size_t len, const char *at, size_t *size)
{
	static const char mark[] = PCACHE_VISITS;
	size_t kept = at ? len - (sizeof mark - 1) : len;
	const char *headers = f->headers.len ? f->headers.data : NULL;
	size_t strings = size_of(content_type) + size_of(f->etag) + size_of(f->cache_control) +
	                 size_of(f->visit_path) + size_of(headers);
	struct page *pg = malloc(sizeof *pg + strings + kept + 1);
	if (!pg)
		return NULL;
	char *p = pg->block;
	pg->org = f->org;
	pg->content_type = copy_in(&p, content_type);
	pg->etag = copy_in(&p, f->etag);
	pg->cache_control = copy_in(&p, f->cache_control);
	pg->visit_path = copy_in(&p, f->visit_path);
	pg->headers = copy_in(&p, headers);
	pg->last_modified = f->last_modified;
	pg->has_visits = at != NULL;
	pg->split = at ? (size_t)(at - body) : 0;
	pg->visits_base = f->visits;
	atomic_store(&pg->hits, 0);
	pg->len = kept;
	pg->data = p;
	if (at) {
		memcpy(p, body, pg->split);
		memcpy(p + pg->split, at + sizeof mark - 1, len - pg->split - (sizeof mark - 1));
	} else if (len) {
		memcpy(p, body, len);
	}
	p[kept] = '\0';
	*size = sizeof *pg + strings + kept + 1;
	return pg;
}

void pcache_respond(http_req_t *req, int status, const char *content_type, const char *body,
                    size_t len)
{
	struct fill *f = req->keep;
	req->keep = NULL;
	if (!f || !f->keep) {
		http_respond(req, status, content_type, body, len);
		return;
	}
	static const char mark[] = PCACHE_VISITS;
	const char *at = body ? memmem(body, len, mark, sizeof mark - 1) : NULL;
	size_t size = 0;
	struct page *pg = page_of(f, content_type, body, len, at, &size);
	if (!pg) {
		http_respond_error(req, 503, NULL);
		return;
	}
	send_with_visits(req, status, content_type, pg->data, pg->len, pg->has_visits, pg->split,
	                 f->visits);
	char tag[ORG_TAG_LEN];
	if (status == 200)
		cache_put(f->key, org_tag(tag, f->org), f->mark, org_kept_ttl(), pg, size, free);
	else
		free(pg);
}

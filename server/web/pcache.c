#include "web/pcache.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases/org.h"
#include "cases/register.h"
#include "core/cache.h"
#include "http/conditional.h"

/* A whole response, in one block: the strings follow the struct. */
struct page {
	long long org;
	const char *content_type, *etag, *cache_control, *visit_path; /* in the block, or NULL */
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

struct fill {
	long long org;
	uint64_t mark;
	const char *visit_path, *etag, *cache_control;
	long long visits;
	time_t last_modified;
};

static const char *response_key(http_req_t *req)
{
	const char *host = http_header(req, "Host");
	return arena_printf(req->arena, "R %s %s", host ? host : "", req->uri);
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

bool pcache_serve(http_req_t *req)
{
	if (strcmp(req->method, "GET") != 0 || !cache_on())
		return false;
	cache_sync();
	struct cache_hit hit;
	if (!cache_get(response_key(req), &hit))
		return false;
	struct page *pg = hit.value;
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
	if (strcmp(req->method, "GET") != 0 || !cache_on())
		return false;
	struct fill *f = arena_alloc(req->arena, sizeof *f);
	*f = (struct fill){org_id, mark, visit_path, etag, cache_control, visits, last_modified};
	req->keep = f;
	return true;
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
	size_t strings = size_of(content_type) + size_of(f->etag) + size_of(f->cache_control) +
	                 size_of(f->visit_path);
	struct page *pg = malloc(sizeof *pg + strings + kept + 1);
	if (!pg)
		return NULL;
	char *p = pg->block;
	pg->org = f->org;
	pg->content_type = copy_in(&p, content_type);
	pg->etag = copy_in(&p, f->etag);
	pg->cache_control = copy_in(&p, f->cache_control);
	pg->visit_path = copy_in(&p, f->visit_path);
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
	if (!f) {
		http_respond(req, status, content_type, body, len);
		return;
	}
	req->keep = NULL;
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
		cache_put(response_key(req), org_tag(tag, f->org), f->mark, org_kept_ttl(), pg, size,
		          free);
	else
		free(pg);
}

/* SPDX-License-Identifier: EUPL-1.2 */
/* Visits of BIP pages (UDIP: the page's metadata shows how often it was
 * read), counted in memory and added to page_visits by the job "visits"
 * every second, in one statement (unnest of arrays), and once more at a
 * stop. The page reads no longer write, so they can run on a replica. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "cases/register.h"
#include "core/hash.h"
#include "core/log.h"
#include "core/strbuf.h"
#include "db/db.h"

struct visit {
	struct visit *next;
	long long org, n;
	uint64_t hash;
	char path[];
};

#define VBUCKETS 16384u
static pthread_mutex_t visits_lock = PTHREAD_MUTEX_INITIALIZER;
static struct visit *visits[VBUCKETS];

static uint64_t visit_hash(long long org, const char *path)
{
	return hash_str(path) ^ ((uint64_t)org * 0x9E3779B97F4A7C15ull);
}

/* Adds `count` visits of `path`; the visits not yet written. */
static long long visits_add(long long org_id, const char *path, long long count)
{
	uint64_t h = visit_hash(org_id, path);
	long long n = 0;
	pthread_mutex_lock(&visits_lock);
	struct visit **p = &visits[h & (VBUCKETS - 1)];
	struct visit *v = *p;
	while (v && (v->hash != h || v->org != org_id || strcmp(v->path, path) != 0))
		v = v->next;
	if (!v) {
		size_t len = strlen(path);
		v = malloc(sizeof *v + len + 1);
		if (v) {
			*v = (struct visit){.next = *p, .org = org_id, .n = 0, .hash = h};
			memcpy(v->path, path, len + 1);
			*p = v;
		}
	}
	if (v)
		n = v->n += count;
	pthread_mutex_unlock(&visits_lock);
	return n;
}

long long register_visit(long long org_id, const char *path)
{
	return visits_add(org_id, path, 1);
}

/* An element of a text array literal: "..." with " and \ escaped. */
static void array_text(strbuf_t *b, const char *s)
{
	sb_putc(b, '"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			sb_putc(b, '\\');
		sb_putc(b, *s);
	}
	sb_putc(b, '"');
}

enum job_result register_visits_job(void)
{
	/* Take everything counted so far; put it back if it cannot be written. */
	struct visit *list = NULL;
	pthread_mutex_lock(&visits_lock);
	for (unsigned i = 0; i < VBUCKETS; i++) {
		while (visits[i]) {
			struct visit *v = visits[i];
			visits[i] = v->next;
			v->next = list;
			list = v;
		}
	}
	pthread_mutex_unlock(&visits_lock);
	if (!list)
		return JOB_DONE;
	arena_t *a = arena_new(16384);
	strbuf_t orgs, paths, counts;
	sb_init(&orgs, a);
	sb_init(&paths, a);
	sb_init(&counts, a);
	for (struct visit *v = list; v; v = v->next) {
		sb_puts(&orgs, orgs.len ? "," : "{");
		sb_printf(&orgs, "%lld", v->org);
		sb_puts(&paths, paths.len ? "," : "{");
		array_text(&paths, v->path);
		sb_puts(&counts, counts.len ? "," : "{");
		sb_printf(&counts, "%lld", v->n);
	}
	sb_putc(&orgs, '}');
	sb_putc(&paths, '}');
	sb_putc(&counts, '}');
	const char *p[3] = {orgs.data, paths.data, counts.data};
	PGconn *c = db_conn();
	enum db_status st =
	    c ? db_run(c,
	               "INSERT INTO page_visits AS v (org_id, path, count) "
	               "SELECT * FROM unnest($1::bigint[], $2::text[], $3::bigint[]) "
	               "ON CONFLICT (org_id, path) DO UPDATE SET count = v.count + EXCLUDED.count",
	               3, p)
	      : DB_UNAVAILABLE;
	arena_free(a);
	while (list) {
		struct visit *v = list;
		list = v->next;
		if (st != DB_OK)
			visits_add(v->org, v->path, v->n);
		free(v);
	}
	return st == DB_OK ? JOB_DONE : JOB_FAILED;
}

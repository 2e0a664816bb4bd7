/* SPDX-License-Identifier: EUPL-1.2 */
/* libFuzzer target: a case package as anyone may hand it back
 * (cases/package.h, docs/export.md): the ZIP reader (core/unzip.c) on its
 * own, then the whole verifier (the case file's XML through libxml2, the
 * event log's JSON, every event's hash and link, every document's SHA-256).
 *
 * Properties (abort() when violated): the reader's entries have names the
 * writer's rule allows (a directory's trailing '/' aside), unique, with
 * their compressed bytes inside the input; reading an entry gives exactly
 * its declared size or a reason; the verifier answers one of its three
 * results, PACKAGE_OK only with no problem and every count consistent, any
 * other with a reason free of control characters, and a case number that
 * is terminated text. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases/package.h"
#include "core/arena.h"
#include "core/unzip.h"
#include "core/zip.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok)
{
	if (!ok)
		abort();
}

struct count {
	uint64_t n;
};

static bool counting(void *ctx, const unsigned char *p, size_t n)
{
	(void)p;
	((struct count *)ctx)->n += n;
	return true;
}

static void clean_text(const char *s, size_t cap)
{
	check(memchr(s, '\0', cap) != NULL);
	for (; *s; s++)
		check((unsigned char)*s >= 0x20 && *s != 0x7f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > (4u << 20))
		return 0;
	arena_t *a = arena_new(4096);
	unzip_t u;
	const char *why = NULL;
	if (unzip_open(&u, a, data, size, 500, &why)) {
		check(u.n <= 500);
		for (size_t i = 0; i < u.n; i++) {
			const struct unzip_entry *e = &u.e[i];
			size_t n = strlen(e->name);
			check(n > 0);
			check(zip_name_problem(e->name, e->dir ? n - 1 : n) == NULL);
			check(!e->dir || e->size == 0);
			for (size_t k = 0; k < i; k++)
				check(strcmp(u.e[k].name, e->name) != 0);
			check(e->data >= data && e->csize <= size && e->data + e->csize <= data + size);
			check(unzip_find(&u, e->name) == e);
			struct count c = {0};
			const char *r = NULL;
			if (unzip_read(e, 1u << 22, counting, &c, &r))
				check(c.n == e->size);
			else
				check(r && *r);
		}
	} else {
		check(why && *why);
	}
	arena_free(a);
	struct package_report rep;
	enum package_result res = package_verify_buffer(data, size, &rep);
	check(res == PACKAGE_OK || res == PACKAGE_FAILED || res == PACKAGE_UNREADABLE);
	check(memchr(rep.case_number, '\0', sizeof rep.case_number) != NULL);
	clean_text(rep.why, sizeof rep.why);
	if (res == PACKAGE_OK)
		check(rep.problems == 0 && rep.events > 0 && rep.links_inside + rep.links_outside == rep.events);
	else
		check(rep.why[0] != '\0');
	if (res == PACKAGE_FAILED)
		check(rep.problems > 0 && rep.detail[0] != '\0');
	check(rep.documents >= 0 && rep.erased >= 0 && rep.events >= 0);
	return 0;
}

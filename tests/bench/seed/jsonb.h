/* SPDX-License-Identifier: EUPL-1.2 */
/* JSON text as PostgreSQL's jsonb prints it (jsonb::text): an object's keys
 * shorter first, then in byte order, with ": " and ", " between. The event
 * hash chain hashes that text (trigger.h), so an event's data written here
 * must read back from the database byte for byte the same. */
#ifndef SEED_JSONB_H
#define SEED_JSONB_H

#include <stddef.h>

struct jbuf {
	char b[8192]; /* always NUL-terminated; longer text is cut */
	size_t n;
};

void jb_reset(struct jbuf *j);
void jb_raw(struct jbuf *j, const char *s, size_t n);
/* A JSON string, escaped. */
void jb_str(struct jbuf *j, const char *s);

struct jpair {
	const char *key;
	const char *str; /* a string value, or */
	long long num;   /* a number when str is NULL */
};

/* The object of `n` pairs (sorted in place) into `j`. */
void jb_object(struct jbuf *j, struct jpair *p, int n);

#endif

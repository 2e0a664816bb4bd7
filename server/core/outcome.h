/* SPDX-License-Identifier: EUPL-1.2 */
/* One vocabulary of outcomes for every service (docs/design.md, "Outcomes").
 * A service returns an `enum outcome` and, for anything but OUT_OK, fills a
 * `struct problem` the caller passed (may be NULL when the caller needs no
 * detail). The web layer maps an outcome to an HTTP status, an HTML page and
 * a problem+json type in one table (web/outcome.c); nothing else decides a
 * status, and nobody matches a message's text.
 *
 * Messages are Polish, for the person who sent the input, and static or in
 * the arena of the call. */
#ifndef JAWNOSC_CORE_OUTCOME_H
#define JAWNOSC_CORE_OUTCOME_H

#include <stdarg.h>
#include <stdbool.h>

#include "core/arena.h"

enum outcome {
	OUT_OK,
	OUT_INVALID,      /* an input is wrong: field errors (422, or the form again) */
	OUT_UNSUPPORTED,  /* the body is not in a type we take (415) */
	OUT_MALFORMED,    /* the request itself cannot be read (400) */
	OUT_NOT_FOUND,    /* no such thing here (or none the caller may see) */
	OUT_REFUSED,      /* the law does not allow it now: reason and code (409) */
	OUT_STALE,        /* someone acted first: reload and retry (409) */
	OUT_CONFLICT,     /* it exists already, or can no longer change (409) */
	OUT_DENIED,       /* wrong credentials or no right to it (403 / the form again) */
	OUT_RATE_LIMITED, /* too many attempts: try later (429) */
	OUT_MISDIRECTED,  /* no organisation here has the request's host name (421) */
	OUT_UNAVAILABLE,  /* the database cannot be reached (503, Retry-After) */
	OUT_ERROR,        /* a bug or a misconfiguration, logged where it happened (500) */
};
#define OUTCOME_COUNT (OUT_ERROR + 1)

#define PROBLEM_MAX_FIELDS 24

struct field_error {
	const char *field;   /* the input's name: "email", "version", "rok", ... */
	const char *message; /* Polish */
};

struct problem {
	enum outcome outcome;
	const char *message; /* Polish; NULL: the table's default for the outcome */
	const char *code;    /* machine-readable reason ("stale_version", a law refusal code), or NULL */
	int nfields;
	struct field_error fields[PROBLEM_MAX_FIELDS];
};

/* Sets p (when not NULL) to `o` with `message` (static or in an arena) and
 * `code`, dropping what it held; returns `o`, so a service can write
 * `return problem_set(p, OUT_NOT_FOUND, NULL, NULL);`. */
enum outcome problem_set(struct problem *p, enum outcome o, const char *message,
                         const char *code);
/* Adds a field error and makes the outcome OUT_INVALID; the message is
 * copied into `a` when it is formatted (problem_fieldf). Errors beyond
 * PROBLEM_MAX_FIELDS are dropped. Returns OUT_INVALID. */
enum outcome problem_field(struct problem *p, const char *field, const char *message);
enum outcome problem_fieldf(struct problem *p, arena_t *a, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* The message of `field`, or NULL. */
const char *problem_field_message(const struct problem *p, const char *field);
/* A stable English name of an outcome ("invalid", "not_found", ...), for
 * logs and problem types. */
const char *outcome_name(enum outcome o);

#endif

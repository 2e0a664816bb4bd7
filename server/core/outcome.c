/* SPDX-License-Identifier: EUPL-1.2 */
#include "core/outcome.h"

#include <stdio.h>
#include <string.h>

static const char *const names[OUTCOME_COUNT] = {
    [OUT_OK] = "ok",
    [OUT_INVALID] = "invalid",
    [OUT_UNSUPPORTED] = "unsupported_media_type",
    [OUT_MALFORMED] = "malformed",
    [OUT_NOT_FOUND] = "not_found",
    [OUT_REFUSED] = "refused",
    [OUT_STALE] = "stale",
    [OUT_CONFLICT] = "conflict",
    [OUT_DENIED] = "denied",
    [OUT_RATE_LIMITED] = "rate_limited",
    [OUT_MISDIRECTED] = "misdirected",
    [OUT_UNAVAILABLE] = "unavailable",
    [OUT_ERROR] = "error",
};

enum outcome problem_set(struct problem *p, enum outcome o, const char *message, const char *code)
{
	if (p) {
		p->outcome = o;
		p->message = message;
		p->code = code;
		p->nfields = 0;
	}
	return o;
}

enum outcome problem_field(struct problem *p, const char *field, const char *message)
{
	if (!p)
		return OUT_INVALID;
	if (p->outcome != OUT_INVALID)
		problem_set(p, OUT_INVALID, NULL, NULL);
	if (p->nfields < PROBLEM_MAX_FIELDS) {
		p->fields[p->nfields].field = field;
		p->fields[p->nfields].message = message;
		p->nfields++;
	}
	return OUT_INVALID;
}

enum outcome problem_fieldf(struct problem *p, arena_t *a, const char *field, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char buf[1024];
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	return problem_field(p, field, arena_strdup(a, buf));
}

const char *problem_field_message(const struct problem *p, const char *field)
{
	for (int i = 0; p && i < p->nfields; i++)
		if (strcmp(p->fields[i].field, field) == 0)
			return p->fields[i].message;
	return NULL;
}

const char *outcome_name(enum outcome o)
{
	return (unsigned)o < OUTCOME_COUNT ? names[o] : "error";
}

/* SPDX-License-Identifier: EUPL-1.2 */
/* libFuzzer target: cookies (server/http/cookie.c).
 * Input: "name\nheader". cookie_get() must return only cookie-octets; a value
 * that cookie_format() accepts must read back unchanged through cookie_get(). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/cookie.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char *copy(const uint8_t *p, size_t n)
{
	char *s = malloc(n + 1);
	memcpy(s, p, n);
	s[n] = '\0';
	return s;
}

static void check_octets(const char *v)
{
	for (const char *p = v; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (c <= 0x20 || c >= 0x7F || c == '"' || c == ',' || c == ';' || c == '\\')
			abort();
	}
}

static void check_round_trip(arena_t *a, const char *name, const char *value, size_t size)
{
	const char *set = cookie_format(a, name, value, (long)size - 8, size & 1);
	if (!set)
		return;
	if (strncmp(set, name, strlen(name)) != 0 || !strstr(set, "; HttpOnly"))
		abort();
	char *pair = arena_printf(a, "x=1; %s=%s", name, value);
	const char *back = cookie_get(a, pair, name);
	if (strcmp(name, "x") != 0 && (!back || strcmp(back, value) != 0))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	arena_t *a = arena_new(0);
	const uint8_t *nl = memchr(data, '\n', size);
	size_t nlen = nl ? (size_t)(nl - data) : size;
	char *name = copy(data, nlen);
	char *header = nl ? copy(nl + 1, size - nlen - 1) : copy(data, 0);
	const char *v = cookie_get(a, header, name);
	if (v) {
		check_octets(v);
		if (strlen(v) > strlen(header))
			abort();
	}
	check_round_trip(a, name, header, size);
	free(name);
	free(header);
	arena_free(a);
	return 0;
}

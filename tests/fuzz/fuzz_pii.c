/* SPDX-License-Identifier: EUPL-1.2 */
/* libFuzzer target: the personal-data detector (server/law/personal.c).
 *
 * Input: the known person's name (also taken as their postal address) up
 * to the first '\n' (no person when the input has no '\n'), then the text. Properties (abort() when violated): the
 * findings are sorted, never overlap, lie inside the text, each of a known
 * kind and not empty; a finding never starts or ends inside a UTF-8
 * sequence of the text's Polish letters; the count does not depend on the
 * room given for them, nor do the first findings; the checksums never
 * read past their input. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "law/personal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define ROOM 64

static void check(bool ok)
{
	if (!ok)
		abort();
}

static bool continuation(const uint8_t *t, size_t len, size_t i)
{
	return i < len && i > 0 && t[i] >= 0x80 && t[i] <= 0xBF && t[i - 1] >= 0xC3 &&
	       t[i - 1] <= 0xC5;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nl = memchr(data, '\n', size);
	char *name = NULL;
	law_person_t who = {0};
	const uint8_t *text = data;
	size_t len = size;
	if (nl) {
		size_t n = (size_t)(nl - data);
		name = malloc(n + 1);
		if (!name)
			return 0;
		memcpy(name, data, n);
		name[n] = '\0';
		who.name = name;
		who.address = name;
		text = nl + 1;
		len = size - n - 1;
	}
	/* A copy of exactly len bytes, so that ASan sees any read past it. */
	char *t = malloc(len ? len : 1);
	if (!t) {
		free(name);
		return 0;
	}
	memcpy(t, text, len);
	law_personal_finding_t f[ROOM], g[2];
	long n = law_personal_find(t, len, &who, name ? 1 : 0, f, ROOM);
	check(n >= 0);
	size_t end = 0;
	for (long i = 0; i < n && i < ROOM; i++) {
		check(f[i].kind < LAW_PII_KIND_COUNT);
		check(f[i].start < f[i].end && f[i].end <= len);
		check(i == 0 || f[i].start >= end);
		check(!continuation((const uint8_t *)t, len, f[i].start));
		check(!continuation((const uint8_t *)t, len, f[i].end));
		end = f[i].end;
	}
	long m = law_personal_find(t, len, &who, name ? 1 : 0, g, 2);
	check(m == n);
	for (long i = 0; i < m && i < 2; i++)
		check(g[i].start == f[i].start && g[i].end == f[i].end && g[i].kind == f[i].kind);
	check(law_personal_find(t, len, &who, name ? 1 : 0, NULL, 0) == n);
	/* The checksums take NUL-terminated strings: the text's first line. */
	char s[40];
	size_t k = len < sizeof s - 1 ? len : sizeof s - 1;
	memcpy(s, t, k);
	s[k] = '\0';
	(void)law_pesel_valid(s, true);
	(void)law_nip_valid(s);
	(void)law_regon_valid(s);
	(void)law_idcard_valid(s);
	(void)law_passport_valid(s);
	(void)law_account_valid(s);
	free(t);
	free(name);
	return 0;
}

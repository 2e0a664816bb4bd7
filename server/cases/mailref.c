/* SPDX-License-Identifier: EUPL-1.2 */
#include "cases/mailref.h"

#include <ctype.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases/mailmsg.h"
#include "cases/secret.h"

static const char b32[] = "abcdefghijklmnopqrstuvwxyz234567";

/* The tag of `purpose` for `id`: the HMAC's first 50 bits in base32. */
static void tag_of(const char *purpose, long long id, char out[MAILREF_TAG_LEN + 1])
{
	char msg[24], hex[HMAC_HEX_LEN + 1];
	unsigned char h[HMAC_HEX_LEN / 2];
	snprintf(msg, sizeof msg, "%lld", id);
	secret_hmac_hex(purpose, msg, hex);
	sodium_hex2bin(h, sizeof h, hex, HMAC_HEX_LEN, NULL, NULL, NULL);
	unsigned long long bits = 0;
	for (int i = 0; i < 7; i++)
		bits = bits << 8 | h[i];
	bits >>= 6; /* 56 bits read, 50 kept */
	for (int i = MAILREF_TAG_LEN - 1; i >= 0; i--, bits >>= 5)
		out[i] = b32[bits & 31];
	out[MAILREF_TAG_LEN] = '\0';
	sodium_memzero(h, sizeof h);
}

/* The address in `s` ("Name <addr>" or "addr") when it is one. */
static bool address_in(const char *s, char *addr, size_t cap)
{
	char name[256], why[64];
	return s && *s && mail_split_from(s, name, sizeof name, addr, cap) &&
	       mail_address_valid(addr, why, sizeof why);
}

bool mailref_reply_address(const char *org_email, const char *mail_from, long long case_id,
                           char *out, size_t cap)
{
	char addr[MAIL_ADDRESS_MAX + 2], why[64], tag[MAILREF_TAG_LEN + 1];
	out[0] = '\0';
	if (case_id <= 0)
		return false;
	bool org = org_email && snprintf(addr, sizeof addr, "%s", org_email) < (int)sizeof addr &&
	           mail_address_valid(addr, why, sizeof why);
	if (!org && !address_in(mail_from, addr, sizeof addr))
		return false;
	char *at = strrchr(addr, '@');
	size_t local = strcspn(addr, "+@");
	tag_of("reply-address", case_id, tag);
	int n = snprintf(out, cap, "%.*s+%lld-%s%s", (int)local, addr, case_id, tag, at);
	if (n < 0 || (size_t)n >= cap || n > MAILREF_MAX || !mail_address_valid(out, why, sizeof why)) {
		out[0] = '\0';
		return false;
	}
	return true;
}

bool mailref_reply_verify(const char *addr, long long *case_id)
{
	*case_id = 0;
	if (!addr)
		return false;
	size_t n = strlen(addr);
	if (n >= 2 && addr[0] == '<' && addr[n - 1] == '>')
		addr++, n -= 2;
	if (n == 0 || n > MAILREF_MAX)
		return false;
	const char *at = memchr(addr, '@', n);
	if (!at)
		return false;
	const char *plus = NULL;
	for (const char *p = addr; p < at; p++)
		if (*p == '+')
			plus = p;
	if (!plus || plus == addr)
		return false;
	/* "+<digits>-<tag>@" */
	const char *p = plus + 1;
	long long id = 0;
	int digits = 0;
	for (; p < at && isdigit((unsigned char)*p); p++, digits++) {
		if (digits >= 18)
			return false;
		id = id * 10 + (*p - '0');
	}
	if (digits == 0 || id <= 0 || p >= at || *p != '-' || at - (p + 1) != MAILREF_TAG_LEN)
		return false;
	char got[MAILREF_TAG_LEN + 1], want[MAILREF_TAG_LEN + 1];
	for (int i = 0; i < MAILREF_TAG_LEN; i++)
		got[i] = (char)tolower((unsigned char)p[1 + i]);
	got[MAILREF_TAG_LEN] = '\0';
	tag_of("reply-address", id, want);
	if (sodium_memcmp(got, want, MAILREF_TAG_LEN) != 0)
		return false;
	*case_id = id;
	return true;
}

static bool addr_char(char c)
{
	return (unsigned char)c > ' ' && (unsigned char)c < 127 && !strchr("<>,;:\"()[]\\", c);
}

bool mailref_reply_find(const char *text, long long *case_id)
{
	*case_id = 0;
	for (const char *p = text ? strchr(text, '@') : NULL; p; p = strchr(p + 1, '@')) {
		const char *s = p, *e = p + 1;
		while (s > text && addr_char(s[-1]))
			s--;
		while (*e && addr_char(*e))
			e++;
		char one[MAILREF_MAX + 1];
		if (e - s > MAILREF_MAX)
			continue;
		memcpy(one, s, (size_t)(e - s));
		one[e - s] = '\0';
		if (mailref_reply_verify(one, case_id))
			return true;
	}
	return false;
}

bool mailref_message_id(long long outbox_id, const char *mail_from, char *out, size_t cap)
{
	char addr[MAIL_ADDRESS_MAX + 2], tag[MAILREF_TAG_LEN + 1];
	const char *domain = address_in(mail_from, addr, sizeof addr) ? strrchr(addr, '@') + 1
	                                                               : "jawnosc.local";
	tag_of("message-id", outbox_id, tag);
	int n = snprintf(out, cap, "jawnosc.%lld.%s@%s", outbox_id, tag, domain);
	if (n < 0 || (size_t)n >= cap || n > MAILREF_MAX) {
		if (cap)
			out[0] = '\0';
		return false;
	}
	return true;
}

bool mailref_id_safe(const char *id)
{
	size_t n = id ? strlen(id) : 0;
	if (n == 0 || n > MAILREF_MAX)
		return false;
	int ats = 0;
	for (const char *p = id; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (c <= ' ' || c >= 127 || c == '<' || c == '>')
			return false;
		ats += c == '@';
	}
	return ats == 1;
}

/* SPDX-License-Identifier: EUPL-1.2 */
/* libFuzzer target: the staff API's input (server/web/staff_input.c): the
 * Authorization header's bearer token, the list's and the queue's query
 * parameters and page cursor, RFC 3339 instants, base64 files, and the JSON
 * bodies of a registration and of a document (parsed as http_json_body()
 * does: json_loadb() with HTTP_JSON_FLAGS).
 *
 * The first byte picks what the rest is fed to. Besides crashes, leaks and
 * sanitizer reports, abort() when:
 *  - a bearer token is accepted from a header that is not "Bearer" and
 *    spaces, or holds anything but token68 characters, or is longer than
 *    512;
 *  - a list's or queue's parameters are accepted while one breaks its rule
 *    (checked here on its own: a known state, kind and channel, real dates
 *    in order, an instant that staff_instant_valid() takes, a cursor of a
 *    real date or "none" and an id of 1 to 12 digits, the open/overdue
 *    words, 0..60 working days), or refused without naming a parameter;
 *  - base64 is accepted and does not encode back to what was sent (white
 *    space aside, padding as sent), or gives more than its limit;
 *  - a body is accepted with a file name that is a path, empty, over 255
 *    bytes or has a control character, more than three files, or a file
 *    over the limit; or refused without naming a field it has;
 *  - a cursor made by staff_cursor() does not read back as what it was
 *    made of. */
#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http/http.h"
#include "law/channel.h"
#include "law/date.h"
#include "law/lifecycle.h"
#include "web/staff_input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool ok)
{
	if (!ok)
		abort();
}

static bool real_date(const char *s)
{
	law_date_t d;
	return s && law_date_parse(s, &d) && law_date_in_range(d);
}

static bool cursor_ok(const struct queue_filter *f)
{
	if (!f->after_due)
		return f->after_id == 0;
	return (!strcmp(f->after_due, "none") || real_date(f->after_due)) && f->after_id > 0 &&
	       f->after_id < 1000000000000LL;
}

static bool named(const struct problem *p, const char *const *names)
{
	if (p->outcome != OUT_INVALID || p->nfields < 1)
		return false;
	for (int i = 0; i < p->nfields; i++) {
		bool known = false;
		for (const char *const *n = names; *n; n++)
			known |= !strcmp(*n, p->fields[i].field);
		if (!known || !p->fields[i].message || !*p->fields[i].message)
			return false;
	}
	return true;
}

/* Up to `n` lines of `s` (NUL-terminated, modified): an empty line is NULL. */
static void lines(char *s, const char **out, int n)
{
	for (int i = 0; i < n; i++) {
		out[i] = NULL;
		if (!s)
			continue;
		char *nl = strchr(s, '\n');
		if (nl)
			*nl = '\0';
		out[i] = *s ? s : NULL;
		s = nl ? nl + 1 : NULL;
	}
}

static void fuzz_bearer(arena_t *a, const char *h)
{
	const char *t = staff_bearer(a, h);
	if (!t)
		return;
	check(!strncasecmp(h, "Bearer ", 7));
	size_t n = strlen(t);
	check(n >= 1 && n <= 512);
	size_t eq = 0;
	for (size_t i = 0; i < n; i++) {
		char c = t[i];
		bool t68 = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		           strchr("-._~+/", c);
		if (c == '=')
			eq++;
		else
			check(t68 && !eq);
	}
	check(t[0] != '=');
	/* It is the header's end. */
	check(!strcmp(h + strlen(h) - n, t));
}

static void fuzz_list(arena_t *a, char *s)
{
	const char *v[8];
	lines(s, v, 8);
	struct staff_list_query q = {v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7]};
	struct queue_filter f;
	struct problem p;
	if (staff_list_decode(a, &q, &f, &p) != OUT_OK) {
		static const char *const names[] = {"state",      "open",          "kind",
		                                    "channel",    "received_from", "received_to",
		                                    "updated_since", "cursor",     NULL};
		check(named(&p, names));
		return;
	}
	law_state_t st;
	check(!q.state || law_state_from_id(q.state, &st));
	check(!q.open || !strcmp(q.open, "true") || !strcmp(q.open, "false"));
	check(f.states == (!q.open ? QUEUE_ALL : !strcmp(q.open, "true") ? QUEUE_OPEN : QUEUE_CLOSED));
	check(!q.kind || !strcmp(q.kind, "public_information") || !strcmp(q.kind, "reuse"));
	check(!q.channel || law_channel(q.channel));
	check(!q.received_from || real_date(q.received_from));
	check(!q.received_to || real_date(q.received_to));
	check(!q.received_from || !q.received_to || strcmp(q.received_from, q.received_to) <= 0);
	check(!q.updated_since || staff_instant_valid(q.updated_since));
	check(f.due_within == -1 && !f.overdue && !f.q);
	check(cursor_ok(&f));
	check(!q.cursor == !f.after_due);
}

static void fuzz_queue(arena_t *a, char *s)
{
	const char *v[3];
	lines(s, v, 3);
	struct queue_filter f;
	struct problem p;
	if (staff_queue_decode(a, v[0], v[1], v[2], &f, &p) != OUT_OK) {
		static const char *const names[] = {"cursor", "overdue", "due_within", NULL};
		check(named(&p, names));
		return;
	}
	check(f.states == QUEUE_OPEN);
	check(!v[1] || !strcmp(v[1], "true") || !strcmp(v[1], "false"));
	check(f.overdue == (v[1] && !strcmp(v[1], "true")));
	check(v[2] ? f.due_within >= 0 && f.due_within <= 60 : f.due_within == -1);
	check(cursor_ok(&f));
}

static void fuzz_instant(const char *s)
{
	if (!staff_instant_valid(s))
		return;
	size_t n = strlen(s);
	check(n >= 20 && n <= 35);
	check(s[4] == '-' && s[7] == '-' && (s[10] == 'T' || s[10] == 't') && s[13] == ':' &&
	      s[16] == ':');
	char last = s[n - 1];
	check(last == 'Z' || last == 'z' || (last >= '0' && last <= '9'));
}

static void fuzz_base64(arena_t *a, const uint8_t *d, size_t n)
{
	if (n < 2)
		return;
	size_t max = (size_t)d[0] * 4 + d[1];
	const char *text = (const char *)d + 2;
	size_t len = n - 2, got;
	const char *bin;
	if (!staff_base64(a, text, len, max, &bin, &got))
		return;
	check(got <= max);
	/* What was sent, without its white space. */
	char *sent = malloc(len + 1);
	size_t k = 0;
	bool padded = false;
	for (size_t i = 0; i < len; i++)
		if (!strchr(" \t\r\n", text[i])) {
			check(text[i] != '\0');
			padded |= text[i] == '=';
			sent[k++] = text[i];
		}
	sent[k] = '\0';
	int variant = padded ? sodium_base64_VARIANT_ORIGINAL : sodium_base64_VARIANT_ORIGINAL_NO_PADDING;
	size_t cap = sodium_base64_encoded_len(got, variant);
	char *again = malloc(cap);
	sodium_bin2base64(again, cap, (const unsigned char *)bin, got, variant);
	check(!strcmp(again, sent));
	free(again);
	free(sent);
}

static bool filename_ok(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n == 0 || n > 255 || s[0] == '.')
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f || s[i] == '/' || s[i] == '\\')
			return false;
	return true;
}

#define FUZZ_MAX_FILE 48

static void fuzz_register(arena_t *a, json_t *body)
{
	struct filing_input in = {0};
	const char *channel, *received_on;
	struct problem p;
	if (staff_register_decode(a, body, &in, &channel, &received_on, FUZZ_MAX_FILE, &p) != OUT_OK) {
		check(p.outcome == OUT_INVALID && p.nfields >= 1);
		for (int i = 0; i < p.nfields; i++) {
			const char *f = p.fields[i].field;
			check(p.fields[i].message && *p.fields[i].message);
			/* A member of the body, or a file of its list. */
			bool known = !strncmp(f, "attachments", 11) || !strncmp(f, "requester", 9) ||
			             json_object_get(body, f) != NULL;
			check(known);
		}
		return;
	}
	check(in.nattachments >= 0 && in.nattachments <= FILING_MAX_ATTACHMENTS);
	check((size_t)in.nattachments == json_array_size(json_object_get(body, "attachments")));
	for (int i = 0; i < in.nattachments; i++) {
		check(filename_ok(in.attachments[i].filename));
		check(in.attachments[i].len <= FUZZ_MAX_FILE && in.attachments[i].data);
	}
	json_t *c = json_object_get(body, "channel"), *r = json_object_get(body, "received_on");
	check(!channel || (json_is_string(c) && !strcmp(channel, json_string_value(c))));
	check(!received_on || (json_is_string(r) && !strcmp(received_on, json_string_value(r))));
}

static void fuzz_document(arena_t *a, json_t *body)
{
	const char *name, *bin;
	size_t len;
	struct problem p;
	if (staff_document_decode(a, body, FUZZ_MAX_FILE, &name, &bin, &len, &p) != OUT_OK) {
		static const char *const names[] = {"filename", "content_base64", NULL};
		check(named(&p, names));
		return;
	}
	check(filename_ok(name) && bin && len <= FUZZ_MAX_FILE);
}

static void fuzz_cursor(arena_t *a, char *s)
{
	const char *v[2];
	lines(s, v, 2);
	const char *c = staff_cursor(a, v[0], v[1]);
	if (!c)
		return;
	struct staff_list_query q = {.cursor = c};
	struct queue_filter f;
	check(staff_list_decode(a, &q, &f, NULL) == OUT_OK);
	check(!strcmp(f.after_due, v[0]) && f.after_id == atoll(v[1]));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	arena_t *a = arena_new(4096);
	char *s = malloc(size);
	memcpy(s, data + 1, size - 1);
	s[size - 1] = '\0';
	switch (data[0] % 8) {
	case 0: fuzz_bearer(a, s); break;
	case 1: fuzz_list(a, s); break;
	case 2: fuzz_queue(a, s); break;
	case 3: fuzz_instant(s); break;
	case 4: fuzz_base64(a, data + 1, size - 1); break;
	case 7: fuzz_cursor(a, s); break;
	default: {
		json_error_t je;
		json_t *body = json_loadb((const char *)data + 1, size - 1, HTTP_JSON_FLAGS, &je);
		if (json_is_object(body)) {
			if (data[0] % 8 == 5)
				fuzz_register(a, body);
			else
				fuzz_document(a, body);
		}
		json_decref(body);
	}
	}
	free(s);
	arena_free(a);
	return 0;
}

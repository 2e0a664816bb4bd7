/* SPDX-License-Identifier: EUPL-1.2 */
/* libFuzzer target: the e-Doręczenia client's reading of the service's
 * answers (server/edor/proto.c), which are hostile.
 *
 * The first byte picks the parser, the rest is the answer's body (or, for
 * the postal address and the time, the text). Besides crashes, leaks and
 * sanitizer reports, abort() when an accepted answer breaks what the
 * parsers promise:
 *  - every identifier that goes back into a URL (task, message, evidence)
 *    passes edor_id_valid(): 1..128 of [A-Za-z0-9._:-], not only dots;
 *  - an access token is 1..4096 b64token characters (no CR, LF or space to
 *    split a header), its life 1..86400 seconds;
 *  - every text (a refusal's reason, an evidence's reason, an error) is
 *    valid UTF-8 without control characters and within EDOR_TEXT_MAX;
 *  - evidences: at most the room given, each with a known type, the total
 *    at least as many as returned; a date either 0 or one that parses;
 *  - a looked-up address has the form AE:PL-NNNNN-NNNNN-XXXXX-NN;
 *  - a postal address read from valid UTF-8 has a postcode NN-NNN, a
 *    street and a city, all valid UTF-8 without control characters;
 *  - a time that parses is not before 1970. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/utf8.h"
#include "edor/proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool ok)
{
	if (!ok)
		abort();
}

static void check_text(const char *s, size_t cap)
{
	size_t n = strnlen(s, cap);
	check(n < cap);
	check(utf8_valid(s, n));
	for (size_t i = 0; i < n; i++)
		check((unsigned char)s[i] >= 0x20 && s[i] != 0x7f);
}

static void fuzz_token(const char *b, size_t n)
{
	struct edor_token t;
	char err[256];
	if (!edor_parse_token(b, n, &t, err, sizeof err)) {
		check(t.access_token[0] == '\0');
		return;
	}
	size_t len = strlen(t.access_token);
	check(len >= 1 && len <= EDOR_TOKEN_MAX);
	for (size_t i = 0; i < len; i++)
		check(strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~+/=",
		             t.access_token[i]) != NULL);
	check(t.expires_in >= 1 && t.expires_in <= 86400);
}

/* A text of the inbox: valid UTF-8, no control character but LF and TAB
 * where `lines`. */
static void check_inbox_text(const char *s, bool lines)
{
	check(s != NULL);
	size_t n = strlen(s);
	check(utf8_valid(s, n));
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		check((c >= 0x20 && c != 0x7f) || (lines && (c == '\n' || c == '\t')));
	}
}

/* The inbox's listing and a received message (the same answers the
 * tasks' parsers get: JSON of the service). */
static void fuzz_inbox(const char *b, size_t n)
{
	struct edor_listed l[3];
	int listed = -1;
	char err[256];
	int k = edor_parse_inbox(b, n, l, 3, &listed, err, sizeof err);
	check(k >= -1 && k <= 3);
	for (int i = 0; i < k; i++) {
		check(edor_id_valid(l[i].id));
		check(l[i].submitted >= 0);
	}
	if (k >= 0)
		check(listed >= k);
	arena_t *a = arena_new(4096);
	struct edor_received m;
	if (edor_parse_received(a, b, n, &m, err, sizeof err)) {
		check(edor_id_valid(m.id));
		check(!m.from_address[0] || edor_address_valid(m.from_address));
		check_inbox_text(m.from_name, false);
		check_inbox_text(m.subject, false);
		check_inbox_text(m.case_id, false);
		check_inbox_text(m.text, true);
		check(m.natt <= EDOR_ATTACHMENTS_MAX);
		for (size_t i = 0; i < m.natt; i++) {
			const struct edor_received_att *t = &m.att[i];
			size_t fl = strlen(t->filename);
			check(fl >= 1 && fl <= 255 && !strpbrk(t->filename, "/\\") && t->filename[0] != '.');
			check_inbox_text(t->filename, false);
			check_inbox_text(t->description, false);
			check(strchr(t->content_type, '/') != NULL);
			check(!t->id[0] || edor_id_valid(t->id));
			check(!t->hash_ok || t->hash_checked);
			if (!t->data)
				check(t->len == 0);
		}
		struct edor_received_att att = {.id = "x"};
		(void)edor_parse_attachment(a, b, n, &att, err, sizeof err);
	}
	arena_free(a);
}

static void fuzz_tasks(const char *b, size_t n)
{
	char id[EDOR_ID_MAX + 1], err[256];
	if (edor_parse_message_info(b, n, id, err, sizeof err))
		check(edor_id_valid(id));
	enum edor_task_state st = (enum edor_task_state)7;
	if (edor_parse_task_status(b, n, &st, err, sizeof err))
		check(st == EDOR_TASK_PENDING || st == EDOR_TASK_FINISHED);
	struct edor_task_result r;
	if (edor_parse_task_result(b, n, &r, err, sizeof err)) {
		if (r.refused)
			check_text(r.reason, sizeof r.reason);
		else
			check(edor_id_valid(r.message_id));
	}
	if (edor_parse_find_message(b, n, "JAW-1-", id, err, sizeof err) == 1)
		check(edor_id_valid(id));
	fuzz_inbox(b, n);
}

static void fuzz_evidences(const char *b, size_t n)
{
	struct edor_evidence ev[4];
	char err[256];
	int total = -1;
	int k = edor_parse_evidences(b, n, ev, 4, &total, err, sizeof err);
	check(k >= -1 && k <= 4);
	if (k < 0)
		return;
	check(total >= k);
	for (int i = 0; i < k; i++) {
		check(edor_id_valid(ev[i].id));
		check(ev[i].type[0] != '\0');
		check_text(ev[i].type, sizeof ev[i].type);
		check_text(ev[i].reason, sizeof ev[i].reason);
		check(ev[i].event_at >= 0);
		(void)edor_evidence_kind_of(ev[i].type);
	}
}

static void fuzz_lookup_and_error(const char *b, size_t n)
{
	char addr[EDOR_ADDRESS_LEN + 1], err[256];
	bool found = true;
	if (edor_parse_lookup(b, n, addr, &found, err, sizeof err) && found)
		check(edor_address_valid(addr));
	char reason[EDOR_TEXT_MAX + 1];
	edor_parse_error(b, n, reason);
	check_text(reason, sizeof reason);
}

static void fuzz_text(const char *b, size_t n)
{
	if (memchr(b, '\0', n))
		return;
	char *s = malloc(n + 1);
	memcpy(s, b, n);
	s[n] = '\0';
	struct edor_postal p;
	if (edor_postal_parse(s, &p) && utf8_valid(s, n)) {
		check(strlen(p.postal_code) == 6 && p.postal_code[2] == '-');
		check(*p.street && *p.city);
		check_text(p.street, sizeof p.street);
		check_text(p.city, sizeof p.city);
		check_text(p.building, sizeof p.building);
		check_text(p.flat, sizeof p.flat);
	}
	int64_t t = -1;
	if (edor_parse_time(s, &t))
		check(t >= 0);
	(void)edor_address_valid(s);
	(void)edor_id_valid(s);
	free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	const char *b = (const char *)data + 1;
	size_t n = size - 1;
	switch (data[0] % 5) {
	case 0:
		fuzz_token(b, n);
		break;
	case 1:
		fuzz_tasks(b, n);
		break;
	case 2:
		fuzz_evidences(b, n);
		break;
	case 3:
		fuzz_lookup_and_error(b, n);
		break;
	default:
		fuzz_text(b, n);
		break;
	}
	return 0;
}

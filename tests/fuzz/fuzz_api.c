/* SPDX-License-Identifier: EUPL-1.2 */
/* libFuzzer target: JSON API decoding (server/web/api_input.c, and through
 * it filing_validate() in server/cases/filing.c).
 *
 * The input is a request body. It is parsed exactly as http_json_body()
 * does (json_loadb() with HTTP_JSON_FLAGS); an object goes through
 * api_filing_decode() (POST /api/v1/requests) and api_action_decode()
 * (POST .../actions/{action}). Besides crashes, leaks and sanitizer
 * reports, abort() when:
 *  - accepted input breaks a validation rule, checked here independently of
 *    filing.c: kind and delivery from their lists; every text valid UTF-8
 *    without NUL or control characters (tab and line breaks only where
 *    several lines are allowed), trimmed, its length in characters within
 *    the field's bounds; an e-mail address for delivery by e-mail, a postal
 *    address for delivery by post, name, address, purpose, format and manner
 *    for re-use; and every accepted text is the member's value, only trimmed
 *    (what is stored is what was sent);
 *  - refused input has no problem, more than FILING_MAX_ERRORS, a problem
 *    for a field the API does not have, an empty message, or misses the
 *    member whose type was wrong;
 *  - the action decoder accepts a text that is not a string or a version
 *    that is not an integer. */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/http.h"
#include "http/utf8.h"
#include "web/api_input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool ok)
{
	if (!ok)
		abort();
}

static const char *const api_fields[] = {
    "kind",	      "subject",	"content",	    "form",
    "delivery",	      "purpose",	"format",	    "manner",
    "requester",      "requester.name", "requester.email", "requester.postal_address",
    "requester.phone", "consent",	"attachment",	    NULL,
};

static bool known_field(const char *f)
{
	for (const char *const *p = api_fields; *p; p++)
		if (!strcmp(*p, f))
			return true;
	return false;
}

/* Characters, counting UTF-8 lead bytes. */
static size_t chars(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

/* The member's string value (or "" when absent or null), trimmed of ASCII
 * white space as filing_validate() promises. malloc'd. */
static char *expected(json_t *obj, const char *key)
{
	json_t *v = obj ? json_object_get(obj, key) : NULL;
	const char *s = json_is_string(v) ? json_string_value(v) : "";
	size_t n = json_is_string(v) ? json_string_length(v) : 0;
	while (n && isspace((unsigned char)*s))
		s++, n--;
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	char *out = malloc(n + 1);
	memcpy(out, s, n);
	out[n] = '\0';
	return out;
}

struct rule {
	const char *key; /* member of the body, or of "requester" */
	bool requester;
	size_t min, max;
	bool multiline;
};

static const struct rule rules[] = {
    {"subject", false, 3, 300, false},	 {"content", false, 10, 20000, true},
    {"form", false, 1, 200, false},	 {"name", true, 2, 200, false},
    {"postal_address", true, 5, 500, true}, {"phone", true, 3, 40, false},
    {"purpose", false, 3, 2000, true},	 {"format", false, 2, 200, false},
    {"manner", false, 2, 500, false},
};

static const char *value_of(const struct filing_input *in, const char *key)
{
	if (!strcmp(key, "subject")) return in->subject;
	if (!strcmp(key, "content")) return in->content;
	if (!strcmp(key, "form")) return in->form;
	if (!strcmp(key, "name")) return in->name;
	if (!strcmp(key, "postal_address")) return in->postal_address;
	if (!strcmp(key, "phone")) return in->phone;
	if (!strcmp(key, "purpose")) return in->purpose;
	if (!strcmp(key, "format")) return in->format;
	if (!strcmp(key, "manner")) return in->manner;
	if (!strcmp(key, "email")) return in->email;
	if (!strcmp(key, "kind")) return in->kind;
	if (!strcmp(key, "delivery")) return in->delivery;
	abort();
}

static void check_text(const char *v, const struct rule *r)
{
	size_t n = strlen(v);
	check(utf8_valid(v, n));
	if (!n)
		return;
	check(!isspace((unsigned char)v[0]) && !isspace((unsigned char)v[n - 1]));
	for (const char *p = v; *p; p++) {
		unsigned char c = (unsigned char)*p;
		check(c != 0x7f);
		if (c < 0x20)
			check(r->multiline ? (c == '\t' || c == '\n' || c == '\r') : c == '\t');
	}
	size_t k = chars(v);
	check(k >= r->min && k <= r->max);
}

static void check_email(const char *e)
{
	size_t n = strlen(e);
	const char *at = strchr(e, '@');
	check(n >= 3 && n <= 254 && at && at != e && !strchr(at + 1, '@') && strchr(at + 1, '.'));
	for (const char *p = e; *p; p++)
		check((unsigned char)*p > ' ' && *p != 0x7f && !strchr("<>()[]\\,;:\"", *p));
}

static void check_accepted(json_t *body, const struct filing_input *in)
{
	json_t *who = json_object_get(body, "requester");
	/* Every accepted text is the member's value, only trimmed. */
	static const struct {
		const char *key;
		bool requester;
	} all[] = {{"kind", false},	{"subject", false},	    {"content", false},
		   {"form", false},	{"delivery", false},	    {"purpose", false},
		   {"format", false},	{"manner", false},	    {"name", true},
		   {"email", true},	{"postal_address", true}, {"phone", true}};
	for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
		const char *v = value_of(in, all[i].key);
		check(v != NULL);
		char *want = expected(all[i].requester ? who : body, all[i].key);
		check(strcmp(v, want) == 0);
		free(want);
	}
	bool reuse = !strcmp(in->kind, "reuse");
	check(reuse || !strcmp(in->kind, "public_information"));
	bool by_email = !strcmp(in->delivery, "email"), by_post = !strcmp(in->delivery, "post");
	check(by_email || by_post || !strcmp(in->delivery, "tracking_page"));
	for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++)
		check_text(value_of(in, rules[i].key), &rules[i]);
	check(*in->subject && *in->content);
	if (*in->email || by_email)
		check_email(in->email);
	if (by_post || reuse)
		check(*in->postal_address);
	if (reuse)
		check(*in->name && *in->purpose && *in->format && *in->manner);
}

/* A member present with a type other than string (or null) is reported
 * under its own name. */
static void check_type_reported(json_t *obj, const char *key, const char *field,
				const struct filing_errors *errs)
{
	json_t *v = obj ? json_object_get(obj, key) : NULL;
	if (v && !json_is_string(v) && !json_is_null(v) && errs->n < FILING_MAX_ERRORS)
		check(filing_error_for(errs, field) != NULL);
}

static void check_refused(json_t *body, const struct filing_errors *errs)
{
	check(errs->n > 0 && errs->n <= FILING_MAX_ERRORS);
	for (int i = 0; i < errs->n; i++) {
		check(errs->e[i].field && known_field(errs->e[i].field));
		check(errs->e[i].message && *errs->e[i].message &&
		      utf8_valid(errs->e[i].message, strlen(errs->e[i].message)));
	}
	json_t *who = json_object_get(body, "requester");
	if (who && !json_is_object(who) && !json_is_null(who)) {
		check(filing_error_for(errs, "requester") != NULL);
		return;
	}
	check_type_reported(body, "subject", "subject", errs);
	check_type_reported(body, "content", "content", errs);
	check_type_reported(who, "email", "requester.email", errs);
}

static void fuzz_filing(json_t *body)
{
	arena_t *a = arena_new(0);
	struct filing_input in = {0};
	in.channel = "api";
	in.ip = "127.0.0.1";
	in.received_at = 1767607200; /* 2026-01-05 10:00 UTC */
	in.max_attachment = 5 * 1024 * 1024;
	struct filing_errors errs;
	memset(&errs, 0xA5, sizeof errs); /* must be set whatever the outcome */
	bool ok = api_filing_decode(a, body, &in, &errs);
	check(ok == (errs.n == 0));
	if (ok)
		check_accepted(body, &in);
	else
		check_refused(body, &errs);
	arena_free(a);
}

static void fuzz_action(json_t *body)
{
	const char *text = (const char *)1;
	long version = -2;
	json_t *t = json_object_get(body, "text"), *v = json_object_get(body, "version");
	bool ok = api_action_decode(body, &text, &version, NULL) == OUT_OK;
	struct track_step step = {0};
	/* The step reads the same members and two more. */
	check(api_step_decode(body, &step, NULL) != OUT_OK || ok);
	bool want = (!t || json_is_string(t) || json_is_null(t)) && (!v || json_is_integer(v));
	check(ok == want);
	if (!ok)
		return;
	check(json_is_string(t) ? text == json_string_value(t) : text == NULL);
	check(v ? version == (long)json_integer_value(v) : version == -1);
	if (text)
		check(utf8_valid(text, strlen(text)) && strlen(text) == json_string_length(t));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_error_t je;
	json_t *body = json_loadb((const char *)data, size, HTTP_JSON_FLAGS, &je);
	if (!body) {
		/* The problem document quotes jansson's message: it must be a
		 * string that ends. */
		check(memchr(je.text, '\0', sizeof je.text) != NULL);
		return 0;
	}
	if (json_is_object(body)) {
		fuzz_filing(body);
		fuzz_action(body);
	}
	json_decref(body);
	return 0;
}

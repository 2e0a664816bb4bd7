/* SPDX-License-Identifier: EUPL-1.2 */
#include "edor/proto.h"

#include <ctype.h>
#include <jansson.h>
#include <openssl/evp.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/strbuf.h"
#include "law/dispatch.h"

bool edor_address_valid(const char *s)
{
	/* One place for the form: the law core's (BAE, migration 0024). */
	return law_ade_address_valid(s);
}

bool edor_id_valid(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n == 0 || n > EDOR_ID_MAX || strspn(s, ".") == n)
		return false;
	for (const char *p = s; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("._:-", *p))
			return false;
	return true;
}

/* Days since 1970-01-01 of a civil date (H. Hinnant's days_from_civil). */
static int64_t days_from_civil(int y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* `n` ASCII digits at s, into *out. */
static bool digits(const char *s, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return true;
}

bool edor_parse_time(const char *s, int64_t *out)
{
	int y, mo, d, h, mi, se;
	if (!s || strlen(s) < 20 || !digits(s, 4, &y) || s[4] != '-' || !digits(s + 5, 2, &mo) ||
	    s[7] != '-' || !digits(s + 8, 2, &d) || (s[10] != 'T' && s[10] != 't') ||
	    !digits(s + 11, 2, &h) || s[13] != ':' || !digits(s + 14, 2, &mi) || s[16] != ':' ||
	    !digits(s + 17, 2, &se))
		return false;
	static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] ||
	    (mo == 2 && d == 29 && !leap) || h > 23 || mi > 59 || se > 60)
		return false;
	const char *p = s + 19;
	if (*p == '.') {
		size_t n = strspn(p + 1, "0123456789");
		if (n == 0 || n > 9)
			return false;
		p += 1 + n;
	}
	int offset = 0;
	if ((*p == 'Z' || *p == 'z') && p[1] == '\0') {
		offset = 0;
	} else if ((*p == '+' || *p == '-') && strlen(p) == 6 && p[3] == ':') {
		int oh, om;
		if (!digits(p + 1, 2, &oh) || !digits(p + 4, 2, &om) || oh > 23 || om > 59)
			return false;
		offset = (oh * 60 + om) * 60 * (*p == '-' ? -1 : 1);
	} else {
		return false;
	}
	int64_t t = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + (se > 59 ? 59 : se);
	t -= offset;
	if (t < 0)
		return false;
	*out = t;
	return true;
}

/* --- reading hostile JSON ------------------------------------------------ */

static json_t *load(const char *body, size_t len, char *err, size_t errlen)
{
	if (!body || len == 0) {
		snprintf(err, errlen, "empty answer");
		return NULL;
	}
	if (len > EDOR_JSON_MAX) {
		snprintf(err, errlen, "answer of %zu bytes is over the limit", len);
		return NULL;
	}
	json_error_t je;
	json_t *j = json_loadb(body, len, JSON_REJECT_DUPLICATES, &je);
	if (!j)
		snprintf(err, errlen, "answer is not JSON: %.200s", je.text);
	return j;
}

/* Copies a JSON string (jansson's are valid UTF-8 without NUL) into
 * dst[cap]: control characters become spaces, a longer text is cut at a
 * character boundary. False when `v` is not a string. */
static bool copy_text(char *dst, size_t cap, json_t *v)
{
	dst[0] = '\0';
	if (!json_is_string(v))
		return false;
	const char *s = json_string_value(v);
	size_t n = json_string_length(v);
	if (n >= cap) {
		n = cap - 1;
		while (n && ((unsigned char)s[n] & 0xC0) == 0x80)
			n--;
	}
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		dst[i] = c < 0x20 || c == 0x7f ? ' ' : (char)c;
	}
	dst[n] = '\0';
	return true;
}

/* An identifier we may put into a URL path, or false. */
static bool copy_id(char dst[EDOR_ID_MAX + 1], json_t *v)
{
	dst[0] = '\0';
	if (!json_is_string(v) || json_string_length(v) > EDOR_ID_MAX ||
	    !edor_id_valid(json_string_value(v)))
		return false;
	memcpy(dst, json_string_value(v), json_string_length(v) + 1);
	return true;
}

bool edor_parse_token(const char *body, size_t len, struct edor_token *out, char *err,
                      size_t errlen)
{
	json_t *j = load(body, len, err, errlen);
	bool ok = false;
	out->access_token[0] = '\0';
	out->expires_in = 0;
	if (!j)
		return false;
	json_t *tok = json_object_get(j, "access_token"), *type = json_object_get(j, "token_type"),
	       *exp = json_object_get(j, "expires_in");
	if (!json_is_object(j) || !json_is_string(tok) || json_string_length(tok) == 0 ||
	    json_string_length(tok) > EDOR_TOKEN_MAX) {
		snprintf(err, errlen, "token answer without a usable access_token");
		goto out;
	}
	/* RFC 6750 §2.1 b64token: it goes into the Authorization header. */
	const char *t = json_string_value(tok);
	size_t n = strspn(t, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~+/");
	n += strspn(t + n, "=");
	if (n != json_string_length(tok)) {
		snprintf(err, errlen, "access_token holds characters a header cannot carry");
		goto out;
	}
	if (type && (!json_is_string(type) || strcasecmp(json_string_value(type), "Bearer") != 0)) {
		snprintf(err, errlen, "token_type is not Bearer");
		goto out;
	}
	long secs = 300;
	if (exp) {
		if (!json_is_integer(exp) || json_integer_value(exp) < 1 ||
		    json_integer_value(exp) > 86400) {
			snprintf(err, errlen, "expires_in is not a number of seconds from 1 to 86400");
			goto out;
		}
		secs = (long)json_integer_value(exp);
	}
	memcpy(out->access_token, t, json_string_length(tok) + 1);
	out->expires_in = secs;
	ok = true;
out:
	json_decref(j);
	return ok;
}

bool edor_parse_message_info(const char *body, size_t len, char task_id[EDOR_ID_MAX + 1],
                             char *err, size_t errlen)
{
	json_t *j = load(body, len, err, errlen);
	task_id[0] = '\0';
	if (!j)
		return false;
	bool ok = json_is_object(j) && copy_id(task_id, json_object_get(j, "messageTaskId"));
	if (!ok)
		snprintf(err, errlen, "answer to the message carries no usable messageTaskId");
	json_decref(j);
	return ok;
}

bool edor_parse_task_status(const char *body, size_t len, enum edor_task_state *out, char *err,
                            size_t errlen)
{
	json_t *j = load(body, len, err, errlen);
	if (!j)
		return false;
	json_t *s = json_object_get(j, "messageTaskStatus");
	bool ok = true;
	if (json_is_string(s) && !strcmp(json_string_value(s), "FINISHED"))
		*out = EDOR_TASK_FINISHED;
	else if (json_is_string(s) && !strcmp(json_string_value(s), "PENDING"))
		*out = EDOR_TASK_PENDING;
	else {
		snprintf(err, errlen, "messageTaskStatus is neither FINISHED nor PENDING");
		ok = false;
	}
	json_decref(j);
	return ok;
}

bool edor_parse_task_result(const char *body, size_t len, struct edor_task_result *out,
                            char *err, size_t errlen)
{
	memset(out, 0, sizeof *out);
	json_t *j = load(body, len, err, errlen);
	if (!j)
		return false;
	bool ok = false;
	json_t *e = json_is_array(j) ? json_array_get(j, 0) : NULL;
	if (!json_is_object(e)) {
		snprintf(err, errlen, "task answer is not an array of results");
		goto out;
	}
	json_t *code = json_object_get(e, "error"), *desc = json_object_get(e, "error_description");
	if ((json_is_string(code) && json_string_length(code)) ||
	    (json_is_string(desc) && json_string_length(desc))) {
		char c[101] = "", d[EDOR_TEXT_MAX - 102] = ""; /* both fit in reason */
		copy_text(c, sizeof c, code);
		copy_text(d, sizeof d, desc);
		out->refused = true;
		snprintf(out->reason, sizeof out->reason, "%s%s%s", c, *c && *d ? ": " : "", d);
		ok = true;
		goto out;
	}
	if (!copy_id(out->message_id, json_object_get(e, "messageId"))) {
		snprintf(err, errlen, "task result carries neither a usable messageId nor an error");
		goto out;
	}
	ok = true;
out:
	json_decref(j);
	return ok;
}

enum edor_evidence_kind edor_evidence_kind_of(const char *type)
{
	/* The API's enum has "A.1" and "A1", "BP.WX" and "BPWX": compare
	 * without the dots. */
	char t[EDOR_TYPE_MAX + 1];
	size_t n = 0;
	for (const char *p = type; *p && n < EDOR_TYPE_MAX; p++)
		if (*p != '.')
			t[n++] = *p;
	t[n] = '\0';
	static const struct {
		const char *type;
		enum edor_evidence_kind kind;
	} table[] = {
	    {"A1", EDOR_EV_ACCEPTED},	{"A2", EDOR_EV_REJECTED},	{"BPWX", EDOR_EV_SENT},
	    {"BPWP", EDOR_EV_SENT},	{"E1", EDOR_EV_RECEIVED},	{"BPOX", EDOR_EV_RECEIVED},
	    {"BPOP", EDOR_EV_RECEIVED}, {"E2", EDOR_EV_NOT_DELIVERED},
	    {"HEPO", EDOR_EV_HYBRID_DELIVERED},
	};
	for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
		if (!strcmp(t, table[i].type))
			return table[i].kind;
	return EDOR_EV_OTHER;
}

/* The types the API's Evidence.type enum lists. */
static bool evidence_type_known(const char *t)
{
	static const char *const types[] = {
	    "A.1",  "A.2",  "B.1",  "B.2",  "B.3",  "D.1",   "D.2",   "D.3",  "E.1", "E.2",
	    "BP.WX", "BP.WP", "BP.OX", "BP.OP", "H.DW", "H.PN", "H.EPO", "E1",   "BPOX", "BPOP",
	    "BPWX", "D",    "D1",   "B2",   "C2",   "A1",    "A2",    "B1",   "B3",  "D2",
	    "D3",   "E2",   "BPWP", "HDW",  "HPN",  "HEPO",
	};
	for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
		if (!strcmp(t, types[i]))
			return true;
	return false;
}

static void evidence_reason(struct edor_evidence *ev, json_t *e)
{
	strbuf_t sb;
	sb_init(&sb, NULL);
	char part[EDOR_TEXT_MAX + 1];
	if (copy_text(part, sizeof part, json_object_get(e, "reasonId")) && *part)
		sb_puts(&sb, part);
	json_t *details = json_object_get(e, "reasonDetails"), *d;
	size_t i;
	json_array_foreach(details, i, d)
	{
		if (i >= 20 || sb.len > EDOR_TEXT_MAX)
			break;
		if (copy_text(part, sizeof part, d) && *part) {
			if (sb.len)
				sb_puts(&sb, "; ");
			sb_puts(&sb, part);
		}
	}
	size_t n = sb.len < EDOR_TEXT_MAX ? sb.len : EDOR_TEXT_MAX;
	while (n && n < sb.len && ((unsigned char)sb.data[n] & 0xC0) == 0x80)
		n--;
	memcpy(ev->reason, sb.len ? sb.data : "", n);
	ev->reason[n] = '\0';
	sb_free(&sb);
}

int edor_parse_evidences(const char *body, size_t len, struct edor_evidence *out, int max,
                         int *total, char *err, size_t errlen)
{
	*total = 0;
	json_t *j = load(body, len, err, errlen);
	if (!j)
		return -1;
	json_t *list = json_object_get(j, "evidences");
	if (!json_is_object(j) || (list && !json_is_array(list))) {
		snprintf(err, errlen, "answer is not an EvidenceWrapper");
		json_decref(j);
		return -1;
	}
	int n = 0;
	size_t i;
	json_t *e;
	json_array_foreach(list, i, e)
	{
		(*total)++;
		if (n >= max || !json_is_object(e))
			continue;
		struct edor_evidence *ev = &out[n];
		memset(ev, 0, sizeof *ev);
		json_t *type = json_object_get(e, "type");
		if (!copy_id(ev->id, json_object_get(e, "evidenceId")) || !json_is_string(type) ||
		    !evidence_type_known(json_string_value(type)))
			continue;
		snprintf(ev->type, sizeof ev->type, "%s", json_string_value(type));
		json_t *when = json_object_get(e, "eventDate");
		if (!json_is_string(when) || !edor_parse_time(json_string_value(when), &ev->event_at)) {
			when = json_object_get(e, "createDate");
			if (!json_is_string(when) ||
			    !edor_parse_time(json_string_value(when), &ev->event_at))
				ev->event_at = 0;
		}
		evidence_reason(ev, e);
		n++;
	}
	json_decref(j);
	return n;
}

int edor_parse_find_message(const char *body, size_t len, const char *reference,
                            char message_id[EDOR_ID_MAX + 1], char *err, size_t errlen)
{
	message_id[0] = '\0';
	json_t *j = load(body, len, err, errlen);
	if (!j)
		return -1;
	json_t *list = json_object_get(j, "messages");
	if (!json_is_object(j) || !json_is_array(list)) {
		snprintf(err, errlen, "answer is not a MessagesWrapper");
		json_decref(j);
		return -1;
	}
	int found = 0;
	size_t i;
	json_t *m;
	json_array_foreach(list, i, m)
	{
		json_t *meta = json_object_get(m, "messageMetadata");
		json_t *subject = json_object_get(meta, "subject");
		if (!json_is_string(subject) || !*reference ||
		    !strstr(json_string_value(subject), reference))
			continue;
		if (copy_id(message_id, json_object_get(meta, "messageId"))) {
			found = 1;
			break;
		}
	}
	json_decref(j);
	return found;
}

bool edor_parse_lookup(const char *body, size_t len, char out[EDOR_ADDRESS_LEN + 1],
                       bool *found, char *err, size_t errlen)
{
	*found = false;
	out[0] = '\0';
	json_t *j = load(body, len, err, errlen);
	if (!j)
		return false;
	json_t *list = json_object_get(j, "addresses");
	if (!json_is_object(j) || !json_is_array(list)) {
		snprintf(err, errlen, "answer of the search engine has no addresses list");
		json_decref(j);
		return false;
	}
	size_t i;
	json_t *e;
	json_array_foreach(list, i, e)
	{
		json_t *a = json_object_get(e, "eDeliveryAddress"), *st = json_object_get(e, "status");
		if (!json_is_string(a) || !edor_address_valid(json_string_value(a)))
			continue;
		if (st && (!json_is_string(st) || strcmp(json_string_value(st), "active") != 0))
			continue;
		memcpy(out, json_string_value(a), EDOR_ADDRESS_LEN + 1);
		*found = true;
		break;
	}
	json_decref(j);
	return true;
}

void edor_parse_error(const char *body, size_t len, char out[EDOR_TEXT_MAX + 1])
{
	char err[64];
	out[0] = '\0';
	json_t *j = load(body, len, err, sizeof err);
	json_t *e = json_is_array(j) ? json_array_get(j, 0) : j;
	if (json_is_object(e)) {
		char c[101] = "", d[EDOR_TEXT_MAX - 102] = "";
		copy_text(c, sizeof c, json_object_get(e, "error"));
		copy_text(d, sizeof d, json_object_get(e, "error_description"));
		snprintf(out, EDOR_TEXT_MAX + 1, "%s%s%s", c, *c && *d ? ": " : "", d);
	}
	json_decref(j);
	if (*out || !body)
		return;
	size_t n = len < 200 ? len : 200, k = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)body[i];
		out[k++] = ch >= 0x20 && ch < 0x7f ? (char)ch : '?';
	}
	out[k] = '\0';
}

/* --- postal addresses ------------------------------------------------------ */

static void trim_copy(char *dst, size_t cap, const char *s, size_t n)
{
	while (n && (isspace((unsigned char)*s) || *s == ','))
		s++, n--;
	while (n && (isspace((unsigned char)s[n - 1]) || s[n - 1] == ','))
		n--;
	if (n >= cap) {
		n = cap - 1;
		while (n && ((unsigned char)s[n] & 0xC0) == 0x80)
			n--;
	}
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		dst[i] = c < 0x20 || c == 0x7f ? ' ' : (char)c;
	}
	dst[n] = '\0';
}

static bool is_postcode_at(const char *s, size_t i, size_t n)
{
	if (i + 6 > n)
		return false;
	const char *p = s + i;
	for (int k = 0; k < 6; k++)
		if (k == 2 ? p[k] != '-' : !(p[k] >= '0' && p[k] <= '9'))
			return false;
	bool before = i == 0 || isspace((unsigned char)s[i - 1]) || s[i - 1] == ',';
	bool after = i + 6 == n || isspace((unsigned char)s[i + 6]) || s[i + 6] == ',';
	return before && after;
}

bool edor_postal_parse(const char *text, struct edor_postal *out)
{
	memset(out, 0, sizeof *out);
	size_t n = text ? strlen(text) : 0;
	if (n == 0 || n > 500)
		return false;
	/* The last postcode: "ul. Lipowa 5, 00-950 Warszawa". */
	size_t pc = n;
	for (size_t i = 0; i + 6 <= n; i++)
		if (is_postcode_at(text, i, n))
			pc = i;
	if (pc == n)
		return false;
	memcpy(out->postal_code, text + pc, 6);
	trim_copy(out->city, sizeof out->city, text + pc + 6, n - pc - 6);
	/* A line break or a comma after the city ends it. */
	out->city[strcspn(out->city, ",\n\r")] = '\0';
	trim_copy(out->city, sizeof out->city, out->city, strlen(out->city));
	/* The street line is the last line before the postcode ("Jan Nowak\nul.
	 * Lipowa 5\n00-950 Warszawa"): line breaks and commas just before the
	 * postcode do not count. */
	size_t end = pc;
	while (end && (isspace((unsigned char)text[end - 1]) || text[end - 1] == ','))
		end--;
	size_t start = end;
	while (start && text[start - 1] != '\n' && text[start - 1] != '\r')
		start--;
	char street[501];
	trim_copy(street, sizeof street, text + start, end - start);
	if (!*out->city || !*street)
		return false;
	/* The number: the last word with a digit; "5/3" or "5 m. 3", "5 lok. 3". */
	char *words[64];
	int nw = 0;
	for (char *w = strtok(street, " \t"); w && nw < 64; w = strtok(NULL, " \t"))
		words[nw++] = w;
	int num = -1;
	for (int i = nw - 1; i >= 0 && num < 0; i--)
		if (strpbrk(words[i], "0123456789"))
			num = i;
	if (num >= 2 && (!strcmp(words[num - 1], "m.") || !strcmp(words[num - 1], "lok.")) &&
	    strpbrk(words[num - 2], "0123456789")) {
		trim_copy(out->flat, sizeof out->flat, words[num], strlen(words[num]));
		num -= 2;
	}
	strbuf_t sb;
	sb_init(&sb, NULL);
	for (int i = 0; i < nw; i++) {
		if (i == num || (num >= 0 && i > num))
			continue;
		if (sb.len)
			sb_putc(&sb, ' ');
		sb_puts(&sb, words[i]);
	}
	if (num >= 0) {
		char *slash = strchr(words[num], '/');
		if (slash && !*out->flat) {
			trim_copy(out->flat, sizeof out->flat, slash + 1, strlen(slash + 1));
			*slash = '\0';
		}
		trim_copy(out->building, sizeof out->building, words[num], strlen(words[num]));
	}
	/* A village without streets: "Kozia Wólka 12" keeps its name as the street. */
	trim_copy(out->street, sizeof out->street, sb.len ? sb.data : "", sb.len);
	sb_free(&sb);
	if (!*out->street)
		trim_copy(out->street, sizeof out->street, out->city, strlen(out->city));
	return *out->street && *out->city;
}

/* --- building requests ----------------------------------------------------- */

char *edor_base64(arena_t *a, const unsigned char *data, size_t len)
{
	size_t cap = sodium_base64_ENCODED_LEN(len, sodium_base64_VARIANT_ORIGINAL);
	char *out = arena_alloc(a, cap);
	sodium_bin2base64(out, cap, data, len, sodium_base64_VARIANT_ORIGINAL);
	return out;
}

static char *base64url(arena_t *a, const unsigned char *data, size_t len)
{
	size_t cap = sodium_base64_ENCODED_LEN(len, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	char *out = arena_alloc(a, cap);
	sodium_bin2base64(out, cap, data, len, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	return out;
}

/* At most `chars` characters of s (UTF-8), in the arena. */
static char *cut(arena_t *a, const char *s, size_t chars)
{
	size_t i = 0, k = 0;
	while (s[i] && k < chars) {
		i++;
		while (((unsigned char)s[i] & 0xC0) == 0x80)
			i++;
		k++;
	}
	return arena_strndup(a, s, i);
}

static json_t *postal_json(const struct edor_postal *p)
{
	json_t *o = json_pack("{s:s, s:s, s:s, s:s}", "country", "PL", "street", p->street,
	                      "postalCode", p->postal_code, "city", p->city);
	if (*p->building)
		json_object_set_new(o, "buildingNumber", json_string(p->building));
	if (*p->flat)
		json_object_set_new(o, "houseNumber", json_string(p->flat));
	return o;
}

/* Contributor of a person: "Jan Maria Kowalski" → firstName "Jan Maria",
 * lastName "Kowalski". */
static json_t *person_json(arena_t *a, const char *name)
{
	const char *sp = strrchr(name, ' ');
	if (!sp)
		return json_pack("{s:s}", "lastName", name);
	return json_pack("{s:s, s:s}", "firstName", arena_strndup(a, name, (size_t)(sp - name)),
	                 "lastName", sp + 1);
}

static json_t *attachment_json(arena_t *a, const struct edor_attachment *att, size_t order,
                               char *err, size_t errlen)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	if (!EVP_Digest(att->data, att->len, md, &mdlen, EVP_sha3_256(), NULL)) {
		snprintf(err, errlen, "cannot compute SHA3-256 of %s", att->filename);
		return NULL;
	}
	json_t *meta = json_pack("{s:s, s:s, s:s, s:I, s:s, s:s}", "fileId", att->file_id,
	                         "filename", att->filename, "contentType", att->content_type,
	                         "size", (json_int_t)att->len, "alg", "SHA-3", "hash",
	                         edor_base64(a, md, mdlen));
	return json_pack("{s:I, s:{s:o, s:s}}", "order", (json_int_t)order, "file", "fileMetadata",
	                 meta, "file", edor_base64(a, att->data, att->len));
}

char *edor_message_json(arena_t *a, const struct edor_message *m, char *err, size_t errlen)
{
	json_t *from = json_pack("{s:s}", "eDeliveryAddress", m->from_address);
	json_t *to = json_object();
	if (m->hybrid) {
		/* UA API "Wysyłka hybrydowa": the addressee's physical address, and the
		 * sender's too; PUH takes 50 characters of a company name. */
		json_object_set_new(from, "address", postal_json(m->from_postal));
		json_object_set_new(from, "contributor",
		                    json_pack("{s:s}", "companyName", cut(a, m->from_name, 50)));
		json_object_set_new(to, "address", postal_json(m->to_postal));
		json_object_set_new(to, "contributor", person_json(a, m->to_name));
	} else {
		json_object_set_new(to, "eDeliveryAddress", json_string(m->to_address));
	}
	json_t *meta = json_pack("{s:s, s:o, s:[o], s:s, s:s, s:{s:s}}", "shippingService",
	                         m->hybrid ? "hybrid" : "electronic", "from", from, "to", to,
	                         "subject", m->subject, "caseId", m->case_id, "additionalData",
	                         "jawnoscReference", m->reference);
	if (m->hybrid)
		json_object_set_new(
		    meta, "hybridShipment",
		    json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:s}", "procedingType",
		              "administrative", "categoryService", "priority", "printingMode", "duplex",
		              "overprintMode", "monochrome", "returnService", "returntosender",
		              "shippingMode", "registered", "proofOfDelivery", 1, "sendersInformation",
		              cut(a, m->from_name, 30)));
	json_t *atts = json_array();
	for (size_t i = 0; i < m->natt; i++) {
		json_t *x = attachment_json(a, &m->att[i], i + 1, err, errlen);
		if (!x) {
			json_decref(atts);
			json_decref(meta);
			return NULL;
		}
		json_array_append_new(atts, x);
	}
	json_t *msg = json_pack("{s:o, s:s, s:o}", "messageMetadata", meta, "textBody",
	                        cut(a, m->text, 5000), "attachments", atts);
	char *s = json_dumps(msg, JSON_COMPACT);
	json_decref(msg);
	if (!s)
		oom();
	char *copy = arena_strdup(a, s);
	free(s);
	return copy;
}

char *edor_jwt_assertion(arena_t *a, EVP_PKEY *key, const char *client_id, const char *aud,
                         const char *jti, int64_t now, long lifetime, char *err, size_t errlen)
{
	if (!key || EVP_PKEY_base_id(key) != EVP_PKEY_RSA) {
		snprintf(err, errlen, "the key is not an RSA key (RS256 needs one)");
		return NULL;
	}
	static const char header[] = "{\"alg\":\"RS256\",\"typ\":\"JWT\"}";
	json_t *claims = json_pack("{s:s, s:s, s:s, s:s, s:I, s:I}", "iss", client_id, "sub",
	                           client_id, "aud", aud, "jti", jti, "iat", (json_int_t)now, "exp",
	                           (json_int_t)(now + lifetime));
	char *payload = claims ? json_dumps(claims, JSON_COMPACT) : NULL;
	json_decref(claims);
	if (!payload) {
		snprintf(err, errlen, "cannot build the assertion's claims");
		return NULL;
	}
	char *input = arena_printf(a, "%s.%s",
	                           base64url(a, (const unsigned char *)header, sizeof header - 1),
	                           base64url(a, (const unsigned char *)payload, strlen(payload)));
	free(payload);
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	size_t siglen = 0;
	unsigned char *sig = NULL;
	bool ok = ctx && EVP_DigestSignInit(ctx, NULL, EVP_sha256(), NULL, key) == 1 &&
	          EVP_DigestSign(ctx, NULL, &siglen, (const unsigned char *)input, strlen(input)) == 1;
	if (ok) {
		sig = arena_alloc(a, siglen);
		ok = EVP_DigestSign(ctx, sig, &siglen, (const unsigned char *)input, strlen(input)) == 1;
	}
	EVP_MD_CTX_free(ctx);
	if (!ok) {
		snprintf(err, errlen, "the key cannot sign the assertion (RS256)");
		return NULL;
	}
	return arena_printf(a, "%s.%s", input, base64url(a, sig, siglen));
}

/* --- the inbox ------------------------------------------------------------------ */

int edor_parse_inbox(const char *body, size_t len, struct edor_listed *out, int max,
                     int *listed, char *err, size_t errlen)
{
	*listed = 0;
	json_t *j = load(body, len, err, errlen);
	if (!j)
		return -1;
	json_t *msgs = json_object_get(j, "messages");
	if (!json_is_object(j) || !json_is_array(msgs)) {
		snprintf(err, errlen, "inbox answer is not a MessagesWrapper");
		json_decref(j);
		return -1;
	}
	int n = 0;
	size_t i;
	json_t *m;
	json_array_foreach(msgs, i, m)
	{
		(*listed)++;
		json_t *meta = json_object_get(m, "messageMetadata");
		if (n >= max || !copy_id(out[n].id, json_object_get(meta, "messageId")))
			continue;
		json_t *sub = json_object_get(meta, "submissionDate");
		out[n].submitted = 0;
		if (json_is_string(sub) && !edor_parse_time(json_string_value(sub), &out[n].submitted))
			out[n].submitted = 0;
		n++;
	}
	json_decref(j);
	return n;
}

/* A JSON string as arena text: control characters but (when `lines`) LF
 * and TAB become spaces, CR LF and CR become LF, cut at `cap` bytes on a
 * character boundary. "" when not a string. */
static const char *arena_text(arena_t *a, json_t *v, size_t cap, bool lines)
{
	if (!json_is_string(v))
		return "";
	const char *s = json_string_value(v);
	size_t n = json_string_length(v);
	if (n > cap) {
		n = cap;
		while (n && ((unsigned char)s[n] & 0xC0) == 0x80)
			n--;
	}
	char *out = arena_alloc(a, n + 1);
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (lines && c == '\r') {
			out[o++] = '\n';
			if (i + 1 < n && s[i + 1] == '\n')
				i++;
		} else if (lines && (c == '\n' || c == '\t')) {
			out[o++] = (char)c;
		} else {
			out[o++] = c < 0x20 || c == 0x7f ? ' ' : (char)c;
		}
	}
	out[o] = '\0';
	return out;
}

/* The sender's name: a company's, else a person's first and last. */
static const char *sender_name(arena_t *a, json_t *from)
{
	json_t *who = json_object_get(from, "contributor");
	const char *company = arena_text(a, json_object_get(who, "companyName"), 300, false);
	if (*company)
		return company;
	const char *first = arena_text(a, json_object_get(who, "firstName"), 150, false);
	const char *last = arena_text(a, json_object_get(who, "lastName"), 150, false);
	return arena_printf(a, "%s%s%s", first, *first && *last ? " " : "", last);
}

static bool token_chars(const char *s, size_t n)
{
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && !strchr("!#$&-^_.+", s[i]))
			return false;
	return true;
}

/* "type/subtype" of token characters, lower case, else octet-stream. */
static const char *safe_content_type(arena_t *a, json_t *v)
{
	const char *s = json_is_string(v) ? json_string_value(v) : "";
	const char *slash = strchr(s, '/');
	size_t n = strlen(s);
	if (!slash || n > 127 || !token_chars(s, (size_t)(slash - s)) ||
	    !token_chars(slash + 1, strlen(slash + 1)))
		return "application/octet-stream";
	char *out = arena_strdup(a, s);
	for (char *p = out; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return out;
}

/* The attachment's content (file.file, base64) and its check against
 * fileMetadata's size and SHA-3 hash. */
static bool attachment_content(arena_t *a, json_t *file, struct edor_received_att *att,
                               char *err, size_t errlen)
{
	json_t *content = json_object_get(file, "file");
	json_t *meta = json_object_get(file, "fileMetadata");
	att->data = NULL;
	att->len = 0;
	att->hash_checked = att->hash_ok = false;
	if (!json_is_string(content))
		return true;
	size_t b64 = json_string_length(content);
	unsigned char *bin = arena_alloc(a, b64 / 4 * 3 + 3);
	size_t bl = 0;
	if (sodium_base642bin(bin, b64 / 4 * 3 + 3, json_string_value(content), b64, " \r\n", &bl,
	                      NULL, sodium_base64_VARIANT_ORIGINAL) != 0) {
		snprintf(err, errlen, "attachment %s: its content is not base64", att->id);
		return false;
	}
	att->data = bin;
	att->len = bl;
	json_t *size = json_object_get(meta, "size"), *alg = json_object_get(meta, "alg"),
	       *hash = json_object_get(meta, "hash");
	if (json_is_string(hash)) {
		unsigned char md[EVP_MAX_MD_SIZE];
		unsigned int mdlen = 0;
		att->hash_checked = true;
		att->hash_ok = json_is_string(alg) && !strcmp(json_string_value(alg), "SHA-3") &&
		               EVP_Digest(bin, bl, md, &mdlen, EVP_sha3_256(), NULL) &&
		               !strcmp(edor_base64(a, md, mdlen), json_string_value(hash));
	}
	if (json_is_integer(size) && json_integer_value(size) != (json_int_t)bl)
		att->hash_checked = true, att->hash_ok = false;
	return true;
}

/* One Attachment object into `att`; `seq` names it when it has no name. */
static bool one_attachment(arena_t *a, json_t *v, size_t seq, struct edor_received_att *att,
                           char *err, size_t errlen)
{
	memset(att, 0, sizeof *att);
	copy_id(att->id, json_object_get(v, "attachmentId"));
	json_t *file = json_object_get(v, "file");
	json_t *meta = json_object_get(file, "fileMetadata");
	const char *name = arena_text(a, json_object_get(meta, "filename"), 255, false);
	/* A name is only a name: no path, no leading dot, not empty. */
	char *clean = arena_strdup(a, name);
	for (char *p = clean; *p; p++)
		if (*p == '/' || *p == '\\')
			*p = '_';
	while (*clean == '.' || *clean == ' ')
		clean++;
	att->filename = *clean ? clean : arena_printf(a, "zalacznik-%zu", seq);
	att->content_type = safe_content_type(a, json_object_get(meta, "contentType"));
	att->description = arena_text(a, json_object_get(meta, "description"), 500, false);
	return attachment_content(a, file, att, err, errlen);
}

bool edor_parse_received(arena_t *a, const char *body, size_t len, struct edor_received *out,
                         char *err, size_t errlen)
{
	memset(out, 0, sizeof *out);
	if (!body || len == 0 || len > EDOR_MESSAGE_MAX) {
		snprintf(err, errlen, "message answer empty or over %d bytes", EDOR_MESSAGE_MAX);
		return false;
	}
	json_error_t je;
	json_t *j = json_loadb(body, len, JSON_REJECT_DUPLICATES, &je);
	if (!j) {
		snprintf(err, errlen, "message answer is not JSON: %.200s", je.text);
		return false;
	}
	bool ok = false;
	json_t *m = json_is_array(j) ? json_array_get(j, 0) : NULL;
	json_t *meta = json_object_get(m, "messageMetadata");
	if (!json_is_object(m) || !copy_id(out->id, json_object_get(meta, "messageId"))) {
		snprintf(err, errlen, "message answer is not an array of Message with a messageId");
		goto out;
	}
	json_t *from = json_object_get(meta, "from");
	json_t *ade = json_object_get(from, "eDeliveryAddress");
	if (json_is_string(ade) && edor_address_valid(json_string_value(ade)))
		snprintf(out->from_address, sizeof out->from_address, "%s", json_string_value(ade));
	out->from_name = sender_name(a, from);
	out->subject = arena_text(a, json_object_get(meta, "subject"), 1000, false);
	out->case_id = arena_text(a, json_object_get(meta, "caseId"), 200, false);
	out->text = arena_text(a, json_object_get(m, "textBody"), 5000 * 4, true);
	static const char *const dates[] = {"submissionDate", "timestamp", "eventDate"};
	for (size_t i = 0; i < 3 && !out->at; i++) {
		json_t *d = json_object_get(meta, dates[i]);
		if (!json_is_string(d) || !edor_parse_time(json_string_value(d), &out->at))
			out->at = 0;
	}
	json_t *atts = json_object_get(m, "attachments");
	size_t n = json_is_array(atts) ? json_array_size(atts) : 0;
	if (n > EDOR_ATTACHMENTS_MAX)
		n = EDOR_ATTACHMENTS_MAX;
	out->att = arena_alloc(a, (n ? n : 1) * sizeof *out->att);
	for (size_t i = 0; i < n; i++)
		if (!one_attachment(a, json_array_get(atts, i), i + 1, &out->att[out->natt++], err,
		                    errlen))
			goto out;
	ok = true;
out:
	json_decref(j);
	return ok;
}

bool edor_parse_attachment(arena_t *a, const char *body, size_t len,
                           struct edor_received_att *att, char *err, size_t errlen)
{
	if (!body || len == 0 || len > EDOR_MESSAGE_MAX) {
		snprintf(err, errlen, "attachment answer empty or over %d bytes", EDOR_MESSAGE_MAX);
		return false;
	}
	json_error_t je;
	json_t *j = json_loadb(body, len, JSON_REJECT_DUPLICATES, &je);
	if (!j) {
		snprintf(err, errlen, "attachment answer is not JSON: %.200s", je.text);
		return false;
	}
	bool ok = json_is_object(j) &&
	          attachment_content(a, json_object_get(j, "file"), att, err, errlen);
	if (ok && !att->data) {
		snprintf(err, errlen, "attachment %s: the answer holds no content", att->id);
		ok = false;
	}
	json_decref(j);
	return ok;
}

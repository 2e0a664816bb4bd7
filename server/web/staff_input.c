/* SPDX-License-Identifier: EUPL-1.2 */
#include "web/staff_input.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "law/channel.h"
#include "law/date.h"
#include "law/lifecycle.h"
#include "web/api_input.h"

#define BEARER_MAX 512
#define FILENAME_MAX_BYTES 255
/* Ids as web_id_param() takes them: below 10^12. */
#define ID_DIGITS_MAX 12

static bool token68_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/';
}

const char *staff_bearer(arena_t *a, const char *h)
{
	if (!h || strncasecmp(h, "Bearer", 6) != 0 || h[6] != ' ')
		return NULL;
	const char *t = h + 6;
	while (*t == ' ')
		t++;
	size_t n = 0;
	while (token68_char(t[n]))
		n++;
	size_t eq = 0;
	while (t[n + eq] == '=')
		eq++;
	if (n == 0 || n + eq > BEARER_MAX || t[n + eq] != '\0')
		return NULL;
	return arena_strndup(a, t, n + eq);
}

/* ---- The list ------------------------------------------------------------- */

static bool digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return n > 0;
}

/* An id of 1..ID_DIGITS_MAX digits, not 0. */
static bool id_text(const char *s)
{
	size_t n = strlen(s);
	return n <= ID_DIGITS_MAX && digits(s, n) && strspn(s, "0") < n;
}

static bool date_text(const char *s)
{
	law_date_t d;
	return s && law_date_parse(s, &d) && law_date_in_range(d);
}

const char *staff_cursor(arena_t *a, const char *due, const char *id)
{
	if (!due || !id || (strcmp(due, "none") && !date_text(due)) || !id_text(id))
		return NULL;
	return arena_printf(a, "%s_%s", due, id);
}

static int number(const char *s, size_t n)
{
	int v = 0;
	for (size_t i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

/* "<due>_<id>" (staff_cursor()) into the filter's keyset. */
static bool cursor_decode(arena_t *a, const char *cursor, struct queue_filter *f)
{
	const char *sep = strchr(cursor, '_');
	char due[LAW_DATE_STRLEN];
	size_t n = sep ? (size_t)(sep - cursor) : 0;
	if (!sep || n >= sizeof due)
		return false;
	memcpy(due, cursor, n);
	due[n] = '\0';
	if ((strcmp(due, "none") && !date_text(due)) || !id_text(sep + 1))
		return false;
	f->after_due = arena_strdup(a, due);
	f->after_id = atoll(sep + 1);
	return true;
}

bool staff_instant_valid(const char *s)
{
	/* YYYY-MM-DDTHH:MM:SS */
	if (!s || strlen(s) < 20)
		return false;
	char date[LAW_DATE_STRLEN];
	memcpy(date, s, 10);
	date[10] = '\0';
	law_date_t d;
	if (!law_date_parse(date, &d) || number(s, 4) < 1970 || (s[10] != 'T' && s[10] != 't') ||
	    !digits(s + 11, 2) || s[13] != ':' || !digits(s + 14, 2) || s[16] != ':' ||
	    !digits(s + 17, 2) || number(s + 11, 2) > 23 || number(s + 14, 2) > 59 ||
	    number(s + 17, 2) > 60)
		return false;
	const char *p = s + 19;
	if (*p == '.') {
		size_t n = strspn(p + 1, "0123456789");
		if (n == 0 || n > 9)
			return false;
		p += 1 + n;
	}
	if ((*p == 'Z' || *p == 'z') && p[1] == '\0')
		return true;
	/* PostgreSQL takes offsets below 16 hours (real ones stay within 14):
	 * a larger one would be its error, a 500, not the client's 422. */
	return (*p == '+' || *p == '-') && digits(p + 1, 2) && p[3] == ':' && digits(p + 4, 2) &&
	       p[6] == '\0' && number(p + 1, 2) <= 15 && number(p + 4, 2) <= 59;
}

enum outcome staff_list_decode(arena_t *a, const struct staff_list_query *q,
                               struct queue_filter *f, struct problem *p)
{
	*f = (struct queue_filter){.states = QUEUE_ALL, .due_within = -1};
	problem_set(p, OUT_OK, NULL, NULL);
	bool bad = false;
#define BAD(field, message)                                                                        \
	do {                                                                                       \
		problem_field(p, field, message);                                                  \
		bad = true;                                                                        \
	} while (0)
	law_state_t s;
	if (q->state && !law_state_from_id(q->state, &s))
		BAD("state", "Nieznany stan sprawy (zob. StateId w dokumentacji API).");
	f->state = q->state;
	if (q->open && !strcmp(q->open, "true"))
		f->states = QUEUE_OPEN;
	else if (q->open && !strcmp(q->open, "false"))
		f->states = QUEUE_CLOSED;
	else if (q->open)
		BAD("open", "Parametr open przyjmuje wartość true albo false.");
	if (q->kind && strcmp(q->kind, "public_information") && strcmp(q->kind, "reuse"))
		BAD("kind", "Rodzaj wniosku to public_information albo reuse.");
	f->kind = q->kind;
	if (q->channel && !law_channel(q->channel))
		BAD("channel", "Nieznany kanał wpływu (web, api, email, post, epuap, phone, in_person).");
	f->channel = q->channel;
	if (q->received_from && !date_text(q->received_from))
		BAD("received_from", "Podaj datę w postaci RRRR-MM-DD.");
	if (q->received_to && !date_text(q->received_to))
		BAD("received_to", "Podaj datę w postaci RRRR-MM-DD.");
	else if (q->received_to && q->received_from && date_text(q->received_from) &&
	         strcmp(q->received_to, q->received_from) < 0)
		BAD("received_to", "Data końcowa nie może być wcześniejsza niż początkowa.");
	f->received_from = q->received_from;
	f->received_to = q->received_to;
	if (q->updated_since && !staff_instant_valid(q->updated_since))
		BAD("updated_since",
		    "Podaj chwilę w formacie RFC 3339 ze strefą, np. 2026-11-04T09:00:00Z.");
	f->updated_since = q->updated_since;
	if (q->cursor && !cursor_decode(a, q->cursor, f)) {
		BAD("cursor", "Nieprawidłowy kursor: użyj wartości next_cursor z poprzedniej strony.");
	}
#undef BAD
	if (bad && p)
		p->message = "Popraw parametry wymienione w errors.";
	return bad ? OUT_INVALID : OUT_OK;
}

enum outcome staff_queue_decode(arena_t *a, const char *cursor, const char *overdue,
                                const char *due_within, struct queue_filter *f, struct problem *p)
{
	*f = (struct queue_filter){.states = QUEUE_OPEN, .due_within = -1};
	problem_set(p, OUT_OK, NULL, NULL);
	bool bad = false;
	if (overdue && !strcmp(overdue, "true"))
		f->overdue = true;
	else if (overdue && strcmp(overdue, "false"))
		bad = problem_field(p, "overdue", "Parametr overdue przyjmuje wartość true albo false.");
	size_t n = due_within ? strlen(due_within) : 0;
	if (due_within && (!digits(due_within, n) || n > 2 || number(due_within, n) > 60))
		bad = problem_field(p, "due_within", "Podaj liczbę dni roboczych od 0 do 60.");
	else if (due_within)
		f->due_within = number(due_within, n);
	if (cursor && !cursor_decode(a, cursor, f))
		bad = problem_field(p, "cursor",
		                    "Nieprawidłowy kursor: użyj wartości next_cursor z poprzedniej strony.");
	if (bad && p)
		p->message = "Popraw parametry wymienione w errors.";
	return bad ? OUT_INVALID : OUT_OK;
}

/* ---- Files in base64 ------------------------------------------------------ */

static bool b64_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '+' || c == '/';
}

static bool b64_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

bool staff_base64(arena_t *a, const char *text, size_t text_len, size_t max, const char **out,
                  size_t *len)
{
	*out = NULL;
	*len = 0;
	/* The characters that carry bits, then at most two '=' and nothing but
	 * white space between or after them. */
	size_t n = 0, pad = 0;
	for (size_t i = 0; i < text_len; i++) {
		char c = text[i];
		if (b64_space(c))
			continue;
		if (c == '=') {
			pad++;
			continue;
		}
		if (!b64_char(c) || pad)
			return false;
		n++;
	}
	if (n % 4 == 1 || pad > 2 || (pad && (n + pad) % 4))
		return false;
	size_t bytes = n / 4 * 3 + (n % 4 ? n % 4 - 1 : 0);
	if (bytes > max) {
		*len = bytes;
		return false;
	}
	unsigned char *bin = arena_alloc(a, bytes + 1);
	size_t got = 0;
	const char *end = NULL;
	int variant = pad ? sodium_base64_VARIANT_ORIGINAL : sodium_base64_VARIANT_ORIGINAL_NO_PADDING;
	if (sodium_base642bin(bin, bytes + 1, text, text_len, " \t\r\n", &got, &end, variant) != 0 ||
	    got != bytes)
		return false;
	/* Trailing white space is not read by libsodium: it must be all that is left. */
	for (; end && end < text + text_len; end++)
		if (!b64_space(*end))
			return false;
	bin[got] = '\0';
	*out = (const char *)bin;
	*len = got;
	return true;
}

/* A file name as kept (attachments.filename): 1..255 bytes of valid UTF-8
 * (jansson's strings are), no path, no control character, not hidden. */
static bool filename_ok(const char *s, size_t n)
{
	if (n == 0 || n > FILENAME_MAX_BYTES || s[0] == '.' || strlen(s) != n)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c == 0x7f || c == '/' || c == '\\')
			return false;
	}
	return true;
}

static const char *mb(arena_t *a, size_t bytes)
{
	return arena_printf(a, "%.1f MB", (double)bytes / (1024.0 * 1024.0));
}

/* One file {"filename", "content_base64"} at `at` ("attachments[0]." or
 * ""): false after naming what is wrong. */
static bool file_member(arena_t *a, json_t *obj, const char *at, size_t max, const char **name,
                        const char **data, size_t *len, struct problem *p)
{
	json_t *fn = json_object_get(obj, "filename"), *c = json_object_get(obj, "content_base64");
	bool ok = true;
	*name = NULL;
	*data = NULL;
	*len = 0;
	if (!json_is_string(fn) ||
	    !filename_ok(json_string_value(fn), json_string_length(fn))) {
		problem_field(p, arena_printf(a, "%sfilename", at),
		              "Podaj nazwę pliku z rozszerzeniem (do 255 bajtów, bez ścieżki i znaków "
		              "sterujących), np. wniosek.pdf.");
		ok = false;
	} else {
		*name = json_string_value(fn);
	}
	const char *field = arena_printf(a, "%scontent_base64", at);
	if (!json_is_string(c)) {
		problem_field(p, field, "Podaj zawartość pliku zakodowaną w base64.");
		return false;
	}
	size_t got;
	if (!staff_base64(a, json_string_value(c), json_string_length(c), max, data, &got)) {
		if (got > max)
			problem_field(p, field,
			              arena_printf(a, "Plik ma %s, a każdy plik może mieć najwyżej %s.",
			                           mb(a, got), mb(a, max)));
		else
			problem_field(p, field, "Zawartość pliku nie jest poprawnym tekstem base64.");
		return false;
	}
	*len = got;
	return ok;
}

/* A member that must be a string when present. */
static const char *text_member(json_t *body, const char *key, struct problem *p, bool *ok)
{
	json_t *v = json_object_get(body, key);
	if (!v || json_is_null(v))
		return NULL;
	if (json_is_string(v) && strlen(json_string_value(v)) == json_string_length(v))
		return json_string_value(v);
	problem_field(p, key, "Wartość musi być tekstem.");
	*ok = false;
	return NULL;
}

enum outcome staff_register_decode(arena_t *a, json_t *body, struct filing_input *in,
                                   const char **channel, const char **received_on,
                                   size_t max_attachment, struct problem *p)
{
	problem_set(p, OUT_OK, NULL, NULL);
	struct filing_errors type_errs;
	api_filing_members(body, in, &type_errs);
	bool ok = type_errs.n == 0;
	for (int i = 0; i < type_errs.n; i++)
		problem_field(p, type_errs.e[i].field, type_errs.e[i].message);
	*channel = text_member(body, "channel", p, &ok);
	*received_on = text_member(body, "received_on", p, &ok);
	in->nattachments = 0;
	in->max_attachment = max_attachment;
	json_t *list = json_object_get(body, "attachments");
	if (list && !json_is_null(list) && !json_is_array(list)) {
		problem_field(p, "attachments", "Pole attachments musi być tablicą plików.");
		ok = false;
	} else if (json_array_size(list) > FILING_MAX_ATTACHMENTS) {
		problem_fieldf(p, a, "attachments", "Do wniosku można dołączyć najwyżej %d pliki.",
		               FILING_MAX_ATTACHMENTS);
		ok = false;
	} else {
		size_t i;
		json_t *f;
		json_array_foreach(list, i, f)
		{
			const char *at = arena_printf(a, "attachments[%zu].", i);
			if (!json_is_object(f)) {
				problem_field(p, arena_printf(a, "attachments[%zu]", i),
				              "Każdy załącznik to obiekt z polami filename i content_base64.");
				ok = false;
				continue;
			}
			struct filing_attachment *at_ = &in->attachments[in->nattachments];
			if (file_member(a, f, at, max_attachment, &at_->filename, &at_->data, &at_->len, p))
				in->nattachments++;
			else
				ok = false;
		}
	}
	if (ok)
		return OUT_OK;
	if (p)
		p->message = "Popraw pola wymienione w errors.";
	return OUT_INVALID;
}

enum outcome staff_document_decode(arena_t *a, json_t *body, size_t max, const char **filename,
                                   const char **data, size_t *len, struct problem *p)
{
	problem_set(p, OUT_OK, NULL, NULL);
	if (file_member(a, body, "", max, filename, data, len, p))
		return OUT_OK;
	if (p)
		p->message = "Popraw pola wymienione w errors.";
	return OUT_INVALID;
}

void staff_problem_fields(struct problem *p)
{
	for (int i = 0; p && i < p->nfields; i++)
		p->fields[i].field = !strcmp(p->fields[i].field, "plik")
		                         ? "content_base64"
		                         : api_field_name(p->fields[i].field);
}

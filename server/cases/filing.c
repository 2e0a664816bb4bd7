/* SPDX-License-Identifier: EUPL-1.2 */
#include "cases/filing.h"

#include <ctype.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cases/outbox.h"
#include "cases/secret.h"
#include "cases/store.h"
#include "db/changes.h"
#include "core/clock.h"
#include "core/config.h"
#include "core/log.h"
#include "core/mime.h"
#include "core/utf8.h"
#include "db/db.h"
#include "law/casenum.h"
#include "law/dispatch.h"
#include "law/warsaw.h"
#include "render/attachlist.h"

/* ---- Validation -------------------------------------------------------- */

static void add_error(struct filing_errors *errs, const char *field, const char *message)
{
	if (errs->n < FILING_MAX_ERRORS) {
		errs->e[errs->n].field = field;
		errs->e[errs->n].message = message;
		errs->n++;
	}
}

const char *filing_error_for(const struct filing_errors *errs, const char *field)
{
	for (int i = 0; i < errs->n; i++)
		if (strcmp(errs->e[i].field, field) == 0)
			return errs->e[i].message;
	return NULL;
}

enum outcome filing_problem(const struct filing_errors *errs, struct problem *p)
{
	for (int i = 0; i < errs->n; i++)
		problem_field(p, errs->e[i].field, errs->e[i].message);
	return errs->n ? OUT_INVALID : OUT_OK;
}

/* A trimmed copy: leading and trailing ASCII white space removed. */
static const char *trim(arena_t *a, const char *s)
{
	if (!s)
		return "";
	while (*s && isspace((unsigned char)*s))
		s++;
	size_t n = strlen(s);
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	return arena_strndup(a, s, n);
}

/* Length in characters (the input is valid UTF-8: the form parser and
 * jansson both check). */
static size_t chars(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			n++;
	return n;
}

/* Control characters other than tab and line breaks have no place in
 * a request and break letters and e-mail. */
static bool clean_text(const char *s)
{
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if ((ch < 0x20 && ch != '\t' && ch != '\n' && ch != '\r') || ch == 0x7f)
			return false;
	}
	return true;
}

static bool single_line(const char *s)
{
	return !strpbrk(s, "\r\n");
}

/* A practical check, not RFC 5322: one @, a dot in the domain, no spaces
 * or characters that could smuggle headers, at most 254 characters. */
bool filing_email_valid(const char *e);
bool filing_email_valid(const char *e)
{
	size_t n = strlen(e);
	if (n < 3 || n > 254)
		return false;
	const char *at = strchr(e, '@');
	if (!at || at == e || strchr(at + 1, '@') || !strchr(at + 1, '.'))
		return false;
	if (at[1] == '.' || e[n - 1] == '.')
		return false;
	for (const char *p = e; *p; p++) {
		unsigned char ch = (unsigned char)*p;
		if (ch <= ' ' || ch == 0x7f || strchr("<>()[]\\,;:\"", ch))
			return false;
	}
	return true;
}

struct text_rule {
	const char *field;
	size_t min, max;
	bool multiline;
	const char *message;
};

static void check_text(struct filing_errors *errs, const char *v, const struct text_rule *r,
                       bool required)
{
	size_t n = chars(v);
	if (!*v) {
		if (required)
			add_error(errs, r->field, r->message);
		return;
	}
	if (!clean_text(v) || (!r->multiline && !single_line(v)))
		add_error(errs, r->field, "Pole zawiera niedozwolone znaki sterujące.");
	else if (n < r->min || n > r->max)
		add_error(errs, r->field, r->message);
}

static const struct text_rule rules[] = {
    {"subject", 3, 300, false, "Podaj temat wniosku: od 3 do 300 znaków."},
    {"content", 10, 20000, true,
     "Opisz, jakiej informacji dotyczy wniosek: od 10 do 20 000 znaków."},
    {"form", 1, 200, false, "Opis formy udostępnienia może mieć najwyżej 200 znaków."},
    {"name", 2, 200, false, "Podaj imię i nazwisko lub nazwę: od 2 do 200 znaków."},
    {"postal_address", 5, 500, true, "Podaj adres do korespondencji: od 5 do 500 znaków."},
    {"phone", 3, 40, false, "Numer telefonu może mieć od 3 do 40 znaków."},
    {"purpose", 3, 2000, true,
     "Wskaż cel ponownego wykorzystywania (art. 39 ust. 3 ustawy o otwartych danych)."},
    {"format", 2, 200, false, "Wskaż formę przygotowania informacji i format danych."},
    {"manner", 2, 500, false, "Wskaż sposób przekazania lub udostępnienia informacji."},
};

static const struct text_rule *rule(const char *field)
{
	for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++)
		if (strcmp(rules[i].field, field) == 0)
			return &rules[i];
	return NULL;
}

/* The attachments we take; their media types are core/mime.c's. */
static const char *const allowed_exts[] = {".pdf", ".jpg", ".jpeg", ".png", ".txt", ".odt", ".docx"};

/* The content must be what its extension says: a browser's Content-Type is
 * only a hint. */
static bool content_matches(const char *ext, const char *d, size_t n)
{
	if (strcmp(ext, ".pdf") == 0)
		return n >= 5 && memcmp(d, "%PDF-", 5) == 0;
	if (strcmp(ext, ".png") == 0)
		return n >= 8 && memcmp(d, "\x89PNG\r\n\x1a\n", 8) == 0;
	if (strcmp(ext, ".jpg") == 0 || strcmp(ext, ".jpeg") == 0)
		return n >= 3 && memcmp(d, "\xff\xd8\xff", 3) == 0;
	if (strcmp(ext, ".odt") == 0 || strcmp(ext, ".docx") == 0)
		return n >= 4 && memcmp(d, "PK\x03\x04", 4) == 0;
	if (strcmp(ext, ".txt") == 0)
		return utf8_valid(d, n) && !memchr(d, '\0', n);
	return false;
}

static void check_attachments(arena_t *a, struct filing_input *in, struct filing_errors *errs)
{
	static const char *fields[] = {"attachment", "attachment", "attachment"};
	for (int i = 0; i < in->nattachments; i++) {
		struct filing_attachment *at = &in->attachments[i];
		const char *dot = strrchr(at->filename, '.');
		const char *ext = NULL;
		for (size_t k = 0; dot && k < sizeof allowed_exts / sizeof allowed_exts[0]; k++)
			if (strcasecmp(dot, allowed_exts[k]) == 0)
				ext = allowed_exts[k];
		const char *type = mime_type(ext);
		if (!type) {
			add_error(errs, fields[i], "Dozwolone są załączniki PDF, JPG, PNG, TXT, ODT i DOCX.");
		} else if (at->len > in->max_attachment) {
			/* Issue 21 item 11: which file, how large, and the limit. */
			add_error(errs, fields[i],
			          arena_printf(a, "Plik „%s” ma %s, a każdy załącznik może mieć najwyżej "
			                          "%s. Zmniejsz go (np. zeskanuj w niższej rozdzielczości) "
			                          "i wybierz pliki ponownie.",
			                       at->filename, attachlist_size(a, (long long)at->len),
			                       attachlist_size(a, (long long)in->max_attachment)));
		} else if (at->len == 0 || !content_matches(ext, at->data, at->len)) {
			add_error(errs, fields[i], "Zawartość załącznika nie odpowiada jego rozszerzeniu.");
		} else {
			at->content_type = type;
		}
	}
}

bool filing_identity_validate(arena_t *a, const char **name, const char **address,
                              struct filing_errors *errs)
{
	errs->n = 0;
	*name = trim(a, *name);
	*address = trim(a, *address);
	check_text(errs, *name, rule("name"), true);
	check_text(errs, *address, rule("postal_address"), true);
	return errs->n == 0;
}

/* UOD art. 39 ust. 2: a re-use request may ask for standing and direct
 * re-use in real time of information kept in the body's IT system (a
 * checkbox on the forms, a boolean in the API): "1" when it does, ""
 * otherwise, and "" for a request for public information, like the other
 * re-use fields. */
static void check_standing(struct filing_errors *errs, struct filing_input *in, bool reuse)
{
	static const char *const yes[] = {"1", "true", "on", "tak"};
	static const char *const no[] = {"", "0", "false", "off", "nie"};
	bool on = false, known = false;
	for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++)
		if (!strcasecmp(in->standing, yes[i]))
			on = known = true;
	for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
		if (!strcasecmp(in->standing, no[i]))
			known = true;
	if (!known)
		add_error(errs, "standing",
		          "Zaznacz pole, jeśli wniosek dotyczy dostępu w sposób stały i bezpośredni w "
		          "czasie rzeczywistym, albo zostaw je puste.");
	in->standing = reuse && on ? "1" : "";
}

bool filing_validate(arena_t *a, struct filing_input *in, struct filing_errors *errs)
{
	errs->n = 0;
	in->kind = trim(a, in->kind);
	in->subject = trim(a, in->subject);
	in->content = trim(a, in->content);
	in->form = trim(a, in->form);
	in->delivery = trim(a, in->delivery);
	in->name = trim(a, in->name);
	in->email = trim(a, in->email);
	in->postal_address = trim(a, in->postal_address);
	in->phone = trim(a, in->phone);
	in->ade_address = trim(a, in->ade_address);
	in->purpose = trim(a, in->purpose);
	in->format = trim(a, in->format);
	in->manner = trim(a, in->manner);
	in->standing = trim(a, in->standing);

	bool reuse = strcmp(in->kind, "reuse") == 0;
	if (!reuse && strcmp(in->kind, "public_information") != 0)
		add_error(errs, "kind", "Wybierz rodzaj wniosku.");
	check_text(errs, in->subject, rule("subject"), true);
	check_text(errs, in->content, rule("content"), true);
	check_text(errs, in->form, rule("form"), false);
	/* UOD art. 39 ust. 3: a re-use request names the requester and gives
	 * an address; a request for public information may be anonymous. */
	check_text(errs, in->name, rule("name"), reuse);
	bool by_email = strcmp(in->delivery, "email") == 0;
	bool by_post = strcmp(in->delivery, "post") == 0;
	if (!by_email && !by_post && strcmp(in->delivery, "tracking_page") != 0)
		add_error(errs, "delivery", "Wybierz sposób doręczenia odpowiedzi.");
	if (*in->email && !filing_email_valid(in->email))
		add_error(errs, "email", "Podaj poprawny adres e-mail, np. jan.kowalski@example.pl.");
	else if (!*in->email && by_email)
		add_error(errs, "email", "Podaj adres e-mail, na który mamy wysłać odpowiedź.");
	check_text(errs, in->postal_address, rule("postal_address"), by_post || reuse);
	check_text(errs, in->phone, rule("phone"), false);
	if (*in->ade_address) {
		/* Letters as capitals: the BAE writes them so. */
		char *up = arena_strdup(a, in->ade_address);
		for (char *c = up; *c; c++)
			if (*c >= 'a' && *c <= 'z')
				*c = (char)(*c - 'a' + 'A');
		if (law_ade_address_valid(up))
			in->ade_address = up;
		else
			add_error(errs, "ade_address",
			          "Adres do doręczeń elektronicznych ma postać AE:PL-12345-67890-ABCDE-12 "
			          "(„AE:PL-”, pięć cyfr, pięć cyfr, pięć liter i dwie cyfry, rozdzielone "
			          "myślnikami). Sprawdź go albo zostaw pole puste.");
	}
	if (reuse) {
		check_text(errs, in->purpose, rule("purpose"), true);
		check_text(errs, in->format, rule("format"), true);
		check_text(errs, in->manner, rule("manner"), true);
	}
	check_standing(errs, in, reuse);
	/* No consent is asked: the basis is a legal obligation (RODO art. 6
	 * ust. 1 lit. c with UDIP / UOD), and the art. 13 information is on
	 * the form itself (cases/privacy.h). A "consent" an old client sends
	 * is ignored. */
	check_attachments(a, in, errs);
	return errs->n == 0;
}

/* ---- Creating the case ------------------------------------------------- */

/* ---- Idempotency keys ------------------------------------------------- */

/* What a keyed filing's lookup found (see filing_create()). */
enum key_state {
	KEY_NEW,        /* not used by this client in the last FILING_KEY_TTL: file */
	KEY_REPLAY,     /* used with the same body: out holds that case */
	KEY_OTHER_BODY, /* used with another body: refused */
	KEY_BUSY,       /* another request of this client with this key is being filed */
};

/* The key is held for the transaction, without waiting: a second request
 * of the client with the same key while the first is being filed is
 * answered at once (409), not queued behind it. */
static const char key_lock_sql[] =
    "SELECT pg_try_advisory_xact_lock(idempotency_lock($1::bigint, $2::text, $3::bytea))";

/* The client's own row for the key, if younger than the cut-off ($4, Unix
 * seconds by the server's clock); an older one is forgotten here, under
 * the key's lock (not taken again when another request holds it), so that
 * the filing can keep the key anew. Run after key_lock_sql, in its own
 * snapshot: a row committed by the lock's last holder is seen. Only this
 * client's keys are ever read: whether another client used the same key
 * changes nothing in the answer, the time it takes or the rate limit. */
static const char key_find_sql[] =
    "WITH gone AS (DELETE FROM idempotency_keys WHERE org_id = $1::bigint AND client = $2::text "
    "AND key_sha256 = $3::bytea AND created_at <= to_timestamp($4::bigint) "
    "AND pg_try_advisory_xact_lock(idempotency_lock($1::bigint, $2::text, $3::bytea))) "
    "SELECT k.body_sha256 = $5::bytea, encode(k.token_box, 'hex'), r.id, r.case_number, r.kind, "
    "r.state, r.received_on, t.due_on, t.steps FROM idempotency_keys k "
    "JOIN requests r ON r.id = k.request_id LEFT JOIN LATERAL (SELECT due_on, steps FROM terms "
    "WHERE request_id = r.id AND kind IN ('answer', 'reuse_answer') ORDER BY id LIMIT 1) t ON true "
    "WHERE k.org_id = $1::bigint AND k.client = $2::text AND k.key_sha256 = $3::bytea "
    "AND k.created_at > to_timestamp($4::bigint)";

struct create_ctx {
	arena_t *a;
	/* The call's instant: a key lives FILING_KEY_TTL from it. Not the
	 * request's receipt, which staff give as an earlier day. */
	int64_t now;
	const struct org *org;
	const struct filing_input *in;
	long rate_limit;
	struct filing_receipt *out;
	bool limited; /* the address is over its limit */
	bool then_refused; /* in->then refused (DB_CONFLICT): rolled back */
	/* A keyed filing (in->idempotency_key): */
	bool keyed;
	enum key_state key;
	const char *client;          /* in->ip, or "" */
	unsigned char key_sha[32];   /* of in->idempotency_key */
	unsigned char body_sha[32];  /* of the request's body, or fingerprint() */
	const char *seal_context;    /* what seals the token: client, key, body's hash */
};

static char *idstr(arena_t *a, long long v)
{
	return arena_printf(a, "%lld", v);
}

/* A hash of what a form sent, for a filing without its body (a form's
 * multipart boundary changes from one send to the next): every field after
 * validation and every attachment, each with its length. */
static void fingerprint(const struct filing_input *in, unsigned char out[32])
{
	crypto_hash_sha256_state st;
	crypto_hash_sha256_init(&st);
	const char *fields[] = {in->channel, in->kind, in->subject, in->content, in->form, in->delivery,
	                        in->name, in->email, in->postal_address, in->phone, in->purpose,
	                        in->format, in->manner, in->ade_address};
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
		const char *f = fields[i] ? fields[i] : "";
		unsigned long long n = strlen(f);
		crypto_hash_sha256_update(&st, (const unsigned char *)&n, sizeof n);
		crypto_hash_sha256_update(&st, (const unsigned char *)f, n);
	}
	/* Only when set, so that a form's fingerprint without it stays what it
	 * was before the field existed (issue 20 item 11). */
	if (in->standing && *in->standing)
		crypto_hash_sha256_update(&st, (const unsigned char *)"\0standing", 9);
	for (int i = 0; i < in->nattachments; i++) {
		const struct filing_attachment *at = &in->attachments[i];
		unsigned long long n = strlen(at->filename), len = at->len;
		crypto_hash_sha256_update(&st, (const unsigned char *)&n, sizeof n);
		crypto_hash_sha256_update(&st, (const unsigned char *)at->filename, n);
		crypto_hash_sha256_update(&st, (const unsigned char *)&len, sizeof len);
		crypto_hash_sha256_update(&st, (const unsigned char *)at->data, at->len);
	}
	crypto_hash_sha256_final(&st, out);
}

/* The key's row, found for this client: the same body is answered with
 * its case and token, another body is refused. */
static void key_found(struct create_ctx *x, PGresult *r)
{
	if (strcmp(PQgetvalue(r, 0, 0), "t") != 0) {
		x->key = KEY_OTHER_BODY;
		return;
	}
	unsigned char box[TOKEN_BOX_LEN];
	size_t len = 0;
	const char *hex = PQgetvalue(r, 0, 1);
	char *token = arena_alloc(x->a, TOKEN_LEN + 1);
	if (sodium_hex2bin(box, sizeof box, hex, strlen(hex), NULL, &len, NULL) != 0 ||
	    !token_open(box, len, x->seal_context, token)) {
		/* Sealed under another secret (app_secrets replaced): the case
		 * is there, its token cannot be given again. */
		log_error("filing: the token kept for request %s does not open", PQgetvalue(r, 0, 2));
		x->key = KEY_OTHER_BODY;
		return;
	}
	struct filing_receipt *out = x->out;
	out->duplicate = true;
	out->token = token;
	out->request_id = atoll(PQgetvalue(r, 0, 2));
	out->case_number = arena_strdup(x->a, PQgetvalue(r, 0, 3));
	out->kind = arena_strdup(x->a, PQgetvalue(r, 0, 4));
	out->state = arena_strdup(x->a, PQgetvalue(r, 0, 5));
	out->received_on = arena_strdup(x->a, PQgetvalue(r, 0, 6));
	/* Not the answer term this attempt computed (filing_params()): the
	 * case's own. */
	json_decref(out->due_steps);
	out->due_steps = NULL;
	out->due_on = NULL;
	if (!PQgetisnull(r, 0, 7)) {
		out->due_on = arena_strdup(x->a, PQgetvalue(r, 0, 7));
		out->due_steps = json_loads(PQgetvalue(r, 0, 8), 0, NULL);
	}
	x->key = KEY_REPLAY;
}

static const char *tracking_url(struct create_ctx *x, const char *token)
{
	return arena_printf(x->a, "%s/sprawa/%s", x->in->base_url ? x->in->base_url : "", token);
}

static const char *acknowledgement_body(struct create_ctx *x)
{
	const struct filing_input *in = x->in;
	return arena_printf(
	    x->a,
	    "Dzień dobry,\n\n"
	    "%s potwierdza otrzymanie wniosku „%s” w dniu %s.\n"
	    "Znak sprawy: %s\n"
	    "Termin załatwienia wniosku: %s.\n\n"
	    "Przebieg sprawy, terminy i pisma są dostępne pod prywatnym adresem:\n%s\n"
	    "Nie udostępniaj tego adresu innym osobom.\n\n"
	    "Wiadomość wysłana automatycznie przez system Jawność.\n",
	    x->org->name, in->subject, x->out->received_on, x->out->case_number,
	    x->out->due_on ? x->out->due_on : "-", tracking_url(x, x->out->token));
}

static enum db_status insert_attachments(PGconn *c, struct create_ctx *x, const char *org,
                                         const char *req)
{
	for (int i = 0; i < x->in->nattachments; i++) {
		const struct filing_attachment *at = &x->in->attachments[i];
		unsigned char h[32];
		crypto_hash_sha256(h, (const unsigned char *)at->data, at->len);
		char size[24];
		snprintf(size, sizeof size, "%zu", at->len);
		const char *p[7] = {org, req, at->filename, at->content_type, size, (const char *)h,
		                    at->data};
		int lens[7] = {0, 0, 0, 0, 0, 32, (int)at->len};
		int fmts[7] = {0, 0, 0, 0, 0, 1, 1};
		enum db_status st;
		PQclear(db_exec_binary(c, &st,
		                       "INSERT INTO attachments (org_id, request_id, filename, content_type, "
		                       "size, sha256, data, source) VALUES ($1, $2, $3, $4, $5, $6, $7, 'requester')",
		                       7, p, lens, fmts));
		if (st != DB_OK)
			return st;
	}
	return DB_OK;
}

/* The terms the registration starts, as a JSON array for the insert; the
 * answer term's due date and reasoning for the receipt (what
 * load_due() reads back for a duplicate); the request's nearest due date
 * of the body (what the trigger on terms keeps in requests.due_on). */
static char *started_terms(struct create_ctx *x, const law_outcome_t *oc, const char **due_on)
{
	json_t *list = json_array();
	law_date_t nearest = {0};
	bool any = false;
	for (int i = 0; i < oc->neffects; i++) {
		const law_term_effect_t *e = &oc->effects[i];
		if (e->op != LAW_TERM_START)
			continue;
		const law_term_info_t *ti = &law_terms[e->term];
		json_t *steps = json_array();
		for (int k = 0; k < e->calc.nsteps; k++)
			json_array_append_new(steps, json_string(e->calc.steps[k]));
		char start[LAW_DATE_STRLEN], unshifted[LAW_DATE_STRLEN], due[LAW_DATE_STRLEN];
		store_date(e->calc.due, due);
		if (!x->out->due_on &&
		    (strcmp(ti->id, "answer") == 0 || strcmp(ti->id, "reuse_answer") == 0)) {
			x->out->due_on = arena_strdup(x->a, due);
			x->out->due_steps = json_incref(steps);
		}
		if (ti->side == LAW_SIDE_BODY && (!any || law_date_cmp(e->calc.due, nearest) < 0)) {
			nearest = e->calc.due;
			any = true;
		}
		json_array_append_new(
		    list, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:o}", "kind", ti->id, "label",
		                    ti->label, "basis", ti->basis, "side",
		                    ti->side == LAW_SIDE_REQUESTER ? "requester" : "body", "start_on",
		                    store_date(e->calc.from, start), "unshifted_on",
		                    store_date(e->calc.unshifted, unshifted), "due_on", due, "steps", steps));
	}
	char *json = json_dumps(list, JSON_COMPACT);
	json_decref(list);
	if (any) {
		char *d = arena_alloc(x->a, LAW_DATE_STRLEN);
		*due_on = store_date(nearest, d);
	} else {
		*due_on = NULL;
	}
	return json;
}

/* Effects other than starting a term (none for a registration today):
 * applied after the insert, in their order. */
static enum db_status other_effects(PGconn *c, struct create_ctx *x, const law_outcome_t *oc,
                                    long long rid, law_date_t received)
{
	law_outcome_t *rest = arena_alloc(x->a, sizeof *rest);
	*rest = *oc;
	rest->neffects = 0;
	for (int i = 0; i < oc->neffects; i++)
		if (oc->effects[i].op != LAW_TERM_START)
			rest->effects[rest->neffects++] = oc->effects[i];
	return rest->neffects ? store_apply_effects(c, x->org->id, rid, rest, received) : DB_OK;
}

/* Stands for the case number in the acknowledgement, which is written
 * before the number exists: the filing statement puts the number in its
 * place. Nothing else in the message holds the character: the requester's
 * text refuses control characters (clean_text()), and the rest is the
 * body's name, dates and the tracking address. */
#define NUMBER_MARK "\x01"

/* The whole case in one statement, from the counters to the outbox:
 * - rl: the address's count in its fixed one-hour window (in the database,
 *   so that every server instance counts together; none without a limit);
 * - cc: the next number in the unit's register for this class and year,
 *   taken only within the limit (the counter row stays locked until
 *   commit, so concurrent filings queue and a rolled-back one skips
 *   nothing; migration 0013 caps it at the highest case number);
 * - n: the request's id and case number, law_casenum_format()'s
 *   "UNIT.CLASS.NUMBER.YEAR" (the unit's symbol and the class were checked
 *   when they were set);
 * - the request (with its nearest due date), the requester's data, the
 *   terms, the first event of the hash chain, and the acknowledgement in
 *   the outbox when there is an e-mail.
 * It answers one row: the id and case number (NULL when over the limit)
 * and the count. The statement of a keyed filing (filing_key_sql) also
 * keeps its key (k), with the sealed token: the filing without a key (the
 * common one) writes nothing more than before. */
#define FILING_CTES \
    "WITH rl AS (INSERT INTO rate_limits (key, window_start, count) " \
    "SELECT $5::text, date_trunc('hour', now()), 1 WHERE $5::text IS NOT NULL " \
    "ON CONFLICT (key, window_start) DO UPDATE SET count = rate_limits.count + 1 " \
    "RETURNING count), " \
    "cc AS (INSERT INTO case_counters (unit_id, class, year, last) " \
    "SELECT $2::bigint, $3::text, $4::int, 1 WHERE NOT EXISTS (SELECT FROM rl WHERE count > $6::int) " \
    "ON CONFLICT (unit_id, class, year) DO UPDATE SET last = case_counters.last + 1 " \
    "RETURNING last), " \
    "n AS (SELECT nextval('requests_id_seq') AS id, cc.last AS seq, " \
    "concat_ws('.', u.symbol, $3::text, cc.last, $4::int) AS number " \
    "FROM cc JOIN units u ON u.id = $2::bigint), " \
    "r AS (INSERT INTO requests (id, org_id, unit_id, case_number, case_class, case_seq, " \
    "case_year, kind, channel, received_at, received_on, subject, body, form, delivery, " \
    "reuse_purpose, reuse_format, reuse_manner, state, tracking_hash, due_on) " \
    "SELECT n.id, $1::bigint, $2::bigint, n.number, $3::text, n.seq, $4::int, $7::text, $8::text, " \
    "to_timestamp($9::bigint), $10::date, $11::text, $12::text, $13::text, $14::text, $15::text, " \
    "$16::text, $17::text, $18::text, $19::bytea, $20::date FROM n), " \
    "q AS (INSERT INTO requesters (request_id, org_id, name, email, postal_address, phone, ip) " \
    "SELECT n.id, $1::bigint, $21::text, $22::text, $23::text, $24::text, $25::inet FROM n), " \
    "t AS (INSERT INTO terms (org_id, request_id, kind, label, basis, side, start_on, " \
    "unshifted_on, due_on, steps) SELECT $1::bigint, n.id, t.kind, t.label, t.basis, t.side, " \
    "t.start_on, t.unshifted_on, t.due_on, t.steps FROM n, jsonb_to_recordset($26::jsonb) AS " \
    "t(kind text, label text, basis text, side text, start_on date, unshifted_on date, " \
    "due_on date, steps jsonb)), " \
    "e AS (INSERT INTO events (org_id, request_id, actor, actor_user_id, action, from_state, " \
    "to_state, data) SELECT $1::bigint, n.id, $27::text, $28::bigint, 'register', NULL, $18::text, " \
    "jsonb_build_object('case_number', n.number, 'channel', $8::text) FROM n), " \
    "m AS (INSERT INTO outbox (org_id, request_id, recipient, subject, body) " \
    "SELECT $1::bigint, n.id, $22::text, $29::text || n.number, " \
    "replace($30::text, E'\\x01', n.number) FROM n WHERE $22::text <> '') "
#define FILING_ANSWER \
    "SELECT n.id, n.number, (SELECT count FROM rl) FROM (SELECT) one LEFT JOIN n ON true"

static const char filing_sql[] = FILING_CTES FILING_ANSWER;
static const char filing_key_sql[] =
    FILING_CTES ", k AS (INSERT INTO idempotency_keys (org_id, client, key_sha256, body_sha256, "
    "request_id, token_box, created_at) SELECT $1::bigint, $32::text, $31::bytea, $33::bytea, "
    "n.id, $34::bytea, to_timestamp($35::bigint) FROM n) " FILING_ANSWER;

#define FILING_NPARAMS 30     /* filing_sql's; filing_key_sql has five more: */
#define FILING_KEY_NPARAMS 35 /* $31 the key's SHA-256, $32 the client, $33 the body's
                                 SHA-256, $34 the sealed token (binary but $32), $35 the
                                 call's instant (x->now, not the day of receipt) */
#define FILING_HASH_PARAM 18  /* $19, the tracking hash: 32 bytes, binary */

struct filing_stmt {
	const char *p[FILING_KEY_NPARAMS];
	int lens[FILING_KEY_NPARAMS];
	int fmts[FILING_KEY_NPARAMS];
	unsigned char hash[32];
	unsigned char box[TOKEN_BOX_LEN];
	char *terms;
};

/* The filing statement's parameters (filing_key_sql's for a keyed one). */
static void filing_params(struct create_ctx *x, const law_outcome_t *oc, const char *cls,
                          int year, bool citizen, struct filing_stmt *f)
{
	const struct filing_input *in = x->in;
	arena_t *a = x->a;
	token_hash(x->out->token, f->hash);
	bool reuse = strcmp(in->kind, "reuse") == 0;
	const char *due_on;
	f->terms = started_terms(x, oc, &due_on);
	bool mail = *in->email;
	const char *rate_key = NULL;
	if (x->rate_limit > 0 && in->ip && *in->ip)
		rate_key = arena_printf(a, "filing:%s", in->ip);
	/* The acknowledgement is written with NUMBER_MARK for the number. */
	x->out->case_number = NUMBER_MARK;
	const char *p[FILING_KEY_NPARAMS] = {
	    idstr(a, x->org->id), idstr(a, x->org->web_unit_id), cls, idstr(a, year), rate_key,
	    idstr(a, x->rate_limit > 0 ? x->rate_limit : 0), in->kind, in->channel,
	    idstr(a, (long long)in->received_at), x->out->received_on, in->subject, in->content,
	    in->form, in->delivery, reuse ? in->purpose : NULL, reuse ? in->format : NULL,
	    reuse ? in->manner : NULL, law_states[oc->state].id, (const char *)f->hash, due_on,
	    in->name, in->email, in->postal_address, in->phone, in->ip && *in->ip ? in->ip : NULL,
	    f->terms ? f->terms : "[]", in->actor ? in->actor : citizen ? "requester" : "clerk",
	    in->actor_user_id ? idstr(a, in->actor_user_id) : NULL,
	    mail ? arena_printf(a, "%s, znak sprawy ", law_documents[LAW_DOC_ACKNOWLEDGEMENT].title)
	         : NULL,
	    mail ? acknowledgement_body(x) : NULL, (const char *)x->key_sha, x->client,
	    (const char *)x->body_sha, (const char *)f->box, idstr(a, (long long)x->now)};
	x->out->case_number = NULL;
	memcpy(f->p, p, sizeof p);
	memset(f->lens, 0, sizeof f->lens);
	memset(f->fmts, 0, sizeof f->fmts);
	f->lens[FILING_HASH_PARAM] = 32;
	f->fmts[FILING_HASH_PARAM] = 1;
	if (x->keyed) {
		token_seal(x->out->token, x->seal_context, f->box);
		const int binary[][2] = {{30, 32}, {32, 32}, {33, TOKEN_BOX_LEN}};
		for (size_t i = 0; i < sizeof binary / sizeof binary[0]; i++) {
			f->lens[binary[i][0]] = binary[i][1];
			f->fmts[binary[i][0]] = 1;
		}
	}
}

/* What runs after the filing statement, in its transaction: the effects
 * other than terms and the attachments, for the request it created. */
struct after_ctx {
	struct create_ctx *x;
	const law_outcome_t *oc;
	law_date_t received;
	struct db_stmt *stmt;
};

static enum db_status after_filing(PGconn *c, void *vctx)
{
	struct after_ctx *t = vctx;
	PGresult *r = t->stmt->result;
	if (PQntuples(r) != 1 || PQgetisnull(r, 0, 0))
		return DB_CONFLICT; /* over the limit: roll back */
	long long rid = atoll(PQgetvalue(r, 0, 0));
	enum db_status st = other_effects(c, t->x, t->oc, rid, t->received);
	if (st == DB_OK && t->x->in->ade_address && *t->x->in->ade_address) {
		const char *p[2] = {idstr(t->x->a, rid), t->x->in->ade_address};
		st = db_run(c,
		            "UPDATE requesters SET ade_address = $2, ade_source = 'requester' "
		            "WHERE request_id = $1",
		            2, p);
	}
	/* Issue 20 item 11: standing access (UOD art. 39 ust. 2). */
	if (st == DB_OK && *t->x->in->standing) {
		const char *p[1] = {idstr(t->x->a, rid)};
		st = db_run(c, "UPDATE requests SET reuse_standing = true WHERE id = $1", 1, p);
	}
	if (st == DB_OK)
		st = insert_attachments(c, t->x, idstr(t->x->a, t->x->org->id), idstr(t->x->a, rid));
	if (st == DB_OK && t->x->in->then) {
		st = t->x->in->then(c, rid, t->x->in->then_arg);
		t->x->then_refused = st == DB_CONFLICT;
	}
	return st;
}

static bool has_other_effects(const law_outcome_t *oc)
{
	for (int i = 0; i < oc->neffects; i++)
		if (oc->effects[i].op != LAW_TERM_START)
			return true;
	return false;
}

/* A keyed filing: the key's lock and its row (key_lock_sql, key_find_sql)
 * in one round trip, then, for a key new to this client, the filing
 * statement with the key and the rest (after_filing()), and the commit. A
 * key found or busy rolls back what little ran (DB_CONFLICT, x->key says
 * why): nothing is written, no number and no rate-limit slot taken. */
struct keyed_ctx {
	struct after_ctx *after;
	struct db_stmt look[2];
};

static enum db_status keyed_filing(PGconn *c, void *vctx)
{
	struct keyed_ctx *k = vctx;
	struct create_ctx *x = k->after->x;
	PGresult *lock = k->look[0].result, *found = k->look[1].result;
	if (PQntuples(lock) != 1 || strcmp(PQgetvalue(lock, 0, 0), "t") != 0) {
		x->key = KEY_BUSY;
		return DB_CONFLICT;
	}
	if (PQntuples(found) == 1) {
		key_found(x, found);
		return DB_CONFLICT;
	}
	struct db_stmt *s = k->after->stmt;
	enum db_status st;
	PQclear(s->result);
	s->result = db_exec_binary(c, &st, s->sql, s->nparams, s->params, s->lengths, s->formats);
	return st == DB_OK ? after_filing(c, k->after) : st;
}

static enum db_status run_keyed(PGconn *c, struct create_ctx *x, struct after_ctx *after)
{
	const char *org = idstr(x->a, x->org->id);
	const char *cutoff = idstr(x->a, (long long)x->now - FILING_KEY_TTL);
	const char *p[5] = {org, x->client, (const char *)x->key_sha, cutoff,
	                    (const char *)x->body_sha};
	const int lens[5] = {0, 0, 32, 0, 32}, fmts[5] = {0, 0, 1, 0, 1};
	struct keyed_ctx k = {after,
	                      {{key_lock_sql, 3, p, lens, fmts, NULL},
	                       {key_find_sql, 5, p, lens, fmts, NULL}}};
	enum db_status st = db_pipeline(c, k.look, 2, keyed_filing, &k);
	PQclear(k.look[0].result);
	PQclear(k.look[1].result);
	return st;
}

/* One attempt at creating the case: one round trip when there is nothing
 * but the filing statement to run and no key. */
static enum db_status create_once(PGconn *c, struct create_ctx *x)
{
	const struct filing_input *in = x->in;
	x->out->duplicate = false;
	x->out->due_on = NULL;
	json_decref(x->out->due_steps);
	x->out->due_steps = NULL;
	law_date_t received;
	if (!law_warsaw_date(in->received_at, &received))
		return DB_ERROR;
	bool reuse = strcmp(in->kind, "reuse") == 0;
	law_case_t lc = {.kind = reuse ? LAW_KIND_REUSE : LAW_KIND_PUBLIC_INFORMATION,
	                 .state = LAW_STATE_NONE,
	                 .received = received,
	                 .policy = x->org->policy};
	bool citizen = strcmp(in->channel, "web") == 0 || strcmp(in->channel, "api") == 0;
	law_action_input_t ai = {.action = LAW_ACT_REGISTER,
	                         .role = citizen ? LAW_ROLE_REQUESTER : LAW_ROLE_CLERK,
	                         .date = received};
	law_outcome_t *oc = arena_alloc(x->a, sizeof *oc);
	if (!law_decide(&lc, &ai, oc)) {
		log_error("the law core refused registration: %s", oc->refusal.message);
		return DB_ERROR;
	}
	if (!x->org->web_unit_id) {
		log_error("organisation %s has no unit for online requests", x->org->slug);
		return DB_ERROR;
	}
	const char *cls = reuse ? x->org->class_reuse : x->org->class_public;
	law_error_t lerr;
	if (!law_casenum_class_valid(cls, &lerr) || !law_casenum_year_valid(received.y, &lerr)) {
		log_error("case number for %s: %s", x->org->slug, lerr.message);
		return DB_ERROR;
	}
	x->out->kind = in->kind;
	x->out->state = law_states[oc->state].id;
	char *day = arena_alloc(x->a, LAW_DATE_STRLEN);
	x->out->received_on = store_date(received, day);
	/* Random, whatever the client sent: a token is never derived from
	 * the request (a key or a form's id would give it to anyone who
	 * sends them again). */
	char *token = arena_alloc(x->a, TOKEN_LEN + 1);
	token_random(token);
	x->out->token = token;

	struct filing_stmt f;
	filing_params(x, oc, cls, received.y, citizen, &f);
	struct db_stmt stmt = {x->keyed ? filing_key_sql : filing_sql,
	                       x->keyed ? FILING_KEY_NPARAMS : FILING_NPARAMS,
	                       f.p,
	                       f.lens,
	                       f.fmts,
	                       NULL};
	struct after_ctx after = {x, oc, received, &stmt};
	bool more = has_other_effects(oc) || in->nattachments > 0 ||
	            (in->ade_address && *in->ade_address) || in->then || *in->standing;
	enum db_status st = x->keyed ? run_keyed(c, x, &after)
	                             : db_pipeline(c, &stmt, 1, more ? after_filing : NULL, &after);
	free(f.terms);
	PGresult *r = stmt.result;
	if (x->key != KEY_NEW) {
		/* The key answered: a repeat (out holds its case), another body,
		 * or a request in flight. */
		PQclear(r);
		return DB_CONFLICT;
	}
	bool answered = (st == DB_OK || st == DB_CONFLICT) && r && PQntuples(r) == 1;
	bool created = answered && !PQgetisnull(r, 0, 0);
	bool limited = answered && !created && !PQgetisnull(r, 0, 2) &&
	               atol(PQgetvalue(r, 0, 2)) > x->rate_limit;
	if (limited) {
		/* Nothing created: the address is over its limit. */
		x->limited = true;
		st = DB_CONFLICT;
	} else if (x->then_refused) {
		st = DB_CONFLICT; /* the caller's refusal, rolled back */
	} else if (st == DB_OK && created) {
		x->out->request_id = atoll(PQgetvalue(r, 0, 0));
		x->out->case_number = arena_strdup(x->a, PQgetvalue(r, 0, 1));
	} else if (answered) {
		log_error("organisation %s: no unit %lld for online requests", x->org->slug,
		          x->org->web_unit_id);
		st = DB_ERROR;
	}
	PQclear(r);
	return st;
}

/* Runs the filing for x, retrying on a conflict (see filing_create()):
 * none is expected but a keyed filing's row inserted by a concurrent
 * request that won, which the next attempt finds. */
static enum db_status create(PGconn *c, struct create_ctx *x)
{
	enum db_status st = DB_OK;
	for (int attempt = 0; attempt < 3; attempt++) {
		x->limited = false;
		x->then_refused = false;
		x->key = KEY_NEW;
		st = create_once(c, x);
		if (st != DB_CONFLICT || x->limited || x->then_refused || x->key != KEY_NEW)
			break;
	}
	return st;
}

/* Readies a keyed filing: the key's and the body's hashes and what seals
 * the token (after validation: fingerprint() reads the trimmed fields). */
static void key_setup(struct create_ctx *x)
{
	const struct filing_input *in = x->in;
	x->keyed = in->idempotency_key && *in->idempotency_key;
	if (!x->keyed)
		return;
	x->client = in->ip ? in->ip : "";
	crypto_hash_sha256(x->key_sha, (const unsigned char *)in->idempotency_key,
	                   strlen(in->idempotency_key));
	if (in->request_body)
		crypto_hash_sha256(x->body_sha, (const unsigned char *)in->request_body,
		                   in->request_body_len);
	else
		fingerprint(in, x->body_sha);
	char hex[2 * sizeof x->body_sha + 1];
	sodium_bin2hex(hex, sizeof hex, x->body_sha, sizeof x->body_sha);
	x->seal_context = arena_printf(x->a, "%s\n%s\n%s", x->client, in->idempotency_key, hex);
}

/* The answer to a key that was found (KEY_OTHER_BODY) or busy, in the
 * words of the channel it came by. */
static enum outcome key_refused(const struct create_ctx *x, struct problem *p)
{
	/* A key of a header (the API, the staff API) or of a form. */
	bool api = strncmp(x->in->idempotency_key, "form:", 5) != 0;
	if (x->key == KEY_BUSY)
		return problem_set(p, OUT_CONFLICT,
		                   api ? "Wniosek z tym kluczem Idempotency-Key jest właśnie przyjmowany. "
		                         "Spróbuj ponownie za chwilę."
		                       : "Ten formularz jest właśnie wysyłany. Poczekaj chwilę i wyślij "
		                         "go ponownie.",
		                   "idempotency_key_in_use");
	return problem_set(p, OUT_INVALID,
	                   api ? "Ten klucz Idempotency-Key został już użyty dla innego wniosku. "
	                         "Nowy wniosek wyślij z nowym kluczem."
	                       : "Ten formularz został już wysłany z inną treścią. Sprawdź, czy "
	                         "wniosek nie został już przyjęty, a nowy wyślij ponownie.",
	                   "idempotency_key_reused");
}

enum outcome filing_create(const struct svc_ctx *ctx, struct filing_input *in,
                           struct filing_receipt *out, struct problem *p)
{
	memset(out, 0, sizeof *out);
	struct filing_errors errs;
	filing_validate(ctx->arena, in, &errs);
	if (filing_problem(&errs, p) != OUT_OK)
		return OUT_INVALID;
	bool online = in->channel && (!strcmp(in->channel, "web") || !strcmp(in->channel, "api"));
	struct create_ctx x = {.a = ctx->arena,
	                       .now = ctx->now ? ctx->now : clock_now(),
	                       .org = ctx->org,
	                       .in = in,
	                       .rate_limit = online ? cfg.filing_rate : 0,
	                       .out = out};
	key_setup(&x);
	PGconn *c = db_conn();
	changes_writer(ctx->org->id);
	enum db_status st = c ? create(c, &x) : DB_UNAVAILABLE;
	if (x.key == KEY_REPLAY)
		return OUT_OK;
	/* The receipt is only for a case that was created or found: a
	 * transaction that failed leaves nothing for the caller to free. */
	if (st != DB_OK) {
		json_decref(out->due_steps);
		out->due_steps = NULL;
	}
	if (x.key != KEY_NEW)
		return key_refused(&x, p);
	if (x.then_refused)
		return problem_set(p, OUT_CONFLICT, NULL, "filing_then_refused");
	if (x.limited)
		return problem_set(p, OUT_RATE_LIMITED,
		                   "Z tego adresu złożono w ostatniej godzinie zbyt wiele wniosków. Spróbuj "
		                   "ponownie później albo wyślij wniosek e-mailem lub pocztą.",
		                   NULL);
	if (st == DB_UNAVAILABLE)
		return problem_set(p, OUT_UNAVAILABLE,
		                   "Chwilowo nie możemy przyjąć wniosku. Spróbuj ponownie za chwilę.", NULL);
	if (st != DB_OK)
		return problem_set(p, OUT_ERROR,
		                   "Wystąpił błąd i wniosek nie został przyjęty. Spróbuj ponownie za chwilę.",
		                   NULL);
	return OUT_OK;
}

enum job_result filing_keys_job(void)
{
	PGconn *c = db_conn();
	if (!c)
		return JOB_FAILED;
	char cutoff[24];
	snprintf(cutoff, sizeof cutoff, "%lld", (long long)clock_now() - FILING_KEY_TTL);
	const char *p[1] = {cutoff};
	if (db_run(c, "DELETE FROM idempotency_keys WHERE created_at <= to_timestamp($1::bigint)", 1,
	           p) == DB_OK)
		return JOB_DONE;
	log_warn("idempotency keys older than a day not forgotten: %s", PQerrorMessage(c));
	return JOB_FAILED;
}

/* SPDX-License-Identifier: EUPL-1.2 */
/* The clerk's side of the register: proposals, the preview, publishing a
 * new version and withdrawing. Runs as the server's own database role;
 * what becomes public is built from the publishable_* views, the same
 * columns the public pages read. */
#include <ctype.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases/attachments.h"
#include "cases/caseview.h"
#include "cases/register.h"
#include "cases/register_item.h"
#include "cases/scope.h"
#include "cases/service.h"
#include "cases/store.h"
#include "core/strbuf.h"
#include "db/changes.h"
#include "db/db.h"
#include "law/lifecycle.h"
#include "law/personal.h"
#include "render/letter_public.h"
#include "render/redact.h"

static char *ids(arena_t *a, long long v)
{
	return arena_printf(a, "%lld", v);
}

static enum outcome case_not_found(struct problem *p)
{
	return problem_set(p, OUT_NOT_FOUND, NULL, NULL);
}

/* ---- The case and its publication ------------------------------------------ */

struct pcase {
	long long id;
	const char *case_number, *kind, *unit_id, *unit_name, *received_on, *state, *subject,
	    *closed_on, *assignee;
	bool no_kpa; /* STORE_NO_KPA_SQL */
};

static enum db_status load_case(PGconn *c, arena_t *a, const struct actor *who, long long id,
                                bool lock, struct pcase *out, bool *found)
{
	const char *p[3] = {ids(a, id), ids(a, who->org_id), ids(a, scope_unit(who))};
	enum db_status st;
	PGresult *r = db_exec(
	    c, &st,
	    lock ? "SELECT r.case_number, r.kind, r.unit_id, un.name, r.received_on, r.state, "
	           "r.subject, coalesce(r.closed_on::text, ''), coalesce(u.name, ''), "
	           STORE_NO_KPA_SQL("o", "r.kind") " "
	           "FROM requests r JOIN units un ON un.id = r.unit_id "
	           "JOIN organisations o ON o.id = r.org_id "
	           "LEFT JOIN users u ON u.id = r.assignee_id "
	           "WHERE r.id = $1 AND r.org_id = $2 AND " SCOPE_CASES("r", "$2", "$3")
	           " FOR UPDATE OF r"
	         : "SELECT r.case_number, r.kind, r.unit_id, un.name, r.received_on, r.state, "
	           "r.subject, coalesce(r.closed_on::text, ''), coalesce(u.name, ''), "
	           STORE_NO_KPA_SQL("o", "r.kind") " "
	           "FROM requests r JOIN units un ON un.id = r.unit_id "
	           "JOIN organisations o ON o.id = r.org_id "
	           "LEFT JOIN users u ON u.id = r.assignee_id "
	           "WHERE r.id = $1 AND r.org_id = $2 AND " SCOPE_CASES("r", "$2", "$3"),
	    3, p);
	*found = st == DB_OK && PQntuples(r) == 1;
	if (*found) {
		out->id = id;
		const char **f[] = {&out->case_number, &out->kind,        &out->unit_id,
		                    &out->unit_name,   &out->received_on, &out->state,
		                    &out->subject,     &out->closed_on,   &out->assignee};
		for (int i = 0; i < 9; i++)
			*f[i] = arena_strdup(a, PQgetvalue(r, 0, i));
		out->no_kpa = PQgetvalue(r, 0, 9)[0] == 't';
	}
	PQclear(r);
	return st;
}

struct ppub {
	long long id, version_id;
	int major, max_minor;
	bool withdrawn;
	const char *version, *subject, *answer, *legal_basis, *produced_by, *responsible,
	    *produced_on;
	const char *doc_seqs; /* "{1,3}": the current version's documents by seq */
	const char *copy_ids; /* "{7,9}": the public copies of attachments it publishes */
};

/* The publication of a request with its current version. */
#define PUBLICATION_SELECT                                                                         \
	"SELECT p.id, coalesce(p.version_id, 0), p.withdrawn, p.version, "                         \
	"(SELECT max(major) FROM publication_versions WHERE publication_id = p.id), "              \
	"(SELECT max(minor) FROM publication_versions WHERE publication_id = p.id), "              \
	"v.public_subject, v.answer, v.legal_basis, v.produced_by, v.responsible, "                \
	"coalesce((SELECT array_agg(d.seq ORDER BY d.seq)::text FROM documents d "                 \
	"          WHERE d.id = ANY (v.document_ids)), '{}'), v.produced_on::text, "               \
	"v.attachment_copy_ids::text "                                                             \
	"FROM publications p JOIN publication_versions v ON v.id = p.version_id "                  \
	"WHERE p.request_id = $1"

static enum db_status load_publication(PGconn *c, arena_t *a, long long request_id, bool lock,
                                       struct ppub *out, bool *found)
{
	const char *p[1] = {ids(a, request_id)};
	enum db_status st;
	PGresult *r = db_exec(c, &st, lock ? PUBLICATION_SELECT " FOR UPDATE OF p" : PUBLICATION_SELECT,
	                      1, p);
	*found = st == DB_OK && PQntuples(r) == 1;
	if (*found) {
		out->id = atoll(PQgetvalue(r, 0, 0));
		out->version_id = atoll(PQgetvalue(r, 0, 1));
		out->withdrawn = PQgetvalue(r, 0, 2)[0] == 't';
		out->version = arena_strdup(a, PQgetvalue(r, 0, 3));
		out->major = atoi(PQgetvalue(r, 0, 4));
		out->max_minor = atoi(PQgetvalue(r, 0, 5));
		out->subject = arena_strdup(a, PQgetvalue(r, 0, 6));
		out->answer = arena_strdup(a, PQgetvalue(r, 0, 7));
		out->legal_basis = arena_strdup(a, PQgetvalue(r, 0, 8));
		out->produced_by = arena_strdup(a, PQgetvalue(r, 0, 9));
		out->responsible = arena_strdup(a, PQgetvalue(r, 0, 10));
		out->doc_seqs = arena_strdup(a, PQgetvalue(r, 0, 11));
		out->produced_on = arena_strdup(a, PQgetvalue(r, 0, 12));
		out->copy_ids = arena_strdup(a, PQgetvalue(r, 0, 13));
	}
	PQclear(r);
	return st;
}

/* The "{1,2,3}" of a draft's documents. */
static const char *seq_array(arena_t *a, const struct register_draft *d)
{
	strbuf_t sb;
	sb_init(&sb, a);
	sb_putc(&sb, '{');
	for (int i = 0; i < d->ndocs; i++)
		sb_printf(&sb, "%s%d", i ? "," : "", d->doc_seqs[i]);
	sb_putc(&sb, '}');
	return sb.data;
}

/* The "{7,9}" of a draft's public copies of attachments, in its order. */
static const char *copy_array(arena_t *a, const struct register_draft *d)
{
	strbuf_t sb;
	sb_init(&sb, a);
	sb_putc(&sb, '{');
	for (int i = 0; i < d->ncopies; i++)
		sb_printf(&sb, "%s%lld", i ? "," : "", d->copy_ids[i]);
	sb_putc(&sb, '}');
	return sb.data;
}

static bool closing_state(const char *id, law_state_t *s)
{
	return law_state_from_id(id, s) && law_states[*s].closed && *s != LAW_STATE_CLOSED_FINAL;
}

/* The outcome a version records: the closing state, also while an appeal
 * or a complaint is pending or after the case became final ("" while the
 * case is open). The event that closed it gives its text and legal basis
 * for a first proposal. */
static enum db_status outcome_of(PGconn *c, arena_t *a, const struct pcase *pc,
                                 const char **outcome, const char **text, const char **basis)
{
	law_state_t s;
	*outcome = "";
	if (text)
		*text = "";
	if (basis)
		*basis = "";
	bool closed = closing_state(pc->state, &s);
	bool after = law_state_from_id(pc->state, &s) &&
	             (s == LAW_STATE_APPEAL_PENDING || s == LAW_STATE_AT_COURT ||
	              s == LAW_STATE_CLOSED_FINAL);
	if (!closed && !after)
		return DB_OK;
	/* The closing states, for the query. */
	strbuf_t set;
	sb_init(&set, a);
	sb_putc(&set, '{');
	for (int i = 0; i < LAW_STATE_COUNT; i++)
		if (law_states[i].closed && i != LAW_STATE_CLOSED_FINAL)
			sb_printf(&set, "%s%s", set.len > 1 ? "," : "", law_states[i].id);
	sb_putc(&set, '}');
	const char *p[2] = {ids(a, pc->id), set.data};
	enum db_status st;
	PGresult *r = db_exec(
	    c, &st,
	    "SELECT to_state, coalesce(event_data(e)->>'text', ''), "
	    "coalesce(event_data(e)->>'legal_basis', '') "
	    "FROM events e WHERE request_id = $1 AND to_state = ANY ($2::text[]) "
	    "ORDER BY id DESC LIMIT 1",
	    2, p);
	if (st == DB_OK && PQntuples(r) == 1) {
		*outcome = arena_strdup(a, PQgetvalue(r, 0, 0));
		if (text)
			*text = arena_strdup(a, PQgetvalue(r, 0, 1));
		if (basis)
			*basis = arena_strdup(a, PQgetvalue(r, 0, 2));
	} else if (st == DB_OK && closed) {
		*outcome = arena_strdup(a, pc->state);
	}
	PQclear(r);
	return st;
}

/* ---- Checking a draft --------------------------------------------------------- */

/* Valid UTF-8 without control characters (line breaks only where allowed). */
static bool text_ok(const char *s, bool multiline)
{
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		if (*p < 0x80) {
			if ((*p < 0x20 &&
			     !(multiline && (*p == '\n' || *p == '\r' || *p == '\t'))) ||
			    *p == 0x7f)
				return false;
			p++;
			continue;
		}
		int n = (*p & 0xE0) == 0xC0   ? 2
		        : (*p & 0xF0) == 0xE0 ? 3
		        : (*p & 0xF8) == 0xF0 ? 4
		                              : 0;
		if (!n || (n == 2 && *p < 0xC2))
			return false;
		for (int i = 1; i < n; i++)
			if ((p[i] & 0xC0) != 0x80)
				return false;
		p += n;
	}
	return true;
}

/* Characters, not bytes. */
static size_t chars(const char *s)
{
	size_t n = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		n += (*p & 0xC0) != 0x80;
	return n;
}

static bool blank(const char *s)
{
	for (; s && *s; s++)
		if (!isspace((unsigned char)*s))
			return false;
	return true;
}

static void validate(arena_t *a, const struct register_draft *d, law_date_t today,
                     struct problem *e)
{
	static const struct {
		const char *field, *label;
		size_t max;
		bool required, multiline;
	} fields[] = {
	    {"public_subject", "Temat do publikacji", 300, true, false},
	    {"answer", "Odpowiedź (streszczenie)", 20000, false, true},
	    {"legal_basis", "Podstawa prawna", 500, false, false},
	    {"produced_by", "Wytworzył informację", 300, true, false},
	    {"responsible", "Odpowiada za treść", 300, true, false},
	};
	const char *values[] = {d->public_subject, d->answer, d->legal_basis, d->produced_by,
	                        d->responsible};
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
		const char *v = values[i] ? values[i] : "";
		if (fields[i].required && blank(v))
			problem_field(e, fields[i].field,
			          arena_printf(a, "Wypełnij pole „%s”.", fields[i].label));
		else if (!text_ok(v, fields[i].multiline))
			problem_field(e, fields[i].field,
			          arena_printf(
			              a, "Pole „%s” zawiera niedozwolone znaki%s.", fields[i].label,
			              fields[i].multiline ? "" : " (także znaki nowej linii)"));
		else if (chars(v) > fields[i].max)
			problem_field(e, fields[i].field,
			          arena_printf(a, "Pole „%s” może mieć najwyżej %zu znaków.",
			                       fields[i].label, fields[i].max));
	}
	law_date_t on;
	if (!d->produced_on || !law_date_parse(d->produced_on, &on) || !law_date_in_range(on) ||
	    law_date_cmp(on, today) > 0)
		problem_field(
		    e, "produced_on",
		    "Podaj datę wytworzenia informacji (RRRR-MM-DD), nie późniejszą niż dzisiaj.");
	if (d->ndocs < 0 || d->ndocs > REGISTER_MAX_DOCS)
		problem_field(e, "documents", "Wybrano zbyt wiele pism.");
	if (d->ncopies < 0 || d->ncopies > REGISTER_MAX_DOCS)
		problem_field(e, "attachments", "Wybrano zbyt wiele załączników.");
}

/* The chosen documents must be issued documents of this case with a
 * public copy (the issued letter names the requester: the register
 * publishes only the copy without their data); their ids, as "{...}", for
 * the version. */
static enum db_status check_documents(PGconn *c, arena_t *a, long long request_id,
                                      const struct register_draft *d, const char **doc_ids,
                                      struct problem *e)
{
	const char *p[2] = {ids(a, request_id), seq_array(a, d)};
	enum db_status st;
	PGresult *r =
	    db_exec(c, &st,
	            "SELECT count(*), coalesce(array_agg(id ORDER BY seq)::text, '{}'), "
	            "count(*) FILTER (WHERE NOT has_pdf), "
	            "coalesce(min(seq) FILTER (WHERE NOT has_pdf), 0) "
	            "FROM publishable_documents WHERE request_id = $1 AND seq = ANY ($2::int[])",
	            2, p);
	if (st == DB_OK) {
		int distinct = 0;
		for (int i = 0; i < d->ndocs; i++) {
			bool dup = false;
			for (int j = 0; j < i; j++)
				dup |= d->doc_seqs[j] == d->doc_seqs[i];
			distinct += !dup;
		}
		if (atoi(PQgetvalue(r, 0, 0)) != distinct)
			problem_field(e, "documents",
			          "Można opublikować tylko wystawione pisma tej sprawy.");
		else if (atoi(PQgetvalue(r, 0, 2)) > 0)
			problem_field(
			    e, "documents",
			    arena_printf(a,
			                 "Pismo nr %s nie ma wersji do publikacji bez danych osobowych "
			                 "wnioskodawcy, więc nie można go opublikować (art. 5 ust. 2 "
			                 "ustawy o dostępie do informacji publicznej).",
			                 PQgetvalue(r, 0, 3)));
		*doc_ids = arena_strdup(a, PQgetvalue(r, 0, 1));
	}
	PQclear(r);
	return st;
}

/* The chosen public copies must each be the newest copy of a PDF
 * attachment of this case (cases/attachments.h): an attachment is
 * published only as its redacted copy, never as it came; their ids, as
 * "{...}" in the draft's order without repeats, for the version. */
static enum db_status check_copies(PGconn *c, arena_t *a, long long request_id,
                                   const struct register_draft *d, const char **copy_ids,
                                   struct problem *e)
{
	struct register_draft once = {.ncopies = 0};
	for (int i = 0; i < d->ncopies && i < REGISTER_MAX_DOCS; i++) {
		bool dup = false;
		for (int j = 0; j < once.ncopies; j++)
			dup |= once.copy_ids[j] == d->copy_ids[i];
		if (!dup)
			once.copy_ids[once.ncopies++] = d->copy_ids[i];
	}
	*copy_ids = copy_array(a, &once);
	if (!once.ncopies)
		return DB_OK;
	const char *p[2] = {ids(a, request_id), *copy_ids};
	enum db_status st;
	PGresult *r = db_exec(c, &st,
	                      "SELECT count(*) FROM publishable_attachments "
	                      "WHERE request_id = $1 AND id = ANY ($2::bigint[])",
	                      2, p);
	if (st == DB_OK && atoi(PQgetvalue(r, 0, 0)) != once.ncopies)
		problem_field(e, "attachments",
		              "Można opublikować tylko najnowszą kopię publiczną (zanonimizowaną) "
		              "załącznika PDF tej sprawy. Odśwież stronę i wybierz ponownie.");
	PQclear(r);
	return st;
}

/* ---- Personal data in the public fields ------------------------------------------ */

#define PII_PERSONS 9   /* the requester and up to 8 persons named in the case */
#define PII_FINDINGS 64 /* findings of one field looked at (more: "and more") */

/* An acceptance that let a finding through, for its audit event. */
struct pii_accepted {
	const char *field, *kind, *text, *reason;
};

/* What the check found, for the page and for publishing. */
struct pii_result {
	json_t *findings; /* {field: [{n, field, kind, text, own, checked, reason, error}]} */
	int count;
	struct pii_accepted accepted[REGISTER_MAX_ACCEPTS];
	int naccepted;
	law_person_t requester;
};

/* Who the case records and what is the body's own (docs/privacy.md,
 * "Publication"): the requester, the persons a refusal names (the
 * documents' input "persons", UDIP art. 16 ust. 2: who took a position and
 * in whose interest it was refused) unless they are the organisation's
 * staff, and the organisation's own address, e-mail and phone, which are
 * no one's personal data. */
struct pii_case {
	law_person_t persons[PII_PERSONS];
	size_t npersons;
	law_person_t requester; /* persons[0] when there is a requester */
	bool has_requester;
	const char *own[3]; /* the organisation's address, e-mail, phone */
};

static bool upper_start(const char *w)
{
	unsigned char c = (unsigned char)w[0], d = (unsigned char)w[1];
	return (c >= 'A' && c <= 'Z') ||
	       (c == 0xC5 && (d == 0x81 || d == 0x9A || d == 0xB9 || d == 0xBB)) ||
	       (c == 0xC3 && d == 0x93) || (c == 0xC4 && (d == 0x86 || d == 0x98 || d == 0x84));
}

/* The names in a refusal's "persons" text: in each line or part between
 * commas and semicolons, the first run of two to four capitalised words
 * ("Jan Nowak – inspektor" gives "Jan Nowak"). */
static void names_in(arena_t *a, const char *text, const char **out, size_t cap, size_t *n)
{
	char *t = arena_strdup(a, text), *rest;
	for (char *part = strtok_r(t, "\n\r,;()", &rest); part && *n < cap;
	     part = strtok_r(NULL, "\n\r,;()", &rest)) {
		const char *words[4];
		size_t nw = 0;
		char *w_rest;
		for (char *w = strtok_r(part, " \t", &w_rest); w; w = strtok_r(NULL, " \t", &w_rest)) {
			size_t len = strlen(w);
			bool word = upper_start(w) && len >= 2 && !strpbrk(w, ".0123456789:");
			if (word && nw < 4) {
				words[nw++] = w;
				continue;
			}
			if (nw >= 2)
				break;
			nw = 0;
		}
		if (nw < 2)
			continue;
		strbuf_t sb;
		sb_init(&sb, a);
		for (size_t i = 0; i < nw; i++)
			sb_printf(&sb, "%s%s", i ? " " : "", words[i]);
		out[(*n)++] = sb.data;
	}
}

static enum db_status load_pii_case(PGconn *c, arena_t *a, const struct actor *who,
                                    long long request_id, bool name_public, struct pii_case *pc)
{
	memset(pc, 0, sizeof *pc);
	const char *p[2] = {ids(a, request_id), ids(a, who->org_id)};
	enum db_status st;
	PGresult *r = db_exec(
	    c, &st,
	    "SELECT q.request_id IS NOT NULL, coalesce(q.name, ''), coalesce(q.email, ''), "
	    "coalesce(q.postal_address, ''), coalesce(q.phone, ''), o.address, o.email, o.phone, "
	    "coalesce((SELECT string_agg(d.inputs->>'persons', E'\n' ORDER BY d.seq) FROM documents d "
	    "          WHERE d.request_id = r.id AND d.inputs ? 'persons'), ''), "
	    "coalesce((SELECT array_agg(u.name) FROM users u WHERE u.org_id = r.org_id), '{}') "
	    "FROM requests r JOIN organisations o ON o.id = r.org_id "
	    "LEFT JOIN requesters q ON q.request_id = r.id WHERE r.id = $1 AND r.org_id = $2",
	    2, p);
	if (st != DB_OK || PQntuples(r) != 1) {
		PQclear(r);
		return st;
	}
#define V(i) arena_strdup(a, PQgetvalue(r, 0, i))
	if (PQgetvalue(r, 0, 0)[0] == 't') {
		/* A requester that is not a natural person may be named (LAW.md
		 * §7): its name is then no one's personal data. */
		pc->requester = (law_person_t){name_public ? NULL : V(1), V(2), V(4), V(3)};
		pc->has_requester = true;
		pc->persons[pc->npersons++] = pc->requester;
	}
	pc->own[0] = V(5);
	pc->own[1] = V(6);
	pc->own[2] = V(7);
	const char *named[PII_PERSONS - 1];
	size_t nnamed = 0;
	names_in(a, PQgetvalue(r, 0, 8), named, PII_PERSONS - 1, &nnamed);
	const char *staff = V(9); /* "{"Jan Nowak",...}": whole words, so the braces do not matter */
#undef V
	PQclear(r);
	for (size_t i = 0; i < nnamed; i++)
		if (!law_personal_same(LAW_PII_NAME, named[i], strlen(named[i]), staff))
			pc->persons[pc->npersons++] = (law_person_t){named[i], NULL, NULL, NULL};
	return DB_OK;
}

/* The organisation's own address, e-mail or phone: no one's personal data. */
static bool body_own(const struct pii_case *pc, law_personal_kind_t k, const char *s, size_t n)
{
	switch (k) {
	case LAW_PII_ADDRESS:
	case LAW_PII_POSTCODE:
		return law_personal_same(k, s, n, pc->own[0]);
	case LAW_PII_EMAIL:
		return law_personal_same(k, s, n, pc->own[1]);
	case LAW_PII_PHONE:
		return law_personal_same(k, s, n, pc->own[2]);
	default:
		return false;
	}
}

/* The requester's own data, which may never be made public: their name
 * (a finding of the requester alone overlapping this one), e-mail, phone
 * and address. */
static bool requester_own(const struct pii_case *pc, const law_personal_finding_t *f,
                          const char *text, const law_personal_finding_t *rf, long nrf)
{
	if (!pc->has_requester)
		return false;
	const char *s = text + f->start;
	size_t n = f->end - f->start;
	switch (f->kind) {
	case LAW_PII_NAME:
		for (long i = 0; i < nrf; i++)
			if (rf[i].kind == LAW_PII_NAME && rf[i].start < f->end && rf[i].end > f->start)
				return true;
		return false;
	case LAW_PII_EMAIL:
		return law_personal_same(f->kind, s, n, pc->requester.email);
	case LAW_PII_PHONE:
		return law_personal_same(f->kind, s, n, pc->requester.phone);
	case LAW_PII_ADDRESS:
	case LAW_PII_POSTCODE:
		return law_personal_same(f->kind, s, n, pc->requester.address);
	default:
		return false;
	}
}

static const struct register_accept *accept_of(const struct register_draft *d, const char *field,
                                               const char *text)
{
	for (int i = 0; i < d->naccepts; i++)
		if (d->accepts[i].field && d->accepts[i].text && !strcmp(d->accepts[i].field, field) &&
		    !strcmp(d->accepts[i].text, text))
			return &d->accepts[i];
	return NULL;
}

/* One field's findings: each blocks publishing unless accepted as public
 * with a reason; the requester's own data never may be. */
static void check_field(arena_t *a, const struct pii_case *pc, const struct register_draft *d,
                        const char *field, const char *label, const char *text,
                        struct pii_result *res, struct problem *e)
{
	law_personal_finding_t f[PII_FINDINGS], rf[PII_FINDINGS];
	size_t len = strlen(text);
	long n = law_personal_find(text, len, pc->persons, pc->npersons, f, PII_FINDINGS);
	long nrf = pc->has_requester && pc->requester.name
	               ? law_personal_find(text, len, &pc->requester, 1, rf, PII_FINDINGS)
	               : 0;
	if (n < 0 || nrf < 0) {
		problem_fieldf(e, a, field,
		               "Nie udało się sprawdzić, czy pole „%s” zawiera dane osobowe. Spróbuj "
		               "ponownie.",
		               label);
		return;
	}
	if (n > PII_FINDINGS) {
		problem_fieldf(e, a, field,
		               "Pole „%s” zawiera zbyt wiele danych osobowych (%ld). Usuń je przed "
		               "publikacją.",
		               label, n);
		n = PII_FINDINGS;
	}
	if (nrf > PII_FINDINGS)
		nrf = PII_FINDINGS;
	static const char *const law = "(art. 5 ust. 2 ustawy o dostępie do informacji publicznej)";
	for (long k = 0; k < n; k++) {
		const char *frag = arena_strndup(a, text + f[k].start, f[k].end - f[k].start);
		if (body_own(pc, f[k].kind, frag, strlen(frag)))
			continue;
		bool own = requester_own(pc, &f[k], text, rf, nrf);
		const struct register_accept *acc = accept_of(d, field, frag);
		const char *kind = law_personal_kind_label(f[k].kind), *error = NULL;
		const char *reason = acc && acc->reason ? acc->reason : "";
		bool accepted = false;
		if (own)
			error = arena_printf(a,
			                     "Pole „%s” zawiera dane osobowe wnioskodawcy (%s): „%s”. "
			                     "%sUsuń je przed publikacją %s.",
			                     label,
			                     f[k].kind == LAW_PII_NAME      ? "imię i nazwisko"
			                     : f[k].kind == LAW_PII_POSTCODE ? "adres"
			                                                    : kind,
			                     frag,
			                     acc && acc->public_data
			                         ? "Danych wnioskodawcy nie można uznać za publiczne. "
			                         : "",
			                     law);
		else if (!acc || !acc->public_data)
			error = arena_printf(a,
			                     "Pole „%s” zawiera dane osobowe (%s): „%s”. Usuń je przed "
			                     "publikacją %s albo, jeśli są jawne (np. imię i nazwisko "
			                     "funkcjonariusza publicznego), zaznacz „to dane publiczne” i "
			                     "podaj powód.",
			                     label, kind, frag, law);
		else if (blank(reason))
			error = arena_printf(a, "Podaj powód, dla którego „%s” to dane publiczne.", frag);
		else if (!text_ok(reason, false) || chars(reason) > REGISTER_REASON_MAX)
			error = arena_printf(a,
			                     "Powód uznania „%s” za dane publiczne może mieć najwyżej %d "
			                     "znaków, bez znaków nowej linii.",
			                     frag, REGISTER_REASON_MAX);
		else
			accepted = true;
		if (error)
			problem_field(e, field, error);
		if (!res)
			continue;
		if (accepted && res->naccepted < REGISTER_MAX_ACCEPTS)
			res->accepted[res->naccepted++] = (struct pii_accepted){
			    field, law_personal_kind_name(f[k].kind), frag, reason};
		if (!res->findings)
			continue;
		json_t *list = json_object_get(res->findings, field);
		if (!list) {
			list = json_array();
			json_object_set_new(res->findings, field, list);
		}
		/* Every key set, even empty: a missing one would be looked up in
		 * the enclosing context by the template. */
		json_array_append_new(
		    list, json_pack("{s:i, s:s, s:s, s:s, s:b, s:b, s:s, s:s}", "n", res->count++,
		                    "field", field, "kind", kind, "text", frag, "own", own, "checked",
		                    acc && acc->public_data, "reason", reason, "error",
		                    error ? error : ""));
	}
}

/* LAW.md §7, UDIP art. 5 ust. 2: the personal-data detector
 * (law/personal.h) on every public field, with the case's known persons.
 * Each finding is a field error unless the clerk accepted it as public
 * with a reason; `res` (may be NULL) gets the findings for the page and
 * the acceptances used. */
static enum db_status check_personal_data(PGconn *c, arena_t *a, const struct actor *who,
                                          long long request_id, const struct register_draft *d,
                                          struct pii_result *res, struct problem *e)
{
	static const struct {
		const char *field, *label;
	} fields[] = {{"public_subject", "Temat do publikacji"},
	              {"answer", "Odpowiedź (streszczenie)"},
	              {"legal_basis", "Podstawa prawna"},
	              {"produced_by", "Wytworzył informację"},
	              {"responsible", "Odpowiada za treść"}};
	const char *values[] = {d->public_subject, d->answer, d->legal_basis, d->produced_by,
	                        d->responsible};
	struct pii_case pc;
	enum db_status st = load_pii_case(c, a, who, request_id, d->name_may_be_public, &pc);
	if (st != DB_OK)
		return st;
	if (res)
		res->requester = pc.requester;
	for (size_t f = 0; f < sizeof fields / sizeof fields[0]; f++)
		check_field(a, &pc, d, fields[f].field, fields[f].label, values[f] ? values[f] : "",
		            res, e);
	return DB_OK;
}

/* ---- The item as the public will see it ------------------------------------------ */

static enum db_status build_item(PGconn *c, arena_t *a, const struct pcase *pc,
                                 const struct register_draft *d, const char *outcome, json_t **item)
{
	long long request_id = pc->id;
	struct item_content content = {d->public_subject, d->answer, d->legal_basis, outcome,
	                               pc->no_kpa};
	return item_read(c, ids(a, request_id), seq_array(a, d), copy_array(a, d), &content, true,
	                 item);
}

/* ---- Proposals and the workspace ---------------------------------------------- */

static const struct {
	const char *outcome, *text;
} default_answers[] = {
    {"provided", "Informację udostępniono wnioskodawcy."},
    {"partly_refused",
     "Informację udostępniono w części; w pozostałej części odmówiono jej udostępnienia decyzją."},
    {"refused", "Odmówiono udostępnienia informacji decyzją."},
    {"discontinued", "Postępowanie umorzono decyzją."},
    {"conditions_decided", "Warunki ponownego wykorzystywania określono decyzją."},
    {"not_public_information",
     "Żądana treść nie jest informacją publiczną; poinformowano o tym wnioskodawcę."},
    {"not_held", "Organ nie posiada żądanej informacji; poinformowano o tym wnioskodawcę."},
    {"published_elsewhere",
     "Informacja jest opublikowana w Biuletynie Informacji Publicznej; wskazano jej adres."},
    {"other_statute", "Dostęp do tej informacji określa odrębna ustawa (art. 1 ust. 2 ustawy o "
                      "dostępie do informacji publicznej)."},
    {"withdrawn", "Wnioskodawca wycofał wniosek."},
    {"left_unprocessed", "Wniosek pozostawiono bez rozpoznania."},
    {"deemed_withdrawn", "Wniosek uznano za wycofany."},
    {"reuse_not_possible",
     "Poinformowano wnioskodawcę o braku możliwości ponownego wykorzystywania w sposób lub "
     "formacie wskazanych we wniosku (art. 42 ust. 1 pkt 2 ustawy o otwartych danych)."},
};

const char *register_default_answer(const char *outcome)
{
	for (size_t i = 0; i < sizeof default_answers / sizeof default_answers[0]; i++)
		if (!strcmp(default_answers[i].outcome, outcome))
			return default_answers[i].text;
	return "Sprawa jest w toku.";
}

static enum db_status proposal(PGconn *c, arena_t *a, const struct pcase *pc, int64_t now,
                               struct register_draft *d)
{
	const char *outcome, *text, *basis;
	enum db_status st = outcome_of(c, a, pc, &outcome, &text, &basis);
	memset(d, 0, sizeof *d);
	d->public_subject = pc->subject;
	d->answer = *text ? text : register_default_answer(outcome);
	d->legal_basis = basis;
	d->produced_by =
	    *pc->assignee ? arena_printf(a, "%s, %s", pc->assignee, pc->unit_name) : pc->unit_name;
	d->responsible = pc->unit_name;
	char today[LAW_DATE_STRLEN];
	law_date_format(caseview_today(now), today);
	d->produced_on = *pc->closed_on ? pc->closed_on : arena_strdup(a, today);
	return st;
}

static json_t *versions_of(PGconn *c, arena_t *a, long long pub_id, enum db_status *st)
{
	const char *p[1] = {ids(a, pub_id)};
	PGresult *r =
	    db_exec(c, st,
	            "SELECT version, title, withdrawn, entered_by_name, "
	            "to_char(published_at AT TIME ZONE 'Europe/Warsaw', 'DD.MM.YYYY HH24:MI'), note "
	            "FROM publication_versions WHERE publication_id = $1 ORDER BY id DESC",
	            1, p);
	json_t *list = json_array();
	for (int i = 0; *st == DB_OK && i < PQntuples(r); i++)
		json_array_append_new(list,
		                      json_pack("{s:s, s:s, s:b, s:s, s:s, s:s}", "version",
		                                PQgetvalue(r, i, 0), "title", PQgetvalue(r, i, 1),
		                                "withdrawal", PQgetvalue(r, i, 2)[0] == 't', "who",
		                                PQgetvalue(r, i, 3), "date", PQgetvalue(r, i, 4),
		                                "note", PQgetvalue(r, i, 5)));
	PQclear(r);
	return list;
}

static bool seq_in(const char *set, int seq)
{
	/* set is "{1,2,3}" */
	for (const char *p = set; *p; p++) {
		if (isdigit((unsigned char)*p) &&
		    !isdigit((unsigned char)(p > set ? p[-1] : '{')) && atoi(p) == seq)
			return true;
	}
	return false;
}

/* The public copy of letter `seq` of the case (no scope check: the
 * callers made it), into *pdf and *len (in the arena); *len 0 when there is none. */
static enum db_status letter_copy(PGconn *c, arena_t *a, long long request_id, int seq,
                                  const char **pdf, size_t *len)
{
	const char *q[2] = {ids(a, request_id), ids(a, seq)};
	PGresult *r = PQexecParams(c,
	                           "SELECT c.pdf FROM document_public_copies c "
	                           "JOIN documents d ON d.id = c.document_id "
	                           "WHERE d.request_id = $1 AND d.seq = $2",
	                           2, NULL, q, NULL, NULL, 1);
	enum db_status st = db_status_of(c, r);
	*pdf = NULL;
	*len = 0;
	if (st == DB_OK && PQntuples(r) == 1) {
		*pdf = db_value_copy(a, r, 0, 0, len);
	}
	PQclear(r);
	return st;
}

/* The page count of a letter's public copy made before migration 0023
 * stored it (0 when it cannot be read). */
static enum db_status copy_pages(PGconn *c, arena_t *a, long long request_id, int seq, int *pages)
{
	const char *pdf;
	size_t len;
	char err[128];
	enum db_status st = letter_copy(c, a, request_id, seq, &pdf, &len);
	int n = st == DB_OK && len ? redact_page_count((const unsigned char *)pdf, len, err, sizeof err)
	                           : 0;
	*pages = n > 0 ? n : 0;
	return st;
}

/* The case's attachments to choose from: a PDF with its newest public
 * copy and that copy's pages (the images the page shows of what will be
 * public), checked when the current version publishes a copy of it
 * (`copies`, "{7,9}"). Anything but a PDF cannot be published. */
static json_t *attachments_of(PGconn *c, arena_t *a, long long request_id, const char *copies,
                              enum db_status *st)
{
	const char *p[2] = {ids(a, request_id), copies};
	PGresult *r = db_exec(
	    c, st,
	    "SELECT a.id, a.filename, a.content_type = 'application/pdf', coalesce(c.id, 0), "
	    "coalesce(c.made_on, ''), coalesce(c.pages, 0), "
	    "EXISTS (SELECT 1 FROM attachment_public_copies x WHERE x.attachment_id = a.id "
	    "        AND x.id = ANY ($2::bigint[])) "
	    "FROM attachments a LEFT JOIN publishable_attachments c ON c.attachment_id = a.id "
	    "WHERE a.request_id = $1 ORDER BY a.id",
	    2, p);
	json_t *list = json_array();
	for (int i = 0; *st == DB_OK && i < PQntuples(r); i++) {
		long long aid = atoll(PQgetvalue(r, i, 0)), cid = atoll(PQgetvalue(r, i, 3));
		int pages = atoi(PQgetvalue(r, i, 5));
		json_t *pl = json_array();
		for (int n = 1; cid && n <= pages; n++)
			json_array_append_new(
			    pl, json_pack("{s:i, s:s}", "n", n, "src",
			                  arena_printf(a, "/panel/sprawy/%lld/zalaczniki/%lld/kopie/%lld/strony/%d",
			                               request_id, aid, cid, n)));
		json_array_append_new(
		    list,
		    json_pack("{s:I, s:s, s:b, s:I, s:s, s:i, s:b, s:s, s:o}", "id", (json_int_t)aid,
		              "filename", PQgetvalue(r, i, 1), "pdf", PQgetvalue(r, i, 2)[0] == 't',
		              "copy_id", (json_int_t)cid, "copy_made_on", PQgetvalue(r, i, 4), "pages",
		              pages, "checked", cid && PQgetvalue(r, i, 6)[0] == 't', "redact_url",
		              arena_printf(a, "/panel/sprawy/%lld/zalaczniki/%lld/anonimizacja",
		                           request_id, aid),
		              "pages_list", pl));
	}
	PQclear(r);
	return list;
}

/* The workspace: the case, its publication's change register, the
 * documents to choose from, and the draft (the current content, or the
 * proposals for a first publication). */
static enum outcome workspace(PGconn *c, arena_t *a, const struct actor *who, long long request_id,
                              int64_t now, json_t **out, struct problem *p)
{
	*out = NULL;
	struct pcase pc;
	struct ppub pub;
	bool found, published = false;
	enum db_status st = load_case(c, a, who, request_id, false, &pc, &found);
	if (st == DB_OK && !found)
		return case_not_found(p);
	if (st == DB_OK)
		st = load_publication(c, a, request_id, false, &pub, &published);
	struct register_draft d;
	const char *checked = "{}", *copies = "{}";
	if (st == DB_OK)
		st = proposal(c, a, &pc, now, &d);
	if (st == DB_OK && published) {
		/* The current content (also after a withdrawal, to publish again). */
		d.public_subject = pub.subject;
		d.answer = pub.answer;
		d.legal_basis = pub.legal_basis;
		d.produced_by = pub.produced_by;
		d.responsible = pub.responsible;
		d.produced_on = pub.produced_on;
		checked = pub.doc_seqs;
		copies = pub.copy_ids;
	}
	if (st != DB_OK)
		return svc_outcome(st, p);
	json_t *view = json_pack(
	    "{s:I, s:s, s:s, s:b, s:b, s:I, s:s, s:s}", "id_case", (json_int_t)request_id,
	    "case_number", pc.case_number, "state_label", caseview_state_label(pc.state, pc.no_kpa),
	    "published", published, "withdrawn", published && pub.withdrawn, "version_id",
	    (json_int_t)(published ? pub.version_id : 0), "version", published ? pub.version : "",
	    "public_path", arena_printf(a, "/rejestr/%s", pc.case_number));
	json_object_set_new(view, "draft",
	                    json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "public_subject",
	                              d.public_subject, "answer", d.answer, "legal_basis",
	                              d.legal_basis, "produced_by", d.produced_by, "responsible",
	                              d.responsible, "produced_on", d.produced_on));
	json_object_set_new(view, "versions",
	                    published ? versions_of(c, a, pub.id, &st) : json_array());
	const char *pp[1] = {ids(a, request_id)};
	PGresult *r = st == DB_OK
	                  ? db_exec(c, &st,
	                            "SELECT d.seq, d.title, coalesce(d.issued_on, ''), d.has_pdf, "
	                            "coalesce(c.pages, 0), c.pages IS NULL AND c.pdf IS NOT NULL "
	                            "FROM publishable_documents d "
	                            "LEFT JOIN document_public_copies c ON c.document_id = d.id "
	                            "WHERE d.request_id = $1 ORDER BY d.seq",
	                            1, pp)
	                  : NULL;
	json_t *docs = json_array();
	for (int i = 0; st == DB_OK && i < PQntuples(r); i++) {
		int seq = atoi(PQgetvalue(r, i, 0)), pages = atoi(PQgetvalue(r, i, 4));
		if (PQgetvalue(r, i, 5)[0] == 't')
			st = copy_pages(c, a, request_id, seq, &pages);
		json_t *pl = json_array();
		for (int n = 1; n <= pages; n++)
			json_array_append_new(
			    pl, json_pack("{s:i, s:s}", "n", n, "src",
			                  arena_printf(a, "/panel/sprawy/%lld/pisma/%d/kopia/strony/%d",
			                               request_id, seq, n)));
		json_array_append_new(docs, json_pack("{s:i, s:s, s:s, s:b, s:b, s:o}", "seq", seq,
		                                      "title", PQgetvalue(r, i, 1), "issued_on",
		                                      PQgetvalue(r, i, 2), "has_pdf",
		                                      PQgetvalue(r, i, 3)[0] == 't', "checked",
		                                      seq_in(checked, seq), "pages_list", pl));
	}
	PQclear(r);
	json_object_set_new(view, "has_documents", json_boolean(json_array_size(docs) > 0));
	json_object_set_new(view, "documents", docs);
	json_t *atts = st == DB_OK ? attachments_of(c, a, request_id, copies, &st) : json_array();
	json_object_set_new(view, "has_attachments", json_boolean(json_array_size(atts) > 0));
	json_object_set_new(view, "attachments", atts);
	if (st != DB_OK) {
		json_decref(view);
		return svc_outcome(st, p);
	}
	*out = view;
	return OUT_OK;
}

/* Checks a draft (lengths, dates, the documents, and that no public field
 * holds the requester's name, e-mail, phone or address) and builds the
 * public item exactly as the public page will show it. OUT_INVALID with
 * the fields at fault, and still the item when it could be built. */
static enum outcome preview(PGconn *c, arena_t *a, const struct actor *who, long long request_id,
                            const struct register_draft *d, int64_t now, json_t **item,
                            struct pii_result *pii, struct problem *p)
{
	*item = NULL;
	problem_set(p, OUT_OK, NULL, NULL);
	struct pcase pc;
	bool found;
	enum db_status st = load_case(c, a, who, request_id, false, &pc, &found);
	if (st == DB_OK && !found)
		return case_not_found(p);
	const char *outcome = "", *doc_ids = "{}", *copy_ids = "{}";
	validate(a, d, caseview_today(now), p);
	bool texts_ok = p->nfields == 0;
	if (st == DB_OK)
		st = outcome_of(c, a, &pc, &outcome, NULL, NULL);
	if (st == DB_OK)
		st = check_documents(c, a, request_id, d, &doc_ids, p);
	if (st == DB_OK)
		st = check_copies(c, a, request_id, d, &copy_ids, p);
	if (st == DB_OK && texts_ok)
		st = check_personal_data(c, a, who, request_id, d, pii, p);
	if (st == DB_OK && texts_ok)
		st = build_item(c, a, &pc, d, outcome, item);
	if (st != DB_OK) {
		json_decref(*item);
		*item = NULL;
		return svc_outcome(st, p);
	}
	return p->nfields ? OUT_INVALID : OUT_OK;
}

/* ---- Publishing ----------------------------------------------------------------- */

struct pub_ctx {
	arena_t *a;
	const struct actor *who;
	long long request_id;
	const struct register_draft *d; /* as posted (NULL: a withdrawal) */
	bool withdraw;
	long long expected;
	int64_t now;
	struct problem *p;
	enum outcome result; /* OUT_OK, or why it was refused */
	const char *version;
	/* Read and checked in the transaction. */
	struct pcase pc;
	struct ppub pub;
	bool published;
	struct register_draft withdrawal;
	const struct register_draft *use; /* what the version says */
	const char *outcome, *doc_ids, *copy_ids;
	struct pii_result pii; /* the acceptances the version uses */
};

/* Locks the case and its publication and checks the step: x->result says
 * whether it may go on. */
static enum db_status check_step(PGconn *c, struct pub_ctx *x)
{
	arena_t *a = x->a;
	bool found;
	enum db_status st = load_case(c, a, x->who, x->request_id, true, &x->pc, &found);
	if (st != DB_OK)
		return st;
	if (!found) {
		x->result = case_not_found(x->p);
		return DB_OK;
	}
	if ((st = load_publication(c, a, x->request_id, true, &x->pub, &x->published)) != DB_OK)
		return st;
	if ((x->published ? x->pub.version_id : 0) != x->expected) {
		x->result = problem_set(
		    x->p, OUT_STALE,
		    x->published
		        ? arena_printf(a,
		                       "Ktoś inny opublikował w międzyczasie wersję %s. Sprawdź "
		                       "ją i spróbuj ponownie.",
		                       x->pub.version)
		        : "Stan publikacji zmienił się w międzyczasie. Spróbuj ponownie.",
		    "stale_version");
		return DB_OK;
	}
	if (x->withdraw && (!x->published || x->pub.withdrawn))
		x->result = problem_set(x->p, OUT_CONFLICT,
		                        "Ta sprawa nie jest opublikowana w rejestrze.", "not_published");
	return DB_OK;
}

/* What the new version says: the checked draft, or for a withdrawal the
 * last content (hidden by the views). x->result OUT_INVALID when the
 * draft breaks a rule. */
static enum db_status check_content(PGconn *c, struct pub_ctx *x)
{
	arena_t *a = x->a;
	x->outcome = "";
	x->doc_ids = "{}";
	x->copy_ids = "{}";
	if (x->withdraw) {
		char *today = arena_alloc(a, LAW_DATE_STRLEN);
		law_date_format(caseview_today(x->now), today);
		x->withdrawal = (struct register_draft){.public_subject = x->pub.subject,
		                                        .answer = x->pub.answer,
		                                        .legal_basis = x->pub.legal_basis,
		                                        .produced_by = x->pub.produced_by,
		                                        .responsible = x->pub.responsible,
		                                        .produced_on = today};
		x->use = &x->withdrawal;
		return DB_OK;
	}
	x->use = x->d;
	enum db_status st = DB_OK;
	validate(a, x->d, caseview_today(x->now), x->p);
	if (!x->p->nfields)
		st = check_documents(c, a, x->request_id, x->d, &x->doc_ids, x->p);
	if (st == DB_OK && !x->p->nfields)
		st = check_copies(c, a, x->request_id, x->d, &x->copy_ids, x->p);
	if (st == DB_OK && !x->p->nfields)
		st = check_personal_data(c, a, x->who, x->request_id, x->d, &x->pii, x->p);
	if (st == DB_OK && x->p->nfields)
		x->result = OUT_INVALID;
	else if (st == DB_OK)
		st = outcome_of(c, a, &x->pc, &x->outcome, NULL, NULL);
	return st;
}

/* The publication row of a case published for the first time. */
static enum db_status insert_publication(PGconn *c, struct pub_ctx *x)
{
	arena_t *a = x->a;
	const char *p[9] = {ids(a, x->who->org_id),  ids(a, x->request_id), x->pc.case_number,
	                    x->pc.kind,              x->pc.unit_id,         x->pc.received_on,
	                    ids(a, x->who->user_id), ids(a, x->now),        x->use->public_subject};
	enum db_status st;
	PGresult *r = db_exec(
	    c, &st,
	    "INSERT INTO publications (org_id, request_id, case_number, kind, unit_id, "
	    "received_on, published_by, first_published_at, version_published_at, "
	    "public_subject) VALUES ($1, $2, $3, $4, $5, $6, $7, to_timestamp($8), "
	    "to_timestamp($8), $9) RETURNING id",
	    9, p);
	if (st == DB_OK)
		x->pub = (struct ppub){.id = atoll(PQgetvalue(r, 0, 0)), .major = 1, .max_minor = -1};
	PQclear(r);
	return st;
}

/* A finding the clerk accepted as public, in the audit trail: which
 * field, what kind, why, and the text itself, which is public by the
 * clerk's word, but never when it holds anything of the requester's (the
 * payload must not hold personal data: issue 17 §3). */
static enum db_status accept_event(PGconn *c, struct pub_ctx *x, const struct pii_accepted *acc)
{
	letter_personal_t rq = {x->pii.requester.name, x->pii.requester.email,
	                        x->pii.requester.address, x->pii.requester.phone};
	json_t *data = json_pack("{s:s, s:s, s:s, s:s}", "version", x->version, "field", acc->field,
	                         "kind", acc->kind, "reason", acc->reason);
	if (!letter_personal_in(acc->text, &rq))
		json_object_set_new(data, "accepted_text", json_string(acc->text));
	enum db_status st = store_event(c, x->who->org_id, x->request_id, x->who->role,
	                                x->who->user_id, REGISTER_ACCEPT_EVENT, NULL, NULL, data);
	json_decref(data);
	return st;
}

/* The version (1.0 first, then each change +0.1), the publication moved
 * to it, the audit event. */
static enum db_status write_version(PGconn *c, struct pub_ctx *x)
{
	arena_t *a = x->a;
	const struct register_draft *d = x->use;
	const char *org = ids(a, x->who->org_id), *user = ids(a, x->who->user_id),
	           *at = ids(a, x->now);
	const char *title =
	    x->withdraw ? arena_printf(a, "Wycofanie z publikacji: sprawa %s", x->pc.case_number)
	                : arena_printf(a, "Sprawa %s: %s", x->pc.case_number, d->public_subject);
	const char *pub_id = ids(a, x->pub.id), *major = ids(a, x->pub.major ? x->pub.major : 1),
	           *minor = ids(a, x->pub.max_minor + 1);
	const char *answer = d->answer ? d->answer : "", *basis = d->legal_basis ? d->legal_basis : "";
	const char *withdrawn = x->withdraw ? "t" : "f";
	const char *vp[17] = {pub_id,         org,
	                      major,          minor,
	                      withdrawn,      title,
	                      d->public_subject, answer,
	                      x->outcome,     basis,
	                      x->doc_ids,     d->produced_by,
	                      d->responsible, d->produced_on,
	                      user,           at,
	                      x->copy_ids};
	enum db_status st;
	PGresult *r = db_exec(
	    c, &st,
	    "INSERT INTO publication_versions (publication_id, org_id, major, minor, withdrawn, "
	    "title, public_subject, answer, outcome, legal_basis, document_ids, produced_by, "
	    "responsible, produced_on, entered_by, entered_by_name, published_at, "
	    "attachment_copy_ids) "
	    "SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::bigint[], $12, $13, $14, "
	    "u.id, u.name, to_timestamp($16), $17::bigint[] FROM users u WHERE u.id = $15 "
	    "RETURNING id, version",
	    17, vp);
	const char *version_id = NULL;
	if (st == DB_OK && PQntuples(r) == 1) {
		version_id = arena_strdup(a, PQgetvalue(r, 0, 0));
		x->version = arena_strdup(a, PQgetvalue(r, 0, 1));
	} else if (st == DB_OK) {
		st = DB_ERROR; /* the clerk's user row is gone */
	}
	PQclear(r);
	if (st != DB_OK)
		return st;
	const char *up[9] = {pub_id,    version_id, x->version,
	                     at,        withdrawn,  d->public_subject,
	                     answer,    x->outcome, basis};
	st = db_run(
	    c,
	    "UPDATE publications SET version_id = $2, version = $3, version_published_at = "
	    "to_timestamp($4), withdrawn = $5, public_subject = $6, answer = $7, outcome = $8, "
	    "legal_basis = $9, changed_at = now(), "
	    "withdrawn_upto = CASE WHEN $5 THEN $2 ELSE withdrawn_upto END WHERE id = $1",
	    9, up);
	if (st != DB_OK)
		return st;
	json_t *data = json_pack("{s:s}", "version", x->version);
	st = store_event(c, x->who->org_id, x->request_id, x->who->role, x->who->user_id,
	                 x->withdraw ? "unpublish" : "publish", NULL, NULL, data);
	json_decref(data);
	for (int i = 0; st == DB_OK && !x->withdraw && i < x->pii.naccepted; i++)
		st = accept_event(c, x, &x->pii.accepted[i]);
	return st;
}

static enum db_status publish_tx(PGconn *c, void *vctx)
{
	struct pub_ctx *x = vctx;
	x->pii = (struct pii_result){0}; /* a retried transaction starts again */
	problem_set(x->p, OUT_OK, NULL, NULL);
	x->result = OUT_OK;
	enum db_status st = check_step(c, x);
	if (st == DB_OK && x->result == OUT_OK)
		st = check_content(c, x);
	if (st != DB_OK || x->result != OUT_OK)
		return st; /* a refusal commits nothing but the locks' end */
	if (!x->published && (st = insert_publication(c, x)) != DB_OK)
		return st;
	return write_version(c, x);
}

static enum outcome run_publish(const struct svc_ctx *ctx, struct pub_ctx *x,
                                const char **version)
{
	if (!ctx->who)
		return problem_set(x->p, OUT_DENIED, NULL, NULL);
	PGconn *c = db_conn();
	if (!c)
		return problem_set(x->p, OUT_UNAVAILABLE, NULL, NULL);
	/* What the register and the case's pages show changes: this
	 * organisation's copies go at the commit. */
	changes_writer(ctx->who->org_id);
	enum db_status st = db_transaction(c, publish_tx, x);
	if (st != DB_OK)
		return svc_outcome(st, x->p);
	if (x->result == OUT_OK && version)
		*version = x->version;
	return x->result;
}

static enum outcome publish_or_withdraw(const struct svc_ctx *ctx, long long request_id,
                                        const struct register_draft *d, bool withdraw,
                                        long long expected_version_id, const char **version,
                                        struct problem *p)
{
	struct problem local;
	struct pub_ctx x = {.a = ctx->arena,
	                    .who = ctx->who,
	                    .request_id = request_id,
	                    .d = d,
	                    .withdraw = withdraw,
	                    .expected = expected_version_id,
	                    .now = ctx->now,
	                    .p = p ? p : &local};
	return run_publish(ctx, &x, version);
}

enum outcome register_publish(const struct svc_ctx *ctx, long long request_id,
                              const struct register_draft *d, long long expected_version_id,
                              const char **version, struct problem *p)
{
	return publish_or_withdraw(ctx, request_id, d, false, expected_version_id, version, p);
}

enum outcome register_withdraw(const struct svc_ctx *ctx, long long request_id,
                               long long expected_version_id, const char **version,
                               struct problem *p)
{
	return publish_or_withdraw(ctx, request_id, NULL, true, expected_version_id, version, p);
}

/* ---- The publication page -------------------------------------------------------- */

/* What the preview showed, so "publish" publishes only what was seen. */
static const char *draft_token(arena_t *a, const struct register_draft *d)
{
	crypto_generichash_state h;
	unsigned char out[16];
	crypto_generichash_init(&h, NULL, 0, sizeof out);
	const char *parts[] = {d->public_subject,
	                       d->answer,
	                       d->legal_basis,
	                       d->produced_by,
	                       d->responsible,
	                       d->produced_on,
	                       d->name_may_be_public ? "1" : "0"};
	for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++)
		crypto_generichash_update(&h, (const unsigned char *)(parts[i] ? parts[i] : ""),
		                          strlen(parts[i] ? parts[i] : "") + 1);
	crypto_generichash_update(&h, (const unsigned char *)d->doc_seqs,
	                          sizeof(int) * (size_t)d->ndocs);
	crypto_generichash_update(&h, (const unsigned char *)"\x1e", 1);
	crypto_generichash_update(&h, (const unsigned char *)d->copy_ids,
	                          sizeof(long long) * (size_t)d->ncopies);
	/* The acceptances as ticked (the others do not change what is published). */
	for (int i = 0; i < d->naccepts; i++) {
		const struct register_accept *acc = &d->accepts[i];
		if (!acc->public_data)
			continue;
		const char *v[] = {acc->field, acc->text, acc->reason};
		for (size_t k = 0; k < 3; k++)
			crypto_generichash_update(&h, (const unsigned char *)(v[k] ? v[k] : ""),
			                          strlen(v[k] ? v[k] : "") + 1);
	}
	crypto_generichash_final(&h, out, sizeof out);
	char *hex = arena_alloc(a, sizeof out * 2 + 1);
	sodium_bin2hex(hex, sizeof out * 2 + 1, out, sizeof out);
	return hex;
}

/* The draft the workspace proposes, with the documents and attachments it
 * ticks. */
static void draft_from_json(json_t *j, json_t *docs, json_t *atts, struct register_draft *d)
{
	memset(d, 0, sizeof *d);
#define S(k) json_string_value(json_object_get(j, k))
	d->public_subject = S("public_subject");
	d->answer = S("answer");
	d->legal_basis = S("legal_basis");
	d->produced_by = S("produced_by");
	d->responsible = S("responsible");
	d->produced_on = S("produced_on");
#undef S
	size_t i;
	json_t *doc;
	json_array_foreach(docs, i, doc)
	{
		if (json_is_true(json_object_get(doc, "checked")) && d->ndocs < REGISTER_MAX_DOCS)
			d->doc_seqs[d->ndocs++] =
			    (int)json_integer_value(json_object_get(doc, "seq"));
	}
	json_array_foreach(atts, i, doc)
	{
		if (json_is_true(json_object_get(doc, "checked")) && d->ncopies < REGISTER_MAX_DOCS)
			d->copy_ids[d->ncopies++] = json_integer_value(json_object_get(doc, "copy_id"));
	}
}

/* The form as posted, the documents as ticked. */
static void show_posted(json_t *ws, const struct register_draft *d)
{
	json_object_set_new(ws, "draft",
	                    json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "public_subject",
	                              d->public_subject ? d->public_subject : "", "answer",
	                              d->answer ? d->answer : "", "legal_basis",
	                              d->legal_basis ? d->legal_basis : "", "produced_by",
	                              d->produced_by ? d->produced_by : "", "responsible",
	                              d->responsible ? d->responsible : "", "produced_on",
	                              d->produced_on ? d->produced_on : ""));
	size_t i;
	json_t *doc;
	json_array_foreach(json_object_get(ws, "documents"), i, doc)
	{
		int seq = (int)json_integer_value(json_object_get(doc, "seq"));
		bool on = false;
		for (int k = 0; k < d->ndocs; k++)
			on |= d->doc_seqs[k] == seq;
		json_object_set_new(doc, "checked", json_boolean(on));
	}
	json_array_foreach(json_object_get(ws, "attachments"), i, doc)
	{
		long long id = json_integer_value(json_object_get(doc, "copy_id"));
		bool on = false;
		for (int k = 0; id && k < d->ncopies; k++)
			on |= d->copy_ids[k] == id;
		json_object_set_new(doc, "checked", json_boolean(on));
	}
}

/* The preview's errors, as a list and by field. */
static void show_errors(json_t *ws, const struct problem *pv)
{
	if (!pv->nfields)
		return;
	json_t *list = json_array(), *by = json_object();
	for (int i = 0; i < pv->nfields; i++) {
		const char *field = pv->fields[i].field, *message = pv->fields[i].message;
		json_array_append_new(list, json_pack("{s:s, s:s}", "field", field, "message", message));
		if (*field && !json_object_get(by, field))
			json_object_set_new(by, field, json_string(message));
	}
	json_object_set_new(ws, "errors", list);
	json_object_set_new(ws, "err", by);
	json_object_set_new(ws, "has_errors", json_true());
}

/* The chosen copies of attachments page by page, in the draft's order,
 * for the preview: "preview_copies" [{n, filename, copy_made_on,
 * pages_list [{n, page, src}]}]. */
static void preview_copies(json_t *ws, const struct register_draft *d)
{
	json_t *list = json_array();
	for (int k = 0; k < d->ncopies; k++) {
		bool again = false;
		for (int j = 0; j < k; j++)
			again |= d->copy_ids[j] == d->copy_ids[k];
		if (again)
			continue;
		size_t i;
		json_t *at;
		json_array_foreach(json_object_get(ws, "attachments"), i, at)
		{
			if (json_integer_value(json_object_get(at, "copy_id")) != d->copy_ids[k])
				continue;
			int n = (int)json_array_size(list) + 1;
			json_t *pages = json_array(), *pg;
			size_t j;
			json_array_foreach(json_object_get(at, "pages_list"), j, pg)
				json_array_append_new(pages, json_pack("{s:i, s:O, s:O}", "n", n, "page",
				                                       json_object_get(pg, "n"), "src",
				                                       json_object_get(pg, "src")));
			json_array_append_new(list, json_pack("{s:i, s:O, s:O, s:o}", "n", n, "filename",
			                                      json_object_get(at, "filename"),
			                                      "copy_made_on",
			                                      json_object_get(at, "copy_made_on"),
			                                      "pages_list", pages));
			break;
		}
	}
	json_object_set_new(ws, "has_preview_copies", json_boolean(json_array_size(list) > 0));
	json_object_set_new(ws, "preview_copies", list);
	/* The chosen letters' public copies, likewise. */
	json_t *letters = json_array();
	for (int k = 0; k < d->ndocs; k++) {
		size_t i;
		json_t *doc;
		json_array_foreach(json_object_get(ws, "documents"), i, doc)
		{
			if (json_integer_value(json_object_get(doc, "seq")) != d->doc_seqs[k] ||
			    !json_is_true(json_object_get(doc, "has_pdf")))
				continue;
			json_t *pages = json_array(), *pg;
			size_t j;
			json_array_foreach(json_object_get(doc, "pages_list"), j, pg)
				json_array_append_new(pages, json_pack("{s:O, s:O, s:O}", "seq",
				                                       json_object_get(doc, "seq"), "page",
				                                       json_object_get(pg, "n"), "src",
				                                       json_object_get(pg, "src")));
			json_array_append_new(letters, json_pack("{s:O, s:O, s:o}", "title",
			                                         json_object_get(doc, "title"), "issued_on",
			                                         json_object_get(doc, "issued_on"),
			                                         "pages_list", pages));
			break;
		}
	}
	json_object_set_new(ws, "has_preview_letters", json_boolean(json_array_size(letters) > 0));
	json_object_set_new(ws, "preview_letters", letters);
}

enum outcome register_letter_copy_png(const struct svc_ctx *ctx, long long request_id, int seq,
                                      int page, const char **png, size_t *len, struct problem *p)
{
	*png = NULL;
	*len = 0;
	if (request_id <= 0 || seq <= 0 || page < 1 || page > REDACT_MAX_PAGES)
		return problem_set(p, OUT_NOT_FOUND, NULL, NULL);
	PGconn *c = svc_conn(p);
	if (!c)
		return OUT_UNAVAILABLE;
	arena_t *a = ctx->arena;
	const char *q[3] = {ids(a, request_id), ids(a, ctx->who->org_id),
	                    ids(a, scope_unit(ctx->who))};
	int n = 0;
	enum db_status st = db_run_rows(c,
	                                "SELECT 1 FROM requests r WHERE r.id = $1 AND r.org_id = $2 "
	                                "AND " SCOPE_CASE_OF("r.id", "$2", "$3"),
	                                3, q, &n);
	const char *pdf = NULL;
	size_t pdflen = 0;
	if (st == DB_OK && n == 1)
		st = letter_copy(c, a, request_id, seq, &pdf, &pdflen);
	if (st != DB_OK)
		return svc_outcome(st, p);
	if (!pdflen)
		return problem_set(p, OUT_NOT_FOUND, NULL, NULL);
	return attach_render_page(a, (const unsigned char *)pdf, pdflen, page, png, len, p);
}

/* One snapshot: the workspace and the preview of the draft (the posted
 * one, or the workspace's own). */
struct page_read {
	const struct svc_ctx *ctx;
	long long request_id;
	const struct register_draft *posted;
	struct register_draft from_ws;
	const struct register_draft *d; /* what was previewed */
	json_t *ws, *item;
	enum outcome ws_o, pv_o;
	struct problem *p, pv;
	struct pii_result pii;
};

static enum db_status status_of(enum outcome o)
{
	return o == OUT_UNAVAILABLE ? DB_UNAVAILABLE : o == OUT_ERROR ? DB_ERROR : DB_OK;
}

static enum db_status read_page(PGconn *c, void *vx)
{
	struct page_read *x = vx;
	const struct svc_ctx *ctx = x->ctx;
	json_decref(x->ws);
	json_decref(x->item);
	json_decref(x->pii.findings);
	x->ws = x->item = NULL;
	x->pii = (struct pii_result){.findings = json_object()};
	x->pv_o = OUT_OK;
	x->ws_o = workspace(c, ctx->arena, ctx->who, x->request_id, ctx->now, &x->ws, x->p);
	if (x->ws_o != OUT_OK)
		return status_of(x->ws_o);
	x->d = x->posted;
	if (!x->d) {
		draft_from_json(json_object_get(x->ws, "draft"), json_object_get(x->ws, "documents"),
		                json_object_get(x->ws, "attachments"), &x->from_ws);
		x->d = &x->from_ws;
	}
	x->pv_o = preview(c, ctx->arena, ctx->who, x->request_id, x->d, ctx->now, &x->item, &x->pii,
	                  &x->pv);
	return status_of(x->pv_o);
}

/* The page with `posted` (NULL: the current content), after an action
 * whose outcome was `o` (OUT_OK: none, or a preview) with `general` to say
 * above the form. */
static enum outcome publication_page(const struct svc_ctx *ctx, long long request_id,
                                     const struct register_draft *posted, enum outcome o,
                                     const char *general, json_t **page, struct problem *p)
{
	*page = NULL;
	PGconn *c = db_conn();
	if (!c)
		return problem_set(p, OUT_UNAVAILABLE, NULL, NULL);
	struct page_read x = {.ctx = ctx, .request_id = request_id, .posted = posted, .p = p};
	enum db_status st = db_read_transaction(c, read_page, &x);
	enum outcome failed = x.ws_o != OUT_OK ? x.ws_o : x.pv_o;
	if (st != DB_OK || (failed != OUT_OK && failed != OUT_INVALID)) {
		json_decref(x.ws);
		json_decref(x.item);
		json_decref(x.pii.findings);
		if (failed == OUT_NOT_FOUND)
			return case_not_found(p);
		return svc_outcome(st != DB_OK ? st : status_of(failed), p);
	}
	json_t *ws = x.ws;
	const struct register_draft *d = x.d;
	if (posted)
		show_posted(ws, posted);
	json_object_set_new(ws, "name_public", json_boolean(d->name_may_be_public));
	json_object_set_new(ws, "has_versions",
	                    json_boolean(json_array_size(json_object_get(ws, "versions")) > 0));
	if (x.item) {
		json_object_set_new(ws, "item", x.item);
		preview_copies(ws, d);
	}
	if (x.pv_o == OUT_OK)
		json_object_set_new(ws, "preview_token", json_string(draft_token(ctx->arena, d)));
	show_errors(ws, &x.pv);
	/* The personal data found, by field, each with its acceptance. */
	json_object_set_new(ws, "pii", x.pii.findings);
	json_object_set_new(ws, "has_pii", json_boolean(x.pii.count > 0));
	/* The BIP metadata the publication will carry. */
	json_object_set_new(ws, "meta",
	                    json_pack("{s:s, s:s, s:s, s:s}", "producer",
	                              d->produced_by ? d->produced_by : "", "responsible",
	                              d->responsible ? d->responsible : "", "entered_by",
	                              ctx->who->name ? ctx->who->name : "", "produced_at",
	                              d->produced_on ? d->produced_on : ""));
	if (general)
		json_object_set_new(ws, "general_error", json_string(general));
	/* A posted draft that cannot be published is the form's error. */
	if (x.pv_o == OUT_INVALID && posted && o == OUT_OK)
		o = OUT_INVALID;
	*page = ws;
	return problem_set(p, o, general, NULL);
}

enum outcome register_publication(const struct svc_ctx *ctx, long long request_id,
                                  const struct register_post *in,
                                  struct register_publication *out, struct problem *p)
{
	struct problem local;
	if (!p)
		p = &local;
	problem_set(p, OUT_OK, NULL, NULL);
	out->version = NULL;
	out->page = NULL;
	if (!ctx->who)
		return problem_set(p, OUT_DENIED, NULL, NULL);
	const struct register_draft *d = in->draft;
	const char *general = NULL;
	enum outcome o = OUT_OK;
	switch (in->action) {
	case REGISTER_VIEW:
		d = NULL;
		break;
	case REGISTER_PREVIEW:
		if (in->bad_document) {
			o = OUT_INVALID;
			general = "Wybrano nieistniejące pismo lub załącznik.";
		}
		break;
	case REGISTER_PUBLISH:
		if (in->bad_document) {
			o = OUT_INVALID;
			general = "Wybrano nieistniejące pismo lub załącznik.";
			break;
		}
		if (!in->preview_token || strcmp(in->preview_token, draft_token(ctx->arena, d)) != 0) {
			o = OUT_STALE;
			general = "Treść zmieniła się od ostatniego podglądu. Sprawdź podgląd poniżej i "
			          "opublikuj ponownie.";
			break;
		}
		o = register_publish(ctx, request_id, d, in->expected_version_id, &out->version, p);
		if (o == OUT_OK)
			return OUT_OK;
		if (o != OUT_INVALID && o != OUT_STALE)
			return o;
		/* The page's preview lists what is wrong with the draft. */
		general = o == OUT_STALE ? p->message : NULL;
		break;
	case REGISTER_WITHDRAW:
		d = NULL;
		o = register_withdraw(ctx, request_id, in->expected_version_id, &out->version, p);
		if (o == OUT_OK)
			return OUT_OK;
		if (o != OUT_STALE && o != OUT_CONFLICT)
			return o;
		general = p->message;
		break;
	}
	return publication_page(ctx, request_id, d, o, general, &out->page, p);
}

enum outcome register_proposal(const struct svc_ctx *ctx, long long request_id,
                               struct register_draft *out, struct problem *p)
{
	if (!ctx->who)
		return problem_set(p, OUT_DENIED, NULL, NULL);
	PGconn *c = db_conn();
	if (!c)
		return problem_set(p, OUT_UNAVAILABLE, NULL, NULL);
	struct pcase pc;
	bool found;
	enum db_status st = load_case(c, ctx->arena, ctx->who, request_id, false, &pc, &found);
	if (st == DB_OK && !found)
		return case_not_found(p);
	if (st == DB_OK)
		st = proposal(c, ctx->arena, &pc, ctx->now, out);
	return svc_outcome(st, p);
}

/* SPDX-License-Identifier: EUPL-1.2 */
#include "cases/caseview.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases/auth.h"
#include "cases/bae.h"
#include "cases/export.h"
#include "cases/dispatch.h"
#include "cases/register.h"
#include "cases/signature.h"
#include "cases/store.h"
#include "law/channel.h"
#include "law/dispatch.h"
#include "law/lifecycle.h"
#include "law/sent.h"
#include "law/term.h"
#include "law/warsaw.h"
#include "render/attachlist.h"
#include "render/letter.h"

const char *caseview_state_label(const char *id, bool no_kpa)
{
	law_state_t s;
	return law_state_from_id(id, &s) ? law_state_label(s, no_kpa) : id;
}

law_date_t caseview_today(int64_t now)
{
	law_date_t d = LAW_DATE_NONE;
	law_warsaw_date(now, &d);
	return d;
}

void caseview_due(json_t *item, law_date_t due, law_date_t today)
{
	int left = 0;
	if (!law_date_is_set(due) || !law_working_days_between(today, due, &left, NULL))
		return;
	char iso[LAW_DATE_STRLEN], text[64];
	law_date_format(due, iso);
	int late = law_days_overdue(due, today);
	if (late > 0)
		law_overdue_phrase(late, text, sizeof text);
	else if (law_date_cmp(due, today) == 0)
		snprintf(text, sizeof text, "dziś");
	else
		law_working_days_phrase(left, text, sizeof text);
	json_object_set_new(item, "due_on", json_string(iso));
	json_object_set_new(item, "weekday", json_string(law_weekday_name(law_weekday(due))));
	json_object_set_new(item, "days_left", json_integer(left));
	json_object_set_new(item, "due_today", json_boolean(law_date_cmp(due, today) == 0));
	json_object_set_new(item, "overdue", json_boolean(late > 0));
	json_object_set_new(item, "days_overdue", json_integer(late));
	json_object_set_new(item, "due_text", json_string(text));
}

const char *caseview_delivery_label(const char *id)
{
	if (!id)
		return "";
	return !strcmp(id, "email")           ? "e-mail"
	       : !strcmp(id, "post")          ? "poczta"
	       : !strcmp(id, "tracking_page") ? "strona sprawy"
	                                      : id;
}

/* Runs `sql` for case `id` ($1) and, when `who` is given, whether the
 * staff is asking ($2). */
static PGresult *case_query(PGconn *c, enum db_status *st, const char *sql, long long id,
                            const enum caseview_audience *who)
{
	char ids[24];
	snprintf(ids, sizeof ids, "%lld", id);
	const char *p[2] = {ids, who && *who == CASEVIEW_STAFF ? "t" : "f"};
	return db_exec(c, st, sql, who ? 2 : 1, p);
}

enum db_status caseview_terms(PGconn *c, long long id, law_date_t day, json_t *view)
{
	enum db_status st;
	PGresult *r = case_query(c, &st,
	                         "SELECT kind, label, basis, side, start_on, unshifted_on, due_on, state, "
	                         "at_risk, steps, coalesce(closed_on::text, '') FROM terms "
	                         "WHERE request_id = $1 ORDER BY id",
	                         id, NULL);
	json_t *terms = json_array();
	char dbuf[LAW_DATE_STRLEN];
	store_date(day, dbuf);
	for (int i = 0; st == DB_OK && i < PQntuples(r); i++) {
		const char *state = PQgetvalue(r, i, 7);
		bool open = strcmp(state, "open") == 0;
		json_t *t = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:b, s:b}",
		                      "kind", PQgetvalue(r, i, 0), "label", PQgetvalue(r, i, 1), "basis",
		                      PQgetvalue(r, i, 2), "side", PQgetvalue(r, i, 3), "start_on",
		                      PQgetvalue(r, i, 4), "unshifted_on", PQgetvalue(r, i, 5), "due_on",
		                      PQgetvalue(r, i, 6), "state", state, "state_label",
		                      store_term_state_label(state, false), "open", open, "at_risk",
		                      PQgetvalue(r, i, 8)[0] == 't', "overdue",
		                      open && strcmp(PQgetvalue(r, i, 6), dbuf) < 0);
		law_date_t due;
		if (open && law_date_parse(PQgetvalue(r, i, 6), &due) && law_days_overdue(due, day) > 0) {
			char late[64];
			law_overdue_phrase(law_days_overdue(due, day), late, sizeof late);
			json_object_set_new(t, "overdue_text", json_string(late));
		}
		json_t *steps = json_loads(PQgetvalue(r, i, 9), 0, NULL);
		json_object_set_new(t, "steps", steps ? steps : json_array());
		if (PQgetvalue(r, i, 10)[0])
			json_object_set_new(t, "closed_on", json_string(PQgetvalue(r, i, 10)));
		json_array_append_new(terms, t);
	}
	PQclear(r);
	json_object_set_new(view, "terms", terms);
	return st;
}

/* Events other than the lifecycle's steps: the label, and whether only the
 * staff see it. The requester's timeline shows what happened in the case
 * and what was issued to them, not the office's work on it: internal notes,
 * files attached to or taken off a draft (a letter's enclosures reach the
 * requester with the issued letter, under it), the clerk's own files and
 * the public copies and checks made for the register. */
static const struct {
	const char *action, *label;
	bool staff_only;
} event_kinds[] = {
    {"note", "notatka wewnętrzna", true},
    {REGISTER_ACCEPT_EVENT, "dane w publikacji uznane za publiczne", true},
    /* cases/attachments.c */
    {"attachment_add", "dodanie pliku PDF do sprawy", true},
    {"attachment_redact", "sporządzenie kopii publicznej załącznika", true},
    /* cases/attachment_files.c */
    {"document_attach", "załączenie pliku do pisma", true},
    {"document_detach", "usunięcie załącznika z projektu pisma", true},
    /* cases/pending.c, cases/letters.c: a step that waits for its letter
     * (issue 21 item 1) is the office's work until the letter leaves. */
    {"letter_prepared", "przygotowano pismo (czynność wejdzie w życie po jego wysłaniu)", true},
    {"letter_discarded", "usunięto projekt pisma (czynność nie została podjęta)", true},
    {"step_lapsed", "czynność nie weszła w życie (prawo nie pozwalało na nią w dniu wysłania pisma)", true},
    /* cases/letters.c, cases/dispatch.c */
    {"issue_document", "wystawienie pisma", false},
    {"dispatch", "przekazanie pisma do doręczenia", false},
    {"dispatch_posted", "nadanie pisma w placówce pocztowej", false},
    {"dispatch_delivered", "doręczenie pisma", false},
    {SIGNATURE_EVENT, "wgrano podpisaną wersję pisma", false},
    {BAE_EVENT, "sprawdzenie adresu do doręczeń elektronicznych w BAE", false},
    /* cases/register_publish.c, cases/privacy.c */
    {"publish", "publikacja w rejestrze BIP", false},
    {"unpublish", "wycofanie publikacji z rejestru BIP", false},
    {"privacy_erase", "usunięcie danych osobowych wnioskodawcy", false},
    /* cases/export.c */
    {EXPORT_EVENT, "eksport akt sprawy (paczka dla sądu lub archiwum)", true},
    /* cases/inbound_route.c */
    {"mail_received", "wpłynęła wiadomość e-mail", false},
    {"mail_auto_reply", "odpowiedź automatyczna e-mail (nie jest odpowiedzią wnioskodawcy)", false},
    {"mail_bounced", "wiadomość e-mail niedoręczona (zwrot)", false},
};

static int event_kind(const char *action)
{
	for (size_t i = 0; i < sizeof event_kinds / sizeof event_kinds[0]; i++)
		if (!strcmp(action, event_kinds[i].action))
			return (int)i;
	return -1;
}

static const char *event_label(const char *action, bool no_kpa)
{
	law_action_t act;
	if (law_action_from_id(action, &act))
		return law_action_label(act, no_kpa);
	int k = event_kind(action);
	return k >= 0 ? event_kinds[k].label : action;
}

/* The requester sees the lifecycle's steps and the events of the table
 * that are not staff-only; an event not in the table is the staff's until
 * it is added there, so nothing new reaches the tracking page unlabelled
 * or unconsidered. */
static bool for_requester(const char *action)
{
	law_action_t act;
	if (law_action_from_id(action, &act))
		return true;
	int k = event_kind(action);
	return k >= 0 && !event_kinds[k].staff_only;
}

/* What a step records, as the staff's timeline shows it: a Polish label and
 * how its value reads. Internal numbers, hashes and anything not listed go
 * to the step's technical details (a closed <details> under it), never as
 * a bare key among the facts (issue 21). */
enum detail_kind {
	DK_TEXT,
	DK_CHANNEL,      /* how the request came (law/channel.h), or how a letter went */
	DK_SENT_CHANNEL, /* law/sent.h */
	DK_DOCUMENT,     /* a letter's type: its title */
	DK_DELIVERY,     /* caseview_delivery_label() */
	DK_SIZE,         /* bytes: "59,6 kB" */
	DK_RULE,         /* a delivery rule (law/dispatch.h) */
	DK_WORD,         /* one of the words of the row's own table */
	DK_TECH,         /* technical: under "Szczegóły techniczne" */
};

static const struct detail_word {
	const char *id, *label;
} mail_statuses[] = {{"reply", "odpowiedź w sprawie"},
                     {"registered", "zarejestrowana jako wniosek"},
                     {"attached", "dołączona do sprawy"},
                     {NULL, NULL}},
  bae_results[] = {{"found", "adres znaleziony"},
                   {"not_found", "brak adresu w bazie"},
                   {"failed", "zapytanie nieudane"},
                   {NULL, NULL}};

static const struct {
	const char *key, *label;
	enum detail_kind kind;
	const struct detail_word *words;
} detail_keys[] = {
    {"case_number", "znak sprawy", DK_TEXT, NULL},
    {"channel", "wpłynął przez", DK_CHANNEL, NULL}, /* a dispatch: "sposób wysyłki" */
    {"date", "data", DK_TEXT, NULL},
    {"sent", "data nadania przez wnioskodawcę", DK_TEXT, NULL},
    {"sent_channel", "jak nadano", DK_SENT_CHANNEL, NULL},
    {"document", "pismo", DK_DOCUMENT, NULL},
    {"delivery", "doręczenie", DK_DELIVERY, NULL},
    {"new_due", "nowy termin", DK_TEXT, NULL},
    {"amount", "kwota (zł)", DK_TEXT, NULL},
    {"legal_basis", "podstawa prawna", DK_TEXT, NULL},
    {"persons", "osoby (art. 16 ust. 2 UDIP)", DK_TEXT, NULL},
    {"address", "adres w BIP", DK_TEXT, NULL},
    {"term_days", "termin z wyroku (dni)", DK_TEXT, NULL},
    {"assignee", "przydzielono", DK_TEXT, NULL},
    {"warning", "uwaga", DK_TEXT, NULL},
    {"version", "wersja publikacji", DK_TEXT, NULL},
    {"seq", "numer pisma w sprawie", DK_TEXT, NULL},
    {"number", "numer nadawczy", DK_TEXT, NULL},
    {"rule", "dzień doręczenia", DK_RULE, NULL},
    {"basis", "podstawa prawna", DK_TEXT, NULL},
    {"sent_rule", "podstawa prawna", DK_TEXT, NULL},
    {"size", "rozmiar", DK_SIZE, NULL},
    {"received_on", "data wpływu", DK_TEXT, NULL},
    {"subject", "temat", DK_TEXT, NULL},
    {"status", "wiadomość", DK_WORD, mail_statuses},
    {"result", "wynik", DK_WORD, bae_results},
    {"attachments", "liczba załączników", DK_TEXT, NULL},
    {"reason", "powód", DK_TEXT, NULL},
    {"retention_ends", "koniec okresu przechowywania", DK_TEXT, NULL},
    {"retention_years", "okres przechowywania (lata)", DK_TEXT, NULL},
    {"class", "symbol klasyfikacyjny", DK_TEXT, NULL},
    {"field", "pole", DK_TEXT, NULL},
    {"kind", "rodzaj danych", DK_TEXT, NULL},
    {"accepted_text", "tekst uznany za publiczny", DK_TEXT, NULL},
    {"signer", "podpisał", DK_TEXT, NULL},
    {"issuer", "wystawca certyfikatu", DK_TEXT, NULL},
    {"signatures", "liczba podpisów", DK_TEXT, NULL},
    {"terms", "wyszukane teksty", DK_TEXT, NULL},
    {"boxes", "zaczernione miejsca", DK_TEXT, NULL},
    {"unsigned_note", "podstawa przyjęcia bez podpisu", DK_TEXT, NULL},
    {"sha256", "SHA-256", DK_TECH, NULL},
    {"original_sha256", "SHA-256 wystawionego pliku", DK_TECH, NULL},
    {"attachment_id", "identyfikator pliku", DK_TECH, NULL},
    {"copy_id", "identyfikator kopii publicznej", DK_TECH, NULL},
    {"inbound_id", "identyfikator wiadomości", DK_TECH, NULL},
    {"dispatch", "identyfikator wysyłki", DK_TECH, NULL},
    {"outbox", "identyfikator wiadomości wychodzącej", DK_TECH, NULL},
    {"legal_basis_key", "kod podstawy prawnej", DK_TECH, NULL},
    {"source", "źródło", DK_TECH, NULL},
};

static const char *detail_value(arena_t *a, const char *action, enum detail_kind kind,
                                const struct detail_word *words, const char *v)
{
	switch (kind) {
	case DK_CHANNEL: {
		/* A step of a letter's dispatch names how the letter went. */
		if (!strncmp(action, "dispatch", 8))
			return dispatch_channel_label(v);
		const struct law_channel *ch = law_channel(v);
		return ch ? ch->label : v;
	}
	case DK_SENT_CHANNEL: {
		const struct law_sent_channel *ch = law_sent_channel(v);
		return ch ? ch->label : v;
	}
	case DK_DOCUMENT: {
		const char *t = letter_title(v);
		return t ? t : v;
	}
	case DK_DELIVERY:
		return caseview_delivery_label(v);
	case DK_SIZE: {
		char *end;
		long long n = strtoll(v, &end, 10);
		return *v && !*end ? attachlist_size(a, n) : v;
	}
	case DK_RULE: {
		const law_delivery_rule_t *lr = law_delivery_rule(v);
		return lr ? lr->label : v;
	}
	case DK_WORD:
		for (; words && words->id; words++)
			if (!strcmp(words->id, v))
				return words->label;
		return v;
	default:
		return v;
	}
}

/* The step's data (but its text, shown apart) as "details" and "tech":
 * [{label, value}]. */
static void event_details(arena_t *a, const char *action, const char *data_text, json_t *e)
{
	json_t *data = json_loads(data_text, 0, NULL);
	json_t *details = json_array(), *tech = json_array();
	const char *k;
	json_t *v;
	json_object_foreach(data, k, v)
	{
		const char *value = json_is_string(v)    ? json_string_value(v)
		                    : json_is_integer(v) ? arena_printf(a, "%" JSON_INTEGER_FORMAT,
		                                                        json_integer_value(v))
		                                         : NULL;
		if (!strcmp(k, "text") || !value || !*value)
			continue;
		size_t i = 0, n = sizeof detail_keys / sizeof detail_keys[0];
		while (i < n && strcmp(detail_keys[i].key, k))
			i++;
		bool known = i < n;
		const char *label = !known                        ? k
		                    : detail_keys[i].kind == DK_CHANNEL && !strncmp(action, "dispatch", 8)
		                        ? "sposób wysyłki"
		                        : detail_keys[i].label;
		json_t *row = json_pack(
		    "{s:s, s:s}", "label", label, "value",
		    known ? detail_value(a, action, detail_keys[i].kind, detail_keys[i].words, value)
		          : value);
		json_array_append_new(known && detail_keys[i].kind != DK_TECH ? details : tech, row);
	}
	json_decref(data);
	json_object_set_new(e, "has_details", json_boolean(json_array_size(details) > 0));
	json_object_set_new(e, "details", details);
	json_object_set_new(e, "has_tech", json_boolean(json_array_size(tech) > 0));
	json_object_set_new(e, "tech", tech);
}

/* Who took a step, in Polish. */
static const char *actor_label(const char *actor)
{
	if (!strcmp(actor, "requester"))
		return "wnioskodawca";
	if (!strcmp(actor, "system"))
		return "system";
	return auth_role_label(actor);
}

enum db_status caseview_events(PGconn *c, long long id, enum caseview_audience who, json_t *view)
{
	enum db_status st;
	/* Internal notes never reach the requester (nor do the other
	 * staff-only events: skipped below). */
	PGresult *r = case_query(c, &st,
	                         "SELECT to_char(e.at AT TIME ZONE 'Europe/Warsaw', 'YYYY-MM-DD HH24:MI'), "
	                         "e.action, coalesce(e.to_state, ''), coalesce(d.data->>'text', ''), e.actor, "
	                         "coalesce(u.name, ''), d.data::text, " STORE_NO_KPA_SQL("o", "q.kind") " "
	                         "FROM events e CROSS JOIN LATERAL (SELECT event_data(e) AS data) d "
	                         "JOIN requests q ON q.id = e.request_id "
	                         "JOIN organisations o ON o.id = q.org_id "
	                         "LEFT JOIN users u ON u.id = e.actor_user_id "
	                         "WHERE e.request_id = $1 AND ($2::boolean OR e.action <> 'note') ORDER BY e.id",
	                         id, &who);
	json_t *events = json_array();
	arena_t *a = arena_new(1024);
	for (int i = 0; st == DB_OK && i < PQntuples(r); i++) {
		const char *action = PQgetvalue(r, i, 1), *to = PQgetvalue(r, i, 2);
		if (who == CASEVIEW_REQUESTER && !for_requester(action))
			continue;
		bool no_kpa = PQgetvalue(r, i, 7)[0] == 't';
		json_t *e = json_pack("{s:s, s:s, s:s, s:s, s:s}", "at", PQgetvalue(r, i, 0), "action",
		                      action, "label", event_label(action, no_kpa), "to_state", to,
		                      "to_state_label", *to ? caseview_state_label(to, no_kpa) : "");
		if (PQgetvalue(r, i, 3)[0])
			json_object_set_new(e, "text", json_string(PQgetvalue(r, i, 3)));
		if (who == CASEVIEW_STAFF) {
			json_object_set_new(e, "actor", json_string(PQgetvalue(r, i, 4)));
			json_object_set_new(e, "actor_label", json_string(actor_label(PQgetvalue(r, i, 4))));
			if (PQgetvalue(r, i, 5)[0])
				json_object_set_new(e, "actor_name", json_string(PQgetvalue(r, i, 5)));
			event_details(a, action, PQgetvalue(r, i, 6), e);
		}
		json_array_append_new(events, e);
	}
	arena_free(a);
	PQclear(r);
	json_object_set_new(view, "events", events);
	return st;
}

/* Each document's dispatches (cases/dispatch.h): the channel, its state,
 * the delivery date that counts and the rule that gives it, and for a
 * decision the end of the remedy term that runs from that date (the term
 * the lifecycle started on it: KPA art. 129 §2, art. 127 §3; PPSA art. 53
 * §1 for a body that is not an organ of public authority). */
static enum db_status document_dispatches(PGconn *c, long long id, json_t *docs)
{
	enum db_status st;
	PGresult *r = case_query(c, &st,
	                         "SELECT d.seq, s.channel, s.state, coalesce(s.delivered_on::text, ''), "
	                         "coalesce(s.delivery_rule, ''), coalesce(t.due_on::text, ''), "
	                         "coalesce(t.label, ''), coalesce(t.basis, '') "
	                         "FROM dispatches s JOIN documents d ON d.id = s.document_id "
	                         "LEFT JOIN LATERAL (SELECT due_on, label, basis FROM terms t "
	                         "WHERE t.request_id = s.request_id AND t.kind IN ('appeal_window', "
	                         "'reconsideration_window', 'court_complaint_window') AND t.start_on = s.delivered_on "
	                         "AND d.type LIKE '%decision' ORDER BY t.id DESC LIMIT 1) t ON true "
	                         "WHERE s.request_id = $1 ORDER BY s.id",
	                         id, NULL);
	for (int i = 0; st == DB_OK && i < PQntuples(r); i++) {
		int seq = atoi(PQgetvalue(r, i, 0));
		const char *channel = PQgetvalue(r, i, 1), *state = PQgetvalue(r, i, 2);
		json_t *o = json_pack("{s:s, s:s, s:s, s:s}", "channel", channel, "channel_label",
		                      dispatch_channel_label(channel), "state", state, "state_label",
		                      dispatch_state_label(channel, state));
		const law_delivery_rule_t *lr = law_delivery_rule(PQgetvalue(r, i, 4));
		if (PQgetvalue(r, i, 3)[0] && lr) {
			json_object_set_new(o, "delivered_on", json_string(PQgetvalue(r, i, 3)));
			json_object_set_new(o, "rule", json_string(lr->id));
			json_object_set_new(o, "rule_label", json_string(lr->label));
			json_object_set_new(o, "rule_basis", json_string(lr->basis));
		}
		if (PQgetvalue(r, i, 5)[0]) {
			json_object_set_new(o, "remedy_due_on", json_string(PQgetvalue(r, i, 5)));
			json_object_set_new(o, "remedy_label", json_string(PQgetvalue(r, i, 6)));
			json_object_set_new(o, "remedy_basis", json_string(PQgetvalue(r, i, 7)));
		}
		size_t k;
		json_t *d;
		json_array_foreach(docs, k, d)
		{
			if (json_integer_value(json_object_get(d, "seq")) != seq)
				continue;
			json_t *list = json_object_get(d, "dispatches");
			if (!list) {
				list = json_array();
				json_object_set_new(d, "dispatches", list);
			}
			json_array_append(list, o);
		}
		json_decref(o);
	}
	PQclear(r);
	return st;
}

/* Each document's enclosures (cases/attachment_files.h) as "attachments":
 * the requester sees those of the letters addressed to them, never an
 * erased file. */
static enum db_status document_attachments(PGconn *c, long long id, enum caseview_audience who,
                                           json_t *docs)
{
	enum db_status st;
	PGresult *r = case_query(c, &st,
	                         "SELECT d.seq, a.id, a.filename, a.size, d.type FROM attachments a "
	                         "JOIN documents d ON d.id = a.document_id WHERE d.request_id = $1 "
	                         "AND ($2::boolean OR d.status = 'issued') AND a.size > 0 "
	                         "ORDER BY a.id",
	                         id, &who);
	arena_t *a = arena_new(1024);
	for (int i = 0; st == DB_OK && i < PQntuples(r); i++) {
		int seq = atoi(PQgetvalue(r, i, 0));
		const letter_type_t *lt = letter_type(PQgetvalue(r, i, 4));
		if (who == CASEVIEW_REQUESTER && (!lt || lt->addressee != LAW_TO_REQUESTER))
			continue;
		size_t k;
		json_t *d;
		json_array_foreach(docs, k, d)
		{
			if (json_integer_value(json_object_get(d, "seq")) != seq)
				continue;
			json_t *list = json_object_get(d, "attachments");
			if (!list) {
				list = json_array();
				json_object_set_new(d, "attachments", list);
				json_object_set(d, "has_attachments", json_true());
			}
			json_array_append_new(
			    list, json_pack("{s:i, s:I, s:s, s:s}", "seq", seq, "id",
			                    (json_int_t)atoll(PQgetvalue(r, i, 1)), "filename",
			                    PQgetvalue(r, i, 2), "size_text",
			                    attachlist_size(a, atoll(PQgetvalue(r, i, 3)))));
		}
	}
	arena_free(a);
	PQclear(r);
	return st;
}

enum db_status caseview_documents(PGconn *c, long long id, enum caseview_audience who,
                                  json_t *view)
{
	enum db_status st;
	PGresult *r = case_query(c, &st,
	                         "SELECT seq, type, title, coalesce(to_char(issued_at AT TIME ZONE "
	                         "'Europe/Warsaw', 'YYYY-MM-DD'), ''), pdf IS NOT NULL, status FROM documents "
	                         "WHERE request_id = $1 AND ($2::boolean OR status = 'issued') ORDER BY seq",
	                         id, &who);
	json_t *docs = json_array();
	for (int i = 0; st == DB_OK && i < PQntuples(r); i++) {
		json_t *d = json_pack("{s:i, s:s, s:s, s:s, s:b, s:b}", "seq", atoi(PQgetvalue(r, i, 0)),
		                      "type", PQgetvalue(r, i, 1), "title", PQgetvalue(r, i, 2),
		                      "issued_on", PQgetvalue(r, i, 3), "has_pdf",
		                      PQgetvalue(r, i, 4)[0] == 't', "has_attachments", 0);
		if (who == CASEVIEW_STAFF)
			json_object_set_new(d, "draft", json_boolean(!strcmp(PQgetvalue(r, i, 5), "draft")));
		json_array_append_new(docs, d);
	}
	PQclear(r);
	if (st == DB_OK)
		st = document_attachments(c, id, who, docs);
	if (st == DB_OK)
		st = document_dispatches(c, id, docs);
	json_object_set_new(view, "has_documents", json_boolean(json_array_size(docs) > 0));
	json_object_set_new(view, "documents", docs);
	return st;
}

enum db_status caseview_details(PGconn *c, long long id, json_t *view)
{
	enum db_status st;
	PGresult *r = case_query(c, &st,
	                         "SELECT subject, body, form, delivery, coalesce(closed_on::text, ''), "
	                         "coalesce(reuse_purpose, ''), coalesce(reuse_format, ''), "
	                         "coalesce(reuse_manner, ''), reuse_standing FROM requests WHERE id = $1",
	                         id, NULL);
	if (st == DB_OK && PQntuples(r) == 1) {
		static const char *keys[] = {"subject", "content", "form", "delivery", "closed_on",
		                             "purpose", "format", "manner"};
		for (int k = 0; k < 8; k++)
			json_object_set_new(view, keys[k], json_string(PQgetvalue(r, 0, k)));
		/* Issue 20 item 11: standing access (UOD art. 39 ust. 2, art. 42). */
		json_object_set_new(view, "reuse_standing", json_boolean(PQgetvalue(r, 0, 8)[0] == 't'));
	}
	PQclear(r);
	return st;
}


enum db_status caseview_pleading(PGconn *c, long long id, enum caseview_audience who,
                                 json_t *view)
{
	enum db_status st;
	PGresult *r = case_query(c, &st,
	                         "SELECT e.action, coalesce(e.data->>'date', "
	                         "(e.at AT TIME ZONE 'Europe/Warsaw')::date::text), "
	                         "coalesce(e.data->>'unsigned_note', ''), r.state, "
	                         "coalesce((SELECT due_on::text FROM terms t WHERE t.request_id = r.id "
	                         "AND t.kind = 'signature_window' AND t.state = 'open' LIMIT 1), '') "
	                         "FROM events e JOIN requests r ON r.id = e.request_id "
	                         "WHERE e.request_id = $1 AND e.actor = 'requester' "
	                         "AND e.action IN ('appeal', 'request_reconsideration') "
	                         "ORDER BY e.id DESC LIMIT 1",
	                         id, NULL);
	if (st == DB_OK && PQntuples(r) == 1) {
		const char *state = PQgetvalue(r, 0, 3);
		bool called = !strcmp(state, "signature_called");
		bool unsigned_ = called || !strcmp(state, "pleading_unsigned");
		bool appeal = !strcmp(PQgetvalue(r, 0, 0), "appeal");
		json_t *p = json_pack("{s:s, s:s, s:s, s:b, s:b}", "label",
		                      appeal ? "odwołanie" : "wniosek o ponowne rozpatrzenie sprawy",
		                      "label_genitive",
		                      appeal ? "odwołania" : "wniosku o ponowne rozpatrzenie sprawy",
		                      "filed_on", PQgetvalue(r, 0, 1), "unsigned", unsigned_, "called",
		                      called);
		if (unsigned_ && PQgetvalue(r, 0, 4)[0])
			json_object_set_new(p, "signature_due_on", json_string(PQgetvalue(r, 0, 4)));
		if (who == CASEVIEW_STAFF && !unsigned_ && PQgetvalue(r, 0, 2)[0])
			json_object_set_new(p, "accepted_note", json_string(PQgetvalue(r, 0, 2)));
		json_object_set_new(view, "pleading", p);
	}
	PQclear(r);
	return st;
}

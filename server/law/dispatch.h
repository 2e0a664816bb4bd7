/* SPDX-License-Identifier: EUPL-1.2 */
/* How an issued document may lawfully travel to the requester (LAW.md §2,
 * issue 18, docs/dispatch.md): the channels, a table of rules with the
 * article behind each, the lawful default, and the dates of deemed
 * delivery. Pure: no I/O.
 *
 * The line the law draws is whether the document's delivery starts a term
 * of the requester (a decision's remedy term, a call's window): such a
 * document is delivered to the requester's address for electronic
 * delivery when there is one (KPA art. 39¹; ustawa z 18 listopada 2020 r.
 * o doręczeniach elektronicznych), else by the public hybrid service or a
 * registered letter with a return receipt (KPA art. 39), or handed over in
 * the office against a dated signature (KPA art. 46). E-mail and the
 * tracking page carry only what starts nothing, and only where the
 * requester chose them; the one exception is the call for the name and
 * address of a requester who gave neither a postal nor an electronic
 * address (law/dispatch.c, binding_starts()): it goes as what starts
 * nothing does. */
#ifndef JAWNOSC_LAW_DISPATCH_H
#define JAWNOSC_LAW_DISPATCH_H

#include <stdbool.h>

#include "law/date.h"
#include "law/error.h"
#include "law/lifecycle.h"

/* The ids are those of dispatches.channel (migration 0024). */
typedef enum law_dispatch_channel {
	LAW_DISPATCH_EDORECZENIA,
	LAW_DISPATCH_HYBRID_POST,
	LAW_DISPATCH_REGISTERED_LETTER,
	LAW_DISPATCH_EMAIL,
	LAW_DISPATCH_TRACKING_PAGE,
	LAW_DISPATCH_IN_PERSON,
	LAW_DISPATCH_COUNT,
} law_dispatch_channel_t;

/* When a document leaves the body by a channel: the moment, and so the
 * day, on which the body's step that the document carries takes effect
 * (issue 21 item 1, docs/letters.md "A step waits for its letter"). The
 * body meets its own term (UDIP art. 13 ust. 1, art. 16 ust. 1; UOD art. 40
 * ust. 1) by sending the answer within it, as a requester meets theirs by
 * posting (KPA art. 57 §5); a letter still in the office has not been sent. */
typedef enum law_dispatch_leaves {
	LAW_LEAVES_AT_DISPATCH, /* e-mail, tracking page: the day it is dispatched */
	LAW_LEAVES_AT_POSTING,  /* a registered letter: the day the clerk posts it */
	LAW_LEAVES_AT_SENDING,  /* e-Doręczenia, hybrid: the day the service takes it */
	LAW_LEAVES_AT_HANDOVER, /* in person: the day it is handed over (KPA art. 46 §1) */
} law_dispatch_leaves_t;

typedef struct law_dispatch_channel_info {
	const char *id;    /* "registered_letter" */
	const char *label; /* Polish: "list polecony za potwierdzeniem odbioru" */
	const char *basis; /* the article that makes it a way of delivery */
	bool electronic;   /* the document travels as a file (a decision must be signed) */
	law_dispatch_leaves_t leaves;
} law_dispatch_channel_info_t;

extern const law_dispatch_channel_info_t law_dispatch_channels[LAW_DISPATCH_COUNT];
bool law_dispatch_channel_from_id(const char *id, law_dispatch_channel_t *out);

/* Whether the step a document carries takes effect at once when the
 * document is dispatched by `ch` (e-mail, the tracking page), rather than
 * later, when it is posted, sent by the service or handed over. */
bool law_dispatch_leaves_at_once(law_dispatch_channel_t ch);
/* Polish: when a document sent by `ch` leaves the body ("w dniu nadania
 * listu w placówce pocztowej"), for the clerk's pages. */
const char *law_dispatch_leaves_label(law_dispatch_channel_t ch);

/* What the body knows of the requester when it dispatches. */
typedef struct law_dispatch_situation {
	bool ade;          /* an address for electronic delivery (AE:PL-…) is known */
	bool email;        /* an e-mail address is known */
	bool postal;       /* a postal address is known */
	const char *chose; /* the way the requester asked for: requests.delivery
	                      ("email", "post", "tracking_page"); NULL: none */
	/* The body sends through e-Doręczenia (its connection is configured):
	 * only the default depends on it, never what is lawful. */
	bool service;
} law_dispatch_situation_t;

/* The document's delivery starts a term of the requester: every decision
 * (KPA art. 107; the remedy term runs from delivery, KPA art. 129 §2,
 * PPSA art. 53 §1), and every letter after which the lifecycle starts a
 * window on record_delivery (a call to clarify, to complete, to show the
 * public interest, a fee or form notice, a re-use offer). Derived from the
 * lifecycle's tables, so a new step that starts a term on delivery counts. */
bool law_dispatch_starts_term(law_document_t doc);

/* Whether `doc` may go by `ch` to a requester in situation `s`. False with
 * `why` (may be NULL) holding a stable code and the Polish reason, which
 * cites the article. An unknown document counts as one that starts a term. */
bool law_dispatch_allowed(law_document_t doc, const law_dispatch_situation_t *s,
                          law_dispatch_channel_t ch, law_error_t *why);

/* The lawful channel to preselect: e-Doręczenia when there is an address;
 * else for a document that starts a term the hybrid service (when the body
 * sends through e-Doręczenia) or a registered letter (when a postal
 * address is known); else what the requester chose when it is lawful;
 * in person when nothing else is. Always a channel law_dispatch_allowed()
 * accepts. */
law_dispatch_channel_t law_dispatch_default(law_document_t doc, const law_dispatch_situation_t *s);

/* ---- One row of the rules: for the docs and the tests ------------------ */

typedef enum law_dispatch_cond {
	LAW_DISPATCH_IF_ADE,          /* the requester has an electronic delivery address */
	LAW_DISPATCH_IF_NO_ADE,       /* ... has none, when the document starts a term */
	LAW_DISPATCH_IF_POSTAL,       /* a postal address is known */
	LAW_DISPATCH_IF_STARTS_NOTHING, /* the document's delivery starts no term */
	LAW_DISPATCH_IF_CHOSE_EMAIL,  /* the requester chose e-mail and gave an address */
	LAW_DISPATCH_IF_CHOSE_PAGE,   /* the requester chose the tracking page */
} law_dispatch_cond_t;

typedef struct law_dispatch_rule {
	law_dispatch_channel_t channel;
	law_dispatch_cond_t cond;
	const char *code;   /* the refusal's stable code when cond fails */
	const char *reason; /* Polish, with the article */
} law_dispatch_rule_t;

extern const law_dispatch_rule_t law_dispatch_rules[];
extern const size_t law_dispatch_rule_count;

/* ---- The date that counts ----------------------------------------------- */

/* The ids are those of dispatches.delivery_rule and deliveries.rule. */
typedef struct law_delivery_rule {
	const char *id;    /* "deemed_kpa44" */
	const char *label; /* Polish: "doręczenie zastępcze: list nieodebrany ..." */
	const char *basis; /* "KPA art. 44 §4" */
	bool deemed;       /* the statute's fiction, not a receipt */
} law_delivery_rule_t;

extern const law_delivery_rule_t law_delivery_rules[];
/* The row of `id`, or NULL. */
const law_delivery_rule_t *law_delivery_rule(const char *id);

/* KPA art. 44 §1, §4: a letter the addressee did not collect is kept 14
 * days from the first notice; delivery is deemed made on the last day of
 * that period (notice + 14 days, KPA art. 57 §1: the day of the notice is
 * not counted). The period is not moved off a day off: art. 57 §4 is for
 * the terms to act, not for this fiction. NONE for an invalid date. */
law_date_t law_dispatch_deemed_kpa44(law_date_t first_notice);

/* Ustawa o doręczeniach elektronicznych art. 41 ust. 1 pkt 3 and art. 42
 * ust. 2: a message the requester did not collect is deemed delivered on
 * the day after 14 days from the day it reached the address (became
 * available): available + 15 days. NONE for an invalid date. */
law_date_t law_dispatch_deemed_edoreczenia(law_date_t available);

/* The requester's address for electronic delivery as the BAE writes it:
 * "AE:PL-NNNNN-NNNNN-XXXXX-NN" (digits N, capital letters X). */
bool law_ade_address_valid(const char *s);

#endif

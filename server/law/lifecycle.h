/* SPDX-License-Identifier: EUPL-1.2 */
/* The lifecycle of a request (LAW.md §3, §4, §8) as tables: states, actions,
 * terms, documents, and the transitions between states. Every later feature
 * asks law_decide() what an action means: is it allowed, which state follows,
 * which terms start, stop or are cancelled, which letter or decision it
 * produces. The tables also render as Markdown and Graphviz, so the docs
 * (docs/lifecycle.md) are generated from the same rows the code runs.
 *
 * Identifiers (states, actions, terms, documents, roles, refusal codes) are
 * stable English snake_case strings for the database and the API; each has a
 * Polish label for pages. Pure: no I/O, no allocation except into a strbuf. */
#ifndef JAWNOSC_LAW_LIFECYCLE_H
#define JAWNOSC_LAW_LIFECYCLE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/strbuf.h"
#include "law/date.h"
#include "law/error.h"
#include "law/term.h"

/* ---- Kinds of request ------------------------------------------------- */

typedef enum law_kind {
	LAW_KIND_PUBLIC_INFORMATION = 1, /* UDIP */
	LAW_KIND_REUSE = 2,		 /* UOD, re-use of public-sector information */
} law_kind_t;
#define LAW_KIND_ALL (LAW_KIND_PUBLIC_INFORMATION | LAW_KIND_REUSE)

/* ---- States (LAW.md §8) ----------------------------------------------- */

typedef enum law_state {
	LAW_STATE_NONE, /* before registration: the case does not exist yet */
	LAW_STATE_RECEIVED,
	LAW_STATE_IN_PROGRESS,
	LAW_STATE_AWAITING_CLARIFICATION,
	LAW_STATE_AWAITING_COMPLETION, /* re-use: called to complete the request */
	LAW_STATE_EXTENDED,
	LAW_STATE_FEE_NOTIFIED,
	LAW_STATE_FORM_NOTIFIED,
	LAW_STATE_INTEREST_CALLED,
	LAW_STATE_OFFER_SENT,	    /* re-use */
	LAW_STATE_OBJECTION_LODGED, /* re-use: objection to the offer */
	LAW_STATE_PROVIDED,
	LAW_STATE_PARTLY_REFUSED,
	LAW_STATE_REFUSED,
	LAW_STATE_DISCONTINUED,
	LAW_STATE_CONDITIONS_DECIDED, /* re-use: conditions set by decision */
	LAW_STATE_NOT_PUBLIC_INFORMATION,
	LAW_STATE_NOT_HELD,
	LAW_STATE_PUBLISHED_ELSEWHERE,
	LAW_STATE_OTHER_STATUTE,
	LAW_STATE_WITHDRAWN,
	LAW_STATE_LEFT_UNPROCESSED,
	LAW_STATE_DEEMED_WITHDRAWN, /* re-use */
	LAW_STATE_APPEAL_PENDING,   /* appeal or request for reconsideration */
	LAW_STATE_AT_COURT,
	LAW_STATE_CLOSED_FINAL, /* closed, and no ordinary remedy is left */
	/* KPA art. 63 §3, art. 64 §2: an appeal or request for reconsideration
	 * filed unsigned (through the tracking page), before and after the call
	 * to remedy the missing signature. */
	LAW_STATE_PLEADING_UNSIGNED,
	LAW_STATE_SIGNATURE_CALLED,
	/* Issue 20 item 12: the call for the requester's name and address sent
	 * before a decision; the body waits for them (KPA art. 64 §2). */
	LAW_STATE_AWAITING_IDENTITY,
	/* Issue 20 item 9, KPA art. 132: the organ that issued the decision
	 * granted the appeal in full itself, by a new decision (again subject
	 * to appeal, art. 132 §3), and released what was asked for. */
	LAW_STATE_APPEAL_GRANTED,
	/* Issue 20 item 11: a request for standing access (UOD art. 39 ust. 2)
	 * answered that re-use in the manner or format asked for is not
	 * possible (art. 42 ust. 1 pkt 2): closed by that letter. */
	LAW_STATE_REUSE_NOT_POSSIBLE,
	LAW_STATE_COUNT,
	/* In a transition: the state does not change. */
	LAW_STATE_SAME = LAW_STATE_COUNT,
} law_state_t;

typedef struct law_state_info {
	const char *id;	   /* "awaiting_clarification" */
	const char *label; /* "oczekuje na doprecyzowanie" */
	bool closed;	   /* the request has been dealt with */
	unsigned kinds;	   /* the kinds of request that can be in it */
} law_state_info_t;

extern const law_state_info_t law_states[LAW_STATE_COUNT];
/* Lookup by identifier; false if unknown. */
bool law_state_from_id(const char *id, law_state_t *out);

/* ---- Roles ------------------------------------------------------------ */

typedef enum law_role {
	LAW_ROLE_REQUESTER = 1, /* the citizen who filed the request */
	LAW_ROLE_CLERK = 2,
	LAW_ROLE_MANAGER = 4, /* may do everything a clerk may */
	LAW_ROLE_SYSTEM = 8,  /* automatic steps: a window passed, e-delivery */
} law_role_t;

const char *law_role_id(law_role_t role);    /* "clerk" */
const char *law_role_label(law_role_t role); /* "urzędnik" */

/* ---- Terms ------------------------------------------------------------ */

typedef enum law_term_kind {
	LAW_TERM_NONE,
	LAW_TERM_ANSWER,
	LAW_TERM_ANSWER_EXTENDED,
	LAW_TERM_REUSE_ANSWER,
	LAW_TERM_REUSE_ANSWER_EXTENDED,
	LAW_TERM_CLARIFICATION_WINDOW,
	LAW_TERM_INTEREST_WINDOW,
	LAW_TERM_COMPLETION_WINDOW,
	LAW_TERM_FEE_WINDOW,
	LAW_TERM_FORM_WINDOW,
	LAW_TERM_OFFER_WINDOW,
	LAW_TERM_APPEAL_WINDOW,
	LAW_TERM_RECONSIDERATION_WINDOW,
	LAW_TERM_FORWARD_APPEAL,
	LAW_TERM_RECONSIDERATION,
	LAW_TERM_COURT_ANSWER,
	LAW_TERM_AFTER_JUDGMENT,
	LAW_TERM_SIGNATURE_WINDOW, /* KPA art. 64 §2: 7 days to sign the pleading */
	/* Re-use: the request for reconsideration decided under the KPA (a month,
	 * art. 35 §3), not UDIP's 14 days. */
	LAW_TERM_REUSE_RECONSIDERATION,
	/* A body that is not an organ of public authority (UDIP art. 17 ust. 1):
	 * 30 days from the delivery of its decision to complain to the
	 * administrative court, through the body (PPSA art. 53 §1, art. 54 §1). */
	LAW_TERM_COURT_COMPLAINT_WINDOW,
	/* Issue 20 item 12: 7 days from the delivery of the call for the name
	 * and address (KPA art. 64 §2). */
	LAW_TERM_IDENTITY_WINDOW,
	/* Issue 20 item 9, KPA art. 37: a ponaglenie lodged through the organ
	 * goes to the higher body within 7 days with the organ's position
	 * (§3 pkt 1, §4); where there is no higher body the organ considers it
	 * itself within 7 days (§3 pkt 2, §5). */
	LAW_TERM_FORWARD_PONAGLENIE,
	LAW_TERM_CONSIDER_PONAGLENIE,
	/* Issue 20 items 10 and 11 (court). Re-use: the body's 15 days to send
	 * the complaint with the files and its answer, under UOD art. 41 (the
	 * PPSA with UDIP art. 21's terms), a term with its own citation. */
	LAW_TERM_REUSE_COURT_ANSWER,
	/* PPSA art. 54 §3: the body may grant the complaint in full within 30
	 * days of receiving it. A window the body may use, not a duty: it is
	 * kept off the body's due dates and reminders (side "requester": whoever
	 * acts in it, the act's date counts). */
	LAW_TERM_SELF_REVIEW_WINDOW,
	/* After the body granted the complaint: its act (information, decision)
	 * within the same 30 days (LAW_LENGTH_UNTIL the window above). */
	LAW_TERM_SELF_REVIEW_ACT,
	/* PPSA art. 177 §1: 30 days from the delivery of the judgment with its
	 * reasons for a cassation appeal; the judgment is final when none is
	 * lodged in it (art. 168 §1). Either party's: the dispatch date counts
	 * (art. 83 §3). */
	LAW_TERM_CASSATION_WINDOW,
	/* Issue 20 item 11 (UOD art. 42 ust. 2): 14 days to accept the offer
	 * made on a request for standing access; there is no objection. */
	LAW_TERM_STANDING_OFFER_WINDOW,
	/* Issue 20 item 11 (UOD art. 41 ust. 3): the body's term for the
	 * decision on the conditions after an objection to its offer. */
	LAW_TERM_CONDITIONS_DECISION,
	LAW_TERM_COUNT,
} law_term_kind_t;

/* Whose term it is. A requester's term is met by the dispatch date (KPA art.
 * 57 §5: post office stamp, electronic submission receipt). */
typedef enum law_side {
	LAW_SIDE_BODY,
	LAW_SIDE_REQUESTER,
} law_side_t;

/* Where the length comes from. */
typedef enum law_length_source {
	LAW_LENGTH_FIXED,	  /* `days` below */
	LAW_LENGTH_CLARIFICATION, /* policy.clarification_window_days */
	LAW_LENGTH_INTEREST,	  /* policy.interest_window_days */
	LAW_LENGTH_GIVEN_DATE,	  /* input.new_due (an extension), capped by the law */
	LAW_LENGTH_GIVEN_DAYS,	  /* input.term_days (a court's term), else `days` */
	LAW_LENGTH_MONTHS,	  /* `days` is a number of months (KPA art. 57 §3) */
	LAW_LENGTH_UNTIL,	  /* ends with the open term `until` (its due date) */
} law_length_source_t;

typedef struct law_term_info {
	const char *id;	   /* "answer" */
	const char *label; /* Polish: "termin załatwienia wniosku" */
	const char *basis; /* "UDIP art. 13 ust. 1" */
	const char *event; /* the event it runs from, for the first step */
	law_side_t side;
	law_length_source_t source;
	int days;
	/* An answer term: any closing step that produces a document meets it. */
	bool answer;
	/* Closing the case does not end it: a duty towards another body that
	 * the case's outcome does not lift (the ponaglenie, KPA art. 37 §4). */
	bool survives_close;
	/* LAW_LENGTH_UNTIL: the open term whose start and due date it takes. */
	law_term_kind_t until;
} law_term_info_t;

extern const law_term_info_t law_terms[LAW_TERM_COUNT];
bool law_term_kind_from_id(const char *id, law_term_kind_t *out);

/* ---- Documents (templates/letters/<id>.md) ---------------------------- */

/* The one table of the letters and decisions: the lifecycle produces them
 * (law_transitions[].document), the letters module renders them
 * (render/letter.h: its letter types are these rows), the clerk's drafts
 * and the e-mails that carry them take their titles from here. */

typedef enum law_document {
	LAW_DOC_NONE,
	LAW_DOC_CLARIFICATION_CALL,
	LAW_DOC_COMPLETION_CALL,
	LAW_DOC_INTEREST_CALL,
	LAW_DOC_EXTENSION_NOTICE,
	LAW_DOC_FEE_NOTICE,
	LAW_DOC_FORM_NOTICE,
	LAW_DOC_INFORMATION_RELEASE,
	LAW_DOC_PARTIAL_REFUSAL_DECISION,
	LAW_DOC_REFUSAL_DECISION,
	LAW_DOC_DISCONTINUANCE_DECISION,
	LAW_DOC_NOT_PUBLIC_INFORMATION_LETTER,
	LAW_DOC_NOT_HELD_LETTER,
	LAW_DOC_PUBLISHED_LETTER,
	LAW_DOC_OTHER_STATUTE_LETTER,
	LAW_DOC_UNPROCESSED_LETTER,
	LAW_DOC_REUSE_TRANSFER,
	LAW_DOC_REUSE_OFFER,
	LAW_DOC_REUSE_REFUSAL_DECISION,
	LAW_DOC_CONDITIONS_DECISION,
	LAW_DOC_APPEAL_FORWARDING,
	LAW_DOC_RECONSIDERATION_DECISION,
	LAW_DOC_COURT_ANSWER,
	LAW_DOC_SIGNATURE_CALL,		/* KPA art. 64 §2: call to sign the pleading */
	LAW_DOC_PLEADING_UNPROCESSED,	/* KPA art. 64 §2: the pleading left unprocessed */
	LAW_DOC_IDENTITY_CALL,		/* KPA art. 64 §2, art. 107 §1 pkt 3: name and address */
	LAW_DOC_IDENTITY_UNPROCESSED,	/* KPA art. 64 §2: no name and address given in time */
	/* Issue 20 item 9. */
	LAW_DOC_APPEAL_GRANTED_DECISION, /* KPA art. 132: the organ's new decision */
	LAW_DOC_PONAGLENIE_FORWARDING,	 /* KPA art. 37 §4: to the higher body */
	LAW_DOC_PONAGLENIE_ORDER,	 /* KPA art. 37 §3 pkt 2, §6: no higher body */
	/* Issue 20 item 11: re-use in the manner or form asked for is not
	 * possible (UOD art. 41 ust. 1 pkt 4 with art. 10 ust. 4; art. 42 ust. 1
	 * pkt 2 for standing access). */
	LAW_DOC_REUSE_FORM_NOTICE,
	/* The documents a step of the lifecycle produces are those below
	 * LAW_DOC_COUNT. */
	LAW_DOC_COUNT,
	/* The acknowledgement of receipt, sent when a request is filed
	 * (cases/filing.c): a letter with a template, but no step's. */
	LAW_DOC_ACKNOWLEDGEMENT = LAW_DOC_COUNT,
	LAW_DOC_ROWS,
} law_document_t;

/* Whom a document is addressed to. */
typedef enum law_addressee {
	LAW_TO_REQUESTER,
	LAW_TO_APPEAL_BODY, /* KPA art. 133: the appeal goes on with the files */
	LAW_TO_COURT,	    /* UDIP art. 21 pkt 1, PPSA art. 54 §2: the answer to a complaint */
} law_addressee_t;

typedef struct law_document_info {
	const char *id; /* "extension_notice"; NULL for LAW_DOC_NONE */
	/* Polish, as a heading: the letter's title (HTML, PDF), the draft's
	 * title and so the subject of the e-mail that carries it. */
	const char *title;
	const char *basis; /* legal basis */
	/* A decision (UDIP art. 16, KPA art. 107): its delivery starts the
	 * requester's remedy term. Otherwise a letter. */
	bool decision;
	unsigned kinds; /* law_kind_t bits: the kinds of request it is issued in */
	law_addressee_t addressee;
} law_document_info_t;

extern const law_document_info_t law_documents[LAW_DOC_ROWS];

/* UDIP art. 16 ust. 1 gives an organ of public authority a decision (a
 * decyzja, under the KPA); art. 17 ust. 1 leaves the KPA out for the other
 * obliged bodies, whose act is a rozstrzygnięcie. `no_kpa`: the case is one
 * of public information at such a body (cases/store.h: STORE_NO_KPA_SQL).
 * Re-use keeps its wording: what the UOD says of such bodies was not
 * established (docs/legal-review.md, item 7). The title of document `d`,
 * the label of state `s` and of action `a` (law_action_label()) as such a
 * body's case shows them; where they do not differ, the table's. */
const char *law_document_title(law_document_t d, bool no_kpa);
const char *law_state_label(law_state_t s, bool no_kpa);

/* ---- Actions ---------------------------------------------------------- */

typedef enum law_action {
	LAW_ACT_REGISTER,
	LAW_ACT_ASSIGN,
	LAW_ACT_CALL_TO_CLARIFY,
	LAW_ACT_RECORD_CLARIFICATION,
	LAW_ACT_CALL_TO_COMPLETE,
	LAW_ACT_RECORD_COMPLETION,
	LAW_ACT_CALL_FOR_INTEREST,
	LAW_ACT_RECORD_INTEREST,
	LAW_ACT_RECORD_DELIVERY,
	LAW_ACT_EXTEND,
	LAW_ACT_FEE_NOTICE,
	LAW_ACT_CHANGE_FORM,
	LAW_ACT_RELEASE_AFTER_FEE,
	LAW_ACT_FORM_NOTICE,
	LAW_ACT_REQUEST_POSSIBLE_FORM,
	LAW_ACT_FORM_WINDOW_EXPIRED,
	LAW_ACT_PROVIDE,
	LAW_ACT_PROVIDE_PARTLY,
	LAW_ACT_REFUSE,
	LAW_ACT_DISCONTINUE,
	LAW_ACT_NOT_PUBLIC_INFORMATION,
	LAW_ACT_NOT_HELD,
	LAW_ACT_PUBLISHED_IN_BIP,
	LAW_ACT_OTHER_STATUTE,
	LAW_ACT_LEAVE_UNPROCESSED,
	LAW_ACT_TRANSFER,
	LAW_ACT_OFFER,
	LAW_ACT_ACCEPT_OFFER,
	LAW_ACT_OBJECT_TO_OFFER,
	LAW_ACT_OFFER_WINDOW_EXPIRED,
	LAW_ACT_DECIDE_CONDITIONS,
	LAW_ACT_WITHDRAW,
	LAW_ACT_REMEDY_WINDOW_EXPIRED,
	LAW_ACT_APPEAL,
	LAW_ACT_REQUEST_RECONSIDERATION,
	LAW_ACT_FORWARD_APPEAL,
	LAW_ACT_APPEAL_DECIDED,
	LAW_ACT_APPEAL_REFERRED_BACK,
	LAW_ACT_DECIDE_RECONSIDERATION,
	LAW_ACT_COURT_COMPLAINT,
	LAW_ACT_ANSWER_COURT_COMPLAINT,
	LAW_ACT_JUDGMENT_OBLIGES,
	LAW_ACT_JUDGMENT_DISMISSES,
	LAW_ACT_CALL_TO_SIGN,	   /* KPA art. 64 §2: call to remedy the missing signature */
	LAW_ACT_RECORD_SIGNATURE, /* the requester signed it (or sent it signed) */
	/* A decision needs an identified party with an address (KPA art. 107 §1
	 * pkt 3): the call for them, a letter without a change of state. */
	LAW_ACT_CALL_TO_IDENTIFY,
	/* The name and address given (through the tracking page, or recorded by
	 * the clerk from a letter): the request's requester row is updated in
	 * the same transaction, before the step is decided. */
	LAW_ACT_RECORD_IDENTITY,
	/* Issue 20 item 9. */
	LAW_ACT_WAIVE_APPEAL,	     /* KPA art. 127a: the requester's waiver reached the organ */
	LAW_ACT_GRANT_APPEAL,	     /* KPA art. 132: the organ grants the appeal itself */
	LAW_ACT_RECORD_PONAGLENIE,   /* KPA art. 37: a ponaglenie lodged through the organ */
	LAW_ACT_FORWARD_PONAGLENIE,  /* KPA art. 37 §4 */
	LAW_ACT_DECIDE_PONAGLENIE,   /* KPA art. 37 §3 pkt 2, §5–6 */
	/* Issue 20 item 10: the court's outcomes. */
	LAW_ACT_GRANT_COMPLAINT,    /* PPSA art. 54 §3: the body grants the complaint */
	LAW_ACT_JUDGMENT_DELIVERED, /* a judgment not yet final, with its reasons */
	LAW_ACT_CASSATION_APPEAL,   /* PPSA art. 173, 177: to the NSA */
	LAW_ACT_JUDGMENT_ANNULS,    /* PPSA art. 145 §1 pkt 1: the decision annulled */
	LAW_ACT_COUNT,
} law_action_t;

typedef struct law_action_info {
	const char *id;	   /* "extend" */
	const char *label; /* "przedłużenie terminu" */
	/* What the input's `date` is for this action, as the event that starts
	 * its terms ("Otrzymanie wniosku"): the first step of their reasoning. */
	const char *event;
	/* Where the law confines the action to a few states: why (Polish, with
	 * the article), added to the refusal in every other state. NULL if the
	 * table's rows say enough. */
	const char *only;
} law_action_info_t;

extern const law_action_info_t law_actions[LAW_ACT_COUNT];
const char *law_action_label(law_action_t a, bool no_kpa);
bool law_action_from_id(const char *id, law_action_t *out);

/* ---- Policies (LAW.md: where courts disagree, an organisation setting) -- */

typedef enum law_remedy {
	LAW_REMEDY_APPEAL,	    /* odwołanie to a higher body (KPA art. 127 §1) */
	LAW_REMEDY_RECONSIDERATION, /* no higher body: wniosek o ponowne rozpatrzenie (§3) */
	/* Not an organ of public authority: no KPA (UDIP art. 17 ust. 1), so
	 * neither of the above; a complaint straight to the administrative
	 * court (PPSA art. 53 §1, 54 §1). */
	LAW_REMEDY_COURT_COMPLAINT,
} law_remedy_t;

typedef struct law_policy {
	/* After a call to clarify, the 14 days run again from the receipt of the
	 * clarification (the old due date is kept and shown as at risk). */
	bool clarification_restarts_term;
	/* The requester's remedy against decisions. */
	law_remedy_t remedy;
	/* The window given in a call to clarify, days from its delivery. */
	int clarification_window_days;
	/* The window given in a call to show public interest (UDIP art. 3 ust. 1
	 * pkt 1), days from its delivery. */
	int interest_window_days;
	/* The answer term keeps running while the requester is asked to show the
	 * public interest; if false it runs again from the reply, as for a
	 * clarification. */
	bool interest_call_keeps_term_running;
	/* The body accepts an appeal or a request for reconsideration filed
	 * through the tracking page without a signature (e.g. it treats the
	 * page as an identified channel); the organisation's legal note says
	 * why. If false, such a pleading waits for a call to sign it (KPA art.
	 * 63 §3, art. 64 §2). */
	bool accepts_unsigned_pleadings;
} law_policy_t;

/* The defaults of LAW.md: restart on clarification, appeal, 7-day windows, answer term keeps running on an interest call. */
law_policy_t law_policy_default(void);

/* ---- Deciding an action ----------------------------------------------- */

#define LAW_OPEN_TERMS_MAX 8

/* A term the case has open (not yet met, missed or cancelled). */
typedef struct law_open_term {
	law_term_kind_t kind;
	law_date_t start; /* the event it runs from (for the answer term: receipt) */
	law_date_t due;	  /* statutory due date (after KPA art. 57 §4) */
} law_open_term_t;

typedef struct law_case {
	law_kind_t kind;
	law_state_t state;
	law_date_t received; /* the request's date of receipt; NONE for a new case */
	int nterms;
	law_open_term_t terms[LAW_OPEN_TERMS_MAX];
	law_policy_t policy;
	/* A fact of the case (cases/store.c store_law_case): the requester gave
	 * no name or no address for correspondence (postal or e-Doręczenia).
	 * Information may be released to anyone (UDIP art. 2 ust. 1), but no
	 * decision can be issued: it names the party and is delivered to it
	 * (KPA art. 107 §1 pkt 3). False (the zero value): identified. */
	bool party_unidentified;
	/* Issue 20 item 9. How a case in closed_final got there, for a remedy
	 * lodged after it (the organ sends it on, the appeal body rules on it:
	 * KPA art. 134): the last day of the remedy window that passed unused,
	 * or the day the requester's waiver reached the organ (art. 127a §2).
	 * Both NONE otherwise (or for any other state). */
	law_date_t remedy_lapsed;
	law_date_t remedy_waived;
	/* Re-use: the request asks for standing and direct re-use in real time
	 * of information kept in the body's IT system (UOD art. 39 ust. 2):
	 * its offer allows no objection (art. 42 ust. 1 pkt 1). */
	bool standing;
} law_case_t;

typedef struct law_action_input {
	law_action_t action;
	law_role_t role; /* who takes it */
	/* The action's legal date: for the body's acts the date it is sent or
	 * issued; for the requester's acts the date the body received them; for
	 * delivery the date of delivery; for "window expired" the date it is
	 * recorded. Terms the action starts run from this date. */
	law_date_t date;
	/* Requester's acts only: the dispatch date (KPA art. 57 §5); NONE means
	 * the same as `date`. Decides whether the requester met a term. */
	law_date_t sent;
	/* extend: the new due date the notice names (UDIP art. 13 ust. 2). */
	law_date_t new_due;
	/* judgment_obliges: the court's term in days from the return of the
	 * files; 0 (or less) means the usual 14. */
	int term_days;
	/* A requester's act after their term, lodged with a request to restore
	 * the term (KPA art. 58 §1–2; decided by the appeal body for an appeal,
	 * art. 59 §2). Refused when the act was not late. */
	bool restore_request;
} law_action_input_t;

typedef enum law_term_op {
	LAW_TERM_START,
	LAW_TERM_STOP,	 /* the act the term was waiting for happened: met or not */
	LAW_TERM_CANCEL, /* the term no longer binds (withdrawn, superseded, ...) */
	LAW_TERM_EXPIRE, /* a window ran its course with no reply: it has passed */
} law_term_op_t;

typedef struct law_term_effect {
	law_term_op_t op;
	law_term_kind_t term;
	/* STOP: met on time (body: date <= due; requester: sent <= due). */
	bool met;
	/* CANCEL: keep showing the old due date, as at risk (LAW.md §3: after a
	 * call to clarify some courts still count the original 14 days). */
	bool at_risk;
	/* START: dates and reasoning. STOP, CANCEL, EXPIRE: calc.from and
	 * calc.due are the ended term's, calc.nsteps is 0. */
	law_term_calc_t calc;
} law_term_effect_t;

/* The row's own effects (LAW_ROW_EFFECTS) plus, on closing, one for every
 * other open term. */
#define LAW_EFFECTS_MAX (4 + LAW_OPEN_TERMS_MAX)

struct law_transition;

/* About 40 KB (the reasoning of every effect is inside): fine on a thread's
 * stack, or take it from the request's arena. */
typedef struct law_outcome {
	bool allowed;
	/* Refused: a stable code (see law_refusal_codes) and the reason in Polish.
	 * Allowed: code NULL; a warning may still be set (e.g. "requester_late":
	 * a reply recorded after the requester's term). */
	law_error_t refusal;
	law_error_t warning;
	const struct law_transition *row; /* the table row applied */
	law_state_t state;		  /* the state after the action */
	bool closes;			  /* the action closes the case */
	bool reopens;			  /* a closed case becomes open again */
	law_document_t document;	  /* to produce, or LAW_DOC_NONE */
	int neffects;
	law_term_effect_t effects[LAW_EFFECTS_MAX];
} law_outcome_t;

/* Decides `in` on `c`. Returns out->allowed. Never fails for bad input: an
 * invalid date or an unknown action is a refusal with a code and a reason. */
bool law_decide(const law_case_t *c, const law_action_input_t *in, law_outcome_t *out);

/* Every refusal code law_decide() can give, NULL-terminated (for tests and
 * the API's documentation). */
extern const char *const law_refusal_codes[];

/* ---- The table -------------------------------------------------------- */

typedef enum law_guard {
	LAW_GUARD_NONE,
	LAW_GUARD_EXTENSION,	 /* UDIP art. 13 ust. 2 / UOD art. 40 ust. 2 */
	LAW_GUARD_FEE_IN_TIME,	 /* UDIP art. 15 ust. 2: within 14 days of receipt */
	LAW_GUARD_TERM_OPEN,	 /* `term` is open */
	LAW_GUARD_WINDOW_PASSED, /* `term` is open and its due date has passed */
	LAW_GUARD_REPLY_IN_TIME, /* if `term` is open, the reply was sent by its due date */
	LAW_GUARD_NOT_DELIVERED, /* `term` has not started: delivery not yet recorded */
	LAW_GUARD_REMEDY_APPEAL, /* policy.remedy == appeal */
	LAW_GUARD_REMEDY_RECONSIDERATION,
	LAW_GUARD_REMEDY_COURT, /* policy.remedy == court_complaint */
	LAW_GUARD_SIGNATURE_REQUIRED, /* !policy.accepts_unsigned_pleadings */
	LAW_GUARD_PARTY_UNIDENTIFIED, /* case.party_unidentified */
	LAW_GUARD_PARTY_IDENTIFIED,   /* !case.party_unidentified */
	/* Issue 20 item 9. */
	LAW_GUARD_IN_TERM,	 /* `term` is open and the step's date is by its due date */
	LAW_GUARD_FINAL_UNUSED,	 /* closed_final by the window's passing or a waiver */
	LAW_GUARD_ANSWER_PASSED, /* no answer term is still running (KPA art. 37 §3a) */
	LAW_GUARD_BEFORE_DUE,	/* `term` is open and the act (its dispatch) is by its due date */
	LAW_GUARD_JUDGMENT_FINAL, /* if `term` (the cassation window) is open, it has passed */
	/* Issue 20 item 11: the re-use request is (not) one for standing
	 * access to an IT system (UOD art. 39 ust. 2, art. 42). */
	LAW_GUARD_STANDING,
	LAW_GUARD_NOT_STANDING,
	LAW_GUARD_COUNT,
} law_guard_t;

typedef struct law_guard_spec {
	law_guard_t guard;
	law_term_kind_t term;
} law_guard_spec_t;

/* When an effect applies, by policy. */
typedef enum law_cond {
	LAW_IF_ALWAYS,
	LAW_IF_CLARIFICATION_RESTARTS,
	LAW_IF_INTEREST_PAUSES, /* !policy.interest_call_keeps_term_running */
} law_cond_t;

typedef struct law_effect_spec {
	law_term_op_t op;
	law_term_kind_t term; /* LAW_TERM_NONE ends the list */
	law_cond_t cond;
	bool at_risk; /* CANCEL: see law_term_effect_t */
} law_effect_spec_t;

#define LAW_ROW_GUARDS 2
#define LAW_ROW_EFFECTS 4

typedef struct law_transition {
	unsigned kinds; /* law_kind_t bits */
	/* Bit (1 << state) for each state it is allowed from; a state outside
	 * the case's kind (law_states[].kinds) never matches. */
	uint64_t from;
	law_action_t action;
	unsigned roles;	  /* law_role_t bits; a manager may whatever a clerk may */
	law_state_t next; /* or LAW_STATE_SAME */
	law_guard_spec_t guards[LAW_ROW_GUARDS];
	law_effect_spec_t effects[LAW_ROW_EFFECTS];
	law_document_t document;
	const char *note; /* Polish, legal basis and remarks, for the docs */
} law_transition_t;

extern const law_transition_t law_transitions[];
extern const size_t law_transition_count;

/* Whether the facts of case `c` (not its dates or terms) let row `t`
 * apply: false where a guard on them (standing access, the body's remedy)
 * rules it out. The clerk's list of steps offers only such rows. */
bool law_row_fits_case(const law_transition_t *t, const law_case_t *c);

/* Whether case `c` ends by a rozstrzygnięcie rather than a decision:
 * public information at a body whose remedy is the court complaint (not
 * an organ of public authority; cases/org.h org_no_kpa() says the same of
 * a body and a kind). */
bool law_case_no_kpa(const law_case_t *c);

/* Polish text of a guard, for the docs ("termin „…” już upłynął"). */
void law_guard_describe(const law_guard_spec_t *g, strbuf_t *sb);

/* ---- Generated documentation ------------------------------------------ */

/* The tables as Markdown (docs/lifecycle.md is this with LAW_KIND_ALL):
 * states, actions, terms, documents, policies and the transitions of the
 * kinds in `kinds`. */
void law_lifecycle_markdown(strbuf_t *sb, unsigned kinds);
/* The transitions of `kinds` as a Graphviz digraph. */
void law_lifecycle_dot(strbuf_t *sb, unsigned kinds);

#endif

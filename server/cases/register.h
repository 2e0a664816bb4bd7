/* SPDX-License-Identifier: EUPL-1.2 */
/* The public register of requests and answers (UDIP art. 8; LAW.md §6, §7).
 *
 * Public side. Each page is one service call (register_pages.c) whose
 * queries run in one transaction whose database role is jawnosc_public
 * (SET LOCAL ROLE): that role may read only the register_* views, which
 * hold no requester, no request text, no event data and no internal note,
 * and page_visits. Nothing on the public side can reach personal
 * data even through a bug in a query.
 *
 * Clerk side. A clerk edits what will be public (the subject as edited for
 * publication, the answer, the legal basis, which issued documents, who
 * produced the information and who answers for it), sees a preview built
 * by the same function from the same columns as the public page, and
 * publishes. Every publication, change and withdrawal is a new immutable
 * version: 1.0, 1.1, 1.2, ... (the BIP change register). A withdrawal takes
 * the item off the register and hides the content of every earlier
 * version; the change register keeps listing them.
 *
 * Every service returns JSON the caller owns (and decrefs) and allocates
 * strings in ctx->arena; anything but OUT_OK comes with the problem. */
#ifndef JAWNOSC_CASES_REGISTER_H
#define JAWNOSC_CASES_REGISTER_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cases/context.h"
#include "cases/org.h"
#include "core/jobs.h"
#include "core/outcome.h"

#define REGISTER_PAGE 50           /* rows of a page of the register */
#define REGISTER_EXPORT_PAGE 5000  /* rows of one CSV or JSON file */
#define REGISTER_FEED_ENTRIES 50   /* versions in the Atom feed */
#define REGISTER_RATE_WINDOW 60    /* seconds of JAWNOSC_SEARCH_RATE's window */
#define REGISTER_Q_CHARS 200       /* characters of a search (q) at most */
#define REGISTER_Q_WORDS 8         /* words of a search at most */
#define REGISTER_MAX_DOCS 32       /* documents one version may publish */
#define REGISTER_MAX_ACCEPTS 64    /* findings a clerk may answer on one form */
#define REGISTER_REASON_MAX 500    /* characters of the reason for an acceptance */
#define REGISTER_ACCEPT_EVENT "accept_public_data" /* the event of an acceptance */

/* ---- Public side: one call per page ------------------------------------ */

struct register_filter {
	int year;            /* of receipt; 0: any */
	const char *kind;    /* "public_information", "reuse"; NULL: any */
	const char *outcome; /* a closing state id, "none" (no outcome yet); NULL: any */
	const char *unit;    /* unit symbol; NULL: any */
	const char *q;       /* words of the subject or answer, or parts of the case number:
	                        inflection and accents optional (docs/register.md, "Search") */
	/* Keyset: the last row of the previous page (newest first; a search's
	 * pages: the most relevant first, then the newest). */
	const char *after_date; /* "YYYY-MM-DD" received; NULL: first page */
	long long after_id;
	bool ranked_after;      /* a search's page: after_score is the last row's score */
	int after_score;
};

/* What a public page asks. Each page service reads in one transaction as
 * jawnosc_public, from the replica when there is one (db_conn_replica()),
 * and answers OUT_OK, OUT_NOT_FOUND (with the Polish message), or
 * OUT_UNAVAILABLE (the database, or no organisation configured yet). */
struct register_ask {
	const char *host;       /* the Host header: which body (else the first one) */
	const char *visit_path; /* a GET of a BIP page counts a visit of it; NULL: none */
	/* Asked once the page's stamp is known (µs since the epoch: the
	 * register's last change, or the item's), before the rest is read
	 * (an item's page is read in one statement, stamp and all, and asks
	 * after it): true when the client's copy is current (the caller's
	 * validators). The service then reads nothing more, counts the visit
	 * and answers with `fresh` set. NULL: never asked. */
	bool (*fresh)(void *arg, int64_t stamp_us);
	void *fresh_arg;
	/* The client's address when the page is a search or an export that
	 * was not answered from memory: it counts against JAWNOSC_SEARCH_RATE
	 * per REGISTER_RATE_WINDOW before anything is read (cases/ratelimit.h),
	 * OUT_RATE_LIMITED past it. NULL: not counted. */
	const char *client;
};

/* ---- The change register of the pages composed from settings ---- */

/* The pages the system composes from a body's settings rather than from a
 * versioned publication (issue 23 part 3). Each shows some of the settings
 * (register_bip_shown()); its BIP change register ("Rejestr zmian") lists
 * the body's creation as its first publication (version 1) and then each
 * change of those settings (the event org_settings, through the view
 * register_settings_changes of migration 0052: when, who, which settings,
 * never their values). */
enum bip_page {
	BIP_PAGE_NONE,        /* a page without one (an item's, the feeds) */
	BIP_PAGE_HOME,        /* / */
	BIP_PAGE_FORM,        /* /wniosek */
	BIP_PAGE_PROCEDURE,   /* /jak-uzyskac-informacje */
	BIP_PAGE_DECLARATION, /* /deklaracja-dostepnosci */
	BIP_PAGE_REGISTER,    /* /rejestr and /rejestr/statystyki */
};
/* The keys of admin_settings[] page `page` shows, NULL-terminated; NULL
 * for BIP_PAGE_NONE. */
const char *const *register_bip_shown(enum bip_page page);

#define BIP_CHANGES_SHOWN 10 /* rows of a page's change register at most */
struct bip_version {
	const char *title;   /* "Pierwsza publikacja", "Zmiana ustawień: telefon, ..." */
	const char *version; /* "1" for the first publication, then one more a change */
	const char *date;    /* "DD.MM.YYYY HH:MM", Warsaw */
	const char *who;     /* the staff member's name, or "administrator systemu" */
};
struct bip_changes {
	bool read;           /* false: not read (no page of one, or it failed) */
	int n;               /* rows, newest first; the last is the first publication */
	struct bip_version rows[BIP_CHANGES_SHOWN];
	long long changes;   /* changes of the page's settings in all */
	const char *changed_at; /* the newest change's date; "" when none */
	int64_t changed_us;  /* its time in µs since the epoch (0: none): in the page's tag */
};

/* The change register of page `page` of body `org` (found by the caller:
 * the home page and the form, which are not the register's pages), kept
 * in memory under the body's tag, else read as jawnosc_public (the replica
 * when there is one). Strings in the context's arena. */
enum outcome register_bip_changes(const struct svc_ctx *ctx, const struct org *org,
                                  enum bip_page page, struct bip_changes *out, struct problem *p);

/* What every page service gives besides its data. */
struct register_page {
	struct org org;   /* ORG_PUBLIC: what the register may show of the body */
	/* The change register of the page when it is one of those composed
	 * from settings (the procedure, the declaration, the list, the
	 * statistics); the list's stamp includes its newest change. */
	struct bip_changes bip;
	int64_t stamp_us; /* the page's stamp: the register's, or the item's */
	uint64_t mark;    /* cache_mark() taken before reading: to keep the page */
	bool fresh;       /* the client's copy is current: nothing else was read */
	long long visits; /* the page's visits, this one included (0: not counted) */
	int retry_after;  /* OUT_RATE_LIMITED: seconds until the address may ask again */
};

/* Whether `q` may be searched for: OUT_OK, or OUT_INVALID with the field
 * "q" and a Polish message when it has more than REGISTER_Q_CHARS
 * characters or more than REGISTER_Q_WORDS words (separated by white
 * space). The message is in `a`. */
enum outcome register_q_check(const char *q, arena_t *a, struct problem *p);

/* The list (`limit` rows: REGISTER_PAGE on the page, REGISTER_EXPORT_PAGE
 * for CSV and JSON), newest first, a search the most relevant first:
 * *list is {"items": [...], "next": {"date", "id"[, "score"]},
 * "approximate", "literal", "similar"} ("next" only when there are more,
 * with the last row's score on a ranked search; "approximate": a search
 * took too long and ranked only the newest rows; "literal": `q` has no
 * letter or digit, so its text was looked for as it is in the subjects of
 * the newest rows only; "similar": the words matched nothing, the items
 * match words within a letter of them). Each
 * item: case_number, path, received_on, kind, kind_label, unit,
 * unit_name, subject, state, state_label, outcome (null when none),
 * outcome_label, closed_on (null when open), legal_basis, answer, version,
 * first_published_at and updated_at (RFC 3339). With `options` not NULL,
 * the options of the filters too: {"years", "units", "outcomes", "kinds"},
 * the selected ones marked. The caller decrefs both. */
enum outcome register_list_page(const struct svc_ctx *ctx, const struct register_ask *ask,
                                const struct register_filter *f, int limit,
                                struct register_page *pg, json_t **list, json_t **options,
                                struct problem *p);

/* An item's page: the current version, or `version` ("1.0"). The stamp is
 * the item's. *doc has "item" (the view the template partial
 * register_item renders: facts, answer, documents, terms, timeline),
 * "bip" (the publication metadata and the change register, each version
 * with its address), and the flags "withdrawn" (the item is off the
 * register), "hidden" (this version's content was withdrawn) and "old"
 * (not the current version, with "current_version"). OUT_NOT_FOUND when
 * there is no such item or version. */
enum outcome register_item_page(const struct svc_ctx *ctx, const struct register_ask *ask,
                                const char *case_number, const char *version,
                                struct register_page *pg, json_t **doc, struct problem *p);

/* A document the current version publishes: its PDF (in the arena) and
 * SHA-256 in hex; OUT_NOT_FOUND otherwise. */
struct register_pdf {
	const char *pdf;
	size_t len;
	char sha256[65];
};
enum outcome register_document_get(const struct svc_ctx *ctx, const struct register_ask *ask,
                                   const char *case_number, int seq, struct register_pdf *out,
                                   struct problem *p);

/* The public copy `copy_id` of an attachment the current version
 * publishes (migration 0022): its PDF and SHA-256 as register_document_get
 * gives a document's; never the original attachment. OUT_NOT_FOUND
 * otherwise. */
enum outcome register_attachment_get(const struct svc_ctx *ctx, const struct register_ask *ask,
                                     const char *case_number, long long copy_id,
                                     struct register_pdf *out, struct problem *p);

/* The Atom feed's entries: the latest readable versions, newest first:
 * [{case_number, version, title, subject, answer, published_at,
 * first_published_at (RFC 3339), first_published_on ("YYYY-MM-DD"),
 * author}]. */
enum outcome register_feed_page(const struct svc_ctx *ctx, const struct register_ask *ask,
                                int limit, struct register_page *pg, json_t **feed,
                                struct problem *p);

/* The sitemap: with `limit` 0 only *count, the items the register lists
 * (for the index of its parts); otherwise also *items, `limit` of them
 * after the first `offset`, oldest first (a new item goes at the end):
 * [{case_number, lastmod}]. */
enum outcome register_sitemap_page(const struct svc_ctx *ctx, const struct register_ask *ask,
                                   long long offset, int limit, struct register_page *pg,
                                   long long *count, json_t **items, struct problem *p);

/* Statistics per year of receipt: {"years": [{year, requests, closed,
 * on_time, on_time_percent, outcomes: [{id, label, count}]}]}, newest year
 * first, "as_of" (when the snapshot was taken, "DD.MM.YYYY HH:MM") and
 * "never" (not taken yet). On time: closed on or before the due date of
 * the answer term (the extended one when extended); withdrawals do not
 * count. The very first look waits for the first snapshot; a snapshot
 * older than REGISTER_STATS_MAX_AGE seconds is shown while the job
 * "register-stats" refreshes it. Not asked about freshness: the page's
 * tag is the digest of the numbers. */
#define REGISTER_STATS_MAX_AGE 600
enum outcome register_stats_page(const struct svc_ctx *ctx, const struct register_ask *ask,
                                 struct register_page *pg, json_t **stats, struct problem *p);

/* The dane.gov.pl feed (/opendata/katalog.xml): the body and the
 * register's stamp in pg, and the licence the body chose for re-use
 * (organisations.opendata_licence, one of harvester_licences[] of
 * render/harvester.h; in the context's arena). Not asked about freshness:
 * the feed's tag is its digest. */
enum outcome register_catalog_page(const struct svc_ctx *ctx, const struct register_ask *ask,
                                   struct register_page *pg, const char **licence,
                                   struct problem *p);

/* Who hears the requester's remedy, as the lifecycle and the letters take
 * it (STORE_REMEDY_SQL in cases/store.h). */
struct register_remedies {
	/* The organisation's: "court_complaint" for a body that is not an
	 * organ of public authority (UDIP art. 17 ust. 1), else its
	 * policy_remedy ("appeal" or "reconsideration"). */
	const char *remedy;
	const char *appeal_body; /* the organisation's ("" when not set) */
	/* The units whose own remedy or appeal body (units.remedy,
	 * units.appeal_body; issue 20 item 8) differs from the organisation's,
	 * by symbol: [{"symbol", "name", "remedy", "appeal_body"}] with the
	 * unit's remedy and appeal body in effect; empty for a body that is
	 * not an organ of public authority (the court for every unit). */
	json_t *units;
};

/* The page on how to obtain information (UDIP art. 8 ust. 4): the body's
 * details in pg->org and the visits, and its remedies (strings in the
 * context's arena, out->units a new reference the caller decrefs; NULL
 * unless OUT_OK). */
enum outcome register_procedure_page(const struct svc_ctx *ctx, const struct register_ask *ask,
                                     struct register_page *pg, struct register_remedies *out,
                                     struct problem *p);

/* The accessibility declaration (cases/accessibility.h): the body's
 * details in pg->org and the visits, the declaration in *out (strings in
 * the context's arena); `site` is the site's address when the body names
 * none. */
struct a11y_declaration;
enum outcome register_accessibility_page(const struct svc_ctx *ctx,
                                         const struct register_ask *ask, const char *site,
                                         struct register_page *pg,
                                         struct a11y_declaration *out, struct problem *p);

/* The job "register-stats" (on demand): refreshes the statistics' snapshot
 * when it is older than REGISTER_STATS_MAX_AGE, on the primary as the
 * server's own role; when another instance is refreshing it already, it
 * returns at once (one at a time in the cluster, by advisory lock).
 * register_stats_kick() asks for it. */
#define REGISTER_STATS_JOB "register-stats"
enum job_result register_stats_job(void);
void register_stats_kick(void);

/* Visits of BIP pages (register_visits.c): counts one visit of `path` in
 * memory and returns this process's visits of it not yet written to
 * page_visits. The job "visits" adds them to page_visits every second in
 * one statement (and once more at a stop); JOB_FAILED keeps them for the
 * next round. */
long long register_visit(long long org_id, const char *path);
enum job_result register_visits_job(void);

/* Polish labels of kinds and outcomes (the closing states). */
const char *register_kind_label(const char *kind);
const char *register_outcome_label(const char *outcome, bool no_kpa);

/* ---- Clerk side ------------------------------------------------------- */

/* Every clerk service needs ctx->who (the signed-in staff member) and
 * works on the primary as the server's own role, in its own transaction;
 * a case of another organisation is OUT_NOT_FOUND. */

/* The clerk's answer to one finding of the personal-data check
 * (law/personal.h) in a public field: the field and the exact text found,
 * whether the clerk says it is public ("to dane publiczne": a public
 * official's name, say) and why (required, up to REGISTER_REASON_MAX
 * characters). An accepted finding no longer blocks publishing, unless it
 * is the requester's own name, e-mail, phone or address; publishing
 * records each acceptance it used as an audit event. */
struct register_accept {
	const char *field, *text, *reason;
	bool public_data;
};

struct register_draft {
	const char *public_subject;      /* 1-300 characters, one line */
	const char *answer;              /* up to 20,000 characters */
	const char *legal_basis;         /* up to 500, one line */
	const char *produced_by;         /* who produced the information (UDIP art. 8 ust. 3) */
	const char *responsible;         /* who answers for its content */
	const char *produced_on;         /* "YYYY-MM-DD", not in the future */
	int doc_seqs[REGISTER_MAX_DOCS]; /* issued documents of the case to publish */
	int ndocs;
	/* Public copies of the case's PDF attachments to publish (their ids,
	 * cases/attachments.h): each the newest copy of its attachment. */
	long long copy_ids[REGISTER_MAX_DOCS];
	int ncopies;
	/* The requester is not a natural person: its name may be public
	 * (LAW.md §7); otherwise a name found in the text is refused. */
	bool name_may_be_public;
	/* The answers to the findings (kept as posted, ticked or not). */
	struct register_accept accepts[REGISTER_MAX_ACCEPTS];
	int naccepts;
};

/* What the clerk's publication page asks for. */
enum register_action {
	REGISTER_VIEW,     /* the page with the current content (or proposals) */
	REGISTER_PREVIEW,  /* the page with the posted draft and its preview */
	REGISTER_PUBLISH,  /* publish the posted draft as previewed */
	REGISTER_WITHDRAW, /* take the item off the register */
};

struct register_post {
	enum register_action action;
	const struct register_draft *draft; /* PREVIEW, PUBLISH: as posted */
	bool bad_document;                  /* the form named a document (or a copy) that cannot be one */
	const char *preview_token;          /* PUBLISH: the token the preview carried */
	long long expected_version_id;      /* PUBLISH, WITHDRAW: the version the form showed (0: none) */
};

struct register_publication {
	/* PUBLISH, WITHDRAW done: the new version ("1.0", "1.1", ...). */
	const char *version;
	/* Otherwise the page (the caller decrefs): "id_case", "case_number",
	 * "state_label", "published", "withdrawn", "version_id" (0: never
	 * published), "version", "public_path", "versions" (the change
	 * register), "documents" ({seq, title, issued_on, has_pdf, checked}),
	 * "attachments" ({id, filename, pdf, copy_id (0: no public copy yet),
	 * copy_made_on, pages, checked, redact_url, pages_list [{n, src}]}),
	 * "draft" (the posted one, or the current content, or proposals for a
	 * first publication), "name_public", "item" (the preview, exactly as
	 * the public page will show it), "preview_token" (when it may be
	 * published), "errors" [{field, message}], "err" {field: message},
	 * "has_errors", "general_error", "meta" (the BIP metadata it will
	 * carry). */
	json_t *page;
};

/* The publication page of a case and its actions, one call:
 * - VIEW, PREVIEW: OUT_OK with the page; a posted draft that cannot be
 *   published is OUT_INVALID with the page (its errors in it);
 * - PUBLISH, WITHDRAW: OUT_OK with `version` when done. Otherwise the page
 *   again with the reason: OUT_INVALID (the draft breaks a rule, or
 *   `bad_document`), OUT_STALE (someone published meanwhile, or the draft
 *   is not what the preview showed), OUT_CONFLICT (nothing to withdraw).
 * OUT_NOT_FOUND, OUT_UNAVAILABLE and OUT_ERROR come without a page. The
 * item's organisation is the one written for (changes_writer()). */
enum outcome register_publication(const struct svc_ctx *ctx, long long request_id,
                                  const struct register_post *in,
                                  struct register_publication *out, struct problem *p);

/* A draft with the proposals for a first publication (demo data, tests). */
enum outcome register_proposal(const struct svc_ctx *ctx, long long request_id,
                               struct register_draft *out, struct problem *p);

/* Publishes the draft as a new version, in one transaction with its audit
 * event. `expected_version_id` is the current version the form showed (0:
 * none yet): OUT_STALE when it is no longer current. OUT_INVALID with the
 * fields at fault (a checked draft: lengths, dates, the documents, and no
 * requester's name, e-mail, phone or address in a public field). *version
 * gets the new version ("1.0", "1.1", ...). */
/* Page `page` (1-based) of the public copy of letter `seq` of the case, as
 * the publication page shows it (a PNG in the arena); OUT_NOT_FOUND when
 * the member may not see the case or there is no such copy or page. */
enum outcome register_letter_copy_png(const struct svc_ctx *ctx, long long request_id, int seq,
                                      int page, const char **png, size_t *len, struct problem *p);

enum outcome register_publish(const struct svc_ctx *ctx, long long request_id,
                              const struct register_draft *d, long long expected_version_id,
                              const char **version, struct problem *p);

/* Takes the item off the register with a withdrawal version: OUT_STALE as
 * above, OUT_CONFLICT when it is not published. */
enum outcome register_withdraw(const struct svc_ctx *ctx, long long request_id,
                               long long expected_version_id, const char **version,
                               struct problem *p);

/* The answer a first proposal starts from when the step that closed the
 * case left no text: one sentence per closing state id ("provided", ...). */
const char *register_default_answer(const char *outcome);

#endif

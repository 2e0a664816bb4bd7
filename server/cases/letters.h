/* SPDX-License-Identifier: EUPL-1.2 */
/* Issuing letters and decisions. The step that needs a letter leaves a
 * draft document (type and the step's inputs); here the draft gets its
 * Markdown from the template, the clerk may edit it, and issuing renders
 * HTML and PDF, stores them with the SHA-256 of the PDF, the author and the
 * time, makes the document immutable, and queues delivery. A correction is
 * a new draft that supersedes the issued document. */
#ifndef JAWNOSC_CASES_LETTERS_H
#define JAWNOSC_CASES_LETTERS_H

#include <jansson.h>
#include <stddef.h>

#include "cases/context.h"
#include "render/letter.h"
#include "render/letter_gaps.h"

/* The mark left where the template needs something no step recorded; a
 * letter still holding one cannot be issued (render/letter_gaps.h). */
#define LETTERS_TODO LETTER_GAP_OPEN

/* Every entry point works on document `seq` of case `request_id` of
 * ctx->who's organisation that ctx->who sees (cases/scope.h), gets the
 * thread's connection itself and returns an outcome: OUT_NOT_FOUND (no
 * such document there, or none in the state the step needs: the message
 * says so), OUT_INVALID (a field error at "markdown" or "delivered_on"),
 * OUT_CONFLICT (the document is issued and cannot change),
 * OUT_UNAVAILABLE, OUT_ERROR. */

/* The document as JSON: type, title, status, markdown (generated now for a
 * draft that has none), the preview as an HTML fragment, issue data, and
 * "today" (ctx->now's date, for the delivery form). */
enum outcome letters_view(const struct svc_ctx *ctx, const letter_set_t *ls, long long request_id,
                          int seq, json_t **out, struct problem *p);
/* Stores the clerk's edited Markdown of a draft. */
enum outcome letters_save(const struct svc_ctx *ctx, long long request_id, int seq,
                          const char *markdown, struct problem *p);
/* Issues a draft (with `markdown` if given, else its stored one) and
 * dispatches it by `channel` (a law/dispatch.h id; NULL or "": the law's
 * default) in the same transaction (cases/dispatch.h). A channel the law
 * refuses is OUT_REFUSED with its reason and code, and nothing is issued;
 * an unknown one is a field error at "channel". */
enum outcome letters_issue(const struct svc_ctx *ctx, const letter_set_t *ls,
                           long long request_id, int seq, const char *markdown,
                           const char *channel, struct problem *p);
/* The same checks as letters_issue() and nothing written (issue 21 item
 * 4: the clerk confirms before issuing): *out says what issuing would do:
 * {"seq", "case_number", "title", "type", "issue_date", "markdown" (the
 * text that would be issued, its list of enclosures applied), "preview"
 * (HTML fragment), "elsewhere" (to an appeal body or court: "addressee")
 * or "channel", "channel_label", "channel_basis" (the channel chosen, or
 * the law's default), "after" (what happens then, Polish)}. */
enum outcome letters_issue_check(const struct svc_ctx *ctx, const letter_set_t *ls,
                                 long long request_id, int seq, const char *markdown,
                                 const char *channel, json_t **out, struct problem *p);
/* OUT_OK when `md` has no gap left (render/letter_gaps.h); else
 * OUT_INVALID with the gaps named in Polish at "markdown" and each at its
 * field ("luka-legal_grounds"). */
enum outcome letters_gaps_problem(arena_t *a, const char *md, struct problem *p);
/* A new draft superseding issued document `seq`; its number in *new_seq. */
enum outcome letters_correct(const struct svc_ctx *ctx, long long request_id, int seq,
                             int *new_seq, struct problem *p);
/* Records the date an issued document was delivered (YYYY-MM-DD, not after
 * today), and takes the lifecycle's step for it when the law offers one.
 * Only for a document issued before dispatch existed (it has no
 * dispatch): any other records its delivery on its dispatch
 * (cases/dispatch.h), with the rule that gives the date. */
enum outcome letters_delivered(const struct svc_ctx *ctx, long long request_id, int seq,
                               const char *date, struct problem *p);
/* The PDF of an issued document. */
enum outcome letters_pdf(const struct svc_ctx *ctx, long long request_id, int seq,
                         const char **pdf, size_t *len, struct problem *p);

/* NULL when `md` may be a letter's text (not empty, at most 200,000
 * bytes, no control characters but tab and line ends), else why not
 * (Polish, a static string). */
const char *letters_markdown_problem(const char *md);

/* Deletes draft `seq` with its enclosures and the step that waits for it
 * (cases/pending.h), appending "letter_discarded" to the timeline: the
 * case stays as it was. OUT_CONFLICT for an issued document. */
enum outcome letters_discard(const struct svc_ctx *ctx, long long request_id, int seq,
                             struct problem *p);

/* The register's filters as typed; a date that is not YYYY-MM-DD or an
 * unknown type is ignored (no filter), never an error. */
struct letters_filter {
	const char *from, *to; /* issued on or after / on or before */
	const char *type;      /* a letter type id */
	const char *state;     /* "projekt": the drafts not issued yet instead */
	long long unit_id;     /* drafts: of this unit only (0: any) */
};
/* The register of outgoing letters: issued documents of the organisation's
 * cases that ctx->who sees, newest first (at most 1,000). {"items": [...],
 * "from", "to", "type": the filters applied ("" when none)}. With the
 * state "projekt": the drafts not issued yet, oldest first, each with the
 * step waiting for it ("step", its Polish label, "" when none), the case's
 * "due_on", "overdue" and "assignee"; {"items", "state": "projekt",
 * "drafts": true}. */
enum outcome letters_outgoing(const struct svc_ctx *ctx, const struct letters_filter *f,
                              json_t **out, struct problem *p);

#endif

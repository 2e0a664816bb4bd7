/* SPDX-License-Identifier: EUPL-1.2 */
/* The citizen's view of a case, found by the private tracking token, and the
 * steps the requester may take there. One JSON view model serves the HTML
 * page and the API alike. */
#ifndef JAWNOSC_CASES_TRACK_H
#define JAWNOSC_CASES_TRACK_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "cases/context.h"

/* Every entry point gets the thread's connection itself (the primary: a
 * requester must see their own step) and answers an outcome
 * (core/outcome.h), with `p` (may be NULL) filled for anything but OUT_OK:
 * OUT_NOT_FOUND for an unknown or malformed token (revealing nothing),
 * OUT_UNAVAILABLE when the database cannot be reached, OUT_ERROR for
 * anything else (logged). ctx->org is not used: the token finds the case
 * and its organisation. */

/* Loads the case as a JSON object (the caller's: json_decref): case
 * number, state and its Polish label, terms with their reasoning, timeline,
 * issued documents, the actions open to the requester today, and "org_id"
 * (the page cache's key; not part of the API's CaseView). */
enum outcome track_load(const struct svc_ctx *ctx, const char *token, json_t **view,
                        struct problem *p);
/* The same for the tracking page, from the copy kept in the one cache while
 * nothing of the case's organisation changed (cases/org.h). */
enum outcome track_page(const struct svc_ctx *ctx, const char *token, json_t **view,
                        struct problem *p);

/* Which view of the case track_act() answers besides its outcome. */
enum track_show {
	TRACK_SHOW_NONE,
	TRACK_SHOW_AFTER,      /* the case after the step (the API answers it) */
	TRACK_SHOW_IF_REFUSED, /* the case as it is, when the step was not taken for
	                          OUT_INVALID, OUT_REFUSED or OUT_STALE (the page shows
	                          the form again) */
};

struct track_step {
	const char *token;
	const char *action; /* an id of law_actions the requester may take, e.g. "withdraw" */
	const char *text;   /* optional, at most 20 000 bytes */
	const char *name;   /* record_identity: name and postal address, required */
	const char *postal_address;
	long version;       /* the case version the page showed (-1: do not check) */
	enum track_show show;
};

/* Takes a requester's step in one transaction, for the case's
 * organisation. OUT_INVALID names the field ("action" or "text", codes
 * unknown_action, text_too_long, text_required); OUT_REFUSED gives the law
 * core's reason and code; OUT_STALE (code stale_version) when the case
 * changed since `version`. *view is NULL unless in->show asks for it and
 * the outcome is one it names; when that view cannot be loaded, the
 * outcome is the load's (the step is committed or not as before). */
enum outcome track_act(const struct svc_ctx *ctx, const struct track_step *in, json_t **view,
                       struct problem *p);

struct track_pdf {
	const char *data; /* in ctx->arena */
	size_t len;
	const char *title;
};

/* The issued document number `seq` of the case behind `token`, as PDF:
 * OUT_NOT_FOUND when there is none (drafts are never shown) or seq <= 0. */
enum outcome track_document(const struct svc_ctx *ctx, const char *token, int seq,
                            struct track_pdf *out, struct problem *p);

/* Whether an action takes a text from the requester, and its label for
 * the field ("Treść wyjaśnień"); NULL when none. */
const char *track_text_label(const char *action);

/* What the requester is told before a step that cannot be undone (the
 * withdrawal): the page's heading, why it cannot be undone, the buttons. */
struct track_confirm {
	const char *title;  /* "Czy na pewno chcesz wycofać wniosek?" */
	const char *text;   /* what follows and that it cannot be undone */
	const char *button; /* "Tak, wycofuję wniosek" */
	const char *back;   /* "Nie, wróć do sprawy" */
};
/* The confirmation an action needs before it is taken, or NULL when it is
 * taken at once. */
const struct track_confirm *track_confirmation(const char *action);

#endif

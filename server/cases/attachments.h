/* SPDX-License-Identifier: EUPL-1.2 */
/* Attachments of a case on the clerk's side: a PDF a clerk adds to a case,
 * its pages as images, and its public copy, the redacted PDF that is the
 * only form in which the register ever publishes it (issue 17 §1;
 * docs/privacy.md, "Public copies of attachments"; the engine is
 * render/redact.h).
 *
 * The clerk chooses what to hide with search terms (suggested by the
 * personal-data detector, law/personal.h, over the PDF's text, with the
 * case's requester as the known person) and boxes drawn on the pages. A
 * preview renders the copy; saving stores exactly what the preview showed
 * (its token), with its SHA-256, who made it and when, and what was
 * removed (counts and kinds of the terms and the boxes, never the hidden
 * text), and an audit event. The original stays as it is.
 *
 * Every service needs ctx->who (a signed-in staff member) and sees only
 * the cases the member may see (cases/scope.h): anything else is
 * OUT_NOT_FOUND. Results live in ctx->arena. */
#ifndef JAWNOSC_CASES_ATTACHMENTS_H
#define JAWNOSC_CASES_ATTACHMENTS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "cases/context.h"
#include "core/outcome.h"

#define ATTACH_PAGE_DPI 100   /* the clerk's page images */
#define ATTACH_MAX_TERMS 50   /* search terms one copy may hide */
#define ATTACH_TERM_MIN 3     /* characters of a term at least */
#define ATTACH_TERM_MAX 200   /* characters of a term at most */
#define ATTACH_MAX_BOXES 200  /* boxes drawn by hand */

/* A clerk adds a PDF to a case (attachments.source 'clerk'), with an
 * audit event (its id, size and digest; not its file name). OUT_INVALID
 * with the field "plik": not a PDF (by name and content), empty, or larger
 * than `max_bytes`. *id is the new attachment's. */
enum outcome attach_add(const struct svc_ctx *ctx, long long request_id, const char *filename,
                        const char *data, size_t len, size_t max_bytes, long long *id,
                        struct problem *p);

/* Page `page` (1-based) of an attachment (`copy_id` 0) or of one of its
 * public copies, as a PNG at ATTACH_PAGE_DPI, in the arena. OUT_NOT_FOUND
 * for no such case, attachment, copy or page, or an attachment that is not
 * a PDF; OUT_INVALID when the PDF cannot be read (the reason). */
enum outcome attach_page_png(const struct svc_ctx *ctx, long long request_id,
                             long long attachment_id, long long copy_id, int page,
                             const char **png, size_t *len, struct problem *p);

/* Page `page` (1-based) of `pdf` as a PNG at ATTACH_PAGE_DPI, in the
 * arena (also for letters' public copies on the publication page). */
enum outcome attach_render_page(arena_t *a, const unsigned char *pdf, size_t len, int page,
                                const char **png, size_t *pnglen, struct problem *p);

/* What the redaction page asks for. */
enum attach_action {
	ATTACH_VIEW,    /* the page, with the suggested terms */
	ATTACH_PREVIEW, /* the copy the posted terms and boxes make, page by page */
	ATTACH_SAVE,    /* store the copy the preview showed */
};

struct attach_input {
	enum attach_action action;
	const char *terms;          /* one per line */
	const char *const *boxes;   /* "PAGE:x0,y0,x1,y1", page 1-based, PDF points from the top left */
	size_t nboxes;
	const char *preview_token;  /* SAVE: the one the preview gave */
};

struct attach_result {
	long long copy_id; /* SAVE done: the new copy */
	/* Otherwise the page (the caller decrefs): "id_case", "case_number",
	 * "attachment" {id, filename, size, source}, "pages" [{n, src, alt}],
	 * "npages", "terms" (the textarea), "findings" [{label, count}] (the
	 * detector's, by kind), "boxes" [{value, label}], "preview" {pages:
	 * [{n, src, alt, redacted}]} and "preview_token" after a preview,
	 * "copies" [{id, made_at, made_by, sha256, pages, pages_list}],
	 * "errors" [{field, message}], "err" {field: message}, "has_errors",
	 * "general_error". */
	json_t *page;
};

/* The redaction page of attachment `attachment_id` of case `request_id`
 * and its actions, one call:
 * - VIEW, PREVIEW: OUT_OK with the page; input that cannot make a copy (a
 *   term too short or not found, a box off the page, a PDF that cannot be
 *   read or whose copy failed its check) is OUT_INVALID with the page and
 *   its errors, the input kept;
 * - SAVE: OUT_OK with copy_id; OUT_STALE (the page again) when the input
 *   is not what the preview showed; otherwise as PREVIEW.
 * OUT_NOT_FOUND (also for an attachment that is not a PDF: nothing to
 * redact), OUT_UNAVAILABLE and OUT_ERROR come without a page. */
enum outcome attach_redaction(const struct svc_ctx *ctx, long long request_id,
                              long long attachment_id, const struct attach_input *in,
                              struct attach_result *out, struct problem *p);

#endif

/* SPDX-License-Identifier: EUPL-1.2 */
/* The case package for an administrative court or an archive (issue 23
 * §2, docs/export.md): one ZIP with the case's documents (dokumenty/: the
 * request as PDF, every issued letter and decision as PDF, the signed one
 * when it was signed, the attachments, e-mails as .eml, delivery
 * evidences), one NDAP metadata file per document (metadane/), the case
 * file with the ordered list of documents and their SHA-256 (sprawy/), and
 * the case's hash-chained event log (zdarzenia/) with what verifying it
 * takes (cases/package.h reads it all back). The same for every closed
 * case of a year, with the spis spraw of each JRWA class.
 *
 * Used by `jawnosc export` (cli/cmd_export.c) and the case page's button
 * (web/panel.c, GET /panel/sprawy/{id}/akta.zip). Each export is an event
 * on the case's timeline ("case_export"), written in its own short
 * transaction before the package is read (so the package holds it, and the
 * organisation's chain is not held locked while the files are read); the
 * package is read in one REPEATABLE READ transaction. */
#ifndef JAWNOSC_CASES_EXPORT_H
#define JAWNOSC_CASES_EXPORT_H

#include <stddef.h>

#include "cases/context.h"

/* The event of an export. */
#define EXPORT_EVENT "case_export"

struct export_package {
	const char *zip; /* the archive, in ctx->arena */
	size_t len;
	const char *name; /* a safe file name without ".zip": "OR_1431_7_2026" */
	const char *case_number;
	int documents, erased, events;
};

/* Which case: with ctx->who (the panel), case `request_id` that the staff
 * member sees (cases/scope.h; another's is OUT_NOT_FOUND); without it (the
 * command line), the case numbered `case_number` of the organisation
 * `org_slug`, or of the only organisation that has such a number when
 * `org_slug` is NULL (OUT_CONFLICT when several have it: name one).
 * `via` ("panel", "cli") is recorded in the event. OUT_NOT_FOUND, OUT_CONFLICT,
 * OUT_UNAVAILABLE, OUT_ERROR (a file that cannot be added, a PDF that
 * cannot be drawn; logged). */
enum outcome export_case(const struct svc_ctx *ctx, long long request_id, const char *case_number,
                         const char *org_slug, const char *via, struct export_package *out,
                         struct problem *p);

/* A closed case of a year, as the spis spraw lists it. */
struct export_listed {
	long long request_id;
	const char *case_number, *jrwa_class, *category, *subject, *requester;
	const char *received_on, *closed_on, *outcome;
};

struct export_year {
	const char *org_slug, *org_name;
	int year;
	struct export_listed *cases; /* by class, then number */
	size_t n;
	long open; /* cases of the year still open (not exported) */
};

/* The closed cases of `year` (the year of the case number, the year of
 * the spis spraw they are registered in) of organisation `org_slug` (NULL:
 * the only one there is; OUT_CONFLICT when there are several). */
enum outcome export_year_cases(const struct svc_ctx *ctx, const char *org_slug, int year,
                               struct export_year *out, struct problem *p);

/* The spis spraw of JRWA class `jrwa_class` of `y` (its cases of that
 * class): as CSV (RFC 4180, render/csv.h) and as PDF. OUT_ERROR when the
 * PDF cannot be drawn. */
enum outcome export_spis(const struct svc_ctx *ctx, const struct export_year *y,
                         const char *jrwa_class, const char **csv, size_t *csv_len,
                         const char **pdf, size_t *pdf_len, struct problem *p);

#endif

/* SPDX-License-Identifier: EUPL-1.2 */
/* Statistics of a period, as a body reports them yearly: the requests
 * received in the period (the cohort, by received_on), counted by kind,
 * channel, outcome and unit; how many were closed, answered and answered
 * on time; the median handling time; the fees notified; the appeals (and
 * requests for reconsideration) and court complaints lodged in those cases.
 *
 * Definitions, so that the figures can be checked by hand:
 *   outcome    the state of a closed case; a case under appeal or at court
 *              by that state; any other case still open is "open";
 *   closed     closed_on set; handling time = closed_on - received_on in
 *              calendar days, its median over the closed cases;
 *   on time    of the cases whose closing met or missed an answer term
 *              (the last one: an extended term is then the due date), those
 *              closed on or before its due date ("met"); the rate is
 *              on_time / answered;
 *   fees       fee_notice steps and the sum of their amounts ("10,50" and
 *              "10.50" both read as 10.50 zł).
 * The scope is one organisation, or one unit of it. */
#ifndef JAWNOSC_CASES_STATS_H
#define JAWNOSC_CASES_STATS_H

#include <jansson.h>

#include "cases/context.h"
#include "core/strbuf.h"

/* The statistics of ctx->who's scope (cases/dashboard.h) for the period
 * from `from` to `to` (YYYY-MM-DD as typed; NULL or "": from the 1st of
 * January of ctx->now's year, to ctx->now's date). OUT_INVALID at field
 * "od" or "do" when they are not dates of 1990-2100, when the period ends
 * before it begins or is longer than ten years.
 * {"period": {"from", "to"}, "scope": {"organisation", "unit"},
 *  "requests", "by_kind", "by_channel", "by_outcome", "by_unit" (lists of
 *  {"key", "label", "count"}; every kind and channel, zeros included),
 *  "closed", "answered", "on_time", "on_time_rate" (0..1 or null),
 *  "median_days" (or null), "fee_notices", "fees_total" ("123.50"),
 *  "appeals", "court_complaints"} */
enum outcome stats_load(const struct svc_ctx *ctx, const char *from, const char *to,
			json_t **out, struct problem *p);

/* The same document as CSV (RFC 4180, UTF-8): a header row
 * "section,key,label,value", then one row per figure; reals are written
 * with up to 10 significant digits, as stats_json() writes them. */
void stats_csv(const json_t *doc, strbuf_t *out);
/* The document as compact JSON text (reals with up to 10 significant
 * digits), into `out`. */
void stats_json(const json_t *doc, strbuf_t *out);

/* The kinds and channels of a request, in the order reports list them,
 * with their Polish labels; NULL-terminated. */
struct stats_label {
	const char *id, *label;
};
extern const struct stats_label stats_kinds[];
extern const struct stats_label stats_channels[];
/* The label of an id in one of those lists; the id itself when unknown. */
const char *stats_label_of(const struct stats_label *list, const char *id);

#endif

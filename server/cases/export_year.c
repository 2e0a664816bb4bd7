/* SPDX-License-Identifier: EUPL-1.2 */
/* The closed cases of a year for the body's archive, and the spis spraw of
 * each JRWA class (cases/export.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases/export.h"
#include "cases/register.h"
#include "cases/service.h"
#include "cases/store.h"
#include "core/log.h"
#include "core/strbuf.h"
#include "render/csv.h"
#include "render/post.h"

enum outcome export_year_cases(const struct svc_ctx *ctx, const char *org_slug, int year,
                               struct export_year *out, struct problem *p)
{
	memset(out, 0, sizeof *out);
	out->year = year;
	PGconn *c = svc_conn(p);
	if (!c)
		return OUT_UNAVAILABLE;
	arena_t *a = ctx->arena;
	const char *q[1] = {org_slug ? org_slug : ""};
	enum db_status st;
	PGresult *r = db_exec(c, &st, "SELECT id, slug, name FROM organisations WHERE $1 = '' OR slug = $1 LIMIT 2",
	                      1, q);
	if (st != DB_OK) {
		PQclear(r);
		return svc_outcome(st, p);
	}
	if (PQntuples(r) != 1) {
		int n = PQntuples(r);
		PQclear(r);
		return n ? problem_set(p, OUT_CONFLICT, "Jest kilka organizacji: wskaż jedną.", "ambiguous_org")
		         : problem_set(p, OUT_NOT_FOUND, "Nie ma takiej organizacji.", NULL);
	}
	const char *org_id = arena_strdup(a, PQgetvalue(r, 0, 0));
	out->org_slug = arena_strdup(a, PQgetvalue(r, 0, 1));
	out->org_name = arena_strdup(a, PQgetvalue(r, 0, 2));
	PQclear(r);
	const char *y[2] = {org_id, arena_printf(a, "%d", year)};
	/* The spis spraw of a class and year is kept by the unit; the body's
	 * archive takes them together, ordered by class, unit and number. */
	r = db_exec(c, &st,
	            "SELECT r.id, r.case_number, r.case_class, "
	            "archival_category_of(o.archival_categories, o.retention_years, r.case_class), "
	            "r.subject, coalesce(nullif(rq.name, ''), 'wnioskodawca nieznany z nazwiska'), "
	            "r.received_on::text, r.closed_on::text, r.state, " STORE_NO_KPA_SQL("o", "r.kind") " "
	            "FROM requests r "
	            "JOIN organisations o ON o.id = r.org_id JOIN units u ON u.id = r.unit_id "
	            "LEFT JOIN requesters rq ON rq.request_id = r.id "
	            "WHERE r.org_id = $1 AND r.case_year = $2::int AND r.closed_on IS NOT NULL "
	            "ORDER BY r.case_class, u.symbol, r.case_seq",
	            2, y);
	if (st == DB_OK) {
		out->n = (size_t)PQntuples(r);
		out->cases = arena_calloc(a, out->n ? out->n : 1, sizeof *out->cases);
		for (size_t i = 0; i < out->n; i++) {
			int k = (int)i;
			struct export_listed *e = &out->cases[i];
			e->request_id = atoll(PQgetvalue(r, k, 0));
			e->case_number = arena_strdup(a, PQgetvalue(r, k, 1));
			e->jrwa_class = arena_strdup(a, PQgetvalue(r, k, 2));
			e->category = arena_strdup(a, PQgetvalue(r, k, 3));
			e->subject = arena_strdup(a, PQgetvalue(r, k, 4));
			e->requester = arena_strdup(a, PQgetvalue(r, k, 5));
			e->received_on = arena_strdup(a, PQgetvalue(r, k, 6));
			e->closed_on = arena_strdup(a, PQgetvalue(r, k, 7));
			e->outcome = arena_strdup(a, register_outcome_label(PQgetvalue(r, k, 8),
			                                                    PQgetvalue(r, k, 9)[0] == 't'));
		}
	}
	PQclear(r);
	if (st == DB_OK) {
		r = db_exec(c, &st,
		            "SELECT count(*) FROM requests WHERE org_id = $1 AND case_year = $2::int "
		            "AND closed_on IS NULL",
		            2, y);
		if (st == DB_OK)
			out->open = atol(PQgetvalue(r, 0, 0));
		PQclear(r);
	}
	return svc_outcome(st, p);
}

/* "2026-03-05" as "05.03.2026". */
static const char *pl_date(arena_t *a, const char *iso)
{
	if (!iso || strlen(iso) != 10)
		return iso ? iso : "";
	return arena_printf(a, "%.2s.%.2s.%.4s", iso + 8, iso + 5, iso);
}

#define SPIS_COLS 7
static const char *const spis_heads[SPIS_COLS] = {
    "Lp.", "Znak sprawy", "Sprawa (krótka treść)", "Od kogo wpłynęła", "Data wszczęcia sprawy",
    "Data ostatecznego załatwienia", "Uwagi (sposób załatwienia)"};
static const double spis_shares[SPIS_COLS] = {0.05, 0.17, 0.27, 0.15, 0.10, 0.10, 0.16};

enum outcome export_spis(const struct svc_ctx *ctx, const struct export_year *y,
                         const char *jrwa_class, const char **csv, size_t *csv_len,
                         const char **pdf, size_t *pdf_len, struct problem *p)
{
	arena_t *a = ctx->arena;
	strbuf_t cs;
	sb_init(&cs, a);
	csv_row(&cs, spis_heads, SPIS_COLS);
	size_t n = 0;
	for (size_t i = 0; i < y->n; i++)
		n += !strcmp(y->cases[i].jrwa_class, jrwa_class);
	const char **cells = arena_calloc(a, (n ? n : 1) * SPIS_COLS, sizeof *cells);
	const char *category = "";
	size_t row = 0;
	for (size_t i = 0; i < y->n; i++) {
		const struct export_listed *e = &y->cases[i];
		if (strcmp(e->jrwa_class, jrwa_class) != 0)
			continue;
		category = e->category;
		const char **f = cells + row * SPIS_COLS;
		f[0] = arena_printf(a, "%zu", row + 1);
		f[1] = e->case_number;
		f[2] = e->subject;
		f[3] = e->requester;
		f[4] = pl_date(a, e->received_on);
		f[5] = pl_date(a, e->closed_on);
		f[6] = e->outcome;
		csv_row(&cs, f, SPIS_COLS);
		row++;
	}
	*csv = cs.data;
	*csv_len = cs.len;
	post_table_t t = {
	    .title = arena_printf(a, "Spis spraw — klasa %s, rok %d", jrwa_class, y->year),
	    .intro = arena_printf(a, "%s\nSymbol klasyfikacyjny z jednolitego rzeczowego wykazu akt: %s; "
	                             "kategoria archiwalna: %s.\nSprawy zakończone, w kolejności znaków spraw.",
	                          y->org_name, jrwa_class, category),
	    .footer = arena_printf(a, "Liczba spraw: %zu", n),
	    .date = arena_printf(a, "%d-12-31", y->year),
	    .ncols = SPIS_COLS,
	    .heads = spis_heads,
	    .shares = spis_shares,
	    .cells = cells,
	    .nrows = n,
	};
	strbuf_t ps;
	sb_init(&ps, a);
	char err[200];
	if (!post_table_pdf(&t, &ps, err, sizeof err)) {
		log_error("export: spis spraw %s/%d: %s", jrwa_class, y->year, err);
		return problem_set(p, OUT_ERROR, NULL, NULL);
	}
	*pdf = ps.data;
	*pdf_len = ps.len;
	return OUT_OK;
}

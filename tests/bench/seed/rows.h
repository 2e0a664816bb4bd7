/* SPDX-License-Identifier: EUPL-1.2 */
/* A simulated case's rows: its request (streamed to the server while the
 * cases are simulated), and the rows that refer to it, its requester,
 * terms, documents and deliveries (into temporary files, sent after the
 * requests). The COPY statements are here, next to the columns they list. */
#ifndef SEED_ROWS_H
#define SEED_ROWS_H

#include <stdbool.h>
#include <stdio.h>

#include "copy.h"
#include "model.h"
#include "sim.h"

struct case_rows {
	struct sink req, requester, terms, docs, deliveries;
	FILE *tokens;       /* "HOST TOKEN STATE" lines, or NULL */
	size_t token_every; /* a line for every n-th case */
};

/* COPY requests ... with answered_on_time when the column exists. */
void rows_requests_sql(bool has_aot, char *out, size_t n);
extern const char rows_requesters_sql[], rows_terms_sql[], rows_documents_sql[],
    rows_deliveries_sql[];

/* Writes the rows of the case `x` simulated (a new tracking token each). */
void rows_case(struct model *m, struct case_rows *out, const struct sim *x);

#endif

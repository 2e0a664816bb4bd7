/* SPDX-License-Identifier: EUPL-1.2 */
/* The COPY writer: rows in COPY's text format, buffered (1 MB) and sent to
 * the server inside a COPY FROM STDIN, or written to a temporary file to be
 * sent later (copy_file). Columns are added in the table's order with the
 * col_* functions and a row ends with row_end(). Errors are printed once and
 * remembered in `failed`; copy_end() reports them. */
#ifndef SEED_COPY_H
#define SEED_COPY_H

#include <libpq-fe.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "progress.h"

struct sink {
	PGconn *c; /* the server, or */
	FILE *f;   /* a temporary file */
	char *buf;
	size_t len, cap;
	int col;
	long long rows;
	bool failed;
	struct progress *prog; /* counts the rows, may be NULL */
};

void sk_init(struct sink *s, PGconn *c, FILE *f, struct progress *prog);
/* Sends or writes what is buffered. */
void sk_flush(struct sink *s);
void sk_free(struct sink *s);

/* A text value, escaped; NULL writes \N. */
void col_s(struct sink *s, const char *v);
void col_fmt(struct sink *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void col_i(struct sink *s, long long v);
/* An id, or NULL for 0. */
void col_id(struct sink *s, long long v);
void col_b(struct sink *s, bool v);
/* A date from a day number; NULL for NO_DAY. */
void col_day(struct sink *s, int32_t days);
/* A timestamptz from microseconds since the epoch. */
void col_ts(struct sink *s, int64_t us);
void col_bytea(struct sink *s, const unsigned char *b, size_t n);
void row_end(struct sink *s);

/* Starts `sql` (a COPY ... FROM STDIN); `freeze` adds WITH (FREEZE): rows
 * written frozen and all-visible, allowed when the table was emptied in
 * this transaction. */
bool copy_begin(PGconn *c, const char *sql, bool freeze);
/* Ends the COPY the sink `s` fed (aborting it when the sink failed). */
bool copy_end(struct sink *s, const char *what);
/* Sends a temporary file of `rows` rows written earlier, as phase `phase`. */
bool copy_file(PGconn *c, const char *sql, bool freeze, FILE *f, long long rows,
               struct progress *p, const char *phase);

#endif

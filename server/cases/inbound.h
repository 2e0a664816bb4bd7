/* SPDX-License-Identifier: EUPL-1.2 */
/* Inbound mail (issue 19, docs/inbound.md): storing a message first,
 * parsing and routing it after.
 *
 * inbound_store() is what `jawnosc mailin`, the IMAP job and the
 * e-Doręczenia inbox call with the raw bytes: one INSERT, committed before
 * they answer (the MTA's exit status, the IMAP \Seen flag). Nothing is
 * parsed there but the Message-ID header (for deduplication); the parse
 * job (cases/inbound_parse.h) fills the rest, and the route job
 * (cases/inbound_route.h) takes it from there. */
#ifndef JAWNOSC_CASES_INBOUND_H
#define JAWNOSC_CASES_INBOUND_H

#include <libpq-fe.h>
#include <stdbool.h>
#include <stddef.h>

#include "cases/jobs.h"
#include "db/db.h"

/* Largest raw message stored (bigger ones are refused by mailin with
 * EX_DATAERR 65 and left unseen by the IMAP job, both logged). */
#define INBOUND_RAW_MAX (40 * 1024 * 1024)

struct inbound_in {
	const unsigned char *raw;
	size_t len;
	const char *source;        /* "mailin", "imap", "edoreczenia" */
	const char *envelope_from; /* "" when unknown */
	const char *envelope_to;   /* "" when unknown */
	const char *external_ref;  /* NULL or the source's own id */
	long long org_id;          /* 0: recognise by envelope_to (an organisation's
	                              address, or its address with +anything),
	                              else the only organisation, else none */
};

/* Stores the message (received_at = clock_now()) in its own transaction.
 * *id its row; *duplicate true when the same bytes or the same Message-ID
 * for the same organisation were stored before (then *id is that row and
 * nothing is written). DB_OK only after the commit. */
enum db_status inbound_store(PGconn *c, const struct inbound_in *in, long long *id,
                             bool *duplicate);

/* The Message-ID of a raw message (the header's value without <> and
 * white space, at most `cap`-1 bytes), "" when it has none or it is
 * malformed. Reads only the header block. */
void inbound_message_id(const unsigned char *raw, size_t len, char *out, size_t cap);

#endif

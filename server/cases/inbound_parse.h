/* SPDX-License-Identifier: EUPL-1.2 */
/* Parsing stored inbound messages (issue 19 §1, docs/inbound.md): the
 * step between inbound_store() (raw first) and routing.
 *
 * Each round claims messages not parsed yet (parsed_at NULL, FOR UPDATE
 * SKIP LOCKED: several instances never parse one twice), one transaction
 * each: mail_parse() (mail/parse.h) fills the parsed columns (kind,
 * sender, subject, text, In-Reply-To, References, bounce_of/recipient)
 * and inbound_parts (attachments, inline images, a winmail.dat it could
 * not open), and sets parsed_at. An unreadable message is parsed too:
 * kind 'unreadable', parse_error the reason, its raw bytes untouched.
 * parse_error of a readable message says what the limits left out.
 * status stays as it is (an auto-reply, a bounce too): the route job
 * (cases/inbound_route.h) picks the parsed rows. */
#ifndef JAWNOSC_CASES_INBOUND_PARSE_H
#define JAWNOSC_CASES_INBOUND_PARSE_H

#include <libpq-fe.h>
#include <stdbool.h>

#include "cases/jobs.h"
#include "db/db.h"

/* Messages parsed in one round of the job. */
#define INBOUND_PARSE_BATCH 20

/* Parses up to `max` messages on `c`, each in its own transaction; the
 * number parsed in *parsed. A message whose result the database refuses
 * (a bug) is marked unreadable with the reason rather than tried for
 * ever. DB_OK unless the database failed. */
enum db_status inbound_parse_round(PGconn *c, int max, int *parsed);

/* The job (a row of cases/jobs.c): one round on this thread's
 * connection; JOB_MORE when the batch was full. */
enum job_result inbound_parse_job(void);

#endif

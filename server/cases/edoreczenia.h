/* SPDX-License-Identifier: EUPL-1.2 */
/* The e-Doręczenia transport of dispatches (issue 18 §3,
 * docs/edoreczenia.md): the job "edoreczenia" of `serve` takes the
 * dispatches of the channels edoreczenia and hybrid_post
 * (migration 0024) through the User Agent API with edor/client.h, and
 * calls dispatch_record_delivery() when the evidence says the document was
 * delivered, so the requester's term starts from the evidence's date.
 *
 * A dispatch moves:
 *   queued  ── committed as `sending` (lease of EDOR_LEASE_S) ──► POST
 *           ── 202 + task id ──► sending (task) ── FINISHED ──► sent (message id)
 *           ── service unreachable, 503 ──► queued again, after a backoff
 *           ── refused (4xx) / task error ──► rejected, with the reason
 *   sending without a task (the POST's fate unknown: a timeout, a crash
 *           between the POST and the record) ── the mailbox is searched for
 *           our reference first ──► sent when found, else sent again
 *   sent    ── every JAWNOSC_EDORECZENIA_CHECK_SECONDS: the evidences are
 *           fetched and kept raw in dispatch_evidences ──►
 *           A.2 → rejected (its reason); E.1 / BP.OX → delivered on its date
 *           (rule "evidence"); H.EPO for the hybrid service → delivered on
 *           its date; none of these, and 14 days after availability (the
 *           A.1 / BP.WX date: law_dispatch_deemed_edoreczenia()) by the
 *           frozen-able clock (core/clock.h) → deemed (rule
 *           "deemed_edoreczenia").
 *
 * Exactly once: the row is claimed with FOR UPDATE SKIP LOCKED and its
 * state `sending` is committed before the POST, so another instance (or
 * this one after a crash) never posts it again without first finding out,
 * by the reference carried in the message's subject and additionalData
 * ("JAW-<dispatch id>-<8 hex of the document's SHA-256>"), that the first
 * POST did not go through. An unavailable service means waiting (the
 * backoff of JAWNOSC_EDORECZENIA_RETRY_BASE, doubling, at most an hour),
 * never giving up. */
#ifndef JAWNOSC_CASES_EDORECZENIA_H
#define JAWNOSC_CASES_EDORECZENIA_H

#include <libpq-fe.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/jobs.h"

#define EDOR_BATCH 10    /* dispatches one round takes */
#define EDOR_LEASE_S 600 /* a posting instance's hold on a `sending` row */

/* One round: up to EDOR_BATCH due dispatches, one transaction each.
 * JOB_MORE when the batch was full, JOB_FAILED on a database error,
 * JOB_DONE at once when e-Doręczenia is not configured. */
enum job_result edoreczenia_job(void);

/* An organisation's own settings: the columns of org_edoreczenia that
 * edoreczenia_settings_from_row() reads, in its order. */
#define EDORECZENIA_ORG_COLUMNS                                                                    \
	"address, system_name, key_path, cert_path, coalesce(url, ''), coalesce(token_url, ''), " \
	"coalesce(search_url, '')"
struct edor_settings;
/* Fills `s` (pointing into `r`) from the EDORECZENIA_ORG_COLUMNS at column
 * `col` of row `row`; the URLs not given are the deployment's. */
void edoreczenia_settings_from_row(const PGresult *r, int row, int col, struct edor_settings *s);

/* Makes this thread's e-Doręczenia calls (edor/client.h) use the settings
 * of organisation `org_id`: its row in org_edoreczenia, else the
 * deployment's. 1 ready, 0 not usable (`why` in Polish, for the clerk:
 * no settings at all, or the row's are wrong — logged), -1 database
 * error. The caller ends with edor_use(NULL, …). */
int edoreczenia_use_org(PGconn *c, long long org_id, char *why, size_t whylen);

/* Checks every organisation's row in org_edoreczenia as `serve` starts
 * (the same checks as `jawnosc edoreczenia set`): a wrong one is logged
 * with the organisation's slug and only that organisation's dispatches
 * wait. The number of wrong rows in *bad. */
bool edoreczenia_check_orgs(PGconn *c, int *bad);

/* The reference that identifies dispatch `id` of a document whose
 * SHA-256 starts with `sha_hex` at the service. */
void edoreczenia_reference(long long id, const char *sha_hex, char out[48]);

#endif

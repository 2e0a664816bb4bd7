/* SPDX-License-Identifier: EUPL-1.2 */
/* GET /metrics: the Prometheus text exposition (format 0.0.4). The HTTP
 * layer's counters and histogram, the connections and bodies the server
 * refused, the sign-in throttle's counters, then
 * gauges read from the database now: the outbox queue, open and overdue
 * cases, connections. Only for direct
 * loopback connections (a Prometheus or node agent on the same machine),
 * unless JAWNOSC_METRICS_PUBLIC=1; anyone else gets 404, as does a request
 * relayed by a proxy (X-Forwarded-For or Forwarded present). */
#include "cases/auth.h"
#include "cases/context.h"
#include "cases/edor_inbox.h"
#include "cases/imap.h"
#include "cases/integrations.h"
#include "cases/ops.h"
#include "core/config.h"
#include "http/metrics.h"
#include "http/proxy.h"
#include "http/server.h"
#include "web/web.h"

static bool may_see_metrics(http_req_t *req)
{
	if (cfg.metrics_public)
		return true;
	if (http_header(req, "X-Forwarded-For") || http_header(req, "Forwarded") ||
	    http_header(req, "X-Real-IP"))
		return false;
	return proxy_is_loopback(http_peer_ip(req));
}

/* A family of two samples told apart by `label`: a=va, b=vb. */
static void two_samples(strbuf_t *sb, const char *name, const char *type, const char *help,
                        const char *label, const char *a, double va, const char *b, double vb)
{
	metrics_family(sb, name, type, help);
	metrics_sample(sb, name, va, label, a, (const char *)NULL);
	metrics_sample(sb, name, vb, label, b, (const char *)NULL);
}

/* The replication job's last reading (cases/ops.h): no query here.
 * Absent until it has read once, and while the database does not answer. */
static void replication_gauges(strbuf_t *sb)
{
	struct ops_replication r;
	ops_replication(&r);
	if (!r.known)
		return;
	metrics_one(sb, "jawnosc_db_standbys", "gauge",
	            "Standbys streaming from the server DATABASE_URL reaches (pg_stat_replication), "
	            "read every 5 s; a standby that stops streaming lowers it.",
	            (double)r.standbys);
	metrics_one(sb, "jawnosc_db_synchronous_standby", "gauge",
	            "1 while that server names a synchronous standby (a commit waits until a standby "
	            "has it), 0 when commits wait for none (synchronous_mode_strict off and no standby left).",
	            r.synchronous ? 1 : 0);
	metrics_one(sb, "jawnosc_db_in_recovery", "gauge",
	            "1 when DATABASE_URL reached a standby (read-only) instead of the primary.",
	            r.in_recovery ? 1 : 0);
}

static void database_gauges(strbuf_t *sb, const struct ops_metrics *m)
{
	const struct ops_gauges *g = &m->gauges;
	metrics_one(sb, "jawnosc_database_up", "gauge",
	            "1 when the database answered this scrape's queries, else 0 (the gauges below are then absent).",
	            m->database_up ? 1 : 0);
	two_samples(sb, "jawnosc_db_connections_open", "gauge",
	            "Database connections this process holds (one per worker thread that used one).",
	            "pool", "primary", m->connections_primary, "replica", m->connections_replica);
	metrics_one(sb, "jawnosc_db_replica_fallbacks_total", "counter",
	            "Public register reads served by the primary because no replica "
	            "(DATABASE_URL_REPLICA) could be reached; 0 without a replica configured.",
	            (double)m->replica_fallbacks);
	replication_gauges(sb);
	if (!m->database_up)
		return;
	metrics_one(sb, "jawnosc_db_backends", "gauge",
	            "Server processes connected to this database, from every instance (pg_stat_activity).",
	            (double)g->db_backends);
	two_samples(sb, "jawnosc_outbox_messages", "gauge",
	            "Outgoing mail waiting to be sent (pending) or given up on (failed).", "status",
	            "pending", (double)g->outbox_pending, "failed", (double)g->outbox_failed);
	metrics_one(sb, "jawnosc_outbox_oldest_pending_seconds", "gauge",
	            "Age of the oldest message still waiting in the outbox; 0 when none waits.",
	            g->outbox_oldest_pending_seconds);
	metrics_family(sb, "jawnosc_edoreczenia_dispatches", "gauge",
	               "Dispatches by e-Doręczenia and its hybrid service: queued (waiting to be posted, "
	               "also while the service is unreachable), sending (posted, task not finished), "
	               "sent (waiting for the evidence of delivery), rejected (refused by the service).");
	metrics_sample(sb, "jawnosc_edoreczenia_dispatches", (double)g->edor_queued, "state", "queued",
	               (const char *)NULL);
	metrics_sample(sb, "jawnosc_edoreczenia_dispatches", (double)g->edor_sending, "state",
	               "sending", (const char *)NULL);
	metrics_sample(sb, "jawnosc_edoreczenia_dispatches", (double)g->edor_sent, "state", "sent",
	               (const char *)NULL);
	metrics_sample(sb, "jawnosc_edoreczenia_dispatches", (double)g->edor_rejected, "state",
	               "rejected", (const char *)NULL);
	metrics_one(sb, "jawnosc_edoreczenia_oldest_waiting_seconds", "gauge",
	            "Age of the oldest dispatch by e-Doręczenia not yet accepted by the service "
	            "(queued or sending); 0 when none waits.",
	            g->edor_oldest_waiting_seconds);
	metrics_family(sb, "jawnosc_cases_open", "gauge", "Cases not closed, by organisation.");
	for (size_t i = 0; i < g->norgs; i++)
		metrics_sample(sb, "jawnosc_cases_open", (double)g->orgs[i].open, "org", g->orgs[i].slug,
		               (const char *)NULL);
	metrics_family(sb, "jawnosc_cases_overdue", "gauge",
	               "Open cases past their statutory due date (Warsaw today), by organisation.");
	for (size_t i = 0; i < g->norgs; i++)
		metrics_sample(sb, "jawnosc_cases_overdue", (double)g->orgs[i].overdue, "org",
		               g->orgs[i].slug, (const char *)NULL);
}

static void cache_gauges(strbuf_t *sb, const struct ops_metrics *m)
{
	const struct cache_stats *st = &m->cache;
	metrics_one(sb, "jawnosc_page_cache_on", "gauge",
	            "1 while pages are kept in memory (the change listener is connected), else 0.",
	            m->cache_on ? 1 : 0);
	metrics_one(sb, "jawnosc_page_cache_entries", "gauge",
	            "Pages, page data and organisations' settings kept in memory.",
	            (double)st->entries);
	metrics_one(sb, "jawnosc_page_cache_bytes", "gauge",
	            "Memory the kept pages take (JAWNOSC_PAGE_CACHE_MB is the limit).",
	            (double)st->bytes);
	two_samples(sb, "jawnosc_page_cache_lookups_total", "counter",
	            "Requests for kept pages, by whether a current copy was there.", "result", "hit",
	            (double)st->hits, "miss", (double)st->misses);
	metrics_one(sb, "jawnosc_page_cache_replica_behind_total", "counter",
	            "Pages and data read from the replica before it had replayed their body's last "
	            "change: shown, not kept.",
	            (double)st->replica_behind);
}

/* Sign-in attempts of this process: those refused by a throttling limit
 * (cases/auth.h), by which one, and those answered as wrong credentials. */
static void sign_in_counters(strbuf_t *sb)
{
	struct auth_counts n;
	auth_counts(&n);
	metrics_family(sb, "jawnosc_sign_in_refused_total", "counter",
	               "Staff sign-ins refused unchecked by a throttling limit: this e-mail from this "
	               "address (pair), this address (address), or an e-mail's growing delay for an "
	               "address that failed for it (account).");
	for (int i = 0; i < AUTH_REFUSED_N; i++)
		metrics_sample(sb, "jawnosc_sign_in_refused_total", (double)n.refused[i], "reason",
		               auth_refusal_name((enum auth_refusal)i), (const char *)NULL);
	metrics_one(sb, "jawnosc_sign_in_failures_total", "counter",
	            "Staff sign-ins answered as a wrong e-mail or password.", (double)n.wrong);
}

/* Calls of the staff API by integrations' tokens (cases/integrations.h),
 * by how they were answered. */
static void integration_counters(strbuf_t *sb)
{
	unsigned long long n[INTEGRATION_RESULT_N];
	integration_counts(n);
	metrics_family(sb, "jawnosc_integration_calls_total", "counter",
	               "Calls of the staff API (/api/v1/staff) by integration tokens (EZD systems), by "
	               "answer: ok (2xx), unauthenticated (401: no token, unknown or revoked), forbidden "
	               "(403: a scope the token lacks), not_found (404), refused (other 4xx: invalid "
	               "input, refused by the law), rate_limited (429: over JAWNOSC_INTEGRATION_RATE), "
	               "failed (5xx).");
	for (int i = 0; i < INTEGRATION_RESULT_N; i++)
		metrics_sample(sb, "jawnosc_integration_calls_total", (double)n[i], "result",
		               integration_result_name((enum integration_result)i), (const char *)NULL);
}

/* What the HTTP server refused to hold: connections closed at once or at
 * their head's deadline, bodies that found memory full (http/server.h). */
static void server_counters(strbuf_t *sb)
{
	struct http_server_counts n;
	http_server_counts(&n);
	metrics_family(sb, "jawnosc_http_connections_refused_total", "counter",
	               "Connections closed by the server's limits: over JAWNOSC_MAX_CONNECTIONS_PER_IP "
	               "from one address (per_ip), over JAWNOSC_MAX_CONNECTIONS (total), request head "
	               "not complete within JAWNOSC_HEADER_TIMEOUT (head_timeout).");
	for (int i = 0; i < HTTP_REFUSED_N; i++)
		metrics_sample(sb, "jawnosc_http_connections_refused_total", (double)n.refused[i],
		               "reason", http_refusal_name((enum http_refusal)i), (const char *)NULL);
	metrics_one(sb, "jawnosc_http_connections", "gauge", "Connections open now.",
	            (double)n.connections);
	metrics_one(sb, "jawnosc_http_body_memory_bytes", "gauge",
	            "Memory held now by request bodies being received (at most JAWNOSC_BODY_MEMORY).",
	            (double)n.body_memory);
	metrics_one(sb, "jawnosc_http_bodies_refused_total", "counter",
	            "Requests answered 503 because their body did not fit in JAWNOSC_BODY_MEMORY.",
	            (double)n.bodies_refused);
	metrics_one(sb, "jawnosc_http_uploads_over_limit_total", "counter",
	            "Filing forms whose attachments went over JAWNOSC_MAX_BODY: read without being "
	            "kept and given back with the text typed and the files named (413).",
	            (double)n.uploads_over);
}

/* The IMAP polling job of this process (cases/imap.h); nothing when it is
 * not configured. */
static void imap_counters(strbuf_t *sb)
{
	struct imap_poll_counts n;
	imap_poll_counts(&n);
	if (!imap_poll_enabled())
		return;
	metrics_one(sb, "jawnosc_imap_up", "gauge",
	            "1 when the last attempt reached the IMAP mailbox (JAWNOSC_IMAP_URL), 0 while it "
	            "cannot be reached or refuses the login (messages wait unseen), -1 before the first.",
	            (double)n.up);
	metrics_family(sb, "jawnosc_imap_messages_total", "counter",
	               "Messages the IMAP job took from the mailbox: stored, found stored before "
	               "(duplicate: a failure before marking it seen, or another instance), left "
	               "unseen for being over the size limit (too_large).");
	metrics_sample(sb, "jawnosc_imap_messages_total", (double)n.stored, "result", "stored",
	               (const char *)NULL);
	metrics_sample(sb, "jawnosc_imap_messages_total", (double)n.duplicate, "result", "duplicate",
	               (const char *)NULL);
	metrics_sample(sb, "jawnosc_imap_messages_total", (double)n.too_large, "result",
	               "too_large", (const char *)NULL);
	metrics_one(sb, "jawnosc_imap_failures_total", "counter",
	            "Attempts of the IMAP job that could not reach or read the mailbox.",
	            (double)n.failures);
}

/* The e-Doręczenia inbox job of this process (cases/edor_inbox.h). */
static void edor_inbox_counters(strbuf_t *sb)
{
	struct edor_inbox_counts n;
	edor_inbox_counts(&n);
	metrics_family(sb, "jawnosc_edoreczenia_inbox_messages_total", "counter",
	               "Messages received in the e-Doręczenia box and stored in the incoming queue "
	               "(stored), or found stored before (duplicate: another instance).");
	metrics_sample(sb, "jawnosc_edoreczenia_inbox_messages_total", (double)n.stored, "result",
	               "stored", (const char *)NULL);
	metrics_sample(sb, "jawnosc_edoreczenia_inbox_messages_total", (double)n.duplicate,
	               "result", "duplicate", (const char *)NULL);
	metrics_one(sb, "jawnosc_edoreczenia_inbox_failures_total", "counter",
	            "Reads of an e-Doręczenia box (its listing or a message) that failed; the "
	            "message is asked for again next round.",
	            (double)n.failures);
}

void web_metrics(http_req_t *req)
{
	if (!may_see_metrics(req)) {
		http_respond_error(req, 404, NULL);
		return;
	}
	strbuf_t sb;
	sb_init(&sb, req->arena);
	metrics_render(&sb);
	metrics_one(&sb, "jawnosc_http_requests_in_flight", "gauge",
	            "Requests begun and not yet finished, this scrape included (a stop waits for them).",
	            (double)http_server_in_flight());
	server_counters(&sb);
	struct svc_ctx ctx;
	struct actor who;
	web_ctx(req, &ctx, &who);
	struct ops_metrics m;
	struct problem p;
	ops_metrics(&ctx, &m, &p);
	sign_in_counters(&sb);
	integration_counters(&sb);
	imap_counters(&sb);
	edor_inbox_counters(&sb);
	cache_gauges(&sb, &m);
	database_gauges(&sb, &m);
	http_add_header(req, "Cache-Control", "no-store");
	http_respond(req, 200, METRICS_CONTENT_TYPE, sb.data, sb.len);
}

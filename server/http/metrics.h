/* SPDX-License-Identifier: EUPL-1.2 */
/* Metrics of the HTTP layer in the Prometheus text exposition format 0.0.4:
 * requests by route name and status class, a fixed-bucket latency histogram
 * per route, and the usual process_* gauges. Everything is kept in atomic
 * counters, so recording a request takes no lock (a route seen for the first
 * time takes a mutex once to claim its slot).
 *
 * The HTTP server records every answered request (metrics_observe_request,
 * called where the access-log line is written); the web layer's /metrics
 * handler renders these with metrics_render() and appends gauges of its own
 * (read from the database at scrape time) with metrics_family() and
 * metrics_sample(). This layer knows nothing of cases and runs no SQL. */
#ifndef JAWNOSC_HTTP_METRICS_H
#define JAWNOSC_HTTP_METRICS_H

#include <stddef.h>

#include "core/strbuf.h"

struct http_req;

/* The content type of the exposition. */
#define METRICS_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"
/* Routes tracked one by one; more (never with the static route table) are
 * counted under route="other". */
#define METRICS_MAX_ROUTES 128
/* Upper bounds of the latency buckets, in seconds (+Inf is implied). */
#define METRICS_BUCKETS 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0
#define METRICS_NBUCKETS 11

/* Records one answered request: its route (req->match.route's name, or
 * "unmatched"), its status class and the time since req->t0. */
void metrics_observe_request(const struct http_req *req);
/* The same from plain values (tests). `route` must outlive the process
 * (a string literal or a route table's name); NULL means "unmatched". */
void metrics_observe(const char *route, int status, double seconds);

/* Appends the HTTP and process metrics. */
void metrics_render(strbuf_t *out);

/* Helpers for gauges the layers above add to the same exposition:
 * "# HELP" and "# TYPE" lines of one family (type "gauge" or "counter"),
 * then its samples. `labels` is NULL or pairs name, value, ..., NULL-ended;
 * values are escaped as the format requires. */
void metrics_family(strbuf_t *out, const char *name, const char *type, const char *help);
void metrics_sample(strbuf_t *out, const char *name, double value, ...);
/* A family of one sample without labels. */
void metrics_one(strbuf_t *out, const char *name, const char *type, const char *help,
                 double value);

/* Forgets every count (tests). Not safe while requests are being served. */
void metrics_reset(void);

#endif

/* SPDX-License-Identifier: EUPL-1.2 */
#include "http/metrics.h"

#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <time.h>
#include <unistd.h>

#include "http/http.h"

static const double bucket_le[METRICS_NBUCKETS] = {METRICS_BUCKETS};

/* Status classes 1xx..5xx; anything else (0: no answer recorded) counts as
 * "other". */
static const char *const class_names[6] = {"other", "1xx", "2xx", "3xx", "4xx", "5xx"};

struct slot {
	_Atomic(const char *) name; /* NULL: free */
	atomic_ullong by_class[6];
	atomic_ullong bucket[METRICS_NBUCKETS + 1]; /* per bucket, not cumulative; last: +Inf */
	atomic_ullong sum_us;                       /* total latency, microseconds */
};

static struct slot slots[METRICS_MAX_ROUTES + 1]; /* the last one: "other" */
static pthread_mutex_t claim_mu = PTHREAD_MUTEX_INITIALIZER;

static struct slot *slot_for(const char *route)
{
	if (!route)
		route = "unmatched";
	for (size_t i = 0; i < METRICS_MAX_ROUTES; i++) {
		const char *n = atomic_load_explicit(&slots[i].name, memory_order_acquire);
		if (!n)
			break;
		if (n == route || strcmp(n, route) == 0)
			return &slots[i];
	}
	/* First time for this route: claim the next free slot under the lock
	 * (another thread may have claimed one meanwhile: look again). */
	struct slot *s = &slots[METRICS_MAX_ROUTES];
	pthread_mutex_lock(&claim_mu);
	for (size_t i = 0; i < METRICS_MAX_ROUTES; i++) {
		const char *n = atomic_load_explicit(&slots[i].name, memory_order_acquire);
		if (!n) {
			atomic_store_explicit(&slots[i].name, route, memory_order_release);
			s = &slots[i];
			break;
		}
		if (n == route || strcmp(n, route) == 0) {
			s = &slots[i];
			break;
		}
	}
	pthread_mutex_unlock(&claim_mu);
	return s;
}

void metrics_observe(const char *route, int status, double seconds)
{
	struct slot *s = slot_for(route);
	int cls = status >= 100 && status < 600 ? status / 100 : 0;
	atomic_fetch_add_explicit(&s->by_class[cls], 1, memory_order_relaxed);
	if (!(seconds >= 0)) /* also NaN */
		seconds = 0;
	size_t b = 0;
	while (b < METRICS_NBUCKETS && seconds > bucket_le[b])
		b++;
	atomic_fetch_add_explicit(&s->bucket[b], 1, memory_order_relaxed);
	double us = seconds * 1e6;
	atomic_fetch_add_explicit(&s->sum_us, us < 1e15 ? (unsigned long long)llround(us) : 0,
	                          memory_order_relaxed);
}

void metrics_observe_request(const struct http_req *req)
{
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double s = (double)(t1.tv_sec - req->t0.tv_sec) + (double)(t1.tv_nsec - req->t0.tv_nsec) / 1e9;
	metrics_observe(req->match.route ? req->match.route->name : NULL, req->status, s);
}

void metrics_reset(void)
{
	pthread_mutex_lock(&claim_mu);
	for (size_t i = 0; i <= METRICS_MAX_ROUTES; i++) {
		atomic_store(&slots[i].name, NULL);
		for (size_t c = 0; c < 6; c++)
			atomic_store(&slots[i].by_class[c], 0);
		for (size_t b = 0; b <= METRICS_NBUCKETS; b++)
			atomic_store(&slots[i].bucket[b], 0);
		atomic_store(&slots[i].sum_us, 0);
	}
	pthread_mutex_unlock(&claim_mu);
}

/* ---- the text format ---------------------------------------------------- */

/* Backslash and line feed escaped, and in a label value (`quoted`) the
 * double quote too; HELP text keeps its quotes. */
static void text_escape(strbuf_t *out, const char *v, bool quoted)
{
	for (; *v; v++) {
		if (*v == '\\')
			sb_puts(out, "\\\\");
		else if (*v == '"' && quoted)
			sb_puts(out, "\\\"");
		else if (*v == '\n')
			sb_puts(out, "\\n");
		else
			sb_putc(out, *v);
	}
}

static void put_value(strbuf_t *out, double v)
{
	if (isnan(v))
		sb_puts(out, "NaN");
	else if (isinf(v))
		sb_puts(out, v > 0 ? "+Inf" : "-Inf");
	else if (v == floor(v) && fabs(v) < 9007199254740992.0)
		sb_printf(out, "%.0f", v);
	else
		sb_printf(out, "%.9g", v);
}

void metrics_family(strbuf_t *out, const char *name, const char *type, const char *help)
{
	sb_printf(out, "# HELP %s ", name);
	text_escape(out, help, false);
	sb_printf(out, "\n# TYPE %s %s\n", name, type);
}

static void vsample(strbuf_t *out, const char *name, double value, va_list ap)
{
	sb_puts(out, name);
	bool first = true;
	for (const char *k; (k = va_arg(ap, const char *));) {
		const char *v = va_arg(ap, const char *);
		sb_puts(out, first ? "{" : ",");
		sb_printf(out, "%s=\"", k);
		text_escape(out, v ? v : "", true);
		sb_putc(out, '"');
		first = false;
	}
	if (!first)
		sb_putc(out, '}');
	sb_putc(out, ' ');
	put_value(out, value);
	sb_putc(out, '\n');
}

void metrics_sample(strbuf_t *out, const char *name, double value, ...)
{
	va_list ap;
	va_start(ap, value);
	vsample(out, name, value, ap);
	va_end(ap);
}

void metrics_one(strbuf_t *out, const char *name, const char *type, const char *help,
                 double value)
{
	metrics_family(out, name, type, help);
	metrics_sample(out, name, value, (const char *)NULL);
}

/* ---- process metrics from /proc (Linux) ---------------------------------- */

struct proc_stat {
	bool ok;
	double start_time, cpu_seconds, rss_bytes;
	long open_fds, threads;
};

static void read_proc(struct proc_stat *ps)
{
	memset(ps, 0, sizeof *ps);
	long tick = sysconf(_SC_CLK_TCK), page = sysconf(_SC_PAGESIZE);
	char buf[1024];
	FILE *f = fopen("/proc/self/stat", "r");
	if (!f)
		return;
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* The command name may hold spaces and parentheses: fields follow the
	 * last ')'. Field 3 is the state; utime is 14, stime 15, num_threads
	 * 20, starttime 22, rss 24. */
	char *p = strrchr(buf, ')');
	if (!p || tick <= 0)
		return;
	unsigned long long field[32] = {0};
	int i = 3;
	p += 2;
	char *rest;
	for (char *tok = strtok_r(p, " ", &rest); tok && i < 32;
	     tok = strtok_r(NULL, " ", &rest), i++)
		field[i] = strtoull(tok, NULL, 10);
	ps->cpu_seconds = (double)(field[14] + field[15]) / (double)tick;
	ps->threads = (long)field[20];
	ps->rss_bytes = (double)field[24] * (double)page;
	double btime = 0;
	f = fopen("/proc/stat", "r");
	if (f) {
		while (fgets(buf, sizeof buf, f))
			if (strncmp(buf, "btime ", 6) == 0)
				btime = strtod(buf + 6, NULL);
		fclose(f);
	}
	ps->start_time = btime + (double)field[22] / (double)tick;
	DIR *d = opendir("/proc/self/fd");
	if (d) {
		for (struct dirent *e; (e = readdir(d));)
			if (e->d_name[0] != '.')
				ps->open_fds++;
		closedir(d);
		ps->open_fds--; /* the directory stream itself */
	}
	ps->ok = btime > 0;
}

void metrics_render(strbuf_t *out)
{
	size_t used = 0;
	while (used < METRICS_MAX_ROUTES && atomic_load_explicit(&slots[used].name, memory_order_acquire))
		used++;
	const char *names[METRICS_MAX_ROUTES + 1];
	for (size_t i = 0; i < used; i++)
		names[i] = atomic_load(&slots[i].name);
	names[METRICS_MAX_ROUTES] = "other";

	metrics_family(out, "jawnosc_http_requests_total", "counter",
	               "HTTP requests answered, by route name and status class.");
	for (size_t i = 0; i <= METRICS_MAX_ROUTES; i++) {
		if (i == used)
			i = METRICS_MAX_ROUTES;
		for (size_t c = 0; c < 6; c++) {
			unsigned long long n = atomic_load_explicit(&slots[i].by_class[c], memory_order_relaxed);
			/* The usual classes always appear, others only once seen. */
			if (n || (i < used && (c == 2 || c == 4 || c == 5)))
				metrics_sample(out, "jawnosc_http_requests_total", (double)n, "route", names[i],
				               "code", class_names[c], (const char *)NULL);
		}
	}

	metrics_family(out, "jawnosc_http_request_duration_seconds", "histogram",
	               "Time from the request line to the queued response, by route.");
	for (size_t i = 0; i <= METRICS_MAX_ROUTES; i++) {
		if (i == used)
			i = METRICS_MAX_ROUTES;
		unsigned long long per[METRICS_NBUCKETS + 1], total = 0;
		for (size_t b = 0; b <= METRICS_NBUCKETS; b++)
			total += per[b] = atomic_load_explicit(&slots[i].bucket[b], memory_order_relaxed);
		if (i == METRICS_MAX_ROUTES && !total)
			break;
		unsigned long long cum = 0;
		char le[32];
		for (size_t b = 0; b < METRICS_NBUCKETS; b++) {
			cum += per[b];
			snprintf(le, sizeof le, "%g", bucket_le[b]);
			metrics_sample(out, "jawnosc_http_request_duration_seconds_bucket", (double)cum,
			               "route", names[i], "le", le, (const char *)NULL);
		}
		metrics_sample(out, "jawnosc_http_request_duration_seconds_bucket", (double)total,
		               "route", names[i], "le", "+Inf", (const char *)NULL);
		double sum = (double)atomic_load_explicit(&slots[i].sum_us, memory_order_relaxed) / 1e6;
		sb_printf(out, "jawnosc_http_request_duration_seconds_sum{route=\"");
		text_escape(out, names[i], true);
		sb_printf(out, "\"} %.6f\n", sum);
		metrics_sample(out, "jawnosc_http_request_duration_seconds_count", (double)total,
		               "route", names[i], (const char *)NULL);
	}

	struct proc_stat ps;
	read_proc(&ps);
	if (!ps.ok)
		return;
	metrics_one(out, "process_cpu_seconds_total", "counter",
	            "User and system CPU time spent, in seconds.", ps.cpu_seconds);
	metrics_one(out, "process_resident_memory_bytes", "gauge", "Resident memory size in bytes.",
	            ps.rss_bytes);
	metrics_one(out, "process_open_fds", "gauge", "Open file descriptors.", (double)ps.open_fds);
	metrics_one(out, "process_threads", "gauge", "Threads of the process.", (double)ps.threads);
	metrics_family(out, "process_start_time_seconds", "gauge",
	               "Start time of the process since the Unix epoch, in seconds.");
	sb_printf(out, "process_start_time_seconds %.2f\n", ps.start_time);
}

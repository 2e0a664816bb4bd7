/* SPDX-License-Identifier: EUPL-1.2 */
#include "progress.h"

#include <stdio.h>
#include <time.h>

double mono(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void fmt_secs(double s, char *out, size_t n)
{
	if (s < 0 || s > 360000)
		snprintf(out, n, "--:--");
	else if (s >= 3600)
		snprintf(out, n, "%d:%02d:%02d", (int)s / 3600, (int)s / 60 % 60, (int)s % 60);
	else
		snprintf(out, n, "%d:%02d", (int)s / 60, (int)s % 60);
}

void progress_show(struct progress *p, bool force)
{
	double t = mono();
	if (!force && t - p->last < (p->tty ? 0.2 : 10.0))
		return;
	p->last = t;
	double el = t - p->t0;
	double rate = el > 0 ? (double)p->done / el : 0;
	double pct = p->ptotal ? 100.0 * (double)p->pdone / (double)p->ptotal : 100.0;
	double total_pct = p->total ? 100.0 * (double)p->done / (double)p->total : 100.0;
	char eta[16], elapsed[16];
	fmt_secs(rate > 0 ? (double)(p->total - p->done) / rate : -1, eta, sizeof eta);
	fmt_secs(el, elapsed, sizeof elapsed);
	if (p->tty) {
		char bar[31];
		int fill = (int)(total_pct * 30 / 100);
		for (int i = 0; i < 30; i++)
			bar[i] = i < fill ? '#' : '.';
		bar[30] = '\0';
		fprintf(stderr, "\r\033[K[%s] %5.1f%%  %-28s %5.1f%%  %8.0f rows/s  elapsed %s  left %s",
		        bar, total_pct, p->phase, pct, rate, elapsed, eta);
	} else {
		fprintf(stderr, "seed: %5.1f%% (%s %.1f%%), %lld rows, %.0f rows/s, elapsed %s, left %s\n",
		        total_pct, p->phase, pct, p->done, rate, elapsed, eta);
	}
	fflush(stderr);
}

void progress_phase(struct progress *p, const char *phase, long long rows)
{
	p->phase = phase;
	p->pdone = 0;
	p->ptotal = rows;
	progress_show(p, true);
}

void progress_end(struct progress *p)
{
	progress_show(p, true);
	if (p->tty)
		fputc('\n', stderr);
}

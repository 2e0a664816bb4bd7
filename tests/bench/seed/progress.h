/* SPDX-License-Identifier: EUPL-1.2 */
/* Progress on standard error: a bar redrawn five times a second on a
 * terminal, a line every ten seconds otherwise. Rows are counted over all
 * phases (the total is an estimate until the simulation ends) and within
 * the current phase. */
#ifndef SEED_PROGRESS_H
#define SEED_PROGRESS_H

#include <stdbool.h>

struct progress {
	bool tty;
	double t0, last;
	const char *phase;
	long long done, total;   /* rows, all phases */
	long long pdone, ptotal; /* rows, this phase */
};

/* Seconds on the monotonic clock. */
double mono(void);

/* Shows the state when it is time to (`force`: now). */
void progress_show(struct progress *p, bool force);
/* Starts a phase of `rows` rows (0: unknown). */
void progress_phase(struct progress *p, const char *phase, long long rows);
/* The last state, and a line break after the bar. */
void progress_end(struct progress *p);

#endif

/* SPDX-License-Identifier: EUPL-1.2 */
/* The one runner of background work (as Redis's serverCron and PgBouncer's
 * janitor): periodic work is a row of a table {name, period, function},
 * and `serve` starts the table once (the rows live where the services are:
 * cases/jobs.c). No database knowledge here.
 *
 * Each row runs in a lane of its own (one thread), round after round:
 * - a round is one call of `run`; the next one starts `period` after it
 *   ended, at once when it answered JOB_MORE (more work is waiting), or
 *   when jobs_kick() names the job;
 * - two rounds of one job never overlap in this process (one lane each);
 *   several processes coordinate through the database (SKIP LOCKED,
 *   advisory locks), as before;
 * - a round that answers JOB_FAILED is logged (once per run of failures,
 *   and again when the job works once more) and tried again next period;
 * - a slow round (an SMTP server that does not answer) delays only its own
 *   job;
 * - a round may run until jobs_stopping() (the change listener): it then
 *   polls jobs_stopping() or sleeps in jobs_wait().
 * jobs_stop() asks every lane to stop, waits for the rounds in flight (at
 * most JOBS_STOP_GRACE_S seconds in all: a database call stuck on a dead
 * network does not hold up the exit), then runs the final round of the
 * rows flagged JOB_FINAL_ROUND. */
#ifndef JAWNOSC_CORE_JOBS_H
#define JAWNOSC_CORE_JOBS_H

#include <stdbool.h>
#include <stddef.h>

enum job_result {
	JOB_DONE,   /* wait for the next period */
	JOB_MORE,   /* there is more to do: go on at once */
	JOB_FAILED, /* logged; tried again next period */
};

/* The row asks for one more round after the stop (the visits not yet
 * written, for instance). */
#define JOB_FINAL_ROUND 1u
/* The first round comes one period after the start, not at once (work
 * that must not run just because a server started, such as the erasure
 * of data whose time has come: one period in, its clock has been seen
 * working). */
#define JOB_WAIT_FIRST 2u

/* A period of 0: the job runs only when kicked (jobs_kick()). */
#define JOB_ON_DEMAND 0

struct job {
	const char *name;           /* for logs and jobs_kick() */
	long period_ms;             /* between rounds; JOB_ON_DEMAND: only when kicked */
	const long *period_setting; /* when not NULL, the period is this setting (ms), read at start */
	enum job_result (*run)(void);
	unsigned flags; /* JOB_FINAL_ROUND, JOB_WAIT_FIRST */
};

#define JOBS_MAX 20
#define JOBS_STOP_GRACE_S 5

/* Starts one lane per row of `table` (kept, not copied: a static table).
 * False with `err` filled when a lane cannot start (the others are stopped
 * again) or the runner runs already. Call after the signals are blocked. */
bool jobs_start(const struct job *table, size_t n, char *err, size_t errlen);
/* Stops every lane as said above. Safe to call when never started. */
void jobs_stop(void);
/* True once jobs_stop() was called: a long round ends itself, a transfer
 * in progress gives up. */
bool jobs_stopping(void);
/* Sleeps up to `ms` or until the stop; true when stopping. */
bool jobs_wait(long ms);
/* Asks for a round of job `name` now (after the one in flight, if any).
 * Nothing when the runner does not run (a command-line tool, a test). */
void jobs_kick(const char *name);
/* True while the runner runs (between jobs_start() and jobs_stop()). */
bool jobs_running(void);

#endif

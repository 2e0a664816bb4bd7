/* SPDX-License-Identifier: EUPL-1.2 */
#include "core/jobs.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/log.h"

struct lane {
	const struct job *job;
	long period_ms;
	pthread_t thread;
	bool started;
	bool kicked; /* under `mu` */
	bool failing;
};

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv; /* CLOCK_MONOTONIC; signalled by a kick and by the stop */
static pthread_once_t cv_once = PTHREAD_ONCE_INIT;
static struct lane lanes[JOBS_MAX];
static size_t nlanes;
static atomic_bool stopping, running;

bool jobs_stopping(void)
{
	return atomic_load(&stopping);
}

bool jobs_running(void)
{
	return atomic_load(&running);
}

static struct timespec deadline_ms(long ms)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	t.tv_sec += ms / 1000;
	t.tv_nsec += (ms % 1000) * 1000000L;
	if (t.tv_nsec >= 1000000000L) {
		t.tv_sec++;
		t.tv_nsec -= 1000000000L;
	}
	return t;
}

/* Waits for the period (forever when 0), a kick of `l` (NULL: none) or the
 * stop; true when stopping. */
static bool wait_for(struct lane *l, long ms)
{
	struct timespec until = deadline_ms(ms);
	pthread_mutex_lock(&mu);
	while (!atomic_load(&stopping) && !(l && l->kicked)) {
		int e = ms > 0 ? pthread_cond_timedwait(&cv, &mu, &until) : pthread_cond_wait(&cv, &mu);
		if (e == ETIMEDOUT)
			break;
	}
	if (l)
		l->kicked = false;
	bool stop = atomic_load(&stopping);
	pthread_mutex_unlock(&mu);
	return stop;
}

bool jobs_wait(long ms)
{
	if (!atomic_load(&running))
		return atomic_load(&stopping);
	return wait_for(NULL, ms > 0 ? ms : 1);
}

static void round_of(struct lane *l, enum job_result *r)
{
	*r = l->job->run();
	if (*r == JOB_FAILED && !l->failing)
		log_warn("job %s failed; trying again every %ld ms", l->job->name, l->period_ms);
	else if (*r != JOB_FAILED && l->failing)
		log_info("job %s works again", l->job->name);
	l->failing = *r == JOB_FAILED;
}

static void *lane_main(void *arg)
{
	struct lane *l = arg;
	enum job_result r = JOB_DONE;
	/* A job on demand waits for its first kick. */
	bool stop = l->period_ms == JOB_ON_DEMAND          ? wait_for(l, 0)
	            : (l->job->flags & JOB_WAIT_FIRST) != 0 ? wait_for(l, l->period_ms)
	                                                     : false;
	while (!stop) {
		round_of(l, &r);
		if (r == JOB_MORE && !atomic_load(&stopping))
			continue;
		stop = wait_for(l, l->period_ms);
	}
	if (l->job->flags & JOB_FINAL_ROUND)
		round_of(l, &r);
	return NULL;
}

/* Made once and never destroyed: a lane left behind at a stop may still
 * wait on it. */
static void cv_init(void)
{
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&cv, &ca);
	pthread_condattr_destroy(&ca);
}

static void join_all(void)
{
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += JOBS_STOP_GRACE_S;
	for (size_t i = 0; i < nlanes; i++) {
		if (!lanes[i].started)
			continue;
		if (pthread_timedjoin_np(lanes[i].thread, NULL, &until) != 0) {
			log_warn("job %s did not stop within %d s: leaving it", lanes[i].job->name,
			         JOBS_STOP_GRACE_S);
			pthread_detach(lanes[i].thread);
		}
		lanes[i].started = false;
	}
	nlanes = 0;
}

bool jobs_start(const struct job *table, size_t n, char *err, size_t errlen)
{
	if (atomic_load(&running)) {
		snprintf(err, errlen, "the job runner runs already");
		return false;
	}
	if (n > JOBS_MAX) {
		snprintf(err, errlen, "too many jobs (%zu, at most %d)", n, JOBS_MAX);
		return false;
	}
	pthread_once(&cv_once, cv_init);
	atomic_store(&stopping, false);
	atomic_store(&running, true);
	nlanes = n;
	for (size_t i = 0; i < n; i++) {
		struct lane *l = &lanes[i];
		*l = (struct lane){.job = &table[i]};
		l->period_ms = table[i].period_setting ? *table[i].period_setting : table[i].period_ms;
		int e = pthread_create(&l->thread, NULL, lane_main, l);
		if (e != 0) {
			snprintf(err, errlen, "cannot start the job %s: %s", table[i].name, strerror(e));
			jobs_stop();
			return false;
		}
		l->started = true;
	}
	return true;
}

void jobs_stop(void)
{
	if (!atomic_load(&running))
		return;
	pthread_mutex_lock(&mu);
	atomic_store(&stopping, true);
	pthread_cond_broadcast(&cv);
	pthread_mutex_unlock(&mu);
	join_all();
	atomic_store(&running, false);
}

void jobs_kick(const char *name)
{
	if (!atomic_load(&running) || atomic_load(&stopping))
		return;
	pthread_mutex_lock(&mu);
	for (size_t i = 0; i < nlanes; i++)
		if (!strcmp(lanes[i].job->name, name))
			lanes[i].kicked = true;
	pthread_cond_broadcast(&cv);
	pthread_mutex_unlock(&mu);
}

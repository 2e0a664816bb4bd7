/* SPDX-License-Identifier: EUPL-1.2 */
/* The one runner of background work (server/core/jobs.c): rounds at their
 * period, at once after JOB_MORE, on demand when kicked, never two rounds
 * of one job at once, a failing job tried again, a final round at the
 * stop, and a stop that waits for the round in flight. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/jobs.h"

static atomic_int ticks, more_left, demand, fails, finals, in_round, overlap, slow_done, waited;

static enum job_result tick(void)
{
	atomic_fetch_add(&ticks, 1);
	return JOB_DONE;
}

static enum job_result drain(void)
{
	return atomic_fetch_sub(&more_left, 1) > 1 ? JOB_MORE : JOB_DONE;
}

static enum job_result on_demand(void)
{
	if (atomic_fetch_add(&in_round, 1) != 0)
		atomic_store(&overlap, 1);
	usleep(20 * 1000);
	atomic_fetch_add(&demand, 1);
	atomic_fetch_sub(&in_round, 1);
	return JOB_DONE;
}

static enum job_result failing(void)
{
	atomic_fetch_add(&fails, 1);
	return JOB_FAILED;
}

static enum job_result final(void)
{
	if (jobs_stopping())
		atomic_fetch_add(&finals, 1);
	return JOB_DONE;
}

static enum job_result later(void)
{
	atomic_fetch_add(&waited, 1);
	return JOB_DONE;
}

/* A round that lasts until the stop, as the change listener's. */
static enum job_result long_round(void)
{
	while (!jobs_wait(50))
		;
	atomic_store(&slow_done, 1);
	return JOB_DONE;
}

static const long every_20 = 20;
static const struct job table[] = {
    {"tick", 0, &every_20, tick, 0},
    {"drain", 100000, NULL, drain, 0},
    {"demand", JOB_ON_DEMAND, NULL, on_demand, 0},
    {"failing", 20, NULL, failing, 0},
    {"final", 100000, NULL, final, JOB_FINAL_ROUND},
    {"long", 1000, NULL, long_round, 0},
    {"later", 150, NULL, later, JOB_WAIT_FIRST},
};

static void test_rounds_run_at_their_period_and_stop_waits(void **state)
{
	atomic_store(&more_left, 5);
	char err[128];
	assert_true(jobs_start(table, sizeof table / sizeof table[0], err, sizeof err));
	assert_false(jobs_start(table, 1, err, sizeof err)); /* one runner */
	/* JOB_WAIT_FIRST: nothing at the start, a round a period later. */
	usleep(50 * 1000);
	assert_int_equal(atomic_load(&waited), 0);
	usleep(250 * 1000);
	assert_true(atomic_load(&waited) >= 1);
	/* About 15 rounds of 20 ms; the machine is shared, so loosely. */
	assert_true(atomic_load(&ticks) >= 3);
	assert_true(atomic_load(&ticks) <= 20);
	/* JOB_MORE: the next round at once, not 100 s later. */
	assert_int_equal(atomic_load(&more_left), 0);
	/* On demand: nothing until kicked; kicks during a round give one
	 * more round after it, never two at once. */
	assert_int_equal(atomic_load(&demand), 0);
	jobs_kick("demand");
	usleep(5 * 1000);
	jobs_kick("demand");
	jobs_kick("demand");
	usleep(200 * 1000);
	assert_int_equal(atomic_load(&demand), 2);
	assert_int_equal(atomic_load(&overlap), 0);
	/* A failing job is tried again every period. */
	assert_true(atomic_load(&fails) >= 3);
	jobs_stop();
	assert_true(jobs_stopping());
	assert_int_equal(atomic_load(&finals), 1);
	assert_int_equal(atomic_load(&slow_done), 1);
	int after = atomic_load(&ticks);
	usleep(100 * 1000);
	assert_int_equal(atomic_load(&ticks), after);
	jobs_kick("demand"); /* nothing runs now */
	jobs_stop();         /* twice is harmless */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rounds_run_at_their_period_and_stop_waits),
	};
	return cmocka_run_group_tests_name("jobs", tests, NULL, NULL);
}

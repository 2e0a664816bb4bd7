/* SPDX-License-Identifier: EUPL-1.2 */
/* The background work of `serve`, one row each in one table (core/jobs.h
 * runs it): the change listener, the visit counter, the mail, the
 * reminders, the register's statistics. A new job is a row here and a
 * function where its service is. */
#ifndef JAWNOSC_CASES_JOBS_H
#define JAWNOSC_CASES_JOBS_H

#include <stdbool.h>
#include <stddef.h>

#include "core/jobs.h"

extern const struct job service_jobs[];
extern const size_t service_njobs;

/* Checks and readies what the jobs need before anything starts: the mail
 * settings, the change listener (from now on this process's writes leave
 * their notification to it). False with `err` filled: the server then
 * refuses to start; service_jobs_stop() undoes it. */
bool service_jobs_setup(char *err, size_t errlen);
/* Starts the runner with the table; `base_url` (copied) is where the links
 * in reminders go, known once the server listens. */
bool service_jobs_start(const char *base_url, char *err, size_t errlen);
/* Stops the runner (waits for the rounds in flight, writes the last visits,
 * tells the other instances of the last writes) and gives back what the
 * jobs held. */
void service_jobs_stop(void);

#endif

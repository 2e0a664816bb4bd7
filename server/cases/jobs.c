/* SPDX-License-Identifier: EUPL-1.2 */
#include "cases/jobs.h"

#include <stdio.h>

#include "cases/edor_inbox.h"
#include "cases/edoreczenia.h"
#include "cases/filing.h"
#include "cases/imap.h"
#include "cases/inbound_parse.h"
#include "cases/inbound_route.h"
#include "cases/ops.h"
#include "cases/org.h"
#include "cases/outbox.h"
#include "cases/privacy.h"
#include "cases/register.h"
#include "cases/reminders.h"
#include "core/cache.h"
#include "core/config.h"
#include "core/log.h"
#include "db/changes.h"
#include "db/db.h"
#include "edor/client.h"

/* The change listener's round lasts as long as its connection: until the
 * stop, or until the database goes away (then again a second later).
 * LISTEN belongs to a session, so the connection must outlive any short
 * round; and a round that only polled the socket now and then would tell
 * the other instances of this process's writes a period late instead of
 * within 2 ms. Waiting in poll() in a lane of its own costs nothing. */
static enum job_result listen_for_changes(void)
{
	return changes_listen() ? JOB_DONE : JOB_FAILED;
}

/* Memory follows what can still be used: copies past their time go. */
static enum job_result sweep_cache(void)
{
	cache_sweep();
	return JOB_DONE;
}

static enum job_result trim_memory(void)
{
	cache_trim();
	return JOB_DONE;
}

const struct job service_jobs[] = {
    /* name, period (ms), or the setting that holds it, function, flags */
    {"changes", 1000, NULL, listen_for_changes, 0},
    {"visits", 1000, NULL, register_visits_job, JOB_FINAL_ROUND},
    {"cache-sweep", 1000, NULL, sweep_cache, 0},
    {"memory-trim", 60000, NULL, trim_memory, 0},
    {"mail", 0, &cfg.mail_poll_ms, mailer_job, 0},
    {"reminders", 0, &cfg.remind_poll_ms, reminders_job, 0},
    {REGISTER_STATS_JOB, JOB_ON_DEMAND, NULL, register_stats_job, 0},
    {"idempotency-keys", 600000, NULL, filing_keys_job, 0},
    {"retention", 0, &cfg.retention_poll_ms, privacy_retention_job, JOB_WAIT_FIRST},
    {"edoreczenia", 0, &cfg.edor_poll_ms, edoreczenia_job, 0},
    /* Inbound mail stored by `jawnosc mailin` (another process): parsed
     * within two seconds (docs/inbound.md). */
    {"inbound-parse", 2000, NULL, inbound_parse_job, 0},
    {"inbound-route", 0, &cfg.inbound_poll_ms, inbound_route_job, 0},
    {"imap", 0, &cfg.imap_poll_ms, imap_poll_job, 0},
    {"edoreczenia-inbox", 0, &cfg.edor_inbox_poll_ms, edor_inbox_job, 0},
    /* The primary's standbys, kept for /metrics (cases/ops.h). */
    {"replication", OPS_REPLICATION_PERIOD_MS, NULL, ops_replication_job, 0},
};
const size_t service_njobs = sizeof service_jobs / sizeof service_jobs[0];

bool service_jobs_setup(char *err, size_t errlen)
{
	char why[512];
	if (!mailer_setup(why, sizeof why)) {
		snprintf(err, errlen, "mail: %s", why);
		return false;
	}
	if (!edor_setup(why, sizeof why)) {
		snprintf(err, errlen, "e-Doręczenia: %s", why);
		mailer_cleanup();
		return false;
	}
	/* Each organisation's own e-Doręczenia settings, checked now so that an
	 * operator reads a wrong one in the log at start (its dispatches wait;
	 * the others go on). A database not reachable yet: checked at the
	 * first dispatch instead. */
	PGconn *c = db_conn();
	int bad = 0;
	if (c && edoreczenia_check_orgs(c, &bad) && bad)
		log_error("e-Doręczenia: %d organisation(s) with wrong settings (see above)", bad);
	if (!imap_poll_setup(why, sizeof why)) {
		snprintf(err, errlen, "IMAP: %s", why);
		edor_cleanup();
		mailer_cleanup();
		return false;
	}
	/* What the listener hears empties the cache's copies. */
	org_changes_wire();
	if (!changes_start(cfg.database_url)) {
		snprintf(err, errlen, "cannot ready the change listener");
		imap_poll_cleanup();
		edor_cleanup();
		mailer_cleanup();
		return false;
	}
	return true;
}

bool service_jobs_start(const char *base_url, char *err, size_t errlen)
{
	reminders_setup(base_url);
	return jobs_start(service_jobs, service_njobs, err, errlen);
}

void service_jobs_stop(void)
{
	jobs_stop();
	changes_stop();
	imap_poll_cleanup();
	edor_cleanup();
	mailer_cleanup();
}

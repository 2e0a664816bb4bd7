/* What changed in the database, for the page caches (web/pcache.c).
 *
 * A thread LISTENs on the channel jawnosc_changes, where triggers
 * (migrations/0009_changes.sql) send an organisation's id at the commit of
 * anything that changes what its pages show. Each change takes the next
 * number of a process-wide sequence; a copy made from the database is
 * current while nothing of its organisation changed after the number taken
 * before it was read (changes_mark()). While the listener is not connected
 * nothing counts as current; when it connects again, everything older is
 * stale (notifications may have been missed meanwhile).
 *
 * The server's own write transactions (db_transaction()) do not notify
 * through the triggers (migration 0011: a NOTIFY would make every commit
 * in the cluster wait for the one before it to reach the disk). After the
 * commit the organisation the thread wrote for (changes_writer()) is stale
 * here at once, so a user sees what they just did, and the listener tells
 * the other instances from its own connection moments later. */
#ifndef JAWNOSC_DB_CHANGES_H
#define JAWNOSC_DB_CHANGES_H

#include <stdbool.h>
#include <stdint.h>

/* Readies the listener for `url` (a libpq URI): from now on this
 * process's writes leave their notification to it (changes_by_app()).
 * False when out of resources. */
bool changes_start(const char *url);
/* One round of the job "changes" (cases/jobs.c): connects, listens until
 * the connection fails or jobs_stopping(), tells the other instances of
 * this process's writes meanwhile (and the last ones at a stop). True when
 * it ended because of the stop; false when the database could not be
 * reached or the connection was lost (the runner tries again next period). */
bool changes_listen(void);
/* Stops the listener (after the job runner stopped); nothing counts as
 * current afterwards. */
void changes_stop(void);
/* True while the listener is connected and listening. */
bool changes_live(void);

/* The number to keep with a copy, taken before reading the database. */
uint64_t changes_mark(void);
/* True when the listener is live and nothing of organisation `org_id` (nor
 * everything) changed after `mark`. */
bool changes_current(long long org_id, uint64_t mark);

/* Takes in the notifications that have arrived and not been read yet (a
 * reader about to use a copy: another process's change committed just
 * before counts). */
void changes_sync(void);

/* True when the listener is live and no organisation's settings (the
 * organisations and units tables: what struct org holds), nor everything,
 * changed after `mark`. Filings and other case work do not count here, so
 * copies of settings outlive them (cases/org.c). */
bool changes_settings_current(uint64_t mark);
/* Settings changed: the listener hears "settings" from the triggers of
 * migration 0013; a writer in this process calls it after its commit so
 * that its own next request sees the change. */
void changes_settings(void);

/* Organisation `org_id` changed (the listener; tests). */
void changes_org(long long org_id);
/* Everything changed (a reconnect). */
void changes_all(void);

/* True while the listener runs in this process (it tells the others of
 * this process's writes; without it the triggers do). */
bool changes_running(void);
/* The organisation this thread's writes are for from now on (a request's
 * handler sets it; 0: not known, so a write makes everything stale;
 * CHANGES_QUIET: they change nothing a page shows, such as sessions and
 * reminders, and the triggers stay on in case they do after all). */
#define CHANGES_QUIET (-1)
void changes_writer(long long org_id);
/* True when this thread's next write transaction leaves the notification
 * to changes_committed() (jawnosc.app = 'on' for that transaction:
 * SET LOCAL in db_transaction(), set_config() in db_pipeline()). */
bool changes_by_app(void);
/* A write transaction of this thread committed. */
void changes_committed(void);

#endif

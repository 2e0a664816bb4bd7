/* SPDX-License-Identifier: EUPL-1.2 */
/* What changed in the database: LISTEN on the channel jawnosc_changes, and
 * this process's own writes told to the other instances on it.
 *
 * The listener knows tables and keys, not what they mean. A notification's
 * payload is `table:key`, or a bare `key` (table NULL), which is what the
 * triggers of migrations 0009 and 0013 send; each reaches the `heard`
 * function a service registered (cases/org.c turns keys into cache
 * invalidations), and `live` says whether notifications are heard at all:
 * false while the listener is not connected (any could be missed), true
 * once it listens again.
 *
 * The server's own write transactions (db_transaction()) do not notify
 * through the triggers (migration 0011: a NOTIFY would make every commit
 * in the cluster wait for the one before it to reach the disk). After the
 * commit the key the thread wrote for (changes_writer()) reaches `heard`
 * here at once, so a user sees what they just did, and the listener tells
 * the other instances from its own connection moments later (the keys of
 * about 2 ms gathered in one notifying transaction). */
#ifndef JAWNOSC_DB_CHANGES_H
#define JAWNOSC_DB_CHANGES_H

#include <stdbool.h>
#include <stdint.h>

/* `key` NULL: anything may have changed. Called on the listener's thread,
 * a reader's (changes_sync()) or a writer's (changes_committed()). */
typedef void (*changes_heard_fn)(const char *table, const char *key);
typedef void (*changes_live_fn)(bool live);
/* Before changes_start(). */
void changes_set_handler(changes_heard_fn heard, changes_live_fn live);

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
/* Stops the listener (after the job runner stopped); nothing is live
 * afterwards. */
void changes_stop(void);

/* Takes in the notifications that have arrived and not been read yet,
 * unless the listener is reading them itself (a reader about to use a
 * copy: another process's change committed just before counts). */
void changes_sync(void);

/* The key this thread's writes are for from now on (a request's handler
 * or its service sets it: an organisation's id; 0: not known, so a write
 * makes everything stale; CHANGES_QUIET: they change nothing kept, such as
 * sessions and reminders, and the triggers stay on in case they do after
 * all). */
#define CHANGES_QUIET (-1)
void changes_writer(long long key);
/* True when this thread's next write transaction leaves the notification
 * to changes_committed() (jawnosc.app = 'on' for that transaction:
 * SET LOCAL in db_transaction(), set_config() in db_pipeline()). */
bool changes_by_app(void);
/* A write transaction of this thread committed. */
void changes_committed(void);


#endif

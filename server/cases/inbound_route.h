/* Routing a parsed inbound message (issue 19 §2, docs/inbound.md): a
 * reply to one of our letters (reply address, In-Reply-To/References, the
 * case number in the subject from the requester's address) is attached to
 * its case as a "reply_received" event; a bounce of our mail marks what it
 * carried as failed; an auto-reply is put aside; anything else stays 'new'
 * in the incoming queue (/panel/poczta). */
#ifndef JAWNOSC_CASES_INBOUND_ROUTE_H
#define JAWNOSC_CASES_INBOUND_ROUTE_H

#include <libpq-fe.h>

#include "db/db.h"

/* Routes message `id` (parsed_at set, status 'new'), inside the caller's
 * transaction. DB_OK when it was routed or left in the queue. */
enum db_status inbound_route(PGconn *c, long long id);

#endif

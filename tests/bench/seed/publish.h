/* SPDX-License-Identifier: EUPL-1.2 */
/* The register: the publications of the model (sorted by time, ids from
 * m->first_pub on) and their versions, 1.0 and a few 1.1 (ids from
 * m->first_version on, in the order they were published), with the answers
 * the clerk's proposal starts from (register_default_answer()). */
#ifndef SEED_PUBLISH_H
#define SEED_PUBLISH_H

#include <libpq-fe.h>
#include <stdbool.h>

#include "model.h"
#include "progress.h"

bool publish_copy(PGconn *c, struct model *m, struct progress *p, bool freeze);

#endif

/* SPDX-License-Identifier: EUPL-1.2 */
/* The bodies of a deployment, for its operator (`jawnosc org`, docs/
 * operations.md §2.6): create one with the unit that receives its online
 * requests, list them, find one by slug. A body's settings afterwards are
 * the administrator's (admin_settings_get() and admin_settings_save() of
 * cases/admin.h, with the body's id as the actor's organisation), so the
 * command line and /panel/admin/ustawienia check them the same way.
 *
 * Messages are Polish (the settings page's); strings live in ctx->arena. */
#ifndef JAWNOSC_CASES_ORGS_H
#define JAWNOSC_CASES_ORGS_H

#include <stddef.h>

#include "cases/context.h"

/* A new body. Values as typed: name, address (lines), place, email,
 * phone, bip_url and hosts (one a line) are checked as the settings page
 * checks them; slug: 2 to 32 of a-z, 0-9 and "-", not starting with "-";
 * unit and unit_name: the symbol (as case numbers have it) and name of the
 * unit that receives the requests filed online. */
struct orgs_new {
	const char *slug, *name, *address, *place, *email, *phone, *bip_url, *hosts;
	const char *unit, *unit_name;
};

/* Creates the body, its unit and the unit's place as the receiver of
 * online requests in one transaction, with the audit event "org_add"
 * (actor "admin", no account). OUT_INVALID with a message per field
 * ("slug", "name", "address", "place", "email", "phone", "bip_url",
 * "hosts", "unit", "unit_name"); OUT_CONFLICT with the field "slug" (a
 * body has it) or "hosts" (another body lists one of them). *id: the new
 * body's (may be NULL). */
enum outcome orgs_add(const struct svc_ctx *ctx, const struct orgs_new *in, long long *id,
                      struct problem *p);

struct orgs_row {
	const char *slug, *name;
	const char *hosts; /* joined with ", " */
	long long units, cases;
};
/* Every body by slug, with its units and cases counted. */
enum outcome orgs_list(const struct svc_ctx *ctx, struct orgs_row **rows, size_t *n,
                       struct problem *p);

/* The id of the body `slug`; OUT_NOT_FOUND when there is none. */
enum outcome orgs_find(const struct svc_ctx *ctx, const char *slug, long long *id,
                       struct problem *p);

#endif

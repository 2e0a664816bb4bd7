/* SPDX-License-Identifier: EUPL-1.2 */
/* The accessibility declaration of a body's site (deklaracja dostępności:
 * ustawa z dnia 4 kwietnia 2019 r. o dostępności cyfrowej stron
 * internetowych i aplikacji mobilnych podmiotów publicznych, art. 10),
 * from the body's settings (migration 0050, edited in
 * /panel/admin/ustawienia), as /deklaracja-dostepnosci shows it
 * (templates/pages/accessibility.html; the page's service is
 * register_accessibility_page() of cases/register.h). */
#ifndef JAWNOSC_CASES_ACCESSIBILITY_H
#define JAWNOSC_CASES_ACCESSIBILITY_H

#include <libpq-fe.h>
#include <stdbool.h>

#include "core/arena.h"
#include "db/db.h"

struct org;

/* The declaration with its defaults resolved where they come from other
 * data; "" where the template gives its own default wording (the
 * non-accessible content and the exemption when the site is not fully
 * compliant, the contact person, the offices, the applications). Strings
 * live in the arena. */
struct a11y_declaration {
	const char *url;          /* the site: the setting, else `site` of a11y_read() */
	/* "RRRR-MM-DD": the site's publication (else the body's creation in
	 * Warsaw), its last significant update (else the publication), the
	 * declaration's preparation (else the update) and last review (else
	 * the preparation). */
	const char *published_on, *updated_on, *prepared_on, *reviewed_on;
	const char *status;       /* "zgodna", "czesciowo_zgodna", "niezgodna" */
	const char *status_label; /* "zgodna", "częściowo zgodna", "niezgodna" */
	const char *nonaccessible, *exemption, *burden_url;
	bool third_party;         /* examined by a third party, `auditor` */
	const char *auditor;
	/* Who answers requests: the person ("" for the template's), the
	 * e-mail and phone (else the body's). */
	const char *contact_name, *contact_email, *contact_phone;
	const char *architecture, *apps;
};

/* Reads body `o`'s declaration through the public view
 * register_accessibility, in the page's transaction (the role
 * jawnosc_public); `site` is the address of the site when the body names
 * none. *found is false when the body has no row (it was removed). */
enum db_status a11y_read(PGconn *c, arena_t *a, const struct org *o, const char *site,
                         struct a11y_declaration *out, bool *found);

/* The Polish label of a status ("częściowo zgodna"); "" for none such. */
const char *a11y_status_label(const char *status);

#endif

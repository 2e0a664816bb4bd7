/* SPDX-License-Identifier: EUPL-1.2 */
/* The art. 13 GDPR information for requesters (issue 17 §3;
 * docs/privacy.md "Information for requesters (art. 13)"), shown on the
 * filing form and the tracking page. Pure: built from the organisation's
 * settings, no database. Implemented in cases/privacy.c. */
#ifndef JAWNOSC_CASES_PRIVACY_NOTICE_H
#define JAWNOSC_CASES_PRIVACY_NOTICE_H

#include <jansson.h>

struct org;

/* The information of organisation `o` (ORG_SETTINGS, or the joins of
 * ORG_COLUMNS) for templates/partials/privacy_notice.html: controller,
 * address, email, phone, dpo and recipients ("" where the partial gives
 * its default wording), class_public and retention_public, class_reuse
 * and retention_reuse (years after the case closed). A new reference. */
json_t *privacy_notice_json(const struct org *o);

#endif

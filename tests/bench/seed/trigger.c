/* SPDX-License-Identifier: EUPL-1.2 */
#include "trigger.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "when.h"

int trigger_answered_on_time(const struct sim *x)
{
	int best = -1;
	for (int k = 0; k < x->nterms; k++) {
		law_term_kind_t tk = x->terms[k].kind;
		if (!x->terms[k].open &&
		    (tk == LAW_TERM_ANSWER || tk == LAW_TERM_ANSWER_EXTENDED ||
		     tk == LAW_TERM_REUSE_ANSWER || tk == LAW_TERM_REUSE_ANSWER_EXTENDED) &&
		    (best < 0 || x->terms[k].closed_on >= x->terms[best].closed_on))
			best = k;
	}
	if (best < 0)
		return -1;
	const char *st = x->terms[best].state;
	return !strcmp(st, "met") ? 1 : !strcmp(st, "missed") ? 0 : -1;
}

void trigger_events_chain(const unsigned char *prev, size_t prev_len, const struct event_text *e,
                          unsigned char hash[32])
{
	static char payload[16384];
	char at[WHEN_STRLEN];
	fmt_us(e->at_us, true, at);
	/* concat_ws('|', id, org_id, request_id, at in UTC, actor, actor_user_id,
	 * action, from_state, to_state, data::text) */
	int len = snprintf(payload, sizeof payload, "%lld|%lld|%lld|%s|%s|%s|%s|%s|%s|%s", e->id,
	                   e->org_id, e->request_id, at, e->actor, e->user, e->action, e->from, e->to,
	                   e->data);
	if (len < 0 || (size_t)len >= sizeof payload)
		len = (int)sizeof payload - 1; /* cannot happen: data is at most 8 kB */
	crypto_hash_sha256_state st;
	crypto_hash_sha256_init(&st);
	if (prev_len)
		crypto_hash_sha256_update(&st, prev, prev_len);
	crypto_hash_sha256_update(&st, (const unsigned char *)payload, (unsigned long long)len);
	crypto_hash_sha256_final(&st, hash);
}

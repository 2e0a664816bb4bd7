/* SPDX-License-Identifier: EUPL-1.2 */
#include "law/sent.h"

#include <string.h>

const struct law_sent_channel law_sent_channels[] = {
    {"operator",
     "nadane w placówce pocztowej operatora wyznaczonego (Poczta Polska) albo operatora "
     "świadczącego pocztowe usługi powszechne w innym państwie UE",
     true, "KPA art. 57 § 5 pkt 2: liczy się data nadania"},
    {"electronic",
     "wysłane elektronicznie z urzędowym poświadczeniem przedłożenia (UPO, e-Doręczenia)", true,
     "KPA art. 57 § 5 pkt 1: liczy się data wysłania"},
    {"special",
     "złożone u konsula, dowódcy jednostki wojskowej, kapitana statku albo w administracji "
     "zakładu karnego",
     true, "KPA art. 57 § 5 pkt 3–6: liczy się data złożenia"},
    {"courier", "nadane przez firmę kurierską albo innego operatora niż wyznaczony", false,
     "KPA art. 57 § 5 nie obejmuje kuriera: liczy się data wpływu do urzędu"},
    {"in_person", "złożone osobiście w urzędzie", false, "liczy się data złożenia w urzędzie"},
    {NULL, NULL, false, NULL},
};

const struct law_sent_channel *law_sent_channel(const char *id)
{
	for (const struct law_sent_channel *c = law_sent_channels; id && c->id; c++)
		if (!strcmp(c->id, id))
			return c;
	return NULL;
}

law_date_t law_sent_effective(const struct law_sent_channel *ch, law_date_t sent,
                              law_date_t received)
{
	return ch && ch->dispatch_counts && law_date_is_set(sent) ? sent : received;
}

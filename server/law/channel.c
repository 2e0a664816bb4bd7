/* SPDX-License-Identifier: EUPL-1.2 */
#include "law/channel.h"

#include <string.h>

const struct law_channel law_channels[LAW_NCHANNELS + 1] = {
    {"web", "formularz internetowy", "formularz", false},
    {"api", "API", "API", false},
    {"email", "poczta elektroniczna", "e-mail", true},
    {"post", "poczta tradycyjna", "poczta", true},
    {"epuap", "ePUAP / e-Doręczenia", "ePUAP / e-Doręczenia", true},
    {"phone", "telefon", "telefon", true},
    {"in_person", "osobiście", "osobiście", true},
    {NULL, NULL, NULL, false},
};

const struct law_channel *law_channel(const char *id)
{
	for (const struct law_channel *c = law_channels; id && c->id; c++)
		if (!strcmp(c->id, id))
			return c;
	return NULL;
}

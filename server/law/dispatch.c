/* SPDX-License-Identifier: EUPL-1.2 */
/* The rules of dispatch as a table (law/dispatch.h). A new condition on a
 * channel is one row. */
#include "law/dispatch.h"

#include <string.h>

/* ustawa z dnia 18 listopada 2020 r. o doręczeniach elektronicznych */
#define UDE "ustawy o doręczeniach elektronicznych"

/* clang-format off */
const law_dispatch_channel_info_t law_dispatch_channels[LAW_DISPATCH_COUNT] = {
	[LAW_DISPATCH_EDORECZENIA] = {"edoreczenia", "e-Doręczenia (adres do doręczeń elektronicznych)",
	                              "KPA art. 39¹; art. 41, 42 " UDE, true, LAW_LEAVES_AT_SENDING},
	[LAW_DISPATCH_HYBRID_POST] = {"hybrid_post", "publiczna usługa hybrydowa (e-Doręczenia, na papierze)",
	                              "KPA art. 39; publiczna usługa hybrydowa, " UDE, true,
	                              LAW_LEAVES_AT_SENDING},
	[LAW_DISPATCH_REGISTERED_LETTER] = {"registered_letter",
	                                    "list polecony za potwierdzeniem odbioru",
	                                    "KPA art. 39, 42, 44", false, LAW_LEAVES_AT_POSTING},
	[LAW_DISPATCH_EMAIL] = {"email", "poczta elektroniczna (e-mail)",
	                        "UDIP art. 14 ust. 1 (sposób wskazany we wniosku)", true, LAW_LEAVES_AT_DISPATCH},
	[LAW_DISPATCH_TRACKING_PAGE] = {"tracking_page", "strona sprawy (odbiór w serwisie)",
	                                "UDIP art. 14 ust. 1 (sposób wskazany we wniosku)", true, LAW_LEAVES_AT_DISPATCH},
	[LAW_DISPATCH_IN_PERSON] = {"in_person", "odbiór osobisty w siedzibie (za pokwitowaniem)",
	                            "KPA art. 39, 46 §1", false, LAW_LEAVES_AT_HANDOVER},
};

#define CH(x) LAW_DISPATCH_##x
#define IF(x) LAW_DISPATCH_IF_##x

/* Every row of a channel must hold; the first that fails gives the reason. */
const law_dispatch_rule_t law_dispatch_rules[] = {
	{CH(EDORECZENIA), IF(ADE), "no_ade_address",
	 "Wnioskodawca nie ma adresu do doręczeń elektronicznych: e-Doręczenia są możliwe tylko na "
	 "adres wpisany do bazy adresów elektronicznych lub podany przez wnioskodawcę (KPA art. 39¹; "
	 "art. 4 " UDE ")."},
	{CH(HYBRID_POST), IF(NO_ADE), "ade_address_first",
	 "Wnioskodawca ma adres do doręczeń elektronicznych: pismo, od którego doręczenia biegnie "
	 "termin, doręcza się na ten adres przez e-Doręczenia (KPA art. 39¹; art. 4 " UDE ")."},
	{CH(HYBRID_POST), IF(POSTAL), "no_postal_address",
	 "Brak adresu pocztowego wnioskodawcy: usługa hybrydowa doręcza pismo na papierze pod adres "
	 "pocztowy (KPA art. 42 §1)."},
	{CH(REGISTERED_LETTER), IF(NO_ADE), "ade_address_first",
	 "Wnioskodawca ma adres do doręczeń elektronicznych: pismo, od którego doręczenia biegnie "
	 "termin, doręcza się na ten adres przez e-Doręczenia, nie listem (KPA art. 39¹; art. 4 " UDE
	 ")."},
	{CH(REGISTERED_LETTER), IF(POSTAL), "no_postal_address",
	 "Brak adresu pocztowego wnioskodawcy: listu poleconego nie ma dokąd wysłać (KPA art. 42 §1)."},
	{CH(EMAIL), IF(STARTS_NOTHING), "email_cannot_deliver",
	 "E-mail nie doręcza decyzji ani pisma, od którego doręczenia biegnie termin wnioskodawcy: "
	 "doręcza się je przez e-Doręczenia, usługą hybrydową, listem poleconym za potwierdzeniem "
	 "odbioru albo osobiście (KPA art. 39, 39¹; " UDE ")."},
	{CH(EMAIL), IF(CHOSE_EMAIL), "email_not_chosen",
	 "Wnioskodawca nie wybrał doręczenia pocztą elektroniczną albo nie podał adresu e-mail: "
	 "informację udostępnia się w sposób wskazany we wniosku (UDIP art. 14 ust. 1)."},
	{CH(TRACKING_PAGE), IF(STARTS_NOTHING), "page_cannot_deliver",
	 "Strona sprawy nie doręcza decyzji ani pisma, od którego doręczenia biegnie termin "
	 "wnioskodawcy: nie jest adresem do doręczeń elektronicznych (KPA art. 39¹; " UDE ")."},
	{CH(TRACKING_PAGE), IF(CHOSE_PAGE), "page_not_chosen",
	 "Wnioskodawca nie wybrał odbioru pism na stronie sprawy: informację udostępnia się w sposób "
	 "wskazany we wniosku (UDIP art. 14 ust. 1)."},
	/* In person: always, against the requester's dated signature (KPA
	 * art. 46 §1); no row, so nothing refuses it. */
};
const size_t law_dispatch_rule_count = sizeof law_dispatch_rules / sizeof law_dispatch_rules[0];

const law_delivery_rule_t law_delivery_rules[] = {
	{"evidence", "dowód otrzymania z e-Doręczeń (odebranie korespondencji)",
	 "art. 41 ust. 1 pkt 1, art. 42 ust. 1 pkt 1 " UDE, false},
	{"deemed_edoreczenia",
	 "doręczenie uznane: korespondencja nieodebrana z e-Doręczeń w ciągu 14 dni",
	 "art. 41 ust. 1 pkt 3, art. 42 ust. 2 " UDE, true},
	{"return_receipt", "zwrotne potwierdzenie odbioru listu poleconego", "KPA art. 39, 46 §1",
	 false},
	{"deemed_kpa44",
	 "doręczenie zastępcze: list nieodebrany mimo dwukrotnego awizowania, uznany za doręczony "
	 "ostatniego dnia 14-dniowego okresu przechowania",
	 "KPA art. 44 §4", true},
	{"email", "wysłanie pocztą elektroniczną (bez skutku doręczenia decyzji)",
	 "UDIP art. 14 ust. 1", false},
	{"tracking_page", "udostępnienie na stronie sprawy (bez skutku doręczenia decyzji)",
	 "UDIP art. 14 ust. 1", false},
	{"in_person", "odbiór osobisty za pokwitowaniem z datą", "KPA art. 46 §1", false},
	{NULL, NULL, NULL, false},
};
/* clang-format on */

bool law_dispatch_channel_from_id(const char *id, law_dispatch_channel_t *out)
{
	for (int i = 0; id && i < LAW_DISPATCH_COUNT; i++) {
		if (!strcmp(law_dispatch_channels[i].id, id)) {
			*out = (law_dispatch_channel_t)i;
			return true;
		}
	}
	return false;
}

bool law_dispatch_leaves_at_once(law_dispatch_channel_t ch)
{
	return (unsigned)ch < LAW_DISPATCH_COUNT &&
	       law_dispatch_channels[ch].leaves == LAW_LEAVES_AT_DISPATCH;
}

const char *law_dispatch_leaves_label(law_dispatch_channel_t ch)
{
	static const char *const labels[] = {
	    [LAW_LEAVES_AT_DISPATCH] = "w dniu wysłania pisma",
	    [LAW_LEAVES_AT_POSTING] = "w dniu nadania listu w placówce pocztowej (Zapisz nadanie)",
	    [LAW_LEAVES_AT_SENDING] = "w dniu wysłania przez e-Doręczenia",
	    [LAW_LEAVES_AT_HANDOVER] = "w dniu wydania pisma za pokwitowaniem",
	};
	if ((unsigned)ch >= LAW_DISPATCH_COUNT)
		return labels[LAW_LEAVES_AT_DISPATCH];
	return labels[law_dispatch_channels[ch].leaves];
}

const law_delivery_rule_t *law_delivery_rule(const char *id)
{
	for (const law_delivery_rule_t *r = law_delivery_rules; id && r->id; r++)
		if (!strcmp(r->id, id))
			return r;
	return NULL;
}

/* A RECORD_DELIVERY row from `state` that starts a term. */
static bool delivery_starts_from(law_state_t state)
{
	for (size_t i = 0; i < law_transition_count; i++) {
		const law_transition_t *t = &law_transitions[i];
		if (t->action != LAW_ACT_RECORD_DELIVERY || !(t->from & (UINT64_C(1) << state)))
			continue;
		for (int k = 0; k < LAW_ROW_EFFECTS && t->effects[k].term != LAW_TERM_NONE; k++)
			if (t->effects[k].op == LAW_TERM_START)
				return true;
	}
	return false;
}

bool law_dispatch_starts_term(law_document_t doc)
{
	if (doc <= LAW_DOC_NONE || doc >= LAW_DOC_ROWS)
		return true;
	if (law_documents[doc].decision)
		return true;
	/* A letter whose step leaves the case where its delivery starts a window. */
	for (size_t i = 0; i < law_transition_count; i++) {
		const law_transition_t *t = &law_transitions[i];
		if (t->document == doc && t->next != LAW_STATE_SAME && delivery_starts_from(t->next))
			return true;
	}
	return false;
}

static bool holds(law_dispatch_cond_t cond, bool starts, const law_dispatch_situation_t *s)
{
	switch (cond) {
	case LAW_DISPATCH_IF_ADE:
		return s->ade;
	case LAW_DISPATCH_IF_NO_ADE:
		return !starts || !s->ade;
	case LAW_DISPATCH_IF_POSTAL:
		return s->postal;
	case LAW_DISPATCH_IF_STARTS_NOTHING:
		return !starts;
	case LAW_DISPATCH_IF_CHOSE_EMAIL:
		return s->email && s->chose && !strcmp(s->chose, "email");
	case LAW_DISPATCH_IF_CHOSE_PAGE:
		return s->chose && !strcmp(s->chose, "tracking_page");
	}
	return false;
}

/* Whether the channels for a document that starts a term bind this one.
 * The call for the name and address (issue 20 item 12) goes to a requester
 * who gave neither a postal nor an electronic-delivery address: the KPA
 * has no way of delivery to such a person, so the call goes where the
 * request came from (e-mail, the tracking page), as the letters that start
 * nothing do, and its delivery is recorded the day it is sent. */
static bool binding_starts(law_document_t doc, const law_dispatch_situation_t *s)
{
	if (doc == LAW_DOC_IDENTITY_CALL && !s->postal && !s->ade)
		return false;
	return law_dispatch_starts_term(doc);
}

bool law_dispatch_allowed(law_document_t doc, const law_dispatch_situation_t *s,
                          law_dispatch_channel_t ch, law_error_t *why)
{
	law_error_clear(why);
	if ((int)ch < 0 || ch >= LAW_DISPATCH_COUNT)
		return law_fail(why, "unknown_channel", "Nieznany sposób doręczenia.");
	bool starts = binding_starts(doc, s);
	for (size_t i = 0; i < law_dispatch_rule_count; i++) {
		const law_dispatch_rule_t *r = &law_dispatch_rules[i];
		if (r->channel == ch && !holds(r->cond, starts, s))
			return law_fail(why, r->code, "%s", r->reason);
	}
	return true;
}

law_dispatch_channel_t law_dispatch_default(law_document_t doc, const law_dispatch_situation_t *s)
{
	law_dispatch_channel_t order[LAW_DISPATCH_COUNT];
	int n = 0;
	order[n++] = LAW_DISPATCH_EDORECZENIA;
	if (!binding_starts(doc, s)) {
		/* What the requester chose comes first for what starts nothing. */
		if (s->chose && !strcmp(s->chose, "email"))
			order[n++] = LAW_DISPATCH_EMAIL;
		if (s->chose && !strcmp(s->chose, "tracking_page"))
			order[n++] = LAW_DISPATCH_TRACKING_PAGE;
	}
	if (s->service)
		order[n++] = LAW_DISPATCH_HYBRID_POST;
	order[n++] = LAW_DISPATCH_REGISTERED_LETTER;
	for (int i = 0; i < n; i++)
		if (law_dispatch_allowed(doc, s, order[i], NULL))
			return order[i];
	return LAW_DISPATCH_IN_PERSON;
}

law_date_t law_dispatch_deemed_kpa44(law_date_t first_notice)
{
	if (!law_date_in_range(first_notice))
		return LAW_DATE_NONE;
	return law_date_add_days(first_notice, 14);
}

law_date_t law_dispatch_deemed_edoreczenia(law_date_t available)
{
	if (!law_date_in_range(available))
		return LAW_DATE_NONE;
	return law_date_add_days(available, 15);
}

bool law_ade_address_valid(const char *s)
{
	/* AE:PL-NNNNN-NNNNN-XXXXX-NN */
	static const char pattern[] = "AE:PL-nnnnn-nnnnn-xxxxx-nn";
	if (!s || strlen(s) != sizeof pattern - 1)
		return false;
	for (size_t i = 0; pattern[i]; i++) {
		unsigned char c = (unsigned char)s[i];
		if (pattern[i] == 'n' ? !(c >= '0' && c <= '9')
		    : pattern[i] == 'x' ? !(c >= 'A' && c <= 'Z')
		                        : c != (unsigned char)pattern[i])
			return false;
	}
	return true;
}

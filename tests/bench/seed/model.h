/* SPDX-License-Identifier: EUPL-1.2 */
/* The model in memory: what the public bodies, their units and staff, and
 * the requests look like, before anything is simulated or written.
 *
 * M bodies "org-0001" ... (host "<slug>.example"), each with 3-6 units (OR
 * first: it receives online requests) and staff: admin@, sekretarz@ (manager
 * of the whole body), kierownik-<unit>@ and urzednik<n>-<unit>@, all with one
 * password. N requests over the last K months, shared among the bodies by
 * weights log-uniform over about 1:10, more of them lately, by post and in
 * person in office hours on working days; numbered in date order in each
 * unit, class and year. The simulation (sim.c) adds the events and
 * publications; the identifiers come from the tables' sequences (main.c). */
#ifndef SEED_MODEL_H
#define SEED_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cases/auth.h"
#include "law/casenum.h"
#include "law/lifecycle.h"
#include "words.h"

#define SEED_PASSWORD "jawnosc-bench"
#define MAX_UNITS UNIT_KINDS
#define MAX_YEARS 12
#define NO_USER 0xffff
/* The JRWA classes of the two kinds of request, written to every body
 * (organisations.class_public, class_reuse) and used in its case numbers. */
#define CLASS_PUBLIC "1431"
#define CLASS_REUSE "1432"

enum { CH_WEB, CH_API, CH_EMAIL, CH_POST, CH_EPUAP, CH_PHONE, CH_IN_PERSON, CH_COUNT };
extern const char *const channel_ids[CH_COUNT];

struct suser {
	long long id;
	char email[64];
	char name[64];
	const char *position;
	const char *role;
	int unit; /* -1: the whole body */
};

struct sunit {
	long long id;
	const char *symbol;
	const char *name;
	int manager; /* user index */
	int clerk_first, nclerks;
};

struct sorg {
	long long id;
	char slug[16];
	char host[40];
	char name[96];
	const char *place;
	int nunits;
	struct sunit units[MAX_UNITS];
	int nusers;
	struct suser *users;
	int admin, secretary; /* user indexes */
	law_policy_t policy;
	/* The event chain as it is written (events.c). */
	unsigned char chain[32];
	long long last_event;
	/* Case numbers: the last number per unit, kind and year. */
	int counters[MAX_UNITS][2][MAX_YEARS];
};

struct scase {
	int64_t received_at; /* Unix seconds */
	uint64_t seed;
	uint16_t org;
	uint8_t unit, kind, channel, plan; /* kind: 0 public information, 1 re-use */
	uint32_t seq;
	/* After the simulation. */
	uint8_t outcome;   /* the closing state the register shows, or 0 */
	uint8_t basis;     /* words_legal_bases index + 1, or 0 */
	uint16_t assignee; /* user index, or NO_USER */
	int32_t closed_on; /* days, or NO_DAY */
	int64_t last_event_us;
};

/* One event, compact; its JSON is written when events are copied. */
enum { EV_ISSUE = 200, EV_PUBLISH = 201 };
struct sevent {
	int64_t at_us;
	uint32_t case_idx;
	uint8_t action;   /* law_action_t, or EV_* */
	uint8_t from, to; /* law_state_t, 0xff for none */
	uint8_t actor;    /* 0 requester, 1 clerk, 2 manager, 3 admin */
	uint16_t user;    /* user index, or NO_USER */
	uint8_t doc;      /* law_document_t; the seq for EV_ISSUE; the minor version for EV_PUBLISH */
	uint8_t ord;      /* order within the case */
	int32_t date;     /* the step's legal date (days) */
	int32_t aux;      /* extend: the new due date; a decision: its basis; EV_ISSUE: the type */
};

/* A case published in the register: version 1.0, and a few 1.1. */
struct spub {
	int64_t at_us, v2_us; /* 1.0, and 1.1 (0: none) */
	uint32_t case_idx;
	long long doc_id; /* the closing document, or 0 */
	long long id, v1_id, v2_id;
};

/* What a request says besides its subject, and who sent it. */
struct details {
	const char *form;     /* of access asked for; "" for re-use */
	const char *delivery; /* of the answer: email, tracking_page or post */
	char name[96], email[96], addr[160];
	const char *phone;
	char ip[24]; /* "" unless filed online */
};

struct model {
	int norgs;
	struct sorg *orgs;
	size_t ncases;
	struct scase *cases;
	size_t nevents, cap_events;
	struct sevent *events;
	size_t npubs, cap_pubs;
	struct spub *pubs;
	int year_min;
	int32_t today;
	int64_t now;
	long long first_org, first_unit, first_user, first_request, first_term, first_doc,
	    first_delivery, first_event, first_pub, first_version;
	long long nterms, ndocs, ndeliveries, nversions;
	char password_hash[AUTH_HASH_LEN];
	unsigned char *pdf; /* one small PDF for every issued letter */
	size_t pdf_len;
	unsigned char pdf_sha[32];
	char pdf_hex[65];
	long long refused_steps;
	long long refused_by_action[LAW_ACT_COUNT];
	bool has_aot; /* requests.answered_on_time exists */
};

/* A model of `norgs` bodies and `ncases` requests over `months` months up
 * to `now`: the clock, the letter's PDF and the staff's password hash;
 * false when the hash cannot be computed. */
bool model_init(struct model *m, int norgs, size_t ncases, int months, int64_t now);
/* The bodies, units and staff; identifiers from m->first_org, first_unit
 * and first_user on. */
void model_build_orgs(struct model *m, uint64_t seed);
/* The requests: body, unit, kind, channel and time, sorted by time and
 * numbered. Returns the highest case number given. */
int model_build_cases(struct model *m, uint64_t seed, int months);
void model_free(struct model *m);

/* CLASS_PUBLIC or CLASS_REUSE. */
const char *model_class(const struct scase *c);
/* The case number, formatted by the law core (law_casenum_format). */
void model_case_number(const struct model *m, const struct scase *c,
                       char out[LAW_CASENUM_STRLEN]);
void model_subject(const struct scase *c, char *out, size_t n);
/* Filed online by the requester (web form or API), not registered by a clerk. */
bool model_citizen(const struct scase *c);
/* How the case's letters are delivered. */
const char *model_letter_delivery(const struct scase *c);
/* A decision that states its legal basis. */
bool model_decision_with_basis(int action);
/* The request's details and requester, drawn from the case's state `r`. */
void model_details(const struct scase *c, size_t i, uint64_t *r, struct details *d);

/* Room for one more event or publication (zeroed). */
struct sevent *model_add_event(struct model *m);
struct spub *model_add_pub(struct model *m);

#endif

/* SPDX-License-Identifier: EUPL-1.2 */
/* The simulation: one request taken through the law core (law_decide)
 * along its plan (plan.h), step by step, as far as steps dated today or
 * earlier go. What the services would have stored comes out of it: the
 * terms started, met, missed and cancelled with their reasoning, the states,
 * the closing date, the letters (issued, or the last one a draft while the
 * case is open), the deliveries recorded, the events of each step and
 * whether the case is published in the register. Events and publications go
 * into the model (they are written later, sorted by time); the rest stays in
 * the `struct sim` for rows.c to write. */
#ifndef SEED_SIM_H
#define SEED_SIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "law/lifecycle.h"
#include "law/term.h"
#include "model.h"
#include "plan.h"

#define SIM_TERMS 24
#define SIM_DOCS 16
#define SIM_DELIVERIES PLAN_STEPS
/* A letter is issued half an hour after the step that produced it. */
#define ISSUE_AFTER_US (1800 * 1000000LL)

struct term_row {
	law_term_kind_t kind;
	int32_t start, unshifted, due, closed_on;
	int64_t at_us;
	bool open, at_risk;
	const char *state; /* "open", or store_term_end_state() */
	int nsteps;
	char steps[LAW_STEPS_MAX][LAW_STEP_MAX];
};

struct doc_row {
	long long id;
	int seq;
	law_document_t type;
	int64_t at_us;
	int32_t date;
	bool issued;
	uint16_t author;
};

struct delivery_row {
	long long id, doc_id;
	int32_t day;
	uint16_t by; /* user index */
	int64_t at_us;
};

struct sim {
	/* The case. */
	size_t i;
	struct scase *c;
	struct sorg *o;
	struct sunit *un;
	uint64_t r; /* its random state */
	long long request_id;
	law_date_t received;
	int32_t rday;
	uint16_t registrar, clerk;
	uint8_t ord;
	char cn[LAW_CASENUM_STRLEN];
	/* What happened to it. */
	law_state_t state, outcome_state;
	int32_t closed_on;
	int steps;
	int64_t last_us;
	uint8_t basis;
	long long closing_doc;
	int nterms, ndocs, ndeliveries;
	struct delivery_row deliveries[SIM_DELIVERIES];
	struct doc_row docs[SIM_DOCS];
	struct details details;
	struct term_row terms[SIM_TERMS];
	law_outcome_t oc; /* the law core's last answer */
};

/* Takes case i through its plan up to m->today into `x` (the caller's, reused
 * from case to case); adds its events and publication to the model and
 * counts the steps the law core refused. False when even the registration
 * was refused: then the case has no rows. */
bool sim_case(struct model *m, size_t i, struct sim *x);

#endif

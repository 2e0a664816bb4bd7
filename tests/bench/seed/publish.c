/* SPDX-License-Identifier: EUPL-1.2 */
#include "publish.h"

#include <stdio.h>
#include <stdlib.h>

#include "cases/register.h"
#include "copy.h"
#include "core/arena.h"
#include "law/warsaw.h"
#include "when.h"

/* What a version 1.1 adds to the answer. */
#define SECOND_VERSION "Uzupełniono o zestawienie przekazane wnioskodawcy."

/* A version: when, of which publication, 1.0 or 1.1. */
struct vref {
	int64_t at_us;
	uint32_t pub;
	uint8_t minor;
};

static int cmp_pub(const void *a, const void *b)
{
	const struct spub *x = a, *y = b;
	if (x->at_us != y->at_us)
		return x->at_us < y->at_us ? -1 : 1;
	return x->case_idx < y->case_idx ? -1 : x->case_idx > y->case_idx;
}

static int cmp_vref(const void *a, const void *b)
{
	const struct vref *x = a, *y = b;
	if (x->at_us != y->at_us)
		return x->at_us < y->at_us ? -1 : 1;
	return x->pub < y->pub ? -1 : x->pub > y->pub;
}

/* Ids for the publications and their versions; the versions in order of
 * publication into vs (room for two per publication); returns their count. */
static size_t number_versions(struct model *m, struct vref *vs)
{
	qsort(m->pubs, m->npubs, sizeof *m->pubs, cmp_pub);
	size_t nv = 0;
	for (size_t k = 0; k < m->npubs; k++) {
		m->pubs[k].id = m->first_pub + (long long)k;
		vs[nv++] = (struct vref){m->pubs[k].at_us, (uint32_t)k, 0};
		if (m->pubs[k].v2_us)
			vs[nv++] = (struct vref){m->pubs[k].v2_us, (uint32_t)k, 1};
	}
	qsort(vs, nv, sizeof *vs, cmp_vref);
	for (size_t k = 0; k < nv; k++) {
		struct spub *pb = &m->pubs[vs[k].pub];
		if (vs[k].minor)
			pb->v2_id = m->first_version + (long long)k;
		else
			pb->v1_id = m->first_version + (long long)k;
	}
	m->nversions = (long long)nv;
	return nv;
}

static void col_answer(struct sink *s, const struct scase *cs, bool second)
{
	const char *answer = register_default_answer(law_states[cs->outcome].id);
	if (second)
		col_fmt(s, "%s " SECOND_VERSION, answer);
	else
		col_s(s, answer);
}

static void publication_row(const struct model *m, struct sink *s, const struct spub *pb)
{
	const struct scase *cs = &m->cases[pb->case_idx];
	const struct sorg *o = &m->orgs[cs->org];
	char cn[LAW_CASENUM_STRLEN], subject[300];
	model_case_number(m, cs, cn);
	model_subject(cs, subject, sizeof subject);
	law_date_t rec;
	law_warsaw_date(cs->received_at, &rec);
	col_i(s, pb->id);
	col_i(s, o->id);
	col_i(s, m->first_request + pb->case_idx);
	col_s(s, cn);
	col_s(s, cs->kind ? "reuse" : "public_information");
	col_i(s, o->units[cs->unit].id);
	col_day(s, day_of(rec));
	col_i(s, o->users[o->admin].id);
	col_ts(s, pb->at_us);
	col_i(s, pb->v2_id ? pb->v2_id : pb->v1_id);
	col_s(s, pb->v2_id ? "1.1" : "1.0");
	col_ts(s, pb->v2_us ? pb->v2_us : pb->at_us);
	col_s(s, subject);
	col_answer(s, cs, pb->v2_id != 0);
	col_s(s, law_states[cs->outcome].id);
	col_s(s, cs->basis ? words_legal_bases.w[cs->basis - 1] : "");
	/* What events_touch_publication keeps: the case's last event. */
	col_ts(s, cs->last_event_us);
	row_end(s);
}

static void version_row(const struct model *m, struct sink *s, const struct vref *v, long long id)
{
	const struct spub *pb = &m->pubs[v->pub];
	const struct scase *cs = &m->cases[pb->case_idx];
	const struct sorg *o = &m->orgs[cs->org];
	const struct sunit *un = &o->units[cs->unit];
	char cn[LAW_CASENUM_STRLEN], subject[300];
	model_case_number(m, cs, cn);
	model_subject(cs, subject, sizeof subject);
	col_i(s, id);
	col_i(s, pb->id);
	col_i(s, o->id);
	col_i(s, 1);
	col_i(s, v->minor);
	col_fmt(s, "Sprawa %s: %s", cn, subject);
	col_s(s, subject);
	col_answer(s, cs, v->minor);
	col_s(s, law_states[cs->outcome].id);
	col_s(s, cs->basis ? words_legal_bases.w[cs->basis - 1] : "");
	if (pb->doc_id)
		col_fmt(s, "{%lld}", pb->doc_id);
	else
		col_s(s, "{}");
	if (cs->assignee != NO_USER)
		col_fmt(s, "%s, %s", o->users[cs->assignee].name, un->name);
	else
		col_s(s, un->name);
	col_s(s, un->name);
	col_day(s, cs->closed_on);
	col_i(s, o->users[o->admin].id);
	col_s(s, o->users[o->admin].name);
	col_ts(s, v->at_us);
	row_end(s);
}

bool publish_copy(PGconn *c, struct model *m, struct progress *p, bool freeze)
{
	struct vref *vs = xmalloc(sizeof *vs * (m->npubs * 2 + 1));
	size_t nv = number_versions(m, vs);
	progress_phase(p, "publications", (long long)m->npubs);
	struct sink s;
	sk_init(&s, c, NULL, p);
	bool ok = copy_begin(c,
	                     "COPY publications (id, org_id, request_id, case_number, kind, unit_id, "
	                     "received_on, published_by, first_published_at, version_id, version, "
	                     "version_published_at, public_subject, answer, outcome, legal_basis, "
	                     "changed_at) FROM STDIN",
	                     freeze);
	for (size_t k = 0; ok && k < m->npubs; k++)
		publication_row(m, &s, &m->pubs[k]);
	ok = ok && copy_end(&s, "publications");
	progress_phase(p, "publication versions", (long long)nv);
	ok = ok && copy_begin(c,
	                      "COPY publication_versions (id, publication_id, org_id, major, minor, "
	                      "title, public_subject, answer, outcome, legal_basis, document_ids, "
	                      "produced_by, responsible, produced_on, entered_by, entered_by_name, "
	                      "published_at) FROM STDIN",
	                      freeze);
	for (size_t k = 0; ok && k < nv; k++)
		version_row(m, &s, &vs[k], m->first_version + (long long)k);
	ok = ok && copy_end(&s, "publication_versions");
	sk_free(&s);
	free(vs);
	return ok;
}

/* SPDX-License-Identifier: EUPL-1.2 */
#include "model.h"

#include <math.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "law/calendar.h"
#include "law/warsaw.h"
#include "rng.h"
#include "when.h"

const char *const channel_ids[CH_COUNT] = {"web",   "api",   "email",    "post",
                                           "epuap", "phone", "in_person"};

/* A tiny valid PDF, the same for every issued document. */
static void make_pdf(struct model *m)
{
	static const char *objs[] = {
	    "<< /Type /Catalog /Pages 2 0 R >>",
	    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
	    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
	    "/Resources << /Font << /F1 5 0 R >> >> >>",
	    NULL, /* the content stream */
	    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
	};
	const char *content = "BT /F1 12 Tf 72 760 Td (Jawnosc: pismo w sprawie - dane testowe) Tj ET";
	char *out = xmalloc(4096);
	size_t n = 0;
	long offs[6];
	n += (size_t)sprintf(out + n, "%%PDF-1.4\n");
	for (int i = 0; i < 5; i++) {
		offs[i + 1] = (long)n;
		if (objs[i])
			n += (size_t)sprintf(out + n, "%d 0 obj\n%s\nendobj\n", i + 1, objs[i]);
		else
			n += (size_t)sprintf(out + n,
			                     "%d 0 obj\n<< /Length %zu >>\nstream\n%s\nendstream\nendobj\n",
			                     i + 1, strlen(content), content);
	}
	long xref = (long)n;
	n += (size_t)sprintf(out + n, "xref\n0 6\n0000000000 65535 f \n");
	for (int i = 1; i <= 5; i++)
		n += (size_t)sprintf(out + n, "%010ld 00000 n \n", offs[i]);
	n += (size_t)sprintf(out + n, "trailer\n<< /Size 6 /Root 1 0 R >>\nstartxref\n%ld\n%%%%EOF\n",
	                     xref);
	m->pdf = (unsigned char *)out;
	m->pdf_len = n;
	crypto_hash_sha256(m->pdf_sha, m->pdf, n);
	sodium_bin2hex(m->pdf_hex, sizeof m->pdf_hex, m->pdf_sha, 32);
}

bool model_init(struct model *m, int norgs, size_t ncases, int months, int64_t now)
{
	m->norgs = norgs;
	m->ncases = ncases;
	m->now = now;
	law_date_t today, first;
	law_warsaw_date(now, &today);
	m->today = day_of(today);
	law_warsaw_date(now - (int64_t)months * 30 * 86400, &first);
	m->year_min = first.y;
	make_pdf(m);
	return auth_password_hash(SEED_PASSWORD, m->password_hash);
}

void model_free(struct model *m)
{
	if (m->orgs)
		for (int i = 0; i < m->norgs; i++)
			free(m->orgs[i].users);
	free(m->orgs);
	free(m->cases);
	free(m->events);
	free(m->pubs);
	free(m->pdf);
}

/* ---- Bodies, units and staff ------------------------------------------------ */

/* The units' kinds in a body's order: OR first (it receives online
 * requests), the others shuffled. */
static void unit_order(uint64_t *s, int order[MAX_UNITS])
{
	for (int k = 0; k < MAX_UNITS; k++)
		order[k] = k;
	for (int k = MAX_UNITS - 1; k > 1; k--) {
		int j = 1 + (int)rnd(s, (uint32_t)k);
		int t = order[k];
		order[k] = order[j];
		order[j] = t;
	}
}

/* A new member of staff with an e-mail address from `mail_fmt`; returns
 * the user's index. */
static int add_user(struct sorg *o, long long *uid, uint64_t *s, const char *position,
                    const char *role, int unit, const char *mail_fmt, ...)
    __attribute__((format(printf, 7, 8)));
static int add_user(struct sorg *o, long long *uid, uint64_t *s, const char *position,
                    const char *role, int unit, const char *mail_fmt, ...)
{
	struct suser *u = &o->users[o->nusers];
	u->id = (*uid)++;
	va_list ap;
	va_start(ap, mail_fmt);
	vsnprintf(u->email, sizeof u->email, mail_fmt, ap);
	va_end(ap);
	for (char *p = u->email; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	words_person_name(s, u->name, sizeof u->name);
	u->position = position;
	u->role = role;
	u->unit = unit;
	return o->nusers++;
}

static void build_staff(struct sorg *o, const int order[MAX_UNITS], const int clerks[MAX_UNITS],
                        long long *uid, long long *unid, uint64_t *s)
{
	o->admin = add_user(o, uid, s, "Redaktor BIP", "admin", -1, "admin@%s", o->host);
	o->secretary = add_user(o, uid, s, "Sekretarz", "manager", -1, "sekretarz@%s", o->host);
	for (int k = 0; k < o->nunits; k++) {
		struct sunit *u = &o->units[k];
		u->id = (*unid)++;
		u->symbol = unit_kinds[order[k]].symbol;
		u->name = unit_kinds[order[k]].name;
		u->manager = add_user(o, uid, s, "Naczelnik wydziału", "manager", k, "kierownik-%s@%s",
		                      u->symbol, o->host);
		u->clerk_first = o->nusers;
		u->nclerks = clerks[k];
		for (int c = 0; c < clerks[k]; c++)
			add_user(o, uid, s, c % 2 ? "Inspektor" : "Podinspektor", "clerk", k,
			         "urzednik%d-%s@%s", c + 1, u->symbol, o->host);
	}
}

static void build_org(struct model *m, int i, uint64_t *s, long long *uid, long long *unid)
{
	struct sorg *o = &m->orgs[i];
	o->id = m->first_org + i;
	snprintf(o->slug, sizeof o->slug, "org-%04d", i + 1);
	snprintf(o->host, sizeof o->host, "%s.example", o->slug);
	o->place = words_places.w[(uint32_t)i % words_places.n];
	snprintf(o->name, sizeof o->name, "%s %s", pick(s, &words_org_types), o->place);
	o->policy = law_policy_default();
	o->nunits = rrange(s, 3, 6);
	int order[MAX_UNITS], clerks[MAX_UNITS];
	unit_order(s, order);
	int nusers = 2;
	for (int k = 0; k < o->nunits; k++) {
		clerks[k] = k == 0 ? rrange(s, 2, 4) : rrange(s, 1, 3);
		nusers += 1 + clerks[k];
	}
	o->users = xcalloc((size_t)nusers, sizeof *o->users);
	o->nusers = 0;
	build_staff(o, order, clerks, uid, unid, s);
}

void model_build_orgs(struct model *m, uint64_t seed)
{
	uint64_t s = seed ^ 0x6f7267ULL;
	m->orgs = xcalloc((size_t)m->norgs, sizeof *m->orgs);
	long long uid = m->first_user, unid = m->first_unit;
	for (int i = 0; i < m->norgs; i++)
		build_org(m, i, &s, &uid, &unid);
}

/* ---- Requests: which body, when, through which channel ---------------------- */

static int cmp_case(const void *a, const void *b)
{
	const struct scase *x = a, *y = b;
	if (x->received_at != y->received_at)
		return x->received_at < y->received_at ? -1 : 1;
	return x->seed < y->seed ? -1 : x->seed > y->seed;
}

static uint8_t draw_channel(uint64_t *r)
{
	uint32_t ch = rnd(r, 1000);
	return ch < 440   ? CH_WEB
	       : ch < 470 ? CH_API
	       : ch < 720 ? CH_EMAIL
	       : ch < 820 ? CH_POST
	       : ch < 960 ? CH_EPUAP
	       : ch < 980 ? CH_PHONE
	                  : CH_IN_PERSON;
}

/* One request of body `org`, received between `start` and m->now. */
static void draw_case(const struct model *m, struct scase *c, int org, uint64_t *s, int64_t start,
                      int64_t span)
{
	c->seed = sm64(s);
	uint64_t r = c->seed;
	c->org = (uint16_t)org;
	c->kind = rnd(&r, 100) < 8 ? 1 : 0;
	c->channel = draw_channel(&r);
	c->unit = (c->channel == CH_WEB || c->channel == CH_API || rnd(&r, 100) < 40)
	              ? 0
	              : (uint8_t)rnd(&r, (uint32_t)m->orgs[org].nunits);
	/* More requests lately than two years ago. */
	int64_t t = start + (int64_t)((double)span * pow(runit(&r), 0.8));
	if (c->channel == CH_POST || c->channel == CH_IN_PERSON || c->channel == CH_PHONE) {
		/* Office hours on a working day. */
		law_date_t d;
		law_warsaw_date(t, &d);
		law_next_working_day(d, &d);
		t = warsaw_us(day_of(d), 8 * 3600 + (int)rnd(&r, 7 * 3600)) / 1000000;
	}
	if (t > m->now - 60)
		t = m->now - 60 - (int64_t)rnd(&r, 3600);
	c->received_at = t;
	c->assignee = NO_USER;
	c->closed_on = NO_DAY;
}

/* Case numbers follow the dates in each unit, class and year. */
static int number_cases(struct model *m)
{
	int highest = 0;
	for (size_t i = 0; i < m->ncases; i++) {
		struct scase *c = &m->cases[i];
		law_date_t d;
		law_warsaw_date(c->received_at, &d);
		int y = d.y - m->year_min;
		if (y < 0)
			y = 0;
		if (y >= MAX_YEARS)
			y = MAX_YEARS - 1;
		c->seq = (uint32_t)++m->orgs[c->org].counters[c->unit][c->kind][y];
		if ((int)c->seq > highest)
			highest = (int)c->seq;
	}
	return highest;
}

int model_build_cases(struct model *m, uint64_t seed, int months)
{
	uint64_t s = seed ^ 0x63617365ULL;
	/* Bodies differ in size: weights log-uniform over about 1:10. */
	double *w = xmalloc(sizeof *w * (size_t)m->norgs), sum = 0;
	for (int i = 0; i < m->norgs; i++)
		sum += (w[i] = exp(runit(&s) * 2.3 - 1.15));
	m->cases = xcalloc(m->ncases, sizeof *m->cases);
	size_t k = 0;
	int64_t span = (int64_t)months * 30 * 86400;
	double cum = 0;
	for (int i = 0; i < m->norgs; i++) {
		/* Shares rounded cumulatively: the counts add up to N exactly. */
		cum += w[i];
		size_t upto = i == m->norgs - 1 ? m->ncases
		                                : (size_t)llround((double)m->ncases * cum / sum);
		for (; k < upto; k++)
			draw_case(m, &m->cases[k], i, &s, m->now - span, span);
	}
	free(w);
	qsort(m->cases, m->ncases, sizeof *m->cases, cmp_case);
	return number_cases(m);
}

/* ---- What a request says ---------------------------------------------------- */

const char *model_class(const struct scase *c)
{
	return c->kind ? CLASS_REUSE : CLASS_PUBLIC;
}

void model_case_number(const struct model *m, const struct scase *c, char out[LAW_CASENUM_STRLEN])
{
	law_date_t d;
	law_warsaw_date(c->received_at, &d);
	law_error_t err;
	/* Valid by construction: the units' symbols and classes are ours and
	 * main.c refuses more cases than a unit may number in a year. */
	law_casenum_format(m->orgs[c->org].units[c->unit].symbol, model_class(c), (int)c->seq, d.y,
	                   out, LAW_CASENUM_STRLEN, &err);
}

void model_subject(const struct scase *c, char *out, size_t n)
{
	uint64_t r = c->seed ^ 0x5375626aULL;
	law_date_t d;
	law_warsaw_date(c->received_at, &d);
	int year = d.y - (int)rnd(&r, 3);
	const char *t = pick(&r, &words_topics), *sc = pick(&r, &words_scopes);
	if (c->kind)
		snprintf(out, n, "Dane do ponownego wykorzystania: %s%s (%d)", t, sc, year);
	else if (rnd(&r, 3))
		snprintf(out, n, "%s%s w %d r.", t, sc, year);
	else
		snprintf(out, n, "%s%s za lata %d-%d", t, sc, year - 2, year);
}

bool model_citizen(const struct scase *c)
{
	return c->channel == CH_WEB || c->channel == CH_API;
}

const char *model_letter_delivery(const struct scase *c)
{
	static const char *const deliveries[] = {"email", "post", "tracking_page"};
	return deliveries[c->seed % 3];
}

bool model_decision_with_basis(int action)
{
	return action == LAW_ACT_REFUSE || action == LAW_ACT_PROVIDE_PARTLY ||
	       action == LAW_ACT_DISCONTINUE || action == LAW_ACT_DECIDE_CONDITIONS;
}

/* The requester: a person (sometimes anonymous) or an organisation. */
static void draw_requester(const struct scase *c, size_t i, uint64_t *r, struct details *d)
{
	d->name[0] = d->email[0] = d->addr[0] = '\0';
	uint32_t who = rnd(r, 100);
	if (who < 20)
		snprintf(d->name, sizeof d->name, "%s", pick(r, &words_requester_orgs));
	else if (who < 88 || c->kind)
		words_person_name(r, d->name, sizeof d->name);
	if (strcmp(d->delivery, "email") == 0 || rnd(r, 2))
		snprintf(d->email, sizeof d->email, "wnioskodawca%zu@example.pl", i + 1);
	if (strcmp(d->delivery, "post") == 0 || c->kind) {
		/* Drawn from the end, the order the data of a given --seed has
		 * always had. */
		const char *town = pick(r, &words_places);
		int zip2 = rrange(r, 0, 999), zip1 = rrange(r, 0, 99);
		int flat = rrange(r, 1, 40), no = rrange(r, 1, 120);
		snprintf(d->addr, sizeof d->addr, "ul. %s %d/%d, %02d-%03d %s", pick(r, &words_streets),
		         no, flat, zip1, zip2, town);
	}
	d->phone = rnd(r, 10) ? "" : "+48 600 100 200";
}

void model_details(const struct scase *c, size_t i, uint64_t *r, struct details *d)
{
	d->form = c->kind ? "" : pick(r, &words_forms);
	uint32_t dl = rnd(r, 100);
	d->delivery = c->channel == CH_POST ? "post"
	              : dl < 75             ? "email"
	              : dl < 90             ? "tracking_page"
	                                    : "post";
	draw_requester(c, i, r, d);
	d->ip[0] = '\0';
	if (model_citizen(c)) {
		/* From the end too. */
		int o4 = 1 + (int)rnd(r, 254), o3 = (int)rnd(r, 256), o2 = (int)rnd(r, 256);
		snprintf(d->ip, sizeof d->ip, "%d.%d.%d.%d", 80 + (int)rnd(r, 120), o2, o3, o4);
	}
}

/* ---- Growing arrays ---------------------------------------------------------- */

struct sevent *model_add_event(struct model *m)
{
	if (m->nevents == m->cap_events) {
		m->cap_events = m->cap_events ? m->cap_events * 2 : 1 << 20;
		m->events = xrealloc(m->events, m->cap_events * sizeof *m->events);
	}
	struct sevent *e = &m->events[m->nevents++];
	memset(e, 0, sizeof *e);
	e->from = e->to = 0xff;
	e->user = NO_USER;
	return e;
}

struct spub *model_add_pub(struct model *m)
{
	if (m->npubs == m->cap_pubs) {
		m->cap_pubs = m->cap_pubs ? m->cap_pubs * 2 : 1 << 18;
		m->pubs = xrealloc(m->pubs, m->cap_pubs * sizeof *m->pubs);
	}
	struct spub *p = &m->pubs[m->npubs++];
	memset(p, 0, sizeof *p);
	return p;
}

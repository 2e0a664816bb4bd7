/* SPDX-License-Identifier: EUPL-1.2 */
#include "bodies.h"

#include "copy.h"
#include "sql.h"

static void organisation_row(struct sink *s, const struct sorg *o, int i)
{
	const char *street = words_streets.w[(uint32_t)i % words_streets.n];
	col_i(s, o->id);
	col_s(s, o->slug);
	col_s(s, o->name);
	col_fmt(s, "ul. %s %d, 00-%03d %s", street, 1 + i % 40, i % 1000, o->place);
	col_s(s, o->place);
	col_fmt(s, "sekretariat@%s", o->host);
	col_fmt(s, "+48 22 %03d %02d %02d", 100 + i % 900, i % 100, (i * 7) % 100);
	col_fmt(s, "https://%s/bip", o->host);
	col_fmt(s, "{%s}", o->host);
	col_i(s, o->units[0].id);
	col_fmt(s, "%s\nul. %s %d", o->name, street, 1 + i % 40);
	col_s(s, o->users[o->secretary].name);
	col_s(s, "Sekretarz");
	col_s(s, CLASS_PUBLIC);
	col_s(s, CLASS_REUSE);
	row_end(s);
}

static void user_row(struct sink *s, const struct model *m, const struct sorg *o,
                     const struct suser *u)
{
	col_i(s, u->id);
	col_i(s, o->id);
	col_id(s, u->unit >= 0 ? o->units[u->unit].id : 0);
	col_s(s, u->email);
	col_s(s, u->name);
	col_s(s, u->position);
	col_s(s, u->role);
	col_s(s, m->password_hash);
	row_end(s);
}

bool bodies_copy(PGconn *c, const struct model *m, struct progress *p)
{
	struct sink s;
	sk_init(&s, c, NULL, p);
	bool ok = copy_begin(c,
	                     "COPY organisations (id, slug, name, address, place, email, phone, "
	                     "bip_url, hosts, web_unit_id, letterhead, signer_name, signer_position, "
	                     "class_public, class_reuse) FROM STDIN",
	                     false);
	for (int i = 0; ok && i < m->norgs; i++)
		organisation_row(&s, &m->orgs[i], i);
	ok = ok && copy_end(&s, "organisations");
	ok = ok && copy_begin(c, "COPY units (id, org_id, symbol, name) FROM STDIN", false);
	for (int i = 0; ok && i < m->norgs; i++)
		for (int k = 0; k < m->orgs[i].nunits; k++) {
			col_i(&s, m->orgs[i].units[k].id);
			col_i(&s, m->orgs[i].id);
			col_s(&s, m->orgs[i].units[k].symbol);
			col_s(&s, m->orgs[i].units[k].name);
			row_end(&s);
		}
	ok = ok && copy_end(&s, "units");
	ok = ok && copy_begin(c,
	                      "COPY users (id, org_id, unit_id, email, name, position, role, "
	                      "password_hash) FROM STDIN",
	                      false);
	for (int i = 0; ok && i < m->norgs; i++)
		for (int k = 0; k < m->orgs[i].nusers; k++)
			user_row(&s, m, &m->orgs[i], &m->orgs[i].users[k]);
	ok = ok && copy_end(&s, "users");
	sk_free(&s);
	/* Statistics before the rows that refer to these are checked. */
	return ok && run(c, "ANALYZE organisations, units, users");
}

bool bodies_copy_counters(PGconn *c, const struct model *m)
{
	struct sink s;
	sk_init(&s, c, NULL, NULL);
	bool ok = copy_begin(c, "COPY case_counters (unit_id, class, year, last) FROM STDIN", false);
	for (int i = 0; ok && i < m->norgs; i++)
		for (int u = 0; u < m->orgs[i].nunits; u++)
			for (int k = 0; k < 2; k++)
				for (int y = 0; y < MAX_YEARS; y++)
					if (m->orgs[i].counters[u][k][y]) {
						col_i(&s, m->orgs[i].units[u].id);
						col_s(&s, k ? CLASS_REUSE : CLASS_PUBLIC);
						col_i(&s, m->year_min + y);
						col_i(&s, m->orgs[i].counters[u][k][y]);
						row_end(&s);
					}
	ok = ok && copy_end(&s, "case_counters");
	sk_free(&s);
	return ok;
}

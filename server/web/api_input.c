/* SPDX-License-Identifier: EUPL-1.2 */
#include "web/api_input.h"

#include <string.h>

/* A member that must be a string when present: NULL when absent, and an
 * error when it has another type. */
static const char *member(json_t *obj, const char *key, const char *field,
                          struct filing_errors *errs)
{
	json_t *v = obj ? json_object_get(obj, key) : NULL;
	if (!v || json_is_null(v))
		return NULL;
	if (!json_is_string(v)) {
		if (errs->n < FILING_MAX_ERRORS) {
			errs->e[errs->n].field = field;
			errs->e[errs->n].message = "Wartość musi być tekstem.";
			errs->n++;
		}
		return NULL;
	}
	const char *s = json_string_value(v);
	/* jansson accepts \u0000 only with JSON_ALLOW_NUL; check anyway. */
	return strlen(s) == json_string_length(v) ? s : NULL;
}

/* Request fields use the API's names; the messages name them the same way. */
const char *api_field_name(const char *form_field)
{
	static const struct {
		const char *form, *api;
	} map[] = {{"name", "requester.name"},
	           {"email", "requester.email"},
	           {"postal_address", "requester.postal_address"},
	           {"phone", "requester.phone"},
	           {"ade_address", "requester.ade_address"},
	           {"content", "content"},
	           {"attachment", "attachments"}};
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		if (!strcmp(map[i].form, form_field))
			return map[i].api;
	return form_field;
}

void api_filing_members(json_t *body, struct filing_input *in, struct filing_errors *type_errs)
{
	type_errs->n = 0;
	json_t *who = json_object_get(body, "requester");
	if (who && !json_is_object(who) && !json_is_null(who)) {
		type_errs->e[type_errs->n].field = "requester";
		type_errs->e[type_errs->n++].message = "Pole requester musi być obiektem.";
		who = NULL;
	}
	in->kind = member(body, "kind", "kind", type_errs);
	in->subject = member(body, "subject", "subject", type_errs);
	in->content = member(body, "content", "content", type_errs);
	in->form = member(body, "form", "form", type_errs);
	in->delivery = member(body, "delivery", "delivery", type_errs);
	in->purpose = member(body, "purpose", "purpose", type_errs);
	in->format = member(body, "format", "format", type_errs);
	in->manner = member(body, "manner", "manner", type_errs);
	/* Issue 20 item 11: standing access (UOD art. 39 ust. 2), a boolean. */
	json_t *standing = json_object_get(body, "standing");
	if (standing && !json_is_boolean(standing) && !json_is_null(standing) &&
	    type_errs->n < FILING_MAX_ERRORS) {
		type_errs->e[type_errs->n].field = "standing";
		type_errs->e[type_errs->n++].message = "Pole standing musi mieć wartość true albo false.";
	}
	in->standing = json_is_true(standing) ? "1" : "";
	in->name = member(who, "name", "requester.name", type_errs);
	in->email = member(who, "email", "requester.email", type_errs);
	in->postal_address = member(who, "postal_address", "requester.postal_address", type_errs);
	in->phone = member(who, "phone", "requester.phone", type_errs);
	in->ade_address = member(who, "ade_address", "requester.ade_address", type_errs);
}

bool api_filing_decode(arena_t *a, json_t *body, struct filing_input *in,
                       struct filing_errors *errs)
{
	struct filing_errors type_errs = {0};
	api_filing_members(body, in, &type_errs);
	struct filing_errors found = {0};
	*errs = type_errs;
	filing_validate(a, in, &found);
	/* A member of the wrong type is reported once, as such. */
	for (int i = 0; i < found.n && errs->n < FILING_MAX_ERRORS; i++) {
		const char *field = api_field_name(found.e[i].field);
		if (!filing_error_for(&type_errs, field)) {
			errs->e[errs->n].field = field;
			errs->e[errs->n++].message = found.e[i].message;
		}
	}
	return errs->n == 0;
}

enum outcome api_filing_read(arena_t *a, json_t *body, struct filing_input *in, struct problem *p)
{
	struct filing_errors errs;
	if (api_filing_decode(a, body, in, &errs))
		return OUT_OK;
	filing_problem(&errs, p);
	if (p)
		p->message = "Popraw pola wymienione w errors.";
	return OUT_INVALID;
}

/* An optional string member: false (with the field's message) when it is
 * there and not a string or null. */
static bool optional_string(json_t *body, const char *key, const char **out, struct problem *p)
{
	json_t *v = json_object_get(body, key);
	*out = json_is_string(v) ? json_string_value(v) : NULL;
	if (!v || json_is_string(v) || json_is_null(v))
		return true;
	problem_field(p, key, "Pole musi być tekstem.");
	return false;
}

enum outcome api_step_decode(json_t *body, struct track_step *step, struct problem *p)
{
	enum outcome o = api_action_decode(body, &step->text, &step->version, p);
	bool ok = optional_string(body, "name", &step->name, p);
	ok &= optional_string(body, "postal_address", &step->postal_address, p);
	return o == OUT_OK && ok ? OUT_OK : OUT_INVALID;
}

enum outcome api_action_decode(json_t *body, const char **text, long *version, struct problem *p)
{
	json_t *t = json_object_get(body, "text"), *v = json_object_get(body, "version");
	bool text_ok = !t || json_is_string(t) || json_is_null(t), version_ok = !v || json_is_integer(v);
	if (!text_ok)
		problem_field(p, "text", "Pole text musi być tekstem.");
	if (!version_ok)
		problem_field(p, "version", "Pole version musi być liczbą całkowitą.");
	if (!text_ok || !version_ok)
		return OUT_INVALID;
	*text = json_is_string(t) ? json_string_value(t) : NULL;
	*version = v ? (long)json_integer_value(v) : -1;
	return OUT_OK;
}

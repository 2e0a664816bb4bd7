/* SPDX-License-Identifier: EUPL-1.2 */
#include "cases/scope.h"

#include <string.h>

long long scope_unit(const struct actor *who)
{
	/* An administrator manages the whole organisation, whatever unit the
	 * account was given. */
	if (!who || !who->role || !strcmp(who->role, "admin"))
		return 0;
	return who->unit_id > 0 ? who->unit_id : 0;
}

/* SPDX-License-Identifier: EUPL-1.2 */
#include "when.h"

#include <stdio.h>

#include "law/warsaw.h"

int64_t warsaw_us(int32_t day, int secs_of_day)
{
	int64_t local = (int64_t)day * 86400 + secs_of_day;
	int off = law_warsaw_offset(local - 3600);
	return (local - off) * 1000000;
}

void fmt_day(int32_t days, char out[LAW_DATE_STRLEN])
{
	law_date_format(law_date_from_days(days), out);
}

int fmt_us(int64_t us, bool iso, char out[WHEN_STRLEN])
{
	int64_t secs = us / 1000000, frac = us % 1000000;
	if (frac < 0) {
		frac += 1000000;
		secs--;
	}
	int64_t days = secs / 86400, rem = secs % 86400;
	if (rem < 0) {
		rem += 86400;
		days--;
	}
	law_date_t d = law_date_from_days((int32_t)days);
	return snprintf(out, WHEN_STRLEN, "%04d-%02d-%02d%c%02d:%02d:%02d.%06d%s", d.y, d.m, d.d,
	                iso ? 'T' : ' ', (int)(rem / 3600), (int)(rem / 60 % 60), (int)(rem % 60),
	                (int)frac, iso ? "Z" : "+00");
}

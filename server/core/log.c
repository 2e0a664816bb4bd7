/* SPDX-License-Identifier: EUPL-1.2 */
#include "core/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "core/strbuf.h"

static enum log_level min_level = LOG_INFO;

void log_set_level(const char *name)
{
	static const char *names[] = {"debug", "info", "warn", "error"};
	for (int i = 0; i < 4; i++)
		if (name && strcasecmp(name, names[i]) == 0)
			min_level = (enum log_level)i;
}

void log_timestamp(char *buf, unsigned long len)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	struct tm tm;
	gmtime_r(&ts.tv_sec, &tm);
	char base[24];
	strftime(base, sizeof base, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf, len, "%s.%03ldZ", base, ts.tv_nsec / 1000000);
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	static const char *names[] = {"debug", "info", "warn", "error"};
	if (level < min_level)
		return;
	char msg[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	char ts[32];
	log_timestamp(ts, sizeof ts);
	strbuf_t sb;
	sb_init(&sb, NULL);
	sb_printf(&sb, "{\"ts\":\"%s\",\"level\":\"%s\",\"msg\":\"", ts, names[level]);
	sb_json_escape(&sb, msg, strlen(msg));
	sb_puts(&sb, "\"}\n");
	fputs(sb.data, stderr);
	sb_free(&sb);
}

/* SPDX-License-Identifier: EUPL-1.2 */
/* Structured logs: one JSON object per line on standard error, so that
 * journald, Loki or jq can read them. Thread-safe (one fprintf per line). */
#ifndef JAWNOSC_CORE_LOG_H
#define JAWNOSC_CORE_LOG_H

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };

void log_set_level(const char *name);
void log_msg(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARN, __VA_ARGS__)
#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)

/* Current time as "2026-11-26T02:49:03.123Z" into buf (at least 32 bytes). */
void log_timestamp(char *buf, unsigned long len);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * log.h - leveled logging to stderr (or a file), safe from any thread.
 *
 * Each message is formatted into one buffer and written with a single
 * write(2), so lines from the HTTP threads never interleave with the loop's.
 */
#ifndef PXED_LOG_H
#define PXED_LOG_H

#include <stdarg.h>
#include <stdbool.h>

enum log_level {
	LOG_LEVEL_ERROR,
	LOG_LEVEL_WARN,
	LOG_LEVEL_INFO,
	LOG_LEVEL_DEBUG,
};

void log_set_level(enum log_level level);
enum log_level log_get_level(void);
bool log_enabled(enum log_level level);

void log_msg(enum log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void log_vmsg(enum log_level level, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

#define log_error(...) log_msg(LOG_LEVEL_ERROR, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_LEVEL_WARN, __VA_ARGS__)
#define log_info(...) log_msg(LOG_LEVEL_INFO, __VA_ARGS__)
#define log_debug(...)                                                        \
	do {                                                                  \
		if (log_enabled(LOG_LEVEL_DEBUG))                             \
			log_msg(LOG_LEVEL_DEBUG, __VA_ARGS__);                \
	} while (0)

/*
 * A per-call-site limiter for messages that outside input can trigger:
 * at most `burst` lines per second, then one line saying how many were
 * suppressed. Keeps a flood of malformed packets from flooding the log.
 */
struct log_ratelimit {
	long window;         /* second the counts belong to */
	unsigned printed;
	unsigned suppressed;
};

bool log_ratelimit_pass(struct log_ratelimit *rl, unsigned burst);

#define log_limited(level, ...)                                               \
	do {                                                                  \
		static struct log_ratelimit rl_;                              \
		if (log_enabled(level) && log_ratelimit_pass(&rl_, 10))       \
			log_msg(level, __VA_ARGS__);                          \
	} while (0)

#endif

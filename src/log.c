/* SPDX-License-Identifier: MIT */
/* log.c - see log.h */
#include "log.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static _Atomic int current_level = LOG_LEVEL_INFO;

static const char *const level_names[] = {
	[LOG_LEVEL_ERROR] = "error",
	[LOG_LEVEL_WARN] = "warning",
	[LOG_LEVEL_INFO] = "info",
	[LOG_LEVEL_DEBUG] = "debug",
};

void log_set_level(enum log_level level)
{
	atomic_store(&current_level, level);
}

enum log_level log_get_level(void)
{
	return atomic_load(&current_level);
}

bool log_enabled(enum log_level level)
{
	return (int)level <= atomic_load(&current_level);
}

void log_vmsg(enum log_level level, const char *fmt, va_list ap)
{
	char line[2048];
	struct timespec ts;
	struct tm tm;
	size_t n;
	int r;

	if (!log_enabled(level))
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	n = strftime(line, sizeof(line), "%Y-%m-%dT%H:%M:%S", &tm);
	r = snprintf(line + n, sizeof(line) - n, ".%03ldZ %s: ",
		     ts.tv_nsec / 1000000, level_names[level]);
	n += r > 0 ? (size_t)r : 0;
	r = vsnprintf(line + n, sizeof(line) - n, fmt, ap);
	if (r > 0)
		n += (size_t)r < sizeof(line) - n ? (size_t)r : sizeof(line) - n - 1;
	line[n++] = '\n';
	/* One write per line keeps concurrent writers from interleaving. */
	if (write(STDERR_FILENO, line, n) < 0)
		return;
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(level, fmt, ap);
	va_end(ap);
}

/* A call site's counts are shared by the threads that pass it (TFTP's,
 * HTTP's): one lock for all, taken only where a message is due. */
static pthread_mutex_t ratelimit_lock = PTHREAD_MUTEX_INITIALIZER;

bool log_ratelimit_pass(struct log_ratelimit *rl, unsigned burst)
{
	struct timespec ts;
	unsigned suppressed = 0;
	bool pass;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	pthread_mutex_lock(&ratelimit_lock);
	if (ts.tv_sec != rl->window) {
		suppressed = rl->suppressed;
		rl->window = ts.tv_sec;
		rl->printed = 0;
		rl->suppressed = 0;
	}
	pass = rl->printed < burst;
	if (pass)
		rl->printed++;
	else
		rl->suppressed++;
	pthread_mutex_unlock(&ratelimit_lock);
	if (suppressed)
		log_msg(LOG_LEVEL_INFO, "%u similar messages suppressed",
			suppressed);
	return pass;
}

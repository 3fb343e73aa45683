/*
 * log.c - the one log of aiwgfs: stderr in the foreground, syslog detached.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <syslog.h>
#include <time.h>

#include "aiwgfs/log.h"

static enum log_level log_level = LOG_LEVEL_WARNING;
static bool log_syslog;
static const char *log_prefix = "aiwgfs";

void log_set_level(enum log_level level)
{
	log_level = level;
}

enum log_level log_get_level(void)
{
	return log_level;
}

void log_to_syslog(void)
{
	openlog("aiwgfs", LOG_PID | LOG_NDELAY, LOG_DAEMON);
	log_syslog = true;
}

void log_set_prefix(const char *prefix)
{
	log_prefix = prefix;
}

static const char *const level_names[] = {
	[LOG_LEVEL_ERROR] = "error",
	[LOG_LEVEL_WARNING] = "warning",
	[LOG_LEVEL_INFO] = "info",
	[LOG_LEVEL_DEBUG] = "debug",
};

static const int syslog_priority[] = {
	[LOG_LEVEL_ERROR] = LOG_ERR,
	[LOG_LEVEL_WARNING] = LOG_WARNING,
	[LOG_LEVEL_INFO] = LOG_INFO,
	[LOG_LEVEL_DEBUG] = LOG_DEBUG,
};

static void log_vmsg(enum log_level level, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

static void log_vmsg(enum log_level level, const char *fmt, va_list ap)
{
	char line[2048];

	if (level > log_level)
		return;
	vsnprintf(line, sizeof(line), fmt, ap);
	if (log_syslog) {
		syslog(syslog_priority[level], "%s: %s", level_names[level],
		       line);
		return;
	}
	if (log_prefix)
		fprintf(stderr, "%s: %s: %s\n", log_prefix, level_names[level],
			line);
	else
		fprintf(stderr, "%s: %s\n", level_names[level], line);
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(level, fmt, ap);
	va_end(ap);
}

#define LIMIT_SLOTS 64

static struct {
	const void *key;
	time_t last;
	unsigned long suppressed;
} limit_slots[LIMIT_SLOTS];
static pthread_mutex_t limit_lock = PTHREAD_MUTEX_INITIALIZER;

void log_limited(const void *key, enum log_level level, const char *fmt, ...)
{
	unsigned long suppressed = 0;
	size_t slot = ((uintptr_t)key >> 3) % LIMIT_SLOTS;
	time_t now = time(NULL);
	bool write = true;
	va_list ap;

	if (level > log_level)
		return;
	pthread_mutex_lock(&limit_lock);
	if (limit_slots[slot].key == key && limit_slots[slot].last == now) {
		limit_slots[slot].suppressed++;
		write = false;
	} else {
		suppressed = limit_slots[slot].key == key
				     ? limit_slots[slot].suppressed
				     : 0;
		limit_slots[slot].key = key;
		limit_slots[slot].last = now;
		limit_slots[slot].suppressed = 0;
	}
	pthread_mutex_unlock(&limit_lock);
	if (!write)
		return;
	va_start(ap, fmt);
	log_vmsg(level, fmt, ap);
	va_end(ap);
	if (suppressed)
		log_msg(level, "(%lu similar messages suppressed)", suppressed);
}

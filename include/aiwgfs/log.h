/*
 * log.h - the one log of aiwgfs.
 *
 * Messages follow git's rules: lower case, no final full stop, what failed
 * first, the subject quoted, strerror appended. They go to stderr until
 * log_to_syslog() is called (a detached daemon), then to syslog. The module
 * is thread-safe: each message is written with a single call.
 */
#ifndef AIWGFS_LOG_H
#define AIWGFS_LOG_H

enum log_level {
	LOG_LEVEL_ERROR,
	LOG_LEVEL_WARNING,
	LOG_LEVEL_INFO,
	LOG_LEVEL_DEBUG,
};

/* Messages above `level` are dropped. The default is LOG_LEVEL_WARNING. */
void log_set_level(enum log_level level);
enum log_level log_get_level(void);

/* Send every later message to syslog under the identity "aiwgfs". */
void log_to_syslog(void);

/* Prefix every message with `prefix` (e.g. "aiwgfs"), or none if NULL. */
void log_set_prefix(const char *prefix);

void log_msg(enum log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define log_error(...)	 log_msg(LOG_LEVEL_ERROR, __VA_ARGS__)
#define log_warning(...) log_msg(LOG_LEVEL_WARNING, __VA_ARGS__)
#define log_info(...)	 log_msg(LOG_LEVEL_INFO, __VA_ARGS__)
#define log_debug(...)	 log_msg(LOG_LEVEL_DEBUG, __VA_ARGS__)

/*
 * Like log_msg(), but a message with the same `key` (any stable pointer,
 * typically a string literal or an object) is written at most once per
 * second; the number suppressed is reported with the next one written.
 * For errors that a request path may hit thousands of times.
 */
void log_limited(const void *key, enum log_level level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif

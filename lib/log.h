/*
 * log.h - the one logging module: lines on stderr (the web server's error
 * log) as "jwtauth-NAME[pid] LEVEL req=ID func: message".  Never pass
 * passwords, tokens or keys.
 */
#ifndef JWTAUTH_LOG_H
#define JWTAUTH_LOG_H

enum log_level { LOG_ERR = 0, LOG_WARN, LOG_INFO, LOG_DEBUG };

void	 log_init(const char *progname, enum log_level max);
void	 log_set_request(unsigned long id);	/* 0 = outside a request */
void	 log_msg(enum log_level lvl, const char *func, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));

#define log_err(...)	log_msg(LOG_ERR, __func__, __VA_ARGS__)
#define log_warn(...)	log_msg(LOG_WARN, __func__, __VA_ARGS__)
#define log_info(...)	log_msg(LOG_INFO, __func__, __VA_ARGS__)
#define log_debug(...)	log_msg(LOG_DEBUG, __func__, __VA_ARGS__)

#endif

/*
 * log.c - one line per event on stderr (see log.h).
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>

#include "log.h"

static const char	*prog = "jwtauth";
static enum log_level	 maxlvl = LOG_INFO;
static unsigned long	 reqid;

static const char *const names[] = { "error", "warning", "info", "debug" };

void
log_init(const char *progname, enum log_level max)
{
	prog = progname;
	maxlvl = max;
}

void
log_set_request(unsigned long id)
{
	reqid = id;
}

void
log_msg(enum log_level lvl, const char *func, const char *fmt, ...)
{
	char	 line[1024], *p;
	va_list	 ap;
	int	 n;

	if (lvl > maxlvl)
		return;
	n = snprintf(line, sizeof(line), "%s[%ld] %s req=%lu %s: ",
	    prog, (long)getpid(), names[lvl], reqid, func);
	if (n < 0 || (size_t)n >= sizeof(line))
		n = 0;
	va_start(ap, fmt);
	(void)vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
	va_end(ap);
	/* Client-supplied text may reach a message: keep it on one line. */
	for (p = line; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	/* One write per line so lines from several processes do not interleave. */
	fprintf(stderr, "%s\n", line);
	fflush(stderr);
}

/*
 * io_cgi.c - a plain CGI request (RFC 3875): meta-variables in the
 * environment, the body on stdin, the response on stdout.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "http.h"

static const char *
cgi_param(void *arg, const char *name)
{
	(void)arg;
	return getenv(name);
}

static long
cgi_read(void *arg, char *p, size_t n)
{
	ssize_t	 r;

	(void)arg;
	do
		r = read(STDIN_FILENO, p, n);
	while (r == -1 && errno == EINTR);
	return (long)r;
}

static int
cgi_write(void *arg, const char *p, size_t n)
{
	ssize_t	 w;

	(void)arg;
	while (n > 0) {
		w = write(STDOUT_FILENO, p, n);
		if (w == -1 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

const struct http_io_ops http_io_cgi = { cgi_param, cgi_read, cgi_write };

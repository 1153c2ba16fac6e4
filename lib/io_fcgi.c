/*
 * io_fcgi.c - a FastCGI request through libfcgi (arg: the FCGX_Request).
 * libfcgi ignores CONTENT_LENGTH; http_read_body() never asks for more.
 */
#include "config.h"

#include <limits.h>

#include <fcgiapp.h>

#include "http.h"

static const char *
fcgi_param(void *arg, const char *name)
{
	FCGX_Request	*rq = arg;

	return FCGX_GetParam(name, rq->envp);
}

static long
fcgi_read(void *arg, char *p, size_t n)
{
	FCGX_Request	*rq = arg;

	if (n > INT_MAX)
		n = INT_MAX;
	return FCGX_GetStr(p, (int)n, rq->in);
}

static int
fcgi_write(void *arg, const char *p, size_t n)
{
	FCGX_Request	*rq = arg;

	if (n > INT_MAX)
		return -1;
	return FCGX_PutStr(p, (int)n, rq->out) == (int)n ? 0 : -1;
}

const struct http_io_ops http_io_fcgi = { fcgi_param, fcgi_read, fcgi_write };

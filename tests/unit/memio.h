/*
 * memio.h - for tests/unit/t_app.c and tests/fuzz/fuzz_cgi.c, which drive
 * app_serve() in process: a request's CGI meta-variables and body in
 * memory and the answer into a buffer (a struct http_io), and the echo
 * handlers their test endpoints share.
 */
#ifndef JWTAUTH_TESTS_MEMIO_H
#define JWTAUTH_TESTS_MEMIO_H

#include <string.h>

#include "app.h"

#define MEMIO_MAXENV	32

struct memio {
	const char	*env[MEMIO_MAXENV];	/* "NAME=value", nenv of them */
	size_t		 nenv;
	const char	*body;			/* len bytes, read from off */
	size_t		 len, off;
	struct buf	 out;			/* the answer: status line, headers, body */
};

static const char *
mem_param(void *arg, const char *name)
{
	struct memio	*m = arg;
	size_t		 i, n = strlen(name);

	for (i = 0; i < m->nenv; i++)
		if (strncmp(m->env[i], name, n) == 0 && m->env[i][n] == '=')
			return m->env[i] + n + 1;
	return NULL;
}

static long
mem_read(void *arg, char *p, size_t n)
{
	struct memio	*m = arg;

	if (n > m->len - m->off)
		n = m->len - m->off;
	if (n > 0)
		memcpy(p, m->body + m->off, n);
	m->off += n;
	return (long)n;
}

static int
mem_write(void *arg, const char *p, size_t n)
{
	struct memio	*m = arg;

	return buf_add(&m->out, p, n);
}

static const struct http_io_ops mem_ops = { mem_param, mem_read, mem_write };

/* The query parameter of the test endpoints' GET. */
enum { Q_Q, Q__MAX };
static const struct field_spec q_fields[] = {
	[Q_Q] = { "q", FT_CHAR, 0, NULL, NULL, 0 },
};

/* {"q": <the validated query parameter>} */
static enum err
echo_q(struct ctx *c)
{
	jout_obj_open(&c->out);
	jout_kv(&c->out, "q", c->in[Q_Q].s);
	jout_obj_close(&c->out);
	c->status = 200;
	return ERR_OK;
}

/* {"uid": ..., "token": ...}: the path parameters. */
static enum err
echo_params(struct ctx *c)
{
	jout_obj_open(&c->out);
	jout_kv(&c->out, "uid", c->params[0]);
	jout_kv(&c->out, "token", c->params[1]);
	jout_obj_close(&c->out);
	c->status = 200;
	return ERR_OK;
}

#endif

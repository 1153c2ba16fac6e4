/*
 * fuzz_cgi.c - a whole request from its CGI environment: app_serve() (the
 * runner every endpoint binary uses) over an in-memory struct http_io, as
 * tests/unit/t_app.c drives it, so http.c builds the request from the
 * meta-variables and the runner takes it through CORS, the URL, the query
 * string, negotiation, the method, the body's parsers and the fields to a
 * handler, and renders the answer.  The endpoints are defined here (none
 * authenticates or touches the database) beside the library's
 * ep_not_found.  Checked on every answer: a status line, never a 500 (a
 * client's input is never a server error), and a header block whose lines
 * all end in CR LF (no header splitting).
 * Input: NAME=VALUE lines (REQUEST_METHOD, REQUEST_URI, QUERY_STRING,
 * CONTENT_TYPE, HTTP_ORIGIN, ...) up to an empty line, then the body;
 * CONTENT_LENGTH is the body's length unless a line sets it.
 */
#include "config.h"

#include <stdio.h>

#include "app.h"
#include "log.h"
#include "fuzz.h"
#include "../unit/memio.h"

/* ------------------------------------------------------------ the endpoints */

enum { F_NAME, F_EMAIL, F_FLAG, F__MAX };
static const struct field_spec fields[] = {
	[F_NAME] = { "name", FT_CHAR, 10, NULL, NULL, 0 },
	[F_EMAIL] = { "email", FT_EMAIL, 255, NULL, NULL, 0 },
	[F_FLAG] = { "tc", FT_BOOL, 0, NULL, NULL, 0 },
};
static const struct ep_action actions[] = {
	{ "name", 1, 0, "Name" },
};

/* {"name": ..., "email": ...}: the validated fields (PUT: those given). */
static enum err
echo(struct ctx *c)
{
	jout_obj_open(&c->out);
	if (c->present & (1u << F_NAME))
		jout_kv(&c->out, "name", c->in[F_NAME].s);
	if (c->present & (1u << F_EMAIL))
		jout_kv(&c->out, "email", c->in[F_EMAIL].s);
	jout_obj_close(&c->out);
	c->status = 201;
	return ERR_OK;
}

static const struct endpoint ep_seed = {
	.prog = "fuzz-seed", .path = "/api/user/register/", .view_name = "Register",
	.description = "", .kind = EP_SEED,
	.handlers = {
		[M_POST] = { .fn = echo, .fields = fields, .nfields = F__MAX },
		[M_PUT] = { .fn = echo, .fields = fields, .nfields = F__MAX, .partial = 1 },
		[M_GET] = { .fn = echo_q, .query = q_fields, .nquery = Q__MAX },
	},
};
static const struct endpoint ep_jwt = {
	.prog = "fuzz-jwt", .path = "/api/token/verify/", .view_name = "Token Verify",
	.description = "Doc.", .kind = EP_SIMPLEJWT,
	.handlers = {
		[M_POST] = { .fn = echo, .fields = fields, .nfields = F__MAX,
		    .actions = actions, .nactions = sizeof(actions) / sizeof(actions[0]) },
	},
};
static const struct endpoint ep_params = {
	.prog = "fuzz-params", .path = "/api/user/reset-password/", .nparams = 2,
	.view_name = "Reset", .description = "", .kind = EP_SEED,
	.handlers = {
		[M_POST] = { .fn = echo_params },
	},
};
extern const struct endpoint ep_not_found;
static const struct endpoint *const endpoints[] = { &ep_seed, &ep_jwt, &ep_params, &ep_not_found };

/* ------------------------------------------------------------ the harness */

static struct cfg	 cfg;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	log_init("fuzz_cgi", LOG_ERR);
	fuzz_cfg(&cfg, "fuzz_cgi", "secret_key = 0123456789abcdef0123456789abcdef-cgi\n"
	    "trusted_proxies = 127.0.0.1 10.0.0.0/8 ::1\n[audit]\nenabled = 0\n"
	    "[cors]\nallowed_origins = http://localhost:3000 https://app.example.com\n");
	return 0;
}

/* The answer's checks; aborts (a finding) when one fails. */
static void
check(const struct buf *out)
{
	const char	*p = out->p, *end;
	size_t		 i, n;

	if (!buf_ok(out) || p == NULL || strncmp(p, "Status: ", 8) != 0) {
		fprintf(stderr, "fuzz_cgi: no status line\n");
		abort();
	}
	if (strncmp(p, "Status: 500", 11) == 0) {
		fprintf(stderr, "fuzz_cgi: a 500\n");
		abort();
	}
	if ((end = memmem(p, out->len, "\r\n\r\n", 4)) == NULL) {
		fprintf(stderr, "fuzz_cgi: no end of the headers\n");
		abort();
	}
	n = (size_t)(end - p) + 2;
	for (i = 0; i < n; i++)
		if ((p[i] == '\n' && (i == 0 || p[i - 1] != '\r')) ||
		    (p[i] == '\r' && p[i + 1] != '\n') || p[i] == '\0') {
			fprintf(stderr, "fuzz_cgi: a bare CR, LF or NUL in the headers\n");
			abort();
		}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct memio	 m;
	struct http_io	 io = { &mem_ops, &m };
	const uint8_t	*p;
	size_t		 plen, i;
	int		 haslen = 0;
	char		 clen[40];

	memset(&m, 0, sizeof(m));
	while (size > 0 && m.nenv < MEMIO_MAXENV - 1) {
		if (!fuzz_split(&data, &size, '\n', &p, &plen) && plen == 0)
			break;
		if (plen == 0)
			break;
		if (memchr(p, '=', plen) == NULL || memchr(p, '\0', plen) != NULL)
			continue;
		if ((m.env[m.nenv] = fuzz_strndup(p, plen)) == NULL)
			goto out;
		if (strncmp(m.env[m.nenv], "CONTENT_LENGTH=", 15) == 0)
			haslen = 1;
		m.nenv++;
	}
	m.body = (const char *)data;
	m.len = size;
	if (!haslen) {
		(void)snprintf(clen, sizeof(clen), "CONTENT_LENGTH=%zu", size);
		if ((m.env[m.nenv] = strdup(clen)) == NULL)
			goto out;
		m.nenv++;
	}
	for (i = 0; i < sizeof(endpoints) / sizeof(endpoints[0]); i++) {
		m.off = 0;
		buf_reset(&m.out);
		app_serve(endpoints[i], &cfg, NULL, &io);
		check(&m.out);
	}
out:
	for (i = 0; i < m.nenv; i++)
		free((char *)m.env[i]);	/* each strdup'd above */
	buf_free(&m.out);
	return 0;
}

/*
 * t_app.c - a request's path through the runner, in process: app_serve()
 * over an in-memory struct http_io, for endpoints defined here and for the
 * library's not-found endpoint.  Each row is one request (method, path,
 * query, headers, body) and what the answer must hold: the status, some
 * headers (NULL: absent) and the body.  No database is needed: none of
 * these requests authenticates.  The order of checks (preflight, slash
 * redirect, 404, negotiation, 405, OPTIONS, 415/413/400, fields, handler)
 * is the one Django + DRF apply (lib/app.h).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "memio.h"
#include "tap.h"

/* ------------------------------------------------------------ the endpoints */

enum { T_NAME, T__MAX };
static const struct field_spec t_fields[] = {
	[T_NAME] = { "name", FT_CHAR, 10, NULL, NULL, 0 },
};
static const struct ep_action t_actions[] = {
	{ "name", 1, 0, "Name" },
};

/* {"name": <the validated name>} */
static enum err
echo_name(struct ctx *c)
{
	jout_obj_open(&c->out);
	jout_kv(&c->out, "name", c->in[T_NAME].s);
	jout_obj_close(&c->out);
	c->status = 201;
	return ERR_OK;
}

/* A handler without input: DELETE answers 200 {} and reads no body. */
static enum err
empty(struct ctx *c)
{
	jout_obj_open(&c->out);
	jout_obj_close(&c->out);
	c->status = 200;
	return ERR_OK;
}

static const struct endpoint ep_seed = {
	.prog = "t-seed", .path = "/api/t/", .view_name = "T", .description = "",
	.kind = EP_SEED,
	.handlers = {
		[M_POST] = { .fn = echo_name, .fields = t_fields, .nfields = T__MAX },
		[M_GET] = { .fn = echo_q, .query = q_fields, .nquery = Q__MAX },
		[M_DELETE] = { .fn = empty },
	},
};
static const struct endpoint ep_jwt = {
	.prog = "t-jwt", .path = "/api/j/", .view_name = "J", .description = "Doc.",
	.kind = EP_SIMPLEJWT,
	.handlers = {
		[M_POST] = { .fn = echo_name, .fields = t_fields, .nfields = T__MAX,
		    .actions = t_actions, .nactions = nitems(t_actions) },
	},
};
static const struct endpoint ep_params = {
	.prog = "t-params", .path = "/api/r/", .nparams = 2, .view_name = "R", .description = "",
	.kind = EP_SEED,
	.handlers = {
		[M_POST] = { .fn = echo_params },
	},
};
extern const struct endpoint ep_not_found;

/* The value of header name in the response text, or NULL. */
static const char *
header(const char *resp, const char *name, char *val, size_t valsz)
{
	const char	*p = resp, *end = strstr(resp, "\r\n\r\n"), *eol;
	size_t		 n = strlen(name);

	while (p != NULL && p < end) {
		eol = strstr(p, "\r\n");
		if (strncasecmp(p, name, n) == 0 && p[n] == ':') {
			(void)snprintf(val, valsz, "%.*s", (int)(eol - p - n - 2), p + n + 2);
			return val;
		}
		p = eol + 2;
	}
	return NULL;
}

/* ------------------------------------------------------------ the table */

#define ABSENT	"(absent)"

struct row {
	const char		*name;
	const struct endpoint	*ep;
	const char		*env[8];	/* REQUEST_METHOD, REQUEST_URI, ... */
	const char		*body;
	int			 status;
	const char		*allow;		/* expected Allow; NULL: not checked */
	const char		*other;		/* "Header: value" or "Header: " ABSENT; NULL: none */
	const char		*want_body;	/* exact body; NULL: not checked */
};

#define JSON	"CONTENT_TYPE=application/json"
#define ORIGIN	"HTTP_ORIGIN=http://localhost:3000"
#define PAGE404	"\n<!doctype html>\n<html lang=\"en\">\n<head>\n  <title>Not Found</title>\n</head>\n" \
	"<body>\n  <h1>Not Found</h1><p>The requested resource was not found on this server.</p>\n" \
	"</body>\n</html>\n"

static const struct row rows[] = {
	{ "POST with a valid body reaches the handler", &ep_seed,
	  { "REQUEST_METHOD=POST", "REQUEST_URI=/api/t/", JSON, "CONTENT_LENGTH=13" },
	  "{\"name\": \"x\"}", 201, "GET, POST, DELETE, HEAD, OPTIONS", NULL, "{\"name\": \"x\"}" },
	{ "a field error is 400 in the seed's wrapping", &ep_seed,
	  { "REQUEST_METHOD=POST", "REQUEST_URI=/api/t/", JSON, "CONTENT_LENGTH=2" },
	  "{}", 400, NULL, NULL, "{\"errors\": {\"name\": [\"This field is required.\"]}}" },
	{ "a method without a handler is 405 with Allow", &ep_params,
	  { "REQUEST_METHOD=PUT", "REQUEST_URI=/api/r/a/b/" },
	  NULL, 405, "POST, OPTIONS", NULL, "{\"errors\": {\"detail\": \"Method \\\"PUT\\\" not allowed.\"}}" },
	{ "an unknown method is 405 too", &ep_seed,
	  { "REQUEST_METHOD=FOO", "REQUEST_URI=/api/t/" },
	  NULL, 405, NULL, NULL, "{\"errors\": {\"detail\": \"Method \\\"FOO\\\" not allowed.\"}}" },
	{ "GET validates the query string's fields", &ep_seed,
	  { "REQUEST_METHOD=GET", "REQUEST_URI=/api/t/?q=hello%21", "QUERY_STRING=q=hello%21" },
	  NULL, 200, NULL, NULL, "{\"q\": \"hello!\"}" },
	{ "one parse of the query serves ?format= and the query fields", &ep_seed,
	  { "REQUEST_METHOD=GET", "REQUEST_URI=/api/t/?format=json&q=x", "QUERY_STRING=format=json&q=x" },
	  NULL, 200, NULL, NULL, "{\"q\": \"x\"}" },
	{ "GET without the query field is 400", &ep_seed,
	  { "REQUEST_METHOD=GET", "REQUEST_URI=/api/t/" },
	  NULL, 400, NULL, NULL, "{\"errors\": {\"q\": [\"This field is required.\"]}}" },
	{ "HEAD is answered by the GET handler", &ep_seed,
	  { "REQUEST_METHOD=HEAD", "REQUEST_URI=/api/t/?q=1", "QUERY_STRING=q=1" },
	  NULL, 200, NULL, NULL, "{\"q\": \"1\"}" },
	{ "DELETE without input reads no body", &ep_seed,
	  { "REQUEST_METHOD=DELETE", "REQUEST_URI=/api/t/", "CONTENT_TYPE=text/plain",
	    "CONTENT_LENGTH=3" }, "xyz", 200, NULL, NULL, "{}" },
	{ "APPEND_SLASH: 301 to the slash URL", &ep_seed,
	  { "REQUEST_METHOD=POST", "REQUEST_URI=/api/t", JSON },
	  NULL, 301, NULL, "Location: /api/t/", "" },
	{ "APPEND_SLASH keeps the query, quoted", &ep_seed,
	  { "REQUEST_METHOD=GET", "REQUEST_URI=/api/t?a=b c", "QUERY_STRING=a=b c" },
	  NULL, 301, NULL, "Location: /api/t/?a=b%20c", "" },
	{ "the 301 has no X-Frame-Options (it leaves before that middleware)", &ep_seed,
	  { "REQUEST_METHOD=GET", "REQUEST_URI=/api/t" },
	  NULL, 301, NULL, "X-Frame-Options: " ABSENT, NULL },
	{ "another path is Django's 404 page", &ep_seed,
	  { "REQUEST_METHOD=GET", "REQUEST_URI=/api/tx/" },
	  NULL, 404, NULL, "Content-Type: text/html; charset=utf-8", PAGE404 },
	{ "path parameters are decoded segments", &ep_params,
	  { "REQUEST_METHOD=POST", "REQUEST_URI=/api/r/M%51/t-1/" },
	  NULL, 200, NULL, NULL, "{\"uid\": \"MQ\", \"token\": \"t-1\"}" },
	{ "the last parameter without its slash: 301", &ep_params,
	  { "REQUEST_METHOD=POST", "REQUEST_URI=/api/r/a/b" },
	  NULL, 301, NULL, "Location: /api/r/a/b/", NULL },
	{ "a parameter missing: 404", &ep_params,
	  { "REQUEST_METHOD=POST", "REQUEST_URI=/api/r/a/" },
	  NULL, 404, NULL, NULL, PAGE404 },
	{ "a segment too many: 404", &ep_params,
	  { "REQUEST_METHOD=POST", "REQUEST_URI=/api/r/a/b/c/" },
	  NULL, 404, NULL, NULL, PAGE404 },
	{ "an empty segment: 404", &ep_params,
	  { "REQUEST_METHOD=POST", "REQUEST_URI=/api/r//b/" },
	  NULL, 404, NULL, NULL, PAGE404 },
	{ "a preflight never reaches the view", &ep_seed,
	  { "REQUEST_METHOD=OPTIONS", "REQUEST_URI=/api/nowhere/", ORIGIN,
	    "HTTP_ACCESS_CONTROL_REQUEST_METHOD=POST" },
	  NULL, 200, NULL, "Access-Control-Allow-Origin: http://localhost:3000", "" },
	{ "OPTIONS without a preflight is the metadata", &ep_seed,
	  { "REQUEST_METHOD=OPTIONS", "REQUEST_URI=/api/t/" },
	  NULL, 200, "GET, POST, DELETE, HEAD, OPTIONS", NULL,
	  "{\"name\": \"T\", \"description\": \"\", \"renders\": [\"application/json\"], "
	  "\"parses\": [\"application/json\", \"application/x-www-form-urlencoded\", "
	  "\"multipart/form-data\"]}" },
	{ "a generic view's metadata has its POST actions", &ep_jwt,
	  { "REQUEST_METHOD=OPTIONS", "REQUEST_URI=/api/j/" },
	  NULL, 200, "POST, OPTIONS", "Vary: Accept, Origin",
	  "{\"name\":\"J\",\"description\":\"Doc.\",\"renders\":[\"application/json\",\"text/html\"],"
	  "\"parses\":[\"application/json\",\"application/x-www-form-urlencoded\","
	  "\"multipart/form-data\"],\"actions\":{\"POST\":{\"name\":{\"type\":\"string\","
	  "\"required\":true,\"read_only\":false,\"label\":\"Name\"}}}}" },
	{ "?format= naming no renderer: 404 Not found.", &ep_seed,
	  { "REQUEST_METHOD=POST", "REQUEST_URI=/api/t/?format=api", "QUERY_STRING=format=api" },
	  NULL, 404, NULL, NULL, "{\"errors\": {\"detail\": \"Not found.\"}}" },
	{ "?format=api is a renderer of the token views", &ep_jwt,
	  { "REQUEST_METHOD=POST", "REQUEST_URI=/api/j/?format=api", "QUERY_STRING=format=api",
	    JSON, "CONTENT_LENGTH=12" }, "{\"name\":\"y\"}", 201, NULL, NULL, "{\"name\":\"y\"}" },
	{ "Accept no renderer satisfies: 406", &ep_seed,
	  { "REQUEST_METHOD=POST", "REQUEST_URI=/api/t/", "HTTP_ACCEPT=text/plain" },
	  NULL, 406, NULL, NULL,
	  "{\"errors\": {\"detail\": \"Could not satisfy the request Accept header.\"}}" },
	{ "negotiation comes before the method check", &ep_seed,
	  { "REQUEST_METHOD=PUT", "REQUEST_URI=/api/t/", "HTTP_ACCEPT=text/plain" },
	  NULL, 406, NULL, NULL, NULL },
	{ "an indent asked for in Accept (DRF's renderer)", &ep_jwt,
	  { "REQUEST_METHOD=POST", "REQUEST_URI=/api/j/", "HTTP_ACCEPT=application/json; indent=2",
	    JSON, "CONTENT_LENGTH=12" }, "{\"name\":\"y\"}", 201, NULL, NULL, "{\n  \"name\": \"y\"\n}" },
	{ "a Content-Type no parser takes: 415", &ep_seed,
	  { "REQUEST_METHOD=POST", "REQUEST_URI=/api/t/", "CONTENT_TYPE=text/plain",
	    "CONTENT_LENGTH=1" }, "x", 415, NULL, NULL,
	  "{\"errors\": {\"detail\": \"Unsupported media type \\\"text/plain\\\" in request.\"}}" },
	{ "a body over the cap: 413 with the cap from the table's text", &ep_seed,
	  { "REQUEST_METHOD=POST", "REQUEST_URI=/api/t/", JSON, "CONTENT_LENGTH=70000" },
	  NULL, 413, NULL, NULL,
	  "{\"errors\": {\"detail\": \"Request body too large: the limit is 65536 bytes.\"}}" },
	{ "the token views' errors are not wrapped", &ep_jwt,
	  { "REQUEST_METHOD=POST", "REQUEST_URI=/api/j/", JSON, "CONTENT_LENGTH=1" }, "[", 400, NULL,
	  "WWW-Authenticate: " ABSENT, NULL },
	{ "not-found: every path is a 404", &ep_not_found,
	  { "REQUEST_METHOD=POST", "REQUEST_URI=/api/user/register/", ORIGIN },
	  NULL, 404, NULL, "Access-Control-Allow-Origin: http://localhost:3000", PAGE404 },
	{ "not-found: the security headers", &ep_not_found,
	  { "REQUEST_METHOD=GET", "REQUEST_URI=/api" },
	  NULL, 404, NULL, "X-Frame-Options: DENY", PAGE404 },
	{ "not-found: Vary Origin", &ep_not_found,
	  { "REQUEST_METHOD=GET", "REQUEST_URI=/api/x" },
	  NULL, 404, NULL, "Vary: Origin", NULL },
	{ "not-found: a foreign Origin is not allowed", &ep_not_found,
	  { "REQUEST_METHOD=GET", "REQUEST_URI=/api/x", "HTTP_ORIGIN=http://evil.example" },
	  NULL, 404, NULL, "Access-Control-Allow-Origin: " ABSENT, NULL },
	{ "not-found: a preflight is still 200", &ep_not_found,
	  { "REQUEST_METHOD=OPTIONS", "REQUEST_URI=/api/x/", ORIGIN,
	    "HTTP_ACCESS_CONTROL_REQUEST_METHOD=GET" },
	  NULL, 200, NULL, "Access-Control-Max-Age: 86400", "" },
};

int
main(void)
{
	struct cfg	 cfg;
	struct db	*db;
	char		 err[256] = "", val[512], hname[64];
	const char	*resp, *body, *colon;
	size_t		 i, k;
	int		 status;

	if (!ok(cfg_load_text(&cfg, "secret_key = 0123456789abcdef0123456789abcdef-t_app\n",
	    NULL, err, sizeof(err)) == 0, "config: %s", err))
		return tap_done();
	db = db_new(&cfg);	/* never connected: nothing here authenticates */
	for (i = 0; i < nitems(rows); i++) {
		const struct row *r = &rows[i];
		struct memio	 m;
		struct http_io	 io = { &mem_ops, &m };

		memset(&m, 0, sizeof(m));
		for (k = 0; k < nitems(r->env) && r->env[k] != NULL; k++)
			m.env[m.nenv++] = r->env[k];
		m.body = r->body;
		m.len = r->body != NULL ? strlen(r->body) : 0;
		app_serve(r->ep, &cfg, db, &io);
		buf_add(&m.out, "", 0);
		resp = buf_str(&m.out);
		status = 0;
		(void)sscanf(resp, "Status: %d", &status);
		is_int(status, r->status, "%s: status", r->name);
		if (r->allow != NULL)
			is_str(header(resp, "Allow", val, sizeof(val)), r->allow, "%s: Allow", r->name);
		if (r->other != NULL && (colon = strchr(r->other, ':')) != NULL) {
			(void)snprintf(hname, sizeof(hname), "%.*s", (int)(colon - r->other), r->other);
			is_str(header(resp, hname, val, sizeof(val)) ? val : ABSENT, colon + 2,
			    "%s: %s", r->name, hname);
		}
		if (r->want_body != NULL) {
			body = strstr(resp, "\r\n\r\n");
			is_str(body ? body + 4 : "", r->want_body, "%s: body", r->name);
		}
		buf_free(&m.out);
	}
	db_free(db);
	cfg_free(&cfg);
	return tap_done();
}

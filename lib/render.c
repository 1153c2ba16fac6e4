/*
 * render.c - errors to HTTP (see render.h).
 *
 * Body shapes: the seed's UserRenderer wraps every error as
 * {"errors": <DRF detail>} and writes with json.dumps' default separators;
 * simplejwt's views use DRF's JSONRenderer (compact, no wrapping).  The
 * seed's login view builds its own 404 body, which is not wrapped again.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cors.h"
#include "render.h"

#define CT_SEED		"application/json; charset=UTF-8"
#define CT_DRF		"application/json"
#define CT_HTML		"text/html; charset=utf-8"

/*
 * SecurityMiddleware's headers, on every response, and XFrameOptionsMiddleware's,
 * only on responses that passed it: it is the last middleware, so the
 * answers CorsMiddleware (preflight) and CommonMiddleware (APPEND_SLASH)
 * return early never get X-Frame-Options.
 */
static void
security_headers(struct http_resp *r, int xframe)
{
	if (xframe)
		http_set_header(r, "X-Frame-Options", "DENY");
	http_set_header(r, "X-Content-Type-Options", "nosniff");
	http_set_header(r, "Referrer-Policy", "same-origin");
}

/* CorsMiddleware.add_response_headers; vary_accept for views with two renderers. */
static void
cors_headers(struct ctx *c, int vary_accept)
{
	const struct cfg	*cfg = c->cfg;
	struct http_resp	*r = c->resp;
	const char		*origin = c->req->origin;

	http_set_header(r, "Vary", "%s", vary_accept ? "Accept, Origin" : "Origin");
	if (origin == NULL || *origin == '\0')
		return;
	if (!cors_origin_allowed(origin, (const char *const *)cfg->cors_origins,
	    cfg->ncors_origins))
		return;
	http_set_header(r, "Access-Control-Allow-Origin", "%s", origin);
	if (strcmp(c->req->method, "OPTIONS") == 0) {
		http_set_header(r, "Access-Control-Allow-Headers", "%s", CORS_ALLOW_HEADERS);
		http_set_header(r, "Access-Control-Allow-Methods", "%s", CORS_ALLOW_METHODS);
		http_set_header(r, "Access-Control-Max-Age", "%s", CORS_MAX_AGE);
	}
}

/* {"detail": ..., "code": ...} as DRF's exceptions and simplejwt's DetailDictMixin build it. */
static void
detail_code(struct jout *j, const char *detail, const char *code)
{
	jout_obj_open(j);
	jout_kv(j, "detail", detail);
	if (code != NULL)
		jout_kv(j, "code", code);
	jout_obj_close(j);
}

/* The table's detail text with its "%s" replaced by arg, into out. */
static void
detail_text(const char *tmpl, const char *arg, char *out, size_t outsz)
{
	const char	*p;

	if (tmpl == NULL) {
		(void)snprintf(out, outsz, "%s", arg);
		return;
	}
	if ((p = strstr(tmpl, "%s")) == NULL) {
		(void)snprintf(out, outsz, "%s", tmpl);
		return;
	}
	(void)snprintf(out, outsz, "%.*s%s%s", (int)(p - tmpl), tmpl, arg, p + 2);
}

/* The DRF error detail of e (without the seed's wrapper), from err.c's table. */
static void
error_detail(struct ctx *c, enum err e, struct jout *j)
{
	const struct errinfo	*ei = &c->err;
	const struct err_def	*d = err_def(e);
	char			 msg[1200];
	size_t			 i, k;

	switch (d->shape) {
	case ES_FIELDS:
		jout_obj_open(j);
		for (i = 0; i < ei->verr.n; i++) {
			jout_key(j, ei->verr.f[i].field);
			jout_arr_open(j);
			for (k = 0; k < ei->verr.f[i].nmsg; k++)
				jout_cstr(j, ei->verr.f[i].msg[k]);
			jout_arr_close(j);
		}
		jout_obj_close(j);
		break;
	case ES_TOKEN:
		/* InvalidToken from JWTAuthentication.get_validated_token. */
		jout_obj_open(j);
		jout_kv(j, "detail", d->detail);
		jout_kv(j, "code", d->code);
		jout_key(j, "messages");
		jout_arr_open(j);
		jout_obj_open(j);
		jout_kv(j, "token_class", "AccessToken");
		jout_kv(j, "token_type", "access");
		jout_kv(j, "message", ei->detail);
		jout_obj_close(j);
		jout_arr_close(j);
		jout_obj_close(j);
		break;
	case ES_LOGIN:
		/* UserLoginView returns this dict itself; no ErrorDetail, no second wrap. */
		jout_obj_open(j);
		jout_key(j, "errors");
		jout_obj_open(j);
		jout_key(j, "non_field_errors");
		jout_arr_open(j);
		jout_cstr(j, d->detail);
		jout_arr_close(j);
		jout_obj_close(j);
		jout_obj_close(j);
		break;
	default:
		detail_text(d->detail, ei->detail, msg, sizeof(msg));
		detail_code(j, msg, d->code);
		break;
	}
}

void
render_view(struct ctx *c, enum err e)
{
	const struct endpoint	*ep = c->ep;
	struct http_resp	*r = c->resp;
	struct jout		 j;
	char			 allow[64];
	int			 seed = ep->kind == EP_SEED;

	http_set_header(r, "Content-Type", "%s", seed ? CT_SEED : CT_DRF);
	if (e == ERR_OK) {
		r->status = c->status ? c->status : 200;
	} else {
		r->status = err_status(e);
		buf_reset(&r->body);
		jout_init(&j, &r->body, seed ? JOUT_PYTHON : JOUT_DRF, c->indent);
		if (seed && err_def(e)->shape != ES_LOGIN) {
			jout_obj_open(&j);
			jout_key(&j, "errors");
			error_detail(c, e, &j);
			jout_obj_close(&j);
		} else
			error_detail(c, e, &j);
		if (r->status == 401)
			http_set_header(r, "WWW-Authenticate", "Bearer realm=\"api\"");
		/* The database is unavailable: worth trying again soon. */
		if (e == ERR_UNAVAILABLE && c->err.retry_after <= 0)
			c->err.retry_after = c->cfg->db_retry_after;
		/* DRF's exception_handler: Retry-After for an exception with a wait. */
		if (c->err.retry_after > 0)
			http_set_header(r, "Retry-After", "%ld", c->err.retry_after);
	}
	ep_allow(ep, allow, sizeof(allow));
	http_set_header(r, "Allow", "%s", allow);
	if (ep->no_store)
		http_set_header(r, "Cache-Control", "no-store");
	security_headers(r, 1);
	cors_headers(c, !seed);
}

void
render_metadata(struct ctx *c)
{
	const struct endpoint	*ep = c->ep;
	const struct handler	*h;
	struct jout		*j = &c->out;
	enum method		 m;
	size_t			 i;
	int			 open = 0;

	jout_obj_open(j);
	jout_kv(j, "name", ep->view_name);
	jout_kv(j, "description", ep->description);
	jout_key(j, "renders");
	jout_arr_open(j);
	jout_cstr(j, "application/json");
	if (ep->kind == EP_SIMPLEJWT)
		jout_cstr(j, "text/html");
	jout_arr_close(j);
	jout_key(j, "parses");
	jout_arr_open(j);
	jout_cstr(j, "application/json");
	jout_cstr(j, "application/x-www-form-urlencoded");
	jout_cstr(j, "multipart/form-data");
	jout_arr_close(j);
	/* SimpleMetadata.determine_actions: POST and PUT of a generic view. */
	for (m = 0; m < M__MAX; m++) {
		h = &ep->handlers[m];
		if ((m != M_POST && m != M_PUT) || h->fn == NULL || h->nactions == 0)
			continue;
		if (!open) {
			jout_key(j, "actions");
			jout_obj_open(j);
			open = 1;
		}
		jout_key(j, method_name(m));
		jout_obj_open(j);
		for (i = 0; i < h->nactions; i++) {
			jout_key(j, h->actions[i].name);
			jout_obj_open(j);
			jout_kv(j, "type", "string");
			jout_key(j, "required");
			jout_bool(j, h->actions[i].required);
			jout_key(j, "read_only");
			jout_bool(j, h->actions[i].read_only);
			jout_kv(j, "label", h->actions[i].label);
			jout_obj_close(j);
		}
		jout_obj_close(j);
	}
	if (open)
		jout_obj_close(j);
	jout_obj_close(j);
}

void
render_preflight(struct ctx *c)
{
	struct http_resp	*r = c->resp;

	r->status = 200;
	buf_reset(&r->body);
	http_set_header(r, "Content-Type", CT_HTML);
	security_headers(r, 0);
	cors_headers(c, 0);
}

void
render_redirect(struct ctx *c, const char *location)
{
	struct http_resp	*r = c->resp;

	r->status = 301;
	buf_reset(&r->body);
	http_set_header(r, "Content-Type", CT_HTML);
	http_set_header(r, "Location", "%s", location);
	security_headers(r, 0);
	cors_headers(c, 0);
}

void
render_not_found_page(struct ctx *c)
{
	struct http_resp	*r = c->resp;

	r->status = 404;
	buf_reset(&r->body);
	buf_puts(&r->body, "\n<!doctype html>\n<html lang=\"en\">\n<head>\n"
	    "  <title>Not Found</title>\n</head>\n<body>\n"
	    "  <h1>Not Found</h1><p>The requested resource was not found on this server.</p>\n"
	    "</body>\n</html>\n");
	http_set_header(r, "Content-Type", CT_HTML);
	security_headers(r, 1);
	cors_headers(c, 0);
}

/*
 * app.c - the endpoint runner (see app.h for the order of checks).
 *
 * Start-up reads the configuration and prepares hashing; anything wrong
 * there is fatal (stderr, exit 1).  After that nothing a request does can
 * end the process: failures are logged, answered and the loop goes on.
 */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <fcgiapp.h>
#include <openssl/crypto.h>

#include "app.h"
#include "audit.h"
#include "auth.h"
#include "form.h"
#include "log.h"
#include "mail.h"
#include "mime.h"
#include "negotiate.h"
#include "pw.h"
#include "pycompat.h"
#include "render.h"
#include "route.h"
#include "serve.h"
#include "views.h"

static double
now_precise(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* DRF's 415 detail; the header is Latin-1 as WSGI decodes it. */
static enum err
media_type_error(struct ctx *c)
{
	struct buf	 u = BUF_INIT;
	const char	*ct = c->req->content_type ? c->req->content_type : "";

	py_latin1_to_utf8(ct, strlen(ct), &u);
	errinfo_set(&c->err, ERR_MEDIA_TYPE, "Unsupported media type \"%s\" in request.",
	    buf_str(&u));
	buf_free(&u);
	return ERR_MEDIA_TYPE;
}

/* 415 / 413 / read / 400: request.data as DRF builds it. */
static enum err
parse_body(struct ctx *c, struct form *f)
{
	struct http_req	*req = c->req;
	struct buf	 body = BUF_INIT;
	struct ctype	 ct;
	char		 msg[1024];
	enum err	 e = ERR_OK;

	/* The Content-Type, parsed once for the parser's choice and the parser. */
	if (mime_ctype_parse(&ct, req->content_type) == -1) {
		log_err("parsing the Content-Type: out of memory");
		e = errinfo_set(&c->err, ERR_INTERNAL, NULL);
		goto out;
	}
	if (req->content_length > 0) {
		if (ct.parser == MIME_PARSER_NONE) {
			e = media_type_error(c);
			goto out;
		}
		if (req->content_length > c->cfg->max_body) {
			e = errinfo_set(&c->err, ERR_TOO_LARGE, "%ld", c->cfg->max_body);
			goto out;
		}
		if (http_read_body(req, &body) == -1) {
			e = errinfo_set(&c->err, ERR_PARSE,
			    "Request body shorter than its Content-Length.");
			goto out;
		}
	}
	switch (form_parse_ct(f, &ct, body.p ? body.p : "", body.len,
	    msg, sizeof(msg))) {
	case FORM_OK:
		break;
	case FORM_UNSUPPORTED:
		e = errinfo_set(&c->err, ERR_MEDIA_TYPE, "%s", msg);
		break;
	case FORM_PARSE:
		e = errinfo_set(&c->err, ERR_PARSE, "%s", msg);
		break;
	case FORM_TOO_MANY:
		e = errinfo_set(&c->err, ERR_PARSE, "%s", msg[0] ? msg :
		    "The number of GET/POST parameters exceeded "
		    "settings.DATA_UPLOAD_MAX_NUMBER_FIELDS.");
		break;
	default:
		log_err("parsing the body: %s", msg);
		e = errinfo_set(&c->err, ERR_INTERNAL, NULL);
		break;
	}
out:
	mime_ctype_free(&ct);
	buf_wipe(&body);	/* may hold passwords */
	return e;
}

/*
 * The admin API's permission: the authenticated user is an active admin
 * (is_admin is not in struct db_user, whose statement the profile path
 * keeps lean, so it is read here).  ERR_FORBIDDEN, or ERR_UNAVAILABLE.
 */
static enum err
admin_permission(struct ctx *c)
{
	struct db_admin_user	 u;
	enum db_rc		 rc;

	switch ((rc = db_admin_get(c->db, c->user.id, &u))) {
	case DB_OK:
		if (u.is_admin && u.is_active)
			return ERR_OK;
		/* FALLTHROUGH */
	case DB_NONE:
		return errinfo_set(&c->err, ERR_FORBIDDEN, NULL);
	default:
		return errinfo_set(&c->err, rc == DB_ERR ? ERR_UNAVAILABLE : ERR_INTERNAL, NULL);
	}
}

/*
 * The fields of h to validate for input f: all of them, less those the
 * configuration turns off (h->off) and those DRF skips when absent
 * (h->partial, h->optional; an HTML form's missing boolean is never
 * skipped but for partial).  Their indexes go to idx, their specs to out;
 * the count is returned.
 */
static size_t
fields_given(const struct handler *h, const struct cfg *cfg, const struct form *f, size_t *idx,
    struct field_spec *out)
{
	size_t		 i, n = 0;
	int		 skippable, absent;
	unsigned int	 off = h->off != NULL ? h->off(cfg) : 0;

	for (i = 0; i < h->nfields; i++) {
		if (off & (1u << i))
			continue;
		skippable = h->partial || (h->optional & (1u << i)) != 0;
		absent = f->top == V_DICT && form_get(f, h->fields[i].name).kind == V_ABSENT;
		if (skippable && absent &&
		    (h->partial || !f->html || h->fields[i].type != FT_BOOL))
			continue;
		idx[n] = i;
		out[n++] = h->fields[i];
	}
	return n;
}

/*
 * The handler of the request's method (HEAD is GET's; OPTIONS is the
 * metadata), with its input validated: the body's fields for a handler
 * with a body table, the query string's for one with a query table.
 */
static enum err
dispatch(struct ctx *c)
{
	const struct handler	*h;
	const char		*name = c->req->method;
	struct form		 f = { 0 };
	const struct form	*input = &f;
	struct field_value	 in[EP_MAXFIELDS], full[EP_MAXFIELDS];
	struct field_spec	 given[EP_MAXFIELDS];
	const struct field_spec	*specs = NULL;
	size_t			 nspecs = 0, idx[EP_MAXFIELDS], i;
	int			 sparse = 0;
	enum method		 m;
	enum err		 e;

	if (strcmp(name, "OPTIONS") == 0) {
		render_metadata(c);
		return ERR_OK;
	}
	m = strcmp(name, "HEAD") == 0 ? M_GET : method_lookup(name);
	if (c->req->method_truncated || m == M__MAX || c->ep->handlers[m].fn == NULL)
		return errinfo_set(&c->err, ERR_METHOD, "%s", name);
	h = &c->ep->handlers[m];
	/* get_object(): 404 before the body is read. */
	if (c->ep->object != NULL && (e = c->ep->object(c)) != ERR_OK)
		goto out;
	if (h->nfields > 0) {
		if ((e = parse_body(c, &f)) != ERR_OK)
			goto out;
		specs = h->fields;
		nspecs = h->nfields;
		if (h->partial || h->optional != 0 || h->off != NULL) {
			if (nspecs > EP_MAXFIELDS) {
				e = errinfo_set(&c->err, ERR_INTERNAL, NULL);
				goto out;
			}
			nspecs = fields_given(h, c->cfg, &f, idx, given);
			specs = given;
			sparse = 1;
		}
	} else if (h->nquery > 0) {
		/* request.query_params, parsed in handle(). */
		if (c->query_rc != FORM_OK) {
			e = errinfo_set(&c->err, ERR_PARSE, "%s", c->query_msg);
			goto out;
		}
		input = &c->query;
		specs = h->query;
		nspecs = h->nquery;
	}
	if (nspecs > EP_MAXFIELDS) {
		e = errinfo_set(&c->err, ERR_INTERNAL, NULL);
		goto out;
	}
	if (nspecs > 0 || sparse) {
		e = field_validate(specs, nspecs, input, c, in, &c->err.verr);
		if (e != ERR_OK) {
			if (e == ERR_INVALID)
				errinfo_set(&c->err, ERR_INVALID, NULL);
			goto out;
		}
		c->in = in;
		c->present = nspecs >= 32 ? ~0u : (1u << nspecs) - 1;
		if (sparse) {
			/* Back to the table's indexes; a skipped field is zero. */
			memset(full, 0, sizeof(full));
			c->present = 0;
			for (i = 0; i < nspecs; i++) {
				full[idx[i]] = in[i];
				c->present |= 1u << idx[i];
			}
			memcpy(in, full, sizeof(in));
			nspecs = h->nfields;
		}
	}
	e = h->fn(c);
	if (nspecs > 0)
		field_free(in, nspecs);
	c->in = NULL;
out:
	form_free(&f);
	return e;
}

/*
 * The audit row of a request to a method whose handler names an event
 * (struct handler's audit), written once its answer is known: the outcome
 * from the status.  Who acted: the user the handler named (ctx's
 * audit_user), else the authenticated one; the user acted on: the
 * handler's audit_target, else get_object's.  Unaudited requests cost
 * nothing.
 */
static void
audit_request(struct ctx *c)
{
	const struct handler	*h;
	const char		*name = c->req->method;
	enum method		 m;

	if (!c->cfg->audit_enabled || c->req->method_truncated || strcmp(name, "OPTIONS") == 0)
		return;
	m = strcmp(name, "HEAD") == 0 ? M_GET : method_lookup(name);
	if (m == M__MAX || (h = &c->ep->handlers[m])->fn == NULL || h->audit == NULL)
		return;
	view_audit(c, h->audit, c->audit_user != 0 ? c->audit_user : c->authed ? c->user.id : 0,
	    c->audit_target != 0 ? c->audit_target : c->obj.id, audit_outcome(c->resp->status));
}

/* One request, start to finish; fills resp. */
static void
handle(const struct endpoint *ep, const struct cfg *cfg, struct db *db,
    struct http_req *req, struct http_resp *resp)
{
	struct ctx	 c;
	struct buf	 loc = BUF_INIT;
	enum err	 e;
	int		 i, r;

	memset(&c, 0, sizeof(c));
	c.ep = ep;
	c.cfg = cfg;
	c.db = db;
	c.req = req;
	c.resp = resp;
	c.now = now_precise();
	client_addr(req->remote_addr, req->forwarded_for, cfg->proxies, cfg->nproxies, c.client);

	/* CorsMiddleware.process_request: a preflight never reaches the view. */
	if (strcmp(req->method, "OPTIONS") == 0 && req->acr_method != NULL) {
		render_preflight(&c);
		goto out;
	}
	/* CommonMiddleware: APPEND_SLASH, before URL resolution. */
	if ((r = route_match(ep->path, ep->nparams, req->path, c.params)) != 0) {
		if (r == 1) {
			route_slash_location(req->path, req->query, &loc);
			render_redirect(&c, buf_str(&loc));
		} else
			render_not_found_page(&c);
		goto out;
	}
	/* request.query_params, for ?format= and the handlers' query fields. */
	c.query_rc = form_parse(&c.query, "application/x-www-form-urlencoded", req->query,
	    strlen(req->query), c.query_msg, sizeof(c.query_msg));
	if ((e = negotiate(ep->kind, &c.query, req->accept, &c.indent)) != ERR_OK) {
		errinfo_set(&c.err, e, NULL);
		goto render;
	}
	/* The seed's renderer ignores indent; jout_init drops it for that style. */
	jout_init(&c.out, &resp->body, ep->kind == EP_SEED ? JOUT_PYTHON : JOUT_DRF, c.indent);
	if (ep->authenticate &&
	    (e = auth_request(cfg, db, req->authorization, c.now, &c.user, &c.authed, &c.auth_iat,
	    &c.err)) != ERR_OK)
		goto render;
	if (ep->require_auth && !c.authed) {
		e = errinfo_set(&c.err, ERR_NOT_AUTHENTICATED, NULL);
		goto render;
	}
	/* The rest of check_permissions(), before the method as in DRF. */
	if (ep->require_admin && (e = admin_permission(&c)) != ERR_OK)
		goto render;
	e = dispatch(&c);
render:
	if (e != ERR_OK && e != ERR_INVALID && e != ERR_LOGIN)
		log_info("%s %s -> %d %s", req->method, ep->path, err_status(e), err_strerror(e));
	render_view(&c, e);
	audit_request(&c);
out:
	for (i = 0; i < EP_MAXPARAMS; i++)
		free(c.params[i]);
	form_free(&c.query);
	explicit_bzero(&c.user, sizeof(c.user));
	buf_free(&loc);
}

void
app_serve(const struct endpoint *ep, const struct cfg *cfg, struct db *db, struct http_io *io)
{
	static unsigned long	 seq;
	struct http_req		 req;
	struct http_resp	 resp;

	memset(&resp, 0, sizeof(resp));
	log_set_request(++seq);
	if (http_req_init(&req, io) == -1) {
		log_err("out of memory reading the request");
		resp.status = 500;
		http_set_header(&resp, "Content-Type", "application/json");
		buf_puts(&resp.body, "{\"detail\":\"A server error occurred.\"}");
	} else {
		db_request(db);
		handle(ep, cfg, db, &req, &resp);
	}
	if (!buf_ok(&resp.body)) {
		log_err("out of memory building the response");
		buf_reset(&resp.body);
		resp.status = 500;
	}
	if (http_send(io, &resp) == -1)
		log_info("client went away before the response was written");
	http_req_free(&req);
	http_resp_free(&resp);
	log_set_request(0);
}

/* What the serving loop hands to serve_one for each request. */
struct state {
	const struct endpoint	*ep;
	const struct cfg	*cfg;
	struct db		*db;
};

static void
serve_one(void *arg, struct http_io *io)
{
	struct state	*st = arg;

	app_serve(st->ep, st->cfg, st->db, io);
}

int
app_main(const struct endpoint *ep, int argc, char *argv[])
{
	struct cfg	 cfg;
	struct db	*db = NULL;
	struct http_io	 cgi = { &http_io_cgi, NULL };
	struct state	 st;
	char		 err[512];
	int		 lvl, rc = 0;

	(void)argc;
	(void)argv;
	signal(SIGPIPE, SIG_IGN);
	/*
	 * OpenSSL serves these processes for hashes, HMACs and random bytes,
	 * never for TLS: the database is reached without TLS and only the
	 * reset-mail endpoint makes TLS connections (libcurl, SMTP).  Elsewhere
	 * its configuration file (system TLS policy) is not read: libmariadb's
	 * OPENSSL_init_ssl would otherwise parse it at every CGI start.
	 */
	if (!ep->sends_mail)
		(void)OPENSSL_init_crypto(OPENSSL_INIT_NO_LOAD_CONFIG, NULL);
	log_init(ep->prog, LOG_INFO);
	if (cfg_load(&cfg, err, sizeof(err)) == -1) {
		fprintf(stderr, "%s: configuration: %s\n", ep->prog, err);
		return 1;
	}
	lvl = strcmp(cfg.log_level, "error") == 0 ? LOG_ERR :
	    strcmp(cfg.log_level, "warning") == 0 ? LOG_WARN :
	    strcmp(cfg.log_level, "debug") == 0 ? LOG_DEBUG : LOG_INFO;
	log_init(ep->prog, (enum log_level)lvl);
	/* Reset tokens count seconds in the configured zone's naive local time. */
	if (setenv("TZ", cfg.time_zone, 1) == -1) {
		fprintf(stderr, "%s: setenv TZ failed\n", ep->prog);
		goto fail;
	}
	tzset();
	if (pw_init(&cfg, err, sizeof(err)) == -1) {
		fprintf(stderr, "%s: %s\n", ep->prog, err);
		goto fail;
	}
	if (ep->sends_mail && mail_check_config(&cfg, err, sizeof(err)) == -1) {
		fprintf(stderr, "%s: %s\n", ep->prog, err);
		goto fail;
	}
	if ((db = db_new(&cfg)) == NULL) {
		fprintf(stderr, "%s: out of memory\n", ep->prog);
		goto fail;
	}
	st.ep = ep;
	st.cfg = &cfg;
	st.db = db;
	if (FCGX_IsCGI()) {
		app_serve(ep, &cfg, db, &cgi);
	} else {
		if (FCGX_Init() != 0) {
			fprintf(stderr, "%s: FastCGI initialisation failed\n", ep->prog);
			goto fail;
		}
		if (cfg.workers > 1)
			rc = serve_prefork(cfg.workers, serve_one, &st);
		else
			serve_fcgi(serve_one, &st);
	}
	db_free(db);
	pw_done();
	cfg_free(&cfg);
	return rc;
fail:
	db_free(db);
	cfg_free(&cfg);
	return 1;
}

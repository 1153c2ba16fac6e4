/*
 * app.c - the endpoint runner (see app.h for the order of checks).
 *
 * Start-up reads the configuration and prepares hashing; anything wrong
 * there is fatal (stderr, exit 1).  After that nothing a request does can
 * end the process: failures are logged, answered and the loop goes on.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <fcgiapp.h>

#include "app.h"
#include "auth.h"
#include "form.h"
#include "log.h"
#include "mail.h"
#include "mime.h"
#include "pw.h"
#include "pyrt.h"
#include "render.h"

static double
now_precise(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * Match the decoded path against the endpoint: 0 when it is the canonical
 * URL (params filled), 1 when only the trailing slash is missing, -1 when
 * no URL pattern of the original would match.
 */
static int
route(const struct endpoint *ep, const char *path, char *params[EP_MAXPARAMS])
{
	size_t		 plen, seglen;
	const char	*p, *slash;
	int		 i;

	if (ep->path == NULL)
		return -1;	/* the not-found endpoint */
	plen = strlen(ep->path);
	if (strncmp(path, ep->path, plen) != 0) {
		/* "/api/user/register" for "/api/user/register/" */
		if (ep->nparams == 0 && strlen(path) == plen - 1 &&
		    strncmp(path, ep->path, plen - 1) == 0)
			return 1;
		return -1;
	}
	p = path + plen;
	if (ep->nparams == 0)
		return *p == '\0' ? 0 : -1;
	/* <str:uid>/<str:token>/ : each segment [^/]+ */
	for (i = 0; i < ep->nparams; i++) {
		if ((slash = strchr(p, '/')) == NULL) {
			/* The last segment without its slash: APPEND_SLASH applies. */
			if (i == ep->nparams - 1 && *p != '\0')
				return 1;
			return -1;
		}
		seglen = (size_t)(slash - p);
		if (seglen == 0)
			return -1;
		if ((params[i] = strndup(p, seglen)) == NULL)
			return -1;
		p = slash + 1;
	}
	return *p == '\0' ? 0 : -1;
}

/*
 * Django's get_full_path(force_append_slash=True) as a Location: the path
 * re-quoted as escape_uri_path does, a slash, and the query string with
 * iri_to_uri's quoting.
 */
static void
slash_location(const struct http_req *req, struct buf *out)
{
	static const char safe_path[] = "/:@&+$,-_.!~*'()";
	static const char safe_query[] = "/#%[]=:;$&()+,!?*@'~-_.";
	const unsigned char *s;

	for (s = (const unsigned char *)req->path; *s != '\0'; s++) {
		if ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9') || strchr(safe_path, *s) != NULL)
			buf_putc(out, *s);
		else if (*s == '%' && isxdigit(s[1]) && isxdigit(s[2]))
			buf_putc(out, *s);	/* kept from repercent_broken_unicode */
		else
			buf_printf(out, "%%%02X", *s);
	}
	buf_putc(out, '/');
	if (req->query[0] == '\0')
		return;
	buf_putc(out, '?');
	for (s = (const unsigned char *)req->query; *s != '\0'; s++) {
		if ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9') || strchr(safe_query, *s) != NULL)
			buf_putc(out, *s);
		else
			buf_printf(out, "%%%02X", *s);
	}
}

/* A view's renderers: media type and ?format= name, in DRF's order. */
struct renderer {
	const char	*type;
	const char	*format;
};

static const struct renderer seed_renderers[] = {	/* the seed's UserRenderer */
	{ "application/json", "json" },
};
static const struct renderer jwt_renderers[] = {	/* DRF's defaults */
	{ "application/json", "json" },
	{ "text/html", "api" },				/* BrowsableAPIRenderer */
};

/*
 * DRF's DefaultContentNegotiation: ?format= filters the renderers (none
 * left: 404), then Accept picks one (none: 406) and may ask for an indent.
 * jwtauth does not reproduce the browsable API: HTML is answered with JSON.
 */
static enum err
negotiate(struct ctx *c)
{
	const struct renderer	*r = c->ep->kind == EP_SEED ? seed_renderers : jwt_renderers;
	size_t			 nr = c->ep->kind == EP_SEED ? 1 : 2, n = 0, i;
	const char		*types[2];
	struct form		 q = { 0 };
	struct val		 fmt = { 0 };
	char			 msg[64];

	if (c->req->query[0] != '\0' &&
	    form_parse(&q, "application/x-www-form-urlencoded", c->req->query,
	    strlen(c->req->query), msg, sizeof(msg)) == FORM_OK)
		fmt = form_get(&q, "format");
	for (i = 0; i < nr; i++)
		if (fmt.kind != V_STR || fmt.len == 0 || strcmp(fmt.s, r[i].format) == 0)
			types[n++] = r[i].type;
	form_free(&q);
	if (n == 0)
		return errinfo_set(&c->err, ERR_NOT_FOUND, NULL);
	if (mime_negotiate(c->req->accept, types, n, &c->indent) < 0) {
		c->indent = 0;
		return errinfo_set(&c->err, ERR_NOT_ACCEPTABLE, NULL);
	}
	return ERR_OK;
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
			e = errinfo_set(&c->err, ERR_TOO_LARGE, NULL);
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

/* The view's handler for the method, with the body parsed and validated for POST. */
static enum err
dispatch(struct ctx *c)
{
	const struct endpoint	*ep = c->ep;
	const char		*m = c->req->method;
	struct form		 f = { 0 };
	struct field_value	 in[8];
	enum err		 e;
	int			 allowed;

	if (strcmp(m, "OPTIONS") == 0) {
		render_metadata(c);
		return ERR_OK;
	}
	if (ep->is_get)
		allowed = strcmp(m, "GET") == 0 || strcmp(m, "HEAD") == 0;
	else
		allowed = strcmp(m, "POST") == 0;
	if (!allowed || c->req->method_truncated)
		return errinfo_set(&c->err, ERR_METHOD, "%s", m);
	if (ep->is_get)
		return ep->handler(c);
	if (ep->nfields > sizeof(in) / sizeof(in[0]))
		return errinfo_set(&c->err, ERR_INTERNAL, NULL);
	if ((e = parse_body(c, &f)) != ERR_OK)
		goto out;
	e = field_validate(ep->fields, ep->nfields, &f, c, in, &c->err.verr);
	if (e != ERR_OK) {
		if (e == ERR_INVALID)
			errinfo_set(&c->err, ERR_INVALID, NULL);
		goto out;
	}
	c->in = in;
	e = ep->handler(c);
	c->in = NULL;
	field_free(in, ep->nfields);
out:
	form_free(&f);
	return e;
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

	/* CorsMiddleware.process_request: a preflight never reaches the view. */
	if (strcmp(req->method, "OPTIONS") == 0 && req->acr_method != NULL) {
		render_preflight(&c);
		goto out;
	}
	/* CommonMiddleware: APPEND_SLASH, before URL resolution. */
	if ((r = route(ep, req->path, c.params)) != 0) {
		if (r == 1) {
			slash_location(req, &loc);
			render_redirect(&c, buf_str(&loc));
		} else
			render_not_found_page(&c);
		goto out;
	}
	if ((e = negotiate(&c)) != ERR_OK)
		goto render;
	/* The seed's renderer ignores indent; jout_init drops it for that style. */
	jout_init(&c.out, &resp->body, ep->kind == EP_SEED ? JOUT_PYTHON : JOUT_DRF, c.indent);
	if (ep->authenticate &&
	    (e = auth_request(cfg, db, req->authorization, c.now, &c.user, &c.authed,
	    &c.err)) != ERR_OK)
		goto render;
	if (ep->require_auth && !c.authed) {
		e = errinfo_set(&c.err, ERR_NOT_AUTHENTICATED, NULL);
		goto render;
	}
	e = dispatch(&c);
render:
	if (e != ERR_OK && e != ERR_INVALID && e != ERR_LOGIN)
		log_info("%s %s -> %d %s", req->method, ep->path, err_status(e), err_strerror(e));
	render_view(&c, e);
out:
	for (i = 0; i < EP_MAXPARAMS; i++)
		free(c.params[i]);
	explicit_bzero(&c.user, sizeof(c.user));
	buf_free(&loc);
}

/* Serve one request on io. */
static void
serve(const struct endpoint *ep, const struct cfg *cfg, struct db *db, struct http_io *io)
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
	} else
		handle(ep, cfg, db, &req, &resp);
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

/* The FastCGI accept loop on the listening socket at fd 0. */
static void
fcgi_loop(const struct endpoint *ep, const struct cfg *cfg, struct db *db)
{
	FCGX_Request	 rq;

	if (FCGX_InitRequest(&rq, 0, 0) != 0) {
		log_err("FCGX_InitRequest failed");
		return;
	}
	while (FCGX_Accept_r(&rq) >= 0) {
		serve(ep, cfg, db, http_io_fcgi(&rq));
		FCGX_Finish_r(&rq);
	}
	FCGX_Free(&rq, 1);
}

static volatile sig_atomic_t stopping;

static void
on_stop(int sig)
{
	(void)sig;
	stopping = 1;
}

/*
 * workers > 1: fork that many processes accepting on the one socket (what
 * spawn-fcgi -F does), and replace any that dies, as long as we are not told
 * to stop.  SIGTERM/SIGINT are passed on.  Returns the exit status.
 */
static int
supervise(const struct endpoint *ep, const struct cfg *cfg, struct db *db)
{
	pid_t		*kids;
	pid_t		 pid;
	long		 i, n = cfg->workers;
	int		 status;
	time_t		 window = 0;
	int		 recent = 0;
	struct sigaction sa;

	if ((kids = calloc((size_t)n, sizeof(*kids))) == NULL)
		return 1;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	for (;;) {
		for (i = 0; i < n && !stopping; i++) {
			if (kids[i] != 0)
				continue;
			/* A worker that cannot stay up must not turn into a fork loop. */
			if (time(NULL) != window) {
				window = time(NULL);
				recent = 0;
			}
			if (++recent > 2 * n) {
				sleep(1);
				continue;
			}
			if ((pid = fork()) == -1) {
				log_err("fork: %s", strerror(errno));
				sleep(1);
				continue;
			}
			if (pid == 0) {
				signal(SIGTERM, SIG_DFL);
				signal(SIGINT, SIG_DFL);
				free(kids);
				fcgi_loop(ep, cfg, db);
				_exit(0);
			}
			kids[i] = pid;
		}
		if (stopping)
			break;
		if ((pid = waitpid(-1, &status, 0)) == -1) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (i = 0; i < n; i++)
			if (kids[i] == pid) {
				kids[i] = 0;
				if (!stopping)
					log_warn("worker %ld (pid %ld) %s %d; starting another", i,
					    (long)pid, WIFSIGNALED(status) ? "killed by signal" :
					    "exited with", WIFSIGNALED(status) ? WTERMSIG(status) :
					    WEXITSTATUS(status));
			}
	}
	for (i = 0; i < n; i++)
		if (kids[i] != 0)
			kill(kids[i], SIGTERM);
	while (waitpid(-1, &status, 0) > 0 || errno == EINTR)
		continue;
	free(kids);
	return 0;
}

int
app_main(const struct endpoint *ep, int argc, char *argv[])
{
	struct cfg	 cfg;
	struct db	*db = NULL;
	char		 err[512];
	int		 lvl, rc = 0;

	(void)argc;
	(void)argv;
	signal(SIGPIPE, SIG_IGN);
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
	if (FCGX_IsCGI()) {
		serve(ep, &cfg, db, http_io_cgi());
	} else {
		if (FCGX_Init() != 0) {
			fprintf(stderr, "%s: FastCGI initialisation failed\n", ep->prog);
			goto fail;
		}
		if (cfg.workers > 1)
			rc = supervise(ep, &cfg, db);
		else
			fcgi_loop(ep, &cfg, db);
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

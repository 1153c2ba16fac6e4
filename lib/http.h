/*
 * http.h - one request and its response, whichever way the request came
 * (struct http_io_ops: CGI, FastCGI, or a test's).
 */
#ifndef JWTAUTH_HTTP_H
#define JWTAUTH_HTTP_H

#include <stddef.h>

#include "buf.h"

/*
 * How a request reaches us: a small table of operations, one file per way
 * of being called (io_cgi.c: a CGI process's environment, stdin and stdout;
 * io_fcgi.c: a libfcgi request; the unit tests have one in memory).
 */
struct http_io_ops {
	/* A CGI meta-variable or HTTP_* header of the request; NULL when absent. */
	const char	*(*param)(void *arg, const char *name);
	/* Read up to n body bytes: the count, 0 at the end, -1 on error. */
	long		 (*read)(void *arg, char *p, size_t n);
	/* Write all n bytes: 0, or -1 when the client went away. */
	int		 (*write)(void *arg, const char *p, size_t n);
};

struct http_io {
	const struct http_io_ops *ops;
	void			*arg;
};

/*
 * The request as the application sees it.  Header strings are NULL when
 * the header was absent (an empty header is "").  path is the URL path
 * percent-decoded (as WSGI's PATH_INFO); raw_path is as sent.
 */
struct http_req {
	char		 method[32];	/* upper-cased, as Django does */
	int		 method_truncated;
	char		*raw_path;	/* owned */
	char		*path;		/* owned, decoded; may contain any byte but NUL */
	const char	*query;		/* QUERY_STRING, "" when none */
	const char	*content_type;
	long long	 content_length;	/* 0 when absent or malformed */
	const char	*authorization;
	const char	*accept;
	const char	*origin;
	const char	*acr_method;	/* Access-Control-Request-Method */
	const char	*remote_addr;	/* REMOTE_ADDR */
	const char	*forwarded_for;	/* X-Forwarded-For */
	const char	*user_agent;
	struct http_io	*io;
};

#define HTTP_MAXHDRS	16

/* A response; zero-initialise, free with http_resp_free(). */
struct http_resp {
	int		 status;
	size_t		 nhdrs;
	struct {
		char	 name[40];
		char	*value;		/* owned; echoes of the request (Location, Origin) have any length */
	} hdrs[HTTP_MAXHDRS];
	struct buf	 body;
};

void	 http_resp_free(struct http_resp *r);

/*
 * The path as Django's request.path has it: percent-escapes decoded, then
 * bytes that are not UTF-8 percent-encoded again (repercent_broken_unicode);
 * %00 stays as it is.  Returns a malloc'd string, NULL when out of memory.
 */
char	*http_decode_path(const char *raw, size_t n);

/* Fill req from io's environment.  Returns 0, or -1 on allocation failure. */
int	 http_req_init(struct http_req *req, struct http_io *io);
void	 http_req_free(struct http_req *req);

/*
 * Read the body: exactly content_length bytes, never more (libfcgi would
 * hand over whatever stdin holds).  The caller has already checked the
 * length against its cap.  Returns 0, or -1 when the stream ended early or
 * failed (the client went away).
 */
int	 http_read_body(struct http_req *req, struct buf *body);

/* Add or replace a header (names compared case-insensitively); CR and LF become spaces. */
void	 http_set_header(struct http_resp *r, const char *name, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
const char *http_get_header(const struct http_resp *r, const char *name);

/* Write status line, headers, Content-Length and body to io. */
int	 http_send(struct http_io *io, const struct http_resp *r);

/* Standard reason phrase. */
const char *http_reason(int status);

/* The operations of each way of being called (io_cgi.c, io_fcgi.c). */
extern const struct http_io_ops http_io_cgi;	/* arg unused */
extern const struct http_io_ops http_io_fcgi;	/* arg: the FCGX_Request */

/* A request's meta-variable through io's operations. */
const char *http_param(struct http_io *io, const char *name);

#endif

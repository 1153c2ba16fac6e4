/*
 * http.h - one request and its response, the same for FastCGI (libfcgi's
 * FCGX_* calls) and plain CGI (environ, stdin, stdout).
 */
#ifndef JWTAUTH_HTTP_H
#define JWTAUTH_HTTP_H

#include <stddef.h>

#include "buf.h"

struct http_io;		/* FastCGI request or CGI process; opaque */

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

/* I/O back ends (app.c picks one). */
struct http_io *http_io_cgi(void);
struct http_io *http_io_fcgi(void *fcgx_request);	/* FCGX_Request * */

/* Environment variable of the request (CGI: getenv; FastCGI: params). */
const char *http_param(struct http_io *io, const char *name);

#endif

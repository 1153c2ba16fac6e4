/*
 * http.c - request environment, body and response over any struct
 * http_io (see http.h).
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http.h"
#include "pycompat.h"

const char *
http_param(struct http_io *io, const char *name)
{
	return io->ops->param(io->arg, name);
}

/*
 * The path as Django sees request.path: percent-escapes decoded (the WSGI
 * server's job), then bytes that are not valid UTF-8 percent-encoded again
 * (django.utils.encoding.repercent_broken_unicode).  NUL bytes cannot be
 * represented in our C strings; a decoded %00 stays "%00".
 */
char *
http_decode_path(const char *raw, size_t n)
{
	struct buf	 dec = BUF_INIT, out = BUF_INIT;
	size_t		 i, pos;
	const char	*why;
	int		 hi, lo;

	for (i = 0; i < n; i++) {
		if (raw[i] == '%' && i + 2 < n &&
		    (hi = py_hexdigit((unsigned char)raw[i + 1])) >= 0 &&
		    (lo = py_hexdigit((unsigned char)raw[i + 2])) >= 0 && (hi | lo) != 0) {
			buf_putc(&dec, hi * 16 + lo);
			i += 2;
		} else
			buf_putc(&dec, raw[i]);
	}
	/* Re-quote invalid UTF-8 one byte at a time (same result as Python's range quoting). */
	i = 0;
	while (buf_ok(&dec) && dec.len > i &&
	    py_utf8_error(dec.p + i, dec.len - i, &pos, &why) == 0) {
		buf_add(&out, dec.p + i, pos);
		buf_printf(&out, "%%%02X", (unsigned char)dec.p[i + pos]);
		i += pos + 1;
	}
	if (dec.len > i)
		buf_add(&out, dec.p + i, dec.len - i);
	else
		buf_add(&out, "", 0);
	buf_free(&dec);
	if (!buf_ok(&out)) {
		buf_free(&out);
		return NULL;
	}
	return out.p;
}

int
http_req_init(struct http_req *req, struct http_io *io)
{
	const char	*m, *uri, *q, *cl;
	char		*end;
	size_t		 i, plen;
	long long	 v;

	memset(req, 0, sizeof(*req));
	req->io = io;
	m = http_param(io, "REQUEST_METHOD");
	if (m == NULL)
		m = "GET";
	for (i = 0; m[i] != '\0' && i + 1 < sizeof(req->method); i++)
		req->method[i] = (char)toupper((unsigned char)m[i]);
	req->method[i] = '\0';
	req->method_truncated = m[i] != '\0';

	/* REQUEST_URI is the path as the client sent it; SCRIPT_NAME depends on the server's mapping. */
	if ((uri = http_param(io, "REQUEST_URI")) == NULL || *uri == '\0') {
		const char *sn = http_param(io, "SCRIPT_NAME"), *pi = http_param(io, "PATH_INFO");
		struct buf b = BUF_INIT;

		buf_puts(&b, sn ? sn : "");
		buf_puts(&b, pi ? pi : "");
		if (!buf_ok(&b))
			return -1;
		req->raw_path = b.p ? b.p : strdup("/");
	} else {
		q = strchr(uri, '?');
		plen = q ? (size_t)(q - uri) : strlen(uri);
		req->raw_path = strndup(uri, plen);
	}
	if (req->raw_path == NULL)
		return -1;
	if ((req->path = http_decode_path(req->raw_path, strlen(req->raw_path))) == NULL)
		return -1;
	req->query = http_param(io, "QUERY_STRING");
	if (req->query == NULL)
		req->query = "";
	req->content_type = http_param(io, "CONTENT_TYPE");
	if (req->content_type == NULL)
		req->content_type = http_param(io, "HTTP_CONTENT_TYPE");
	/* Django: int(CONTENT_LENGTH), 0 when missing or not a number. */
	if ((cl = http_param(io, "CONTENT_LENGTH")) != NULL && *cl != '\0') {
		errno = 0;
		v = strtoll(cl, &end, 10);
		if (errno == 0 && *end == '\0' && v > 0)
			req->content_length = v;
	}
	req->authorization = http_param(io, "HTTP_AUTHORIZATION");
	req->accept = http_param(io, "HTTP_ACCEPT");
	req->origin = http_param(io, "HTTP_ORIGIN");
	req->acr_method = http_param(io, "HTTP_ACCESS_CONTROL_REQUEST_METHOD");
	req->remote_addr = http_param(io, "REMOTE_ADDR");
	req->forwarded_for = http_param(io, "HTTP_X_FORWARDED_FOR");
	req->user_agent = http_param(io, "HTTP_USER_AGENT");
	return 0;
}

void
http_req_free(struct http_req *req)
{
	free(req->raw_path);
	free(req->path);
	req->raw_path = req->path = NULL;
}

int
http_read_body(struct http_req *req, struct buf *body)
{
	char		 chunk[8192];
	long long	 left = req->content_length;
	size_t		 want;
	long		 n;

	while (left > 0) {
		want = left < (long long)sizeof(chunk) ? (size_t)left : sizeof(chunk);
		n = req->io->ops->read(req->io->arg, chunk, want);
		if (n <= 0)
			return -1;
		if (buf_add(body, chunk, (size_t)n) == -1)
			return -1;
		left -= n;
	}
	return 0;
}

void
http_set_header(struct http_resp *r, const char *name, const char *fmt, ...)
{
	va_list	 ap;
	size_t	 i;
	char	*v, *p;
	int	 n;

	va_start(ap, fmt);
	n = vasprintf(&v, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;		/* out of memory: the header is left out */
	/* Values may echo request data (Origin, the path): never let CR/LF split a header. */
	for (p = v; *p != '\0'; p++)
		if (*p == '\r' || *p == '\n')
			*p = ' ';
	for (i = 0; i < r->nhdrs; i++)
		if (strcasecmp(r->hdrs[i].name, name) == 0)
			break;
	if (i == r->nhdrs) {
		if (r->nhdrs == HTTP_MAXHDRS) {
			free(v);
			return;
		}
		r->nhdrs++;
		(void)snprintf(r->hdrs[i].name, sizeof(r->hdrs[i].name), "%s", name);
	} else
		free(r->hdrs[i].value);
	r->hdrs[i].value = v;
}

void
http_resp_free(struct http_resp *r)
{
	size_t	 i;

	for (i = 0; i < r->nhdrs; i++) {
		free(r->hdrs[i].value);
		r->hdrs[i].value = NULL;
	}
	r->nhdrs = 0;
	buf_wipe(&r->body);	/* holds tokens */
}

const char *
http_get_header(const struct http_resp *r, const char *name)
{
	size_t	 i;

	for (i = 0; i < r->nhdrs; i++)
		if (strcasecmp(r->hdrs[i].name, name) == 0)
			return r->hdrs[i].value;
	return NULL;
}

const char *
http_reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 201: return "Created";
	case 301: return "Moved Permanently";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 406: return "Not Acceptable";
	case 413: return "Request Entity Too Large";
	case 415: return "Unsupported Media Type";
	case 429: return "Too Many Requests";
	case 500: return "Internal Server Error";
	case 503: return "Service Unavailable";
	default: return "Unknown";
	}
}

int
http_send(struct http_io *io, const struct http_resp *r)
{
	struct buf	 head = BUF_INIT;
	size_t		 i;
	int		 rc;

	buf_printf(&head, "Status: %d %s\r\n", r->status, http_reason(r->status));
	for (i = 0; i < r->nhdrs; i++)
		buf_printf(&head, "%s: %s\r\n", r->hdrs[i].name, r->hdrs[i].value);
	buf_printf(&head, "Content-Length: %zu\r\n\r\n", r->body.len);
	rc = buf_ok(&head) ? io->ops->write(io->arg, head.p, head.len) : -1;
	if (rc == 0 && r->body.len > 0)
		rc = io->ops->write(io->arg, r->body.p, r->body.len);
	buf_free(&head);
	return rc;
}

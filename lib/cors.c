/*
 * cors.c - django-cors-headers 3.14's origin check on CPython 3.11.2's
 * urllib.parse.urlsplit (see cors.h).
 *
 * The Origin header's bytes are read as Latin-1, as WSGI hands headers to
 * Django (PEP 3333); the configured origins are UTF-8, as in the settings
 * file.  Both are compared as UTF-8.  urlsplit's NFKC check of non-ASCII
 * netlocs (_checknetloc) is left out: no Latin-1 character normalises to
 * one of "/?#@:", so it never rejects an Origin header.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "cors.h"
#include "pycompat.h"

/* How the bytes of a URL are to be read. */
enum uenc {
	UE_LATIN1,	/* a request header: each byte one character */
	UE_UTF8		/* configuration */
};

/* The parts of urlsplit()'s result the check compares. */
struct split {
	struct buf	 url;		/* the URL after stripping, as UTF-8 */
	size_t		 schemelen;	/* scheme at url[0..schemelen), lower-cased */
	size_t		 netloc;	/* netloc at url[netloc..netloc + netloclen) */
	size_t		 netloclen;
};

/* ASCII digit (str.isascii() and isdigit()). */
static int
is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

/* ASCII letter (str.isascii() and isalpha()). */
static int
is_alpha(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* urllib.parse.scheme_chars */
static int
is_scheme_char(unsigned char c)
{
	return is_alpha(c) || is_digit(c) || c == '+' || c == '-' || c == '.';
}

/* First c in s[0..n), or NULL. */
static const char *
find(const char *s, size_t n, char c)
{
	return n > 0 ? memchr(s, c, n) : NULL;
}

/*
 * _check_bracketed_host: "v<hex>.<anything>" (re
 * \Av[a-fA-F0-9]+\..+\Z; no '\n' is left by then), else an IPv6 address
 * (ip_address() giving an IPv4 address is an error too).
 */
static int
bracketed_host_ok(const char *s, size_t n)
{
	size_t	 i;

	if (n > 0 && s[0] == 'v') {
		for (i = 1; i < n && py_hexdigit((unsigned char)s[i]) >= 0; i++)
			continue;
		return i > 1 && i < n && s[i] == '.' && i + 1 < n;
	}
	if (py_is_ipv4(s, n))
		return 0;
	return py_is_ipv6(s, n);
}

/*
 * _check_bracketed_netloc: after the last '@', either "[host]" with
 * nothing before the '[' and only ":port" after the ']', or a host up to
 * the first ':'; the host must pass bracketed_host_ok().
 */
static int
bracketed_netloc_ok(const char *s, size_t n)
{
	const char	*at, *lb, *rb;
	size_t		 i;

	for (at = NULL, i = 0; i < n; i++)
		if (s[i] == '@')
			at = s + i;
	if (at != NULL) {
		n -= (size_t)(at + 1 - s);
		s = at + 1;
	}
	if ((lb = find(s, n, '[')) != NULL) {
		if (lb != s)
			return 0;
		s++;
		n--;
		if ((rb = find(s, n, ']')) != NULL) {
			if ((size_t)(rb + 1 - s) < n && rb[1] != ':')
				return 0;
			n = (size_t)(rb - s);
		}
		return bracketed_host_ok(s, n);
	}
	if ((rb = find(s, n, ':')) != NULL)
		n = (size_t)(rb - s);
	return bracketed_host_ok(s, n);
}

/* Append one character of s (read in enc) as UTF-8. */
static int
put_char(struct buf *b, unsigned char c, enum uenc enc)
{
	if (enc == UE_UTF8)
		return buf_add(b, &c, 1);
	return py_utf8_put(b, c);
}

/*
 * urlsplit(s) as far as the scheme and netloc go.  Returns 0, -1 where
 * Python raises ValueError ("Invalid IPv6 URL" and the bracketed-host
 * checks), -2 when out of memory.  sp->url is always to be freed.
 */
static int
url_split(const char *s, enum uenc enc, struct split *sp)
{
	const char	*u, *nl;
	size_t		 n, i;

	memset(sp, 0, sizeof(*sp));
	/* url.lstrip(_WHATWG_C0_CONTROL_OR_SPACE), then drop '\t', '\r', '\n'. */
	while (*s != '\0' && (unsigned char)*s <= ' ')
		s++;
	for (; *s != '\0'; s++)
		if (*s != '\t' && *s != '\r' && *s != '\n')
			(void)put_char(&sp->url, (unsigned char)*s, enc);
	if (!buf_ok(&sp->url))
		return -2;
	u = buf_str(&sp->url);
	n = sp->url.len;

	/* A scheme: an ASCII letter, then scheme_chars up to the first ':'. */
	if ((nl = find(u, n, ':')) != NULL && nl > u && is_alpha((unsigned char)u[0])) {
		for (i = 0; u + i < nl && is_scheme_char((unsigned char)u[i]); i++)
			continue;
		if (u + i == nl) {
			for (i = 0; u + i < nl; i++)
				if (u[i] >= 'A' && u[i] <= 'Z')
					sp->url.p[i] = (char)(u[i] + 32);
			sp->schemelen = i;
			u += i + 1;
			n -= i + 1;
		}
	}
	/* A netloc: after "//", up to the first of '/', '?', '#'. */
	if (n < 2 || u[0] != '/' || u[1] != '/')
		return 0;
	sp->netloc = (size_t)(u + 2 - sp->url.p);
	for (i = 2; i < n && u[i] != '/' && u[i] != '?' && u[i] != '#'; i++)
		continue;
	sp->netloclen = i - 2;
	u += 2;
	n = sp->netloclen;
	if ((find(u, n, '[') == NULL) != (find(u, n, ']') == NULL))
		return -1;
	if (find(u, n, '[') != NULL && !bracketed_netloc_ok(u, n))
		return -1;
	return 0;
}

/* Same scheme and netloc. */
static int
split_eq(const struct split *a, const struct split *b)
{
	const char	*as = buf_str(&a->url), *bs = buf_str(&b->url);

	return a->schemelen == b->schemelen &&
	    memcmp(as, bs, a->schemelen) == 0 &&
	    a->netloclen == b->netloclen &&
	    memcmp(as + a->netloc, bs + b->netloc, a->netloclen) == 0;
}

/*
 * CorsMiddleware.process_response's test: an empty Origin gets no CORS
 * headers, one urlsplit rejects neither; "null" is allowed when "null"
 * is configured; else scheme and netloc must equal a configured origin's.
 * A configured origin urlsplit rejects (Python: a 500 on every request
 * with an Origin) matches nothing.
 */
int
cors_origin_allowed(const char *origin, const char *const *allowed,
    size_t nallowed)
{
	struct split	 o, a;
	size_t		 i;
	int		 found = 0;

	memset(&o, 0, sizeof(o));
	memset(&a, 0, sizeof(a));
	if (origin == NULL || *origin == '\0' ||
	    url_split(origin, UE_LATIN1, &o) != 0)
		goto out;
	if (strcmp(origin, "null") == 0)
		for (i = 0; i < nallowed && !found; i++)
			found = strcmp(allowed[i], "null") == 0;
	for (i = 0; i < nallowed && !found; i++) {
		if (url_split(allowed[i], UE_UTF8, &a) == 0)
			found = split_eq(&o, &a);
		buf_free(&a.url);
	}
out:
	buf_free(&o.url);
	return found;
}

/*
 * mime.h - media types as Django and DRF parse and match them:
 * django.http.multipartparser.parse_header (and cgi.parse_header, which
 * Django's HttpRequest reads the charset with), rest_framework.utils.mediatypes
 * (_MediaType, media_type_matches, order_by_precedence),
 * rest_framework.negotiation.DefaultContentNegotiation, and a request's
 * Content-Type parsed once for the body parsers (struct ctype).
 */
#ifndef JWTAUTH_MIME_H
#define JWTAUTH_MIME_H

#include <stddef.h>

#include "buf.h"

struct pycodec;

#define MIME_MAXPARAMS	8

/*
 * A parsed media type.  Pointers point into the caller's string except
 * where noted; lengths are explicit.  type is lower-cased into typebuf.
 */
struct mime {
	char		 typebuf[128];	/* full type, lower-cased, e.g. "application/json" */
	const char	*main;		/* into typebuf */
	size_t		 mainlen;
	const char	*sub;		/* into typebuf */
	size_t		 sublen;
	size_t		 nparams;
	struct {
		char	 name[32];	/* lower-cased */
		char	 value[128];	/* unquoted as parse_header does */
	} params[MIME_MAXPARAMS];
	int		 truncated;	/* something did not fit; treat as unmatched */
};

/* parse_header(s) into m.  s is NUL-terminated. Never fails; odd input gives odd types. */
void	 mime_parse(const char *s, struct mime *m);

/* Value of parameter name (lower-case) or NULL. */
const char *mime_param(const struct mime *m, const char *name);

/*
 * _MediaType(lhs).match(_MediaType(rhs)) i.e. media_type_matches(lhs, rhs):
 * lhs is a parser's or renderer's own type ("application/json").
 */
int	 mime_matches(const char *lhs, const char *rhs);

/* _MediaType(s).precedence: 0 for "*" main type, 1 for a "x/any" wildcard subtype, 2 plain or only q, 3 with params. */
int	 mime_precedence(const char *s);

/*
 * DefaultContentNegotiation.select_renderer without the format filter:
 * accept is the Accept header (NULL when absent: "*" "/" "*"), renderers the
 * media types of the view's renderers in order.  Returns the index of the
 * chosen renderer, or -1 for 406 Not Acceptable.  When indent is not NULL it
 * receives the "indent" parameter of the accepted media type clamped to
 * 0..8 as DRF's JSONRenderer.get_indent does (0 = none).
 */
int	 mime_negotiate(const char *accept, const char *const *renderers, size_t n, int *indent);

/* ------------------------------------------------------------ parse_header */

/* One parameter of a parsed header line: offsets into mime_hdr.store. */
struct mime_hparam {
	size_t	 name, namelen;	/* lower-cased (ASCII letters) */
	size_t	 val, vallen;
	int	 isstr;		/* RFC 2231 decoded: a str (UTF-8); else the bytes as sent */
};

/*
 * parse_header(line) without size limits: the key first in store (stripped,
 * lower-cased in MIME_DJANGO), then the names and values; p is the pdict in
 * insertion order, each name holding its last value.  Filled by
 * mime_hdr_parse(), released by mime_hdr_free(); a zeroed one is empty.
 */
struct mime_hdr {
	struct buf		 store;
	size_t			 typelen;	/* key at store.p[0..typelen) */
	size_t			 mainlen;	/* up to the first '/', or typelen */
	struct mime_hparam	*p;
	size_t			 np, cap;
};

/* Which parse_header. */
enum mime_hmode {
	MIME_DJANGO,	/* django.http.multipartparser.parse_header(bytes): DRF's
			   _MediaType (on the header's UTF-8) and the part
			   headers of MultiPartParser (raw bytes) */
	MIME_CGI,	/* cgi.parse_header(str) on UTF-8 text: how Django's
			   HttpRequest reads the charset; never raises */
};

/* What mime_hdr_parse() gives. */
enum mime_hrc {
	MIME_H_OK = 0,
	MIME_H_VALUE = -1,	/* Python raises ValueError or UnicodeDecodeError: a
				   non-ASCII key or name, an RFC 2231 value that is
				   not charset'lang'text or not UTF-8 */
	MIME_H_LOOKUP = -2,	/* Python raises LookupError: an RFC 2231 charset
				   codecs.lookup() does not know */
	MIME_H_NOMEM = -3,	/* out of memory */
};

/*
 * parse_header(s[0..n)) in mode into h, which need not be initialised and
 * must always be released with mime_hdr_free().  s is bytes (UTF-8 text in
 * MIME_CGI and for a header str); it need not be NUL-terminated.
 */
enum mime_hrc mime_hdr_parse(struct mime_hdr *h, const char *s, size_t n,
	    enum mime_hmode mode);

/*
 * pdict.get(name) (name lower-case): the value's bytes (NUL-terminated is
 * not promised; *len is its length) and, when isstr is not NULL, whether it
 * is a decoded str; NULL when absent.  Points into h.
 */
const char *mime_hdr_param(const struct mime_hdr *h, const char *name,
	    size_t *len, int *isstr);

/* Release what h holds; h is left empty (a zeroed h is fine too). */
void	 mime_hdr_free(struct mime_hdr *h);

/* ------------------------------------------------------------ Content-Type */

/*
 * The parser DRF selects for a request Content-Type among JSON, form and
 * multipart (in that order), or MIME_PARSER_NONE (415).
 */
enum mime_parser {
	MIME_PARSER_NONE = -1,
	MIME_PARSER_JSON = 0,
	MIME_PARSER_FORM = 1,
	MIME_PARSER_MULTIPART = 2,
};

/*
 * A request's Content-Type, parsed once by mime_ctype_parse() and handed to
 * the parser selection and the body parsers.  Everything DRF and Django
 * read from it is here.
 */
struct ctype {
	const char		*raw;	/* the header's bytes ("" when absent): the caller's string */
	struct buf		 text;	/* raw read as Latin-1 (the str WSGI gives Django), as UTF-8 */
	int			 raises;	/* _MediaType() raises on it (the original's 500): unsupported here */
	struct mime_hdr		 h;	/* parse_header(text) as _MediaType has it (empty when raises) */
	enum mime_parser	 parser;	/* select_parser(); MIME_PARSER_NONE when raises */
	int			 form;	/* is_form_media_type(); 0 when raises */
	const struct pycodec	*codec;	/* request.encoding: cgi.parse_header's charset when
					   codecs.lookup() knows it, else utf-8 */
};

/*
 * Parse content_type (NULL when absent; its bytes must outlive ct) into ct.
 * Returns 0, or -1 when out of memory.  ct must always be released with
 * mime_ctype_free().
 */
int	 mime_ctype_parse(struct ctype *ct, const char *content_type);

/* Release what ct holds (a zeroed ct is fine too). */
void	 mime_ctype_free(struct ctype *ct);

#endif

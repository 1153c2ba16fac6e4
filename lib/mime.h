/*
 * mime.h - media types as Django and DRF parse and match them:
 * django.http.multipartparser.parse_header, rest_framework.utils.mediatypes
 * (_MediaType, media_type_matches, order_by_precedence) and
 * rest_framework.negotiation.DefaultContentNegotiation.
 */
#ifndef JWTAUTH_MIME_H
#define JWTAUTH_MIME_H

#include <stddef.h>

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
enum mime_parser mime_select_parser(const char *content_type);

/* rest_framework.request.is_form_media_type: base type is form or multipart. */
int	 mime_is_form(const char *content_type);

#endif

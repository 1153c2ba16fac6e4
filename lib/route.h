/*
 * route.h - URL resolution as Django's resolver and CommonMiddleware do it
 * for one endpoint: match a path against the endpoint's URL, and the
 * APPEND_SLASH redirect's Location.  Pure functions.
 */
#ifndef JWTAUTH_ROUTE_H
#define JWTAUTH_ROUTE_H

#include "buf.h"

/*
 * Match the decoded path against base (the canonical URL with its trailing
 * slash) followed by nparams segments "<str:x>/" (at most 2).  Returns 0
 * when it is the URL (params[0..nparams) receive malloc'd copies of the
 * segments; the caller frees them, also on the other returns), 1 when only
 * the trailing slash is missing (APPEND_SLASH applies), -1 when no URL
 * pattern of the original matches (and for a NULL base).
 */
int	 route_match(const char *base, int nparams, const char *path, char *params[]);

/*
 * Django's get_full_path(force_append_slash=True) as a Location, appended
 * to out: path (request.path: decoded, broken UTF-8 as %XX) quoted as
 * escape_uri_path does ('%' included), a slash, and query (the raw
 * QUERY_STRING, may be "") with iri_to_uri's quoting of its Latin-1
 * reading, as under a WSGI server.
 */
void	 route_slash_location(const char *path, const char *query, struct buf *out);

/*
 * The raw QUERY_STRING query as Django's iri_to_uri() writes its Latin-1
 * reading (WSGI), appended to out: what get_full_path() puts after '?'.
 */
void	 route_iri_query(const char *query, struct buf *out);

#endif

/*
 * cors.h - django-cors-headers 3.14's origin check.
 */
#ifndef JWTAUTH_CORS_H
#define JWTAUTH_CORS_H

#include <stddef.h>

/*
 * CorsMiddleware.origin_found_in_white_lists for CORS_ALLOW_ALL_ORIGINS =
 * False and no regexes: 1 when origin (the Origin header, NUL-terminated) is
 * allowed by one of the configured origins, else 0.  Compares scheme and
 * netloc as Python's urllib.parse.urlsplit gives them (scheme lower-cased,
 * netloc as is, path/query ignored); "null" matches only a configured
 * "null"; an origin urlsplit rejects (bad IPv6 brackets) is not allowed.
 */
int	 cors_origin_allowed(const char *origin, const char *const *allowed, size_t nallowed);

/* The fixed lists django-cors-headers sends on OPTIONS responses. */
#define CORS_ALLOW_HEADERS \
	"accept, accept-encoding, authorization, content-type, dnt, origin, user-agent, x-csrftoken, x-requested-with"
#define CORS_ALLOW_METHODS	"DELETE, GET, OPTIONS, PATCH, POST, PUT"
#define CORS_MAX_AGE		"86400"

#endif

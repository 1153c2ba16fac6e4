/*
 * auth.h - simplejwt's JWTAuthentication on the Authorization header.
 */
#ifndef JWTAUTH_AUTH_H
#define JWTAUTH_AUTH_H

#include "cfg.h"
#include "db.h"
#include "err.h"

enum auth_header {
	AUTH_ANONYMOUS,	/* no header, empty, or another scheme: DRF sees no credentials */
	AUTH_MALFORMED,	/* "Bearer" without exactly one token after it */
	AUTH_BEARER,	/* *tok / *toklen: the raw token */
};

/*
 * JWTAuthentication.get_raw_token on the header (NULL when absent):
 * header.split() on ASCII whitespace, "Bearer" case-sensitive.
 */
enum auth_header auth_parse_header(const char *header, const char **tok, size_t *toklen);

/*
 * Authenticate from header (NULL when absent).  Returns ERR_OK with
 * *authed = 0 when no Bearer credentials were sent (DRF then sees an
 * anonymous user), ERR_OK with *authed = 1 and u filled for a valid access
 * token of an active user, or the 401 error (ERR_AUTH_HEADER, ERR_TOKEN
 * with simplejwt's message in ei->detail, ERR_TOKEN_NO_USER,
 * ERR_USER_NOT_FOUND, ERR_USER_INACTIVE) or ERR_UNAVAILABLE.
 */
enum err auth_request(const struct cfg *c, struct db *db, const char *header,
	    double now, struct db_user *u, int *authed, struct errinfo *ei);

#endif

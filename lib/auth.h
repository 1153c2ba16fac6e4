/*
 * auth.h - simplejwt's JWTAuthentication on the Authorization header.
 */
#ifndef JWTAUTH_AUTH_H
#define JWTAUTH_AUTH_H

#include "cfg.h"
#include "db.h"
#include "err.h"

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

/*
 * auth.h - simplejwt's JWTAuthentication on the Authorization header.
 */
#ifndef JWTAUTH_AUTH_H
#define JWTAUTH_AUTH_H

#include "cfg.h"
#include "db.h"
#include "err.h"
#include "token.h"

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
 * anonymous user), ERR_OK with *authed = 1, u filled and *iat the token's
 * iat (whole seconds) for a valid access token of an active user, or the 401 error (ERR_AUTH_HEADER, ERR_TOKEN
 * with simplejwt's message in ei->detail, ERR_TOKEN_NO_USER,
 * ERR_USER_NOT_FOUND, ERR_USER_INACTIVE) or ERR_UNAVAILABLE.
 */
enum err auth_request(const struct cfg *c, struct db *db, const char *header,
	    double now, struct db_user *u, int *authed, int64_t *iat, struct errinfo *ei);

/*
 * Revocation of a token t of user u (issue 11): AUTH_REVOKED when [tokens]
 * revoke_on_password_change is on and t's iat is at or before u's
 * revocation time (a password change, reset, admin set-password or
 * deactivation; a token without a numeric iat counts as older) and is not
 * u's kept iat (the session that changed its own password), else
 * AUTH_PASSWORD_CHANGED when check_revoke_token is on and t's
 * hash_password claim is not the one of u's stored hash, else AUTH_VALID.
 */
enum auth_revoked {
	AUTH_VALID,
	AUTH_REVOKED,		/* "Token is invalid or expired", as an expired token */
	AUTH_PASSWORD_CHANGED,	/* simplejwt 5.3: "The user's password has been changed." */
};

enum auth_revoked auth_revoked(const struct cfg *c, const struct tok *t, const struct db_user *u);

/* The name of simplejwt 5.3's REVOKE_TOKEN_CLAIM. */
#define AUTH_REVOKE_CLAIM	"hash_password"

/*
 * simplejwt 5.3's get_md5_hash_password(hash): the MD5 of the stored hash,
 * 32 upper-case hex digits, into out.  0, or -1 when MD5 is unavailable.
 */
int	 auth_password_claim(const char *hash, char out[33]);

#endif

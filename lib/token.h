/*
 * token.h - simplejwt 5.2.2's tokens as PyJWT 2.6 encodes them: HS256
 * only, claims token_type, exp, iat, jti (32 hex, a UUID4) and user_id in
 * that order, lifetimes from the configuration.  Key rotation ([keys],
 * cfg.h): new tokens are signed with the keyring's signing key and carry
 * its "kid" when several keys are configured; a token's "kid" picks the
 * key that verifies it.  No JWT library: signing
 * is base64url and HMAC-SHA256 (hmac.c); tok_decode() checks the signature
 * with HS256 pinned, then every claim in the order PyJWT 2.6 and simplejwt
 * check them, with simplejwt's message.
 */
#ifndef JWTAUTH_TOKEN_H
#define JWTAUTH_TOKEN_H

#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "cfg.h"

enum tok_type {
	TOK_ACCESS,	/* AccessToken: token_type "access" */
	TOK_REFRESH,	/* RefreshToken: token_type "refresh" */
	TOK_UNTYPED,	/* UntypedToken (verify view): token_type not looked at */
};

/* A decoded, verified token.  payload is owned (json_object_put via tok_free). */
struct tok {
	json_object	*payload;
};

/* simplejwt's messages. */
#define TOK_MSG_INVALID		"Token is invalid or expired"
#define TOK_MSG_NO_EXP		"Token has no 'exp' claim"
#define TOK_MSG_EXPIRED		"Token 'exp' claim has expired"
#define TOK_MSG_NO_ID		"Token has no id"
#define TOK_MSG_NO_TYPE		"Token has no type"
#define TOK_MSG_WRONG_TYPE	"Token has wrong type"
/* The token_blacklist app's. */
#define TOK_MSG_BLACKLISTED	"Token is blacklisted"

/*
 * Decode raw (n bytes) and verify it as a token of type want at time now
 * (seconds, with fraction).  Returns 0 and fills t, or -1 with *msg set to
 * simplejwt's message.
 */
int	 tok_decode(const struct cfg *c, const char *raw, size_t n, enum tok_type want,
	    double now, struct tok *t, const char **msg);
void	 tok_free(struct tok *t);

/*
 * The user_id claim as JWTAuthentication.get_user would look it up:
 * 1 and *id set for an integer (or a string int() accepts, or a float,
 * truncated); 0 when the claim is absent; -1 when it names no possible user
 * (null, bool, list, object, text that is not a number, out of range).
 */
int	 tok_user_id(const struct tok *t, int64_t *id);

/* Python truthiness of a claim's value (absent: 0). */
int	 tok_claim_truthy(const struct tok *t, const char *claim);

/*
 * RefreshToken.for_user(user) and its access_token: a new refresh/access
 * pair issued at now.  Strings are malloc'd; free with tok_str_free.
 */
int	 tok_issue_pair(const struct cfg *c, int64_t user_id, time_t now,
	    char **refresh, char **access);

/*
 * RefreshToken(raw).access_token: a new access token whose exp counts from
 * now, carrying every claim of the refresh token but token_type, exp and
 * jti (so iat and user_id are copied as they are).
 */
int	 tok_access_from_refresh(const struct cfg *c, const struct tok *refresh,
	    time_t now, char **access);

/*
 * A claim's value: its string (NUL-free; NULL when absent or not a
 * string), or its number (0: absent or not a number).
 */
const char	*tok_claim_str(const struct tok *t, const char *claim);
int	 tok_claim_num(const struct tok *t, const char *claim, double *v);

/*
 * tok_issue_pair with one more string claim after user_id in both tokens
 * (simplejwt 5.3's CHECK_REVOKE_TOKEN: claim "hash_password"); claim NULL:
 * none, as tok_issue_pair.
 */
int	 tok_issue_pair_claim(const struct cfg *c, int64_t user_id, time_t now,
	    const char *claim, const char *value, char **refresh, char **access);

/*
 * TokenRefreshSerializer's rotation: refresh's claims, in their order,
 * with a new jti and exp and iat = now.  The string is malloc'd.
 */
int	 tok_rotate(const struct cfg *c, const struct tok *refresh, time_t now, char **out);

/* Wipe and free a token string; s may be NULL. */
void	 tok_str_free(char *s);

#endif

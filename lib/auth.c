/*
 * auth.c - JWTAuthentication.authenticate / get_raw_token / get_user of
 * simplejwt 5.2.2 (see auth.h).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>

#include "auth.h"
#include "pycompat.h"
#include "token.h"

/* bytes.split() whitespace: space, \t, \n, \v, \f, \r. */
static int
py_bspace(unsigned char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

enum auth_header
auth_parse_header(const char *header, const char **tok, size_t *toklen)
{
	const char	*p, *parts[3];
	size_t		 lens[3], nparts = 0;

	if (header == NULL)
		return AUTH_ANONYMOUS;
	/* header.split(): up to three parts are enough to tell 0, 1, 2 or more. */
	for (p = header; *p != '\0' && nparts < 3;) {
		while (*p != '\0' && py_bspace((unsigned char)*p))
			p++;
		if (*p == '\0')
			break;
		parts[nparts] = p;
		while (*p != '\0' && !py_bspace((unsigned char)*p))
			p++;
		lens[nparts] = (size_t)(p - parts[nparts]);
		nparts++;
	}
	while (*p != '\0' && py_bspace((unsigned char)*p))
		p++;
	if (*p != '\0')
		nparts = 3;
	if (nparts == 0 || lens[0] != 6 || memcmp(parts[0], "Bearer", 6) != 0)
		return AUTH_ANONYMOUS;	/* nothing, or not ours */
	if (nparts != 2)
		return AUTH_MALFORMED;
	*tok = parts[1];
	*toklen = lens[1];
	return AUTH_BEARER;
}

enum err
auth_request(const struct cfg *c, struct db *db, const char *header, double now,
    struct db_user *u, int *authed, int64_t *iat, struct errinfo *ei)
{
	double		 d;
	const char	*raw = NULL, *msg;
	size_t		 rawlen = 0;
	struct tok	 t = { NULL };
	int64_t		 id;
	int		 rc;
	enum err	 e;

	*authed = 0;
	switch (auth_parse_header(header, &raw, &rawlen)) {
	case AUTH_ANONYMOUS:
		return ERR_OK;
	case AUTH_MALFORMED:
		return errinfo_set(ei, ERR_AUTH_HEADER, NULL);
	case AUTH_BEARER:
		break;
	}
	if (tok_decode(c, raw, rawlen, TOK_ACCESS, now, &t, &msg) == -1)
		return errinfo_set(ei, ERR_TOKEN, "%s", msg);
	rc = tok_user_id(&t, &id);
	if (rc == 0) {
		e = errinfo_set(ei, ERR_TOKEN_NO_USER, NULL);
		goto out;
	}
	if (rc == -1) {
		e = errinfo_set(ei, ERR_USER_NOT_FOUND, NULL);
		goto out;
	}
	switch (db_user_by_id(db, id, u)) {
	case DB_OK:
		break;
	case DB_NONE:
		e = errinfo_set(ei, ERR_USER_NOT_FOUND, NULL);
		goto out;
	default:
		e = errinfo_set(ei, ERR_UNAVAILABLE, NULL);
		goto out;
	}
	if (!u->is_active) {
		e = errinfo_set(ei, ERR_USER_INACTIVE, NULL);
		goto out;
	}
	switch (auth_revoked(c, &t, u)) {
	case AUTH_VALID:
		break;
	case AUTH_REVOKED:
		e = errinfo_set(ei, ERR_TOKEN, "%s", TOK_MSG_INVALID);
		goto out;
	case AUTH_PASSWORD_CHANGED:
		e = errinfo_set(ei, ERR_PASSWORD_CHANGED, NULL);
		goto out;
	}
	*authed = 1;
	*iat = tok_claim_num(&t, "iat", &d) ? (int64_t)d : 0;
	e = ERR_OK;
out:
	tok_free(&t);
	return e;
}

enum auth_revoked
auth_revoked(const struct cfg *c, const struct tok *t, const struct db_user *u)
{
	const char	*claim;
	char		 want[33];
	double		 iat;

	if (c->revoke_on_password_change && u->revoked_at != 0 &&
	    (!tok_claim_num(t, "iat", &iat) || (iat <= (double)u->revoked_at &&
	    (u->kept_iat == 0 || iat != (double)u->kept_iat))))
		return AUTH_REVOKED;
	if (c->check_revoke_token) {
		claim = tok_claim_str(t, AUTH_REVOKE_CLAIM);
		if (claim == NULL || auth_password_claim(u->password, want) == -1 ||
		    !py_compare_digest(claim, strlen(claim), want, 32))
			return AUTH_PASSWORD_CHANGED;
	}
	return AUTH_VALID;
}

int
auth_password_claim(const char *hash, char out[33])
{
	unsigned char	 md[EVP_MAX_MD_SIZE];
	unsigned int	 n = 0, i;

	if (EVP_Digest(hash, strlen(hash), md, &n, EVP_md5(), NULL) != 1 || n != 16)
		return -1;
	for (i = 0; i < n; i++)
		(void)snprintf(out + 2 * i, 3, "%02X", md[i]);
	return 0;
}

/*
 * auth.c - JWTAuthentication.authenticate / get_raw_token / get_user of
 * simplejwt 5.2.2 (see auth.h).
 */
#include "config.h"

#include <string.h>

#include "auth.h"
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
    struct db_user *u, int *authed, struct errinfo *ei)
{
	const char	*raw = NULL, *msg;
	size_t		 rawlen = 0;
	struct tok	 t = { NULL };
	int64_t		 id;
	int		 rc;

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
	tok_free(&t);
	if (rc == 0)
		return errinfo_set(ei, ERR_TOKEN_NO_USER, NULL);
	if (rc == -1)
		return errinfo_set(ei, ERR_USER_NOT_FOUND, NULL);
	switch (db_user_by_id(db, id, u)) {
	case DB_OK:
		break;
	case DB_NONE:
		return errinfo_set(ei, ERR_USER_NOT_FOUND, NULL);
	default:
		return errinfo_set(ei, ERR_UNAVAILABLE, NULL);
	}
	if (!u->is_active)
		return errinfo_set(ei, ERR_USER_INACTIVE, NULL);
	*authed = 1;
	return ERR_OK;
}

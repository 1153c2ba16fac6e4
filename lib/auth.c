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

enum err
auth_request(const struct cfg *c, struct db *db, const char *header, double now,
    struct db_user *u, int *authed, struct errinfo *ei)
{
	const char	*p, *parts[3], *msg;
	size_t		 lens[3], nparts = 0;
	struct tok	 t = { NULL };
	int64_t		 id;
	int		 rc;

	*authed = 0;
	if (header == NULL)
		return ERR_OK;
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
	if (nparts == 0)
		return ERR_OK;
	if (lens[0] != 6 || memcmp(parts[0], "Bearer", 6) != 0)
		return ERR_OK;	/* not ours: another scheme, anonymous */
	if (nparts != 2)
		return errinfo_set(ei, ERR_AUTH_HEADER, NULL);

	if (tok_decode(c, parts[1], lens[1], TOK_ACCESS, now, &t, &msg) == -1)
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

/*
 * ep_logout.c - POST /api/user/logout/ (jwtauth, issue 11; the seed's
 * style, IsAuthenticated): the authenticated user's refresh token is
 * blacklisted (simplejwt's token_blacklist tables), with every token its
 * rotations issued.  Refresh and verify refuse it from then on; the access
 * token in hand lives on until it expires (ACCESS_TOKEN_LIFETIME).
 */
#include "config.h"

#include <string.h>

#include "log.h"
#include "token.h"
#include "views.h"

enum { LOGOUT_REFRESH, LOGOUT__MAX };

static const struct field_spec fields[] = {
	[LOGOUT_REFRESH] = { "refresh", FT_CHAR, 0, NULL, NULL, 0 },
};
_Static_assert(nitems(fields) == LOGOUT__MAX && LOGOUT__MAX <= EP_MAXFIELDS, "logout fields");

/* A refusal of the refresh token, as a serializer error on the field. */
#define MSG_NOT_YOURS	"Token does not belong to the authenticated user."

static enum err
refuse(struct ctx *c, const char *msg)
{
	verr_add(&c->err.verr, "refresh", msg);
	return errinfo_set(&c->err, ERR_INVALID, NULL);
}

/*
 * 400 {"errors": {"refresh": [...]}} for a refresh token that is not valid
 * (simplejwt's message), already blacklisted ("Token is blacklisted") or
 * not the authenticated user's; 200 {"success": "logged out successfully"}
 * once it is blacklisted.
 */
static enum err
post(struct ctx *c)
{
	const struct field_value *raw = &c->in[LOGOUT_REFRESH];
	struct tok		 t = { NULL };
	struct db_token_state	 st;
	const char		*msg, *jti;
	int64_t			 uid;
	enum err		 e;

	if (tok_decode(c->cfg, raw->s, raw->len, TOK_REFRESH, c->now, &t, &msg) == -1)
		return refuse(c, msg);
	if (tok_user_id(&t, &uid) != 1 || uid != c->user.id) {
		e = refuse(c, MSG_NOT_YOURS);
		goto out;
	}
	if ((jti = tok_claim_str(&t, "jti")) == NULL || strlen(jti) > DB_JTI_MAX) {
		e = refuse(c, TOK_MSG_NO_ID);
		goto out;
	}
	if ((e = view_token_state(c, &t, &st)) != ERR_OK)
		goto out;
	if (st.blacklisted) {
		e = refuse(c, TOK_MSG_BLACKLISTED);
		goto out;
	}
	if ((e = view_token_blacklist(c, &t, raw, jti, &st)) != ERR_OK)
		goto out;
	log_info("user %lld logged out", (long long)c->user.id);
	e = view_success(c, "logged out successfully");
out:
	tok_free(&t);
	return e;
}

const struct endpoint ep_logout = {
	.prog = "jwtauth-logout",
	.path = "/api/user/logout/",
	.view_name = "User Logout",
	.description = "",
	.kind = EP_SEED,
	.authenticate = 1,
	.require_auth = 1,
	.handlers = {
		[M_POST] = { .fn = post, .fields = fields, .nfields = LOGOUT__MAX,
		    .audit = "logout" },
	},
};

/*
 * ep_token_blacklist.c - POST /api/user/token/blacklist/ (simplejwt 5.2.2's
 * TokenBlacklistView, with the token_blacklist app installed): the refresh
 * token sent is blacklisted; refresh and verify refuse it from then on.
 */
#include "config.h"

#include <string.h>

#include "log.h"
#include "token.h"
#include "views.h"

/* TokenBlacklistSerializer: refresh = CharField(). */
enum { BLACKLIST_REFRESH, BLACKLIST__MAX };

static const struct field_spec fields[] = {
	[BLACKLIST_REFRESH] = { "refresh", FT_CHAR, 0, NULL, NULL, 0 },
};
_Static_assert(nitems(fields) == BLACKLIST__MAX && BLACKLIST__MAX <= EP_MAXFIELDS,
    "blacklist fields");

static const struct ep_action actions[] = {
	{ "refresh", 1, 0, "Refresh" },
};

/*
 * RefreshToken(refresh) (a blacklisted one is refused with simplejwt's
 * "Token is blacklisted"), then refresh.blacklist(): with rotation, the
 * token's whole family (every token its rotations issued) as well.  200 {}.
 */
static enum err
post(struct ctx *c)
{
	const struct field_value *raw = &c->in[BLACKLIST_REFRESH];
	struct tok		 t = { NULL };
	struct db_token_state	 st;
	const char		*msg, *jti;
	int64_t			 uid = 0;
	enum err		 e;

	if (tok_decode(c->cfg, raw->s, raw->len, TOK_REFRESH, c->now, &t, &msg) == -1)
		return errinfo_set(&c->err, ERR_TOKEN_VIEW, "%s", msg);
	if ((e = view_token_state(c, &t, &st)) != ERR_OK)
		goto out;
	if (st.blacklisted) {
		e = errinfo_set(&c->err, ERR_TOKEN_VIEW, "%s", TOK_MSG_BLACKLISTED);
		goto out;
	}
	/* A jti that is no string of at most 255 characters cannot be recorded. */
	if ((jti = tok_claim_str(&t, "jti")) == NULL || strlen(jti) > DB_JTI_MAX) {
		e = errinfo_set(&c->err, ERR_TOKEN_VIEW, "%s", TOK_MSG_NO_ID);
		goto out;
	}
	if ((e = view_token_blacklist(c, &t, raw, jti, &st)) != ERR_OK)
		goto out;
	(void)tok_user_id(&t, &uid);
	c->audit_user = uid;
	log_info("refresh token of user %lld blacklisted", (long long)uid);
	jout_obj_open(&c->out);
	jout_obj_close(&c->out);
	c->status = 200;
	e = ERR_OK;
out:
	tok_free(&t);
	return e;
}

const struct endpoint ep_token_blacklist = {
	.prog = "jwtauth-token-blacklist",
	.path = "/api/user/token/blacklist/",
	.view_name = "Token Blacklist",
	.description = "Takes a token and blacklists it. Must be used with the\n"
	    "`rest_framework_simplejwt.token_blacklist` app installed.",
	.kind = EP_SIMPLEJWT,
	.handlers = {
		[M_POST] = { .fn = post, .fields = fields, .nfields = BLACKLIST__MAX,
		    .audit = "token_blacklist",
		    .actions = actions, .nactions = nitems(actions) },
	},
};

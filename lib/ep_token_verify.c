/*
 * ep_token_verify.c - POST /api/user/token/verify/ (simplejwt's
 * TokenVerifyView): UntypedToken(token), so the signature, the time claims
 * and jti, and nothing about the token's type or user.
 */
#include "config.h"

#include <string.h>

#include "token.h"
#include "views.h"

/* TokenVerifySerializer: token = CharField(). */
enum { VERIFY_TOKEN, VERIFY__MAX };

static const struct field_spec fields[] = {
	[VERIFY_TOKEN] = { "token", FT_CHAR, 0, NULL, NULL, 0 },
};
_Static_assert(nitems(fields) == VERIFY__MAX && VERIFY__MAX <= EP_MAXFIELDS, "verify fields");

static const struct ep_action actions[] = {
	{ "token", 1, 0, "Token" },
};

/*
 * UntypedToken(token), then two refusals of the token_blacklist app and
 * jwtauth (issue 11), both 401 in the token views' shape: a blacklisted
 * token (simplejwt 5.2.2's TokenVerifySerializer says it only with
 * BLACKLIST_AFTER_ROTATION, and as a 400 non_field_errors), and a token of
 * a user whose password changed after it was issued.  A user who is gone
 * or inactive is not looked at, as in simplejwt.
 */
static enum err
post(struct ctx *c)
{
	const struct field_value *raw = &c->in[VERIFY_TOKEN];
	struct tok		 t = { NULL };
	struct db_token_state	 st;
	struct db_user		 u;
	const char		*msg;
	int64_t			 id;
	enum db_rc		 rc;
	enum err		 e;

	if (tok_decode(c->cfg, raw->s, raw->len, TOK_UNTYPED, c->now, &t, &msg) == -1)
		return errinfo_set(&c->err, ERR_TOKEN_VIEW, "%s", msg);
	memset(&u, 0, sizeof(u));
	if ((e = view_token_state(c, &t, &st)) != ERR_OK)
		goto out;
	if (st.blacklisted) {
		e = errinfo_set(&c->err, ERR_TOKEN_VIEW, "%s", TOK_MSG_BLACKLISTED);
		goto out;
	}
	if ((c->cfg->revoke_on_password_change || c->cfg->check_revoke_token) &&
	    tok_claim_truthy(&t, "user_id") && tok_user_id(&t, &id) == 1) {
		switch ((rc = db_user_by_id(c->db, id, &u))) {
		case DB_OK:
			break;
		case DB_NONE:
			goto valid;
		default:
			e = view_db_error(c, rc);
			goto out;
		}
		if ((e = view_token_revoked(c, &t, &u)) != ERR_OK)
			goto out;
	}
valid:
	jout_obj_open(&c->out);
	jout_obj_close(&c->out);
	c->status = 200;
	e = ERR_OK;
out:
	explicit_bzero(&u, sizeof(u));
	tok_free(&t);
	return e;
}

const struct endpoint ep_token_verify = {
	.prog = "jwtauth-token-verify",
	.path = "/api/user/token/verify/",
	.view_name = "Token Verify",
	.description = "Takes a token and indicates if it is valid.  This view provides no\n"
	    "information about a token's fitness for a particular use.",
	.kind = EP_SIMPLEJWT,
	.handlers = {
		[M_POST] = { .fn = post, .fields = fields, .nfields = VERIFY__MAX,
		    .actions = actions, .nactions = nitems(actions) },
	},
};

/*
 * ep_token_verify.c - POST /api/user/token/verify/ (simplejwt's
 * TokenVerifyView): UntypedToken(token), so the signature, the time claims
 * and jti, and nothing about the token's type or user.
 */
#include "config.h"

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

static enum err
post(struct ctx *c)
{
	const struct field_value *raw = &c->in[VERIFY_TOKEN];
	struct tok		 t = { NULL };
	const char		*msg;

	if (tok_decode(c->cfg, raw->s, raw->len, TOK_UNTYPED, c->now, &t, &msg) == -1)
		return errinfo_set(&c->err, ERR_TOKEN_VIEW, "%s", msg);
	tok_free(&t);
	jout_obj_open(&c->out);
	jout_obj_close(&c->out);
	c->status = 200;
	return ERR_OK;
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

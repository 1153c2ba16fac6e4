/*
 * ep_token_refresh.c - POST /api/user/token/refresh/ (simplejwt's
 * TokenRefreshView): a new access token from a refresh token.
 */
#include "config.h"

#include <time.h>

#include "token.h"
#include "views.h"

/* TokenRefreshSerializer: refresh = CharField(); access is read-only output. */
enum { REFRESH_REFRESH, REFRESH__MAX };

static const struct field_spec fields[] = {
	[REFRESH_REFRESH] = { "refresh", FT_CHAR, 0, NULL, NULL, 0 },
};
_Static_assert(nitems(fields) == REFRESH__MAX && REFRESH__MAX <= EP_MAXFIELDS, "refresh fields");

static const struct ep_action actions[] = {
	{ "refresh", 1, 0, "Refresh" },
	{ "access", 0, 1, "Access" },
};

/* RefreshToken(refresh).access_token; a user who is gone or inactive gets none (SPEC_OVERRIDES 5). */
static enum err
post(struct ctx *c)
{
	const struct field_value *raw = &c->in[REFRESH_REFRESH];
	struct tok		 t = { NULL };
	struct db_user		 u;
	const char		*msg;
	char			*access = NULL;
	int64_t			 id;
	enum db_rc		 rc;
	enum err		 e;

	if (tok_decode(c->cfg, raw->s, raw->len, TOK_REFRESH, c->now, &t, &msg) == -1)
		return errinfo_set(&c->err, ERR_TOKEN_VIEW, "%s", msg);
	if (tok_claim_truthy(&t, "user_id")) {
		if (tok_user_id(&t, &id) != 1) {
			e = errinfo_set(&c->err, ERR_NO_ACTIVE_ACCOUNT, NULL);
			goto out;
		}
		c->audit_user = id;
		switch ((rc = db_user_by_id(c->db, id, &u))) {
		case DB_OK:
			break;
		case DB_NONE:
			e = errinfo_set(&c->err, ERR_NO_ACTIVE_ACCOUNT, NULL);
			goto out;
		default:
			e = view_db_error(c, rc);
			goto out;
		}
		if (!u.is_active) {
			e = errinfo_set(&c->err, ERR_NO_ACTIVE_ACCOUNT, NULL);
			goto out;
		}
	}
	if (tok_access_from_refresh(c->cfg, &t, (time_t)c->now, &access) == -1) {
		e = errinfo_set(&c->err, ERR_INTERNAL, NULL);
		goto out;
	}
	jout_obj_open(&c->out);
	jout_kv(&c->out, "access", access);
	jout_obj_close(&c->out);
	c->status = 200;
	e = ERR_OK;
out:
	tok_str_free(access);
	tok_free(&t);
	return e;
}

const struct endpoint ep_token_refresh = {
	.prog = "jwtauth-token-refresh",
	.path = "/api/user/token/refresh/",
	.view_name = "Token Refresh",
	.description = "Takes a refresh type JSON web token and returns an access type JSON web\n"
	    "token if the refresh token is valid.",
	.kind = EP_SIMPLEJWT,
	.handlers = {
		[M_POST] = { .fn = post, .fields = fields, .nfields = REFRESH__MAX,
		    .actions = actions, .nactions = nitems(actions), .audit = "refresh" },
	},
};

/*
 * ep_token_refresh.c - POST /api/user/token/refresh/ (simplejwt's
 * TokenRefreshView): a new access token from a refresh token, with the
 * token_blacklist app installed (a blacklisted token is refused) and, with
 * [tokens] rotate_refresh_tokens, a new refresh token too.
 *
 * Rotation (simplejwt's ROTATE_REFRESH_TOKENS and BLACKLIST_AFTER_ROTATION,
 * plus GoTrue's reuse detection): the new refresh token is recorded in the
 * family of the one consumed, which is marked rotated out, once (db.c's
 * transaction; of two requests with one token, one wins).  Sending a
 * rotated-out token again within [tokens] reuse_grace_period gets its
 * successor again (two tabs refreshing at once stay logged in); after it,
 * the whole family is blacklisted (a stolen token was used).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
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

/* Longest token text read back from the database (tok_decode's cap). */
#define TOKEN_TEXT_MAX	8192

static enum err
blacklisted(struct ctx *c)
{
	return errinfo_set(&c->err, ERR_TOKEN_VIEW, "%s", TOK_MSG_BLACKLISTED);
}

/*
 * A rotated-out token used after the grace window: every token of its
 * family is blacklisted, this one too.
 */
static enum err
reuse(struct ctx *c, const struct tok *t, const struct db_token_state *st)
{
	const struct field_value *raw = &c->in[REFRESH_REFRESH];
	double		 exp = 0;
	int64_t		 uid = 0;
	enum db_rc	 rc;

	(void)tok_claim_num(t, "exp", &exp);
	(void)tok_user_id(t, &uid);
	log_warn("refresh token reused %.0f s after its rotation: family %s of user %lld "
	    "blacklisted (client %s)", c->now - st->rotated_at, st->family, (long long)uid,
	    c->client);
	view_audit(c, "refresh_reuse", uid, 0, AUDIT_FAILED);
	c->audit_user = uid;
	if ((rc = db_token_blacklist(c->db, tok_claim_str(t, "jti"), raw->s, (int64_t)exp,
	    st->family, c->now)) != DB_OK)
		return view_db_error(c, rc);
	return blacklisted(c);
}

/* {"access": access, "refresh": r} */
static enum err
answer(struct ctx *c, const char *access, const char *refresh)
{
	jout_obj_open(&c->out);
	jout_kv(&c->out, "access", access);
	if (refresh != NULL)
		jout_kv(&c->out, "refresh", refresh);
	jout_obj_close(&c->out);
	c->status = 200;
	return ERR_OK;
}

/*
 * A rotated-out token within the grace window: the access token, and the
 * successor its rotation issued, unless that one is blacklisted meanwhile.
 */
static enum err
grace(struct ctx *c, const struct db_token_state *st, const char *access)
{
	char		*next;
	int		 bl = 0;
	enum db_rc	 rc;
	enum err	 e;

	if (st->replaced_by[0] == '\0')
		return blacklisted(c);
	if ((next = malloc(TOKEN_TEXT_MAX + 1)) == NULL)
		return errinfo_set(&c->err, ERR_INTERNAL, NULL);
	switch ((rc = db_token_text(c->db, st->replaced_by, next, TOKEN_TEXT_MAX + 1, &bl))) {
	case DB_OK:
		e = bl ? blacklisted(c) : answer(c, access, next);
		break;
	case DB_NONE:
		e = blacklisted(c);	/* flushed: it expired */
		break;
	default:
		e = view_db_error(c, rc);
		break;
	}
	tok_str_free(next);
	return e;
}

/*
 * ROTATE_REFRESH_TOKENS: a new refresh token (t's claims, new jti, exp and
 * iat) in t's family, t rotated out (and blacklisted with
 * BLACKLIST_AFTER_ROTATION).  Another request that rotated t first makes
 * this one a reuse within the grace window.
 */
static enum err
rotate(struct ctx *c, const struct tok *t, const struct db_token_state *st, int64_t uid,
    const char *access)
{
	struct db_rotation	 r;
	struct db_token_state	 now;
	struct tok		 nt = { NULL };
	const char		*msg, *jti = tok_claim_str(t, "jti");
	char			*fresh = NULL;
	double			 oexp = 0, nexp = 0;
	enum db_rc		 rc;
	enum err		 e;

	if (tok_rotate(c->cfg, t, (time_t)c->now, &fresh) == -1 ||
	    tok_decode(c->cfg, fresh, strlen(fresh), TOK_REFRESH, c->now, &nt, &msg) == -1 ||
	    !tok_claim_num(&nt, "exp", &nexp) || !tok_claim_num(t, "exp", &oexp)) {
		e = errinfo_set(&c->err, ERR_INTERNAL, NULL);
		goto out;
	}
	if (jti == NULL || strlen(jti) > DB_JTI_MAX) {
		/* Never recorded (not one of ours): the new one is. */
		if ((e = view_token_outstand(c, uid, fresh)) == ERR_OK)
			e = answer(c, access, fresh);
		goto out;
	}
	memset(&r, 0, sizeof(r));
	r.old_jti = jti;
	r.old_token = c->in[REFRESH_REFRESH].s;
	r.old_exp = (int64_t)oexp;
	r.family = st->family[0] != '\0' ? st->family : jti;
	r.user_id = uid;
	r.new_jti = tok_claim_str(&nt, "jti");
	r.new_token = fresh;
	r.new_exp = (int64_t)nexp;
	r.now = c->now;
	r.blacklist_old = c->cfg->blacklist_after_rotation != 0;
	switch ((rc = db_token_rotate(c->db, &r))) {
	case DB_OK:
		e = answer(c, access, fresh);
		break;
	case DB_NONE:
		/* Another request rotated it a moment ago: its successor. */
		if ((e = view_token_state(c, t, &now)) == ERR_OK)
			e = grace(c, &now, access);
		break;
	default:
		e = view_db_error(c, rc);
		break;
	}
out:
	tok_free(&nt);
	tok_str_free(fresh);
	return e;
}

/*
 * RefreshToken(refresh) (a blacklisted token is refused), its user (a user
 * who is gone or inactive gets none, SPEC_OVERRIDES 5; a token issued
 * before the user's password change neither), then .access_token, and the
 * rotation when it is on.
 */
static enum err
post(struct ctx *c)
{
	const struct field_value *raw = &c->in[REFRESH_REFRESH];
	struct tok		 t = { NULL };
	struct db_token_state	 st;
	struct db_user		 u;
	const char		*msg;
	char			*access = NULL;
	int64_t			 id = 0;
	int			 rotated;
	enum db_rc		 rc;
	enum err		 e;

	if (tok_decode(c->cfg, raw->s, raw->len, TOK_REFRESH, c->now, &t, &msg) == -1)
		return errinfo_set(&c->err, ERR_TOKEN_VIEW, "%s", msg);
	memset(&u, 0, sizeof(u));
	if ((e = view_token_state(c, &t, &st)) != ERR_OK)
		goto out;
	rotated = st.rotated_at != 0;
	if (rotated && c->now - st.rotated_at > (double)c->cfg->reuse_grace) {
		e = reuse(c, &t, &st);
		goto out;
	}
	if (!rotated && st.blacklisted) {
		e = blacklisted(c);
		goto out;
	}
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
		if ((e = view_token_revoked(c, &t, &u)) != ERR_OK)
			goto out;
	}
	if (tok_access_from_refresh(c->cfg, &t, (time_t)c->now, &access) == -1) {
		e = errinfo_set(&c->err, ERR_INTERNAL, NULL);
		goto out;
	}
	if (rotated)
		e = grace(c, &st, access);
	else if (c->cfg->rotate_refresh)
		e = rotate(c, &t, &st, id, access);
	else
		e = answer(c, access, NULL);
out:
	explicit_bzero(&u, sizeof(u));
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
	.no_store = 1,
	.handlers = {
		[M_POST] = { .fn = post, .fields = fields, .nfields = REFRESH__MAX,
		    .actions = actions, .nactions = nitems(actions), .audit = "refresh" },
	},
};

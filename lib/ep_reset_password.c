/*
 * ep_reset_password.c - POST /api/user/reset-password/<uid>/<token>/ (the
 * seed's UserPasswordResetView): a new password with the mailed uid and
 * token (Django's PasswordResetTokenGenerator).
 */
#include "config.h"

#include <crypt.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "pw.h"
#include "resettoken.h"
#include "views.h"

/* UserPasswordResetSerializer */
enum { RESET_PASSWORD, RESET_PASSWORD2, RESET__MAX };

static const struct field_spec fields[] = {
	[RESET_PASSWORD] =  { "password", FT_CHAR, 255, NULL, NULL, PW_MAX_BYTES },
	[RESET_PASSWORD2] = { "password2", FT_CHAR, 255, NULL, NULL, 0 },
};
_Static_assert(nitems(fields) == RESET__MAX && RESET__MAX <= EP_MAXFIELDS, "reset fields");

#define MSG_RESET_INVALID	"token may be expired or invalid!"

static enum err
post(struct ctx *c)
{
	struct field_value	*in = c->in;
	struct db_user		 u;
	char			 hash[CRYPT_OUTPUT_SIZE];
	int64_t			 id;
	enum db_rc		 rc;
	enum err		 e;

	memset(&u, 0, sizeof(u));
	if ((e = view_passwords_match(c, &in[RESET_PASSWORD], &in[RESET_PASSWORD2])) != ERR_OK)
		return e;
	/* SPEC_OVERRIDES 1: any uid that names no user is an invalid token, never a 500. */
	if (rt_uid_decode(c->params[0], strlen(c->params[0]), &id) == -1)
		goto invalid;
	switch ((rc = db_user_by_id(c->db, id, &u))) {
	case DB_OK:
		c->audit_user = u.id;
		break;
	case DB_NONE:
		goto invalid;
	default:
		return view_db_error(c, rc);
	}
	if (!rt_check(c->cfg, &u, c->params[1], strlen(c->params[1]),
	    rt_timestamp((time_t)c->now)))
		goto invalid;
	if ((e = view_hash_password(c, &in[RESET_PASSWORD], "password", hash, sizeof(hash))) != ERR_OK)
		goto out;
	switch ((rc = db_user_reset_password(c->db, u.id, u.password, hash))) {
	case DB_OK:
		break;
	case DB_NONE:
		goto invalid;	/* the password changed meanwhile: the token is spent */
	default:
		e = view_db_error(c, rc);
		goto out;
	}
	log_info("user %lld reset the password", (long long)u.id);
	e = view_success(c, "password reset successfully.");
	goto out;
invalid:
	if (c->audit_user != 0)
		log_warn("reset token rejected (user %lld) from %s", (long long)c->audit_user,
		    c->client);
	else
		log_warn("reset token rejected (no such user) from %s", c->client);
	verr_add(&c->err.verr, "non_field_errors", MSG_RESET_INVALID);
	e = errinfo_set(&c->err, ERR_INVALID, NULL);
out:
	explicit_bzero(hash, sizeof(hash));
	explicit_bzero(&u, sizeof(u));
	return e;
}

const struct endpoint ep_reset_password = {
	.prog = "jwtauth-reset-password",
	.path = "/api/user/reset-password/",
	.nparams = 2,
	.view_name = "User Password Reset",
	.description = "",
	.kind = EP_SEED,
	.authenticate = 1,
	.handlers = {
		[M_POST] = { .fn = post, .fields = fields, .nfields = RESET__MAX, .audit = "reset_done" },
	},
};

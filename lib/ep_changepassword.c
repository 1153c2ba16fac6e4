/*
 * ep_changepassword.c - POST /api/user/changepassword/ (the seed's
 * UserChangePasswordView, IsAuthenticated).
 */
#include "config.h"

#include <crypt.h>
#include <string.h>

#include "log.h"
#include "pw.h"
#include "views.h"

/* UserChangePasswordSerializer */
enum { CHANGE_PASSWORD, CHANGE_PASSWORD2, CHANGE__MAX };

static const struct field_spec fields[] = {
	[CHANGE_PASSWORD] =  { "password", FT_CHAR, 255, NULL, NULL, PW_MAX_BYTES },
	[CHANGE_PASSWORD2] = { "password2", FT_CHAR, 255, NULL, NULL, 0 },
};
_Static_assert(nitems(fields) == CHANGE__MAX && CHANGE__MAX <= EP_MAXFIELDS, "change fields");

/* user.set_password(password); user.save() for the authenticated user. */
static enum err
post(struct ctx *c)
{
	struct field_value	*in = c->in;
	char			 hash[CRYPT_OUTPUT_SIZE];
	enum db_rc		 rc;
	enum err		 e;

	if ((e = view_passwords_match(c, &in[CHANGE_PASSWORD], &in[CHANGE_PASSWORD2])) != ERR_OK)
		return e;
	if ((e = view_hash_password(c, &in[CHANGE_PASSWORD], "password", hash, sizeof(hash))) != ERR_OK)
		goto out;
	switch ((rc = db_user_set_password(c->db, c->user.id, hash))) {
	case DB_OK:
		break;
	case DB_NONE:
		/* Deleted between authentication and now. */
		e = errinfo_set(&c->err, ERR_USER_NOT_FOUND, NULL);
		goto out;
	default:
		e = view_db_error(c, rc);
		goto out;
	}
	log_info("user %lld changed the password", (long long)c->user.id);
	e = view_success(c, "password changed successfully");
out:
	explicit_bzero(hash, sizeof(hash));
	return e;
}

const struct endpoint ep_changepassword = {
	.prog = "jwtauth-changepassword",
	.path = "/api/user/changepassword/",
	.view_name = "User Change Password",
	.description = "",
	.kind = EP_SEED,
	.authenticate = 1,
	.require_auth = 1,
	.handlers = {
		[M_POST] = { .fn = post, .fields = fields, .nfields = CHANGE__MAX },
	},
};

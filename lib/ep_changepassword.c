/*
 * ep_changepassword.c - POST /api/user/changepassword/ (the seed's
 * UserChangePasswordView, IsAuthenticated).
 */
#include "config.h"

#include "log.h"
#include "pw.h"
#include "views.h"

/*
 * UserChangePasswordSerializer, and djoser's current_password (a
 * CharField whose validator checks the user's password) when [password]
 * require_current_password is on; without it the field is not read.
 */
enum { CHANGE_PASSWORD, CHANGE_PASSWORD2, CHANGE_CURRENT, CHANGE__MAX };

static const struct field_spec fields[] = {
	[CHANGE_PASSWORD] =  { "password", FT_CHAR, 255, NULL, NULL, PW_MAX_BYTES },
	[CHANGE_PASSWORD2] = { "password2", FT_CHAR, 255, NULL, NULL, 0 },
	[CHANGE_CURRENT] =   { "current_password", FT_CHAR, 0, view_current_password,
			       VIEW_MSG_INVALID_PASSWORD, 0 },
};
_Static_assert(nitems(fields) == CHANGE__MAX && CHANGE__MAX <= EP_MAXFIELDS, "change fields");

/* current_password only under require_current_password. */
static unsigned int
fields_off(const struct cfg *cfg)
{
	return cfg->pw_require_current ? 0 : 1u << CHANGE_CURRENT;
}

/* user.set_password(password); user.save() for the authenticated user. */
static enum err
post(struct ctx *c)
{
	enum err	 e;

	/* Deleted between authentication and now: as the user lookup would say. */
	if ((e = view_set_password(c, &c->in[CHANGE_PASSWORD], &c->in[CHANGE_PASSWORD2],
	    c->user.id, ERR_USER_NOT_FOUND)) != ERR_OK)
		return e;
	log_info("user %lld changed the password", (long long)c->user.id);
	return view_success(c, "password changed successfully");
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
		[M_POST] = { .fn = post, .fields = fields, .nfields = CHANGE__MAX, .off = fields_off,
		    .audit = "password_change" },
	},
};

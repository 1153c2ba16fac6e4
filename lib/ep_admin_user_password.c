/*
 * ep_admin_user_password.c - POST /api/admin/users/<id>/password/: an
 * admin sets a user's password (Django admin's password form; the seed's
 * change-password checks and answer).  Active admins only.
 */
#include "config.h"

#include <string.h>

#include "log.h"
#include "pw.h"
#include "views.h"

/* UserChangePasswordSerializer's fields. */
enum { AP_PASSWORD, AP_PASSWORD2, AP__MAX };

static const struct field_spec fields[] = {
	[AP_PASSWORD] =  { "password", FT_CHAR, 255, NULL, NULL, PW_MAX_BYTES },
	[AP_PASSWORD2] = { "password2", FT_CHAR, 255, NULL, NULL, 0 },
};
_Static_assert(nitems(fields) == AP__MAX && AP__MAX <= EP_MAXFIELDS, "admin password fields");

/* The path is <id>/password/: the second segment must say so. */
static enum err
object(struct ctx *c)
{
	if (c->params[1] == NULL || strcmp(c->params[1], "password") != 0)
		return errinfo_set(&c->err, ERR_OBJECT_NOT_FOUND, NULL);
	return view_admin_object(c);
}

static enum err
post(struct ctx *c)
{
	enum err	 e;

	/* Deleted meanwhile: get_object()'s 404. */
	if ((e = view_set_password(c, &c->in[AP_PASSWORD], &c->in[AP_PASSWORD2], c->obj.id,
	    ERR_OBJECT_NOT_FOUND)) != ERR_OK)
		return e;
	log_info("admin %lld set the password of user %lld", (long long)c->user.id,
	    (long long)c->obj.id);
	return view_success(c, "password changed successfully");
}

const struct endpoint ep_admin_user_password = {
	.prog = "jwtauth-admin-user-password",
	.path = "/api/admin/users/",
	.nparams = 2,
	.view_name = "Admin User Password",
	.description = "",
	.kind = EP_SEED,
	.authenticate = 1,
	.require_auth = 1,
	.require_admin = 1,
	.object = object,
	.handlers = {
		[M_POST] = { .fn = post, .fields = fields, .nfields = AP__MAX,
		    .audit = "admin_set_password" },
	},
};

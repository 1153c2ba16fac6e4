/*
 * ep_admin_user_password.c - POST /api/admin/users/<id>/password/: an
 * admin sets a user's password (Django admin's password form; the seed's
 * change-password checks and answer).  Active admins only.
 */
#include "config.h"

#include <crypt.h>
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
	struct field_value	*in = c->in;
	char			 hash[CRYPT_OUTPUT_SIZE];
	enum db_rc		 rc;
	enum err		 e;

	if ((e = view_passwords_match(c, &in[AP_PASSWORD], &in[AP_PASSWORD2])) != ERR_OK)
		return e;
	if ((e = view_hash_password(c, &in[AP_PASSWORD], "password", hash, sizeof(hash))) != ERR_OK)
		goto out;
	switch ((rc = db_user_set_password(c->db, c->obj.id, hash))) {
	case DB_OK:
		break;
	case DB_NONE:
		e = errinfo_set(&c->err, ERR_OBJECT_NOT_FOUND, NULL);	/* deleted meanwhile */
		goto out;
	default:
		e = view_db_error(c, rc);
		goto out;
	}
	log_info("admin %lld set the password of user %lld", (long long)c->user.id,
	    (long long)c->obj.id);
	e = view_success(c, "password changed successfully");
out:
	explicit_bzero(hash, sizeof(hash));
	return e;
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
		[M_POST] = { .fn = post, .fields = fields, .nfields = AP__MAX },
	},
};

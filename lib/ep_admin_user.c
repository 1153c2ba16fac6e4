/*
 * ep_admin_user.c - /api/admin/users/<id>/: one user for the admin API
 * (a DRF RetrieveUpdateDestroyAPIView over a ModelSerializer): GET, PUT,
 * PATCH (partial), DELETE.  Active admins only; the last active admin
 * cannot be deleted, deactivated or demoted (db.c's transaction).
 */
#include "config.h"

#include <string.h>

#include "log.h"
#include "views.h"

/* The change serializer: the model's fields and limits. */
enum { AC_EMAIL, AC_NAME, AC_TC, AC_IS_ADMIN, AC_IS_ACTIVE, AC__MAX };

static const struct field_spec fields[] = {
	[AC_EMAIL] =	 { "email", FT_EMAIL, 255, view_email_unused, VIEW_MSG_EMAIL_TAKEN, 0 },
	[AC_NAME] =	 { "name", FT_CHAR, 200, NULL, NULL, 0 },
	[AC_TC] =	 { "tc", FT_BOOL, 0, NULL, NULL, 0 },
	[AC_IS_ADMIN] =	 { "is_admin", FT_BOOL, 0, NULL, NULL, 0 },
	[AC_IS_ACTIVE] = { "is_active", FT_BOOL, 0, NULL, NULL, 0 },
};
_Static_assert(nitems(fields) == AC__MAX && AC__MAX <= EP_MAXFIELDS, "admin change fields");

/* ModelSerializer: model fields with a default are required=False. */
#define OPTIONAL	(1u << AC_IS_ADMIN | 1u << AC_IS_ACTIVE)

static enum err
get(struct ctx *c)
{
	c->status = 200;
	return view_admin_user(c, &c->obj);
}

/* The last-admin refusal, in the seed's serializer error shape. */
static enum err
last_admin(struct ctx *c, const char *msg)
{
	verr_add(&c->err.verr, "non_field_errors", msg);
	return errinfo_set(&c->err, ERR_INVALID, NULL);
}

/* PUT and PATCH: the given fields over the user, saved, then shown. */
static enum err
update(struct ctx *c)
{
	struct field_value	*in = c->in;
	struct db_admin_user	 u = c->obj;
	struct buf		 email = BUF_INIT;
	enum db_rc		 rc;
	enum err		 e;

	if (c->present & 1u << AC_EMAIL) {
		/* Normalised as register's create_user does. */
		if ((e = view_normalize_email(c, &in[AC_EMAIL], &email)) != ERR_OK)
			goto out;
		if (email.len >= sizeof(u.email)) {
			e = errinfo_set(&c->err, ERR_INTERNAL, NULL);
			goto out;
		}
		memcpy(u.email, email.p, email.len);
		u.email[email.len] = '\0';
		u.email_len = email.len;
	}
	if (c->present & 1u << AC_NAME) {
		/* 200 code points of UTF-8: at most 800 bytes. */
		memcpy(u.name, in[AC_NAME].s, in[AC_NAME].len);
		u.name[in[AC_NAME].len] = '\0';
		u.name_len = in[AC_NAME].len;
	}
	if (c->present & 1u << AC_TC)
		u.tc = in[AC_TC].b;
	if (c->present & 1u << AC_IS_ADMIN)
		u.is_admin = in[AC_IS_ADMIN].b;
	if (c->present & 1u << AC_IS_ACTIVE)
		u.is_active = in[AC_IS_ACTIVE].b;
	switch ((rc = db_admin_update(c->db, &u))) {
	case DB_OK:
		break;
	case DB_NONE:
		e = errinfo_set(&c->err, ERR_OBJECT_NOT_FOUND, NULL);	/* deleted meanwhile */
		goto out;
	case DB_DUP:
		verr_add(&c->err.verr, "email", VIEW_MSG_EMAIL_TAKEN);
		e = errinfo_set(&c->err, ERR_INVALID, NULL);
		goto out;
	case DB_LAST_ADMIN:
		e = last_admin(c, VIEW_MSG_LAST_ADMIN_CHANGE);
		goto out;
	default:
		e = view_db_error(c, rc);
		goto out;
	}
	log_info("admin %lld changed user %lld", (long long)c->user.id, (long long)u.id);
	switch ((rc = db_admin_get(c->db, u.id, &u))) {
	case DB_OK:
		break;
	case DB_NONE:
		e = errinfo_set(&c->err, ERR_OBJECT_NOT_FOUND, NULL);
		goto out;
	default:
		e = view_db_error(c, rc);
		goto out;
	}
	c->status = 200;
	e = view_admin_user(c, &u);
out:
	buf_free(&email);
	return e;
}

/* DELETE: 204 with an empty body. */
static enum err
delete(struct ctx *c)
{
	enum db_rc	 rc;

	switch ((rc = db_admin_delete(c->db, c->obj.id))) {
	case DB_OK:
		break;
	case DB_NONE:
		return errinfo_set(&c->err, ERR_OBJECT_NOT_FOUND, NULL);
	case DB_LAST_ADMIN:
		return last_admin(c, VIEW_MSG_LAST_ADMIN_DELETE);
	default:
		return view_db_error(c, rc);
	}
	log_info("admin %lld deleted user %lld", (long long)c->user.id, (long long)c->obj.id);
	c->status = 204;
	return ERR_OK;
}

const struct endpoint ep_admin_user = {
	.prog = "jwtauth-admin-user",
	.path = "/api/admin/users/",
	.nparams = 1,
	.view_name = "Admin User Detail",
	.description = "",
	.kind = EP_SEED,
	.authenticate = 1,
	.require_auth = 1,
	.require_admin = 1,
	.object = view_admin_object,
	.handlers = {
		[M_GET] = { .fn = get },
		[M_PUT] = { .fn = update, .fields = fields, .nfields = AC__MAX,
		    .optional = OPTIONAL, .audit = "admin_update" },
		[M_PATCH] = { .fn = update, .fields = fields, .nfields = AC__MAX, .partial = 1,
		    .audit = "admin_update" },
		[M_DELETE] = { .fn = delete, .audit = "admin_delete" },
	},
};

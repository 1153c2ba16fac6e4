/*
 * ep_profile.c - GET /api/user/profile/ (the seed's UserProfileView,
 * IsAuthenticated): the authenticated user as UserProfileSerializer shows
 * it.  The user was read from the database for this request.
 */
#include "config.h"

#include "views.h"

static enum err
get(struct ctx *c)
{
	struct jout	*j = &c->out;

	jout_obj_open(j);
	jout_key(j, "id");
	jout_int(j, (long long)c->user.id);
	jout_key(j, "email");
	jout_str(j, c->user.email, c->user.email_len);
	jout_key(j, "name");
	jout_str(j, c->user.name, c->user.name_len);
	jout_key(j, "tc");
	jout_bool(j, c->user.tc);
	jout_obj_close(j);
	c->status = 200;
	return ERR_OK;
}

const struct endpoint ep_profile = {
	.prog = "jwtauth-profile",
	.path = "/api/user/profile/",
	.view_name = "User Profile",
	.description = "",
	.kind = EP_SEED,
	.authenticate = 1,
	.require_auth = 1,
	.handlers = {
		[M_GET] = { .fn = get },
	},
};

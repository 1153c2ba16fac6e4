/*
 * jwtauth-profile: GET /api/user/profile/ (UserProfileView, IsAuthenticated).
 */
#include "app.h"
#include "views.h"

static const struct endpoint ep = {
	.prog = "jwtauth-profile",
	.path = "/api/user/profile/",
	.view_name = "User Profile",
	.description = "",
	.kind = EP_SEED,
	.authenticate = 1,
	.require_auth = 1,
	.is_get = 1,
	.handler = view_profile,
};

int
main(int argc, char *argv[])
{
	return app_main(&ep, argc, argv);
}

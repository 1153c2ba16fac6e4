/*
 * jwtauth-changepassword: POST /api/user/changepassword/
 * (UserChangePasswordView, IsAuthenticated).
 */
#include "app.h"
#include "pw.h"
#include "views.h"

/* UserChangePasswordSerializer */
static const struct field_spec fields[CHANGE__MAX] = {
	[CHANGE_PASSWORD] =  { "password", FT_CHAR, 255, NULL, NULL, PW_MAX_BYTES },
	[CHANGE_PASSWORD2] = { "password2", FT_CHAR, 255, NULL, NULL, 0 },
};

static const struct endpoint ep = {
	.prog = "jwtauth-changepassword",
	.path = "/api/user/changepassword/",
	.view_name = "User Change Password",
	.description = "",
	.kind = EP_SEED,
	.authenticate = 1,
	.require_auth = 1,
	.fields = fields,
	.nfields = CHANGE__MAX,
	.handler = view_change_password,
};

int
main(int argc, char *argv[])
{
	return app_main(&ep, argc, argv);
}

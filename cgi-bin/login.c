/*
 * jwtauth-login: POST /api/user/login/ (UserLoginView).
 */
#include "app.h"
#include "views.h"

/* UserLoginSerializer; password up to 255 (SPEC_OVERRIDES 4), not the model's 128. */
static const struct field_spec fields[LOGIN__MAX] = {
	[LOGIN_EMAIL] =	   { "email", FT_EMAIL, 255, NULL, NULL, 0 },
	[LOGIN_PASSWORD] = { "password", FT_CHAR, 255, NULL, NULL, 0 },
};

static const struct endpoint ep = {
	.prog = "jwtauth-login",
	.path = "/api/user/login/",
	.view_name = "User Login",
	.description = "",
	.kind = EP_SEED,
	.authenticate = 1,
	.fields = fields,
	.nfields = LOGIN__MAX,
	.handler = view_login,
};

int
main(int argc, char *argv[])
{
	return app_main(&ep, argc, argv);
}

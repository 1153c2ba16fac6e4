/*
 * jwtauth-reset-password: POST /api/user/reset-password/<uid>/<token>/
 * (UserPasswordResetView).
 */
#include "app.h"
#include "pw.h"
#include "views.h"

/* UserPasswordResetSerializer */
static const struct field_spec fields[RESET__MAX] = {
	[RESET_PASSWORD] =  { "password", FT_CHAR, 255, NULL, NULL, PW_MAX_BYTES },
	[RESET_PASSWORD2] = { "password2", FT_CHAR, 255, NULL, NULL, 0 },
};

static const struct endpoint ep = {
	.prog = "jwtauth-reset-password",
	.path = "/api/user/reset-password/",
	.nparams = 2,
	.view_name = "User Password Reset",
	.description = "",
	.kind = EP_SEED,
	.authenticate = 1,
	.fields = fields,
	.nfields = RESET__MAX,
	.handler = view_reset_password,
};

int
main(int argc, char *argv[])
{
	return app_main(&ep, argc, argv);
}

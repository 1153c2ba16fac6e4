/*
 * jwtauth-register: POST /api/user/register/ (UserRegistrationView).
 */
#include "app.h"
#include "pw.h"
#include "views.h"

/* UserRegistrationSerializer: Meta.fields order; limits from the model. */
static const struct field_spec fields[REG__MAX] = {
	[REG_EMAIL] =	  { "email", FT_EMAIL, 255, view_email_unused, VIEW_MSG_EMAIL_TAKEN, 0 },
	[REG_NAME] =	  { "name", FT_CHAR, 200, NULL, NULL, 0 },
	[REG_PASSWORD] =  { "password", FT_CHAR, 128, NULL, NULL, PW_MAX_BYTES },
	[REG_PASSWORD2] = { "password2", FT_CHAR, 0, NULL, NULL, 0 },
	[REG_TC] =	  { "tc", FT_BOOL, 0, NULL, NULL, 0 },
};

static const struct endpoint ep = {
	.prog = "jwtauth-register",
	.path = "/api/user/register/",
	.view_name = "User Registration",
	.description = "",
	.kind = EP_SEED,
	.authenticate = 1,
	.fields = fields,
	.nfields = REG__MAX,
	.handler = view_register,
};

int
main(int argc, char *argv[])
{
	return app_main(&ep, argc, argv);
}

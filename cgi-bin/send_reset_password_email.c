/*
 * jwtauth-send-reset-password-email: POST /api/user/send-reset-password-email/
 * (SendPasswordResetEmailView).
 */
#include "app.h"
#include "views.h"

/* SendPasswordResetEmailSerializer */
static const struct field_spec fields[RESETMAIL__MAX] = {
	[RESETMAIL_EMAIL] = { "email", FT_EMAIL, 255, NULL, NULL, 0 },
};

static const struct endpoint ep = {
	.prog = "jwtauth-send-reset-password-email",
	.path = "/api/user/send-reset-password-email/",
	.view_name = "Send Password Reset Email",
	.description = "",
	.kind = EP_SEED,
	.authenticate = 1,
	.sends_mail = 1,
	.fields = fields,
	.nfields = RESETMAIL__MAX,
	.handler = view_send_reset_email,
};

int
main(int argc, char *argv[])
{
	return app_main(&ep, argc, argv);
}

/*
 * jwtauth-token-verify: POST /api/user/token/verify/ (simplejwt TokenVerifyView).
 */
#include "app.h"
#include "views.h"

/* TokenVerifySerializer: token = CharField(). */
static const struct field_spec fields[VERIFY__MAX] = {
	[VERIFY_TOKEN] = { "token", FT_CHAR, 0, NULL, NULL, 0 },
};

static const struct ep_action actions[] = {
	{ "token", 1, 0, "Token" },
};

static const struct endpoint ep = {
	.prog = "jwtauth-token-verify",
	.path = "/api/user/token/verify/",
	.view_name = "Token Verify",
	.description = "Takes a token and indicates if it is valid.  This view provides no\n"
	    "information about a token's fitness for a particular use.",
	.kind = EP_SIMPLEJWT,
	.fields = fields,
	.nfields = VERIFY__MAX,
	.actions = actions,
	.nactions = sizeof(actions) / sizeof(actions[0]),
	.handler = view_token_verify,
};

int
main(int argc, char *argv[])
{
	return app_main(&ep, argc, argv);
}

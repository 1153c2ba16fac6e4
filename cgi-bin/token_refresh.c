/*
 * jwtauth-token-refresh: POST /api/user/token/refresh/ (simplejwt TokenRefreshView).
 */
#include "app.h"
#include "views.h"

/* TokenRefreshSerializer: refresh = CharField(); access is read-only output. */
static const struct field_spec fields[REFRESH__MAX] = {
	[REFRESH_REFRESH] = { "refresh", FT_CHAR, 0, NULL, NULL, 0 },
};

static const struct ep_action actions[] = {
	{ "refresh", 1, 0, "Refresh" },
	{ "access", 0, 1, "Access" },
};

static const struct endpoint ep = {
	.prog = "jwtauth-token-refresh",
	.path = "/api/user/token/refresh/",
	.view_name = "Token Refresh",
	.description = "Takes a refresh type JSON web token and returns an access type JSON web\n"
	    "token if the refresh token is valid.",
	.kind = EP_SIMPLEJWT,
	.fields = fields,
	.nfields = REFRESH__MAX,
	.actions = actions,
	.nactions = sizeof(actions) / sizeof(actions[0]),
	.handler = view_token_refresh,
};

int
main(int argc, char *argv[])
{
	return app_main(&ep, argc, argv);
}

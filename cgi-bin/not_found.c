/*
 * jwtauth-not-found: every other path under /api/.  Django answers it with
 * its 404 page after its middleware has run, so a CORS preflight gets 200
 * and everything else the 404 with CORS (allowed Origin), Vary and the
 * security headers; a browser client can read the status.
 */
#include "app.h"

static const struct endpoint ep = {
	.prog = "jwtauth-not-found",
	.path = NULL,			/* no URL of the original's */
	.view_name = "Not Found",
	.description = "",
	.kind = EP_SEED,
};

int
main(int argc, char *argv[])
{
	return app_main(&ep, argc, argv);
}

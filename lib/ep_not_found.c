/*
 * ep_not_found.c - every other path under /api/.  Django answers it with
 * its 404 page after its middleware ran, so a CORS preflight gets 200 and
 * everything else the 404 with CORS (allowed Origin), Vary and the security
 * headers: a browser client can read the status.  No handler: app.c's
 * routing answers before any method is looked at.
 */
#include "config.h"

#include "endpoint.h"

const struct endpoint ep_not_found = {
	.prog = "jwtauth-not-found",
	.path = NULL,			/* no URL of the original's */
	.view_name = "Not Found",
	.description = "",
	.kind = EP_SEED,
};

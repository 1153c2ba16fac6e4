/* jwtauth-not-found: the endpoint of lib/ep_not_found.c. */
#include "app.h"

APP_MAIN(ep_not_found)

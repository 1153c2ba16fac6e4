/* jwtauth-logout: the endpoint of lib/ep_logout.c. */
#include "app.h"

APP_MAIN(ep_logout)

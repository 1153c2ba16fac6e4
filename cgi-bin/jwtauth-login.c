/* jwtauth-login: the endpoint of lib/ep_login.c. */
#include "app.h"

APP_MAIN(ep_login)

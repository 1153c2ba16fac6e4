/* jwtauth-reset-password: the endpoint of lib/ep_reset_password.c. */
#include "app.h"

APP_MAIN(ep_reset_password)

/* jwtauth-register: the endpoint of lib/ep_register.c. */
#include "app.h"

APP_MAIN(ep_register)

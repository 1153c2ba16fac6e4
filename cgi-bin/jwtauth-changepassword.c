/* jwtauth-changepassword: the endpoint of lib/ep_changepassword.c. */
#include "app.h"

APP_MAIN(ep_changepassword)

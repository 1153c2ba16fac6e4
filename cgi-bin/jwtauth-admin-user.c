/* jwtauth-admin-user: the endpoint of lib/ep_admin_user.c. */
#include "app.h"

APP_MAIN(ep_admin_user)

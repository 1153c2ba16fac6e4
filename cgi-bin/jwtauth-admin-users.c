/* jwtauth-admin-users: the endpoint of lib/ep_admin_users.c. */
#include "app.h"

APP_MAIN(ep_admin_users)

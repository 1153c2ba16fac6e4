/* jwtauth-admin-user-password: the endpoint of lib/ep_admin_user_password.c. */
#include "app.h"

APP_MAIN(ep_admin_user_password)

/* jwtauth-profile: the endpoint of lib/ep_profile.c. */
#include "app.h"

APP_MAIN(ep_profile)

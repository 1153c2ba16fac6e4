/* jwtauth-token-blacklist: the endpoint of lib/ep_token_blacklist.c. */
#include "app.h"

APP_MAIN(ep_token_blacklist)

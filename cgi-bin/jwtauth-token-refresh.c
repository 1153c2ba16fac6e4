/* jwtauth-token-refresh: the endpoint of lib/ep_token_refresh.c. */
#include "app.h"

APP_MAIN(ep_token_refresh)

/* jwtauth-token-verify: the endpoint of lib/ep_token_verify.c. */
#include "app.h"

APP_MAIN(ep_token_verify)

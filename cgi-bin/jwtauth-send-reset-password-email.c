/* jwtauth-send-reset-password-email: the endpoint of lib/ep_send_reset_password_email.c. */
#include "app.h"

APP_MAIN(ep_send_reset_password_email)

/*
 * views.h - the handlers behind each endpoint, and the field indices their
 * input tables (in cgi-bin/) use.
 */
#ifndef JWTAUTH_VIEWS_H
#define JWTAUTH_VIEWS_H

#include <stddef.h>

#include "app.h"

/* UserRegistrationSerializer */
enum { REG_EMAIL, REG_NAME, REG_PASSWORD, REG_PASSWORD2, REG_TC, REG__MAX };
/* UserLoginSerializer */
enum { LOGIN_EMAIL, LOGIN_PASSWORD, LOGIN__MAX };
/* TokenRefreshSerializer */
enum { REFRESH_REFRESH, REFRESH__MAX };
/* TokenVerifySerializer */
enum { VERIFY_TOKEN, VERIFY__MAX };

/* UserChangePasswordSerializer */
enum { CHANGE_PASSWORD, CHANGE_PASSWORD2, CHANGE__MAX };
/* SendPasswordResetEmailSerializer */
enum { RESETMAIL_EMAIL, RESETMAIL__MAX };
/* UserPasswordResetSerializer */
enum { RESET_PASSWORD, RESET_PASSWORD2, RESET__MAX };

/* The model's unique error for email, as DRF's ModelSerializer words it. */
#define VIEW_MSG_EMAIL_TAKEN	"user with this email already exists."

/* UniqueValidator(queryset=User.objects.all()) on email; arg is the struct ctx. */
int	 view_email_unused(void *arg, const char *s, size_t n, enum err *e);

enum err view_register(struct ctx *c);
enum err view_login(struct ctx *c);
enum err view_profile(struct ctx *c);
enum err view_token_refresh(struct ctx *c);
enum err view_token_verify(struct ctx *c);
enum err view_change_password(struct ctx *c);
enum err view_send_reset_email(struct ctx *c);
enum err view_reset_password(struct ctx *c);

#endif

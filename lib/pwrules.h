/*
 * pwrules.h - the password rules of [password] (cfg.h), each off unless
 * configured, with the messages of the Django validators they are:
 * MinimumLengthValidator (min_length) and CommonPasswordValidator
 * (common_check, against Django's own list, compiled in).  Every place a
 * new password is taken calls pwrules_check (views.c view_hash_password
 * for the API, jwtauth-admin for its verbs).
 */
#ifndef JWTAUTH_PWRULES_H
#define JWTAUTH_PWRULES_H

#include <stddef.h>

#include "cfg.h"
#include "err.h"

#define PWRULES_MSG_COMMON	"This password is too common."

/*
 * validate_password() with the configured validators, in the order of
 * Django's default AUTH_PASSWORD_VALIDATORS, on pw (valid UTF-8, n
 * bytes): each failure's message is added to v under field.  Returns the
 * number of failures (0: pw passes), or -1 when memory ran out.
 */
int	 pwrules_check(const struct cfg *c, const char *pw, size_t n, const char *field,
	    struct verr *v);

/*
 * CommonPasswordValidator.validate: 1 when password.lower().strip() is on
 * Django's list, 0 when not, -1 when memory ran out.
 */
int	 pwrules_common(const char *pw, size_t n);

#endif

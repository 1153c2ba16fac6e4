/*
 * views.h - what several endpoints (lib/ep_*.c) share: the seed's
 * messages, the register serializer's uniqueness check, the token pair a
 * login or registration answers, hashing a new password, and the one
 * mapping of a database failure to an error.
 */
#ifndef JWTAUTH_VIEWS_H
#define JWTAUTH_VIEWS_H

#include <stddef.h>
#include <stdint.h>

#include "endpoint.h"

/* The model's unique error for email, as DRF's ModelSerializer words it. */
#define VIEW_MSG_EMAIL_TAKEN	"user with this email already exists."
/* The seed's serializers' password2 check. */
#define VIEW_MSG_MISMATCH	"Password and Confirm password doesn't match!"

/* UniqueValidator(queryset=User.objects.all()) on email; arg is the struct ctx. */
int	 view_email_unused(void *arg, const char *s, size_t n, enum err *e);

/*
 * The seed's password == password2 check: ERR_OK, or ERR_INVALID with
 * its non_field_errors message.
 */
enum err view_passwords_match(struct ctx *c, const struct field_value *pw,
	    const struct field_value *pw2);

/* {"refresh": ..., "access": ...} for user id into c->out (get_tokens_for_user). */
enum err view_token_pair(struct ctx *c, int64_t id);

/*
 * Hash a new password into out; a passphrase crypt(3) cannot take is the
 * client's 400 on field.
 */
enum err view_hash_password(struct ctx *c, const struct field_value *pw, const char *field,
	    char *out, size_t outsz);

/* The seed's {"success": msg} answer with status 200. */
enum err view_success(struct ctx *c, const char *msg);

/*
 * The error for a database call that answered rc (not DB_OK): ERR_UNAVAILABLE
 * for DB_ERR, ERR_INTERNAL for an answer the caller did not expect.
 */
enum err view_db_error(struct ctx *c, enum db_rc rc);

#endif

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

#include "audit.h"
#include "endpoint.h"
#include "token.h"

/* The model's unique error for email, as DRF's ModelSerializer words it. */
#define VIEW_MSG_EMAIL_TAKEN	"user with this email already exists."
/* The seed's serializers' password2 check. */
#define VIEW_MSG_MISMATCH	"Password and Confirm password doesn't match!"

/*
 * UniqueValidator(queryset=User.objects.all()) on email; arg is the struct
 * ctx.  An update's own row (c->obj, loaded by get_object) does not count,
 * as the validator excludes the instance.
 */
int	 view_email_unused(void *arg, const char *s, size_t n, enum err *e);

/*
 * The seed's password == password2 check: ERR_OK, or ERR_INVALID with
 * its non_field_errors message.
 */
enum err view_passwords_match(struct ctx *c, const struct field_value *pw,
	    const struct field_value *pw2);

/*
 * BaseUserManager.normalize_email of a validated email into out (the
 * caller frees it): ERR_OK, or ERR_INVALID when lower-casing the domain
 * made it longer than the column's 255 characters.
 */
enum err view_normalize_email(struct ctx *c, const struct field_value *email, struct buf *out);

/*
 * A user as the admin API shows it into c->out: id, email, name, tc,
 * is_active, is_admin, last_login, created_at, updated_at, datetimes as
 * DRF renders them (dtime.h), never the password.
 */
enum err view_admin_user(struct ctx *c, const struct db_admin_user *u);

/* The admin API's refusals to leave no active admin (non_field_errors). */
#define VIEW_MSG_LAST_ADMIN_DELETE \
	"This is the last active admin: it cannot be deleted."
#define VIEW_MSG_LAST_ADMIN_CHANGE \
	"This is the last active admin: it cannot be deactivated or lose is_admin."

/*
 * get_object() of the admin API's user views (struct endpoint.object):
 * the user whose id is the path's first parameter (Django's <int:pk>:
 * digits; a value beyond int64 names nobody) into c->obj.
 * ERR_OBJECT_NOT_FOUND (404 "Not found.") when there is none.
 */
enum err view_admin_object(struct ctx *c);

/*
 * {"refresh": ..., "access": ...} for user id into c->out
 * (get_tokens_for_user), the refresh token recorded as outstanding
 * (simplejwt's token_blacklist app).  hash is the user's stored password
 * hash (for CHECK_REVOKE_TOKEN's claim); revoked_at the user's revocation
 * time (struct db_user): a pair is never issued in that second (its iat
 * would be refused), the request waits for the next one.
 */
enum err view_token_pair(struct ctx *c, int64_t id, const char *hash, int64_t revoked_at);

/*
 * Record refresh (issued at c->now) as an outstanding token of user id (0:
 * none): OutstandingToken.objects.create() of RefreshToken.for_user().
 */
enum err view_token_outstand(struct ctx *c, int64_t id, const char *refresh);

/*
 * What the database knows of token t (db_token_state) into st: zero when
 * t has no string jti of at most 255 characters (never recorded).
 * ERR_OK, or the database's error.
 */
enum err view_token_state(struct ctx *c, const struct tok *t, struct db_token_state *st);

/*
 * RefreshToken.blacklist() of t (raw: its text, jti: its jti), with the
 * family st names, at c->now.  ERR_OK, or the database's error.
 */
enum err view_token_blacklist(struct ctx *c, const struct tok *t, const struct field_value *raw,
	    const char *jti, const struct db_token_state *st);

/*
 * The token views' answer to a token of user u that auth_revoked() refuses
 * (ERR_TOKEN_VIEW "Token is invalid or expired", ERR_PASSWORD_CHANGED), or
 * ERR_OK.
 */
enum err view_token_revoked(struct ctx *c, const struct tok *t, const struct db_user *u);

/*
 * Hash a new password into out.  The password rules of [password]
 * (pwrules.h, Django's validators) come first, their messages under field
 * (400); a passphrase crypt(3) cannot take is the client's 400 on field.
 */
enum err view_hash_password(struct ctx *c, const struct field_value *pw, const char *field,
	    char *out, size_t outsz);

/*
 * The changepassword serializer's validate() and save() for user id:
 * password and password2 equal, the hash of password stored.  gone is the
 * error when the user no longer exists.
 */
enum err view_set_password(struct ctx *c, const struct field_value *pw,
	    const struct field_value *pw2, int64_t id, enum err gone);

/* djoser's CurrentPasswordSerializer error (invalid_password). */
#define VIEW_MSG_INVALID_PASSWORD	"Invalid password."

/*
 * djoser's validate_current_password as a field check (field.h; arg is
 * the struct ctx): 1 when s is the authenticated user's password, else 0
 * (VIEW_MSG_INVALID_PASSWORD under the field).
 */
int	 view_current_password(void *arg, const char *s, size_t n, enum err *e);

/* The seed's {"success": msg} answer with status 200. */
enum err view_success(struct ctx *c, const char *msg);

/*
 * The error for a database call that answered rc (not DB_OK): ERR_UNAVAILABLE
 * for DB_ERR, ERR_INTERNAL for an answer the caller did not expect.
 */
enum err view_db_error(struct ctx *c, enum db_rc rc);

/*
 * One audit row for this request (audit.h): event, user_id (who acted, 0
 * for none), target_id (the user acted on when another, 0) and outcome,
 * with the request's time, client address and User-Agent.  app.c writes
 * the handler's event this way; a handler calls it for a further event
 * (refresh_reuse).  Never fails the request.
 */
void	 view_audit(struct ctx *c, const char *event, int64_t user_id, int64_t target_id,
	    enum audit_outcome outcome);

#endif

/*
 * err.c - error strings and statuses (see err.h).
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "err.h"

static const struct err_def defs[ERR__MAX] = {
	[ERR_OK] = { 200, ES_DETAIL, NULL, NULL, "ok" },
	[ERR_NOT_FOUND] = { 404, ES_DETAIL, "Not found.", NULL,
	    "no renderer for the format parameter" },
	[ERR_NOT_ACCEPTABLE] = { 406, ES_DETAIL, "Could not satisfy the request Accept header.", NULL,
	    "no renderer satisfies Accept" },
	[ERR_AUTH_HEADER] = { 401, ES_DETAIL,
	    "Authorization header must contain two space-delimited values", "bad_authorization_header",
	    "malformed Authorization header" },
	[ERR_TOKEN] = { 401, ES_TOKEN, "Given token not valid for any token type", "token_not_valid",
	    "access token rejected" },
	[ERR_TOKEN_NO_USER] = { 401, ES_DETAIL, "Token contained no recognizable user identification",
	    "token_not_valid", "access token without user_id" },
	[ERR_USER_NOT_FOUND] = { 401, ES_DETAIL, "User not found", "user_not_found",
	    "token user not found" },
	[ERR_USER_INACTIVE] = { 401, ES_DETAIL, "User is inactive", "user_inactive",
	    "token user inactive" },
	[ERR_NOT_AUTHENTICATED] = { 401, ES_DETAIL, "Authentication credentials were not provided.", NULL,
	    "no credentials" },
	[ERR_FORBIDDEN] = { 403, ES_DETAIL, "You do not have permission to perform this action.",
	    NULL, "not an active admin" },
	[ERR_OBJECT_NOT_FOUND] = { 404, ES_DETAIL, "Not found.", NULL, "no such user" },
	[ERR_INVALID_PAGE] = { 404, ES_DETAIL, "Invalid page.", NULL, "no such page" },
	[ERR_METHOD] = { 405, ES_DETAIL, "Method \"%s\" not allowed.", NULL, "method not allowed" },
	[ERR_TOO_LARGE] = { 413, ES_DETAIL, "Request body too large: the limit is %s bytes.", NULL,
	    "request body too large" },
	[ERR_MEDIA_TYPE] = { 415, ES_DETAIL, NULL, NULL, "unsupported media type" },
	[ERR_PARSE] = { 400, ES_DETAIL, NULL, NULL, "malformed request body" },
	[ERR_INVALID] = { 400, ES_FIELDS, NULL, NULL, "invalid fields" },
	[ERR_LOGIN] = { 404, ES_LOGIN, "email or password is not valid", NULL,
	    "wrong email or password" },
	[ERR_TOKEN_VIEW] = { 401, ES_DETAIL, NULL, "token_not_valid", "token rejected" },
	[ERR_NO_ACTIVE_ACCOUNT] = { 401, ES_DETAIL, "No active account found for the given token.",
	    "no_active_account", "token user gone or inactive" },
	[ERR_MAIL] = { 503, ES_DETAIL, "The password reset email could not be sent. Try again later.",
	    NULL, "mail not sent" },
	/* DRF's exceptions.Throttled with its wait ("1 second", "N seconds"). */
	[ERR_THROTTLED] = { 429, ES_DETAIL, "Request was throttled. Expected available in %s.", NULL,
	    "throttled" },
	[ERR_UNAVAILABLE] = { 503, ES_DETAIL, "Service temporarily unavailable, try again later.",
	    "service_unavailable", "database unavailable" },
	[ERR_INTERNAL] = { 500, ES_DETAIL, "A server error occurred.", "error", "internal error" },
	[ERR_PASSWORD_CHANGED] = { 401, ES_DETAIL, "The user's password has been changed.",
	    "password_changed", "token issued before a password change (hash_password)" },
};

const struct err_def *
err_def(enum err e)
{
	return (unsigned)e < ERR__MAX ? &defs[e] : &defs[ERR_INTERNAL];
}

const char *
err_strerror(enum err e)
{
	return (unsigned)e < ERR__MAX ? defs[e].log : "unknown error";
}

int
err_status(enum err e)
{
	return err_def(e)->status;
}

void
verr_add(struct verr *v, const char *field, const char *msg)
{
	size_t	 i;

	for (i = 0; i < v->n; i++)
		if (strcmp(v->f[i].field, field) == 0)
			break;
	if (i == v->n) {
		if (v->n == VERR_MAXFIELDS)
			return;
		v->f[i].field = field;
		v->f[i].nmsg = 0;
		v->n++;
	}
	if (v->f[i].nmsg == VERR_MAXMSGS)
		return;
	/* Messages are ours and short; truncation would only cut a message. */
	(void)snprintf(v->f[i].msg[v->f[i].nmsg++], VERR_MSGLEN, "%s", msg);
}

int
verr_has(const struct verr *v, const char *field)
{
	size_t	 i;

	for (i = 0; i < v->n; i++)
		if (strcmp(v->f[i].field, field) == 0)
			return 1;
	return 0;
}

enum err
errinfo_set(struct errinfo *ei, enum err code, const char *fmt, ...)
{
	va_list	 ap;

	ei->code = code;
	ei->detail[0] = '\0';
	if (fmt != NULL) {
		va_start(ap, fmt);
		(void)vsnprintf(ei->detail, sizeof(ei->detail), fmt, ap);
		va_end(ap);
	}
	return code;
}

/*
 * err.c - error strings and statuses (see err.h).
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "err.h"

static const struct {
	int		 status;
	const char	*str;
} errs[ERR__MAX] = {
	[ERR_OK] =		 { 200, "ok" },
	[ERR_NOT_FOUND] =	 { 404, "no renderer for the format parameter" },
	[ERR_NOT_ACCEPTABLE] =	 { 406, "no renderer satisfies Accept" },
	[ERR_AUTH_HEADER] =	 { 401, "malformed Authorization header" },
	[ERR_TOKEN] =		 { 401, "access token rejected" },
	[ERR_TOKEN_NO_USER] =	 { 401, "access token without user_id" },
	[ERR_USER_NOT_FOUND] =	 { 401, "token user not found" },
	[ERR_USER_INACTIVE] =	 { 401, "token user inactive" },
	[ERR_NOT_AUTHENTICATED]= { 401, "no credentials" },
	[ERR_METHOD] =		 { 405, "method not allowed" },
	[ERR_TOO_LARGE] =	 { 413, "request body too large" },
	[ERR_MEDIA_TYPE] =	 { 415, "unsupported media type" },
	[ERR_PARSE] =		 { 400, "malformed request body" },
	[ERR_INVALID] =		 { 400, "invalid fields" },
	[ERR_LOGIN] =		 { 404, "wrong email or password" },
	[ERR_TOKEN_VIEW] =	 { 401, "token rejected" },
	[ERR_NO_ACTIVE_ACCOUNT]= { 401, "token user gone or inactive" },
	[ERR_MAIL] =		 { 503, "mail not sent" },
	[ERR_UNAVAILABLE] =	 { 503, "database unavailable" },
	[ERR_INTERNAL] =	 { 500, "internal error" },
};

const char *
err_strerror(enum err e)
{
	if ((unsigned)e >= ERR__MAX)
		return "unknown error";
	return errs[e].str;
}

int
err_status(enum err e)
{
	if ((unsigned)e >= ERR__MAX)
		return 500;
	return errs[e].status;
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

/*
 * err.h - the one error enum and its table.  Every failure a request can
 * meet is one of these; err.c's table says its status and body text, and
 * render.c is the one place that turns them into HTTP.
 */
#ifndef JWTAUTH_ERR_H
#define JWTAUTH_ERR_H

#include <stddef.h>
#include <stdint.h>

enum err {
	ERR_OK = 0,		/* success */
	ERR_NOT_FOUND,		/* ?format= names no renderer of the view */
	ERR_NOT_ACCEPTABLE,	/* no renderer satisfies Accept */
	ERR_AUTH_HEADER,	/* Authorization is not "Bearer <token>" */
	ERR_TOKEN,		/* the access token is refused; detail: simplejwt's message */
	ERR_TOKEN_NO_USER,	/* the access token has no user_id */
	ERR_USER_NOT_FOUND,	/* the token's user does not exist */
	ERR_USER_INACTIVE,	/* the token's user is inactive */
	ERR_NOT_AUTHENTICATED,	/* IsAuthenticated without credentials */
	ERR_FORBIDDEN,		/* the admin API for a user who is not an active admin */
	ERR_OBJECT_NOT_FOUND,	/* get_object(): no such user (Http404) */
	ERR_INVALID_PAGE,	/* the list's page does not exist */
	ERR_METHOD,		/* the view has no handler for it; detail: the method */
	ERR_TOO_LARGE,		/* the body is over the cap; detail: the cap */
	ERR_MEDIA_TYPE,		/* no parser for the Content-Type; detail: DRF's text */
	ERR_PARSE,		/* the body's syntax; detail: the parser's text */
	ERR_INVALID,		/* serializer errors by field (struct verr) */
	ERR_LOGIN,		/* the seed's login refusal (its own body) */
	ERR_TOKEN_VIEW,		/* token views: detail: simplejwt's message */
	ERR_NO_ACTIVE_ACCOUNT,	/* refresh for a user who is gone or inactive */
	ERR_MAIL,		/* the reset mail could not be sent */
	ERR_THROTTLED,		/* a throttle's limit is reached (lib/throttle.h); detail: "N seconds" */
	ERR_UNAVAILABLE,	/* the database cannot be reached */
	ERR_INTERNAL,		/* a bug or resource failure on our side */
	ERR_PASSWORD_CHANGED,	/* CHECK_REVOKE_TOKEN: the token's hash_password is not the user's */
	ERR__MAX
};

/* How the body of an error is built (render.c). */
enum err_shape {
	ES_DETAIL,	/* {"detail": text[, "code": code]} */
	ES_TOKEN,	/* ES_DETAIL plus simplejwt's "messages" list with errinfo.detail */
	ES_FIELDS,	/* DRF's serializer errors: {"field": [messages], ...} */
	ES_LOGIN,	/* the seed's login view's own dict, never wrapped again */
};

/*
 * The one table of errors: status, body shape, the detail text (a "%s" in
 * it stands for errinfo.detail; NULL: errinfo.detail is the whole text),
 * DRF/simplejwt's "code" member (NULL: none) and a description for logs.
 */
struct err_def {
	int		 status;
	enum err_shape	 shape;
	const char	*detail;
	const char	*code;
	const char	*log;
};

/* The entry of e; an unknown value gets ERR_INTERNAL's. */
const struct err_def *err_def(enum err e);

/* Short description for logs. */
const char	*err_strerror(enum err e);

/* HTTP status of e (200 for ERR_OK). */
int		 err_status(enum err e);

/*
 * Serializer errors in DRF's shape: {"field": ["message", ...], ...} in field
 * order, "non_field_errors" included as a field name.  Messages are copied.
 */
#define VERR_MAXFIELDS	8
#define VERR_MAXMSGS	4
#define VERR_MSGLEN	112

struct verr {
	size_t	 n;
	struct {
		const char	*field;		/* static string */
		size_t		 nmsg;
		char		 msg[VERR_MAXMSGS][VERR_MSGLEN];
	} f[VERR_MAXFIELDS];
};

/* Append msg to field's list (creating the entry in order). */
void	 verr_add(struct verr *v, const char *field, const char *msg);
/* Has field any error? */
int	 verr_has(const struct verr *v, const char *field);

/*
 * Everything render.c needs to describe a failed request: the code, one
 * detail string (the method for 405, the media type for 415, simplejwt's
 * message for ERR_TOKEN and ERR_TOKEN_VIEW, the parser's text for
 * ERR_PARSE, the reason for ERR_MAIL) and the serializer errors.
 */
struct errinfo {
	enum err	 code;
	char		 detail[1024];	/* longer texts are cut (a 1 KiB Content-Type is not a client we serve) */
	struct verr	 verr;
	long		 retry_after;	/* > 0: the Retry-After header, in seconds (ERR_THROTTLED) */
};

/* Set code and detail (printf-style, truncated safely); returns code. */
enum err errinfo_set(struct errinfo *ei, enum err code, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));

#endif

/*
 * err.h - the one error enum.  Every failure a request can meet is one of
 * these; render.c is the one place that turns them into an HTTP status and
 * a JSON body (err_status() gives the status).
 */
#ifndef JWTAUTH_ERR_H
#define JWTAUTH_ERR_H

#include <stddef.h>
#include <stdint.h>

enum err {
	ERR_OK = 0,		/* 200/201: no error */
	ERR_NOT_FOUND,		/* 404 "Not found.": ?format= names no renderer of the view */
	ERR_NOT_ACCEPTABLE,	/* 406 "Could not satisfy the request Accept header." */
	ERR_AUTH_HEADER,	/* 401 "Authorization header must contain two space-delimited values" */
	ERR_TOKEN,		/* 401 "Given token not valid for any token type" + messages[] */
	ERR_TOKEN_NO_USER,	/* 401 "Token contained no recognizable user identification" */
	ERR_USER_NOT_FOUND,	/* 401 "User not found" */
	ERR_USER_INACTIVE,	/* 401 "User is inactive" */
	ERR_NOT_AUTHENTICATED,	/* 401 "Authentication credentials were not provided." */
	ERR_METHOD,		/* 405 'Method "X" not allowed.' */
	ERR_TOO_LARGE,		/* 413 body over the configured cap */
	ERR_MEDIA_TYPE,		/* 415 'Unsupported media type "X" in request.' */
	ERR_PARSE,		/* 400 body syntax: "JSON parse error - ...", multipart, too many fields */
	ERR_INVALID,		/* 400 serializer errors by field (struct verr) */
	ERR_LOGIN,		/* 404 "email or password is not valid" (the seed's own body) */
	ERR_TOKEN_VIEW,		/* 401 token views: simplejwt's message, code token_not_valid */
	ERR_NO_ACTIVE_ACCOUNT,	/* 401 refresh for a user who is gone or inactive */
	ERR_MAIL,		/* 503 the reset mail could not be sent */
	ERR_UNAVAILABLE,	/* 503 the database cannot be reached */
	ERR_INTERNAL,		/* 500 a bug or resource failure on our side */
	ERR__MAX
};

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
};

/* Set code and detail (printf-style, truncated safely); returns code. */
enum err errinfo_set(struct errinfo *ei, enum err code, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));

#endif

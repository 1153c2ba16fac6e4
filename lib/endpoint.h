/*
 * endpoint.h - what an endpoint is (struct endpoint: its URL, its view's
 * behaviour and one handler per HTTP method, each with its input table)
 * and what a handler sees (struct ctx).  Each endpoint is one lib/ep_*.c
 * file defining one struct endpoint; app.c runs requests through it.
 *
 * Methods are those of Django's View.http_method_names, in that order
 * (the order of the Allow header); HEAD is answered by the GET handler and
 * OPTIONS by DRF's metadata, as Django and DRF do.
 */
#ifndef JWTAUTH_ENDPOINT_H
#define JWTAUTH_ENDPOINT_H

#include <stddef.h>

#include "buf.h"
#include "cfg.h"
#include "client.h"
#include "db.h"
#include "err.h"
#include "field.h"
#include "form.h"
#include "http.h"
#include "jout.h"

enum method {
	M_GET,
	M_POST,
	M_PUT,
	M_PATCH,
	M_DELETE,
	M__MAX
};

/* Upper-case name of m ("GET"). */
const char	*method_name(enum method m);

/* The method called name (upper case), or M__MAX when it is none of them. */
enum method	 method_lookup(const char *name);

enum ep_kind {
	EP_SEED,	/* the seed's APIViews: UserRenderer, {"errors": ...} wrapping */
	EP_SIMPLEJWT,	/* simplejwt's TokenViewBase: DRF JSONRenderer + browsable API */
};

/* OPTIONS "actions" entry of a generic view's serializer field. */
struct ep_action {
	const char	*name;
	int		 required;
	int		 read_only;
	const char	*label;
};

struct ctx;
typedef enum err (*ep_handler)(struct ctx *c);

/* Most input fields of one handler (the size of the validated array). */
#define EP_MAXFIELDS	8

/*
 * One method of a view.  fields is the body's serializer (POST, PUT,
 * PATCH), query the query string's (GET); either may be NULL.  actions
 * is what OPTIONS describes for POST and PUT (DRF's generic views); NULL
 * for the seed's APIViews.
 */
struct handler {
	ep_handler		 fn;		/* NULL: the method is not allowed */
	const struct field_spec	*fields;
	size_t			 nfields;
	const struct field_spec	*query;
	size_t			 nquery;
	const struct ep_action	*actions;
	size_t			 nactions;
	/*
	 * Fields DRF skips when the body lacks them (HTML forms aside, where a
	 * missing boolean is False): bit i for fields[i].  partial: every
	 * field (PATCH, partial=True); optional: those a ModelSerializer makes
	 * required=False (a model default).  A handler sees which were given
	 * in ctx.present.
	 */
	int			 partial;
	unsigned int		 optional;
	/*
	 * The audit log's event name ("login"; audit.h): app.c writes one row
	 * after every request to this method that got past the routing, with
	 * the outcome its status says.  NULL: not audited.
	 */
	const char		*audit;
	/*
	 * Fields a setting turns off (bit i for fields[i]): not read at all,
	 * as if the serializer lacked them (changepassword's current_password
	 * without [password] require_current_password).  NULL: none.
	 */
	unsigned int		(*off)(const struct cfg *cfg);
};

struct endpoint {
	const char		*prog;		/* binary name, for logs */
	const char		*path;		/* canonical path, with the trailing slash;
						   NULL: no path is ours (404 for all) */
	int			 nparams;	/* path segments after path (reset: uid, token) */
	const char		*view_name;	/* DRF get_view_name(): "User Registration" */
	const char		*description;	/* view docstring, "" for the seed's views */
	enum ep_kind		 kind;
	int			 authenticate;	/* DEFAULT_AUTHENTICATION_CLASSES run */
	int			 require_auth;	/* permission_classes = [IsAuthenticated] */
	int			 require_admin;	/* and an active user with is_admin (the
						   admin API): 403 otherwise */
	/*
	 * DRF's get_object() of a generic view: loads ctx.obj from the path
	 * (404 when there is none) for every method but OPTIONS, after the
	 * method check and before the body is read, as update() and
	 * destroy() call it.  NULL for the other views.
	 */
	ep_handler		 object;
	int			 sends_mail;	/* check the mail settings at start-up */
	int			 no_store;	/* Cache-Control: no-store on its answers: they
						   carry tokens (RFC 6749 section 5.1) */
	struct handler		 handlers[M__MAX];
};

#define EP_MAXPARAMS	2

/* What a handler gets and fills. */
struct ctx {
	const struct endpoint	*ep;
	const struct cfg	*cfg;
	struct db		*db;
	struct http_req		*req;
	struct http_resp	*resp;
	double			 now;		/* request time, seconds with fraction */
	char			 client[CLIENT_ADDRLEN];	/* the client's address (client.h) */
	int			 indent;	/* accepted media type's indent (JSON renderer) */
	int			 authed;	/* JWT authentication succeeded */
	struct db_user		 user;		/* the authenticated user */
	int64_t			 auth_iat;	/* the iat of the access token that authenticated */
	struct field_value	*in;		/* validated fields of the handler's table */
	unsigned int		 present;	/* bit i: in[i] was given (see struct handler) */
	struct db_admin_user	 obj;		/* the object ep->object loaded */
	char			*params[EP_MAXPARAMS];	/* decoded path parameters */
	int			 status;	/* success status the handler chose */
	struct form		 query;		/* request.query_params: the query string, parsed once */
	enum form_rc		 query_rc;	/* FORM_OK, or why it did not parse (query then empty) */
	char			 query_msg[128];	/* the parser's text when it did not */
	struct jout		 out;		/* success body; write one JSON value */
	struct errinfo		 err;		/* detail for the error being returned */
	/*
	 * For the audit row (see struct handler's audit), set by a handler
	 * that knows them: the user the request names when nobody is
	 * authenticated (login's e-mail, reset's uid, register's new user),
	 * and the user acted on when it is another (the admin API's new
	 * user; get_object's ctx.obj otherwise).  0: unknown.
	 */
	int64_t			 audit_user;
	int64_t			 audit_target;
};

/*
 * The Allow header of ep into out (64 bytes suffice): its methods in
 * http_method_names order, HEAD after DELETE when GET is there, then OPTIONS
 * ("GET, HEAD, OPTIONS", "POST, OPTIONS").
 */
void	 ep_allow(const struct endpoint *ep, char *out, size_t outsz);

/* Number of entries of a static array. */
#define nitems(a)	(sizeof(a) / sizeof((a)[0]))

#endif

/*
 * app.h - an endpoint binary: its description (struct endpoint, written in
 * cgi-bin/<name>.c) and the per-request context its handler sees.
 * app_main() runs the FastCGI accept loop, or one request in CGI mode.
 *
 * Per request, in the order Django + DRF apply them:
 *   CORS preflight (200) -> APPEND_SLASH redirect (301) -> content
 *   negotiation (404 ?format=, 406) -> JWT authentication (401) ->
 *   IsAuthenticated (401) -> method (405) -> OPTIONS metadata ->
 *   media type (415) -> body size (413) -> body syntax (400) ->
 *   field validation (400) -> handler -> render.
 */
#ifndef JWTAUTH_APP_H
#define JWTAUTH_APP_H

#include <stddef.h>

#include "buf.h"
#include "cfg.h"
#include "db.h"
#include "err.h"
#include "field.h"
#include "http.h"
#include "jout.h"

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
	int			 is_get;	/* the handler answers GET/HEAD, else POST */
	int			 sends_mail;	/* check the mail settings at start-up */
	const struct field_spec	*fields;	/* POST input, in serializer order */
	size_t			 nfields;
	const struct ep_action	*actions;	/* OPTIONS actions (simplejwt views); NULL */
	size_t			 nactions;
	ep_handler		 handler;
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
	int			 indent;	/* accepted media type's indent (JSON renderer) */
	int			 authed;	/* JWT authentication succeeded */
	struct db_user		 user;		/* the authenticated user */
	struct field_value	*in;		/* validated fields, [ep->nfields] */
	char			*params[EP_MAXPARAMS];	/* decoded path parameters */
	int			 status;	/* success status the handler chose */
	struct jout		 out;		/* success body; write one JSON value */
	struct errinfo		 err;		/* detail for the error being returned */
};

/* Run the endpoint: returns the process exit status. */
int	 app_main(const struct endpoint *ep, int argc, char *argv[]);

#endif

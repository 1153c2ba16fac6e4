/*
 * render.h - the one place where errors become HTTP: status, headers
 * (Allow, Vary, WWW-Authenticate, CORS, security) and the JSON body in the
 * shape of the view's renderer.
 */
#ifndef JWTAUTH_RENDER_H
#define JWTAUTH_RENDER_H

#include "endpoint.h"

/*
 * Finish c->resp for a view response: e == ERR_OK keeps the handler's body
 * and status; anything else replaces them by the error body (c->err holds
 * the details).
 */
void	 render_view(struct ctx *c, enum err e);

/* The view's OPTIONS metadata (SimpleMetadata) into c->out. */
void	 render_metadata(struct ctx *c);

/* django-cors-headers' preflight answer: 200, empty text/html body. */
void	 render_preflight(struct ctx *c);

/* CommonMiddleware's APPEND_SLASH answer: 301 to location. */
void	 render_redirect(struct ctx *c, const char *location);

/* Django's 404 page, for paths the front end routed here but no URL pattern matches. */
void	 render_not_found_page(struct ctx *c);

#endif

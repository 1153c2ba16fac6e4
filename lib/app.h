/*
 * app.h - the runner of one endpoint binary (lib/ep_*.c define the
 * endpoints, cgi-bin/jwtauth-*.c their one-line main()).
 *
 * Per request, in the order Django + DRF apply them:
 *   CORS preflight (200) -> APPEND_SLASH redirect (301) / 404 page ->
 *   content negotiation (404 ?format=, 406) -> JWT authentication (401) ->
 *   IsAuthenticated (401) -> method (405) -> OPTIONS metadata ->
 *   media type (415) -> body size (413) -> body syntax (400) ->
 *   field validation (400) -> handler -> render.
 */
#ifndef JWTAUTH_APP_H
#define JWTAUTH_APP_H

#include "endpoint.h"

/*
 * Start the endpoint: read the configuration, then answer one request as
 * plain CGI, or serve FastCGI on fd 0 (with [jwtauth] workers processes).
 * Returns the process exit status; start-up failures are 1.
 */
int	 app_main(const struct endpoint *ep, int argc, char *argv[]);

/* Read one request from io, answer it, and write the response to io. */
void	 app_serve(const struct endpoint *ep, const struct cfg *cfg, struct db *db,
	    struct http_io *io);

/* The whole of a cgi-bin/ main: APP_MAIN(ep_login) */
#define APP_MAIN(ep)							\
	extern const struct endpoint ep;				\
	int main(int argc, char *argv[]);				\
	int main(int argc, char *argv[]) { return app_main(&ep, argc, argv); }

#endif

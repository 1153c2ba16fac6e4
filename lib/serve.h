/*
 * serve.h - the serving loops: the FastCGI accept loop on the listening
 * socket at fd 0, and a prefork supervisor of several such loops.  They
 * know nothing of endpoints: each request is handed to fn with its
 * struct http_io.
 */
#ifndef JWTAUTH_SERVE_H
#define JWTAUTH_SERVE_H

#include "http.h"

/* Called once per request; must answer it on io before returning. */
typedef void (*serve_fn)(void *arg, struct http_io *io);

/* Accept FastCGI requests until the socket fails or SIGTERM ends us. */
void	 serve_fcgi(serve_fn fn, void *arg);

/*
 * workers processes running serve_fcgi() on the one socket (what
 * spawn-fcgi -F does); any that dies is replaced, unless we are told to
 * stop (SIGTERM/SIGINT, passed on).  Returns the exit status.
 */
int	 serve_prefork(long workers, serve_fn fn, void *arg);

#endif

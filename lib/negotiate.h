/*
 * negotiate.h - DRF's DefaultContentNegotiation for a view's renderers.
 */
#ifndef JWTAUTH_NEGOTIATE_H
#define JWTAUTH_NEGOTIATE_H

#include "endpoint.h"

/*
 * ?format= (in query, the parsed query string) filters the renderers of a
 * view of kind (none left: ERR_NOT_FOUND), then accept (the Accept header,
 * NULL when absent) picks one (none: ERR_NOT_ACCEPTABLE) and may ask for
 * an indent (*indent, 0 when none).  jwtauth does not reproduce the
 * browsable API: text/html is answered with JSON.  Returns ERR_OK.
 */
enum err negotiate(enum ep_kind kind, const struct form *query, const char *accept, int *indent);

#endif

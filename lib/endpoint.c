/*
 * endpoint.c - method names and the Allow header (see endpoint.h).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "endpoint.h"

static const char *const names[M__MAX] = {
	[M_GET] = "GET",
	[M_POST] = "POST",
	[M_PUT] = "PUT",
	[M_PATCH] = "PATCH",
	[M_DELETE] = "DELETE",
};

const char *
method_name(enum method m)
{
	return (unsigned)m < M__MAX ? names[m] : "";
}

enum method
method_lookup(const char *name)
{
	enum method	 m;

	for (m = 0; m < M__MAX; m++)
		if (strcmp(names[m], name) == 0)
			return m;
	return M__MAX;
}

void
ep_allow(const struct endpoint *ep, char *out, size_t outsz)
{
	enum method	 m;
	size_t		 len = 0;

	if (outsz == 0)
		return;
	out[0] = '\0';
	for (m = 0; m < M__MAX; m++)
		if (ep->handlers[m].fn != NULL && len < outsz)
			len += (size_t)snprintf(out + len, outsz - len, "%s, ", names[m]);
	if (ep->handlers[M_GET].fn != NULL && len < outsz)
		len += (size_t)snprintf(out + len, outsz - len, "HEAD, ");
	if (len < outsz)
		(void)snprintf(out + len, outsz - len, "OPTIONS");
}

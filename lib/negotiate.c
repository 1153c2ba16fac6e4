/*
 * negotiate.c - content negotiation (see negotiate.h).
 */
#include "config.h"

#include <string.h>

#include "form.h"
#include "mime.h"
#include "negotiate.h"

/* A view's renderers: media type and ?format= name, in DRF's order. */
struct renderer {
	const char	*type;
	const char	*format;
};

static const struct renderer seed_renderers[] = {	/* the seed's UserRenderer */
	{ "application/json", "json" },
};
static const struct renderer jwt_renderers[] = {	/* DRF's defaults */
	{ "application/json", "json" },
	{ "text/html", "api" },				/* BrowsableAPIRenderer */
};

enum err
negotiate(enum ep_kind kind, const struct form *query, const char *accept, int *indent)
{
	const struct renderer	*r = kind == EP_SEED ? seed_renderers : jwt_renderers;
	size_t			 nr = kind == EP_SEED ? nitems(seed_renderers) :
				    nitems(jwt_renderers), n = 0, i;
	const char		*types[nitems(jwt_renderers)];
	struct val		 fmt = form_get(query, "format");

	*indent = 0;
	for (i = 0; i < nr; i++)
		if (fmt.kind != V_STR || fmt.len == 0 || strcmp(fmt.s, r[i].format) == 0)
			types[n++] = r[i].type;
	if (n == 0)
		return ERR_NOT_FOUND;
	if (mime_negotiate(accept, types, n, indent) < 0) {
		*indent = 0;
		return ERR_NOT_ACCEPTABLE;
	}
	return ERR_OK;
}

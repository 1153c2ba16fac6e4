/*
 * route.c - one endpoint's URL, as Django resolves it (see route.h).
 */
#include "config.h"

#include <string.h>

#include "route.h"

int
route_match(const char *base, int nparams, const char *path, char *params[])
{
	size_t		 plen, seglen;
	const char	*p, *slash;
	int		 i;

	if (base == NULL)
		return -1;	/* the not-found endpoint */
	plen = strlen(base);
	if (strncmp(path, base, plen) != 0) {
		/* "/api/user/register" for "/api/user/register/" */
		if (nparams == 0 && strlen(path) == plen - 1 &&
		    strncmp(path, base, plen - 1) == 0)
			return 1;
		return -1;
	}
	p = path + plen;
	if (nparams == 0)
		return *p == '\0' ? 0 : -1;
	/* <str:uid>/<str:token>/ : each segment [^/]+ */
	for (i = 0; i < nparams; i++) {
		if ((slash = strchr(p, '/')) == NULL) {
			/* The last segment without its slash: APPEND_SLASH applies. */
			if (i == nparams - 1 && *p != '\0')
				return 1;
			return -1;
		}
		seglen = (size_t)(slash - p);
		if (seglen == 0)
			return -1;
		if ((params[i] = strndup(p, seglen)) == NULL)
			return -1;
		p = slash + 1;
	}
	return *p == '\0' ? 0 : -1;
}

void
route_slash_location(const char *path, const char *query, struct buf *out)
{
	static const char safe_path[] = "/:@&+$,-_.!~*'()";
	const unsigned char *s;

	for (s = (const unsigned char *)path; *s != '\0'; s++) {
		if ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9') || strchr(safe_path, *s) != NULL)
			buf_putc(out, *s);
		else
			buf_printf(out, "%%%02X", *s);
	}
	buf_putc(out, '/');
	if (query[0] == '\0')
		return;
	buf_putc(out, '?');
	route_iri_query(query, out);
}

void
route_iri_query(const char *query, struct buf *out)
{
	static const char safe_query[] = "/#%[]=:;$&()+,!?*@'~-_.";
	const unsigned char *s;

	for (s = (const unsigned char *)query; *s != '\0'; s++) {
		if ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9') || strchr(safe_query, *s) != NULL)
			buf_putc(out, *s);
		else if (*s >= 0x80)
			/* WSGI hands QUERY_STRING over as Latin-1; iri_to_uri quotes its UTF-8. */
			buf_printf(out, "%%%02X%%%02X", 0xc0 | *s >> 6, 0x80 | (*s & 0x3f));
		else
			buf_printf(out, "%%%02X", *s);
	}
}

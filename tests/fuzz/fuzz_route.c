/*
 * fuzz_route.c - the URL (route.c, http.c's path decoding): the raw path
 * decoded as WSGI and Django do, matched against each kind of endpoint URL
 * (no parameter, <uid>/<token>), and the APPEND_SLASH Location built from
 * it.  Input: the raw path up to the first newline, then QUERY_STRING.
 */
#include "config.h"

#include "buf.h"
#include "endpoint.h"
#include "http.h"
#include "log.h"
#include "route.h"
#include "fuzz.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	log_init("fuzz_route", LOG_ERR);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct { const char *base; int n; } urls[] = {
		{ "/api/user/login/", 0 }, { "/api/user/reset-password/", 2 },
		{ "/api/admin/users/", 1 }, { "/", 0 },
	};
	const uint8_t	*rp;
	size_t		 rplen, i;
	char		*raw, *query, *path, *params[EP_MAXPARAMS];
	struct buf	 loc = BUF_INIT;
	int		 j;

	(void)fuzz_split(&data, &size, '\n', &rp, &rplen);
	if ((raw = fuzz_strndup(rp, rplen)) == NULL)
		return 0;
	if ((query = fuzz_strndup(data, size)) == NULL) {
		free(raw);
		return 0;
	}
	if ((path = http_decode_path(raw, strlen(raw))) != NULL) {
		for (i = 0; i < sizeof(urls) / sizeof(urls[0]); i++) {
			memset(params, 0, sizeof(params));
			if (route_match(urls[i].base, urls[i].n, path, params) == 1)
				route_slash_location(path, query, &loc);
			for (j = 0; j < EP_MAXPARAMS; j++)
				free(params[j]);
			buf_reset(&loc);
		}
		free(path);
	}
	route_iri_query(query, &loc);
	buf_free(&loc);
	free(query);
	free(raw);
	return 0;
}

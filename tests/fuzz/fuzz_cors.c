/*
 * fuzz_cors.c - django-cors-headers' origin check (cors.c): the Origin
 * header against a list of configured origins.  Input: the Origin header up
 * to the first newline, then the configured origins one per line (at most
 * CFG_MAXORIGINS, as cfg.c allows; default: a fixed list).
 */
#include "config.h"

#include "cfg.h"
#include "cors.h"
#include "log.h"
#include "fuzz.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	log_init("fuzz_cors", LOG_ERR);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const fixed[] = { "http://localhost:3000", "https://[::1]:8443",
	    "null", "HTTPS://Example.COM" };
	const uint8_t	*p;
	size_t		 plen, n = 0, i;
	char		*origin, *allowed[CFG_MAXORIGINS];
	volatile int	 sink = 0;

	(void)fuzz_split(&data, &size, '\n', &p, &plen);
	if ((origin = fuzz_strndup(p, plen)) == NULL)
		return 0;
	while (size > 0 && n < CFG_MAXORIGINS) {
		(void)fuzz_split(&data, &size, '\n', &p, &plen);
		if ((allowed[n] = fuzz_strndup(p, plen)) == NULL)
			break;
		n++;
	}
	sink += cors_origin_allowed(origin, fixed, sizeof(fixed) / sizeof(fixed[0]));
	sink += cors_origin_allowed(origin, (const char *const *)allowed, n);
	for (i = 0; i < n; i++) {
		/* Each configured origin as a request's Origin too. */
		sink += cors_origin_allowed(allowed[i], fixed, sizeof(fixed) / sizeof(fixed[0]));
		free(allowed[i]);
	}
	free(origin);
	(void)sink;
	return 0;
}

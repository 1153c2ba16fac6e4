/*
 * fuzz_client.c - the client's address (client.c): trusted proxies parsed
 * as cfg.c parses them (client_net_parse), then REMOTE_ADDR and
 * X-Forwarded-For walked.  Input: REMOTE_ADDR up to the first newline,
 * X-Forwarded-For up to the next, then trusted proxies one per line (at
 * most CLIENT_MAXPROXIES; default: 10.0.0.0/8 and ::1).
 */
#include "config.h"

#include <stdio.h>

#include "client.h"
#include "log.h"
#include "fuzz.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	log_init("fuzz_client", LOG_ERR);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct client_net nets[CLIENT_MAXPROXIES];
	const uint8_t	*p;
	size_t		 plen, n = 0;
	char		*remote, *xff, *s, out[CLIENT_ADDRLEN];

	(void)fuzz_split(&data, &size, '\n', &p, &plen);
	if ((remote = fuzz_strndup(p, plen)) == NULL)
		return 0;
	(void)fuzz_split(&data, &size, '\n', &p, &plen);
	if ((xff = fuzz_strndup(p, plen)) == NULL) {
		free(remote);
		return 0;
	}
	while (size > 0 && n < CLIENT_MAXPROXIES) {
		(void)fuzz_split(&data, &size, '\n', &p, &plen);
		if ((s = fuzz_strndup(p, plen)) == NULL)
			break;
		if (client_net_parse(s, &nets[n]) == 0)
			n++;
		free(s);
	}
	if (n == 0) {
		if (client_net_parse("10.0.0.0/8", &nets[n++]) == -1 ||
		    client_net_parse("::1", &nets[n++]) == -1)
			abort();
	}
	memset(out, 'x', sizeof(out));
	client_addr(remote, xff, nets, n, out);
	if (memchr(out, '\0', sizeof(out)) == NULL) {
		fprintf(stderr, "client_addr: no NUL in out\n");
		abort();
	}
	client_addr(remote, NULL, nets, n, out);
	free(xff);
	free(remote);
	return 0;
}

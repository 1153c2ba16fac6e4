/*
 * t_client.c - unit tests for lib/client.c: trusted-proxy blocks and the
 * client address read from REMOTE_ADDR and X-Forwarded-For.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "client.h"
#include "tap.h"

#define NELEMS(a)	(sizeof(a) / sizeof((a)[0]))

static const struct {
	const char	*text;
	int		 ok;
	int		 bits;
} nets[] = {
	{ "10.0.0.0/8", 1, 8 },
	{ "127.0.0.1", 1, 32 },
	{ "::1", 1, 128 },
	{ "fd00::/8", 1, 8 },
	{ "192.168.1.0/24", 1, 24 },
	{ "0.0.0.0/0", 1, 0 },
	{ "10.0.0.0/33", 0, 0 },
	{ "::/129", 0, 0 },
	{ "10.0.0.0/", 0, 0 },
	{ "10.0.0.0/-1", 0, 0 },
	{ "10.0.0.0/8x", 0, 0 },
	{ "10.0.0", 0, 0 },
	{ "proxy.example", 0, 0 },
	{ "", 0, 0 },
	{ "/8", 0, 0 },
};

/* The trusted proxies of the address cases. */
static const char *const proxies[] = { "10.0.0.0/8", "127.0.0.1", "::1", "192.168.1.128/25" };

static const struct {
	const char	*remote;
	const char	*xff;
	const char	*want;
} addrs[] = {
	/* Not from a trusted proxy: the header is the client's own text. */
	{ "203.0.113.7", "1.2.3.4", "203.0.113.7" },
	{ "203.0.113.7", NULL, "203.0.113.7" },
	/* From a trusted proxy: the rightmost untrusted hop. */
	{ "127.0.0.1", "198.51.100.9", "198.51.100.9" },
	{ "127.0.0.1", "1.1.1.1, 198.51.100.9", "198.51.100.9" },
	{ "127.0.0.1", "1.1.1.1, 198.51.100.9, 10.2.3.4", "198.51.100.9" },
	{ "127.0.0.1", "1.1.1.1,198.51.100.9,10.2.3.4,127.0.0.1", "198.51.100.9" },
	{ "127.0.0.1", "  198.51.100.9\t", "198.51.100.9" },
	/* Every hop trusted: the leftmost. */
	{ "127.0.0.1", "10.9.9.9, 10.1.1.1", "10.9.9.9" },
	/* No header or an empty one: the proxy itself. */
	{ "127.0.0.1", NULL, "127.0.0.1" },
	{ "127.0.0.1", "", "127.0.0.1" },
	{ "127.0.0.1", " , ", "127.0.0.1" },
	/* Empty entries are skipped. */
	{ "127.0.0.1", "198.51.100.9,,", "198.51.100.9" },
	/* Garbage ends the walk at the hop that wrote it. */
	{ "127.0.0.1", "unknown", "127.0.0.1" },
	{ "127.0.0.1", "198.51.100.9, 10.0.0.1, bogus", "127.0.0.1" },
	{ "127.0.0.1", "bogus, 10.0.0.1", "10.0.0.1" },
	{ "127.0.0.1", "198.51.100.9:1234", "127.0.0.1" },
	/* IPv6, and IPv4-mapped addresses count as IPv4. */
	{ "::1", "2001:db8::1", "2001:db8::1" },
	{ "::ffff:127.0.0.1", "198.51.100.9", "198.51.100.9" },
	{ "2001:db8::5", "198.51.100.9", "2001:db8::5" },
	{ "::1", "2001:DB8:0:0::1", "2001:db8::1" },
	/* Partial-byte prefix /25. */
	{ "192.168.1.200", "198.51.100.9", "198.51.100.9" },
	{ "192.168.1.100", "198.51.100.9", "192.168.1.100" },
	/* Not an address: kept as text (a test's environment), cut to fit. */
	{ NULL, "198.51.100.9", "" },
	{ "", NULL, "" },
	{ "unix:", NULL, "unix:" },
	{ "0123456789012345678901234567890123456789012345678901234567890123", NULL,
	    "012345678901234567890123456789012345678901234" },
};

int
main(void)
{
	struct client_net	 n, trusted[NELEMS(proxies)];
	char			 out[CLIENT_ADDRLEN];
	size_t			 i;

	for (i = 0; i < NELEMS(nets); i++) {
		is_int(client_net_parse(nets[i].text, &n) == 0, nets[i].ok, "net \"%s\"",
		    nets[i].text);
		if (nets[i].ok)
			is_int(n.bits, nets[i].bits, "net \"%s\" bits", nets[i].text);
	}
	for (i = 0; i < NELEMS(proxies); i++)
		if (client_net_parse(proxies[i], &trusted[i]) == -1)
			return 1;
	for (i = 0; i < NELEMS(addrs); i++) {
		memset(out, 'x', sizeof(out));
		client_addr(addrs[i].remote, addrs[i].xff, trusted, NELEMS(trusted), out);
		is_str(out, addrs[i].want, "%s via %s", addrs[i].remote ? addrs[i].remote : "(none)",
		    addrs[i].xff ? addrs[i].xff : "(none)");
	}
	/* With no trusted proxy, X-Forwarded-For is never read. */
	client_addr("127.0.0.1", "198.51.100.9", NULL, 0, out);
	is_str(out, "127.0.0.1", "no trusted proxies");
	return tap_done();
}

/*
 * client.h - the client's address: REMOTE_ADDR, or, when the request came
 * through one of the configured trusted proxies, the address those proxies
 * put in X-Forwarded-For (the rightmost one that is not itself a trusted
 * proxy, as nginx's real_ip_recursive and Django-ipware read it).  The
 * throttles and the audit log key on it.
 */
#ifndef JWTAUTH_CLIENT_H
#define JWTAUTH_CLIENT_H

#include <stddef.h>

#define CLIENT_MAXPROXIES	16
/* Longest text of an address, with its NUL (INET6_ADDRSTRLEN). */
#define CLIENT_ADDRLEN		46

/* One trusted proxy: an address and a prefix length (a CIDR block). */
struct client_net {
	int		 family;	/* AF_INET or AF_INET6 */
	unsigned char	 addr[16];
	int		 bits;
};

/*
 * Parse "addr[/bits]" (IPv4 or IPv6) into n.  0, or -1 when it is not one.
 */
int	 client_net_parse(const char *s, struct client_net *n);

/*
 * The client's address into out (CLIENT_ADDRLEN bytes), in inet_ntop's
 * form: remote is REMOTE_ADDR, xff the X-Forwarded-For header (NULL when
 * absent), nets the trusted proxies.  An unparsable REMOTE_ADDR (a test or
 * a unix socket) is kept as text, cut to fit; an unparsable entry of
 * X-Forwarded-For ends the walk at the hop that sent it.
 */
void	 client_addr(const char *remote, const char *xff, const struct client_net *nets,
	    size_t nnets, char *out);

#endif

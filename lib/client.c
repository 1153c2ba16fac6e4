/*
 * client.c - the client's address behind trusted proxies (see client.h).
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"

/* Parse an address (no prefix) of s[0..n); 0 and *family, or -1. */
static int
parse_addr(const char *s, size_t n, int *family, unsigned char *addr)
{
	char	 tmp[64];

	if (n == 0 || n >= sizeof(tmp))
		return -1;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	if (inet_pton(AF_INET, tmp, addr) == 1) {
		*family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, tmp, addr) == 1) {
		*family = AF_INET6;
		return 0;
	}
	return -1;
}

int
client_net_parse(const char *s, struct client_net *n)
{
	const char	*slash = strchr(s, '/');
	char		*end;
	long		 bits;
	int		 max;

	memset(n, 0, sizeof(*n));
	if (parse_addr(s, slash ? (size_t)(slash - s) : strlen(s), &n->family, n->addr) == -1)
		return -1;
	max = n->family == AF_INET ? 32 : 128;
	n->bits = max;
	if (slash != NULL) {
		if (slash[1] < '0' || slash[1] > '9')
			return -1;
		bits = strtol(slash + 1, &end, 10);
		if (*end != '\0' || bits > max)
			return -1;
		n->bits = (int)bits;
	}
	return 0;
}

/* Whether addr (of family) lies in one of nets.  An IPv4-mapped IPv6 address counts as IPv4. */
static int
trusted(int family, const unsigned char *addr, const struct client_net *nets, size_t nnets)
{
	static const unsigned char mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	size_t	 i;
	int	 full, rest;

	if (family == AF_INET6 && memcmp(addr, mapped, sizeof(mapped)) == 0) {
		family = AF_INET;
		addr += 12;
	}
	for (i = 0; i < nnets; i++) {
		if (nets[i].family != family)
			continue;
		full = nets[i].bits / 8;
		rest = nets[i].bits % 8;
		if (memcmp(nets[i].addr, addr, (size_t)full) != 0)
			continue;
		if (rest != 0 && ((nets[i].addr[full] ^ addr[full]) & (0xff00 >> rest) & 0xff) != 0)
			continue;
		return 1;
	}
	return 0;
}

static void
format(int family, const unsigned char *addr, char *out)
{
	if (inet_ntop(family, addr, out, CLIENT_ADDRLEN) == NULL)
		out[0] = '\0';
}

void
client_addr(const char *remote, const char *xff, const struct client_net *nets,
    size_t nnets, char *out)
{
	unsigned char	 addr[16];
	const char	*end, *start;
	size_t		 n;
	int		 family;

	if (remote == NULL)
		remote = "";
	if (parse_addr(remote, strlen(remote), &family, addr) == -1) {
		n = strnlen(remote, CLIENT_ADDRLEN - 1);
		memcpy(out, remote, n);
		out[n] = '\0';
		return;
	}
	/* From the nearest hop back: each trusted hop vouches for the one before it. */
	end = xff != NULL ? xff + strlen(xff) : NULL;
	while (trusted(family, addr, nets, nnets) && end != NULL && end > xff) {
		for (start = end; start > xff && start[-1] != ','; start--)
			continue;
		n = (size_t)(end - start);
		while (n > 0 && (*start == ' ' || *start == '\t')) {
			start++;
			n--;
		}
		while (n > 0 && (start[n - 1] == ' ' || start[n - 1] == '\t'))
			n--;
		end = start > xff ? start - 1 : xff;
		if (n == 0)
			continue;
		if (parse_addr(start, n, &family, addr) == -1)
			break;
	}
	format(family, addr, out);
}

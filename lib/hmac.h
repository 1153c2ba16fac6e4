/*
 * hmac.h - HMAC-SHA256 (RFC 2104) over OpenSSL's plain SHA-256 functions.
 *
 * OpenSSL 3's HMAC()/EVP calls fetch the algorithm from a provider, and the
 * first fetch in a process initialises the library (configuration file,
 * provider, name tables): some five million instructions, paid by every
 * CGI request that checks a token.  SHA256_Init/Update/Final run the same
 * compression function without any of that.
 */
#ifndef JWTAUTH_HMAC_H
#define JWTAUTH_HMAC_H

#include <stddef.h>

#define HMAC_SHA256_LEN	32

/* HMAC-SHA256(key, msg) into out[HMAC_SHA256_LEN]. */
void	 hmac_sha256(const void *key, size_t keylen, const void *msg, size_t msglen,
	    unsigned char out[HMAC_SHA256_LEN]);

#endif

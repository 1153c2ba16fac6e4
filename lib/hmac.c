/*
 * hmac.c - HMAC-SHA256 (see hmac.h): H((K ^ opad) || H((K ^ ipad) || m)),
 * K the key zero-padded to the 64-byte block, hashed first when longer.
 */
#include "config.h"

/* The plain SHA256_* calls are deprecated in OpenSSL 3 in favour of EVP. */
#define OPENSSL_SUPPRESS_DEPRECATED

#include <string.h>

#include <openssl/sha.h>

#include "hmac.h"

#define BLOCK	64

void
hmac_sha256(const void *key, size_t keylen, const void *msg, size_t msglen,
    unsigned char out[HMAC_SHA256_LEN])
{
	SHA256_CTX	 ctx;
	unsigned char	 k[BLOCK], pad[BLOCK], inner[HMAC_SHA256_LEN];
	size_t		 i;

	memset(k, 0, sizeof(k));
	if (keylen > BLOCK)
		SHA256(key, keylen, k);
	else if (keylen > 0)
		memcpy(k, key, keylen);
	for (i = 0; i < BLOCK; i++)
		pad[i] = k[i] ^ 0x36;
	SHA256_Init(&ctx);
	SHA256_Update(&ctx, pad, BLOCK);
	SHA256_Update(&ctx, msg, msglen);
	SHA256_Final(inner, &ctx);
	for (i = 0; i < BLOCK; i++)
		pad[i] = k[i] ^ 0x5c;
	SHA256_Init(&ctx);
	SHA256_Update(&ctx, pad, BLOCK);
	SHA256_Update(&ctx, inner, sizeof(inner));
	SHA256_Final(out, &ctx);
	explicit_bzero(&ctx, sizeof(ctx));
	explicit_bzero(k, sizeof(k));
	explicit_bzero(pad, sizeof(pad));
	explicit_bzero(inner, sizeof(inner));
}

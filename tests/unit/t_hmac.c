/*
 * t_hmac.c - hmac_sha256() against RFC 4231's test cases and against
 * OpenSSL's own HMAC() for every key and message length up to 200 bytes
 * (keys over the 64-byte block are hashed first: both sides of that line).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "hmac.h"
#include "tap.h"

static void
hex(const unsigned char *b, size_t n, char *out)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		(void)snprintf(out + 2 * i, 3, "%02x", b[i]);
}

/* RFC 4231 section 4: test cases 2 (a short key) and 6 (a key longer than the block). */
static const struct {
	const char	*key;
	size_t		 keylen;
	const char	*msg;
	const char	*want;
} rfc[] = {
	{ "Jefe", 4, "what do ya want for nothing?",
	  "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843" },
	{ NULL, 131, "Test Using Larger Than Block-Size Key - Hash Key First",
	  "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54" },
};

int
main(void)
{
	unsigned char	 key[200], msg[200], got[HMAC_SHA256_LEN], want[EVP_MAX_MD_SIZE];
	unsigned char	 aa[131];
	unsigned int	 wantlen;
	char		 h[2 * HMAC_SHA256_LEN + 1];
	size_t		 i, kl, ml;
	int		 bad = 0, n = 0;

	memset(aa, 0xaa, sizeof(aa));
	for (i = 0; i < sizeof(rfc) / sizeof(rfc[0]); i++) {
		hmac_sha256(rfc[i].key ? (const void *)rfc[i].key : aa, rfc[i].keylen,
		    rfc[i].msg, strlen(rfc[i].msg), got);
		hex(got, sizeof(got), h);
		is_str(h, rfc[i].want, "RFC 4231 case %s", i == 0 ? "2" : "6");
	}
	for (i = 0; i < sizeof(key); i++) {
		key[i] = (unsigned char)(i * 7 + 3);
		msg[i] = (unsigned char)(i * 13 + 1);
	}
	for (kl = 0; kl <= sizeof(key); kl += 1 + kl / 16)
		for (ml = 0; ml <= sizeof(msg); ml += 1 + ml / 8) {
			hmac_sha256(key, kl, msg, ml, got);
			HMAC(EVP_sha256(), key, (int)kl, msg, ml, want, &wantlen);
			n++;
			if (wantlen != sizeof(got) || memcmp(got, want, sizeof(got)) != 0) {
				if (bad++ < 5)
					printf("# differs: key %zu bytes, message %zu bytes\n", kl, ml);
			}
		}
	ok(bad == 0, "the same as OpenSSL's HMAC() for %d key/message lengths (%d differ)", n, bad);
	return tap_done();
}

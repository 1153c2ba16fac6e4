/*
 * fuzz.h - what the libFuzzer harnesses share (tests/fuzz/fuzz_*.c; README
 * "Fuzzing").  Each harness is one LLVMFuzzerTestOneInput over the library's
 * own entry points, with no database and no network, and frees everything
 * it made: a leak is a finding too.
 */
#ifndef JWTAUTH_FUZZ_H
#define JWTAUTH_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg.h"

int	 LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int	 LLVMFuzzerInitialize(int *argc, char ***argv);

/* A NUL-terminated copy of d[0..n) (malloc'd; the caller frees), NULL when out of memory. */
static inline char *
fuzz_strndup(const uint8_t *d, size_t n)
{
	char	*s;

	if ((s = malloc(n + 1)) == NULL)
		return NULL;
	if (n > 0)
		memcpy(s, d, n);
	s[n] = '\0';
	return s;
}

/*
 * The next piece of the input (*d, *n) up to sep (not included): *piece and *plen
 * receive it, *d and *n move past the separator.  Returns 0 when there was
 * no separator (the piece is all that was left).
 */
static inline int
fuzz_split(const uint8_t **d, size_t *n, int sep, const uint8_t **piece, size_t *plen)
{
	const uint8_t	*p = *n > 0 ? memchr(*d, sep, *n) : NULL;

	*piece = *d;
	if (p == NULL) {
		*plen = *n;
		*d += *n;
		*n = 0;
		return 0;
	}
	*plen = (size_t)(p - *d);
	*n -= *plen + 1;
	*d = p + 1;
	return 1;
}

/* The harness's configuration from text, or abort (the harness itself is wrong). */
static inline void
fuzz_cfg(struct cfg *cfg, const char *harness, const char *text)
{
	char	 err[256];

	if (cfg_load_text(cfg, text, NULL, err, sizeof(err)) == -1) {
		fprintf(stderr, "%s: %s\n", harness, err);
		abort();
	}
}

#endif

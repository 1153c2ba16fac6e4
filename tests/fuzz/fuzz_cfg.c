/*
 * fuzz_cfg.c - the configuration file (cfg.c: cfg_load_text), the INI text
 * and the JWTAUTH_* environment over it, with every check cfg_load() makes.
 * Input: the file's text up to the first NUL byte, then the environment as
 * NAME=VALUE lines (at most 32).
 */
#include "config.h"

#include "cfg.h"
#include "log.h"
#include "fuzz.h"

#define MAXENV	32

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	log_init("fuzz_cfg", LOG_ERR);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t	*p;
	size_t		 plen, n = 0, i;
	char		*text, *env[MAXENV + 1], err[256];
	struct cfg	 c;

	(void)fuzz_split(&data, &size, '\0', &p, &plen);
	if ((text = fuzz_strndup(p, plen)) == NULL)
		return 0;
	while (size > 0 && n < MAXENV) {
		(void)fuzz_split(&data, &size, '\n', &p, &plen);
		if ((env[n] = fuzz_strndup(p, plen)) == NULL)
			break;
		n++;
	}
	env[n] = NULL;
	if (cfg_load_text(&c, text, (const char *const *)env, err, sizeof(err)) == 0)
		cfg_free(&c);
	for (i = 0; i < n; i++)
		free(env[i]);
	free(text);
	return 0;
}

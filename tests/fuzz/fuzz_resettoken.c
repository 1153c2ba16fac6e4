/*
 * fuzz_resettoken.c - the reset link's uid and token as the reset view reads
 * them (resettoken.c: rt_uid_decode, rt_check), with two properties checked
 * on the way: a decoded id encodes and decodes back to itself, and the
 * token rt_make makes for the user passes rt_check.  The users and keys are
 * those of tests/unit/t_resettoken.c (Django's vectors), so its seeds reach
 * a matching HMAC.  Input: the uid up to the first newline, the token after it.
 */
#include "config.h"

#include <stdio.h>
#include <time.h>

#include "log.h"
#include "resettoken.h"
#include "fuzz.h"

#define KEY1	"0123456789abcdef0123456789abcdef-reset"
#define KEY2	"0123456789abcdef0123456789abcdef-reset2"
#define NOW_TS	817205415LL

static const struct {
	long long	 id;
	const char	*password, *last_login, *email;
} users[] = {
	{ 42, "pbkdf2_sha256$260000$abc$def=", "", "user@example.com" },
	{ 7, "$y$j9T$salt$hash", "2026-01-02 03:04:05", "Mixed.Case@example.com" },
	{ 123456789012LL, "x", "", "p\xc3\xa9@xn--exmple-cua.com" },
};

static struct cfg	 cfg;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	log_init("fuzz_resettoken", LOG_ERR);
	fuzz_cfg(&cfg, "fuzz_resettoken", "[keys]\nkey1_id = old\nkey1_secret = " KEY1
	    "\nkey1_legacy = 1\nkey2_id = new\nkey2_secret = " KEY2 "\ncurrent = old\n");
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t	*uid;
	size_t		 uidlen, i;
	int64_t		 id = 1, back;
	struct db_user	 u;
	struct buf	 b = BUF_INIT;
	char		 made[64];
	volatile int	 sink = 0;

	(void)fuzz_split(&data, &size, '\n', &uid, &uidlen);
	if (rt_uid_decode((const char *)uid, uidlen, &id) == 0) {
		if (rt_uid_encode(id, &b) == 0 && buf_ok(&b) &&
		    (rt_uid_decode(b.p, b.len, &back) != 0 || back != id)) {
			fprintf(stderr, "uid of %lld does not decode back\n", (long long)id);
			abort();
		}
		buf_free(&b);
	}
	memset(&u, 0, sizeof(u));
	u.id = id;
	for (i = 0; i < sizeof(users) / sizeof(users[0]); i++)
		if (users[i].id == id || i == 0) {
			(void)snprintf(u.password, sizeof(u.password), "%s", users[i].password);
			(void)snprintf(u.last_login, sizeof(u.last_login), "%s",
			    users[i].last_login);
			u.email_len = (size_t)snprintf(u.email, sizeof(u.email), "%s",
			    users[i].email);
		}
	sink += rt_check(&cfg, &u, (const char *)data, size, NOW_TS);
	if (rt_make(&cfg, &u, NOW_TS - (long long)(size % 600), 0, made, sizeof(made)) == 0 &&
	    rt_check(&cfg, &u, made, strlen(made), NOW_TS) != 1) {
		fprintf(stderr, "rt_make's token for %lld fails rt_check\n", (long long)id);
		abort();
	}
	(void)sink;
	return 0;
}

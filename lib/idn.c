/*
 * idn.c - libidn2 loaded when a non-ASCII domain first needs it (see idn.h).
 */
#include "config.h"

#include <dlfcn.h>
#include <stdlib.h>

#include "idn.h"
#include "log.h"

#define LIBIDN2_SONAME	"libidn2.so.0"

static struct {
	int	  tried;
	int	(*to_ascii)(const char *, char **, int);
	void	(*free_)(void *);
} lib;

static int
load(void)
{
	void		*h;
	const char	*e;

	if (lib.tried)
		return lib.to_ascii != NULL ? 0 : -1;
	lib.tried = 1;
	if ((h = dlopen(LIBIDN2_SONAME, RTLD_NOW | RTLD_LOCAL)) == NULL) {
		e = dlerror();
		log_err("%s", e != NULL ? e : "cannot load " LIBIDN2_SONAME);
		return -1;
	}
	lib.to_ascii = (int (*)(const char *, char **, int))dlsym(h, "idn2_to_ascii_8z");
	lib.free_ = (void (*)(void *))dlsym(h, "idn2_free");
	if (lib.to_ascii == NULL || lib.free_ == NULL) {
		log_err("%s lacks idn2_to_ascii_8z or idn2_free", LIBIDN2_SONAME);
		lib.to_ascii = NULL;
		dlclose(h);
		return -1;
	}
	return 0;
}

int
idn2l_to_ascii(const char *in, char **out, int flags)
{
	*out = NULL;
	if (load() == -1)
		return IDN2_MALLOC;
	return lib.to_ascii(in, out, flags);
}

void
idn2l_free(char *s)
{
	if (s != NULL && lib.free_ != NULL)
		lib.free_(s);
}

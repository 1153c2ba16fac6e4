/*
 * tap.h - a minimal TAP producer for the unit tests (one header, no library).
 *
 *	ok(cond, "name %d", i);		one test point
 *	is_str(got, want, "name");	string equality, prints both on failure
 *	is_int(got, want, "name");
 *	skip("reason");			a test point not run (TAP's # SKIP)
 *	return tap_done();		prints the plan, exit status 1 on failure
 */
#ifndef JWTAUTH_TAP_H
#define JWTAUTH_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int tap_n, tap_failed;

static void tap_vreport(int pass, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

static void
tap_vreport(int pass, const char *fmt, va_list ap)
{
	tap_n++;
	if (!pass)
		tap_failed++;
	printf("%sok %d - ", pass ? "" : "not ", tap_n);
	vprintf(fmt, ap);
	putchar('\n');
	fflush(stdout);
}

static int ok(int pass, const char *fmt, ...) __attribute__((format(printf, 2, 3), unused));

static int
ok(int pass, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tap_vreport(pass, fmt, ap);
	va_end(ap);
	return pass;
}

static int is_str(const char *got, const char *want, const char *fmt, ...)
    __attribute__((format(printf, 3, 4), unused));

static int
is_str(const char *got, const char *want, const char *fmt, ...)
{
	va_list	 ap;
	int	 pass;

	pass = (got == NULL && want == NULL) ||
	    (got != NULL && want != NULL && strcmp(got, want) == 0);
	va_start(ap, fmt);
	tap_vreport(pass, fmt, ap);
	va_end(ap);
	if (!pass)
		printf("#   got:  \"%s\"\n#   want: \"%s\"\n",
		    got ? got : "(null)", want ? want : "(null)");
	return pass;
}

static int is_int(long long got, long long want, const char *fmt, ...)
    __attribute__((format(printf, 3, 4), unused));

static int
is_int(long long got, long long want, const char *fmt, ...)
{
	va_list	 ap;
	int	 pass = got == want;

	va_start(ap, fmt);
	tap_vreport(pass, fmt, ap);
	va_end(ap);
	if (!pass)
		printf("#   got:  %lld\n#   want: %lld\n", got, want);
	return pass;
}

static void skip(const char *fmt, ...) __attribute__((format(printf, 1, 2), unused));

/* One test point not run, with the reason: "ok N # SKIP reason". */
static void
skip(const char *fmt, ...)
{
	va_list	 ap;

	tap_n++;
	printf("ok %d # SKIP ", tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

static int tap_done(void) __attribute__((unused));

static int
tap_done(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}

#endif

/*
 * dtime.c - DRF's rendering of a datetime (see dtime.h).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dtime.h"

/* n digits of s as a number; -1 when one is not a digit. */
static long
digits(const char *s, size_t n)
{
	long	 v = 0;
	size_t	 i;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

int
dt_iso_local(const char *utc, char *out, size_t outsz)
{
	struct tm	 tm, lt;
	time_t		 t;
	long		 us = 0, off, f[6];
	size_t		 len = strlen(utc), i, n;
	char		 frac[24] = "", zone[24];
	static const size_t	 at[6] = { 0, 5, 8, 11, 14, 17 }, w[6] = { 4, 2, 2, 2, 2, 2 };

	if (outsz < DT_ISO_MAX || (len != 19 && len != 26))
		return -1;
	if (utc[4] != '-' || utc[7] != '-' || utc[10] != ' ' || utc[13] != ':' || utc[16] != ':')
		return -1;
	for (i = 0; i < 6; i++)
		if ((f[i] = digits(utc + at[i], w[i])) == -1)
			return -1;
	if (len == 26 && (utc[19] != '.' || (us = digits(utc + 20, 6)) == -1))
		return -1;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = (int)f[0] - 1900;
	tm.tm_mon = (int)f[1] - 1;
	tm.tm_mday = (int)f[2];
	tm.tm_hour = (int)f[3];
	tm.tm_min = (int)f[4];
	tm.tm_sec = (int)f[5];
	t = timegm(&tm);	/* 64-bit time_t: every year 1..9999 fits */
	if (localtime_r(&t, &lt) == NULL)
		return -1;
	if (us != 0)
		(void)snprintf(frac, sizeof(frac), ".%06ld", us);
	off = lt.tm_gmtoff;
	if (off == 0)
		(void)snprintf(zone, sizeof(zone), "Z");
	else {
		n = (size_t)snprintf(zone, sizeof(zone), "%c%02ld:%02ld", off < 0 ? '-' : '+',
		    labs(off) / 3600, labs(off) / 60 % 60);
		if (labs(off) % 60 != 0)
			(void)snprintf(zone + n, sizeof(zone) - n, ":%02ld", labs(off) % 60);
	}
	n = (size_t)snprintf(out, outsz, "%04d-%02d-%02dT%02d:%02d:%02d%s%s",
	    lt.tm_year + 1900, lt.tm_mon + 1, lt.tm_mday, lt.tm_hour, lt.tm_min, lt.tm_sec,
	    frac, zone);
	return n < outsz ? 0 : -1;
}

/*
 * dtime.h - datetimes as the original's API shows them: DRF's
 * DateTimeField.to_representation with USE_TZ = True, which converts an
 * aware value to the current time zone (settings.TIME_ZONE; jwtauth's
 * time_zone, which app.c puts in TZ at start-up) and writes isoformat().
 */
#ifndef JWTAUTH_DTIME_H
#define JWTAUTH_DTIME_H

#include <stddef.h>

#define DT_ISO_MAX	40	/* "YYYY-MM-DDTHH:MM:SS.ffffff+HH:MM:SS" and NUL */

/*
 * utc is "YYYY-MM-DD HH:MM:SS" with an optional ".ffffff" (as db.c writes
 * a UTC column).  Writes value.astimezone(local).isoformat() into out:
 * microseconds only when non-zero, the offset as +HH:MM (+HH:MM:SS when it
 * has seconds), and "Z" for a zero offset, as DRF does.  The local zone is
 * the process's (TZ).  Returns 0, or -1 when utc is not such a text or
 * out is shorter than DT_ISO_MAX.
 */
int	 dt_iso_local(const char *utc, char *out, size_t outsz);

#endif

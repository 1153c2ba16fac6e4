#!/bin/sh
# Bootstrap a git checkout: the automake fragment made from endpoints.list,
# then autoreconf.  (A release tarball needs neither: run ./configure.)
set -e
cd "$(dirname "$0")"
sh tools/endpoints am endpoints.list > endpoints.am.tmp
mv endpoints.am.tmp endpoints.am
exec autoreconf -fi

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Serves Folio shard databases with xapian-tcpsrv (Debian xapian-tools), on loopback unless an
# interface is given: xapian-tcpsrv itself listens on every interface, and has no
# authentication (see README.md, "Shards and remote search").
#
#   scripts/shard-server.sh --port PORT [--interface ADDRESS] [--timeout MS] DATABASE...
#
# Other xapian-tcpsrv options (--idle-timeout, --active-timeout, --one-shot, --quiet) pass
# through; --writable is refused (searchers never need it).
set -euo pipefail

interface=127.0.0.1
args=()
while [ $# -gt 0 ]; do
  case $1 in
    --interface) interface=$2; shift 2 ;;
    --interface=*) interface=${1#--interface=}; shift ;;
    --writable) echo "shard-server: error: --writable is not for search shards" >&2; exit 2 ;;
    *) args+=("$1"); shift ;;
  esac
done
command -v xapian-tcpsrv >/dev/null ||
  { echo "shard-server: error: xapian-tcpsrv not found (install Debian xapian-tools)" >&2; exit 2; }
exec xapian-tcpsrv --interface "$interface" "${args[@]}"

# SPDX-License-Identifier: GPL-2.0-or-later
# Sourced by the set-up scripts: installs Debian packages that are not installed yet.

# install_packages LABEL PACKAGE...: installs those of the PACKAGEs that are missing (apt-get,
# through sudo when not root); returns at once when none is.
install_packages() {
  local label=$1
  shift
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "$label: installing ${missing[*]}" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

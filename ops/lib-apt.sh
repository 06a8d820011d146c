# Shared by ops/dev, ops/test and ops/validate-deploy: installs the Debian 12 packages Gantry needs (or those named),
# only when one is missing; ops/validate-deploy asks for `prometheus`, Debian's package of promtool.
# Sourced, not run. PostgreSQL's programs are found as GantryLocalServers finds them: GANTRY_PG_BINDIR if set,
# else any installed version (the `postgresql` package brings Debian's current one).

GANTRY_APT_PACKAGES=(redis-server postgresql libhiredis-dev libpq-dev pkg-config)

gantry_postgres_installed() {
  if [ -n "${GANTRY_PG_BINDIR:-}" ]; then [ -x "$GANTRY_PG_BINDIR/initdb" ]; return; fi
  local initdb
  for initdb in /usr/lib/postgresql/*/bin/initdb; do [ -x "$initdb" ] && return 0; done
  command -v initdb >/dev/null
}

gantry_package_missing() {  # $1: a package name from GANTRY_APT_PACKAGES
  case "$1" in
    redis-server) command -v redis-server >/dev/null && return 1 ;;
    postgresql) gantry_postgres_installed && return 1 ;;
    pkg-config) command -v pkg-config >/dev/null && return 1 ;;
    prometheus) command -v promtool >/dev/null && return 1 ;;
  esac
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'ok installed' && return 1
  return 0
}

# With arguments, installs those packages instead of GANTRY_APT_PACKAGES (promtool for the deployment files,
# chromium for the dashboard's browser test).
gantry_install_packages() {  # [package...]: those, or GANTRY_APT_PACKAGES
  local missing=() p wanted=("$@")
  [ $# -gt 0 ] || wanted=("${GANTRY_APT_PACKAGES[@]}")
  for p in "${wanted[@]}"; do gantry_package_missing "$p" && missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  command -v apt-get >/dev/null || { echo "missing: ${missing[*]} (install them; this script knows only apt-get)" >&2; return 1; }
  local sudo=""
  if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null || { echo "missing: ${missing[*]}; run as root or install sudo" >&2; return 1; }
    sudo="sudo"
  fi
  echo "==> installing ${missing[*]}"
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

#!/usr/bin/env bash
# Check (and, as root on Debian/Ubuntu, install) the system packages the project needs.
#
#   scripts/system-deps.sh            everything: runtime + browser tests (chromium)
#   scripts/system-deps.sh --runtime  only what the running app needs (WeasyPrint, gettext)
#
# Exit status 0 when everything is present (or was installed), non-zero otherwise.
set -euo pipefail

usage() {
    echo "usage: $0 [--runtime]" >&2
}

runtime_pkgs=(
    libpango-1.0-0      # WeasyPrint
    libpangoft2-1.0-0   # WeasyPrint
    libharfbuzz-subset0 # WeasyPrint font subsetting
    fonts-dejavu-core   # WeasyPrint default fonts
    gettext             # makemessages / compilemessages
)
test_pkgs=(
    chromium            # browser tests (Playwright with the Debian build, /usr/bin/chromium)
)

mode=full
case "${1:-}" in
    "") ;;
    --runtime) mode=runtime ;;
    -h | --help) usage; exit 0 ;;
    *) usage; exit 2 ;;
esac
if [[ $# -gt 1 ]]; then
    usage
    exit 2
fi

wanted=("${runtime_pkgs[@]}")
if [[ $mode == full ]]; then
    wanted+=("${test_pkgs[@]}")
fi

if ! command -v dpkg-query >/dev/null 2>&1; then
    echo "system-deps: dpkg-query not found: this is not a Debian-based system." >&2
    echo "system-deps: install the equivalents of these Debian packages yourself:" >&2
    echo "    ${wanted[*]}" >&2
    echo "system-deps: (Pango >= 1.44 with pangoft2 and harfbuzz-subset, DejaVu fonts, GNU gettext" >&2
    [[ $mode == full ]] && echo "system-deps:  and Chromium at /usr/bin/chromium for the browser tests)" >&2
    exit 1
fi

is_installed() {
    local status
    status=$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null) || return 1
    [[ $status == installed ]]
}

missing=()
for pkg in "${wanted[@]}"; do
    if ! is_installed "$pkg"; then
        missing+=("$pkg")
    fi
done

if [[ ${#missing[@]} -eq 0 ]]; then
    echo "system-deps: all required packages present ($mode): ${wanted[*]}"
    exit 0
fi

echo "system-deps: missing Debian packages: ${missing[*]}"

if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
    export DEBIAN_FRONTEND=noninteractive
    echo "system-deps: running apt-get update"
    apt-get update
    echo "system-deps: installing: ${missing[*]}"
    apt-get install -y --no-install-recommends "${missing[@]}"
    still=()
    for pkg in "${missing[@]}"; do
        is_installed "$pkg" || still+=("$pkg")
    done
    if [[ ${#still[@]} -ne 0 ]]; then
        echo "system-deps: ERROR: still missing after apt-get install: ${still[*]}" >&2
        exit 1
    fi
    echo "system-deps: installed: ${missing[*]}"
    exit 0
fi

{
    echo "system-deps: ERROR: these Debian packages are required but not installed:"
    echo "    ${missing[*]}"
    echo "system-deps: install them as root, for example:"
    echo "    sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}"
} >&2
exit 1

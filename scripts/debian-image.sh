#!/usr/bin/env bash
# Make sure the image runjob-debian:build exists on the engine: a Debian 12
# minbase root with gcc, make and python3, for tests and benchmarks that
# build and test real code in containers. There is no image registry here,
# so the image is made with debootstrap (from Debian's mirror, which apt
# reaches) and `docker import`. It takes about a minute once; later calls
# find the image and return at once.
#
# Usage: scripts/debian-image.sh [--force]
#   --force   rebuild even if the image exists
#
# Environment: DEBIAN_IMAGE (default runjob-debian:build), DEBIAN_MIRROR
# (default http://deb.debian.org/debian), DOCKER_HOST as the docker CLI.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
prog=debian-image
# shellcheck source=SCRIPTDIR/lib/daemon.sh
source "$here/lib/daemon.sh" # PATH, log, die

image="${DEBIAN_IMAGE:-runjob-debian:build}"
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
packages=gcc,libc6-dev,make,python3
force=0
case "${1:-}" in
--force) force=1 ;;
"") ;;
*)
	sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//' >&2
	exit 2
	;;
esac


command -v docker >/dev/null 2>&1 || die "no docker client on PATH (run scripts/setup.sh first)"
if ((!force)) && docker image inspect "$image" >/dev/null 2>&1; then
	exit 0
fi
if ! command -v debootstrap >/dev/null 2>&1; then
	log "installing debootstrap"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q debootstrap >/dev/null
fi
root=$(mktemp -d /tmp/runjob-debian.XXXXXX)
trap 'rm -rf "$root"' EXIT
log "debootstrap bookworm ($packages) into $root"
if ! debootstrap --variant=minbase --include="$packages" bookworm "$root/fs" "$mirror" >"$root/log" 2>&1; then
	tail -20 "$root/log" >&2
	die "debootstrap failed"
fi
# Caches the image does not need; keeps it near 250 MB.
rm -rf "$root/fs/var/cache/apt/archives/"*.deb "$root/fs/var/lib/apt/lists/"*
tar -C "$root/fs" -c . | docker import \
	--change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
	--change 'CMD ["/bin/bash"]' - "$image" >/dev/null
docker run --rm "$image" sh -c 'gcc --version >/dev/null && make --version >/dev/null && python3 -c "print(1)" >/dev/null' ||
	die "smoke test of $image failed"
log "$image ready"

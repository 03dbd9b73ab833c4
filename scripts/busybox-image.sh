#!/usr/bin/env bash
# Make sure the image busybox:latest exists on the engine.
#
# With internet access you would simply `docker pull busybox:latest`. This
# environment has no container registry, so when the image is missing we build
# an offline stand-in under the same name with `docker import`: a rootfs that
# holds Debian's statically linked busybox (package busybox-static) with all of
# its applets hard-linked into /bin, plus the usual skeleton directories.
#
# Usage: scripts/busybox-image.sh [--force] [--verify]
#   --force   rebuild even if busybox:latest already exists
#   --verify  run the smoke test even if the image already existed
#
# Environment: BUSYBOX_IMAGE (default busybox:latest), BUSYBOX_BIN (default:
# the binary installed by busybox-static).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
prog=busybox-image
# shellcheck source=SCRIPTDIR/lib/daemon.sh
source "$here/lib/daemon.sh" # PATH, log, die

image="${BUSYBOX_IMAGE:-busybox:latest}"
force=0
verify=0
for arg in "$@"; do
	case "$arg" in
	--force) force=1 ;;
	--verify) verify=1 ;;
	-h | --help)
		sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'
		exit 0
		;;
	*)
		echo "busybox-image: unknown argument: $arg" >&2
		exit 2
		;;
	esac
done


command -v docker >/dev/null 2>&1 || die "no docker client on PATH (run scripts/setup.sh first)"

smoke_test() {
	local out
	log "verifying $image ..."
	if ! out=$(docker run --rm "$image" sh -c 'echo ok; ls /tmp; nc --help 2>&1 | head -1; wget --help 2>&1 | head -1; httpd --help 2>&1 | head -1' 2>&1); then
		printf '%s\n' "$out" >&2
		die "smoke test of $image failed"
	fi
	printf '%s\n' "$out" | sed 's/^/  | /' >&2
	[[ "$(printf '%s\n' "$out" | head -1)" == ok ]] || die "smoke test of $image: unexpected output"
	case "$out" in
	*"not found"*) die "smoke test of $image: an applet is missing" ;;
	esac
	log "$image OK"
}

old_id=$(docker image inspect --format '{{.Id}}' "$image" 2>/dev/null || true)
if [[ $force -eq 0 && -n $old_id ]]; then
	[[ $verify -eq 1 ]] && smoke_test
	exit 0
fi

# --- locate a static busybox --------------------------------------------------
bb="${BUSYBOX_BIN:-}"
if [[ -z "$bb" ]]; then
	if dpkg -s busybox-static >/dev/null 2>&1; then
		bb=$(dpkg -L busybox-static | grep -E '/busybox$' | head -1)
	fi
	[[ -n "$bb" && -x "$bb" ]] || bb=/bin/busybox
fi
[[ -x "$bb" ]] || die "no busybox binary found; install it with: apt-get install -y busybox-static"
# The image contains no libc, so the binary must be statically linked.
if ldd "$bb" >/dev/null 2>&1; then
	die "$bb is dynamically linked; install Debian's static build: apt-get install -y busybox-static"
fi

log "building $image offline from $bb ($("$bb" 2>&1 | head -1 | awk '{print $1, $2}'))"

work=$(mktemp -d "${TMPDIR:-/tmp}/runjob-busybox.XXXXXX")
trap 'rm -rf "$work"' EXIT
root="$work/rootfs"

mkdir -p "$root"/{bin,dev,etc,home,proc,root,sys,tmp,usr/bin,usr/sbin,sbin,var/tmp,var/log,var/run,var/www}
chmod 1777 "$root/tmp" "$root/var/tmp"
chmod 700 "$root/root"
install -m 0755 "$bb" "$root/bin/busybox"

# Link every applet into /bin (hard links, like the official image).
count=0
while IFS= read -r applet; do
	[[ -n "$applet" && "$applet" != busybox ]] || continue
	ln "$root/bin/busybox" "$root/bin/$applet"
	count=$((count + 1))
done < <("$root/bin/busybox" --list)
[[ -e "$root/bin/sh" ]] || ln "$root/bin/busybox" "$root/bin/sh"

cat >"$root/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/sh
nobody:x:65534:65534:nobody:/home:/bin/false
EOF
cat >"$root/etc/group" <<'EOF'
root:x:0:
nobody:x:65534:
EOF
cat >"$root/etc/shadow" <<'EOF'
root:*::0:::::
nobody:*::0:::::
EOF
chmod 640 "$root/etc/shadow"
printf 'hosts: files dns\n' >"$root/etc/nsswitch.conf"

tar --numeric-owner --owner=0 --group=0 -C "$root" -cf "$work/rootfs.tar" .

docker import \
	--change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
	--change 'CMD ["sh"]' \
	--change 'LABEL org.opencontainers.image.description="offline stand-in for busybox, built from Debian busybox-static by scripts/busybox-image.sh"' \
	--message "runjob offline busybox ($count applets)" \
	"$work/rootfs.tar" "$image" >/dev/null

log "imported $image with $count applets"
# A rebuild (--force) leaves the previous image untagged: drop it if unused.
if [[ -n $old_id && $old_id != "$(docker image inspect --format '{{.Id}}' "$image")" ]]; then
	docker image rm "$old_id" >/dev/null 2>&1 || true
fi
smoke_test

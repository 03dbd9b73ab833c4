# shellcheck shell=bash
# Sourced first by the scripts that run daemons (private-dockerd.sh,
# podman.sh, swarm.sh) and build the offline images (busybox-image.sh,
# debian-image.sh): the sbin directories a non-login PATH lacks (where
# Debian puts dockerd, ip, containerd and debootstrap), and the log/die
# pair, whose messages start with $prog.

for d in /usr/local/sbin /usr/sbin /sbin; do
	case ":$PATH:" in *":$d:"*) ;; *) PATH=$PATH:$d ;; esac
done
export PATH

log() { echo "$prog: $*" >&2; }
die() {
	log "ERROR: $*"
	exit 1
}

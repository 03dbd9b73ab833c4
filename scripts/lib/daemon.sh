# shellcheck shell=bash
# Sourced first by the scripts that run daemons (private-dockerd.sh,
# podman.sh, swarm.sh): the sbin directories a non-login PATH lacks (where
# Debian puts dockerd, ip and containerd), and the log/die pair, whose
# messages start with $prog.

for d in /usr/local/sbin /usr/sbin /sbin; do
	case ":$PATH:" in *":$d:"*) ;; *) PATH=$PATH:$d ;; esac
done
export PATH

log() { echo "$prog: $*" >&2; }
die() {
	log "ERROR: $*"
	exit 1
}

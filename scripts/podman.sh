#!/usr/bin/env bash
# Run Podman's Docker-compatible API service on a socket of our own, for
# the real-engine tests against Podman (`make test-podman`).
#
# Usage: scripts/podman.sh start|stop|host DIR
#   start  install podman when missing (root on Debian: apt-get install
#          podman), write DIR/containers.conf and DIR/registries.conf, start
#          `podman system service --time=0 unix://DIR/podman.sock` in the
#          background (pid in DIR/podman.pid, log DIR/podman.log), wait for
#          it to answer (RUNJOB_PODMAN_WAIT seconds, default 60), then make
#          sure busybox:latest is in Podman's store. Does nothing but the
#          busybox check when the service already runs. Prints
#          DOCKER_HOST=unix://DIR/podman.sock.
#   stop   SIGTERM the service by the pid in DIR/podman.pid and wait for it
#          to exit (SIGKILL after RUNJOB_PODMAN_WAIT seconds). Containers
#          keep running under their conmon; the leftover check finds them.
#   host   print DOCKER_HOST=unix://DIR/podman.sock
#
# Why the two config files:
#   containers.conf  `default_ulimits = []`: these machines refuse setrlimit
#                    inside containers, and Podman's default ulimits make it
#                    start no container ("error setting rlimit type 7").
#   registries.conf  marks 127.0.0.1 registries insecure (plain HTTP), as
#                    dockerd does by itself, for the tests' local registries
#                    on random ports.
# Both reach the service through CONTAINERS_CONF and
# CONTAINERS_REGISTRIES_CONF; the system's files are left alone. Podman's
# store is the system one (/var/lib/containers/storage for root).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
prog=podman.sh
# shellcheck source=SCRIPTDIR/lib/daemon.sh
source "$here/lib/daemon.sh" # PATH, log, die

[[ $# -eq 2 ]] || {
	sed -n '5,17p' "$0" | sed 's/^# \{0,1\}//' >&2
	exit 2
}
cmd=$1
dir=$(realpath -m "$2")
wait_s=${RUNJOB_PODMAN_WAIT:-60}
sock=$dir/podman.sock
pidfile=$dir/podman.pid
logfile=$dir/podman.log
host=unix://$sock
((${#sock} < 100)) || die "DIR is too long: unix socket paths are limited to 108 bytes"

# shellcheck source=SCRIPTDIR/lib/pid.sh
source "$here/lib/pid.sh" # pid_is

export CONTAINERS_CONF=$dir/containers.conf
export CONTAINERS_REGISTRIES_CONF=$dir/registries.conf

answers() { curl -fsS --max-time 5 --unix-socket "$sock" http://d/version >/dev/null 2>&1; }

install_podman() {
	command -v podman >/dev/null && return 0
	[[ $(id -u) -eq 0 && -r /etc/debian_version ]] && command -v apt-get >/dev/null ||
		die "podman not found: install it (Debian/Ubuntu: apt-get install podman)"
	export DEBIAN_FRONTEND=noninteractive
	local opts=(-y -q -o DPkg::Lock::Timeout=300)
	if ! apt-cache show podman >/dev/null 2>&1; then
		log "apt-get update"
		apt-get update -q </dev/null >&2 || die "apt-get update failed"
	fi
	log "apt-get install podman"
	if ! apt-get install "${opts[@]}" podman </dev/null >&2; then
		log "install failed; refreshing package lists and retrying"
		apt-get update -q </dev/null >&2 || die "apt-get update failed"
		apt-get install "${opts[@]}" podman </dev/null >&2 || die "apt-get install podman failed"
	fi
	command -v podman >/dev/null || die "podman is not on PATH after installing it"
}

write_configs() {
	mkdir -p "$dir"
	printf '%s\n' '# written by scripts/podman.sh' '[containers]' 'default_ulimits = []' >"$CONTAINERS_CONF"
	printf '%s\n' '# written by scripts/podman.sh: the tests'\'' registries listen on 127.0.0.1' \
		'[[registry]]' 'location = "127.0.0.1"' 'insecure = true' >"$CONTAINERS_REGISTRIES_CONF"
}

# ensure_busybox: busybox:latest in Podman's store, under the name the
# Docker API resolves it to offline. Copied from the Docker engine when one
# has it, else built by scripts/busybox-image.sh through Podman's API.
ensure_busybox() {
	podman image exists docker.io/library/busybox:latest && return 0
	if docker -H unix:///var/run/docker.sock image inspect busybox:latest >/dev/null 2>&1; then
		log "copying busybox:latest from the Docker engine"
		docker -H unix:///var/run/docker.sock save busybox:latest | podman load >&2
		podman image exists docker.io/library/busybox:latest ||
			podman tag localhost/busybox:latest docker.io/library/busybox:latest
	else
		DOCKER_HOST=$host bash "$here/busybox-image.sh" 2>&1 | sed 's/^/  /' >&2
	fi
	podman image exists docker.io/library/busybox:latest || die "busybox:latest is not in Podman's store"
}

start() {
	install_podman
	local pid t0=$SECONDS
	pid=$(cat "$pidfile" 2>/dev/null || true)
	if pid_is "$pid" podman && answers; then
		ensure_busybox
		log "podman service (pid $pid) already answers on $host"
		echo "DOCKER_HOST=$host"
		return 0
	fi
	pid_is "$pid" podman && die "podman service pid $pid runs for $dir but does not answer on $host; stop it first"
	write_configs
	rm -f "$pidfile" "$sock"
	echo "=== $(date -u +%Y-%m-%dT%H:%M:%SZ) podman.sh start" >>"$logfile"
	# setsid: the service must not get the terminal's (or a test's) signals.
	setsid podman system service --time=0 "$host" >>"$logfile" 2>&1 </dev/null 9>&- &
	pid=$!
	echo "$pid" >"$pidfile"
	local deadline=$((SECONDS + wait_s))
	until answers; do
		if ! kill -0 "$pid" 2>/dev/null; then
			tail -n 20 "$logfile" >&2
			die "podman service exited during start; see $logfile"
		fi
		((SECONDS < deadline)) || die "podman service (pid $pid) did not answer on $host within ${wait_s}s; see $logfile"
		sleep 0.1
	done
	ensure_busybox
	log "podman $(podman version --format '{{.Server.Version}}' 2>/dev/null || echo '?') service pid $pid answers on $host ($((SECONDS - t0))s)"
	echo "DOCKER_HOST=$host"
}

wait_gone() {
	local i
	for ((i = 0; i < $2 * 10; i++)); do
		pid_is "$1" podman || return 0
		sleep 0.1
	done
	return 1
}

stop() {
	local pid
	pid=$(cat "$pidfile" 2>/dev/null || true)
	if pid_is "$pid" podman; then
		kill -TERM "$pid"
		if ! wait_gone "$pid" "$wait_s"; then
			log "podman service pid $pid still runs ${wait_s}s after SIGTERM: SIGKILL"
			kill -KILL "$pid" 2>/dev/null || true
			wait_gone "$pid" 10 || die "podman service pid $pid survives SIGKILL"
		fi
		log "podman service pid $pid stopped"
	fi
	rm -f "$pidfile" "$sock"
}

case $cmd in
start) start ;;
stop) stop ;;
host) echo "DOCKER_HOST=$host" ;;
*) die "unknown command: $cmd (start|stop|host)" ;;
esac

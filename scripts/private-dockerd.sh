#!/usr/bin/env bash
# Run a second, private dockerd that a test may stop and restart at will,
# fully apart from the shared engine on /var/run/docker.sock (which other
# tests use at the same time and which must never be restarted by a test).
#
# Usage: scripts/private-dockerd.sh start|stop|restart|destroy DIR
#   start    start dockerd on unix://DIR/docker.sock, wait for it to answer
#            (up to RUNJOB_DOCKERD_WAIT seconds, default 60), then make sure
#            busybox:latest exists on it (scripts/busybox-image.sh)
#   stop     SIGTERM the daemon by the pid in DIR/dockerd.pid, wait until it
#            and its containerd and shims have exited (SIGKILL after
#            RUNJOB_DOCKERD_WAIT seconds)
#   restart  stop, then start with the same flags
#   destroy  stop, then remove DIR
#
# Everything it owns lives in DIR: socket, data-root (DIR/data, overlay2),
# exec-root (DIR/x; its own containerd is started there), pidfile and log
# (DIR/dockerd.log). It runs in a network namespace of its own (unshare
# --net), so its bridges and containers never meet the host's links: with
# --bridge none, a dockerd on the host's namespace deletes the shared
# engine's docker0. It also creates no default bridge, never touches
# iptables or ip_forward, and gives user-defined networks addresses from
# 10.213.0.0/16 (the shared engine uses 172.20.0.0/14). Root only. DIR must be short:
# unix socket paths (DIR/x/containerd/containerd.sock) are limited to 108
# bytes. Prints DOCKER_HOST=unix://DIR/docker.sock on success of start.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
prog=private-dockerd
# shellcheck source=SCRIPTDIR/lib/daemon.sh
source "$here/lib/daemon.sh" # PATH, log, die

[[ $# -eq 2 ]] || {
	sed -n '6,14p' "$0" | sed 's/^# \{0,1\}//' >&2
	exit 2
}
cmd=$1
dir=$(realpath -m "$2")
wait_s=${RUNJOB_DOCKERD_WAIT:-60}
sock=$dir/docker.sock
pidfile=$dir/dockerd.pid
logfile=$dir/dockerd.log
host=unix://$sock
(( ${#dir} <= 60 )) || die "DIR is too long (${#dir} bytes; keep it under 60): unix socket paths are limited to 108 bytes"

# shellcheck source=SCRIPTDIR/lib/pid.sh
source "$here/lib/pid.sh" # pid_is

# wait_gone PID NAME SECONDS: until PID is no longer NAME.
wait_gone() {
	local i
	for ((i = 0; i < $3 * 10; i++)); do
		pid_is "$1" "$2" || return 0
		sleep 0.1
	done
	return 1
}

# owned_pids: our containerd and its shims: containerd* processes whose
# command line names our exec-root (never found by a bare name).
owned_pids() {
	local f pid comm
	for f in /proc/[0-9]*/cmdline; do
		pid=${f#/proc/}
		pid=${pid%%/*}
		comm=$(cat "/proc/$pid/comm" 2>/dev/null) || continue
		[[ $comm == containerd* ]] || continue
		tr '\0' ' ' <"$f" 2>/dev/null | grep -F -- "$dir/x/" >/dev/null && echo "$pid"
	done
	return 0
}

# host_bridge: the host's docker0 and its link index, if it has one.
host_bridge() { ip -o link show docker0 2>/dev/null | cut -d: -f1,2 || true; }

secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

start() {
	[[ $(id -u) -eq 0 ]] || die "must run as root (dockerd needs it)"
	command -v dockerd >/dev/null || die "dockerd not found (run scripts/setup.sh)"
	command -v unshare >/dev/null || die "unshare not found (util-linux)"
	local pid
	pid=$(cat "$pidfile" 2>/dev/null || true)
	pid_is "$pid" dockerd && die "a dockerd (pid $pid) already runs for $dir"
	rm -f "$pidfile"
	mkdir -p "$dir/data" "$dir/x"
	local t0=$EPOCHREALTIME log_off
	log_off=$(stat -c %s "$logfile" 2>/dev/null || echo 0)
	echo "=== $(date -u +%Y-%m-%dT%H:%M:%SZ) private-dockerd.sh start" >>"$logfile"
	# setsid: the daemon must not get the terminal's (or a test's) signals.
	# unshare --net: see the top; both exec, so $! is dockerd's pid.
	local bridge_before
	bridge_before=$(host_bridge)
	setsid unshare --net dockerd --host "$host" --data-root "$dir/data" --exec-root "$dir/x" \
		--pidfile "$pidfile" --bridge none --iptables=false --ip-masq=false \
		--ip-forward=false --default-address-pool base=10.213.0.0/16,size=24 \
		--storage-driver overlay2 >>"$logfile" 2>&1 </dev/null 9>&- &
	pid=$!
	local deadline=$((SECONDS + wait_s))
	until timeout 5 docker -H "$host" version --format '{{.Server.Version}}' >/dev/null 2>&1; do
		if ! kill -0 "$pid" 2>/dev/null; then
			tail -n 20 "$logfile" >&2
			die "dockerd exited during start; see $logfile"
		fi
		((SECONDS < deadline)) || die "dockerd (pid $pid) did not answer on $host within ${wait_s}s; see $logfile"
		sleep 0.1
	done
	local up=$EPOCHREALTIME
	[[ $(host_bridge) == "$bridge_before" ]] ||
		die "the host's docker0 changed while the private dockerd started ($bridge_before -> $(host_bridge))"
	# Its own containerd, under DIR/x, never the shared engine's. (Not grep
	# -q: under pipefail, tail's SIGPIPE when grep stops early fails it.)
	tail -c +"$((log_off + 1))" "$logfile" | grep "started new containerd process" >/dev/null ||
		die "dockerd did not start a containerd of its own; see $logfile"
	DOCKER_HOST=$host bash "$here/busybox-image.sh" 2>&1 | sed 's/^/  /' >&2
	log "dockerd pid $pid answers on $host after $(secs "$t0" "$up")s, with busybox after $(secs "$t0" "$EPOCHREALTIME")s"
	echo "DOCKER_HOST=$host"
}

stop() {
	local pid
	pid=$(cat "$pidfile" 2>/dev/null || true)
	if pid_is "$pid" dockerd; then
		kill -TERM "$pid"
		if ! wait_gone "$pid" dockerd "$wait_s"; then
			log "dockerd pid $pid still runs ${wait_s}s after SIGTERM: SIGKILL"
			kill -KILL "$pid" 2>/dev/null || true
			wait_gone "$pid" dockerd 10 || die "dockerd pid $pid survives SIGKILL"
		fi
	fi
	# dockerd stops its containerd on the way out, unless it was killed.
	local left p i
	for ((i = 0; i < 100; i++)); do
		left=$(owned_pids)
		[[ -z $left ]] && break
		sleep 0.1
	done
	if [[ -n $left ]]; then
		log "killing processes left under $dir/x: ${left//$'\n'/ }"
		for p in $left; do kill -KILL "$p" 2>/dev/null || true; done
		sleep 0.5
		left=$(owned_pids)
		[[ -z $left ]] || die "processes under $dir/x survive: $left"
	fi
	rm -f "$pidfile"
}

destroy() {
	stop
	# A killed daemon may leave its mounts behind; unmount before removing.
	local m
	awk -v d="$dir/" 'index($2, d) == 1 {print $2}' /proc/self/mounts | sort -r |
		while read -r m; do umount -l "$m" 2>/dev/null || true; done
	rm -rf "$dir"
}

case $cmd in
start) start ;;
stop) stop ;;
restart) stop && start ;;
destroy) destroy ;;
*) die "unknown command: $cmd (start|stop|restart|destroy)" ;;
esac

#!/usr/bin/env bash
# A real Docker Swarm for tests: 3 private dockerds, each in a network
# namespace of its own, joined by veths to a bridge in a 4th namespace that
# also runs a registry, all apart from the shared engine and the host.
#
# Usage: scripts/swarm.sh COMMAND DIR [ARGS]
#   start DIR          start the swarm; print its status (below) on stdout
#   stop DIR           end every process it started (by pid), remove its
#                      namespaces, veths, cgroups and mounts; idempotent, and
#                      safe after a start that failed anywhere
#   destroy DIR        stop, then remove DIR (start wants an empty DIR)
#   status DIR         KEY=VALUE lines: DOCKER_HOST (the manager), NODEn_*
#                      (NAME, HOSTNAME, ID, ADDR, UNIX, TCP, PID, RUNNING),
#                      TLS_DIR, REGISTRY, REGISTRY_USER, REGISTRY_PASSWORD...
#   kill-node DIR N    SIGKILL node N's dockerd (its containers live on)
#   stop-node DIR N    stop node N's dockerd gracefully
#   start-node DIR N   start node N's dockerd again (it rejoins the swarm)
#   load DIR IMAGE [N...]  copy IMAGE from the shared engine to nodes N
#                      (default: all); nodes start with no images at all
#
# Node N (1..3; RUNJOB_SWARM_NODES changes the count) has hostname rj-nN,
# address 10.215.X.1N (lib/swarm-net.sh picks X), and its engine on
# unix://DIR/nN/docker.sock and on tcp://ADDR:2376 with --tlsverify (the
# client pair in DIR/tls, as DOCKER_CERT_PATH wants it). Node 1 is the one
# manager; each node is labelled runjob.endpoint=tcp://ADDR:2376. The
# registry (Debian's docker-registry, htpasswd auth) listens on
# 10.215.X.1:5000, plain HTTP, which the nodes trust (--insecure-registry).
# Root only. Keep DIR short: socket paths under it are limited to 108 bytes.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
prog=swarm
# shellcheck source=SCRIPTDIR/lib/daemon.sh
source "$here/lib/daemon.sh" # PATH, log, die

[[ $# -ge 2 ]] || {
	sed -n '6,20p' "$0" | sed 's/^# \{0,1\}//' >&2
	exit 2
}
cmd=$1
dir=$(realpath -m "$2")
shift 2
wait_s=${RUNJOB_DOCKERD_WAIT:-60}
nodes=${RUNJOB_SWARM_NODES:-3}
[[ $nodes =~ ^[1-9]$ ]] || die "RUNJOB_SWARM_NODES=$nodes: want 1..9"
(( ${#dir} <= 50 )) || die "DIR is too long (${#dir} bytes; keep it under 50): unix socket paths are limited to 108 bytes"

# shellcheck source=SCRIPTDIR/lib/pid.sh
source "$here/lib/pid.sh"
# shellcheck source=SCRIPTDIR/lib/swarm-net.sh
source "$here/lib/swarm-net.sh"
# shellcheck source=SCRIPTDIR/lib/swarm-tls.sh
source "$here/lib/swarm-tls.sh"
# shellcheck source=SCRIPTDIR/lib/swarm-node.sh
source "$here/lib/swarm-node.sh"
# shellcheck source=SCRIPTDIR/lib/swarm-registry.sh
source "$here/lib/swarm-registry.sh"

net_names
[[ -f $dir/swarm.env ]] && source "$dir/swarm.env"
net=${SUBNET:+${SUBNET%.0/24}}
nodes=${NODES:-$nodes}

secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

start() {
	[[ $(id -u) -eq 0 ]] || die "must run as root (dockerd and network namespaces need it)"
	local t
	for t in dockerd docker ip nsenter unshare openssl htpasswd curl; do
		command -v "$t" >/dev/null || die "$t not found (run scripts/setup.sh)"
	done
	[[ -x $registry_bin ]] || die "$registry_bin not found (run scripts/setup.sh)"
	[[ -e /run/netns/$ns_br ]] && die "a swarm already runs in $dir (namespace $ns_br exists); stop it first"
	# A node's old data would still belong to the old swarm.
	[[ -z $(ls -A "$dir" 2>/dev/null) ]] || die "$dir is not empty (a previous swarm's?): destroy it, or use another DIR"
	local t0=$EPOCHREALTIME
	mkdir -p "$dir"
	# Whatever fails from here on, nothing may stay behind.
	trap 'rc=$?; if ((rc)); then log "start failed; cleaning up (logs stay in $dir)"; stop_all || true; fi' EXIT
	net_up "$nodes"
	local i addrs=()
	for ((i = 1; i <= nodes; i++)); do
		mkdir -p "$dir/n$i"
		addrs+=("$net.1$i")
	done
	tls_make "${addrs[@]}"
	registry_start
	for ((i = 1; i <= nodes; i++)); do node_launch "$i"; done
	for ((i = 1; i <= nodes; i++)); do node_wait "$i"; done
	local up=$EPOCHREALTIME
	swarm_form
	trap - EXIT
	log "swarm of $nodes nodes on $net.0/24: engines up after $(secs "$t0" "$up")s, swarm formed after $(secs "$t0" "$EPOCHREALTIME")s"
	status
}

stop_all() {
	local i jobs=() p
	# The swarm is going away: its containers need no stop grace (a dockerd
	# stopping gives each its StopTimeout, 10 s by default, whatever
	# --shutdown-timeout says). Their processes are in the nodes' cgroups.
	for p in $(cat /sys/fs/cgroup/pids/rj"$hash"-n[0-9]/*/cgroup.procs 2>/dev/null); do
		kill -KILL "$p" 2>/dev/null || true
	done
	# In parallel: each may take its containers' stop grace. (Wait for these
	# jobs only: the daemons a failed start launched are children too.)
	for ((i = 1; i <= 9; i++)); do
		[[ -d $dir/n$i ]] || continue
		node_stop "$i" &
		jobs+=($!)
	done
	[[ ${#jobs[@]} -eq 0 ]] || wait "${jobs[@]}"
	registry_stop
	node_reap '[0-9]'
	local m
	awk -v d="$dir/" 'index($2, d) == 1 {print $2}' /proc/self/mounts | sort -r |
		while read -r m; do umount -l "$m" 2>/dev/null || true; done
	net_down
	local left
	left=$(
		net_leftovers
		node_leftovers '[0-9]'
		awk -v d="$dir/" 'index($2, d) == 1 {print "mount " $2}' /proc/self/mounts
		swarm_sweep registry | sed 's/^/process /'
	)
	[[ -z $left ]] || die "left behind after stop: ${left//$'\n'/; }"
}

status() {
	[[ -f $dir/swarm.env ]] || die "no swarm in $dir (no $dir/swarm.env)"
	source "$dir/swarm.env"
	local i pid running
	echo "SWARM_DIR=$dir"
	echo "SUBNET=$SUBNET"
	echo "NODES=$nodes"
	echo "DOCKER_HOST=unix://$dir/n1/docker.sock"
	echo "MANAGER_TCP=tcp://$net.11:2376"
	echo "TLS_DIR=$dir/tls"
	echo "BRIDGE_ADDR=$net.1"
	echo "BRIDGE_NETNS=$ns_br"
	echo "HOST_VETH=$host_veth"
	echo "HOST_ADDR=$net.254"
	registry_status
	for ((i = 1; i <= nodes; i++)); do
		pid=$(cat "$dir/n$i/node.pid" 2>/dev/null || true)
		running=false
		ours "$pid" dockerd && running=true
		echo "NODE${i}_NAME=n$i"
		echo "NODE${i}_HOSTNAME=rj-n$i"
		echo "NODE${i}_ID=$(eval echo "\${NODE${i}_ID:-}")"
		echo "NODE${i}_ADDR=$net.1$i"
		echo "NODE${i}_NETNS=$(ns_node "$i")"
		echo "NODE${i}_UNIX=unix://$dir/n$i/docker.sock"
		echo "NODE${i}_TCP=tcp://$net.1$i:2376"
		echo "NODE${i}_PID=$pid"
		echo "NODE${i}_RUNNING=$running"
	done
}

# node_arg N: N, checked against the swarm's nodes.
node_arg() {
	[[ ${1:-} =~ ^[1-9]$ ]] && ((${1} <= nodes)) || die "want a node number 1..$nodes, got '${1:-}'"
	[[ -f $dir/swarm.env ]] || die "no swarm in $dir"
	echo "$1"
}

load() {
	local image=${1:-} i
	[[ -n $image ]] || die "usage: load DIR IMAGE [N...]"
	shift
	local targets=("$@")
	[[ ${#targets[@]} -gt 0 ]] || mapfile -t targets < <(seq 1 "$nodes")
	for i in "${targets[@]}"; do
		i=$(node_arg "$i")
		docker -H unix:///var/run/docker.sock save "$image" | docker -H "unix://$dir/n$i/docker.sock" load -q >&2 ||
			die "cannot load $image into node $i"
	done
}

case $cmd in
start) start ;;
stop) stop_all ;;
destroy) stop_all && rm -rf "$dir" ;;
status) status ;;
kill-node) node_kill "$(node_arg "${1:-}")" ;;
stop-node) node_stop "$(node_arg "${1:-}")" && node_reap "$1" ;;
start-node) i=$(node_arg "${1:-}") && node_launch "$i" && node_wait "$i" ;;
load) load "$@" ;;
*) die "unknown command: $cmd (start|stop|destroy|status|kill-node|stop-node|start-node|load)" ;;
esac

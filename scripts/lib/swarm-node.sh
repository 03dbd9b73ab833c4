# shellcheck shell=bash
# Sourced by scripts/swarm.sh: one node's dockerd, and the swarm they form.
# Node N lives in DIR/nN: docker.sock, data (overlay2), x (exec-root: its
# own containerd), node.pid (dockerd's pid, written at launch), dockerd.log.
# Its containers go into the cgroup rjHASH-nN, so that after its dockerd
# was killed, stop still finds them (by the pids listed there).

# node_dk N ARGS...: the docker CLI on node N's unix socket.
node_dk() {
	local i=$1
	shift
	timeout 60 docker -H "unix://$dir/n$i/docker.sock" "$@"
}

# node_launch N: start node N's dockerd in its namespace, with hostname
# rj-nN (unshare --uts). setsid: no signals from the caller's terminal.
# setsid, nsenter, unshare and sh all exec, so $! is dockerd's pid.
node_launch() {
	local i=$1 nd=$dir/n$i addr=$net.1$i pid
	pid=$(cat "$nd/node.pid" 2>/dev/null || true)
	ours "$pid" dockerd && die "node $i's dockerd (pid $pid) already runs"
	# A killed dockerd leaves its pidfile, and its containerd's (which dies
	# with it): dockerd refuses to start while the pid in the first exists,
	# and waits for a containerd by the second, even as an unreaped zombie
	# (PID 1 here reaps orphans lazily).
	rm -f "$nd/dockerd.pid"
	pid=$(cat "$nd/x/containerd/containerd.pid" 2>/dev/null || true)
	pid_is "$pid" containerd || rm -f "$nd/x/containerd/containerd.pid"
	echo "=== $(date -u +%Y-%m-%dT%H:%M:%SZ) swarm.sh: start node $i" >>"$nd/dockerd.log"
	setsid nsenter --net="/run/netns/$(ns_node "$i")" unshare --uts \
		sh -c 'hostname "$0" && exec "$@"' "rj-n$i" \
		dockerd -H "unix://$nd/docker.sock" -H "tcp://$addr:2376" \
		--tlsverify --tlscacert "$dir/tls/ca.pem" \
		--tlscert "$nd/server-cert.pem" --tlskey "$nd/server-key.pem" \
		--data-root "$nd/data" --exec-root "$nd/x" --pidfile "$nd/dockerd.pid" \
		--cgroup-parent "/rj$hash-n$i" --bridge none --iptables=false --ip-masq=false \
		--ip-forward=false --default-address-pool base=10.213.0.0/16,size=24 \
		--insecure-registry "$net.1:5000" --storage-driver overlay2 \
		>>"$nd/dockerd.log" 2>&1 </dev/null 8>&- 9>&- &
	echo "$!" >"$nd/node.pid"
}

# node_wait N: until node N's engine answers on its socket.
node_wait() {
	local i=$1 pid deadline=$((SECONDS + wait_s))
	pid=$(cat "$dir/n$i/node.pid")
	until node_dk "$i" version --format '{{.Server.Version}}' >/dev/null 2>&1; do
		if ! ours "$pid" dockerd; then
			tail -n 20 "$dir/n$i/dockerd.log" >&2
			die "node $i's dockerd exited during start; see $dir/n$i/dockerd.log"
		fi
		((SECONDS < deadline)) || die "node $i's dockerd (pid $pid) did not answer within ${wait_s}s"
		sleep 0.1
	done
}

# swarm_form: node 1 initialises the swarm, the others join as workers
# (one manager: no raft elections to wait for, and a fault test may kill
# any worker without touching the control plane); then every node gets
# its runjob.endpoint label, and its ID goes into DIR/swarm.env.
swarm_form() {
	local i token id jobs=() deadline=$((SECONDS + wait_s))
	node_dk 1 swarm init --advertise-addr "$net.11" --listen-addr "$net.11:2377" \
		--default-addr-pool 10.212.0.0/16 --default-addr-pool-mask-length 24 >/dev/null ||
		die "swarm init on node 1 failed"
	# No ingress network: its routing mesh needs IPVS, which this kernel
	# lacks, and every dockerd waits 5 s for its removal when it stops.
	# (Services then publish no ports through the mesh; runjob's need none.)
	echo y | node_dk 1 network rm ingress >/dev/null || die "cannot remove the ingress network"
	token=$(node_dk 1 swarm join-token -q worker)
	for ((i = 2; i <= nodes; i++)); do
		node_dk "$i" swarm join --token "$token" --advertise-addr "$net.1$i" \
			--listen-addr "$net.1$i:2377" "$net.11:2377" >/dev/null &
		jobs+=($!)
	done
	for i in "${jobs[@]}"; do wait "$i" || die "a node could not join the swarm"; done
	until [[ $(node_dk 1 node ls --format '{{.Status}}' | grep -c '^Ready$') -eq $nodes ]]; do
		((SECONDS < deadline)) || die "the swarm has not $nodes Ready nodes after ${wait_s}s"
		sleep 0.1
	done
	for ((i = 1; i <= nodes; i++)); do
		id=$(node_dk "$i" info --format '{{.Swarm.NodeID}}')
		node_dk 1 node update --label-add "runjob.endpoint=tcp://$net.1$i:2376" "$id" >/dev/null
		echo "NODE${i}_ID=$id" >>"$dir/swarm.env"
	done
}

# node_kill N: SIGKILL node N's dockerd only, as a crashing engine.
node_kill() {
	local pid
	pid=$(cat "$dir/n$1/node.pid" 2>/dev/null || true)
	pid_is "$pid" dockerd || die "node $1's dockerd does not run"
	kill -KILL "$pid"
	while pid_is "$pid" dockerd; do sleep 0.05; done
}

# node_stop N: SIGTERM node N's dockerd (it stops its containers), SIGKILL
# after wait_s.
node_stop() {
	end_pid "$(cat "$dir/n$1/node.pid" 2>/dev/null || true)" dockerd "$wait_s"
}

# node_pids N: what may outlive node N's dockerd (N a glob such as [0-9]:
# any node's): the processes in its containers' cgroups, then those of its
# daemons (swarm_sweep).
node_pids() {
	# shellcheck disable=SC2086 # $1 may be a glob
	cat /sys/fs/cgroup/pids/rj"$hash"-n$1/*/cgroup.procs 2>/dev/null || true
	swarm_sweep "n$1"
}

# node_reap N: kill what node_pids lists, then remove the node's cgroups.
node_reap() {
	local left p i cg
	# A start killed right after launching a daemon never recorded its pid.
	for p in $(swarm_sweep "n$1"); do
		[[ $(pid_comm "$p") == dockerd ]] && kill -TERM "$p" 2>/dev/null
	done
	for ((i = 0; i < 50; i++)); do
		left=$(node_pids "$1")
		[[ -z $left ]] && break
		# dockerd stops its containerd on a graceful exit; give it a moment.
		((i < 10)) && { sleep 0.1; continue; }
		for p in $left; do kill -KILL "$p" 2>/dev/null || true; done
		sleep 0.1
	done
	# shellcheck disable=SC2086 # $1 may be a glob
	for cg in /sys/fs/cgroup/*/rj"$hash"-n$1; do
		[[ -d $cg ]] || continue
		find "$cg" -depth -type d -exec rmdir {} + 2>/dev/null || true
	done
	return 0
}

# node_leftovers N: node N's (N a glob such as [0-9]: any node's) processes and cgroups
# that still exist.
node_leftovers() {
	local p cg f
	for p in $(node_pids "$1"); do echo "process $p $( { tr '\0' ' ' <"/proc/$p/cmdline"; } 2>/dev/null)"; done
	# shellcheck disable=SC2086 # $1 may be a glob
	for f in "$dir"/n$1/node.pid; do
		[[ -f $f ]] && ours "$(cat "$f")" dockerd && echo "dockerd $(cat "$f") of $(basename "$(dirname "$f")")"
	done
	# shellcheck disable=SC2086
	for cg in /sys/fs/cgroup/*/rj"$hash"-n$1; do [[ -d $cg ]] && echo "cgroup $cg"; done
	return 0
}

# swarm_sweep SUB: the daemons whose command line names $dir/SUB/ (SUB may
# be a glob): dockerd, containerd and its shims, docker-registry, or what
# is on its way to exec one. Found by what they name, never by a bare
# name; for what a killed start or a killed dockerd left without a pid.
swarm_sweep() {
	local f pid comm args
	for f in /proc/[0-9]*/comm; do
		{ read -r comm <"$f"; } 2>/dev/null || continue
		case $comm in
		containerd* | dockerd | docker-registry | setsid | nsenter | unshare) ;;
		*) continue ;;
		esac
		pid=${f#/proc/}
		pid=${pid%%/*}
		{ args=$(tr '\0' ' ' <"/proc/$pid/cmdline"); } 2>/dev/null || continue
		# shellcheck disable=SC2053 # a glob on purpose
		[[ $args == *"$dir/"$1/* ]] && echo "$pid"
	done
	return 0
}

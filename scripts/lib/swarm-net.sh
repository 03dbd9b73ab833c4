# shellcheck shell=bash
# Sourced by scripts/swarm.sh: the network of a test swarm. Every name and
# the /24 derive from DIR, so two swarms never meet:
#   rjHASH-br      a namespace holding the bridge br0 (.1) and the registry
#   rjHASH-nN      node N's namespace: eth0 (.1N), a veth to br0
#   rjHASH (host)  a veth from the host into br0 (.254): the only route the
#                  host gains is the /24 itself, so the runner reaches the
#                  nodes' TLS endpoints and nothing else changes on the host
# The /24 is 10.215.X.0/24, X from DIR's hash, the next free one when a host
# route already covers it (another swarm's). Private dockerds use
# 10.213.0.0/16 inside their own namespaces, the shared engine 172.20.0.0/14.

lock_file=/run/runjob-swarm.lock

# net_names: the names derived from $dir (no state needed, so stop can
# clean up after a start that failed anywhere).
net_names() {
	hash=$(printf '%s' "$dir" | sha1sum | cut -c1-6)
	ns_br=rj$hash-br
	host_veth=rj$hash
}

# ns_node N: node N's namespace.
ns_node() { echo "rj$hash-n$1"; }

# net_free_octet: an X whose 10.215.X.0/24 no host route covers, starting
# from DIR's hash.
net_free_octet() {
	local h x i
	h=$(printf '%s' "$dir" | sha1sum | cut -c1-2)
	for ((i = 0; i < 256; i++)); do
		x=$(((16#$h + i) % 254 + 1))
		# Any route but the default one that matches an address of it.
		[[ -z $(ip -4 route show match "10.215.$x.1" | grep -v '^default') ]] && echo "$x" && return 0
	done
	return 1
}

# net_up NODES: the namespaces, the bridge, the veths and the addresses.
# Sets net (the /24 prefix, e.g. 10.215.7) and writes it to DIR/swarm.env
# before anything exists, so stop always knows what to remove.
net_up() {
	local n=$1 i x ns
	exec 8>"$lock_file"
	flock -w 60 8 || die "$lock_file held for 60s by another swarm start"
	x=$(net_free_octet) || die "no free /24 in 10.215.0.0/16"
	net=10.215.$x
	printf 'SUBNET=%s.0/24\nNODES=%s\n' "$net" "$n" >"$dir/swarm.env"
	ip netns add "$ns_br" || die "namespace $ns_br exists: is a swarm already started in $dir (or one with the same hash)?"
	ip -n "$ns_br" link set lo up
	ip -n "$ns_br" link add br0 type bridge
	ip -n "$ns_br" addr add "$net.1/24" dev br0
	ip -n "$ns_br" link set br0 up
	ip link add "$host_veth" type veth peer name host netns "$ns_br"
	ip -n "$ns_br" link set host master br0 up
	ip addr add "$net.254/24" dev "$host_veth"
	ip link set "$host_veth" up
	exec 8>&-
	for ((i = 1; i <= n; i++)); do
		ns=$(ns_node "$i")
		ip netns add "$ns"
		ip -n "$ns" link set lo up
		ip -n "$ns_br" link add "n$i" type veth peer name eth0 netns "$ns"
		ip -n "$ns_br" link set "n$i" master br0 up
		ip -n "$ns" addr add "$net.1$i/24" dev eth0
		ip -n "$ns" link set eth0 up
	done
}

# net_down: remove what net_up made; quiet about what is not there.
# Deleting a namespace deletes the veth ends in it, and so their peers.
net_down() {
	local i
	for ((i = 1; i <= 9; i++)); do
		ip netns del "$(ns_node "$i")" 2>/dev/null || true
	done
	ip netns del "$ns_br" 2>/dev/null || true
	ip link del "$host_veth" 2>/dev/null || true
}

# net_leftovers: what of the network still exists, one item a line.
net_leftovers() {
	local i
	ip netns list | awk '{print $1}' | grep -E "^rj$hash-(br|n[0-9])\$" | sed 's/^/netns /' || true
	ip -o link show "$host_veth" >/dev/null 2>&1 && echo "link $host_veth"
	return 0
}

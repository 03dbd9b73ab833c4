# shellcheck shell=bash
# Sourced by scripts/swarm.sh: Debian's docker-registry in the bridge
# namespace, on BRIDGE_ADDR:5000 (plain HTTP: the nodes list it in
# --insecure-registry), with htpasswd authentication (bcrypt, which is all
# the registry accepts: htpasswd -B from apache2-utils) for a user and a
# random password kept in DIR/registry. Everything else in DIR/registry too.

registry_bin=/usr/bin/docker-registry

registry_start() {
	local rd=$dir/registry user=runjob password i code
	mkdir -p "$rd/data"
	password=$(openssl rand -hex 12)
	(umask 077 && printf '%s' "$password" >"$rd/password")
	htpasswd -cbB "$rd/htpasswd" "$user" "$password" 2>/dev/null || die "htpasswd failed"
	cat >"$rd/config.yml" <<-EOF
		version: 0.1
		log:
		  level: warn
		  accesslog:
		    disabled: true
		storage:
		  filesystem:
		    rootdirectory: $rd/data
		  delete:
		    enabled: true
		http:
		  addr: $net.1:5000
		auth:
		  htpasswd:
		    realm: runjob-test-swarm
		    path: $rd/htpasswd
	EOF
	setsid nsenter --net="/run/netns/$ns_br" "$registry_bin" serve "$rd/config.yml" \
		>>"$rd/registry.log" 2>&1 </dev/null 8>&- 9>&- &
	echo "$!" >"$rd/registry.pid"
	# The host reaches the bridge through its veth; unauthenticated, /v2/ says 401.
	for ((i = 0; i < wait_s * 10; i++)); do
		code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://$net.1:5000/v2/" || true)
		[[ $code == 401 ]] && return 0
		ours "$(cat "$rd/registry.pid")" docker-registry || {
			tail -n 20 "$rd/registry.log" >&2
			die "the registry exited during start; see $rd/registry.log"
		}
		sleep 0.1
	done
	die "the registry on $net.1:5000 did not answer 401 within ${wait_s}s (last: $code)"
}

registry_stop() {
	local p
	end_pid "$(cat "$dir/registry/registry.pid" 2>/dev/null || true)" docker-registry 5
	# A start killed right after launching it never recorded its pid.
	for p in $(swarm_sweep registry); do end_pid "$p" docker-registry 5; done
}

registry_status() {
	echo "REGISTRY=$net.1:5000"
	echo "REGISTRY_USER=runjob"
	echo "REGISTRY_PASSWORD=$(cat "$dir/registry/password" 2>/dev/null || true)"
	echo "REGISTRY_PID=$(cat "$dir/registry/registry.pid" 2>/dev/null || true)"
}

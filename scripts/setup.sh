#!/usr/bin/env bash
# Make sure a Docker engine answers, then make sure busybox:latest exists.
#
#  1. If an engine answers on $DOCKER_HOST or /var/run/docker.sock, use it.
#  2. Otherwise, as root on Debian: install docker.io, busybox-static,
#     docker-registry and the test swarm's tools when missing, start dockerd in the background (there is
#     no systemd here), wait for it, and check that a user-defined bridge
#     network works.
#  3. Otherwise: explain what to install and fail.
#  4. Run scripts/busybox-image.sh.
#  Before all that, install Debian's chromium, tmux and openssh-server when
#  missing (root on Debian), for the tests that drive them.
#
# Idempotent; takes well under a second when everything is already in place.
#
# Usage: scripts/setup.sh [--check | --restart]
#   --check    also run the bridge-network smoke test when the engine was
#              already up (it always runs right after this script starts dockerd)
#   --restart  stop the dockerd this script started (by the pid in its
#              pidfile; SIGKILL after 30s), then start it again as above.
#              internal/testrun does so when that dockerd has deadlocked.
#
# Environment:
#   RUNJOB_DOCKERD_ARGS     extra dockerd flags (word-split), e.g. "--storage-driver=vfs"
#   RUNJOB_DOCKERD_WAIT     seconds to wait for dockerd to answer (default 60)
#   RUNJOB_DOCKERD_LOG      dockerd log (default /var/log/runjob-dockerd.log)
#   RUNJOB_DOCKERD_PIDFILE  dockerd pidfile (default /var/run/runjob-dockerd.pid)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

DOCKERD_LOG=${RUNJOB_DOCKERD_LOG:-/var/log/runjob-dockerd.log}
DOCKERD_PIDFILE=${RUNJOB_DOCKERD_PIDFILE:-/var/run/runjob-dockerd.pid}
DOCKERD_WAIT=${RUNJOB_DOCKERD_WAIT:-60}
LOCAL_SOCK=/var/run/docker.sock
LOCAL_HOST=unix://$LOCAL_SOCK
LOCK_FILE=/var/run/runjob-setup.lock
# Not needed by this kernel, but a run gets its own bridge network: the stock
# pools give only ~31 networks, this gives 1024 /24 networks.
DEFAULT_DOCKERD_ARGS=(--default-address-pool "base=172.20.0.0/14,size=24")
# scripts/swarm.sh: ip (namespaces, veths, bridge), openssl (its TLS
# material), htpasswd (the registry's bcrypt password file), curl.
SWARM_PACKAGES=(iproute2 openssl apache2-utils curl)

# dockerd needs containerd, runc, docker-proxy, iptables... which live in sbin.
for d in /usr/local/sbin /usr/sbin /sbin; do
	case ":$PATH:" in *":$d:"*) ;; *) PATH=$PATH:$d ;; esac
done
export PATH

check=0 restart=0
for arg in "$@"; do
	case "$arg" in
	--check) check=1 ;;
	--restart) restart=1 ;;
	-h | --help)
		sed -n '2,27p' "$0" | sed 's/^# \{0,1\}//'
		exit 0
		;;
	*)
		echo "setup: unknown argument: $arg" >&2
		exit 2
		;;
	esac
done

log() { echo "setup: $*" >&2; }
die() {
	echo "setup: ERROR: $*" >&2
	exit 1
}
have() { command -v "$1" >/dev/null 2>&1; }

# engine_version HOST: prints "VERSION (API x.yy)" if an engine answers on HOST.
engine_version() {
	have docker || return 1
	timeout 5 docker -H "$1" version --format '{{.Server.Version}} (API {{.Server.APIVersion}})' 2>/dev/null
}

is_root_debian() {
	[[ $(id -u) -eq 0 && -r /etc/debian_version ]] && have apt-get && have dpkg-query
}

# missing_packages PKG...: prints the packages that are not fully installed.
# (dpkg -s also succeeds for removed packages whose config files remain.)
missing_packages() {
	local p
	for p in "$@"; do
		[[ "$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null)" == installed ]] || echo "$p"
	done
}

apt_install() {
	local opts=(-y -q --no-install-recommends -o DPkg::Lock::Timeout=300
		-o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold)
	export DEBIAN_FRONTEND=noninteractive
	# Only refresh the package lists if apt does not know the packages yet.
	if ! apt-cache show "$@" >/dev/null 2>&1; then
		log "apt-get update"
		apt-get update -q </dev/null >&2 9>&- || die "apt-get update failed"
	fi
	log "apt-get install $*"
	if ! apt-get install "${opts[@]}" "$@" </dev/null >&2 9>&-; then
		# Stale package lists (versions gone from the mirror): refresh and retry once.
		log "install failed; refreshing package lists and retrying"
		apt-get update -q </dev/null >&2 9>&- || die "apt-get update failed"
		apt-get install "${opts[@]}" "$@" </dev/null >&2 9>&- || die "apt-get install $* failed"
	fi
}

# shellcheck source=SCRIPTDIR/lib/pid.sh
source "$here/lib/pid.sh" # pid_is

# dockerd_pids: the dockerd processes that serve $LOCAL_SOCK: those started
# without --host/-H (it is their default) or with it. A private daemon on
# its own socket (scripts/private-dockerd.sh, used by a test) is not ours
# to wait for.
dockerd_pids() {
	local p args a prev local_sock
	for p in $(pgrep -x dockerd 2>/dev/null); do
		pid_is "$p" dockerd || continue
		mapfile -d '' -t args <"/proc/$p/cmdline" 2>/dev/null || continue
		local_sock=1 prev=""
		for a in "${args[@]}"; do
			case "$prev|$a" in
			"-H|"* | "--host|"*) [[ $a == "$LOCAL_HOST" || $a == "$LOCAL_SOCK" ]] || local_sock=0 ;;
			*"|--host="* | *"|-H="*) [[ ${a#*=} == "$LOCAL_HOST" ]] || local_sock=0 ;;
			esac
			prev=$a
		done
		((local_sock)) && echo "$p"
	done
	return 0
}

log_tail() {
	local from=${1:-0}
	local text important
	text=$(tail -c +"$((from + 1))" "$DOCKERD_LOG" 2>/dev/null || true)
	important=$(grep -vE 'level=(debug|info)' <<<"$text" | tail -n 30 || true)
	echo "----- last warnings and errors in $DOCKERD_LOG -----" >&2
	if [[ -n $important ]]; then
		printf '%s\n' "$important" >&2
	else
		tail -n 20 <<<"$text" >&2
	fi
	echo "-----------------------------------------------------" >&2
}

# Remove pidfiles left by a dockerd/containerd that no longer runs (/run is not
# a tmpfs here, so they survive a reboot and their pids may have been reused;
# a reused containerd pid makes dockerd wait for a containerd that isn't there).
clean_stale_state() {
	local f pid
	for f in "$DOCKERD_PIDFILE" /var/run/docker.pid; do
		[[ -f $f ]] || continue
		pid=$(cat "$f" 2>/dev/null || true)
		pid_is "$pid" dockerd || rm -f "$f"
	done
	f=/var/run/docker/containerd/containerd.pid
	if [[ -f $f ]]; then
		pid=$(cat "$f" 2>/dev/null || true)
		pid_is "$pid" containerd || rm -f "$f"
	fi
}

ensure_cgroups() {
	grep -qE '^[^ ]+ /sys/fs/cgroup(/[^ ]*)? (cgroup|cgroup2) ' /proc/mounts && return 0
	log "no cgroup filesystem mounted on /sys/fs/cgroup; mounting cgroup2"
	mount -t cgroup2 cgroup2 /sys/fs/cgroup ||
		die "cannot mount cgroups on /sys/fs/cgroup; dockerd cannot run containers without them"
}

# lock_holders: pids outside our own process group that have LOCK_FILE open.
lock_holders() {
	local lock_path me f pid st
	lock_path=$(readlink -f "$LOCK_FILE")
	st=$(cat /proc/$$/stat)
	read -r _ _ me _ <<<"${st##*) }"
	for f in /proc/[0-9]*/fd/*; do
		[[ "$(readlink "$f" 2>/dev/null)" == "$lock_path" ]] || continue
		pid=${f#/proc/}
		pid=${pid%%/*}
		st=$(cat "/proc/$pid/stat" 2>/dev/null) || continue
		read -r _ _ st _ <<<"${st##*) }"
		[[ $st == "$me" ]] || echo "$pid ($(cat "/proc/$pid/comm" 2>/dev/null))"
	done | sort -un | paste -sd "," -
}

dockerd_pid=""

# start_dockerd FLAG...: starts dockerd in its own session; sets dockerd_pid.
start_dockerd() {
	local bin
	bin=$(command -v dockerd) || die "dockerd not found after installing docker.io"
	mkdir -p "$(dirname "$DOCKERD_LOG")" "$(dirname "$DOCKERD_PIDFILE")"
	# Keep the log from growing without bound across many restarts.
	if [[ -f $DOCKERD_LOG && $(stat -c %s "$DOCKERD_LOG") -gt 20000000 ]]; then
		mv -f "$DOCKERD_LOG" "$DOCKERD_LOG.1"
	fi
	echo "=== $(date -u +%Y-%m-%dT%H:%M:%SZ) scripts/setup.sh: $bin --pidfile $DOCKERD_PIDFILE $*" >>"$DOCKERD_LOG"
	log "starting dockerd $* (log: $DOCKERD_LOG)"
	# 9>&-: the daemon must not inherit (and so hold forever) the setup lock.
	setsid nohup "$bin" --pidfile "$DOCKERD_PIDFILE" "$@" >>"$DOCKERD_LOG" 2>&1 </dev/null 9>&- &
	dockerd_pid=$!
}

stop_our_dockerd() {
	[[ -n $dockerd_pid ]] || return 0
	kill -TERM "$dockerd_pid" 2>/dev/null || true
	local i
	for ((i = 0; i < 100; i++)); do
		kill -0 "$dockerd_pid" 2>/dev/null || break
		sleep 0.2
	done
	kill -KILL "$dockerd_pid" 2>/dev/null || true
	wait "$dockerd_pid" 2>/dev/null || true
	dockerd_pid=""
}

# wait_for_engine SECONDS [PID]: until LOCAL_HOST answers; fails early if PID dies.
wait_for_engine() {
	local deadline=$((SECONDS + $1)) pid=${2:-}
	while ((SECONDS < deadline)); do
		engine_version "$LOCAL_HOST" >/dev/null && return 0
		if [[ -n $pid ]] && ! kill -0 "$pid" 2>/dev/null; then
			return 1
		fi
		sleep 0.2
	done
	engine_version "$LOCAL_HOST" >/dev/null
}

# smoke_test HOST: a user-defined bridge network and a container on it work.
# Prints the error output on failure.
smoke_test() {
	local net="runjob-setup-check-$$" out rc=0
	out=$(docker -H "$1" network create "$net" 2>&1 &&
		docker -H "$1" run --rm --network "$net" busybox:latest true 2>&1) || rc=$?
	docker -H "$1" network rm "$net" >/dev/null 2>&1 || true
	[[ $rc -eq 0 ]] || printf '%s\n' "$out"
	return "$rc"
}

# ensure_tool CMD PACKAGE WHAT: tools the tests drive. As root on Debian,
# install Debian's PACKAGE when CMD is missing; elsewhere only say so (the
# tests then skip, except under CI=true, where they fail).
#   chromium: the HTML report test opens report.html headless.
#   tmux: the tty-mode test runs runjob in a real terminal.
#   sshd: the ssh engine test starts a private sshd on 127.0.0.1 (Debian's
#     package starts no service here: policy-rc.d, or no init to start it).
ensure_tool() {
	have "$1" && return 0
	if ! is_root_debian; then
		log "$1 not found: $3 will skip (install Debian's $2 package)"
		return 0
	fi
	local t0=$SECONDS
	apt_install "$2"
	have "$1" || die "$1 is not on PATH after installing $2"
	log "$2 installed in $((SECONDS - t0))s"
}

ensure_tool chromium chromium "the HTML report browser test"
ensure_tool tmux tmux "the tty output test"
ensure_tool sshd openssh-server "the ssh engine test"

# stop_for_restart: end the dockerd of DOCKERD_PIDFILE and the containerd it
# started (a SIGKILLed dockerd leaves it running), so that step 4 below
# starts both afresh.
stop_for_restart() {
	local pid cpid
	is_root_debian || die "--restart: only as root on Debian, for the dockerd this script starts"
	pid=$(cat "$DOCKERD_PIDFILE" 2>/dev/null || true)
	pid_is "$pid" dockerd || die "--restart: $DOCKERD_PIDFILE names no running dockerd: nothing of this script's to restart"
	cpid=$(cat /var/run/docker/containerd/containerd.pid 2>/dev/null || true)
	log "--restart: stopping dockerd (pid $pid)"
	end_pid "$pid" dockerd 30
	end_pid "$cpid" containerd 15
}
((restart)) && stop_for_restart

# ---------------------------------------------------------------------------
# 1. Is an engine already there?
# ---------------------------------------------------------------------------
host=""
if [[ -n "${DOCKER_HOST:-}" ]]; then
	if v=$(engine_version "$DOCKER_HOST"); then
		host=$DOCKER_HOST
	elif [[ "$DOCKER_HOST" != "$LOCAL_HOST" && "$DOCKER_HOST" != unix:///run/docker.sock ]]; then
		die "DOCKER_HOST=$DOCKER_HOST is set but no Docker engine answers there.
  Start that engine, or unset DOCKER_HOST so that a local engine on $LOCAL_SOCK is used (this script starts one when run as root on Debian)."
	fi
fi
if [[ -z $host ]] && v=$(engine_version "$LOCAL_HOST"); then
	host=$LOCAL_HOST
fi

if [[ -n $host ]]; then
	log "Docker engine $v answers on $host"
	# The image build needs busybox-static; the registry tests docker-registry;
	# the test swarm (scripts/swarm.sh) also SWARM_PACKAGES.
	# (docker.io is not installed here: it may conflict with the running engine.)
	if is_root_debian; then
		mapfile -t missing < <(missing_packages busybox-static docker-registry "${SWARM_PACKAGES[@]}")
		[[ ${#missing[@]} -eq 0 ]] || apt_install "${missing[@]}"
	fi
	export DOCKER_HOST=$host
	bash "$here/busybox-image.sh"
	if [[ $check -eq 1 ]]; then
		out=$(smoke_test "$host") || die "a user-defined bridge network does not work on $host:
$out"
		log "bridge network check OK"
	fi
	exit 0
fi

# ---------------------------------------------------------------------------
# 2. No engine. Without root on Debian, say what to do.
# ---------------------------------------------------------------------------
if ! is_root_debian; then
	if [[ -S $LOCAL_SOCK && ! -w $LOCAL_SOCK && -z "${DOCKER_HOST:-}" ]]; then
		die "$LOCAL_SOCK exists but $(id -un) may not use it.
  Add yourself to its group ($(stat -c %G "$LOCAL_SOCK")), e.g. 'sudo usermod -aG $(stat -c %G "$LOCAL_SOCK") $(id -un)' and log in again,
  or run 'sudo bash scripts/setup.sh' once and then use a user that can reach the engine."
	fi
	die "no Docker engine answers on ${DOCKER_HOST:-$LOCAL_HOST}.
  runjob needs a running Docker Engine (20.10 or newer) and the docker client.
  - Debian/Ubuntu, as root: apt-get install docker.io busybox-static docker-registry,
    then start dockerd (or simply re-run this script as root, which does all of it).
  - Elsewhere: install Docker Engine (https://docs.docker.com/engine/install/), start it,
    and make sure your user can reach its socket (docker group) or set DOCKER_HOST.
  Offline, also install a static busybox so scripts/busybox-image.sh can build busybox:latest."
fi

# One setup at a time from here on (another one may be starting dockerd).
exec 9>"$LOCK_FILE"
if ! flock -w 300 9; then
	holders=$(lock_holders)
	die "$LOCK_FILE has been held for 5 minutes by pid ${holders:-?}; another scripts/setup.sh may be stuck"
fi

mapfile -t missing < <(missing_packages docker.io busybox-static docker-registry "${SWARM_PACKAGES[@]}")
[[ ${#missing[@]} -eq 0 ]] || apt_install "${missing[@]}"
have docker || die "no docker client on PATH even after installing docker.io"

# ---------------------------------------------------------------------------
# 3. A dockerd that runs but does not answer? It may still be starting.
# ---------------------------------------------------------------------------
pids=$(dockerd_pids | paste -sd " " -)
if [[ -n $pids ]]; then
	log "dockerd is already running (pid $pids) but does not answer on $LOCAL_SOCK yet; waiting up to ${DOCKERD_WAIT}s"
	if ! wait_for_engine "$DOCKERD_WAIT"; then
		ours=$(cat "$DOCKERD_PIDFILE" 2>/dev/null || true)
		for p in $pids; do [[ $p == "$ours" ]] && log_tail; done
		die "dockerd is running (pid $pids) but does not answer on $LOCAL_SOCK after ${DOCKERD_WAIT}s.
  It may listen elsewhere (set DOCKER_HOST), or be stuck: stop it (kill $pids) and re-run this script."
	fi
	log "Docker engine $(engine_version "$LOCAL_HOST") answers on $LOCAL_HOST"
	export DOCKER_HOST=$LOCAL_HOST
	bash "$here/busybox-image.sh"
	exit 0
fi

# ---------------------------------------------------------------------------
# 4. Start dockerd. Defaults first (overlay2, iptables, cgroupfs); fall back to
#    vfs or --iptables=false only when the log shows those are the problem.
# ---------------------------------------------------------------------------
ensure_cgroups
extra=()
# shellcheck disable=SC2206 # word splitting wanted
[[ -n "${RUNJOB_DOCKERD_ARGS:-}" ]] && extra=(${RUNJOB_DOCKERD_ARGS})
flags=("${DEFAULT_DOCKERD_ARGS[@]}" "${extra[@]}")
started_at=$SECONDS
export DOCKER_HOST=$LOCAL_HOST

for _ in 1 2 3; do
	clean_stale_state
	log_off=$(stat -c %s "$DOCKERD_LOG" 2>/dev/null || echo 0)
	start_dockerd "${flags[@]}"

	problem=""
	if wait_for_engine "$DOCKERD_WAIT" "$dockerd_pid"; then
		log "Docker engine $(engine_version "$LOCAL_HOST") answers on $LOCAL_HOST after $((SECONDS - started_at))s"
		bash "$here/busybox-image.sh" || die "could not provide busybox:latest"
		if problem=$(smoke_test "$LOCAL_HOST"); then
			log "bridge network check OK (dockerd pid $dockerd_pid, flags: ${flags[*]:-none})"
			exit 0
		fi
		log "bridge network check failed: $problem"
	elif kill -0 "$dockerd_pid" 2>/dev/null; then
		problem="dockerd (pid $dockerd_pid) did not answer within ${DOCKERD_WAIT}s"
	else
		problem="dockerd exited"
	fi

	# Only error lines count: info lines mention overlay2 and iptables too.
	new_log=$(tail -c +"$((log_off + 1))" "$DOCKERD_LOG" 2>/dev/null |
		grep -iE 'level=(error|fatal)|failed|error' || true)
	fix=""
	if [[ " ${flags[*]} " != *" --storage-driver"* ]] &&
		grep -qiE 'graphdriver|storage.driver|overlay' <<<"$new_log$problem"; then
		fix=--storage-driver=vfs
	elif [[ " ${flags[*]} " != *" --iptables=false "* ]] &&
		grep -qiE 'iptables|xtables|nat chain|nf_tables' <<<"$new_log$problem"; then
		fix=--iptables=false
	fi
	if [[ -z $fix ]]; then
		log_tail "$log_off"
		if kill -0 "$dockerd_pid" 2>/dev/null; then
			die "$problem. dockerd (pid $dockerd_pid) is left running; see $DOCKERD_LOG."
		fi
		die "$problem; see $DOCKERD_LOG (last lines above)."
	fi
	log "$problem; the log points at ${fix%%=*}: restarting dockerd with $fix"
	stop_our_dockerd
	flags+=("$fix")
done
log_tail
die "dockerd did not come up with flags: ${flags[*]}"

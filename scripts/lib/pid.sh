# shellcheck shell=bash
# Sourced by scripts that start and stop daemons by pid.

# pid_is PID NAME: PID runs (and is not a zombie: PID 1 here reaps orphans
# lazily) and its command name is NAME.
pid_is() {
	local stat
	[[ "$1" =~ ^[0-9]+$ ]] || return 1
	stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
	[[ "${stat#*\(}" == "$2) "* ]] || return 1
	[[ "${stat##*) }" != [ZX]* ]]
}

# pid_comm PID: the command name of PID if it runs (not a zombie), else
# nothing (and a failure).
pid_comm() {
	local stat comm
	[[ "$1" =~ ^[0-9]+$ ]] || return 1
	stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
	[[ "${stat##*) }" != [ZX]* ]] || return 1
	comm=${stat#*\(}
	echo "${comm%) *}"
}

# launch_chain: what a daemon's pid is called before it execs the daemon
# (the forked bash, then setsid nsenter unshare sh -c 'exec daemon' in
# scripts/swarm.sh).
launch_chain=" bash setsid nsenter unshare sh "

# ours PID NAME: PID is NAME, or still on its way there (launch_chain).
ours() {
	local comm
	comm=$(pid_comm "$1") || return 1
	[[ $comm == "$2" || $launch_chain == *" $comm "* ]]
}

# end_pid PID NAME SECONDS: SIGTERM PID if it is NAME (SIGKILL if it has
# not become NAME yet: nothing of its own runs then), SIGKILL after
# SECONDS; returns once it is gone.
end_pid() {
	local i
	ours "$1" "$2" || return 0
	if pid_is "$1" "$2"; then kill -TERM "$1"; else kill -KILL "$1"; fi 2>/dev/null || true
	for ((i = 0; i < $3 * 10; i++)); do
		ours "$1" "$2" || return 0
		sleep 0.1
	done
	log "$2 (pid $1) still runs $3s after SIGTERM: SIGKILL"
	kill -KILL "$1" 2>/dev/null || true
	while ours "$1" "$2"; do sleep 0.05; done
}


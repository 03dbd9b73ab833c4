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

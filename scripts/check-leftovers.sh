#!/usr/bin/env bash
# Fail if the Docker engine still holds anything that runjob created: every
# container, network, volume and built image runjob makes carries the label
# io.runjob.run-id, and all of them must be gone once the tests have finished
# (tests remove the tagged images they build themselves).
#
# Usage: scripts/check-leftovers.sh [--clean]
#   (no flag)  list leftovers and exit 1 if there are any, else exit 0
#   --clean    remove leftovers instead (containers, networks, volumes, then images)
set -euo pipefail

LABEL=io.runjob.run-id
clean=0
case "${1:-}" in
"") ;;
--clean) clean=1 ;;
-h | --help)
	sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'
	exit 0
	;;
*)
	echo "check-leftovers: unknown argument: $1" >&2
	exit 2
	;;
esac

command -v docker >/dev/null 2>&1 || {
	echo "check-leftovers: ERROR: no docker client on PATH" >&2
	exit 1
}

# q ARGS...: run a docker listing command, failing loudly if the engine is not there.
q() {
	local out
	if ! out=$(docker "$@" 2>&1); then
		echo "check-leftovers: ERROR: docker $*: $out" >&2
		exit 1
	fi
	printf '%s' "$out"
}

containers=$(q ps -a --filter "label=$LABEL" --format '{{.ID}}  {{.Names}}  {{.Status}}  run-id={{.Label "io.runjob.run-id"}}')
networks=$(q network ls --filter "label=$LABEL" --format '{{.ID}}  {{.Name}}  run-id={{.Label "io.runjob.run-id"}}')
volumes=$(q volume ls --filter "label=$LABEL" --format '{{.Name}}  run-id={{.Label "io.runjob.run-id"}}')
images=$(q images --filter "label=$LABEL" --format '{{.ID}}  {{.Repository}}:{{.Tag}}  run-id={{.Label "io.runjob.run-id"}}')

if [[ -z $containers && -z $networks && -z $volumes && -z $images ]]; then
	echo "check-leftovers: OK: no containers, networks, volumes or images labelled $LABEL"
	exit 0
fi

report() {
	local kind=$1 list=$2
	[[ -n $list ]] || return 0
	echo "  $kind:"
	printf '%s\n' "$list" | sed 's/^/    /'
}

if [[ $clean -eq 1 ]]; then
	echo "check-leftovers: removing leftovers labelled $LABEL:"
	report containers "$containers"
	report networks "$networks"
	report volumes "$volumes"
	report images "$images"
	rc=0
	ids() { awk 'NF {print $1}' <<<"$1"; }
	if [[ -n $containers ]]; then
		mapfile -t c < <(ids "$containers")
		docker rm -f -v "${c[@]}" >/dev/null || rc=1
	fi
	if [[ -n $networks ]]; then
		mapfile -t n < <(ids "$networks")
		docker network rm "${n[@]}" >/dev/null || rc=1
	fi
	if [[ -n $volumes ]]; then
		mapfile -t v < <(ids "$volumes")
		docker volume rm -f "${v[@]}" >/dev/null || rc=1
	fi
	if [[ -n $images ]]; then
		mapfile -t i < <(ids "$images")
		docker rmi -f "${i[@]}" >/dev/null || rc=1
	fi
	exit "$rc"
fi

{
	echo "check-leftovers: FAIL: resources labelled $LABEL remain on the engine:"
	report containers "$containers"
	report networks "$networks"
	report volumes "$volumes"
	report images "$images"
	echo "  (remove them with: bash scripts/check-leftovers.sh --clean)"
} >&2
exit 1

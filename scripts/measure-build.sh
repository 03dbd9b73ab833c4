#!/usr/bin/env bash
# Measure a cold and a warm build of a small multi-step Dockerfile through
# runjob: the build node's duration_ms from the JSON log. The first run
# builds a context the engine has never seen (a random line makes every
# instruction new); the second rebuilds it unchanged, from the layer cache.
# Each pair leaves its layer cache (about 10 MB of untagged images without
# runjob's labels), as docker build does; `docker image prune` removes it.
#
# Usage: scripts/measure-build.sh [RUNS]   (RUNS cold+warm pairs, default 3)
set -euo pipefail
runs=${1:-3}
root=$(cd "$(dirname "$0")/.." && pwd)
bin=$(mktemp -d)/runjob
(cd "$root" && go build -o "$bin" ./cmd/runjob)
for _ in $(seq "$runs"); do
	dir=$(mktemp -d)
	mkdir -p "$dir/app"
	cat >"$dir/app/Dockerfile" <<DF
FROM busybox:latest
RUN echo $RANDOM$RANDOM > /nonce
RUN dd if=/dev/urandom of=/blob bs=1M count=8 2>/dev/null
COPY . /src
RUN ls -R /src > /listing && sha256sum /blob > /blob.sum
DF
	echo "hello" >"$dir/app/hello.txt"
	cat >"$dir/p.hcl" <<'HCL'
image "app" {
  context = "./app"
}
step "use" {
  image   = image.app
  command = ["cat", "/blob.sum"]
}
HCL
	for kind in cold warm; do
		ms=$("$bin" "$dir/p.hcl" --log-format json --artifacts "$dir/artifacts" 2>/dev/null |
			grep '"event":"step_finished"' | grep '"step":"image.app"' | sed 's/.*"duration_ms":\([0-9]*\).*/\1/')
		echo "$kind ${ms}ms"
	done
	rm -rf "$dir"
done

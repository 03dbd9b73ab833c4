#!/bin/sh
set -e
out=$(sh /app/greet.sh)
[ "$out" = "hello from version $1" ] || { echo "unexpected: $out"; exit 1; }
echo "ok: $out"

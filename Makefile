# runjob — see scripts/setup.sh for what `make setup` does to the machine.
SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := build

GO ?= go
BIN := bin/runjob

.PHONY: all setup build demo test chaos soak bench fmt lint clean leftovers clean-leftovers

all: lint build

## setup: make sure a Docker engine answers and busybox:latest exists
setup:
	bash scripts/setup.sh

## build: build bin/runjob
build:
	$(GO) build -buildvcs=auto -o $(BIN) ./cmd/runjob

## demo: run examples/hello.hcl against the engine
demo: setup build
	./$(BIN) examples/hello.hcl

## test: vet, run every test against the real engine, then check nothing leaked
test: setup
	$(GO) vet ./...
	RUNJOB_REQUIRE_DOCKER=1 $(GO) test -count=1 -timeout 30m ./...
	bash scripts/check-leftovers.sh

## chaos: interrupt 100 runs at random moments (SIGINT/SIGTERM/SIGKILL), check exit codes and leftovers (RELIABILITY.md)
chaos: setup
	RUNJOB_CHAOS=1 RUNJOB_REQUIRE_DOCKER=1 $(GO) test -count=1 -timeout 60m -run TestChaos -v ./cmd/runjob/

## soak: 20 runs of a generated 200-step DAG at -j 16 in one process: output, manifests, leftovers, fd and goroutine growth (RELIABILITY.md)
soak: setup
	RUNJOB_SOAK_RUNS=20 RUNJOB_SOAK_STEPS=200 RUNJOB_REQUIRE_DOCKER=1 $(GO) test -count=1 -timeout 120m -run '^TestSoak$$' -v ./executor/docker/

## bench: Go micro-benchmarks, then runjob vs the docker CLI (bench/; BENCHMARKS.md)
bench: setup
	$(GO) test -run '^$$' -bench . -benchmem ./...
	$(GO) run ./bench $(BENCHFLAGS)

## fmt: rewrite Go files with gofmt
fmt:
	gofmt -l -w .

## lint: gofmt must have nothing to say, and go vet must pass
lint:
	@out=$$(gofmt -l .); if [[ -n "$$out" ]]; then echo "gofmt needed on:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

## leftovers: fail if containers/networks/volumes labelled io.runjob.run-id remain
leftovers:
	bash scripts/check-leftovers.sh

## clean-leftovers: remove containers/networks/volumes labelled io.runjob.run-id
clean-leftovers:
	bash scripts/check-leftovers.sh --clean

## clean: remove build output
clean:
	rm -rf bin/

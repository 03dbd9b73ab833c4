# runjob — see scripts/setup.sh for what `make setup` does to the machine.
SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := build

GO ?= go
BIN := bin/runjob
# ENGINE=podman: `make setup` brings up Podman's Docker-compatible API on
# $(PODMAN_DIR)/podman.sock instead (scripts/podman.sh).
ENGINE ?= docker
PODMAN_DIR ?= /tmp/runjob-podman
PODMAN_HOST := unix://$(PODMAN_DIR)/podman.sock
# The leftover targets look at the engine ENGINE names.
ENGINE_ENV := $(if $(filter podman,$(ENGINE)),DOCKER_HOST=$(PODMAN_HOST))

.PHONY: all setup build demo test test-swarm test-podman stop-podman chaos soak bench fmt lint clean leftovers clean-leftovers

all: lint build

## setup: make sure a Docker engine answers and busybox:latest exists (ENGINE=podman: Podman's service, see scripts/podman.sh)
setup:
ifeq ($(ENGINE),podman)
	bash scripts/podman.sh start $(PODMAN_DIR)
else ifeq ($(ENGINE),docker)
	bash scripts/setup.sh
else
	@echo "ENGINE=$(ENGINE): want docker or podman" >&2; exit 2
endif

## build: build bin/runjob
build:
	$(GO) build -buildvcs=auto -o $(BIN) ./cmd/runjob

## demo: run examples/hello.hcl against the engine
demo: setup build
	./$(BIN) examples/hello.hcl

## test: gofmt check, vet, run every test against the real engine, then check nothing leaked
# (internal/testrun runs go test: it restarts the engine if Docker 20.10's
# libnetwork deadlock stops it, and then runs the packages that failed
# again; nothing else is retried.)
test: setup
	@out=$$(gofmt -l .); if [[ -n "$$out" ]]; then echo "gofmt needed on:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	RUNJOB_REQUIRE_DOCKER=1 $(GO) run ./internal/testrun -- -count=1 -timeout 30m ./...
	bash scripts/check-leftovers.sh

## test-swarm: the swarm e2e tests (TestSwarm*), each package on a real 3-node swarm it starts itself (scripts/swarm.sh; docs/development.md)
# (RUNJOB_SWARM=1 lets them run: plain `go test ./...` skips them. One
# package at a time: each starts three dockerds. SWARM_TESTFLAGS adds go
# test flags, e.g. -run.)
SWARM_PKGS ?= ./...
test-swarm: setup
	RUNJOB_SWARM=1 RUNJOB_REQUIRE_DOCKER=1 $(GO) run ./internal/testrun -- -count=1 -p 1 -timeout 30m -run '^TestSwarm' $(SWARM_TESTFLAGS) $(SWARM_PKGS)

## test-podman: the real-engine tests (executor/docker, cmd/runjob) against Podman's Docker-compatible API, then the leftover check there
# (The Docker setup first: it installs the tools the tests drive, and
# Podman's busybox is copied from the Docker engine's. One package at a
# time: Podman's service slows down more than dockerd under parallel load.
# PODMAN_TESTFLAGS adds go test flags, e.g. -run.)
test-podman:
	$(MAKE) --no-print-directory setup ENGINE=docker
	$(MAKE) --no-print-directory setup ENGINE=podman
	DOCKER_HOST=$(PODMAN_HOST) RUNJOB_REQUIRE_DOCKER=1 $(GO) test -count=1 -p 1 -timeout 20m $(PODMAN_TESTFLAGS) ./executor/docker/ ./cmd/runjob/
	DOCKER_HOST=$(PODMAN_HOST) bash scripts/check-leftovers.sh

## stop-podman: stop the Podman service `make setup ENGINE=podman` started (by its pid)
stop-podman:
	bash scripts/podman.sh stop $(PODMAN_DIR)

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

## leftovers: fail if containers/networks/volumes labelled io.runjob.run-id remain (ENGINE=podman: on Podman's service)
leftovers:
	$(ENGINE_ENV) bash scripts/check-leftovers.sh

## clean-leftovers: remove containers/networks/volumes labelled io.runjob.run-id (ENGINE=podman: on Podman's service)
clean-leftovers:
	$(ENGINE_ENV) bash scripts/check-leftovers.sh --clean

## clean: remove build output
clean:
	rm -rf bin/

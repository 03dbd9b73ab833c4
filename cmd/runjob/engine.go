package main

// The one place that connects to an engine: the local Docker engine (or the
// one DOCKER_HOST or the docker context names), or a Docker Swarm through
// its manager.

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/runjob/runjob/executor/docker"
	"github.com/runjob/runjob/executor/swarm"
	"github.com/runjob/runjob/internal/errkind"
	"github.com/runjob/runjob/internal/session"
)

// The engines --engine selects.
const (
	engineAuto   = "auto"
	engineDocker = "docker"
	engineSwarm  = "swarm"
)

// engineEnv is --engine's default.
const engineEnv = "RUNJOB_ENGINE"

// pingTimeout bounds the first contact with the engine, so a wrong
// DOCKER_HOST fails in seconds instead of hanging.
const pingTimeout = 15 * time.Second

// addEngineFlag adds --engine to every command; the choice travels in the
// command's context to connect.
func addEngineFlag(root *cobra.Command) {
	name := new(string)
	root.PersistentFlags().StringVar(name, "engine", "", "where steps run: docker (the engine DOCKER_HOST or the docker context names), "+
		"swarm (the nodes of the Docker Swarm that engine manages), or auto (swarm when it manages one whose nodes are labelled "+
		swarm.EndpointLabel+", else docker; the default, or $"+engineEnv+")")
	root.PersistentPreRunE = func(cmd *cobra.Command, _ []string) error {
		kind := *name
		if kind == "" {
			kind = os.Getenv(engineEnv)
		}
		switch kind {
		case "":
			kind = engineAuto
		case engineAuto, engineDocker, engineSwarm:
		default:
			return fmt.Errorf("--engine %q: want docker, swarm or auto", kind)
		}
		cmd.SetContext(context.WithValue(cmd.Context(), engineKey{}, kind))
		return nil
	}
}

type engineKey struct{}

func engineFrom(ctx context.Context) string {
	if k, ok := ctx.Value(engineKey{}).(string); ok {
		return k
	}
	return engineAuto
}

// connect returns an engine that answered, or the exit error that says why
// there is none: the Docker engine, or the swarm it manages (--engine).
func connect(ctx context.Context) (session.Engine, error) {
	eng, err := docker.New()
	if err != nil {
		return nil, errkind.New(errkind.Engine, err)
	}
	pctx, cancel := context.WithTimeout(ctx, pingTimeout)
	defer cancel()
	var out session.Engine = eng
	err = eng.Ping(pctx)
	if err == nil {
		out, err = chooseEngine(pctx, eng, engineFrom(ctx))
	}
	switch {
	case ctx.Err() != nil:
		err = errkind.New(errkind.Interrupted, context.Cause(ctx))
	case err != nil:
		err = errkind.New(errkind.Engine, err)
	}
	if err != nil {
		_ = eng.Close()
		return nil, err
	}
	return out, nil
}

// chooseEngine is the swarm eng manages when kind says so, or when kind is
// auto and its nodes say where runjob reaches them; else eng itself.
func chooseEngine(ctx context.Context, eng *docker.Engine, kind string) (session.Engine, error) {
	if kind == engineDocker {
		return eng, nil
	}
	if kind == engineAuto {
		if !eng.IsSwarmManager(ctx) {
			return eng, nil
		}
		labelled, err := swarm.Labelled(ctx, eng)
		if err != nil {
			return nil, err
		}
		if labelled == 0 {
			return noted{eng, fmt.Sprintf("the engine at %s manages a Docker Swarm, but no node is labelled %s: the steps run on it alone", eng.Host(), swarm.EndpointLabel)}, nil
		}
	}
	s, err := swarm.New(ctx, eng, swarm.ConfigFromEnv())
	if err != nil {
		return nil, err
	}
	return s, nil
}

// noted is an engine with a word for the start of a run (see
// session.Describer).
type noted struct {
	*docker.Engine
	note string
}

func (n noted) Describe() string { return n.note }

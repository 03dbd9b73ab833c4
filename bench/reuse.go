package main

import (
	"fmt"
	"os"
	"path/filepath"
)

// The 10-step chain with reuse = true on every step, against the same
// docker CLI chain: cold (every run has an empty store, so every step
// runs and is stored: what storing costs a run) and warm (the store holds
// every step: what a run of an unchanged pipeline costs).
func reuseChains() []scenario {
	src := "pipeline { reuse = true }\n" + distinctChain()
	return []scenario{
		{
			name: "10-step chain reuse cold", target: "~ 10-step chain",
			baseline: dockerChain(),
			runjob: func(e *env) (sample, error) {
				dir, err := os.MkdirTemp(e.work, "cache-")
				if err != nil {
					return sample{}, err
				}
				defer os.RemoveAll(dir)
				return runRunjob(e, okLines(10), e.pipelineFile("chain-reuse-cold", src), "--cache-dir", dir)
			},
		},
		{
			name: "10-step chain reuse warm", target: "<= 0.1x",
			baseline: dockerChain(),
			setup: func(e *env) error {
				_, err := runRunjob(e, okLines(10), e.pipelineFile("chain-reuse-warm", src), "--cache-dir", warmCache(e))
				return err
			},
			runjob: func(e *env) (sample, error) {
				return runRunjob(e, okLines(10), e.pipelineFile("chain-reuse-warm", src), "--cache-dir", warmCache(e))
			},
		},
	}
}

// distinctChain is chainSrc with one env value per step, so that no two
// steps have the same key (two that do the same are one entry).
func distinctChain() string {
	return chainEach(func(i int) string { return fmt.Sprintf("  env = { I = \"%d\" }\n", i) })
}

func warmCache(e *env) string { return filepath.Join(e.work, "cache-warm") }

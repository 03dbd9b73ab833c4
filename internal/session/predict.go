package session

import (
	"context"
	"fmt"
	"maps"
	"os"
	"slices"

	"github.com/runjob/runjob/executor"
	"github.com/runjob/runjob/internal/stepcache"
	"github.com/runjob/runjob/mask"
	"github.com/runjob/runjob/pipeline"
)

// Predict says which reusable steps of g a run with o would reuse now
// (executor.Predict), for --dry-run: it reads the secrets (they are in
// the keys), connects to ask the engine for image IDs only, and reads the
// store's entries without adding, evicting or making recent any (opening
// it sweeps crashed writes; hashing inputs refreshes its stat cache, as a
// run's would). Nothing when no step may be reused or reuse
// is off; an error (a secret that cannot be read, no engine) when it
// cannot say. What it returns is masked.
func Predict(ctx context.Context, g *pipeline.Graph, o Options, connect Connect) ([]executor.Prediction, error) {
	if o.ReuseDir == "" || !anyReusable(g) {
		return nil, nil
	}
	if o.LookupEnv == nil {
		o.LookupEnv = os.LookupEnv
	}
	secrets, err := readSecrets(g, o.LookupEnv)
	if err != nil {
		return nil, err
	}
	m := mask.New(append(slices.Clone(g.Pipeline().Sensitive), slices.Collect(maps.Values(secrets))...)...)
	if _, err := os.Stat(o.ReuseDir); err != nil {
		// Nothing stored yet: opening would create the store.
		return nothingStored(g), nil
	}
	st, err := stepcache.Open(o.ReuseDir, stepcache.Options{MaxBytes: o.ReuseMaxBytes})
	if err != nil {
		return nil, fmt.Errorf("reuse store: %w", err)
	}
	eng, err := connect(ctx)
	if err != nil {
		return nil, err
	}
	defer eng.Close()
	ex := executor.New(eng, append(slices.Clone(o.Exec), executor.WithSecrets(secrets),
		executor.WithRedact(m.String), executor.WithReuse(st))...)
	preds, err := ex.Predict(ctx, g)
	for i := range preds {
		preds[i].Why = m.String(preds[i].Why)
	}
	return preds, err
}

// nothingStored predicts a run when the store does not exist yet.
func nothingStored(g *pipeline.Graph) []executor.Prediction {
	var out []executor.Prediction
	for _, i := range g.Order() {
		if pipeline.Reusable(g.Step(i)) {
			out = append(out, executor.Prediction{Step: g.Step(i).Name, Decided: true, Why: "nothing is stored for reuse yet"})
		}
	}
	return out
}

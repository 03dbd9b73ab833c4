package session

import (
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/runjob/runjob/internal/errkind"
	"github.com/runjob/runjob/pipeline"
)

// maxSecretSize bounds a secret file: a secret is a token or a key, and
// reading a multi-gigabyte file by mistake should fail, not fill memory.
const maxSecretSize = 1 << 20

// readSecrets reads the value of every secret a step of g that will run
// refers to, when the run starts and only then. A missing value is an
// error naming the secret, where it was looked for and the steps that need
// it; the message never contains a value.
func readSecrets(g *pipeline.Graph, getenv func(string) (string, bool)) (map[string]string, error) {
	p := g.Pipeline()
	users := map[string][]string{}
	var order []string
	for i := range g.Len() {
		s := g.Step(i)
		if s.Skip {
			continue
		}
		// A service's secrets are needed by the steps that need it.
		names := pipeline.StepSecrets(s)
		for _, svc := range s.Services {
			if sv := p.Service(svc); sv != nil {
				names = append(names, pipeline.EnvSecrets(sv.Env)...)
			}
		}
		for _, name := range names {
			if users[name] == nil {
				order = append(order, name)
			}
			if q := fmt.Sprintf("%q", s.Name); !slices.Contains(users[name], q) {
				users[name] = append(users[name], q)
			}
		}
	}
	values := map[string]string{}
	var errs []error
	for _, name := range order {
		sec := p.Secret(name)
		if sec == nil {
			continue // the loader rejects undeclared references
		}
		v, err := readSecret(sec, getenv)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: secret %q (needed by step %s): %w",
				sec.Pos, name, strings.Join(users[name], ", step "), err))
			continue
		}
		values[name] = v
	}
	if len(errs) > 0 {
		return nil, errkind.New(errkind.Usage, errors.Join(errs...))
	}
	return values, nil
}

// readSecret reads one value. An empty value is refused: it is almost
// always a variable that was exported empty, and the step would otherwise
// fail later with a confusing authentication error. A file's one trailing
// newline (as `echo token > file` writes) is dropped.
func readSecret(sec *pipeline.Secret, getenv func(string) (string, bool)) (string, error) {
	if sec.Env != "" {
		v, ok := getenv(sec.Env)
		switch {
		case !ok:
			return "", fmt.Errorf("environment variable %s is not set", sec.Env)
		case v == "":
			return "", fmt.Errorf("environment variable %s is empty", sec.Env)
		}
		return v, nil
	}
	f, err := os.Open(sec.File)
	if err != nil {
		return "", fmt.Errorf("cannot read file: %w", err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxSecretSize+1))
	if err != nil {
		return "", fmt.Errorf("cannot read file %s: %w", sec.File, err)
	}
	if len(b) > maxSecretSize {
		return "", fmt.Errorf("file %s is larger than %d bytes", sec.File, maxSecretSize)
	}
	v := strings.TrimSuffix(strings.TrimSuffix(string(b), "\n"), "\r")
	if v == "" {
		return "", fmt.Errorf("file %s is empty", sec.File)
	}
	return v, nil
}

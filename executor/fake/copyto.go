package fake

import (
	"archive/tar"
	"context"
	"errors"
	"io"
	"maps"
	"path"
)

// CopyTo unpacks the tar stream into the container's files, so a later
// CopyFrom of the same paths returns what came in, as on a real engine;
// except where the script has a file: the container writes that one while
// it runs (a step's $RUNJOB_OUTPUT, created empty before it starts, is
// scripted as a Files entry at executor.OutputPath).
func (e *Engine) CopyTo(ctx context.Context, id, dir string, content io.Reader) error {
	if err := e.enter(ctx, "CopyTo"); err != nil {
		return err
	}
	c, err := e.get(id)
	if err != nil {
		return err
	}
	if err := c.script.Fail["CopyTo"]; err != nil {
		return err
	}
	files := map[string]string{}
	tr := tar.NewReader(content)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		if h.Typeflag != tar.TypeReg {
			continue
		}
		b, err := io.ReadAll(tr)
		if err != nil {
			return err
		}
		files[path.Join(dir, h.Name)] = string(b)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	// Clone: the script's map is shared by every container of the step.
	c.script.Files = maps.Clone(c.script.Files)
	if c.script.Files == nil {
		c.script.Files = map[string]string{}
	}
	for name, body := range files {
		if _, written := c.scripted[name]; !written {
			c.script.Files[name] = body
		}
	}
	return nil
}

package swarm

import (
	"context"
	"fmt"
	"sync"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/client"

	"github.com/runjob/runjob/executor"
	"github.com/runjob/runjob/executor/docker"
)

// localEngine is the Docker engine on runjob's own host: where a run's
// images are built (the build context is here) and where images that are
// in no registry are copied from. It is dialled when first needed.
type localEngine struct {
	host string // "" when there is none

	once sync.Once
	eng  *docker.Engine
	err  error

	mu     sync.Mutex
	copied map[string][]*node // image ID -> the nodes it was copied to
}

// errNoLocal is an image or build that needs the local engine when there
// is none.
var errNoLocal = cerrdefs.ErrNotFound.WithMessage("no local engine (" + LocalHostEnv + "=none)")

// get dials the local engine once.
func (l *localEngine) get(ctx context.Context) (*docker.Engine, error) {
	if l.host == "" {
		return nil, errNoLocal
	}
	l.once.Do(func() {
		cli, err := client.New(client.WithHost(l.host))
		if err != nil {
			l.err = fmt.Errorf("local engine %s: %w", l.host, err)
			return
		}
		eng := docker.FromClient(cli)
		pctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		if err := eng.Ping(pctx); err != nil {
			_ = cli.Close()
			l.err = fmt.Errorf("local engine (%s, for builds and images in no registry): %w", LocalHostEnv, err)
			return
		}
		l.eng = eng
	})
	return l.eng, l.err
}

func (l *localEngine) close() {
	if l.eng != nil {
		_ = l.eng.Close()
	}
}

// imageID is the ID of image on the local engine (NotFound when it has
// none, or there is no local engine).
func (l *localEngine) imageID(ctx context.Context, image string) (string, error) {
	eng, err := l.get(ctx)
	if err != nil {
		return "", err
	}
	res, err := eng.Client().ImageInspect(ctx, image)
	if err != nil {
		return "", fmt.Errorf("local engine %s: %w", l.host, err)
	}
	return res.ID, nil
}

// copyTo streams image id from the local engine to n, as `docker save id
// | docker -H node load` would, without a file between them. The copy
// keeps the ID, and no tag: a node's own tags are left as they are.
func (l *localEngine) copyTo(ctx context.Context, n *node, id string) error {
	eng, err := l.get(ctx)
	if err != nil {
		return fmt.Errorf("copy %s to %s: %w", id, n, err)
	}
	rc, err := eng.Client().ImageSave(ctx, []string{id})
	if err != nil {
		return fmt.Errorf("copy %s to %s: save on the local engine %s: %w", id, n, l.host, err)
	}
	defer rc.Close()
	if err := loadImage(ctx, n.cli, rc); err != nil {
		return fmt.Errorf("copy %s from the local engine to %s: %w", id, n, err)
	}
	l.mu.Lock()
	if l.copied == nil {
		l.copied = map[string][]*node{}
	}
	l.copied[id] = append(l.copied[id], n)
	l.mu.Unlock()
	return nil
}

// Build builds on the local engine, where the build context is; the nodes
// that run the image get a copy of it (images.go).
func (e *Engine) Build(ctx context.Context, req executor.BuildRequest) (string, error) {
	eng, err := e.local.get(ctx)
	if err != nil {
		return "", fmt.Errorf("build %s: %w", req.Name, err)
	}
	return eng.Build(ctx, req)
}

// RemoveImage removes a built image from the local engine and the copies
// of it on the nodes.
func (e *Engine) RemoveImage(ctx context.Context, id string) error {
	eng, err := e.local.get(ctx)
	if err != nil {
		return err
	}
	e.local.mu.Lock()
	nodes := e.local.copied[id]
	delete(e.local.copied, id)
	e.local.mu.Unlock()
	for _, n := range nodes {
		_, err := n.cli.ImageRemove(ctx, id, client.ImageRemoveOptions{PruneChildren: true})
		if err != nil && !cerrdefs.IsNotFound(err) {
			return e.nodeErr(n, fmt.Errorf("remove image %s: %w", id, err))
		}
	}
	return eng.RemoveImage(ctx, id)
}

package fake

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
)

// SetImageID makes ref resolve to id from now on, as a moved tag does
// (by default an image's ID is derived from its reference).
func (e *Engine) SetImageID(ref, id string) *Engine {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.imageIDs == nil {
		e.imageIDs = map[string]string{}
	}
	e.imageIDs[ref] = id
	return e
}

// ImageID implements executor.ImageIdentifier.
func (e *Engine) ImageID(ctx context.Context, ref string) (string, error) {
	if err := e.enter(ctx, "ImageID"); err != nil {
		return "", err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if id, ok := e.imageIDs[ref]; ok {
		return id, nil
	}
	sum := sha256.Sum256([]byte(ref))
	return "sha256:" + hex.EncodeToString(sum[:]), nil
}

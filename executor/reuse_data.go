package executor

import (
	"errors"
	"fmt"
	"io"

	"github.com/runjob/runjob/artifacts"
	"github.com/runjob/runjob/internal/stepcache"
)

// reuseDataVersion is reuseData's "version"; an entry of another version
// is a miss.
const reuseDataVersion = 1

// reuseData is what the executor keeps in an entry (stepcache.Meta.Data):
// the key's part digests (to say why a later key differs), the outputs,
// and which blob holds the log and each artifact's tar stream, with the
// manifest the restored artifact must match.
type reuseData struct {
	Version int               `json:"version"`
	Parts   map[string]string `json:"parts"`
	ImageID string            `json:"image_id"`
	Outputs map[string]string `json:"outputs,omitempty"`
	// OutputsRead: the run that stored it read the step's outputs; an
	// entry without them does not serve a run that needs them.
	OutputsRead bool             `json:"outputs_read"`
	Log         string           `json:"log"`
	Artifacts   []storedArtifact `json:"artifacts"`
}

type storedArtifact struct {
	Name     string             `json:"name"`
	Blob     string             `json:"blob"`
	Manifest artifacts.Manifest `json:"manifest"`
}

// errNoOutputs: the entry is whole, but was stored by a run that did not
// read the step's outputs, which this one needs.
var errNoOutputs = errors.New("its stored run did not keep its outputs, which this run needs")

// The blob names of an entry.
const logBlob = "log"

func artifactBlob(n int) string { return fmt.Sprintf("artifact-%d", n) }

// readBlob reads a whole blob; the store checks its digest at the end.
func readBlob(entry *stepcache.Entry, name string) ([]byte, error) {
	rc, err := entry.Blob(name)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, maxReuseLog+1))
	if err == nil && len(b) > maxReuseLog {
		err = errLogTooLong // never stored so: not runjob's
	}
	return b, err
}

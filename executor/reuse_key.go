package executor

import (
	"context"
	"fmt"
	"slices"
	"strconv"

	"github.com/runjob/runjob/pipeline"
)

// A reusable step's key is an HMAC-SHA256, under the store's secret
// HashKey, of everything that decides what the step does, as named parts
// (docs/reuse.md lists them; keep the two in step). Each part is hashed on
// its own first, so that a miss can name the parts that changed since the
// step was last stored, and the key is the HMAC of the sorted part
// digests. Values are encoded canonically: each string as a netstring
// (decimal byte length, ":", the bytes, ","), a list as the netstring of
// its length followed by its items. Secret and sensitive values are in
// the parts like any other value: only their HMAC under a key that never
// leaves the store is ever written.

// reuseKey is one step's key in one run.
type reuseKey struct {
	// Key is the hex key the store files the step under.
	Key string
	// Parts are the hex HMACs of the key's parts, by part name.
	Parts map[string]string
	// ImageID is the image the key was computed for.
	ImageID string
}

// reuseKey computes step i's key. step has the outputs it refers to in
// place (withOutputs); its container spec, as the first attempt would
// create it, gives the resolved env. An error means the step cannot be
// reused in this run (an input that cannot be read: the attempt reports
// it).
func (s *schedule) reuseKey(ctx context.Context, i int, step *pipeline.Step) (*reuseKey, error) {
	spec, err := s.spec(i, step, 1)
	if err != nil {
		return nil, err
	}
	imageID, err := s.imageID(ctx, step)
	if err != nil {
		return nil, err
	}
	kp := keyParts{}
	kp.add("image", imageID)
	kp.add("entrypoint", spec.Entrypoint...)
	kp.add("command", spec.Command...)
	kp.add("workdir", spec.Workdir)
	kp.add("user", spec.User)
	for name, v := range spec.Env {
		// runjob's own: a file or /dev/null, as another step reads the
		// outputs or not (an entry says whether it has them).
		if name != pipeline.OutputEnv {
			kp.add("env "+name, v)
		}
	}
	kp.add("network", string(cmpNetwork(spec.NetworkMode)))
	kp.add("resources", strconv.FormatInt(spec.Memory, 10), strconv.FormatFloat(spec.CPUs, 'g', -1, 64))
	for _, ref := range pipeline.StepOutputRefs(s.g.Step(i)) {
		v, err := s.outputs.lookup(step.Name)(ref)
		if err != nil {
			return nil, err
		}
		kp.add("output "+ref.Key+" of step "+ref.Step, v)
	}
	for _, a := range step.Artifacts {
		kp.add("artifact "+a.Name, a.Path, string(cmpWhen(a.When)))
	}
	if err := s.inputParts(kp, step); err != nil {
		return nil, err
	}
	return kp.seal(s.reuse.store.HashKey(), imageID), nil
}

// inputParts adds the content of what the step reads: each input (the
// manifest of the upstream artifact, or a host tree: hostParts) and each
// read-only mount.
func (s *schedule) inputParts(kp keyParts, step *pipeline.Step) error {
	for _, in := range step.Inputs {
		if in.FromStep != "" {
			m, ok := s.outputs.manifest(in.FromStep, in.FromArtifact)
			if !ok {
				return fmt.Errorf("input %q: artifact %q of step %q was not exported in this run", in.Name, in.FromArtifact, in.FromStep)
			}
			kp.add("input "+in.Name, in.To, "artifact", in.FromStep, in.FromArtifact, m)
		}
	}
	return s.hostParts(kp, step)
}

// hostParts adds what the step reads from the host: each host input's tree
// as packing it would copy it (honouring .runjobignore), and each
// read-only mount's.
func (s *schedule) hostParts(kp keyParts, step *pipeline.Step) error {
	for _, in := range step.Inputs {
		if in.FromStep != "" {
			continue
		}
		// The same source and skip rule the copy into the container uses.
		src, skip, err := s.inputSource(in)
		if err != nil {
			return fmt.Errorf("input %q: %w", in.Name, err)
		}
		digest, err := s.reuse.store.TreeDigest(src, skip)
		if err != nil {
			return fmt.Errorf("input %q: %w", in.Name, err)
		}
		kp.add("input "+in.Name, in.To, "host", digest)
	}
	for _, m := range step.Mounts {
		digest, err := s.reuse.store.TreeDigest(m.Source, nil)
		if err != nil {
			return fmt.Errorf("mount %s: %w", m.Target, err)
		}
		kp.add("mount "+m.Target, strconv.FormatBool(m.ReadOnly), digest)
	}
	return nil
}

// hostChanged names the first host input or mount (by key part) whose
// content is no longer what key was computed over: it was edited while
// the step ran (say, in watch mode), so what the step produced may come
// from either content, and must not be stored under that key. A tree
// that can no longer be read counts as changed.
func (s *schedule) hostChanged(step *pipeline.Step, key *reuseKey) string {
	kp := keyParts{}
	if err := s.hostParts(kp, step); err != nil {
		return "host inputs"
	}
	now := kp.seal(s.reuse.store.HashKey(), key.ImageID)
	names := make([]string, 0, len(now.Parts))
	for name := range now.Parts {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		if key.Parts[name] != now.Parts[name] {
			return name
		}
	}
	return ""
}

// cmpNetwork and cmpWhen spell a default the one way, so that writing it
// out does not change the key.
func cmpNetwork(m pipeline.NetworkMode) pipeline.NetworkMode {
	if m == "" {
		return pipeline.NetworkBridge
	}
	return m
}

func cmpWhen(w pipeline.ArtifactWhen) pipeline.ArtifactWhen {
	if w == "" {
		return pipeline.OnSuccess
	}
	return w
}

// Package pipeline is runjob's model of a pipeline: steps, their images,
// commands and artifacts, and the dependency graph between them.
//
// The model knows nothing of HCL or Docker. A loader (pipeline/hclconfig)
// builds it from a file; the executor runs it through an Engine. Every
// element may carry the Pos it was declared at so that errors found after
// loading still point the user at a file:line:col.
package pipeline

import (
	"fmt"
	"time"
)

// Pipeline is a loaded, fully evaluated pipeline.
type Pipeline struct {
	// Name identifies the pipeline in logs and labels; it defaults to the
	// file's base name without extension.
	Name string
	// File is the path the pipeline was loaded from ("" when built in code).
	File string
	// Dir is the directory relative paths in the pipeline resolve against.
	Dir string
	// Concurrency bounds how many steps run at once (0: the runner decides).
	Concurrency int
	// FailFast cancels running steps at the first failure.
	FailFast bool
	// Timeout bounds the whole run (0: none).
	Timeout time.Duration
	// Steps in declaration order, build nodes (Step.Build) first. Output
	// and results keep this order.
	Steps []*Step
	// Sensitive holds the values that must never be shown: those of
	// variables declared sensitive, and strings computed from them. Anything
	// that prints pipeline data or container output masks them.
	Sensitive []string
	// Secrets are declared secrets: where their values are read from at
	// run time. The values themselves are never in the model.
	Secrets []Secret
	// Services in declaration order.
	Services []*Service
}

// Step is one container to run.
type Step struct {
	// Name is unique within the pipeline. A for_each instance is named
	// Base[Key], e.g. test[go1.22].
	Name string
	// Base is the step block's label; Key the for_each instance key ("" for
	// a step without for_each).
	Base, Key string
	// Image is the container image reference, e.g. "busybox:latest", or
	// ImageRef of an image the run builds ("" for a build node).
	Image string
	// Pull says when the image is pulled ("" means PullMissing).
	Pull PullPolicy
	// Command is the exec-form command; empty means the image's default. A
	// script is turned into shell + script by the loader.
	Command []string
	// Entrypoint overrides the image's entrypoint when set.
	Entrypoint []string
	// Env holds environment variables for the container.
	Env map[string]string
	// Workdir is the working directory inside the container ("" = image default).
	Workdir string
	// User runs the command as this user[:group] ("" = image default).
	User string
	// DependsOn names the steps that must succeed before this one starts,
	// whether written in depends_on or implied by a reference.
	DependsOn []Dependency
	// Services names the services the step needs running, whether listed
	// in depends_on or referred to (service.NAME) elsewhere.
	Services []string
	// Timeout bounds one attempt of the step (0: none).
	Timeout time.Duration
	// Retries is how many more attempts a failed step gets.
	Retries int
	// AllowFailure: a failure is reported but fails neither the pipeline
	// nor the dependents.
	AllowFailure bool
	// Skip is true when the step's `when` was false: it is reported skipped
	// and never runs, and neither do its dependents.
	Skip bool
	// When says after which outcomes of its dependencies the step runs
	// ("" means WhenOnSuccess). It is never set together with Skip.
	When Condition
	// WhenPos is where `when` was written (zero when it was not).
	WhenPos Pos
	// Resources limit the container (on a cluster engine they are also
	// what its node must have free).
	Resources Resources
	// Placement restricts which nodes of a cluster engine may run the
	// step; a single-host engine ignores it.
	Placement Placement
	// Artifacts are directories or files exported after the step exits.
	Artifacts []Artifact
	// Inputs are copied into the container before it starts.
	Inputs []Input
	// Caches are named volumes kept between runs of the pipeline.
	Caches []Cache
	// Mounts are host directories or files bind-mounted into the container.
	Mounts []Mount
	// Network is the step's own network or the pipeline's default ("":
	// neither set one, which runs as NetworkBridge).
	Network NetworkMode
	// Reuse is the step's own reuse setting or the pipeline's default: a
	// run may then take the step's result from an earlier run whose step
	// had the same key instead of running it. ReuseBlocker says when it
	// cannot, whatever this says.
	Reuse bool
	// Build, when set, makes this a build node (named BuildNode of its
	// name): it builds an image instead of running a container, and only
	// Name, Base, DependsOn and Pos of the step matter.
	Build *Build
	// Pos is where the step was declared.
	Pos Pos
}

// PullPolicy says when a step's image is pulled.
type PullPolicy string

// Pull policies.
const (
	PullMissing PullPolicy = "missing" // only when not present (default)
	PullAlways  PullPolicy = "always"  // every run, once per image
	PullNever   PullPolicy = "never"   // never; a missing image is an error
)

// NetworkMode says what network a step's container has.
type NetworkMode string

// Network modes.
const (
	// NetworkBridge: Docker's default bridge, or the run's network when the
	// step needs a service (the default).
	NetworkBridge NetworkMode = "bridge"
	// NetworkNone: loopback only, so no DNS and no route out; for a step
	// that needs nothing from the network. It cannot need a service.
	NetworkNone NetworkMode = "none"
)

// Condition says after which outcomes of its dependencies a step runs.
type Condition string

// Step conditions, the words GitLab CI uses.
const (
	// WhenOnSuccess: the step runs once every dependency succeeded (ok or
	// failed_allowed); the default.
	WhenOnSuccess Condition = "on_success"
	// WhenOnFailure: the step runs once every step it depends on, directly
	// or transitively, has finished, and only if one of them failed (an
	// allowed failure does not count); otherwise it is skipped.
	WhenOnFailure Condition = "on_failure"
	// WhenAlways: the step runs once every step it depends on, directly or
	// transitively, has finished, whatever their outcome.
	WhenAlways Condition = "always"
)

// AfterFailure reports whether a step with condition c may run after a
// dependency failed (on_failure and always): such a step waits for all of
// its ancestors and is not skipped, or cancelled, on their account.
func (c Condition) AfterFailure() bool { return c == WhenOnFailure || c == WhenAlways }

// Resources are a container's limits; zero means unlimited.
type Resources struct {
	// Memory in bytes.
	Memory int64
	// CPUs in cores, e.g. 1.5.
	CPUs float64
}

// Dependency is an edge to another step, with where it was written.
type Dependency struct {
	Step string
	Pos  Pos
}

// Artifact is a path exported from the step's container after it exits.
type Artifact struct {
	// Name is unique within the step; it names the output directory.
	Name string
	// Path is the absolute path inside the container.
	Path string
	// When says after which outcomes it is exported ("" means OnSuccess).
	When ArtifactWhen
	// Pos is where the artifact was declared.
	Pos Pos
}

// ArtifactWhen says whether an artifact is exported after a failure.
type ArtifactWhen string

// Artifact export conditions.
const (
	OnSuccess ArtifactWhen = "on_success"
	OnFailure ArtifactWhen = "on_failure"
	Always    ArtifactWhen = "always"
)

// Input is copied into a step's container before it starts: a host path,
// or an artifact of an upstream step (which makes that step a dependency).
type Input struct {
	// Name is unique within the step.
	Name string
	// From is a host file or directory, absolute once loaded; empty when
	// the input is an upstream artifact.
	From string
	// Within is the directory From must be reached inside of: the pipeline
	// file's directory when From was written as a path below it. Symlinks
	// on From's path (From included) are then followed only while they stay
	// inside Within, so a link cannot bring host files the pipeline did not
	// name into a container. Empty when From names a path outside that
	// directory (absolute, or climbing with ..): that path is explicit, like
	// a mount's source, and is read as named.
	Within string
	// FromStep and FromArtifact name an upstream step's artifact.
	FromStep, FromArtifact string
	// To is the absolute destination path inside the container.
	To string
	// Pos is where the input was declared.
	Pos Pos
}

// Cache is a directory of a step kept between runs of the same pipeline,
// in a volume named after the pipeline and the cache.
type Cache struct {
	// Name is unique within the step; steps that use the same name share
	// the volume (one at a time).
	Name string
	// Path is the absolute path inside the container.
	Path string
	// Pos is where the cache was declared.
	Pos Pos
}

// Mount is a host path bind-mounted into a step's container: explicit and
// opt-in, since the step can then read (and, unless ReadOnly, change) it.
type Mount struct {
	// Source is the absolute host path (written relative to the pipeline
	// file); it exists at load time.
	Source string
	// Target is the absolute path in the container.
	Target   string
	ReadOnly bool
	Pos      Pos
}

// Pos is a position in a source file. The zero Pos means "unknown".
type Pos struct {
	File   string
	Line   int
	Column int
	// Byte is the offset in the file, so tools can show the source line.
	Byte int
}

// String renders the position as file:line:col, the form editors jump to.
func (p Pos) String() string {
	if p.File == "" && p.Line == 0 {
		return "-"
	}
	return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Column)
}

// IsZero reports whether the position is unknown.
func (p Pos) IsZero() bool { return p == Pos{} }

// Step returns the step with the given name, or nil.
func (p *Pipeline) Step(name string) *Step {
	for _, s := range p.Steps {
		if s.Name == name {
			return s
		}
	}
	return nil
}

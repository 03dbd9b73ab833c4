// Package pipeline is runjob's model of a pipeline: steps, their images,
// commands and artifacts, and the dependency graph between them.
//
// The model knows nothing of HCL or Docker. A loader (pipeline/hclconfig)
// builds it from a file; the executor runs it through an Engine. Every
// element may carry the Pos it was declared at so that errors found after
// loading still point the user at a file:line:col.
package pipeline

import "fmt"

// Pipeline is a loaded, fully evaluated pipeline.
type Pipeline struct {
	// Name identifies the pipeline in logs and labels; it defaults to the
	// file's base name without extension.
	Name string
	// File is the path the pipeline was loaded from ("" when built in code).
	File string
	// Dir is the directory relative paths in the pipeline resolve against.
	Dir string
	// Steps in declaration order. Output and results keep this order.
	Steps []*Step
}

// Step is one container to run.
type Step struct {
	// Name is unique within the pipeline.
	Name string
	// Image is the container image reference, e.g. "busybox:latest".
	Image string
	// Command is the exec-form command; empty means the image's default.
	Command []string
	// Env holds environment variables for the container.
	Env map[string]string
	// Workdir is the working directory inside the container ("" = image default).
	Workdir string
	// DependsOn names the steps that must succeed before this one starts.
	DependsOn []Dependency
	// Artifacts are directories or files exported after the step exits.
	Artifacts []Artifact
	// Pos is where the step was declared.
	Pos Pos
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
	// Pos is where the artifact was declared.
	Pos Pos
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

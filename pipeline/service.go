package pipeline

import "time"

// Service is a long-running container that steps use over the run's
// network: a database, a mock server. It starts before the first step that
// needs it, is waited for until ready, and stops when no step that needs
// it remains.
type Service struct {
	// Name is unique among services; steps reach the service under this
	// host name.
	Name    string
	Image   string
	Command []string
	Env     map[string]string
	// Health, when set, replaces the image's HEALTHCHECK.
	Health *HealthCheck
	// Pos is where the service was declared.
	Pos Pos
}

// HealthCheck says how to tell that a service is ready.
type HealthCheck struct {
	// Command runs inside the service's container (exec form); exit 0
	// means ready.
	Command []string
	// Interval between probes and Timeout of one (0: the engine's default,
	// 30s each).
	Interval, Timeout time.Duration
	// Retries is how many failures in a row make it unhealthy (0: 3).
	Retries int
}

// Service returns the service with the given name, or nil.
func (p *Pipeline) Service(name string) *Service {
	for _, s := range p.Services {
		if s.Name == name {
			return s
		}
	}
	return nil
}

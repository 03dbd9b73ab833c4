package swarm

import (
	"context"
	"fmt"
	"net/url"

	"github.com/moby/moby/api/types/swarm"
	"github.com/moby/moby/client"

	"github.com/runjob/runjob/executor/docker"
)

// dial connects to a node's engine at its EndpointLabel and pings it.
func (e *Engine) dial(ctx context.Context, sn swarm.Node) (*node, error) {
	n := &node{id: sn.ID, hostname: sn.Description.Hostname, endpoint: sn.Spec.Labels[EndpointLabel]}
	if n.hostname == "" {
		n.hostname = sn.ID
	}
	if n.endpoint == "" {
		return nil, fmt.Errorf("swarm node %s (%s) has no %s label, so runjob cannot reach its engine: "+
			"docker node update --label-add %s=tcp://HOST:2376 %s (its dockerd serving TLS there), or drain it",
			n.hostname, sn.ID, EndpointLabel, EndpointLabel, n.hostname)
	}
	opts, err := e.cfg.clientOpts(n.hostname, n.endpoint)
	if err != nil {
		return nil, fmt.Errorf("swarm node %s: %s=%s: %w", n.hostname, EndpointLabel, n.endpoint, err)
	}
	if n.cli, err = client.New(opts...); err != nil {
		return nil, fmt.Errorf("swarm node %s: %s=%s: %w", n.hostname, EndpointLabel, n.endpoint, err)
	}
	n.eng = docker.FromClient(n.cli)
	if err := n.eng.Ping(ctx); err != nil {
		_ = n.cli.Close()
		return nil, fmt.Errorf("swarm node %s: %w", n.hostname, err)
	}
	return n, nil
}

// clientOpts are the client options for a node's endpoint: TLS with the
// node's material for tcp://, which is required unless Insecure.
func (c Config) clientOpts(hostname, endpoint string) ([]client.Opt, error) {
	u, err := url.Parse(endpoint)
	if err != nil {
		return nil, err
	}
	opts := []client.Opt{client.WithHost(endpoint)}
	switch u.Scheme {
	case "unix":
		return opts, nil
	case "tcp":
	default:
		return nil, fmt.Errorf("want tcp://HOST:PORT or unix:///PATH")
	}
	ca, cert, key := c.tlsFiles(hostname)
	switch {
	case ca != "":
		return append(opts, client.WithTLSClientConfig(ca, cert, key)), nil
	case c.Insecure:
		return opts, nil
	}
	return nil, fmt.Errorf("no TLS material (ca.pem, cert.pem, key.pem) in %s or %s: whoever reaches a node's engine is root on the node, "+
		"so runjob reaches it over TLS only (set DOCKER_CERT_PATH; %s=1 allows plain TCP on a throwaway cluster)",
		c.CertDir, c.CertDir+"/"+hostname, InsecureEnv)
}

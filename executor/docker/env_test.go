package docker_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/runjob/runjob/executor/docker"
)

// DOCKER_HOST, DOCKER_TLS_VERIFY and DOCKER_CERT_PATH work as in the docker
// CLI: a daemon that requires a client certificate (here a stand-in that
// answers /_ping) accepts runjob's.
func TestTLSVariablesAreHonoured(t *testing.T) {
	dir := t.TempDir()
	caCert, caKey := certificate(t, nil, nil, "runjob test CA", true)
	srvCert, srvKey := certificate(t, caCert, caKey, "127.0.0.1", false)
	cliCert, cliKey := certificate(t, caCert, caKey, "runjob", false)
	writePEM(t, filepath.Join(dir, "ca.pem"), "CERTIFICATE", caCert.Raw)
	writePEM(t, filepath.Join(dir, "cert.pem"), "CERTIFICATE", cliCert.Raw)
	writeKey(t, filepath.Join(dir, "key.pem"), cliKey)

	var verified atomic.Int32
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.TLS != nil && len(r.TLS.VerifiedChains) > 0 {
			verified.Add(1)
		}
		w.Header().Set("Api-Version", "1.41")
		_, _ = w.Write([]byte("OK"))
	}))
	pool := x509.NewCertPool()
	pool.AddCert(caCert)
	srv.TLS = &tls.Config{
		ClientAuth: tls.RequireAndVerifyClientCert, ClientCAs: pool,
		Certificates: []tls.Certificate{{Certificate: [][]byte{srvCert.Raw}, PrivateKey: srvKey}},
	}
	srv.StartTLS()
	defer srv.Close()

	t.Setenv("DOCKER_HOST", "tcp://"+srv.Listener.Addr().String())
	t.Setenv("DOCKER_TLS_VERIFY", "1")
	t.Setenv("DOCKER_CERT_PATH", dir)
	eng, err := docker.New()
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	if err := eng.Ping(context.Background()); err != nil {
		t.Fatalf("ping over TLS: %v", err)
	}
	if verified.Load() == 0 {
		t.Fatal("the daemon saw no verified client certificate")
	}

	t.Setenv("DOCKER_CERT_PATH", t.TempDir()) // no certificates there
	if _, err := docker.New(); err == nil {
		t.Fatal("New succeeded without the TLS files DOCKER_CERT_PATH promises")
	}
}

// A docker CLI context other than "default" is refused with the way out,
// unless DOCKER_HOST says where the engine is.
// A current context that does not exist in the store is an error naming it;
// DOCKER_HOST wins over any context, as in the docker CLI.
func TestMissingCurrentContextIsAnErrorUnlessDockerHostIsSet(t *testing.T) {
	cfg := t.TempDir()
	if err := os.WriteFile(filepath.Join(cfg, "config.json"), []byte(`{"currentContext": "remote"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("DOCKER_CONFIG", cfg)
	t.Setenv("DOCKER_CONTEXT", "")
	t.Setenv("DOCKER_HOST", "")
	_, err := docker.New()
	if err == nil || !strings.Contains(err.Error(), `docker context "remote" (currentContext in `) ||
		!strings.Contains(err.Error(), "meta.json") {
		t.Fatalf("err = %v", err)
	}
	t.Setenv("DOCKER_HOST", "unix:///var/run/docker.sock")
	eng, err := docker.New()
	if err != nil {
		t.Fatalf("DOCKER_HOST set: %v", err)
	}
	_ = eng.Close()
}

func certificate(t *testing.T, parent *x509.Certificate, parentKey *ecdsa.PrivateKey, cn string, ca bool) (*x509.Certificate, *ecdsa.PrivateKey) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: cn},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage:    x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth},
		IsCA:        ca, BasicConstraintsValid: true,
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")},
	}
	if parent == nil {
		parent, parentKey = tmpl, key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, &key.PublicKey, parentKey)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return cert, key
}

func writePEM(t *testing.T, path, typ string, der []byte) {
	t.Helper()
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
}

func writeKey(t *testing.T, path string, key *ecdsa.PrivateKey) {
	t.Helper()
	der, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	writePEM(t, path, "EC PRIVATE KEY", der)
}

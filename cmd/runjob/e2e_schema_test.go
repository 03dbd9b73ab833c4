package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/runjob/runjob/executor/docker/dockertest"
	"github.com/runjob/runjob/schema/schematest"
)

// schemaHint ends every failure: the schema is the published contract, so
// a field runjob writes must be in it.
const schemaHint = "\nIf you added a field or an event, add it to the schema in schema/ (and to the tables in docs/output.md or docs/records.md); " +
	"if you renamed, removed or changed the meaning of one, that breaks the contract: bump schema_version " +
	"(docs/output.md, \"Schemas and compatibility\")."

// TestE2EOutputFollowsTheSchemas validates every line of the JSON log of
// real runs, and their report.json, against schema/: runs that succeed,
// fail, retry, export an artifact, use a service, time out, write outputs.
func TestE2EOutputFollowsTheSchemas(t *testing.T) {
	dockertest.Engine(t)
	logSchema := schematest.LogEvent(t)
	reportSchema := schematest.Report(t)
	runs := map[string]string{
		"ok": `
step "hello" {
  image   = "busybox:latest"
  command = ["sh", "-c", "echo hello; echo err >&2; echo 'version=1' >> $RUNJOB_OUTPUT"]
}
step "after" {
  image      = "busybox:latest"
  command    = ["sh", "-c", "echo ${step.hello.output.version}"]
  depends_on = [step.hello]
}
`,
		"mixed": `
service "web" {
  image   = "busybox:latest"
  command = ["sh", "-c", "mkdir -p /www && echo hi > /www/index.html && exec httpd -f -p 8080 -h /www"]
  healthcheck {
    command  = ["wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8080/"]
    interval = "1s"
    retries  = 30
  }
}
step "fetch" {
  image   = "busybox:latest"
  command = ["sh", "-c", "wget -qO- http://${service.web.host}:8080/"]
}
step "build" {
  image   = "busybox:latest"
  command = ["sh", "-c", "mkdir -p /out && echo built > /out/app && ln -s app /out/link"]
  artifact "out" {
    path = "/out"
  }
}
step "flaky" {
  image   = "busybox:latest"
  command = ["sh", "-c", "echo failing; exit 3"]
  retries = 1
}
step "allowed" {
  image         = "busybox:latest"
  command       = ["false"]
  allow_failure = true
}
step "skipped" {
  image      = "busybox:latest"
  command    = ["true"]
  depends_on = [step.flaky]
}
step "hang" {
  image   = "busybox:latest"
  command = ["sleep", "600"]
  timeout = "2s"
}
`,
	}
	for name, src := range runs {
		t.Run(name, func(t *testing.T) {
			path := write(t, src)
			r := runjob(t, nil, path, "--log-format", "json", "--stop-timeout", "1s")
			if r.runID == "" {
				t.Fatalf("no run (exit %d):\n%s", r.code, r.stderr)
			}
			seen := map[string]bool{}
			for i, line := range strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n") {
				if err := schematest.Validate(logSchema, line); err != nil {
					t.Errorf("JSON log line %d does not follow schema/log-event.schema.json: %v\nline: %s%s", i+1, err, line, schemaHint)
				}
				for _, ev := range []string{"step_retrying", "artifact_exported", "step_timeout", "process", "output"} {
					seen[ev] = seen[ev] || strings.Contains(line, `"event":"`+ev+`"`)
				}
			}
			if name == "mixed" {
				for ev, ok := range seen {
					if !ok {
						t.Errorf("the run logged no %s: the test no longer covers it", ev)
					}
				}
			}
			b, err := os.ReadFile(filepath.Join(filepath.Dir(path), ".runjob", "runs", r.runID, "report.json"))
			if err != nil {
				t.Fatal(err)
			}
			if err := schematest.Validate(reportSchema, string(b)); err != nil {
				t.Errorf("report.json does not follow schema/report.schema.json: %v%s", err, schemaHint)
			}
		})
	}
}

// On a swarm, the JSON log (the engine's own first line included) and
// report.json follow the same schemas.
func TestSwarmOutputFollowsTheSchemas(t *testing.T) {
	s := dockertest.SharedSwarm(t)
	logSchema := schematest.LogEvent(t)
	path := write(t, `
service "web" {
  image   = "busybox:latest"
  command = ["sh", "-c", "mkdir -p /www && echo hi > /www/index.html && exec httpd -f -p 8080 -h /www"]
}
step "fetch" {
  image   = "busybox:latest"
  command = ["sh", "-c", "for i in $(seq 1 600); do wget -qO- http://${service.web.host}:8080/ && exit 0; sleep 0.1; done; exit 1"]
}
step "build" {
  image   = "busybox:latest"
  command = ["sh", "-c", "mkdir -p /out && echo built > /out/app"]
  artifact "out" { path = "/out" }
}
step "nowhere" {
  image   = "busybox:latest"
  command = ["true"]
  placement { constraints = ["node.labels.runjob-none==yes"] }
}`)
	r := runOnSwarm(t, s, nil, path, "--log-format", "json")
	if r.code != 3 || !strings.Contains(r.stdout, "Docker Swarm at") {
		t.Fatalf("exit %d, want 3 (one step placed nowhere)\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	for i, line := range strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n") {
		if err := schematest.Validate(logSchema, line); err != nil {
			t.Errorf("JSON log line %d does not follow schema/log-event.schema.json: %v\nline: %s%s", i+1, err, line, schemaHint)
		}
	}
	b, err := os.ReadFile(filepath.Join(filepath.Dir(path), ".runjob", "runs", r.runID, "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := schematest.Validate(schematest.Report(t), string(b)); err != nil {
		t.Errorf("report.json does not follow schema/report.schema.json: %v%s", err, schemaHint)
	}
}

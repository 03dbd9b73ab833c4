package pipeline

import (
	"strings"
	"testing"
)

func TestParseConstraint(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Constraint
	}{
		{"node.labels.gpu==true", Constraint{Key: "node.labels.gpu", Equal: true, Value: "true"}},
		{"node.hostname != node-2", Constraint{Key: "node.hostname", Value: "node-2"}},
		{"node.role==manager", Constraint{Key: "node.role", Equal: true, Value: "manager"}},
		{"engine.labels.os==debian-12", Constraint{Key: "engine.labels.os", Equal: true, Value: "debian-12"}},
		{"node.platform.arch==x86_64", Constraint{Key: "node.platform.arch", Equal: true, Value: "x86_64"}},
		{"NODE.ID==abc", Constraint{Key: "NODE.ID", Equal: true, Value: "abc"}},
	} {
		got, err := ParseConstraint(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("ParseConstraint(%q) = %+v, %v; want %+v", tc.in, got, err, tc.want)
		}
	}
}

func TestParseConstraintErrors(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"node.labels.gpu=true", "has no operator"},
		{"node.labels.gpu", "has no operator"},
		{"==true", `key ""`},
		{"node.lables.gpu==true", `unknown key "node.lables.gpu"`},
		{"node.hostnme==a", `did you mean "node.hostname"?`},
		{"node.labels.==x", "unknown key"},
		{"node.labels.gpu==", `value ""`},
		{"node.labels.gpu==a==b", `value "a==b"`},
		{"node.labels.gpu==a<b", `value "a<b"`},
	} {
		_, err := ParseConstraint(tc.in)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ParseConstraint(%q) = %v; want an error containing %q", tc.in, err, tc.want)
		}
	}
}

func TestConstraintString(t *testing.T) {
	for _, s := range []string{"node.labels.gpu==true", "node.id!=x"} {
		c, err := ParseConstraint(s)
		if err != nil || c.String() != s {
			t.Errorf("%q: round trip %q, %v", s, c.String(), err)
		}
	}
}

package pipeline

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// Placement says which nodes of a cluster engine may run a step, as Docker
// Swarm's placement constraints do: every constraint must hold on the node.
// A single-host engine has one node and ignores it.
type Placement struct {
	// Constraints are `key==value` or `key!=value` expressions (see
	// ParseConstraint), in the order written.
	Constraints []string
	// Pos is where the placement block was declared (zero when none was).
	Pos Pos
}

// Constraint is one parsed placement constraint.
type Constraint struct {
	// Key is what is compared: node.id, node.hostname, node.role,
	// node.platform.os, node.platform.arch, node.labels.NAME or
	// engine.labels.NAME.
	Key string
	// Equal is true for ==, false for !=.
	Equal bool
	// Value is compared case-insensitively, as Swarm does.
	Value string
}

// String renders the constraint in the form ParseConstraint reads.
func (c Constraint) String() string {
	op := "!="
	if c.Equal {
		op = "=="
	}
	return c.Key + op + c.Value
}

// ConstraintKeys are the keys a constraint may compare, besides the label
// prefixes NodeLabelPrefix and EngineLabelPrefix.
var ConstraintKeys = []string{"node.id", "node.hostname", "node.role", "node.platform.os", "node.platform.arch"}

// The label prefixes of constraint keys: a node's labels (set by the
// cluster's operator) and its engine's (dockerd --label).
const (
	NodeLabelPrefix   = "node.labels."
	EngineLabelPrefix = "engine.labels."
)

// The characters Swarm accepts (its constraint parser's patterns): a key is
// a dotted name; a value must not contain an operator.
var (
	constraintKey   = regexp.MustCompile(`^(?i)[a-z_][a-z0-9\-_.]+$`)
	constraintValue = regexp.MustCompile(`^(?i)[a-z0-9:\-_\s.*()?+\[\]\\^$|/]+$`)
)

// ParseConstraint parses `key==value` or `key!=value` (spaces around the
// operator allowed), with the error a user needs to fix it.
func ParseConstraint(s string) (Constraint, error) {
	op, eq := "==", true
	i := strings.Index(s, op)
	if j := strings.Index(s, "!="); j >= 0 && (i < 0 || j < i) {
		op, eq, i = "!=", false, j
	}
	if i < 0 {
		return Constraint{}, fmt.Errorf("%q has no operator: want key==value or key!=value, e.g. \"node.labels.gpu==true\"", s)
	}
	c := Constraint{Key: strings.TrimSpace(s[:i]), Equal: eq, Value: strings.TrimSpace(s[i+len(op):])}
	if !constraintKey.MatchString(c.Key) {
		return Constraint{}, fmt.Errorf("%q: key %q is not a name like node.labels.gpu", s, c.Key)
	}
	if !knownKey(c.Key) {
		hint := ""
		if k := closest(c.Key, slices.Values(append(slices.Clone(ConstraintKeys), "node.labels.NAME", "engine.labels.NAME"))); k != "" {
			hint = fmt.Sprintf(" (did you mean %q?)", k)
		}
		return Constraint{}, fmt.Errorf("%q: unknown key %q%s: want one of %s, or node.labels.NAME or engine.labels.NAME",
			s, c.Key, hint, strings.Join(ConstraintKeys, ", "))
	}
	if strings.Contains(c.Value, "==") || strings.Contains(c.Value, "!=") || !constraintValue.MatchString(c.Value) {
		return Constraint{}, fmt.Errorf("%q: value %q is empty or has characters a constraint cannot compare (letters, digits, spaces and :-_.*()?+[]\\^$|/ are allowed)", s, c.Value)
	}
	return c, nil
}

// knownKey reports whether key is one Swarm compares: any other matches
// no node, so a typo would leave a step waiting forever.
func knownKey(key string) bool {
	k := strings.ToLower(key)
	for _, p := range []string{NodeLabelPrefix, EngineLabelPrefix} {
		if strings.HasPrefix(k, p) && len(k) > len(p) {
			return true
		}
	}
	return slices.Contains(ConstraintKeys, k)
}

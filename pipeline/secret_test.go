package pipeline

import (
	"slices"
	"testing"
)

func TestResolveSecrets(t *testing.T) {
	values := map[string]string{"token": "v4lue", "key": "k"}
	got, err := ResolveSecrets("Bearer "+SecretRef("token")+" and "+SecretRef("key")+SecretRef("token"), values)
	if err != nil || got != "Bearer v4lue and kv4lue" {
		t.Fatalf("got %q, %v", got, err)
	}
	if got, err := ResolveSecrets("no <secret: here> <secret:>", values); err != nil || got != "no <secret: here> <secret:>" {
		t.Errorf("text without placeholders changed: %q, %v", got, err)
	}
	if _, err := ResolveSecrets(SecretRef("absent"), values); err == nil {
		t.Error("a placeholder without a value was left in place silently")
	}
}

func TestStepSecrets(t *testing.T) {
	s := &Step{Env: map[string]string{
		"A": SecretRef("b") + SecretRef("a"),
		"B": "x" + SecretRef("b"),
		"C": "plain",
	}}
	if got := StepSecrets(s); !slices.Equal(got, []string{"a", "b"}) {
		t.Errorf("StepSecrets = %v", got)
	}
}

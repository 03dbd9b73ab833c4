package mask

import (
	"bytes"
	"encoding/base64"
	"strings"
	"testing"
)

func TestBytes(t *testing.T) {
	m := New("hunter22", "s3cr3t-token", "ab", "")
	cases := map[string]string{
		"password hunter22!":               "password ***!",
		"hunter22hunter22":                 "******",
		"no secrets here, ab is too short": "no secrets here, ab is too short",
		"x s3cr3t-token y hunter22 z":      "x *** y *** z",
	}
	for in, want := range cases {
		if got := m.String(in); got != want {
			t.Errorf("String(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestOverlappingSecretsMergeIntoOne(t *testing.T) {
	m := New("abcdef", "defXYZ")
	if got := m.String("--abcdefXYZ--"); got != "--***--" {
		t.Fatalf("got %q", got)
	}
}

func TestMultiLineValueIsMaskedLineByLine(t *testing.T) {
	key := "-----BEGIN KEY-----\nMIIBVwIBADANBgkqhkiG9w0BAQEF\nAASCAUEwggE9AgEAAkEA\n-----END KEY-----\n"
	m := New(key)
	out := m.String("printing the key:\n" + strings.ReplaceAll(key, "\n", "\r\n") + "done")
	for _, line := range []string{"MIIBVwIBADANBgkqhkiG9w0BAQEF", "AASCAUEwggE9AgEAAkEA"} {
		if strings.Contains(out, line) {
			t.Errorf("%q leaked in %q", line, out)
		}
	}
	if !strings.HasSuffix(out, "done") {
		t.Errorf("surrounding output lost: %q", out)
	}
}

// A secret is found in base64 output whether encoded alone, padded or not,
// in either alphabet, or at any offset inside a longer encoded text.
func TestBase64Forms(t *testing.T) {
	secret := "correct horse battery staple?>"
	m := New(secret)
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding, base64.RawStdEncoding, base64.RawURLEncoding} {
		alone := enc.EncodeToString([]byte(secret))
		if got := m.String("token: " + alone); got != "token: ***" {
			t.Errorf("alone %q -> %q", alone, got)
		}
		for prefix := range 3 {
			text := enc.EncodeToString([]byte(strings.Repeat("x", prefix+3) + secret + "tail!"))
			got := m.String(text)
			if !strings.Contains(got, Replacement) {
				t.Errorf("offset %d: %q not masked in %q", prefix, secret, text)
			}
			// What remains must not decode to any run of the secret longer
			// than a few bytes around the edges.
			core := secret[3 : len(secret)-3]
			if dec, _ := enc.DecodeString(strings.ReplaceAll(got, Replacement, "")); bytes.Contains(dec, []byte(core)) {
				t.Errorf("offset %d: core of the secret still decodes from %q", prefix, got)
			}
		}
	}
}

// Writes of every size, down to a byte at a time, give exactly the one-shot
// result, so a secret split across writes never leaks.
func TestStreamMatchesOneShotAtEverySplit(t *testing.T) {
	m := New("abcdef", "defXYZ", "hunter22", "abcd")
	inputs := []string{
		"abcdefXYZ", "xxabcdeyy", "hunter2 hunter22 hunter222", "abcdabcdef",
		"ab", "abc\nabcd\n", "abcdefXY", strings.Repeat("hunter22", 5),
	}
	for _, in := range inputs {
		want := m.String(in)
		for size := 1; size <= len(in); size++ {
			var out bytes.Buffer
			w := m.Stream(&out)
			for i := 0; i < len(in); i += size {
				if _, err := w.Write([]byte(in[i:min(i+size, len(in))])); err != nil {
					t.Fatal(err)
				}
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			if out.String() != want {
				t.Errorf("%q in writes of %d: got %q, want %q", in, size, out.String(), want)
			}
		}
	}
}

// Output that cannot be the start of a secret is not held back, so a live
// view shows "ready" while the step sleeps.
func TestStreamPassesHarmlessOutputAtOnce(t *testing.T) {
	var out bytes.Buffer
	w := New("supersecretvalue").Stream(&out)
	w.Write([]byte("ready\n"))
	if out.String() != "ready\n" {
		t.Fatalf("held back: %q", out.String())
	}
	w.Write([]byte("value: super"))
	if out.String() != "ready\nvalue: " {
		t.Fatalf("a possible secret prefix was written: %q", out.String())
	}
	w.Write([]byte("man\n"))
	if out.String() != "ready\nvalue: superman\n" {
		t.Fatalf("got %q", out.String())
	}
}

func TestNilMaskerMasksNothing(t *testing.T) {
	var m *Masker
	var out bytes.Buffer
	w := m.Stream(&out)
	w.Write([]byte("anything"))
	w.Close()
	if m.String("x") != "x" || out.String() != "anything" || !New().Empty() {
		t.Fatal("nil or empty masker changed output")
	}
}

// A multi-line value that is a script (a value derived from a secret) masks
// the secret, not every line of the script.
func TestMultiLineScriptKeepsInnocentLines(t *testing.T) {
	m := New("tok-7f3a9c-secret", "go build -o /out/app .\necho \"token is tok-7f3a9c-secret\"\n")
	got := m.String("+ go build -o /out/app .\n+ echo token is tok-7f3a9c-secret\n")
	if got != "+ go build -o /out/app .\n+ echo token is ***\n" {
		t.Fatalf("got %q", got)
	}
}

// A multi-line secret and its base64 form, written one byte at a time, do
// not leak a single line of the value.
func TestStreamByteByByteMultiLineAndBase64(t *testing.T) {
	secret := "first-LINE-of-key\nsecond-LINE-of-key"
	m := New(secret)
	in := "k=" + secret + "\nline: second-LINE-of-key\nb64=" +
		base64.StdEncoding.EncodeToString([]byte(secret)) + "\n"
	var out bytes.Buffer
	w := m.Stream(&out)
	for i := range len(in) {
		if _, err := w.Write([]byte{in[i]}); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	if strings.Contains(got, "LINE-of-key") || strings.Contains(got, base64.StdEncoding.EncodeToString([]byte(secret))[:16]) {
		t.Errorf("leaked: %q", got)
	}
	if want := "k=***\nline: ***\nb64=***\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

package pipeline

import (
	"errors"
	"maps"
	"strings"
	"testing"
)

func TestParseOutputs(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		want     map[string]string
	}{
		{"empty", "", map[string]string{}},
		{"one", "version=1.4.2\n", map[string]string{"version": "1.4.2"}},
		{"no final newline", "a=1\nb=2", map[string]string{"a": "1", "b": "2"}},
		{"empty lines skipped", "\n\na=1\n\n", map[string]string{"a": "1"}},
		{"value keeps = and spaces", "url= http://x/?a=b \n", map[string]string{"url": " http://x/?a=b "}},
		{"empty value", "a=\n", map[string]string{"a": ""}},
		{"later wins", "a=1\na=2\n", map[string]string{"a": "2"}},
		{"crlf", "a=1\r\nb<<EOF\r\nx\r\ny\r\nEOF\r\n", map[string]string{"a": "1", "b": "x\ny"}},
		{"heredoc", "notes<<EOF\nline 1\n\nline 3\nEOF\nnext=1\n", map[string]string{"notes": "line 1\n\nline 3", "next": "1"}},
		{"empty heredoc", "n<<END\nEND\n", map[string]string{"n": ""}},
		{"= before << is key=value", "a=b<<c\n", map[string]string{"a": "b<<c"}},
		{"<< before = is a heredoc", "a<<X=\nv\nX=\n", map[string]string{"a": "v"}},
		{"delimiter must be the whole line", "a<<EOF\n EOF\nEOF \nEOF\n", map[string]string{"a": " EOF\nEOF "}},
		{"dashes and underscores", "_a-b_9=1\n", map[string]string{"_a-b_9": "1"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseOutputs([]byte(tc.in))
			if err != nil || !maps.Equal(got, tc.want) {
				t.Fatalf("ParseOutputs(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
			}
		})
	}
}

func TestParseOutputsErrors(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		line     int
		msg      string
	}{
		{"no separator", "a=1\njust text\n", 2, `want key=value or key<<DELIMITER, got "just text"`},
		{"empty key", "=1\n", 1, "the key is empty"},
		{"digit first", "1a=1\n", 1, `invalid key "1a"`},
		{"dash first", "-a=1\n", 1, `invalid key "-a"`},
		{"space in key", "a b=1\n", 1, `invalid key "a b"`},
		{"dot in key", "a.b=1\n", 1, `invalid key "a.b"`},
		{"unterminated heredoc", "x=1\nn<<EOF\nline\n", 2, `no line "EOF" ends the value of "n"`},
		{"heredoc without delimiter", "n<<\n", 1, `"n" has no delimiter after <<`},
		{"heredoc bad key", "\n\n1n<<EOF\nx\nEOF\n", 3, `invalid key "1n"`},
		{"NUL in value", "a=x\x00y\n", 1, `the value of "a" holds a NUL byte`},
		{"NUL in heredoc", "a<<E\n\x00\nE\n", 1, `the value of "a" holds a NUL byte`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseOutputs([]byte(tc.in))
			var fe *OutputFileError
			if !errors.As(err, &fe) || fe.Line != tc.line || !strings.Contains(fe.Msg, tc.msg) {
				t.Fatalf("ParseOutputs(%q) = %v; want line %d: %s", tc.in, err, tc.line, tc.msg)
			}
			if want := "$RUNJOB_OUTPUT line "; !strings.HasPrefix(err.Error(), want) {
				t.Errorf("message %q does not start with %q", err, want)
			}
		})
	}
}

func TestParseOutputsSizeLimit(t *testing.T) {
	ok := "a=" + strings.Repeat("x", MaxOutputBytes-3) + "\n"
	if got, err := ParseOutputs([]byte(ok)); err != nil || len(got["a"]) != MaxOutputBytes-3 {
		t.Fatalf("a file of exactly 1 MiB: %v", err)
	}
	if _, err := ParseOutputs([]byte(ok + "b=1\n")); err == nil || !strings.Contains(err.Error(), "larger than 1 MiB") {
		t.Fatalf("a file over 1 MiB: %v", err)
	}
}

func TestValidOutputKey(t *testing.T) {
	for key, want := range map[string]bool{"a": true, "_": true, "A-1_b": true, "": false, "1": false, "-": false, "é": false, "a:b": false} {
		if got := ValidOutputKey(key); got != want {
			t.Errorf("ValidOutputKey(%q) = %v", key, got)
		}
	}
}

// FuzzParseOutputs checks that the parser never panics, that what it
// accepts has only valid keys and NUL-free values, and that writing the
// result back in heredoc form parses to the same outputs.
func FuzzParseOutputs(f *testing.F) {
	for _, s := range []string{"", "a=1\n", "a<<EOF\nx\nEOF\n", "a=1\r\nb<<E\r\n\r\nE\r\n", "=\n", "a<<\n", "a<<E\n", "x\n", "a=b<<c\nd<<e=f\ng\ne=f\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		got, err := ParseOutputs(b)
		if err != nil {
			return
		}
		var back strings.Builder
		for k, v := range got {
			if !ValidOutputKey(k) || strings.IndexByte(v, 0) >= 0 {
				t.Fatalf("accepted key %q value %q", k, v)
			}
			if strings.Contains(v, "\r") || strings.HasSuffix(v, "\n") || strings.Contains(v, "\nDELIM\n") || v == "DELIM" || strings.HasPrefix(v, "DELIM\n") || strings.HasSuffix(v, "\nDELIM") {
				continue // not representable unchanged in heredoc form
			}
			back.WriteString(k + "<<DELIM\n" + v + "\nDELIM\n")
		}
		again, err := ParseOutputs([]byte(back.String()))
		if err != nil {
			t.Fatalf("re-parse of %q: %v", back.String(), err)
		}
		for k, v := range again {
			if got[k] != v {
				t.Fatalf("key %q: %q became %q", k, got[k], v)
			}
		}
	})
}

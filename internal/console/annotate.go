package console

import (
	"fmt"
	"io"
	"strings"

	"github.com/hashicorp/hcl/v2"
)

// Annotate prints diagnostics as GitHub Actions workflow commands when
// running there (as lookupEnv tells), so they show on the pull request's
// lines; elsewhere it prints nothing. The loader has already masked
// sensitive values in them.
func Annotate(w io.Writer, diags hcl.Diagnostics, lookupEnv func(string) (string, bool)) {
	if !inGitHubActions(lookupEnv) {
		return
	}
	for _, d := range diags {
		level := "error"
		if d.Severity == hcl.DiagWarning {
			level = "warning"
		}
		props := []string{}
		if r := d.Subject; r != nil {
			props = append(props,
				"file="+escapeProperty(r.Filename),
				fmt.Sprintf("line=%d", r.Start.Line), fmt.Sprintf("col=%d", r.Start.Column),
				fmt.Sprintf("endLine=%d", r.End.Line), fmt.Sprintf("endColumn=%d", r.End.Column))
		}
		props = append(props, "title="+escapeProperty(d.Summary))
		fmt.Fprintf(w, "::%s %s::%s\n", level, strings.Join(props, ","), escapeData(d.Summary+": "+d.Detail))
	}
}

// escapeData and escapeProperty follow the workflow command format, so a
// newline or colon in a message cannot end the command early. They serve
// the annotations here and the github format's groups and ::error lines.
func escapeData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

func escapeProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}

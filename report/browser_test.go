package report

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestHTMLInChromium opens the fixture's report.html from disk in headless
// Chromium and checks the page the browser built (--dump-dom, after the
// page's script ran) and what it drew (--screenshot). Plain command-line
// flags suffice: the DOM dump shows the structure and the screenshot's
// pixels show the stylesheet took effect, so no DevTools driver is needed.
//
// Set RUNJOB_REPORT_SHOT_DIR to keep report.html and shot.png for a look.
func TestHTMLInChromium(t *testing.T) {
	bin := chromiumBinary(t)
	root := t.TempDir()
	rep := recordFixture(t, root)
	page := filepath.Join(rep.Dir, HTMLFile)
	var buf bytes.Buffer
	if err := WriteHTML(&buf, rep, HTMLOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(page, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}

	dom := parseHTML(t, runChromium(t, bin, "--dump-dom", "file://"+page))
	checkDOM(t, rep, dom)
	if root := find(dom, byTag("html")); len(root) != 1 || !hasClass(root[0], "js") {
		t.Errorf("the page's script did not run: <html> lacks class js")
	}

	shot := filepath.Join(t.TempDir(), "shot.png")
	runChromium(t, bin, "--screenshot="+shot, "--window-size=1280,900", "--hide-scrollbars", "file://"+page)
	img := decodePNG(t, shot)
	if b := img.Bounds(); b.Dx() != 1280 || b.Dy() != 900 {
		t.Errorf("screenshot is %dx%d, want 1280x900", b.Dx(), b.Dy())
	}
	// The timeline bars and graph nodes are in the first screen; their
	// status colours (style.css, light scheme) must have been painted.
	for name, c := range map[string]color.RGBA{
		"ok green":   {0x1a, 0x7f, 0x37, 0xff},
		"failed red": {0xcf, 0x22, 0x2e, 0xff},
	} {
		if n := countColor(img, c); n < 200 {
			t.Errorf("screenshot has %d pixels of %s %v, want a bar's worth (>= 200)", n, name, c)
		}
	}
	if dir := os.Getenv("RUNJOB_REPORT_SHOT_DIR"); dir != "" {
		for src, dst := range map[string]string{page: "report.html", shot: "shot.png"} {
			if data, err := os.ReadFile(src); err == nil {
				_ = os.WriteFile(filepath.Join(dir, dst), data, 0o644)
			}
		}
	}
}

// chromiumBinary finds Debian's chromium. Missing, it fails the test under
// CI=true or RUNJOB_REQUIRE_CHROMIUM=1 and skips it otherwise.
func chromiumBinary(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" || os.Getenv("RUNJOB_REQUIRE_CHROMIUM") == "1" {
		t.Fatal("chromium not found, and CI=true or RUNJOB_REQUIRE_CHROMIUM=1 requires it (run `make setup` as root on Debian)")
	}
	t.Skip("chromium not found (run `make setup` as root on Debian, or set RUNJOB_REQUIRE_CHROMIUM=1 to fail instead)")
	return ""
}

// runChromium runs headless Chromium offline, with a throwaway profile and
// home, and returns its stdout.
func runChromium(t *testing.T, bin string, args ...string) []byte {
	t.Helper()
	home := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	flags := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir=" + filepath.Join(home, "profile")}
	cmd := exec.CommandContext(ctx, bin, append(flags, args...)...)
	cmd.Env = append(os.Environ(), "HOME="+home, "XDG_CONFIG_HOME="+home, "XDG_CACHE_HOME="+home)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium %s: %v\nstderr:\n%s", strings.Join(args, " "), err, stderr.Bytes())
	}
	return stdout.Bytes()
}

func decodePNG(t *testing.T, name string) image.Image {
	t.Helper()
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("decode screenshot: %v", err)
	}
	return img
}

// countColor counts pixels within a small distance of c (anti-aliasing and
// colour management shift values slightly).
func countColor(img image.Image, c color.RGBA) int {
	n := 0
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			if near(r>>8, c.R) && near(g>>8, c.G) && near(bl>>8, c.B) {
				n++
			}
		}
	}
	return n
}

func near(v uint32, want uint8) bool {
	d := int(v) - int(want)
	return d >= -6 && d <= 6
}

// The same checks on the page as written, without a browser: they run
// everywhere, and pin down that the structure does not depend on script.
func TestHTMLStructure(t *testing.T) {
	rep := recordFixture(t, t.TempDir())
	var buf bytes.Buffer
	if err := WriteHTML(&buf, rep, HTMLOptions{}); err != nil {
		t.Fatal(err)
	}
	checkDOM(t, rep, parseHTML(t, buf.Bytes()))
}

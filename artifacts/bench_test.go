package artifacts

import (
	"archive/tar"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// benchArchive builds ~64 MiB of mixed content in memory: a few large files,
// many small ones across directories, and some symlinks and hard links, the
// shape of a typical build output.
func benchArchive(b *testing.B) (archive []byte, content int64) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	write := func(hdr *tar.Header, body []byte) {
		hdr.ModTime, hdr.Size = epoch, int64(len(body))
		if err := tw.WriteHeader(hdr); err != nil {
			b.Fatal(err)
		}
		if _, err := tw.Write(body); err != nil {
			b.Fatal(err)
		}
		content += int64(len(body))
	}
	big, small := bytes.Repeat([]byte("0123456789abcdef"), 4<<20>>4), bytes.Repeat([]byte("x"), 16<<10)
	write(&tar.Header{Typeflag: tar.TypeDir, Name: "out/", Mode: 0o755}, nil)
	for i := range 8 {
		write(&tar.Header{Typeflag: tar.TypeReg, Name: fmt.Sprintf("out/big%d.bin", i), Mode: 0o644}, big)
	}
	for i := range 2048 {
		d := fmt.Sprintf("out/d%02d/", i%64)
		if i < 64 {
			write(&tar.Header{Typeflag: tar.TypeDir, Name: d, Mode: 0o755}, nil)
		}
		name := fmt.Sprintf("%sf%d.txt", d, i)
		write(&tar.Header{Typeflag: tar.TypeReg, Name: name, Mode: 0o644}, small)
		if i%64 == 0 {
			write(&tar.Header{Typeflag: tar.TypeSymlink, Name: name + ".lnk", Linkname: filepath.Base(name)}, nil)
			write(&tar.Header{Typeflag: tar.TypeLink, Name: name + ".hard", Linkname: name}, nil)
		}
	}
	if err := tw.Close(); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes(), content
}

// BenchmarkExtract reports extraction throughput in MB/s of file content,
// plus entries/s, since small files cost a file creation each and that,
// not copying, dominates on slow filesystems.
func BenchmarkExtract(b *testing.B) { benchExtract(b, Options{StripRoot: "out"}) }

// BenchmarkExtractManifest is BenchmarkExtract with Options.Manifest, so the
// two show the cost of hashing content as it streams.
func BenchmarkExtractManifest(b *testing.B) {
	benchExtract(b, Options{StripRoot: "out", Manifest: true})
}

func benchExtract(b *testing.B, opts Options) {
	archive, content := benchArchive(b)
	var entries int
	base := b.TempDir()
	b.SetBytes(content)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		dest := filepath.Join(base, "dest")
		st, err := Extract(context.Background(), bytes.NewReader(archive), dest, opts)
		if err != nil {
			b.Fatal(err)
		}
		if opts.Manifest && len(st.Manifest) == 0 {
			b.Fatal("no manifest")
		}
		entries += st.Files + st.Dirs + st.Symlinks
		b.StopTimer()
		if err := os.RemoveAll(dest); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
	b.ReportMetric(float64(entries)/b.Elapsed().Seconds(), "entries/s")
}

// BenchmarkPack packs the benchmark tree (extracted once) to io.Discard,
// reporting MB/s of file content.
func BenchmarkPack(b *testing.B) {
	archive, content := benchArchive(b)
	src := filepath.Join(b.TempDir(), "src")
	if _, err := Extract(context.Background(), bytes.NewReader(archive), src, Options{StripRoot: "out"}); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(content)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Pack(context.Background(), src, io.Discard, PackOptions{Name: "src"}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkExtractLargeFile extracts one 64 MiB file with and without a
// manifest: the case where hashing, not file creation, sets the pace, and
// where hashing on a second core pays off.
func BenchmarkExtractLargeFile(b *testing.B) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	body := bytes.Repeat([]byte("0123456789abcdef"), 64<<20>>4)
	if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: "big", Size: int64(len(body)), Mode: 0o644}); err != nil {
		b.Fatal(err)
	}
	if _, err := tw.Write(body); err != nil {
		b.Fatal(err)
	}
	if err := tw.Close(); err != nil {
		b.Fatal(err)
	}
	for _, opts := range []Options{{}, {Manifest: true}} {
		name := map[bool]string{false: "plain", true: "manifest"}[opts.Manifest]
		b.Run(name, func(b *testing.B) {
			base := b.TempDir()
			b.SetBytes(int64(len(body)))
			for i := 0; i < b.N; i++ {
				dest := filepath.Join(base, "dest")
				if _, err := Extract(context.Background(), bytes.NewReader(buf.Bytes()), dest, opts); err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				if err := os.RemoveAll(dest); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
			}
		})
	}
}

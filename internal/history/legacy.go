package history

import (
	"bufio"
	"bytes"
	"io"
	"os"
	"path/filepath"

	"github.com/runjob/runjob/report"
)

// legacyLogs prints a schema 1 record's log: it has no index, so the
// bytes come stream by stream (stdout, then stderr), and --timestamps
// prints its combined log file.
func legacyLogs(dir string, l *report.Log, o LogsOptions, out, errw io.Writer) error {
	if o.Timestamps {
		return copyRecords(filepath.Join(dir, filepath.FromSlash(l.Path)), o, out)
	}
	if !o.Stderr {
		if err := copyFile(filepath.Join(dir, filepath.FromSlash(l.Stdout)), out); err != nil {
			return err
		}
	}
	if o.Stdout {
		return nil
	}
	w := errw
	if o.Stderr {
		w = out
	}
	return copyFile(filepath.Join(dir, filepath.FromSlash(l.Stderr)), w)
}

func copyFile(name string, w io.Writer) error {
	f, err := os.Open(name)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = io.Copy(w, f)
	return err
}

// copyRecords copies the combined log's records of the wanted streams
// (markers always).
func copyRecords(name string, o LogsOptions, w io.Writer) error {
	f, err := os.Open(name)
	if err != nil {
		return err
	}
	defer f.Close()
	skip := []byte{}
	switch {
	case o.Stdout:
		skip = []byte(" err ")
	case o.Stderr:
		skip = []byte(" out ")
	}
	br := bufio.NewReaderSize(f, 80<<10) // a record is at most 64 KiB and its prefix
	for {
		line, err := br.ReadSlice('\n')
		if len(line) > 0 && (len(skip) == 0 || !bytes.HasPrefix(line[min(len(line), 24):], skip)) {
			if _, werr := w.Write(line); werr != nil {
				return werr
			}
		}
		if err == io.EOF {
			return nil
		}
		if err != nil && err != bufio.ErrBufferFull {
			return err
		}
	}
}

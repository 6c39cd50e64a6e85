//go:build unix

package report

import (
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/lbtriage/lbtriage/internal/testfs"
)

// A named pipe is written through, and stays a pipe.
func TestWriteFileAtomic_Pipe(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "report.fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("no named pipes here: %v", err)
	}
	got := make(chan string, 1)
	go func() {
		b, _ := os.ReadFile(fifo)
		got <- string(b)
	}()
	if err := WriteFileAtomic(fifo, writeString("through the pipe")); err != nil {
		t.Fatal(err)
	}
	if s := <-got; s != "through the pipe" {
		t.Errorf("the reader got %q", s)
	}
	if fi, err := os.Lstat(fifo); err != nil || fi.Mode()&fs.ModeNamedPipe == 0 {
		t.Errorf("the pipe was replaced: %v %v", fi.Mode(), err)
	}
}

// A device is written through, and stays a device: a null device made in
// a temporary folder (root only), then /dev/null itself, only once the
// first has passed.
func TestWriteFileAtomic_Device(t *testing.T) {
	dev := testfs.NullDevice(t)
	for _, p := range []string{dev, "/dev/null"} {
		if err := WriteFileAtomic(p, writeString("into the void")); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		if !testfs.IsCharDevice(p) {
			t.Fatalf("%s is no longer a character device", p)
		}
	}
}

// A path naming one of this process's descriptors (/dev/stdout, /dev/fd/N)
// is written through the descriptor, sharing its offset: a report between
// two writes of a shell's "{ echo a; lbtriage ... --out /dev/stdout; echo b; } > file"
// lands between them, and the file is not replaced.
func TestWriteFileAtomic_OwnDescriptor(t *testing.T) {
	if _, err := os.Stat("/dev/fd"); err != nil {
		t.Skipf("no /dev/fd here: %v", err)
	}
	path := filepath.Join(t.TempDir(), "out.txt")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	before, _ := os.Stat(path)
	f.WriteString("header\n")
	for _, p := range []string{"/dev/fd/" + strconv.Itoa(int(f.Fd())), "/proc/self/fd/" + strconv.Itoa(int(f.Fd()))} {
		if _, err := os.Lstat(p); err != nil {
			continue // no /proc here
		}
		if err := WriteFileAtomic(p, writeString("report via "+p+"\n")); err != nil {
			t.Fatal(err)
		}
	}
	f.WriteString("footer\n")
	b, _ := os.ReadFile(path)
	lines := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
	if len(lines) < 3 || lines[0] != "header" || !strings.HasPrefix(lines[1], "report via /dev/fd/") || lines[len(lines)-1] != "footer" {
		t.Errorf("the file holds %q, want header, the reports, footer", b)
	}
	if after, _ := os.Stat(path); !os.SameFile(before, after) {
		t.Error("the file behind the descriptor was replaced")
	}
}

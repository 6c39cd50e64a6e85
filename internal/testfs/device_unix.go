//go:build unix

package testfs

import (
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// NullDevice makes a character device node like /dev/null in a temporary
// folder and returns its path, so that a test can check what is done to a
// device without risking the machine's own. It skips the test where that
// cannot be done: not root, no /dev/null, or a folder mounted nodev.
func NullDevice(t testing.TB) string {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("only root can make a device node")
	}
	fi, err := os.Stat("/dev/null")
	if err != nil {
		t.Skipf("no /dev/null: %v", err)
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok || fi.Mode()&fs.ModeCharDevice == 0 {
		t.Skip("/dev/null is not a character device here")
	}
	dev := filepath.Join(t.TempDir(), "null")
	if err := syscall.Mknod(dev, syscall.S_IFCHR|0o666, int(st.Rdev)); err != nil {
		t.Skipf("cannot make a device node: %v", err)
	}
	f, err := os.OpenFile(dev, os.O_WRONLY, 0)
	if err != nil {
		t.Skipf("cannot open a device node here (a nodev mount?): %v", err)
	}
	f.Close()
	return dev
}

// IsCharDevice reports whether path is (still) a character device.
func IsCharDevice(path string) bool {
	fi, err := os.Lstat(path)
	return err == nil && fi.Mode()&fs.ModeCharDevice != 0
}

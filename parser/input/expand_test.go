package input

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/lbtriage/lbtriage/parser"
)

const albBase = "123456789012_elasticloadbalancing_us-east-2_app.my-lb.1234567890abcdef_20261120T0005Z_10.0.0.1_abc.log.gz"

// makeTree writes files (path → content) under a temporary directory and
// changes into it, so that names in the tests are relative.
func makeTree(t *testing.T, files map[string]string) {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Chdir(dir)
}

func objectNames(objects []Object) []string {
	var names []string
	for _, o := range objects {
		names = append(names, o.Source.Name)
	}
	return names
}

func TestExpand_Success(t *testing.T) {
	makeTree(t, map[string]string{
		"logs/b/2.log":                      "22",
		"logs/a/1.log":                      "1",
		"logs/a/10.log":                     "10",
		"logs/a/.hidden.log":                "h",
		"logs/.git/config":                  "g",
		"logs/c/" + albBase:                 "alb",
		"logs/AWSLogs/ELBAccessLogTestFile": "Enable AccessLog for ELB",
		"logs/conn_log_" + albBase:          "c",
		"top.log":                           "top",
		".dot.log":                          "dot",
		"glob/x1.log":                       "x1",
		"glob/x2.log":                       "x2",
		"glob/.x3.log":                      "x3",
		"glob/y.txt":                        "y",
	})
	f := func(args []string, wantNames []string, wantSkipped []Skipped) {
		t.Helper()
		objects, skipped, err := Expand(args, strings.NewReader("stdin data"))
		if err != nil {
			t.Fatalf("Expand(%q): %s", args, err)
		}
		if got := objectNames(objects); !reflect.DeepEqual(got, wantNames) {
			t.Fatalf("Expand(%q) objects\n got %q\nwant %q", args, got, wantNames)
		}
		if !reflect.DeepEqual(skipped, wantSkipped) {
			t.Fatalf("Expand(%q) skipped\n got %q\nwant %q", args, skipped, wantSkipped)
		}
	}
	// The test file is set aside; a connection log is for Scan to judge.
	f([]string{"logs"}, []string{"logs/a/1.log", "logs/a/10.log", "logs/b/2.log", "logs/c/" + albBase, "logs/conn_log_" + albBase}, []Skipped{
		{Source: "logs/AWSLogs/ELBAccessLogTestFile", Reason: SkipTestFile},
	})
	f([]string{"logs/b/", "top.log"}, []string{"logs/b/2.log", "top.log"}, nil)
	// A dot-file named on purpose is read; a directory reached twice once.
	f([]string{".dot.log", "logs/b", "logs/b/2.log", "./logs/b"}, []string{".dot.log", "logs/b/2.log"}, nil)
	// Globs the shell left alone; dot-files only when the pattern asks.
	f([]string{"glob/x*.log"}, []string{"glob/x1.log", "glob/x2.log"}, nil)
	f([]string{"glob/.x*.log"}, []string{"glob/.x3.log"}, nil)
	f([]string{"glob/*"}, []string{"glob/x1.log", "glob/x2.log", "glob/y.txt"}, nil)
	f([]string{"log?"}, []string{"logs/a/1.log", "logs/a/10.log", "logs/b/2.log", "logs/c/" + albBase, "logs/conn_log_" + albBase}, []Skipped{
		{Source: "logs/AWSLogs/ELBAccessLogTestFile", Reason: SkipTestFile},
	})
	f([]string{"-", "top.log"}, []string{"-", "top.log"}, nil)
	f(nil, nil, nil)
}

func TestExpand_Objects(t *testing.T) {
	makeTree(t, map[string]string{"logs/c/" + albBase: "alb data", "a.log": "aaa"})
	objects, _, err := Expand([]string{"logs", "a.log", "-"}, strings.NewReader("from stdin"))
	if err != nil {
		t.Fatalf("Expand: %s", err)
	}
	// Scan completes the Source from the name; Expand gives the name.
	if src := objects[0].Source; src != (parser.Source{Name: "logs/c/" + albBase}) {
		t.Fatalf("Source=%+v, want the name only", src)
	}
	wantData := []string{"alb data", "aaa", "from stdin"}
	wantSize := []int64{8, 3, -1}
	for i, o := range objects {
		if o.Size != wantSize[i] {
			t.Fatalf("%s: Size=%d, want %d", o.Source.Name, o.Size, wantSize[i])
		}
		rc, err := o.Open(t.Context())
		if err != nil {
			t.Fatalf("%s: Open: %s", o.Source.Name, err)
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil || string(data) != wantData[i] {
			t.Fatalf("%s: read %q, %v; want %q", o.Source.Name, data, err, wantData[i])
		}
	}
}

// Bad usage is an error, and nothing is read.
func TestExpand_Failure(t *testing.T) {
	makeTree(t, map[string]string{"a.log": "a"})
	f := func(args []string, want string) {
		t.Helper()
		_, _, err := Expand(args, nil)
		if err == nil || err.Error() != want {
			t.Fatalf("Expand(%q) err=%v, want %q", args, err, want)
		}
	}
	f([]string{"-", "-"}, "standard input (-) is given more than once")
	f([]string{"a.log", ""}, `cannot read "": empty path`)
	f([]string{"s3://bucket/prefix"}, `cannot read "s3://bucket/prefix" as a local path: S3 URLs are listed through the S3 input`)
}

// An input that cannot be read does not stop the others: it is an object
// whose Open fails with one sentence naming it, so that Scan lists it as
// failed and reads the rest.
func TestExpand_Unreadable(t *testing.T) {
	makeTree(t, map[string]string{"a.log": "a", "locked/x.log": "x", "secret.log": "s", "dir/b.log": "b"})
	f := func(args []string, wantNames []string, wantErrs map[string]string, wantIs error) {
		t.Helper()
		objects, _, err := Expand(args, nil)
		if err != nil {
			t.Fatalf("Expand(%q): %v", args, err)
		}
		if got := objectNames(objects); !reflect.DeepEqual(got, wantNames) {
			t.Fatalf("Expand(%q) objects\n got %q\nwant %q", args, got, wantNames)
		}
		for _, o := range objects {
			rc, err := o.Open(t.Context())
			want, bad := wantErrs[o.Source.Name]
			switch {
			case !bad && err != nil:
				t.Errorf("%s: Open: %v", o.Source.Name, err)
			case !bad:
				rc.Close()
			case err == nil || err.Error() != want:
				t.Errorf("%s: Open err=%v, want %q", o.Source.Name, err, want)
			case wantIs != nil && !errors.Is(err, wantIs):
				t.Errorf("%s: Open err=%v is not %v", o.Source.Name, err, wantIs)
			}
		}
	}
	f([]string{"a.log", "x.log", "dir"}, []string{"a.log", "x.log", "dir/b.log"},
		map[string]string{"x.log": `cannot read "x.log": no such file or directory`}, fs.ErrNotExist)
	f([]string{"a.log/x", "a.log"}, []string{"a.log/x", "a.log"},
		map[string]string{"a.log/x": `cannot read "a.log/x": not a directory`}, nil)
	f([]string{"nothing-*.log", "a.log"}, []string{"nothing-*.log", "a.log"},
		map[string]string{"nothing-*.log": `no file matches "nothing-*.log"`}, nil)
	f([]string{"[.log"}, []string{"[.log"},
		map[string]string{"[.log": `cannot read "[.log": no such file, and not a valid glob pattern`}, nil)
	// The same missing path twice is one failed object.
	f([]string{"x.log", "./x.log"}, []string{"x.log"},
		map[string]string{"x.log": `cannot read "x.log": no such file or directory`}, nil)

	if os.Geteuid() == 0 {
		t.Skip("permissions do not bind root")
	}
	if err := os.Chmod("locked", 0); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod("locked", 0o755) })
	if err := os.Chmod("secret.log", 0); err != nil {
		t.Fatal(err)
	}
	f([]string{"locked", "a.log"}, []string{"locked", "a.log"},
		map[string]string{"locked": `cannot read "locked": permission denied`}, fs.ErrPermission)
	f([]string{"secret.log", "a.log"}, []string{"secret.log", "a.log"},
		map[string]string{"secret.log": `cannot read "secret.log": permission denied`}, fs.ErrPermission)
}

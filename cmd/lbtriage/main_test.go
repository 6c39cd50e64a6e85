package main

import (
	"runtime/debug"
	"strings"
	"testing"
)

func TestVersion(t *testing.T) {
	for _, args := range [][]string{{"--version"}, {"version"}} {
		code, out, errOut := run(t, args...)
		if code != exitOK || errOut != "" || !strings.HasPrefix(out, "lbtriage ") || strings.Count(out, "\n") != 1 {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want one line \"lbtriage VERSION\"", args, code, out, errOut)
		}
	}
}

func TestVersionOf(t *testing.T) {
	f := func(v string, info *debug.BuildInfo, want string) {
		t.Helper()
		if got := versionOf(v, info); got != want {
			t.Errorf("versionOf(%q, %+v) = %q, want %q", v, info, got, want)
		}
	}
	settings := func(kv ...string) []debug.BuildSetting {
		var s []debug.BuildSetting
		for i := 0; i < len(kv); i += 2 {
			s = append(s, debug.BuildSetting{Key: kv[i], Value: kv[i+1]})
		}
		return s
	}
	tagged := &debug.BuildInfo{Main: debug.Module{Version: "v1.4.0"}}
	f("v9.9.9", tagged, "v9.9.9")
	f("", tagged, "v1.4.0")
	f("", &debug.BuildInfo{Main: debug.Module{Version: "v0.0.0-20261120130500-b325fdb1a2c3+dirty"}}, "v0.0.0-20261120130500-b325fdb1a2c3+dirty")
	f("", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"},
		Settings: settings("vcs.revision", "b325fdb1a2c3d4e5f60718293a4b5c6d7e8f9012", "vcs.modified", "true")}, "devel-b325fdb1a2c3-dirty")
	f("", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: settings("vcs.revision", "abc123")}, "devel-abc123")
	f("", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}}, "devel")
	f("", nil, "devel")
}

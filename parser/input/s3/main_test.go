package s3

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// The tests run against a real S3-compatible server, versitygw with its
// posix backend, started here on a free port of 127.0.0.1 with a temporary
// folder. `make test` builds it (mk/s3.mk); LBTRIAGE_VERSITYGW names another
// binary. Without it the server tests are skipped under -short and fail
// otherwise, so that CI cannot pass without running them.

const (
	testAccessKey = "LBTRIAGETESTKEY"
	testSecretKey = "lbtriage-test-secret-0123456789"
	testRegion    = "us-east-1"
)

// gw is the running server, nil when it could not be started.
var gw *gateway

// gwMissing says why gw is nil.
var gwMissing string

type gateway struct {
	cmd      *exec.Cmd
	endpoint string // http://127.0.0.1:PORT
	dir      string
	done     chan error
}

func TestMain(m *testing.M) {
	flag.Parse()
	isolateAWSEnv()
	code := func() int {
		bin := versitygwBinary()
		if bin == "" {
			gwMissing = "versitygw not found: run `make tools/bin/versitygw` or set LBTRIAGE_VERSITYGW"
			return m.Run()
		}
		g, err := startGateway(bin)
		if err != nil {
			gwMissing = "cannot start versitygw: " + err.Error()
			return m.Run()
		}
		gw = g
		defer g.stop()
		t0 := time.Now()
		if err := seed(context.Background()); err != nil {
			fmt.Fprintln(os.Stderr, "seeding versitygw:", err)
			return 1
		}
		if testing.Verbose() {
			fmt.Fprintf(os.Stderr, "versitygw on %s, seeded in %v\n", g.endpoint, time.Since(t0).Round(time.Millisecond))
		}
		return m.Run()
	}()
	os.Exit(code)
}

// isolateAWSEnv makes the SDK's default chain see only the test server's
// keys: no shared files, no instance metadata (which would be a request off
// this machine), no endpoint from the environment.
func isolateAWSEnv() {
	for _, k := range []string{"AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL",
		"AWS_ENDPOINT_URL_S3", "AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
		"AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_DEFAULT_REGION", "AWS_CA_BUNDLE"} {
		os.Unsetenv(k)
	}
	os.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	os.Setenv("AWS_CONFIG_FILE", filepath.Join(os.TempDir(), "lbtriage-no-aws-config"))
	os.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(os.TempDir(), "lbtriage-no-aws-credentials"))
	os.Setenv("AWS_ACCESS_KEY_ID", testAccessKey)
	os.Setenv("AWS_SECRET_ACCESS_KEY", testSecretKey)
	os.Setenv("AWS_REGION", testRegion)
}

// needGateway returns the server, or skips (-short) or fails the test.
func needGateway(t testing.TB) *gateway {
	t.Helper()
	if gw == nil {
		if testing.Short() {
			t.Skip(gwMissing + " (skipped under -short)")
		}
		t.Fatal(gwMissing)
	}
	return gw
}

func versitygwBinary() string {
	if p := os.Getenv("LBTRIAGE_VERSITYGW"); p != "" {
		return p
	}
	p, err := filepath.Abs(filepath.Join("..", "..", "..", "tools", "bin", "versitygw"))
	if err != nil {
		return ""
	}
	if _, err := os.Stat(p); err != nil {
		return ""
	}
	return p
}

func startGateway(bin string) (*gateway, error) {
	dir, err := os.MkdirTemp("", "lbtriage-versitygw-")
	if err != nil {
		return nil, err
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	data := filepath.Join(dir, "data")
	if err := os.Mkdir(data, 0o755); err != nil {
		return nil, err
	}
	logf, err := os.Create(filepath.Join(dir, "versitygw.log"))
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, "--access", testAccessKey, "--secret", testSecretKey,
		"--region", testRegion, "--port", addr, "--quiet", "posix", data)
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		logf.Close()
		return nil, err
	}
	g := &gateway{cmd: cmd, endpoint: "http://" + addr, dir: dir, done: make(chan error, 1)}
	go func() { g.done <- cmd.Wait(); logf.Close() }()
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get(g.endpoint + "/")
		if err == nil {
			resp.Body.Close()
			return g, nil
		}
		select {
		case err := <-g.done:
			log, _ := os.ReadFile(filepath.Join(dir, "versitygw.log"))
			os.RemoveAll(dir)
			return nil, fmt.Errorf("exited (%v): %s", err, log)
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			g.stop()
			return nil, errors.New("no answer on " + addr + " after 30 s")
		}
	}
}

func (g *gateway) stop() {
	g.cmd.Process.Signal(os.Interrupt)
	select {
	case <-g.done:
	case <-time.After(5 * time.Second):
		g.cmd.Process.Kill()
		<-g.done
	}
	os.RemoveAll(g.dir)
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// Command benche2e measures lbtriage end to end against the decompression
// floor (make bench-e2e).
//
// For every family it generates realistic, varied logs (internal/gen, with
// the sample incidents' mixes of causes) of about -mb megabytes of text:
// some twenty gzip objects as AWS lays them out, and the same text as one
// gzip object, as a busy node's file would be. Then, for each data set and
// run, it times in turn, pair by pair, in alternating order:
//
//   - the floor: the objects decompressed with klauspost gzip and thrown
//     away, one worker per core (one object cannot use more than one);
//     Classic Load Balancer objects are plain text (CLB does not gzip), so
//     their floor is reading the files, and the ratio is all parse and
//     analysis;
//   - analyze: the built binary, `lbtriage analyze -o json DIR`, as a user
//     runs it, with its peak resident memory from wait4's rusage;
//   - analyze s3 (with -s3): the same, reading the objects from versitygw
//     serving the data's folder on loopback, as from S3;
//   - parse: the family's decoder over the same objects through
//     input.Scan (all workers, the triage columns, no analysis), in this
//     process: every family's parse throughput, whether or not the binary
//     analyses it yet.
//
// It prints each pair's ratio to the floor, lines a second and the peak
// RSS (VmHWM, polled), then the median and range over the runs. It also
// gives the ratio of CPU time (user and system) to the floor's: the work
// done, which depends far less on what else the machine runs than wall
// time does, though not at all on how well the work is spread over cores. With -generic it runs
// analyze and parse a second time without the AVX-512 tokenizer (the
// LBTRIAGE_GENERIC diagnostic), which is what a CPU lacking it does; on
// such a CPU both are the same path. Data sets are kept under -data and
// made again only when missing.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/klauspost/compress/gzip"
	"golang.org/x/sys/cpu"

	"github.com/lbtriage/lbtriage/internal/gen"
	"github.com/lbtriage/lbtriage/internal/tokenize"
	"github.com/lbtriage/lbtriage/parser"
	"github.com/lbtriage/lbtriage/parser/alb"
	"github.com/lbtriage/lbtriage/parser/albconn"
	"github.com/lbtriage/lbtriage/parser/albhealth"
	"github.com/lbtriage/lbtriage/parser/clb"
	"github.com/lbtriage/lbtriage/parser/cloudfront"
	"github.com/lbtriage/lbtriage/parser/input"
	"github.com/lbtriage/lbtriage/parser/nlb"
)

func main() {
	var (
		mb       = flag.Float64("mb", 300, "megabytes of decompressed text per family and data set")
		runs     = flag.Int("runs", 3, "runs of each pair")
		only     = flag.String("families", "", "comma-separated families to run (default all: "+strings.Join(familyNames(), ",")+")")
		bin      = flag.String("bin", "bin/lbtriage", "the lbtriage binary to run")
		dataDir  = flag.String("data", "bin/bench-e2e", "folder of the generated data sets")
		workers  = flag.Int("workers", runtime.NumCPU(), "workers of the floor, of analyze (--workers) and of parse")
		generic  = flag.Bool("generic", hasAVX512(), "also run analyze and parse without the AVX-512 tokenizer")
		noParse  = flag.Bool("no-parse", false, "skip the in-process parse-only pass")
		sets     = flag.String("sets", "many,one", "data sets: many (about 21 objects), one (one object)")
		analyzeF = flag.String("analyze-flags", "", "extra flags for lbtriage analyze, space-separated")
		s3gw     = flag.String("s3", "", "also run analyze over S3: the versitygw binary to serve the data sets on loopback (tools/bin/versitygw)")
	)
	flag.Parse()
	if err := run(config{
		mb: *mb, runs: *runs, families: *only, bin: *bin, data: *dataDir, workers: *workers,
		generic: *generic, parse: !*noParse, sets: strings.Split(*sets, ","), analyzeFlags: strings.Fields(*analyzeF),
		versitygw: *s3gw,
	}); err != nil {
		fmt.Fprintln(os.Stderr, "bench-e2e:", err)
		os.Exit(1)
	}
}

type config struct {
	mb           float64
	runs         int
	families     string
	bin, data    string
	workers      int
	generic      bool
	parse        bool
	sets         []string
	analyzeFlags []string
	versitygw    string
}

func hasAVX512() bool {
	return cpu.X86.HasAVX512F && cpu.X86.HasAVX512BW && cpu.X86.HasAVX512VBMI2
}

func run(c config) error {
	if _, err := os.Stat(c.bin); err != nil {
		return fmt.Errorf("no binary at %s (make build): %w", c.bin, err)
	}
	fams := families
	if c.families != "" {
		fams = nil
		for _, name := range strings.Split(c.families, ",") {
			f := familyByName(name)
			if f == nil {
				return fmt.Errorf("no family %q; the families are %s", name, strings.Join(familyNames(), ", "))
			}
			fams = append(fams, *f)
		}
	}
	fmt.Printf("CPU: %s; %d cores; AVX-512 tokenizer: %v; workers %d; Go %s\n",
		cpuName(), runtime.NumCPU(), hasAVX512() && os.Getenv(tokenize.GenericEnv) != "1", c.workers, runtime.Version())
	fmt.Printf("load average at start: %s\n", loadAvg())
	var summary []string
	for _, f := range fams {
		var gw *gateway
		for _, set := range c.sets {
			ds, err := dataset(c, f, set)
			if err != nil {
				return err
			}
			if c.versitygw != "" && gw == nil {
				if gw, err = startGateway(c.versitygw, filepath.Dir(ds.dir)); err != nil {
					return err
				}
				defer gw.stop()
			}
			if gw != nil {
				ds.s3 = gw.endpoint
			}
			lines, err := measure(c, f, ds)
			if err != nil {
				return err
			}
			summary = append(summary, lines...)
		}
		if gw != nil {
			gw.stop()
		}
	}
	fmt.Printf("\nsummary (median [min–max] of %d runs; ratio = time / floor time; load average at end: %s)\n", c.runs, loadAvg())
	for _, l := range summary {
		fmt.Println(l)
	}
	return nil
}

// family is one log family: how to generate its objects.
type family struct {
	name string
	dec  parser.Decoder
	cols []string
	// objects generates the family's objects with rows rows (or
	// connections); keep filters them.
	objects func(rows int) ([]gen.Object, error)
	keep    func(key string) bool
	// plain: the family's objects are plain text (.log), not gzip.
	plain bool
}

var families = []family{
	{name: "alb", dec: alb.Decoder{}, cols: append(slices.Clone(alb.TriageColumns), alb.ColELB),
		objects: func(rows int) ([]gen.Object, error) {
			sc := gen.SampleIncident()
			sc.Rows = rows
			sc.End = sc.Start.Add(35 * time.Minute) // 7 intervals × 3 nodes
			objs, _, err := gen.ALBObjects(sc)
			return objs, err
		}},
	{name: "cloudfront", dec: cloudfront.Decoder{}, cols: cloudfront.TriageColumns,
		objects: func(rows int) ([]gen.Object, error) {
			sc := gen.SampleCloudFrontIncident()
			sc.Rows = rows
			sc.ObjectsPerHour = 5 // 2 hours × 2 distributions × 5
			objs, _, err := gen.CloudFrontObjects(sc)
			return objs, err
		}},
	{name: "nlb", dec: nlb.Decoder{}, cols: nlb.TriageColumns,
		objects: func(rows int) ([]gen.Object, error) {
			sc := gen.SampleNLBIncident()
			sc.Connections = rows
			sc.End = sc.Start.Add(35 * time.Minute)
			objs, _, err := gen.NLBObjects(sc)
			return objs, err
		}},
	{name: "albconn", dec: albconn.Decoder{}, cols: albconn.TriageColumns,
		objects: func(rows int) ([]gen.Object, error) {
			sc := gen.SamplePartnerTLSIncident()
			sc.ALB.Rows = rows / 4 // about four connections' lines to a request's
			sc.ALB.End = sc.ALB.Start.Add(35 * time.Minute)
			objs, _, _, err := gen.ConnObjects(sc)
			return objs, err
		},
		keep: func(key string) bool { return strings.HasPrefix(filepath.Base(key), "conn_log_") }},
	{name: "clb", dec: clb.Decoder{}, cols: clb.TriageColumns, plain: true,
		objects: func(rows int) ([]gen.Object, error) {
			sc := gen.SampleCLBIncident()
			sc.Rows = rows
			sc.Interval = 5 * time.Minute
			sc.End = sc.Start.Add(35 * time.Minute) // 7 intervals × 3 nodes
			objs, _, err := gen.CLBObjects(sc)
			return objs, err
		},
		keep: func(key string) bool { return strings.HasSuffix(key, ".log") }},
	{name: "albhealth", dec: albhealth.Decoder{}, cols: albhealth.TriageColumns,
		objects: func(rows int) ([]gen.Object, error) {
			sc := gen.SampleHealthIncident()
			sc.ALB.Rows = 1000 // the access logs, not kept
			sc.ALB.End = sc.ALB.Start.Add(35 * time.Minute)
			// Every node checks every target every 5 s (the least AWS
			// allows): the volume comes from the number of targets.
			sc.Interval, sc.Timeout = 5*time.Second, 2*time.Second
			n := max(rows/(len(gen.DefaultNodes())*int(35*time.Minute/sc.Interval)), 1)
			sc.ALB.Targets = nil
			for i := range n {
				sc.ALB.Targets = append(sc.ALB.Targets, fmt.Sprintf("10.0.%d.%d:%d", 1+i%3, 10+i/3%240, 8080+i/720))
			}
			objs, _, err := gen.HealthObjects(sc)
			return objs, err
		}},
}

func familyNames() []string {
	var n []string
	for _, f := range families {
		n = append(n, f.name)
	}
	return n
}

func familyByName(name string) *family {
	for i := range families {
		if families[i].name == name {
			return &families[i]
		}
	}
	return nil
}

// data is one data set on disk.
type data struct {
	name  string // "alb many"
	set   string // "many", the bucket over S3
	dir   string
	s3    string // the S3 endpoint serving the data set's folder, if any
	files []string
	Lines int64 `json:"lines"`
	Bytes int64 `json:"bytes"`
}

// dataset returns the data set set ("many" or "one") of f, generating it
// when its folder is missing.
func dataset(c config, f family, set string) (*data, error) {
	if set != "many" && set != "one" {
		return nil, fmt.Errorf("no data set %q: many or one", set)
	}
	root := filepath.Join(c.data, fmt.Sprintf("%s-%gMB", f.name, c.mb))
	if _, err := os.Stat(filepath.Join(root, "one.json")); err != nil {
		if err := generate(c, f, root); err != nil {
			return nil, err
		}
	}
	d := &data{name: f.name + " " + set, set: set, dir: filepath.Join(root, set)}
	b, err := os.ReadFile(d.dir + ".json")
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(b, d); err != nil {
		return nil, err
	}
	ents, err := os.ReadDir(d.dir)
	if err != nil {
		return nil, err
	}
	for _, e := range ents {
		if strings.HasSuffix(e.Name(), ".gz") || strings.HasSuffix(e.Name(), ".log") {
			d.files = append(d.files, filepath.Join(d.dir, e.Name()))
		}
	}
	return d, nil
}

// generate writes f's two data sets under root: many/ (the generator's
// objects) and one/ (their text, in order, as one gzip object named as the
// first).
func generate(c config, f family, root string) error {
	fmt.Printf("generating %s data (%g MB)...\n", f.name, c.mb)
	// Calibrate the row count on a small run.
	const probe = 4000
	objs, err := f.objects(probe)
	if err != nil {
		return err
	}
	_, size, _, err := texts(f, objs)
	if err != nil {
		return err
	}
	rows := int(float64(probe) * c.mb * 1e6 / float64(size))
	if objs, err = f.objects(rows); err != nil {
		return err
	}
	keys, size, lines, err := texts(f, objs)
	if err != nil {
		return err
	}
	for _, dir := range []string{"many", "one"} {
		if err := os.MkdirAll(filepath.Join(root, dir), 0o755); err != nil {
			return err
		}
	}
	var all bytes.Buffer
	for _, o := range objs {
		if !slices.Contains(keys, o.Key) {
			continue
		}
		if err := os.WriteFile(filepath.Join(root, "many", filepath.Base(o.Key)), o.Data, 0o644); err != nil {
			return err
		}
		zr, err := textOf(o.Data)
		if err != nil {
			return err
		}
		if _, err := io.Copy(&all, zr); err != nil {
			return err
		}
	}
	one := all.Bytes()
	if !f.plain {
		var z bytes.Buffer
		zw := gzip.NewWriter(&z)
		zw.Write(all.Bytes())
		if err := zw.Close(); err != nil {
			return err
		}
		one = z.Bytes()
	}
	if err := os.WriteFile(filepath.Join(root, "one", filepath.Base(keys[0])), one, 0o644); err != nil {
		return err
	}
	m, _ := json.Marshal(data{Lines: lines, Bytes: size})
	for _, dir := range []string{"many", "one"} { // one last: it marks the data complete
		if err := os.WriteFile(filepath.Join(root, dir+".json"), m, 0o644); err != nil {
			return err
		}
	}
	fmt.Printf("  %d objects, %d lines, %.1f MB of text\n", len(keys), lines, float64(size)/1e6)
	return nil
}

// texts returns the keys of the gzip objects of f among objs, with their
// decompressed size and line count.
func texts(f family, objs []gen.Object) (keys []string, size, lines int64, err error) {
	buf := make([]byte, 1<<20)
	for _, o := range objs {
		if input.IsGzip(o.Data) == f.plain || f.keep != nil && !f.keep(o.Key) {
			continue
		}
		keys = append(keys, o.Key)
		zr, err := textOf(o.Data)
		if err != nil {
			return nil, 0, 0, err
		}
		for {
			n, err := zr.Read(buf)
			size += int64(n)
			lines += int64(bytes.Count(buf[:n], []byte{'\n'}))
			if err == io.EOF {
				break
			}
			if err != nil {
				return nil, 0, 0, err
			}
		}
	}
	if len(keys) == 0 {
		return nil, 0, 0, errors.New("the generator made no objects")
	}
	return keys, size, lines, nil
}

// textOf reads an object's text: gunzipped, or as it is when plain.
func textOf(data []byte) (io.Reader, error) {
	if !input.IsGzip(data) {
		return bytes.NewReader(data), nil
	}
	return gzip.NewReader(bytes.NewReader(data))
}

// sample is one timed pass.
type sample struct {
	secs  float64
	cpu   float64 // user and system seconds
	rssMB float64 // 0 when not measured
}

// selfCPU returns the user and system seconds this process used so far.
func selfCPU() float64 {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
}

// measure times the passes over d, runs times, pair by pair, and returns
// the summary lines.
func measure(c config, f family, d *data) ([]string, error) {
	workers := c.workers
	if len(d.files) == 1 {
		workers = 1 // one object: gzip is one stream
	}
	type pass struct {
		name string
		run  func() (sample, error)
		got  []sample
	}
	passes := []*pass{{name: "floor", run: func() (sample, error) { return floor(d.files, workers) }}}
	ways := []bool{false}
	if c.generic && hasAVX512() && os.Getenv(tokenize.GenericEnv) != "1" {
		ways = append(ways, true)
	}
	analysed := true
	for _, generic := range ways {
		suffix := ""
		if generic {
			suffix = " generic"
		}
		if analysed {
			p := &pass{name: "analyze" + suffix, run: func() (sample, error) { return analyze(c, d, generic, false) }}
			// A family the binary does not read yet is only parsed.
			if _, err := p.run(); err != nil {
				if !errors.Is(err, errNotRead) {
					return nil, err
				}
				fmt.Printf("%s: %v\n", d.name, err)
				analysed = false
			} else {
				passes = append(passes, p)
			}
		}
		if analysed && d.s3 != "" {
			passes = append(passes, &pass{name: "analyze s3" + suffix, run: func() (sample, error) { return analyze(c, d, generic, true) }})
		}
		if c.parse {
			passes = append(passes, &pass{name: "parse" + suffix, run: func() (sample, error) { return parse(f, d, c.workers, generic) }})
		}
	}
	floorIs := "decompressing"
	if f.plain {
		floorIs = "reading plain text, no gzip"
	}
	fmt.Printf("\n%s: %d objects, %d lines, %.1f MB of text; floor: %s; load average %s\n", d.name, len(d.files), d.Lines, float64(d.Bytes)/1e6, floorIs, loadAvg())
	for r := range c.runs {
		order := slices.Clone(passes)
		if r%2 == 1 {
			slices.Reverse(order)
		}
		for _, p := range order {
			s, err := p.run()
			if err != nil {
				return nil, fmt.Errorf("%s %s: %w", d.name, p.name, err)
			}
			p.got = append(p.got, s)
		}
		fl := passes[0].got[r].secs
		var line strings.Builder
		flCPU := passes[0].got[r].cpu
		fmt.Fprintf(&line, "  run %d: floor %.2fs (%.0f MB/s, %.2f CPU s)", r+1, fl, float64(d.Bytes)/1e6/fl, flCPU)
		for _, p := range passes[1:] {
			s := p.got[r]
			fmt.Fprintf(&line, "; %s %.2fs = %.2f×, %.2f M lines/s, %.0f MB/s, CPU %.2f×", p.name, s.secs, s.secs/fl, float64(d.Lines)/1e6/s.secs, float64(d.Bytes)/1e6/s.secs, s.cpu/flCPU)
			if s.rssMB > 0 {
				fmt.Fprintf(&line, ", peak RSS %.0f MB", s.rssMB)
			}
		}
		fmt.Println(line.String())
	}
	var out []string
	for _, p := range passes[1:] {
		ratios, cpus, rss := make([]float64, c.runs), make([]float64, c.runs), make([]float64, c.runs)
		for r := range c.runs {
			ratios[r] = p.got[r].secs / passes[0].got[r].secs
			cpus[r] = p.got[r].cpu / passes[0].got[r].cpu
			rss[r] = p.got[r].rssMB
		}
		l := fmt.Sprintf("%-16s %-15s %s×  CPU %s×", d.name, p.name, spread(ratios, "%.2f"), spread(cpus, "%.2f"))
		if f.plain {
			l += "  (floor: reading the files)"
		}
		if slices.Max(rss) > 0 {
			l += fmt.Sprintf("  peak RSS %s MB", spread(rss, "%.0f"))
		}
		out = append(out, l)
	}
	return out, nil
}

func spread(v []float64, format string) string {
	s := slices.Clone(v)
	sort.Float64s(s)
	med := s[len(s)/2]
	if len(s)%2 == 0 {
		med = (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	return fmt.Sprintf(format+" ["+format+"–"+format+"]", med, s[0], s[len(s)-1])
}

// floor decompresses files with workers goroutines and discards the text;
// a plain-text file is only read.
func floor(files []string, workers int) (sample, error) {
	start, cpu0 := time.Now(), selfCPU()
	err := forEach(files, workers, func(path string) error {
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		var r io.Reader = f
		if !strings.HasSuffix(path, ".log") {
			if r, err = gzip.NewReader(f); err != nil {
				return err
			}
		}
		_, err = io.Copy(io.Discard, r)
		return err
	})
	return sample{secs: time.Since(start).Seconds(), cpu: selfCPU() - cpu0}, err
}

func forEach(files []string, workers int, do func(string) error) error {
	var (
		next   atomic.Int64
		wg     sync.WaitGroup
		mu     sync.Mutex
		first  error
		worker = func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= len(files) {
					return
				}
				if err := do(files[i]); err != nil {
					mu.Lock()
					first = cmp(first, err)
					mu.Unlock()
					return
				}
			}
		}
	)
	for range min(workers, len(files)) {
		wg.Add(1)
		go worker()
	}
	wg.Wait()
	return first
}

func cmp(a, b error) error {
	if a != nil {
		return a
	}
	return b
}

var errNotRead = errors.New("not analysed by this build (parse only)")

// analyze runs the binary's analyze over d's folder.
func analyze(c config, d *data, generic, overS3 bool) (sample, error) {
	args := append([]string{"analyze", "-o", "json", "--progress", "never", "--workers", fmt.Sprint(c.workers)}, c.analyzeFlags...)
	input := d.dir
	if overS3 {
		args = append(args, "--endpoint-url", d.s3)
		input = "s3://" + d.set + "/"
	}
	cmd := exec.Command(c.bin, append(args, input)...)
	cmd.Env = os.Environ()
	if overS3 {
		cmd.Env = append(cmd.Env, "AWS_ACCESS_KEY_ID="+gwKey, "AWS_SECRET_ACCESS_KEY="+gwSecret, "AWS_REGION=us-east-1")
	}
	if generic {
		cmd.Env = append(cmd.Env, tokenize.GenericEnv+"=1")
	}
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = io.Discard, &stderr
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return sample{}, err
	}
	peak := watchPeak(cmd.Process.Pid)
	err := cmd.Wait()
	secs := time.Since(start).Seconds()
	rss := peak()
	if err != nil {
		if strings.Contains(stderr.String(), "nothing could be read") || strings.Contains(stderr.String(), "set aside") {
			return sample{}, errNotRead
		}
		return sample{}, fmt.Errorf("%v: %s", err, strings.TrimSpace(stderr.String()))
	}
	cpu := (cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()).Seconds()
	return sample{secs: secs, cpu: cpu, rssMB: rss}, nil
}

// watchPeak polls the peak resident set (VmHWM) of process pid until the
// function it returns is called, which returns the last value read, in
// MB. wait4's ru_maxrss would not do: a child forked from this process
// inherits its high-water mark, which includes the generated data.
func watchPeak(pid int) func() float64 {
	var kb atomic.Int64
	stop := make(chan struct{})
	done := make(chan struct{})
	path := fmt.Sprintf("/proc/%d/status", pid)
	go func() {
		defer close(done)
		t := time.NewTicker(2 * time.Millisecond)
		defer t.Stop()
		for {
			if b, err := os.ReadFile(path); err == nil {
				for _, l := range strings.Split(string(b), "\n") {
					if v, ok := strings.CutPrefix(l, "VmHWM:"); ok {
						var n int64
						fmt.Sscan(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), &n)
						kb.Store(max(kb.Load(), n))
					}
				}
			}
			select {
			case <-stop:
				return
			case <-t.C:
			}
		}
	}()
	return func() float64 {
		close(stop)
		<-done
		return float64(kb.Load()) / 1024
	}
}

// The gateway's credentials, for this loopback server only.
const gwKey, gwSecret = "benche2e", "benche2e-secret"

// gateway is versitygw serving a folder's subfolders as buckets on a port
// of 127.0.0.1.
type gateway struct {
	cmd      *exec.Cmd
	endpoint string
}

func startGateway(bin, root string) (*gateway, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	addr := l.Addr().String()
	l.Close()
	abs, err := filepath.Abs(root)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, "--access", gwKey, "--secret", gwSecret, "--region", "us-east-1", "--port", addr, "--quiet", "posix", abs)
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start versitygw: %w", err)
	}
	g := &gateway{cmd: cmd, endpoint: "http://" + addr}
	for range 100 {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			return g, nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	g.stop()
	return nil, fmt.Errorf("versitygw does not answer on %s", addr)
}

func (g *gateway) stop() {
	if g.cmd.Process != nil && g.cmd.ProcessState == nil {
		g.cmd.Process.Kill()
		g.cmd.Wait()
	}
}

// parse reads d's objects with f's decoder through input.Scan, counting
// rows.
func parse(f family, d *data, workers int, generic bool) (sample, error) {
	was := tokenize.SetVector(!generic && os.Getenv(tokenize.GenericEnv) != "1")
	defer tokenize.SetVector(was)
	objs := make([]input.Object, len(d.files))
	for i, path := range d.files {
		objs[i] = input.Object{Source: parser.Source{Name: filepath.Base(path)}, Size: -1,
			Open: func(context.Context) (io.ReadCloser, error) { return os.Open(path) }}
	}
	start, cpu0 := time.Now(), selfCPU()
	_, results, err := input.Scan(context.Background(), objs, input.ScanOptions{
		Workers:  workers,
		Decoders: []parser.Decoder{f.dec},
		Format:   f.dec.Format(),
		Columns:  map[parser.Format][]string{f.dec.Format(): f.cols},
	}, func() input.Sink { return &counter{} })
	secs, cpu := time.Since(start).Seconds(), selfCPU()-cpu0
	if err != nil {
		return sample{}, err
	}
	total, _, _, failed := input.TotalStats(results)
	if failed > 0 || total.Lines != d.Lines {
		return sample{}, fmt.Errorf("parse read %d of %d lines, %d objects failed", total.Lines, d.Lines, failed)
	}
	return sample{secs: secs, cpu: cpu}, nil
}

type counter struct{ rows int64 }

func (c *counter) Consume(_ parser.Source, _ parser.Format, rec arrow.RecordBatch) error {
	c.rows += rec.NumRows()
	return nil
}

func cpuName() string {
	b, _ := os.ReadFile("/proc/cpuinfo")
	for _, l := range strings.Split(string(b), "\n") {
		if name, ok := strings.CutPrefix(l, "model name"); ok {
			return strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(name), ":"))
		}
	}
	return runtime.GOARCH
}

func loadAvg() string {
	b, _ := os.ReadFile("/proc/loadavg")
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}

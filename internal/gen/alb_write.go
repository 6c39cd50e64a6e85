package gen

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/klauspost/compress/gzip"
)

// Object is one generated S3 object: its key (relative to the bucket) and
// its bytes, gzip-compressed for log objects.
type Object struct {
	Key  string
	Data []byte
}

// ALBTruthOf generates the scenario without writing it and returns its truth.
func ALBTruthOf(sc *ALBScenario) (*ALBTruth, error) {
	g, err := newALBGen(sc)
	if err != nil {
		return nil, err
	}
	return albTruthOf(g, nil), nil
}

// albTruthOf is ALBTruthOf on a generator made ready, calling onRow, when
// not nil, with each row.
func albTruthOf(g *albGen, onRow func(*albRow)) *ALBTruth {
	tr := newALBTruth()
	g.run(func(row *albRow) {
		tr.add(g, row)
		if onRow != nil {
			onRow(row)
		}
	})
	tr.finish(g)
	return tr
}

// WriteALB writes the scenario's rows to w as plain log lines in time order
// (all nodes interleaved, as after concatenating the objects and sorting)
// and returns the truth.
func WriteALB(w io.Writer, sc *ALBScenario) (*ALBTruth, error) {
	g, err := newALBGen(sc)
	if err != nil {
		return nil, err
	}
	return writeALB(w, g, nil)
}

// writeALB is WriteALB on a generator made ready, calling onRow, when not
// nil, with each row written.
func writeALB(w io.Writer, g *albGen, onRow func(*albRow)) (*ALBTruth, error) {
	f := &albFormatter{g: g, layout: g.sc.Layout}
	tr := newALBTruth()
	count := func(row *albRow) {
		tr.add(g, row)
		if onRow != nil {
			onRow(row)
		}
	}
	if err := writeRows(w, nil, g.run, count, f.appendRow); err != nil {
		return nil, fmt.Errorf("write ALB lines: %w", err)
	}
	tr.finish(g)
	return tr, nil
}

const albInterval = 5 * 60 * 1e6 // microseconds

// ALBObjects lays the scenario's rows out as S3 objects in the AWS key
// layout: one gzip object per node per 5-minute interval holding the rows
// whose time falls in it, named
//
//	{Prefix/}AWSLogs/{account}/elasticloadbalancing/{region}/{yyyy}/{mm}/{dd}/
//	{account}_elasticloadbalancing_{region}_app.{lb-name}.{lb-id}_{YYYYMMDDThhmmZ}_{node-ip}_{random}.log.gz
//
// where the time is the interval's end and the date folder is the delivery
// date (interval end + DeliveryDelay). The first object is the plain-text
// AWSLogs/{account}/ELBAccessLogTestFile. Objects come in key order within
// an interval, intervals in time order.
func ALBObjects(sc *ALBScenario) ([]Object, *ALBTruth, error) {
	var objs []Object
	tr, err := albObjects(sc, func(o Object) error {
		objs = append(objs, o)
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	return objs, tr, nil
}

// WriteALBObjects writes ALBObjects under dir, creating folders as needed.
func WriteALBObjects(dir string, sc *ALBScenario) (*ALBTruth, error) {
	return albObjects(sc, func(o Object) error { return writeObject(dir, o) })
}

func writeObject(dir string, o Object) error {
	p := filepath.Join(dir, filepath.FromSlash(o.Key))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return fmt.Errorf("create folder for %q: %w", o.Key, err)
	}
	if err := os.WriteFile(p, o.Data, 0o644); err != nil {
		return fmt.Errorf("write object %q: %w", o.Key, err)
	}
	return nil
}

func albObjects(sc *ALBScenario, put func(Object) error) (*ALBTruth, error) {
	g, err := newALBGen(sc)
	if err != nil {
		return nil, err
	}
	return albObjectsOf(g, put, nil)
}

// albObjectsOf is albObjects on a generator made ready, calling onRow,
// when not nil, with each row laid out.
func albObjectsOf(g *albGen, put func(Object) error, onRow func(*albRow)) (*ALBTruth, error) {
	c := g.sc
	names := rand.New(rand.NewPCG(splitmix(c.Seed^0x6e616d65), 11))
	if err := put(testFileObject(awsLogsRoot(c.Prefix, c.Account), g.elb, c.Start, names)); err != nil {
		return nil, err
	}
	f := &albFormatter{g: g, layout: c.Layout}
	tr := newALBTruth()
	objs := newNodeObjects(c.objectLayout(""), names, put)
	g.run(func(row *albRow) {
		tr.add(g, row)
		if onRow != nil {
			onRow(row)
		}
		if b := objs.buf(row.t, row.node); b != nil {
			*b = f.appendRow(*b, row)
		}
	})
	if err := objs.close(); err != nil {
		return nil, err
	}
	tr.finish(g)
	return tr, nil
}

// awsLogsRoot returns "{prefix/}AWSLogs/{account}/".
func awsLogsRoot(prefix, account string) string {
	if prefix != "" && prefix[len(prefix)-1] != '/' {
		prefix += "/"
	}
	return prefix + "AWSLogs/" + account + "/"
}

// testFileObject returns the plain-text AWSLogs/{account}/ELBAccessLogTestFile
// ELB writes when logging is enabled for the load balancer elb (as its lines
// name it), a few minutes before start, drawn from names.
func testFileObject(root, elb string, start time.Time, names *rand.Rand) Object {
	at := start.Add(-time.Duration(3+names.IntN(50)) * time.Minute).UTC()
	return Object{Key: root + "ELBAccessLogTestFile",
		Data: []byte("Enable AccessLog for ELB: " + elb + " at " + at.Format("2006-01-02T15:04:05.000Z"))}
}

// objectLayout is how the nodes of a load balancer name and pack the
// objects of its logs:
//
//	{root}elasticloadbalancing/{region}/{yyyy}/{mm}/{dd}/
//	{file}{account}_elasticloadbalancing_{region}_{lb}_{YYYYMMDDThhmmZ}_{node-ip}_{random}{ext}
type objectLayout struct {
	root, account, region string
	// file is "" for access logs, "conn_log_" for connection logs and
	// "health_check_log_" for health-check logs.
	file string
	// lb is "app.{lb-name}.{lb-id}" for an ALB, a Classic Load Balancer's
	// bare name.
	lb string
	// ext is ".log.gz" for gzip objects, ".log" for plain text.
	ext string
	// interval is how long a span of lines one object holds, in
	// microseconds; delay how long after its end it is delivered, which
	// names the date folder.
	interval int64
	delay    time.Duration
	nodes    []string
}

// objectLayout returns the layout of the objects of c's load balancer: file
// "" for its access logs, "conn_log_" for its connection logs,
// "health_check_log_" for its health-check logs.
func (c *ALBScenario) objectLayout(file string) objectLayout {
	return objectLayout{root: awsLogsRoot(c.Prefix, c.Account), account: c.Account, region: c.Region, file: file,
		lb: "app." + c.LBName + "." + c.LBID, ext: ".log.gz", interval: albInterval, delay: c.DeliveryDelay, nodes: c.Nodes}
}

// nodeObjects lays lines out as the objects a load balancer's nodes
// deliver (see objectLayout): one object per node per interval holding the
// lines whose time falls in it, gzip-compressed unless the layout's ext is
// ".log". The lines must come in time order; the objects of an interval are
// handed to put in node order once the first line of a later interval
// comes, or on close.
type nodeObjects struct {
	l     objectLayout
	names *rand.Rand
	put   func(Object) error
	bufs  [][]byte
	cur   int64 // the interval of the lines in bufs, -1 before any
	err   error
	zws   []*gzip.Writer
	outs  []bytes.Buffer
	errs  []error
}

func newNodeObjects(l objectLayout, names *rand.Rand, put func(Object) error) *nodeObjects {
	n := len(l.nodes)
	o := &nodeObjects{l: l, names: names, put: put, cur: -1,
		bufs: make([][]byte, n), zws: make([]*gzip.Writer, n), outs: make([]bytes.Buffer, n), errs: make([]error, n)}
	for i := range o.zws {
		o.zws[i], _ = gzip.NewWriterLevel(io.Discard, gzip.BestSpeed)
	}
	return o
}

// buf returns the buffer to append the line of node at time t to (Unix
// microseconds), or nil after an error.
func (o *nodeObjects) buf(t int64, node int) *[]byte {
	if iv := t / o.l.interval; iv != o.cur {
		o.flush()
		o.cur = iv
	}
	if o.err != nil {
		return nil
	}
	return &o.bufs[node]
}

func (o *nodeObjects) flush() {
	if o.cur < 0 || o.err != nil {
		return
	}
	l := &o.l
	gz := l.ext != ".log"
	if gz {
		// Compress the nodes' objects in parallel, then hand them out in
		// node order so the output stays deterministic.
		var wg sync.WaitGroup
		for i, b := range o.bufs {
			if len(b) == 0 {
				continue
			}
			wg.Go(func() {
				o.outs[i] = bytes.Buffer{}
				o.zws[i].Reset(&o.outs[i])
				o.zws[i].Write(b)
				o.errs[i] = o.zws[i].Close()
			})
		}
		wg.Wait()
	}
	end := time.UnixMicro((o.cur + 1) * l.interval).UTC()
	deliv := end.Add(l.delay)
	for i, b := range o.bufs {
		if len(b) == 0 {
			continue
		}
		if o.errs[i] != nil {
			o.err = o.errs[i]
			return
		}
		var rnd [8]byte
		for j := range rnd {
			rnd[j] = "abcdefghijklmnopqrstuvwxyz0123456789"[o.names.IntN(36)]
		}
		key := l.root + "elasticloadbalancing/" + l.region + "/" + deliv.Format("2006/01/02") + "/" + l.file +
			l.account + "_elasticloadbalancing_" + l.region + "_" + l.lb + "_" +
			end.Format("20060102T1504Z") + "_" + l.nodes[i] + "_" + string(rnd[:]) + l.ext
		data := b
		if gz {
			data = o.outs[i].Bytes()
		} else {
			data = bytes.Clone(b) // the object keeps its bytes; the buffer is reused
		}
		if err := o.put(Object{Key: key, Data: data}); err != nil {
			o.err = err
			return
		}
		o.bufs[i] = b[:0]
	}
}

// close hands out the last objects and returns the first error.
func (o *nodeObjects) close() error {
	o.flush()
	return o.err
}

// writeRows writes head and then the rows run emits, each seen by count and
// formatted by format, to w in chunks, and returns the first write error.
func writeRows[R any](w io.Writer, head []byte, run func(emit func(*R)), count func(*R), format func([]byte, *R) []byte) error {
	cw := newChunkWriter(w, head)
	run(func(row *R) {
		count(row)
		if cw.err == nil {
			cw.buf = format(cw.buf, row)
			cw.maybeFlush()
		}
	})
	return cw.close()
}

// chunkWriter gathers rows appended to buf and writes them to w in chunks of
// about 240 KiB, keeping the first write error.
type chunkWriter struct {
	w   io.Writer
	buf []byte
	err error
}

const chunkBytes = 240 << 10

func newChunkWriter(w io.Writer, head []byte) *chunkWriter {
	return &chunkWriter{w: w, buf: append(make([]byte, 0, chunkBytes+16<<10), head...)}
}

// maybeFlush writes buf once it holds a chunk.
func (c *chunkWriter) maybeFlush() {
	if len(c.buf) >= chunkBytes && c.err == nil {
		_, c.err = c.w.Write(c.buf)
		c.buf = c.buf[:0]
	}
}

// close writes what is left and returns the first error.
func (c *chunkWriter) close() error {
	if c.err == nil && len(c.buf) > 0 {
		_, c.err = c.w.Write(c.buf)
		c.buf = c.buf[:0]
	}
	return c.err
}

package gen

import (
	"fmt"
	"io"
	"math/rand/v2"
	"strconv"
	"time"
)

// CLBTruth is what a correct analysis of the generated Classic Load
// Balancer lines must find. Only the HTTP and HTTPS requests have a status:
// the Responses and the Counts of Instances, Nodes, Subnets and Minutes
// count them alone; the TCP and SSL lines are Connections, never 5xx. Map
// keys: Listeners "http", "https", "tcp", "ssl"; Instances "ip:port" of the
// HTTP back end (rows whose backend is "-" count for none); Nodes the node
// IP (from object names); Subnets the instance's /24 ("10.0.2.0/24");
// Minutes the minute's start as Unix seconds.
type CLBTruth struct {
	// Rows is the number of lines, requests and connections.
	Rows        int
	First, Last time.Time // earliest and latest row time
	// Connections is the number of TCP and SSL lines.
	Connections int
	Listeners   map[string]int
	Responses
	Instances map[string]*Counts
	Nodes     map[string]*Counts
	Subnets   map[string]*Counts
	Minutes   map[int64]*Counts
	// Incidents lists the injected incidents in scenario order; Targets
	// holds an incident's instances.
	Incidents []IncidentWindow
}

func newCLBTruth() *CLBTruth {
	return &CLBTruth{
		Listeners: map[string]int{}, Responses: newResponses(), Instances: map[string]*Counts{},
		Nodes: map[string]*Counts{}, Subnets: map[string]*Counts{}, Minutes: map[int64]*Counts{},
	}
}

func (tr *CLBTruth) add(g *clbGen, row *clbRow) {
	widen(&tr.First, &tr.Last, tr.Rows, time.UnixMicro(row.t).UTC())
	tr.Rows++
	tr.Listeners[clbListenerNames[row.listener]]++
	if row.elb == 0 {
		tr.Connections++
		return
	}
	is5 := tr.Responses.add(row.elb, row.cause, row.context)
	if row.instance >= 0 {
		in := &g.instances[row.instance]
		countsOf(tr.Instances, in.addr).add(is5, row.cause)
		countsOf(tr.Subnets, in.subnet).add(is5, row.cause)
	}
	countsOf(tr.Nodes, g.sc.Nodes[row.node]).add(is5, row.cause)
	minuteCounts(tr.Minutes, row.t).add(is5, row.cause)
}

func (tr *CLBTruth) finish(g *clbGen) {
	for _, in := range g.incidents {
		tr.Incidents = append(tr.Incidents, IncidentWindow{
			Name: in.Name, Kind: in.Kind.String(), Cause: in.cause,
			Start: in.Start.UTC(), End: in.End.UTC(), Targets: in.Instances, Node: in.Node, Rows: in.affected,
		})
	}
}

// CLBTruthOf generates the scenario without writing it and returns its
// truth.
func CLBTruthOf(sc *CLBScenario) (*CLBTruth, error) {
	g, err := newCLBGen(sc)
	if err != nil {
		return nil, err
	}
	tr := newCLBTruth()
	g.run(func(row *clbRow) { tr.add(g, row) })
	tr.finish(g)
	return tr, nil
}

// WriteCLB writes the scenario's lines to w in time order (all nodes
// interleaved, as after concatenating the objects and sorting) and returns
// the truth.
func WriteCLB(w io.Writer, sc *CLBScenario) (*CLBTruth, error) {
	g, err := newCLBGen(sc)
	if err != nil {
		return nil, err
	}
	f := &clbFormatter{g: g}
	tr := newCLBTruth()
	if err := writeRows(w, nil, g.run, func(row *clbRow) { tr.add(g, row) }, f.appendRow); err != nil {
		return nil, fmt.Errorf("write CLB lines: %w", err)
	}
	tr.finish(g)
	return tr, nil
}

// CLBObjects lays the scenario's lines out as S3 objects in the AWS key
// layout: one plain-text object per node per publishing interval (5 or 60
// minutes) holding the lines whose time falls in it, named
//
//	{Prefix/}AWSLogs/{account}/elasticloadbalancing/{region}/{yyyy}/{mm}/{dd}/
//	{account}_elasticloadbalancing_{region}_{lb-name}_{YYYYMMDDThhmmZ}_{node-ip}_{random}.log
//
// where the time is the interval's end and the date folder is the delivery
// date (interval end + DeliveryDelay). The first object is the plain-text
// AWSLogs/{account}/ELBAccessLogTestFile. Objects come in node order within
// an interval, intervals in time order.
func CLBObjects(sc *CLBScenario) ([]Object, *CLBTruth, error) {
	var objs []Object
	tr, err := clbObjects(sc, func(o Object) error {
		objs = append(objs, o)
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	return objs, tr, nil
}

// WriteCLBObjects writes CLBObjects under dir, creating folders as needed.
func WriteCLBObjects(dir string, sc *CLBScenario) (*CLBTruth, error) {
	return clbObjects(sc, func(o Object) error { return writeObject(dir, o) })
}

func clbObjects(sc *CLBScenario, put func(Object) error) (*CLBTruth, error) {
	g, err := newCLBGen(sc)
	if err != nil {
		return nil, err
	}
	c := g.sc
	names := rand.New(rand.NewPCG(splitmix(c.Seed^0x6e616d65), 11))
	root := awsLogsRoot(c.Prefix, c.Account)
	if err := put(testFileObject(root, c.LBName, c.Start, names)); err != nil {
		return nil, err
	}
	f := &clbFormatter{g: g}
	tr := newCLBTruth()
	objs := newNodeObjects(objectLayout{root: root, account: c.Account, region: c.Region, lb: c.LBName, ext: ".log",
		interval: c.Interval.Microseconds(), delay: c.DeliveryDelay, nodes: c.Nodes}, names, put)
	g.run(func(row *clbRow) {
		tr.add(g, row)
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

// clbFormatter appends rows as Classic Load Balancer log lines.
type clbFormatter struct {
	g *clbGen
	timeFormatter
}

// appendUs writes microseconds as seconds with six decimals, or -1.
func appendUs(dst []byte, us int) []byte { return appendSeconds(dst, us, 1e6, 6) }

// appendRow appends one log line, with its newline:
//
//	time elb client:port backend:port request_processing_time backend_processing_time
//	response_processing_time elb_status_code backend_status_code received_bytes sent_bytes
//	"request" "user_agent" ssl_cipher ssl_protocol
func (f *clbFormatter) appendRow(dst []byte, row *clbRow) []byte {
	g := f.g
	dst = f.appendTime(dst, row.t, 0)
	dst = append(dst, ' ')
	dst = append(dst, g.sc.LBName...)
	dst = append(dst, ' ')
	dst = append(dst, g.clients[row.client]...)
	dst = append(dst, ':')
	dst = strconv.AppendInt(dst, int64(row.cport), 10)
	dst = append(dst, ' ')
	tcp := row.listener == clbTCP || row.listener == clbSSL
	switch {
	case row.instance < 0:
		dst = append(dst, '-')
	case tcp:
		dst = append(dst, g.instances[row.instance].ip...)
		dst = append(dst, ':')
		dst = strconv.AppendInt(dst, int64(g.sc.TCPPort), 10)
	default:
		dst = append(dst, g.instances[row.instance].addr...)
	}
	dst = append(dst, ' ')
	dst = appendUs(dst, row.rp)
	dst = append(dst, ' ')
	dst = appendUs(dst, row.bp)
	dst = append(dst, ' ')
	dst = appendUs(dst, row.rsp)
	dst = append(dst, ' ')
	if row.elb == 0 {
		dst = append(dst, '-')
	} else {
		dst = strconv.AppendInt(dst, int64(row.elb), 10)
	}
	dst = append(dst, ' ')
	if row.backend == statusDash {
		dst = append(dst, '-')
	} else {
		dst = strconv.AppendInt(dst, int64(row.backend), 10)
	}
	dst = append(dst, ' ')
	dst = strconv.AppendInt(dst, int64(row.recv), 10)
	dst = append(dst, ' ')
	dst = strconv.AppendInt(dst, int64(row.sent), 10)
	if tcp {
		dst = append(dst, ` "- - - " "-" `...)
	} else {
		dst = append(dst, ' ', '"')
		dst = append(dst, row.method...)
		dst = append(dst, ' ')
		dst = appendURL(dst, row.listener == clbHTTPS, g.sc.Host, row.path, row.id, row.query)
		dst = append(dst, ' ')
		dst = append(dst, row.proto...)
		dst = append(dst, '"', ' ')
		dst = appendQuoted(dst, albUAs[row.ua].ua)
		dst = append(dst, ' ')
	}
	if row.listener == clbHTTPS || row.listener == clbSSL {
		s := &clbTLSs[row.tls]
		dst = append(dst, s.cipher...)
		dst = append(dst, ' ')
		dst = append(dst, s.protocol...)
	} else {
		dst = append(dst, '-', ' ', '-')
	}
	return append(dst, '\n')
}

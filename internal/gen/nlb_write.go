package gen

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"time"

	"github.com/klauspost/compress/gzip"
)

// NLBTruthOf generates the scenario without writing it and returns its
// truth.
func NLBTruthOf(sc *NLBScenario) (*NLBTruth, error) {
	g, err := newNLBGen(sc)
	if err != nil {
		return nil, err
	}
	tr := newNLBTruth()
	g.run(func(row *nlbRow) { tr.add(g, row) })
	tr.finish(g)
	return tr, nil
}

// WriteNLB writes the scenario's rows to w as plain log lines in time order
// (all nodes interleaved, as after concatenating the objects and sorting)
// and returns the truth.
func WriteNLB(w io.Writer, sc *NLBScenario) (*NLBTruth, error) {
	g, err := newNLBGen(sc)
	if err != nil {
		return nil, err
	}
	f := &nlbFormatter{g: g, layout: g.sc.Layout}
	tr := newNLBTruth()
	if err := writeRows(w, nil, g.run, func(row *nlbRow) { tr.add(g, row) }, f.appendRow); err != nil {
		return nil, fmt.Errorf("write NLB lines: %w", err)
	}
	tr.finish(g)
	return tr, nil
}

// NLBObjects lays the scenario's rows out as S3 objects in the AWS key
// layout: for every 5-minute interval, one gzip object per node holding the
// rows of that node whose time falls in it (or several, of at most
// ObjectRows rows each), named
//
//	{Prefix/}AWSLogs/{account}/elasticloadbalancing/{region}/{yyyy}/{mm}/{dd}/
//	{account}_elasticloadbalancing_{region}_net.{lb-name}.{lb-id}_{YYYYMMDDThhmmZ}_{random}.log.gz
//
// where the time is the interval's end and the date folder is the delivery
// date (interval end + DeliveryDelay). The name tells no node: only the
// rows' destination addresses do. The first object is the plain-text
// AWSLogs/{account}/ELBAccessLogTestFile. Objects come in node order within
// an interval, intervals in time order; with ObjectRows, an object that
// fills up comes out at once.
func NLBObjects(sc *NLBScenario) ([]Object, *NLBTruth, error) {
	var objs []Object
	tr, err := nlbObjects(sc, func(o Object) error {
		objs = append(objs, o)
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	return objs, tr, nil
}

// WriteNLBObjects writes NLBObjects under dir, creating folders as needed.
func WriteNLBObjects(dir string, sc *NLBScenario) (*NLBTruth, error) {
	return nlbObjects(sc, func(o Object) error { return writeObject(dir, o) })
}

func nlbObjects(sc *NLBScenario, put func(Object) error) (*NLBTruth, error) {
	g, err := newNLBGen(sc)
	if err != nil {
		return nil, err
	}
	c := g.sc
	names := rand.New(rand.NewPCG(splitmix(c.Seed^0x6e6e616d65), 17))
	root := awsLogsRoot(c.Prefix, c.Account)
	if err := put(testFileObject(root, g.elb, c.Start, names)); err != nil {
		return nil, err
	}
	const interval = 300 // seconds
	f := &nlbFormatter{g: g, layout: c.Layout}
	tr := newNLBTruth()
	bufs := make([][]byte, len(c.Nodes))
	rows := make([]int, len(c.Nodes))
	cur := int64(-1 << 62)
	var perr error
	zw, _ := gzip.NewWriterLevel(io.Discard, gzip.BestSpeed)
	// emit puts node i's rows so far as one object of the interval cur.
	emit := func(i int) {
		if perr != nil || len(bufs[i]) == 0 {
			return
		}
		end := time.Unix((cur+1)*interval, 0).UTC()
		var rnd [8]byte
		for j := range rnd {
			rnd[j] = "abcdefghijklmnopqrstuvwxyz0123456789"[names.IntN(36)]
		}
		key := root + "elasticloadbalancing/" + c.Region + "/" + end.Add(c.DeliveryDelay).Format("2006/01/02") + "/" +
			c.Account + "_elasticloadbalancing_" + c.Region + "_net." + c.LBName + "." + c.LBID + "_" +
			end.Format("20060102T1504Z") + "_" + string(rnd[:]) + ".log.gz"
		var out bytes.Buffer
		zw.Reset(&out)
		zw.Write(bufs[i])
		if perr = zw.Close(); perr == nil {
			perr = put(Object{Key: key, Data: out.Bytes()})
		}
		bufs[i], rows[i] = bufs[i][:0], 0
	}
	g.run(func(row *nlbRow) {
		tr.add(g, row)
		if iv := row.t / interval; iv != cur {
			for i := range bufs {
				emit(i)
			}
			cur = iv
		}
		bufs[row.node] = f.appendRow(bufs[row.node], row)
		if rows[row.node]++; rows[row.node] == c.ObjectRows {
			emit(row.node)
		}
	})
	for i := range bufs {
		emit(i)
	}
	if perr != nil {
		return nil, perr
	}
	tr.finish(g)
	return tr, nil
}

package gen

import (
	"fmt"
	"io"
	"math/rand/v2"
	"strconv"
)

// ConnTruthOf generates the scenario without writing it and returns the
// truth of its connection logs and of its access logs.
func ConnTruthOf(sc *ConnScenario) (*ConnTruth, *ALBTruth, error) {
	cg, err := newConnGen(sc)
	if err != nil {
		return nil, nil, err
	}
	albTr := albTruthOf(cg.g, cg.carried)
	tr := newConnTruth()
	cg.finish(tr)
	return tr, albTr, nil
}

// WriteConn writes the scenario's connection-log lines to w and, when
// access is not nil, its access-log lines to access, each in time order
// (all nodes interleaved), and returns both truths.
func WriteConn(w, access io.Writer, sc *ConnScenario) (*ConnTruth, *ALBTruth, error) {
	cg, err := newConnGen(sc)
	if err != nil {
		return nil, nil, err
	}
	var albTr *ALBTruth
	if access != nil {
		if albTr, err = writeALB(access, cg.g, cg.carried); err != nil {
			return nil, nil, err
		}
	} else {
		albTr = albTruthOf(cg.g, cg.carried)
	}
	tr := newConnTruth()
	cg.finish(tr)
	f := cg.formatter()
	cw := newChunkWriter(w, nil)
	for i := range cg.conns {
		cw.buf = f.appendRow(cw.buf, &cg.conns[i])
		cw.maybeFlush()
	}
	if err := cw.close(); err != nil {
		return nil, nil, fmt.Errorf("write connection-log lines: %w", err)
	}
	return tr, albTr, nil
}

// ConnObjects lays the scenario out as S3 objects in the AWS key layout:
// the access-log objects of ALBObjects (the connections' trace IDs in
// their lines), then the connection-log objects, one gzip object per node
// per 5-minute interval holding the connections whose time falls in it,
// named as the access logs' with the prefix "conn_log_":
//
//	{Prefix/}AWSLogs/{account}/elasticloadbalancing/{region}/{yyyy}/{mm}/{dd}/
//	conn_log_{account}_elasticloadbalancing_{region}_app.{lb-name}.{lb-id}_{YYYYMMDDThhmmZ}_{node-ip}_{random}.log.gz
func ConnObjects(sc *ConnScenario) ([]Object, *ConnTruth, *ALBTruth, error) {
	var objs []Object
	tr, albTr, err := connObjects(sc, func(o Object) error {
		objs = append(objs, o)
		return nil
	})
	if err != nil {
		return nil, nil, nil, err
	}
	return objs, tr, albTr, nil
}

// WriteConnObjects writes ConnObjects under dir, creating folders as
// needed.
func WriteConnObjects(dir string, sc *ConnScenario) (*ConnTruth, *ALBTruth, error) {
	return connObjects(sc, func(o Object) error { return writeObject(dir, o) })
}

func connObjects(sc *ConnScenario, put func(Object) error) (*ConnTruth, *ALBTruth, error) {
	cg, err := newConnGen(sc)
	if err != nil {
		return nil, nil, err
	}
	albTr, err := albObjectsOf(cg.g, put, cg.carried)
	if err != nil {
		return nil, nil, err
	}
	tr := newConnTruth()
	cg.finish(tr)
	c := cg.g.sc
	names := rand.New(rand.NewPCG(splitmix(c.Seed^0xc0226e616d65), 17))
	objs := newNodeObjects(c.objectLayout("conn_log_"), names, put)
	f := cg.formatter()
	for i := range cg.conns {
		cn := &cg.conns[i]
		if b := objs.buf(cn.t, cn.node); b != nil {
			*b = f.appendRow(*b, cn)
		}
	}
	if err := objs.close(); err != nil {
		return nil, nil, err
	}
	return tr, albTr, nil
}

// connFormatter appends connections as connection-log lines of 15 fields.
type connFormatter struct {
	cg *connGen
	f  albFormatter // for its timestamps
}

func (cg *connGen) formatter() *connFormatter {
	return &connFormatter{cg: cg, f: albFormatter{g: cg.g}}
}

// appendRow appends one line, with its newline.
func (f *connFormatter) appendRow(dst []byte, cn *connRow) []byte {
	g := f.cg.g
	dst = f.f.appendTime(dst, cn.t, 0)
	dst = append(dst, ' ')
	dst = append(dst, g.clients[cn.client]...)
	dst = append(dst, ' ')
	dst = strconv.AppendInt(dst, int64(cn.cport), 10)
	dst = append(dst, ' ')
	dst = strconv.AppendInt(dst, int64(cn.listener), 10)
	dst = append(dst, ' ')
	if cn.tls >= 0 {
		s := &albTLSs[cn.tls]
		dst = append(dst, s.protocol...)
		dst = append(dst, ' ')
		dst = append(dst, s.cipher...)
		dst = append(dst, ' ')
	} else {
		dst = append(dst, "- - "...)
	}
	if cn.latencyMs >= 0 {
		dst = appendMs(dst, cn.latencyMs)
	} else {
		dst = append(dst, '-')
	}
	dst = append(dst, ' ')
	if cn.cert >= 0 {
		c := &f.cg.certs[cn.cert]
		dst = append(dst, c.subject...)
		dst = append(dst, ' ')
		dst = append(dst, c.validity...)
		dst = append(dst, ' ')
		dst = append(dst, c.serial...)
	} else {
		dst = append(dst, `"-" - -`...)
	}
	dst = append(dst, ' ')
	switch {
	case cn.reason != "":
		dst = append(dst, "Failed:"...)
		dst = append(dst, cn.reason...)
	case cn.listener == 80:
		dst = append(dst, '-')
	default:
		dst = append(dst, "Success"...)
	}
	dst = append(dst, " TID_"...)
	dst = appendHex(dst, cn.tidHi, 16)
	dst = appendHex(dst, cn.tidLo, 16)
	dst = append(dst, ' ')
	if cn.kex >= 0 {
		dst = append(dst, connKex[cn.kex]...)
	} else {
		dst = append(dst, '-')
	}
	dst = append(dst, ' ')
	dst = append(dst, g.elb...)
	dst = append(dst, ' ')
	dst = append(dst, g.sc.Nodes[cn.node]...)
	return append(dst, '\n')
}

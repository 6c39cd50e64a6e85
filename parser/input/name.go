package input

import (
	"github.com/lbtriage/lbtriage/parser"
	"github.com/lbtriage/lbtriage/parser/awskey"
)

// Reasons Classify gives for objects that are skipped on purpose.
const (
	SkipTestFile = "ELB access-log test file"
)

// Classify returns why the object called name should not be read, or "" when
// it should: the ELB test file, and objects named in the Elastic Load
// Balancing layout as a kind of log none of decoders reads. name is a path or
// an S3 key; only its base name counts.
func Classify(name string, decoders []parser.Decoder) (skipReason string) {
	if IsTestFile(name) {
		return SkipTestFile
	}
	base := awskey.BaseName(name)
	k, ok := awskey.ParseELB(base)
	if !ok {
		return ""
	}
	for _, d := range decoders {
		if _, ok := d.ParseName(base); ok {
			return ""
		}
	}
	return unreadReason(k.Title())
}

// IsTestFile reports whether the object called name is the ELB test file.
func IsTestFile(name string) bool { return awskey.BaseName(name) == awskey.TestFile }

// ParseName returns the Source for an object called name (a path or an S3
// key or URL): Name is name itself, and the other fields are what the first
// of decoders whose layout the base name follows tells (parser.Decoder.
// ParseName). Account and Region are also taken from an
// "AWSLogs/{account}/elasticloadbalancing/{region}/" path.
func ParseName(name string, decoders []parser.Decoder) parser.Source {
	src := parser.Source{Name: name}
	src.Account, src.Region = awskey.PathAccount(name)
	base := awskey.BaseName(name)
	for _, d := range decoders {
		s, ok := d.ParseName(base)
		if !ok {
			continue
		}
		s.Name = name
		if s.Account == "" {
			s.Account, s.Region = src.Account, src.Region
		}
		return s
	}
	if k, ok := awskey.ParseELB(base); ok {
		// An ELB log no decoder reads: what the name carries, no format.
		src.Account, src.Region, src.Resource, src.NodeIP = k.Account, k.Region, k.LoadBalancer, k.NodeIP
	}
	return src
}

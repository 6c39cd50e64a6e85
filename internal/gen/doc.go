// Package gen generates deterministic, realistic ALB and CloudFront access-log
// traffic with injected incidents, together with the truth about every 5xx
// row it wrote: which taxonomy cause it carries, which target, node, subnet,
// minute, point of presence and distribution it belongs to; and the ALB
// health checks of the same load balancer, with the truth about every
// failed check and about when targets were out and the load balancer
// failed open.
//
// The generator serves the tests (truth to compare reports against exactly),
// the benchmarks (millions of varied lines), the S3 tests (gzip objects in the
// real AWS key layout across several days) and the demo (SampleIncident).
//
// The same scenario always produces the same bytes: all randomness comes from
// PCG generators seeded from the scenario's Seed, nothing reads the clock and
// no output depends on map iteration order.
//
// Typical use:
//
//	sc := &gen.ALBScenario{
//		Seed:  1,
//		Start: time.Date(2026, 11, 20, 13, 0, 0, 0, time.UTC),
//		End:   time.Date(2026, 11, 20, 14, 0, 0, 0, time.UTC),
//		Rows:  100_000,
//		Incidents: []gen.ALBIncident{
//			gen.NACLSubnet504(t0, t1, "10.0.3.0/24", 0.2),
//		},
//	}
//	truth, err := gen.WriteALB(w, sc)           // plain lines
//	objs, truth, err := gen.ALBObjects(sc)      // gzip objects in the AWS key layout
//	truth, err := gen.WriteALBObjects(dir, sc)  // the same objects on disk
//
// and the same for CloudFront with CFScenario, WriteCloudFront,
// CloudFrontObjects and WriteCloudFrontObjects. ALB health-check logs come
// from a HealthScenario built on an ALBScenario, so that both logs tell one
// story (same load balancer, nodes, targets and target group):
//
//	hs := &gen.HealthScenario{ALB: sc, Incidents: []gen.HealthIncident{
//		gen.MatcherMismatch(t0, sc.End, 299),
//	}}
//	truth, err := gen.WriteHealth(w, hs)
//	objs, truth, err := gen.HealthObjects(hs)
//	objs, albTruth, healthTruth, err := gen.StoryObjects(hs) // access + health objects
//
// Overload returns the incidents of incident 3 for both logs at once.
// SampleIncident, SampleCloudFrontIncident and SampleHealthIncident are the
// demo's scenarios.
//
// Network Load Balancer TLS access logs have no 5xx: NLBScenario describes
// connections, NLBIncident failed handshakes, and NLBTruth counts them by
// reason, alert, client, listener, node, certificate and minute (WriteNLB,
// NLBObjects, WriteNLBObjects, NLBTruthOf, SampleNLBIncident).
//
// Classic Load Balancer access logs have both: CLBScenario's HTTP and HTTPS
// requests, with 5xx by the taxonomy's CLB table (an instance slower than
// the idle timeout, no healthy instance, an instance answering 500, ...),
// and its TCP and SSL listeners' connections, which carry no status.
// CLBTruth counts both (WriteCLB, CLBObjects in plain-text objects of 5 or
// 60 minutes, WriteCLBObjects, CLBTruthOf, SampleCLBIncident).
package gen

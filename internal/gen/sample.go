package gen

import "time"

// SampleIncident returns the demo's ALB scenario, about 30,000 rows over
// 45 minutes (12:50–13:35 UTC on 2026-11-20) of one internet-facing load
// balancer with three nodes and nine targets, three per subnet
// (10.0.1.0/24, 10.0.2.0/24, 10.0.3.0/24), behind AWS WAF.
//
// What happens: at 13:05 a configuration change lowers the application
// server's keep-alive timeout below the load balancer's 60 s idle timeout on
// the three targets of subnet 10.0.2.0/24 (10.0.2.21-23:8080). Until 13:20
// about 12 % of their requests end in 502 with target set, times -1 -1 -1
// and no target status. In the background, target 10.0.1.12:8080 answers
// 500 to about 1 % of its requests during the whole period (an application
// bug), and a handful of clients send requests the load balancer rejects
// with 501/505.
//
// A correct report concludes:
//   - most 5xx are target.connection_error (domain target), several hundred
//     rows, all on 10.0.2.21:8080, 10.0.2.22:8080 and 10.0.2.23:8080, i.e.
//     the subnet 10.0.2.0/24, between 13:05 and 13:20 and spread evenly over
//     the three load balancer nodes (so not a node or zone problem of the
//     load balancer);
//   - the fault is on the target side: check the keep-alive timeout of the
//     servers in that subnet against the idle timeout (and worker limits);
//   - a small steady target.http_5xx on 10.0.1.12:8080 alone (about 30 rows,
//     the application answered 500);
//   - a handful of client.bad_request (501/505) from clients;
//   - no load-balancer-domain 5xx at all.
//
// ALBTruthOf(SampleIncident()) gives the exact numbers.
func SampleIncident() *ALBScenario {
	start := time.Date(2026, 11, 20, 12, 50, 0, 0, time.UTC)
	from := time.Date(2026, 11, 20, 13, 5, 0, 0, time.UTC)
	to := time.Date(2026, 11, 20, 13, 20, 0, 0, time.UTC)
	end := start.Add(45 * time.Minute)
	return &ALBScenario{
		Seed:   20261120,
		Start:  start,
		End:    end,
		Rows:   30000,
		LBName: "shop-prod-alb",
		LBID:   "50dc6c495c0c9188",
		WAF:    true,
		Incidents: []ALBIncident{
			{Name: "keep-alive timeout below idle timeout in 10.0.2.0/24", Kind: ALBConnectionError,
				Start: from, End: to, Rate: 0.12, Subnet: "10.0.2.0/24"},
			{Name: "application bug on 10.0.1.12", Kind: ALBTargetHTTP5xx, Status: 500,
				Start: start, End: end, Rate: 0.01, Targets: []string{"10.0.1.12:8080"}},
			{Name: "clients sending unsupported requests", Kind: ALBBadRequest,
				Start: start, End: end, Rate: 0.0003},
		},
	}
}

// SampleCloudFrontIncident returns the demo's CloudFront scenario: about
// 30,000 rows over 45 minutes (12:50–13:35 UTC on 2026-11-20) of two
// distributions, www.example.com (E2QWRUHAPOMQZL, origin: the shop's ALB)
// and static.example.com (E1ASSETS7XK3Q9, S3 origin).
//
// What happens: at 13:10 the certificate of www.example.com's origin
// expires (an ACM certificate validated by email that did not renew).
// From then on every cache miss of that distribution fails with 502, RT
// Error, DT OriginConnectError, in well under a second; its cache hits
// keep being served, and static.example.com is untouched.
//
// A correct report concludes: all 5xx are origin.connect_error (domain
// origin), all on E2QWRUHAPOMQZL, all from 13:10 on, on every edge location
// alike; every cache miss of that distribution fails since 13:10 while hits
// are fine, so CloudFront cannot reach the origin: check the origin
// certificate (expiry, chain, names against the origin domain or Host
// header). A few status 000 rows are client aborts, not errors.
func SampleCloudFrontIncident() *CFScenario {
	start := time.Date(2026, 11, 20, 12, 50, 0, 0, time.UTC)
	end := start.Add(45 * time.Minute)
	return &CFScenario{
		Seed:  20261120,
		Start: start,
		End:   end,
		Rows:  30000,
		Incidents: []CFIncident{
			{Name: "origin certificate expired", Kind: CFOriginConnectError, Distribution: "E2QWRUHAPOMQZL",
				Start: time.Date(2026, 11, 20, 13, 10, 0, 0, time.UTC), End: end, Rate: 1},
			{Name: "viewers leaving early", Kind: CFClientAborted, Start: start, End: end, Rate: 0.001},
		},
	}
}

// EveryCFCause returns one incident per CloudFront kind (every taxonomy
// cause plus client aborts) over [start, end) at the given rate.
func EveryCFCause(start, end time.Time, rate float64) []CFIncident {
	var out []CFIncident
	for k := CFOriginConnectError; k <= CFClientAborted; k++ {
		out = append(out, CFIncident{Name: "every cause: " + k.String(), Kind: k, Start: start, End: end, Rate: rate})
	}
	return out
}

// SamplePartnerTLSIncident returns the demo's connection-log scenario:
// about 30,000 requests over 45 minutes (12:40–13:25 UTC on 2026-11-20) to
// the load balancer of SampleIncident (three nodes, nine targets), whose
// access lines carry the trace IDs of their connections, kept alive for a
// few requests each. Eight partners call its mutual-TLS listener on port
// 8443 (about 6 % of the requests), each with its client certificate.
//
// What happens: at 13:00 the client certificates of two partners, Contoso
// Payments (203.0.113.24) and Tailspin Travel (203.0.113.57), expire. From
// then on every handshake of theirs fails verification
// (Failed:ClientCertExpired) and they make no request: the access logs
// simply lose them, after the connections they already had close. In the
// background, three unknown devices (198.51.100.x) present self-signed
// certificates to port 8443 now and then (Failed:ClientCertUntrusted).
// Access logs show nothing wrong.
//
// A correct report concludes: connections fail only on listener 8443;
// from 13:00 all of them from 203.0.113.24 and 203.0.113.57, with
// ClientCertExpired: their client certificates expired at 13:00, so they
// must be renewed (the certificates' NotAfter says so); the few
// ClientCertUntrusted from 198.51.100.x are unrelated strays; the other
// six partners connect as before.
//
// ConnTruthOf(SamplePartnerTLSIncident()) gives the exact numbers.
func SamplePartnerTLSIncident() *ConnScenario {
	start := time.Date(2026, 11, 20, 12, 40, 0, 0, time.UTC)
	end := start.Add(45 * time.Minute)
	expiry := time.Date(2026, 11, 20, 13, 0, 0, 0, time.UTC)
	validFrom, validTo := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC)
	partner := func(name, ip string, weight int) ConnPartner {
		return ConnPartner{Name: name, IP: ip, NotBefore: validFrom, NotAfter: validTo, Weight: weight}
	}
	partners := []ConnPartner{
		partner("Northwind Logistics", "203.0.113.11", 3),
		partner("Contoso Payments", "203.0.113.24", 3),
		partner("Fabrikam Freight", "203.0.113.36", 2),
		partner("Adventure Works", "203.0.113.42", 2),
		partner("Tailspin Travel", "203.0.113.57", 2),
		partner("Wide World Importers", "203.0.113.63", 1),
		partner("Litware Insurance", "203.0.113.78", 1),
		partner("Proseware Health", "203.0.113.85", 1),
	}
	for _, i := range []int{1, 4} {
		partners[i].NotBefore, partners[i].NotAfter = expiry.AddDate(-1, 0, 0), expiry
	}
	return &ConnScenario{
		ALB: &ALBScenario{
			Seed:   20261121,
			Start:  start,
			End:    end,
			Rows:   30000,
			LBName: "shop-prod-alb",
			LBID:   "50dc6c495c0c9188",
		},
		Partners:     partners,
		PartnerShare: 0.06,
		Incidents: []ConnIncident{
			{Name: "unknown devices with self-signed certificates", Reason: ConnCertUntrusted,
				Start: start, End: end, Attempts: 24, Strangers: 3},
		},
	}
}

// SampleCLBIncident returns the demo's Classic Load Balancer scenario,
// about 30,000 lines over 45 minutes (12:50–13:35 UTC on 2026-11-20) of one
// internet-facing Classic Load Balancer, shop-prod-clb, with three nodes
// and six instances, two per subnet (10.0.1.0/24, 10.0.2.0/24,
// 10.0.3.0/24), publishing every 60 minutes. Besides the shop's HTTP and
// HTTPS listeners, a TCP and an SSL listener carry the devices' MQTT
// connections (about 4 % of the lines, no status).
//
// What happens: at 13:05 a release with a misconfigured database pool
// reaches instance 10.0.2.21:80. Until 13:20 about 30 % of its requests
// hang past the load balancer's 60 s idle timeout and end in 504; the log
// writes them with backend "-", times -1 -1 -1 and backend status 0 or
// "-", so the 504 lines do not name the instance: it shows through its
// other requests, half of which take 18 to 57 s (backend_processing_time)
// where the other instances answer in well under a second. In the
// background, instance 10.0.3.31:80 answers 500 to about 1 % of its
// requests during the whole period (an application bug), and a handful of
// clients send requests the load balancer refuses (400, 408).
//
// A correct report concludes:
//   - most 5xx are target.timeout (domain target), several hundred lines,
//     between 13:05 and 13:20, spread evenly over the three nodes; the
//     instance is 10.0.2.21:80, the only one whose requests take nearly
//     the idle timeout in that window: check what it waits for, or raise
//     the idle timeout;
//   - a small steady target.http_5xx on 10.0.3.31:80 alone (a few dozen
//     lines);
//   - no load-balancer-domain 5xx, and the TCP and SSL connections are no
//     5xx.
//
// CLBTruthOf(SampleCLBIncident()) gives the exact numbers.
func SampleCLBIncident() *CLBScenario {
	start := time.Date(2026, 11, 20, 12, 50, 0, 0, time.UTC)
	from := time.Date(2026, 11, 20, 13, 5, 0, 0, time.UTC)
	to := time.Date(2026, 11, 20, 13, 20, 0, 0, time.UTC)
	end := start.Add(45 * time.Minute)
	return &CLBScenario{
		Seed:   20261120,
		Start:  start,
		End:    end,
		Rows:   30000,
		LBName: "shop-prod-clb",
		Incidents: []CLBIncident{
			{Name: "database pool exhausted on 10.0.2.21 after a release", Kind: CLBTimeout,
				Start: from, End: to, Rate: 0.3, Slow: 0.5, Instances: []string{"10.0.2.21:80"}},
			CLBInstance500(start, end, "10.0.3.31:80", 0.01),
		},
	}
}

-- lbtriage sql --dialect clickhouse: the tables of the Parquet lake that
-- lbtriage export writes (schema version 1), then the report's queries. Replace s3://BUCKET/PREFIX with the lake's root.

-- Read day=YYYY-MM-DD folders as the column day.
SET use_hive_partitioning = 1;

-- The clb rows of the lake at s3://BUCKET/PREFIX, partitioned by day (UTC).
CREATE OR REPLACE VIEW lbtriage_clb AS
SELECT * FROM s3('s3://BUCKET/PREFIX/clb/day=*/*.parquet', 'Parquet');

-- The clb 5xx by domain and cause, as lbtriage classified them.
SELECT "domain", "cause", count(*) AS errors_5xx
FROM lbtriage_clb
WHERE "cause" IS NOT NULL
GROUP BY "domain", "cause"
ORDER BY errors_5xx DESC, "cause";

-- The same from the raw columns: lbtriage's clb rules as one CASE, for tables
-- without the cause column.
SELECT cause_by_rules, count(*) AS errors_5xx
FROM (
  SELECT CASE
    WHEN NOT COALESCE(("elb_status_code" >= 500 AND "elb_status_code" <= 599), FALSE) THEN NULL
    WHEN "backend_status_code" = "elb_status_code" THEN 'target.http_5xx'
    WHEN "backend_status_code" IS NOT NULL THEN 'target.malformed_response'
    WHEN ("elb_status_code" = 502 AND "backend_processing_time" >= 0) THEN 'target.malformed_response'
    WHEN "elb_status_code" = 502 THEN 'target.connection_error'
    WHEN "elb_status_code" = 504 THEN 'target.timeout'
    WHEN ("elb_status_code" = 503 AND "backend_ip" IS NULL) THEN 'lb.no_targets'
    WHEN "elb_status_code" = 503 THEN 'target.connection_error'
    ELSE 'lb.internal'
  END AS cause_by_rules
  FROM lbtriage_clb
) AS classified
WHERE cause_by_rules IS NOT NULL
GROUP BY cause_by_rules
ORDER BY errors_5xx DESC, cause_by_rules;

-- The targets: requests, 5xx, and processing time percentiles in milliseconds
-- (approximate).
SELECT "backend_ip", "backend_port", "subnet", count(*) AS requests, sum(CASE WHEN "cause" IS NOT NULL THEN 1 ELSE 0 END) AS errors_5xx,
  quantile(0.5)("backend_processing_time" * 1000) AS p50_ms, quantile(0.95)("backend_processing_time" * 1000) AS p95_ms, quantile(0.99)("backend_processing_time" * 1000) AS p99_ms
FROM lbtriage_clb
WHERE "backend_ip" IS NOT NULL AND COALESCE("listener" IN ('http', 'https'), FALSE)
GROUP BY "backend_ip", "backend_port", "subnet"
ORDER BY errors_5xx DESC, requests DESC, "backend_ip", "backend_port";

-- The timeline: requests and 5xx by minute (UTC).
SELECT toStartOfMinute("time") AS minute, count(*) AS requests, sum(CASE WHEN "cause" IS NOT NULL THEN 1 ELSE 0 END) AS errors_5xx
FROM lbtriage_clb
WHERE COALESCE("listener" IN ('http', 'https'), FALSE)
GROUP BY toStartOfMinute("time")
ORDER BY minute;


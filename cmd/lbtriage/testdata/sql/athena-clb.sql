-- lbtriage sql --dialect athena: the tables of the Parquet lake that
-- lbtriage export writes (schema version 1), then the report's queries. Replace s3://BUCKET/PREFIX with the lake's root.

-- The clb rows of the lake at s3://BUCKET/PREFIX, partitioned by day (UTC).
-- Partition projection finds the days: no MSCK REPAIR; narrow
-- projection.day.range to your data.
CREATE EXTERNAL TABLE IF NOT EXISTS lbtriage_clb (
  `time` timestamp,
  `elb` string,
  `client_ip` string,
  `client_port` int,
  `backend_ip` string,
  `backend_port` int,
  `request_processing_time` double,
  `backend_processing_time` double,
  `response_processing_time` double,
  `elb_status_code` int,
  `backend_status_code` int,
  `received_bytes` bigint,
  `sent_bytes` bigint,
  `request_method` string,
  `request_url` string,
  `request_proto` string,
  `user_agent` string,
  `ssl_cipher` string,
  `ssl_protocol` string,
  `listener` string,
  `cause` string,
  `domain` string,
  `duration` double,
  `subnet` string,
  `resource` string,
  `node_ip` string,
  `account_id` string,
  `region` string
)
PARTITIONED BY (`day` string)
STORED AS PARQUET
LOCATION 's3://BUCKET/PREFIX/clb/'
TBLPROPERTIES (
  'projection.enabled' = 'true',
  'projection.day.type' = 'date',
  'projection.day.format' = 'yyyy-MM-dd',
  'projection.day.range' = '2020-01-01,NOW',
  'projection.day.interval' = '1',
  'projection.day.interval.unit' = 'DAYS',
  'storage.location.template' = 's3://BUCKET/PREFIX/clb/day=${day}/'
);

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
  approx_percentile("backend_processing_time" * 1000, 0.5) AS p50_ms, approx_percentile("backend_processing_time" * 1000, 0.95) AS p95_ms, approx_percentile("backend_processing_time" * 1000, 0.99) AS p99_ms
FROM lbtriage_clb
WHERE "backend_ip" IS NOT NULL AND COALESCE("listener" IN ('http', 'https'), FALSE)
GROUP BY "backend_ip", "backend_port", "subnet"
ORDER BY errors_5xx DESC, requests DESC, "backend_ip", "backend_port";

-- The timeline: requests and 5xx by minute (UTC).
SELECT date_trunc('minute', "time") AS minute, count(*) AS requests, sum(CASE WHEN "cause" IS NOT NULL THEN 1 ELSE 0 END) AS errors_5xx
FROM lbtriage_clb
WHERE COALESCE("listener" IN ('http', 'https'), FALSE)
GROUP BY date_trunc('minute', "time")
ORDER BY minute;


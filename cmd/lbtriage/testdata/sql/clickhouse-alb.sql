-- lbtriage sql --dialect clickhouse: the tables of the Parquet lake that
-- lbtriage export writes (schema version 1), then the report's queries. Replace s3://BUCKET/PREFIX with the lake's root.

-- Read day=YYYY-MM-DD folders as the column day.
SET use_hive_partitioning = 1;

-- The alb rows of the lake at s3://BUCKET/PREFIX, partitioned by day (UTC).
CREATE OR REPLACE VIEW lbtriage_alb AS
SELECT * FROM s3('s3://BUCKET/PREFIX/alb/day=*/*.parquet', 'Parquet');

-- The alb 5xx by domain and cause, as lbtriage classified them.
SELECT "domain", "cause", count(*) AS errors_5xx
FROM lbtriage_alb
WHERE "cause" IS NOT NULL
GROUP BY "domain", "cause"
ORDER BY errors_5xx DESC, "cause";

-- The same from the raw columns: lbtriage's alb rules as one CASE, for tables
-- without the cause column.
SELECT cause_by_rules, count(*) AS errors_5xx
FROM (
  SELECT CASE
    WHEN NOT COALESCE(("elb_status_code" >= 500 AND "elb_status_code" <= 599), FALSE) THEN NULL
    WHEN "error_reason" IN ('LambdaServiceException', 'LambdaConnectionError', 'LambdaConnectionTimeout', 'LambdaUnhandledException') THEN 'lb.lambda_service'
    WHEN "error_reason" LIKE 'Lambda%' THEN 'target.lambda_error'
    WHEN ("error_reason" LIKE 'Auth%' OR "elb_status_code" = 561) THEN 'lb.auth_error'
    WHEN ("error_reason" LIKE 'WAF%' OR "actions_executed" LIKE '%waf-failed%') THEN 'lb.waf_error'
    WHEN "actions_executed" LIKE '%fixed-response%' THEN 'lb.fixed_response'
    WHEN ("target_status_code" IS NULL AND "elb_status_code" IN (501, 505)) THEN 'client.bad_request'
    WHEN "target_status_code" = "elb_status_code" THEN 'target.http_5xx'
    WHEN "target_status_code" IS NOT NULL THEN 'target.malformed_response'
    WHEN ("target_ip" IS NULL AND "elb_status_code" = 503) THEN 'lb.no_targets'
    WHEN "target_ip" IS NULL THEN 'lb.internal'
    WHEN ("elb_status_code" = 502 AND ("target_processing_time" IS NULL OR "target_processing_time" < 0)) THEN 'target.connection_error'
    WHEN "elb_status_code" = 502 THEN 'target.malformed_response'
    WHEN ("elb_status_code" = 504 AND "duration" >= 9.5 AND "duration" < 11) THEN 'target.connect_timeout'
    WHEN "elb_status_code" = 504 THEN 'target.timeout'
    ELSE 'target.connection_error'
  END AS cause_by_rules
  FROM lbtriage_alb
) AS classified
WHERE cause_by_rules IS NOT NULL
GROUP BY cause_by_rules
ORDER BY errors_5xx DESC, cause_by_rules;

-- The targets: requests, 5xx, and processing time percentiles in milliseconds
-- (approximate).
SELECT "target_ip", "target_port", "subnet", count(*) AS requests, sum(CASE WHEN "cause" IS NOT NULL THEN 1 ELSE 0 END) AS errors_5xx,
  quantile(0.5)("target_processing_time" * 1000) AS p50_ms, quantile(0.95)("target_processing_time" * 1000) AS p95_ms, quantile(0.99)("target_processing_time" * 1000) AS p99_ms
FROM lbtriage_alb
WHERE "target_ip" IS NOT NULL
GROUP BY "target_ip", "target_port", "subnet"
ORDER BY errors_5xx DESC, requests DESC, "target_ip", "target_port";

-- The timeline: requests and 5xx by minute (UTC).
SELECT toStartOfMinute("time") AS minute, count(*) AS requests, sum(CASE WHEN "cause" IS NOT NULL THEN 1 ELSE 0 END) AS errors_5xx
FROM lbtriage_alb
GROUP BY toStartOfMinute("time")
ORDER BY minute;


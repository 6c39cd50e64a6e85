-- lbtriage sql --dialect trino: the tables of the Parquet lake that
-- lbtriage export writes (schema version 1), then the report's queries. Replace s3://BUCKET/PREFIX with the lake's root.

-- The alb rows of the lake at s3://BUCKET/PREFIX, partitioned by day (UTC). In
-- a Hive connector catalog and schema (USE hive.logs).
CREATE TABLE IF NOT EXISTS lbtriage_alb (
  "type" varchar,
  "time" timestamp,
  "elb" varchar,
  "client_ip" varchar,
  "client_port" integer,
  "target_ip" varchar,
  "target_port" integer,
  "request_processing_time" double,
  "target_processing_time" double,
  "response_processing_time" double,
  "elb_status_code" integer,
  "target_status_code" integer,
  "received_bytes" bigint,
  "sent_bytes" bigint,
  "request_method" varchar,
  "request_url" varchar,
  "request_proto" varchar,
  "user_agent" varchar,
  "ssl_cipher" varchar,
  "ssl_protocol" varchar,
  "target_group_arn" varchar,
  "trace_id" varchar,
  "domain_name" varchar,
  "chosen_cert_arn" varchar,
  "matched_rule_priority" integer,
  "request_creation_time" timestamp,
  "actions_executed" varchar,
  "redirect_url" varchar,
  "error_reason" varchar,
  "target_port_list" varchar,
  "target_status_code_list" varchar,
  "classification" varchar,
  "classification_reason" varchar,
  "conn_trace_id" varchar,
  "transformed_host" varchar,
  "transformed_uri" varchar,
  "request_transform_status" varchar,
  "cause" varchar,
  "domain" varchar,
  "duration" double,
  "subnet" varchar,
  "resource" varchar,
  "node_ip" varchar,
  "account_id" varchar,
  "region" varchar,
  "day" varchar
)
WITH (
  format = 'PARQUET',
  external_location = 's3://BUCKET/PREFIX/alb/',
  partitioned_by = ARRAY['day']
);

-- Register the day partitions present, and again after each export of new
-- days; name the table's schema.
CALL system.sync_partition_metadata(schema_name => 'default', table_name => 'lbtriage_alb', mode => 'FULL');

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
  approx_percentile("target_processing_time" * 1000, 0.5) AS p50_ms, approx_percentile("target_processing_time" * 1000, 0.95) AS p95_ms, approx_percentile("target_processing_time" * 1000, 0.99) AS p99_ms
FROM lbtriage_alb
WHERE "target_ip" IS NOT NULL
GROUP BY "target_ip", "target_port", "subnet"
ORDER BY errors_5xx DESC, requests DESC, "target_ip", "target_port";

-- The timeline: requests and 5xx by minute (UTC).
SELECT date_trunc('minute', "time") AS minute, count(*) AS requests, sum(CASE WHEN "cause" IS NOT NULL THEN 1 ELSE 0 END) AS errors_5xx
FROM lbtriage_alb
GROUP BY date_trunc('minute', "time")
ORDER BY minute;


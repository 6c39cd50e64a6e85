-- lbtriage sql --dialect trino: the tables of the Parquet lake that
-- lbtriage export writes (schema version 1), then the report's queries. Replace s3://BUCKET/PREFIX with the lake's root.

-- The cloudfront rows of the lake at s3://BUCKET/PREFIX, partitioned by day
-- (UTC). In a Hive connector catalog and schema (USE hive.logs).
CREATE TABLE IF NOT EXISTS lbtriage_cloudfront (
  "time" timestamp,
  "x_edge_location" varchar,
  "sc_bytes" bigint,
  "c_ip" varchar,
  "cs_method" varchar,
  "cs_host" varchar,
  "cs_uri_stem" varchar,
  "sc_status" integer,
  "cs_referer" varchar,
  "cs_user_agent" varchar,
  "cs_uri_query" varchar,
  "cs_cookie" varchar,
  "x_edge_result_type" varchar,
  "x_edge_request_id" varchar,
  "x_host_header" varchar,
  "cs_protocol" varchar,
  "cs_bytes" bigint,
  "time_taken" double,
  "x_forwarded_for" varchar,
  "ssl_protocol" varchar,
  "ssl_cipher" varchar,
  "x_edge_response_result_type" varchar,
  "cs_protocol_version" varchar,
  "fle_status" varchar,
  "fle_encrypted_fields" integer,
  "c_port" integer,
  "time_to_first_byte" double,
  "x_edge_detailed_result_type" varchar,
  "sc_content_type" varchar,
  "sc_content_len" bigint,
  "sc_range_start" bigint,
  "sc_range_end" bigint,
  "distribution_tenant_id" varchar,
  "connection_id" varchar,
  "origin_fbl" double,
  "origin_lbl" double,
  "asn" varchar,
  "c_country" varchar,
  "cache_behavior_path_pattern" varchar,
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
  external_location = 's3://BUCKET/PREFIX/cloudfront/',
  partitioned_by = ARRAY['day']
);

-- Register the day partitions present, and again after each export of new
-- days; name the table's schema.
CALL system.sync_partition_metadata(schema_name => 'default', table_name => 'lbtriage_cloudfront', mode => 'FULL');

-- The cloudfront 5xx by domain and cause, as lbtriage classified them.
SELECT "domain", "cause", count(*) AS errors_5xx
FROM lbtriage_cloudfront
WHERE "cause" IS NOT NULL
GROUP BY "domain", "cause"
ORDER BY errors_5xx DESC, "cause";

-- The same from the raw columns: lbtriage's cloudfront rules as one CASE, for
-- tables without the cause column.
SELECT cause_by_rules, count(*) AS errors_5xx
FROM (
  SELECT CASE
    WHEN NOT COALESCE(("sc_status" >= 500 AND "sc_status" <= 599), FALSE) THEN NULL
    WHEN (CASE WHEN "x_edge_detailed_result_type" IS NULL OR "x_edge_detailed_result_type" IN ('', '-') THEN "x_edge_result_type" ELSE "x_edge_detailed_result_type" END IN ('CapacityExceeded', 'LimitExceeded') OR "x_edge_result_type" IN ('CapacityExceeded', 'LimitExceeded')) THEN 'edge.capacity'
    WHEN (((CASE WHEN "x_edge_detailed_result_type" IS NULL OR "x_edge_detailed_result_type" IN ('', '-') THEN "x_edge_result_type" ELSE "x_edge_detailed_result_type" END LIKE 'Lambda%' OR CASE WHEN "x_edge_detailed_result_type" IS NULL OR "x_edge_detailed_result_type" IN ('', '-') THEN "x_edge_result_type" ELSE "x_edge_detailed_result_type" END LIKE 'Function%') AND NOT COALESCE(CASE WHEN "x_edge_detailed_result_type" IS NULL OR "x_edge_detailed_result_type" IN ('', '-') THEN "x_edge_result_type" ELSE "x_edge_detailed_result_type" END LIKE '%GeneratedResponse', FALSE)) OR (("x_edge_result_type" LIKE 'Lambda%' OR "x_edge_result_type" LIKE 'Function%') AND NOT COALESCE("x_edge_result_type" LIKE '%GeneratedResponse', FALSE))) THEN 'edge.function_error'
    WHEN CASE WHEN "x_edge_detailed_result_type" IS NULL OR "x_edge_detailed_result_type" IN ('', '-') THEN "x_edge_result_type" ELSE "x_edge_detailed_result_type" END IN ('MissGeneratedResponse', 'LambdaGeneratedResponse', 'FunctionGeneratedResponse') THEN 'edge.generated'
    WHEN CASE WHEN "x_edge_detailed_result_type" IS NULL OR "x_edge_detailed_result_type" IN ('', '-') THEN "x_edge_result_type" ELSE "x_edge_detailed_result_type" END = 'OriginConnectError' THEN 'origin.connect_error'
    WHEN CASE WHEN "x_edge_detailed_result_type" IS NULL OR "x_edge_detailed_result_type" IN ('', '-') THEN "x_edge_result_type" ELSE "x_edge_detailed_result_type" END = 'OriginDnsError' THEN 'origin.dns_error'
    WHEN CASE WHEN "x_edge_detailed_result_type" IS NULL OR "x_edge_detailed_result_type" IN ('', '-') THEN "x_edge_result_type" ELSE "x_edge_detailed_result_type" END = 'OriginCommError' THEN 'origin.timeout'
    WHEN CASE WHEN "x_edge_detailed_result_type" IS NULL OR "x_edge_detailed_result_type" IN ('', '-') THEN "x_edge_result_type" ELSE "x_edge_detailed_result_type" END IN ('OriginInvalidResponseError', 'OriginHeaderTooBigError', 'OriginZeroSizeObjectError', 'OriginContentRangeLengthError') THEN 'origin.invalid_response'
    WHEN (CASE WHEN "x_edge_detailed_result_type" IS NULL OR "x_edge_detailed_result_type" IN ('', '-') THEN "x_edge_result_type" ELSE "x_edge_detailed_result_type" END IN ('AbortedOrigin', 'SlowReaderOriginError') OR CASE WHEN "x_edge_detailed_result_type" IS NULL OR "x_edge_detailed_result_type" IN ('', '-') THEN "x_edge_result_type" ELSE "x_edge_detailed_result_type" END LIKE 'Origin%') THEN 'origin.other'
    WHEN (CASE WHEN "x_edge_detailed_result_type" IS NULL OR "x_edge_detailed_result_type" IN ('', '-') THEN "x_edge_result_type" ELSE "x_edge_detailed_result_type" END LIKE 'Client%' OR CASE WHEN "x_edge_detailed_result_type" IS NULL OR "x_edge_detailed_result_type" IN ('', '-') THEN "x_edge_result_type" ELSE "x_edge_detailed_result_type" END LIKE 'InvalidRequest%') THEN 'client.request_error'
    ELSE 'origin.http_5xx'
  END AS cause_by_rules
  FROM lbtriage_cloudfront
) AS classified
WHERE cause_by_rules IS NOT NULL
GROUP BY cause_by_rules
ORDER BY errors_5xx DESC, cause_by_rules;

-- The timeline: requests and 5xx by minute (UTC).
SELECT date_trunc('minute', "time") AS minute, count(*) AS requests, sum(CASE WHEN "cause" IS NOT NULL THEN 1 ELSE 0 END) AS errors_5xx
FROM lbtriage_cloudfront
GROUP BY date_trunc('minute', "time")
ORDER BY minute;


-- lbtriage sql --dialect athena: the tables of the Parquet lake that
-- lbtriage export writes (schema version 1), then the report's queries. Replace s3://BUCKET/PREFIX with the lake's root.

-- The cloudfront rows of the lake at s3://BUCKET/PREFIX, partitioned by day
-- (UTC). Partition projection finds the days: no MSCK REPAIR; narrow
-- projection.day.range to your data.
CREATE EXTERNAL TABLE IF NOT EXISTS lbtriage_cloudfront (
  `time` timestamp,
  `x_edge_location` string,
  `sc_bytes` bigint,
  `c_ip` string,
  `cs_method` string,
  `cs_host` string,
  `cs_uri_stem` string,
  `sc_status` int,
  `cs_referer` string,
  `cs_user_agent` string,
  `cs_uri_query` string,
  `cs_cookie` string,
  `x_edge_result_type` string,
  `x_edge_request_id` string,
  `x_host_header` string,
  `cs_protocol` string,
  `cs_bytes` bigint,
  `time_taken` double,
  `x_forwarded_for` string,
  `ssl_protocol` string,
  `ssl_cipher` string,
  `x_edge_response_result_type` string,
  `cs_protocol_version` string,
  `fle_status` string,
  `fle_encrypted_fields` int,
  `c_port` int,
  `time_to_first_byte` double,
  `x_edge_detailed_result_type` string,
  `sc_content_type` string,
  `sc_content_len` bigint,
  `sc_range_start` bigint,
  `sc_range_end` bigint,
  `distribution_tenant_id` string,
  `connection_id` string,
  `origin_fbl` double,
  `origin_lbl` double,
  `asn` string,
  `c_country` string,
  `cache_behavior_path_pattern` string,
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
LOCATION 's3://BUCKET/PREFIX/cloudfront/'
TBLPROPERTIES (
  'projection.enabled' = 'true',
  'projection.day.type' = 'date',
  'projection.day.format' = 'yyyy-MM-dd',
  'projection.day.range' = '2020-01-01,NOW',
  'projection.day.interval' = '1',
  'projection.day.interval.unit' = 'DAYS',
  'storage.location.template' = 's3://BUCKET/PREFIX/cloudfront/day=${day}/'
);

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


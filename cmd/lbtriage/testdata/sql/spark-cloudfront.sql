-- lbtriage sql --dialect spark: the tables of the Parquet lake that
-- lbtriage export writes (schema version 1), then the report's queries. Replace s3://BUCKET/PREFIX with the lake's root.

-- The cloudfront rows of the lake at s3://BUCKET/PREFIX, partitioned by day
-- (UTC).
CREATE TABLE IF NOT EXISTS lbtriage_cloudfront (
  `time` TIMESTAMP,
  `x_edge_location` STRING,
  `sc_bytes` BIGINT,
  `c_ip` STRING,
  `cs_method` STRING,
  `cs_host` STRING,
  `cs_uri_stem` STRING,
  `sc_status` INT,
  `cs_referer` STRING,
  `cs_user_agent` STRING,
  `cs_uri_query` STRING,
  `cs_cookie` STRING,
  `x_edge_result_type` STRING,
  `x_edge_request_id` STRING,
  `x_host_header` STRING,
  `cs_protocol` STRING,
  `cs_bytes` BIGINT,
  `time_taken` DOUBLE,
  `x_forwarded_for` STRING,
  `ssl_protocol` STRING,
  `ssl_cipher` STRING,
  `x_edge_response_result_type` STRING,
  `cs_protocol_version` STRING,
  `fle_status` STRING,
  `fle_encrypted_fields` INT,
  `c_port` INT,
  `time_to_first_byte` DOUBLE,
  `x_edge_detailed_result_type` STRING,
  `sc_content_type` STRING,
  `sc_content_len` BIGINT,
  `sc_range_start` BIGINT,
  `sc_range_end` BIGINT,
  `distribution_tenant_id` STRING,
  `connection_id` STRING,
  `origin_fbl` DOUBLE,
  `origin_lbl` DOUBLE,
  `asn` STRING,
  `c_country` STRING,
  `cache_behavior_path_pattern` STRING,
  `cause` STRING,
  `domain` STRING,
  `duration` DOUBLE,
  `subnet` STRING,
  `resource` STRING,
  `node_ip` STRING,
  `account_id` STRING,
  `region` STRING,
  `day` STRING
)
USING parquet
PARTITIONED BY (`day`)
LOCATION 's3://BUCKET/PREFIX/cloudfront/';

-- Register the day partitions present, and again after each export of new
-- days.
MSCK REPAIR TABLE lbtriage_cloudfront;

-- The cloudfront 5xx by domain and cause, as lbtriage classified them.
SELECT `domain`, `cause`, count(*) AS errors_5xx
FROM lbtriage_cloudfront
WHERE `cause` IS NOT NULL
GROUP BY `domain`, `cause`
ORDER BY errors_5xx DESC, `cause`;

-- The same from the raw columns: lbtriage's cloudfront rules as one CASE, for
-- tables without the cause column.
SELECT cause_by_rules, count(*) AS errors_5xx
FROM (
  SELECT CASE
    WHEN NOT COALESCE((`sc_status` >= 500 AND `sc_status` <= 599), FALSE) THEN NULL
    WHEN (CASE WHEN `x_edge_detailed_result_type` IS NULL OR `x_edge_detailed_result_type` IN ('', '-') THEN `x_edge_result_type` ELSE `x_edge_detailed_result_type` END IN ('CapacityExceeded', 'LimitExceeded') OR `x_edge_result_type` IN ('CapacityExceeded', 'LimitExceeded')) THEN 'edge.capacity'
    WHEN (((CASE WHEN `x_edge_detailed_result_type` IS NULL OR `x_edge_detailed_result_type` IN ('', '-') THEN `x_edge_result_type` ELSE `x_edge_detailed_result_type` END LIKE 'Lambda%' OR CASE WHEN `x_edge_detailed_result_type` IS NULL OR `x_edge_detailed_result_type` IN ('', '-') THEN `x_edge_result_type` ELSE `x_edge_detailed_result_type` END LIKE 'Function%') AND NOT COALESCE(CASE WHEN `x_edge_detailed_result_type` IS NULL OR `x_edge_detailed_result_type` IN ('', '-') THEN `x_edge_result_type` ELSE `x_edge_detailed_result_type` END LIKE '%GeneratedResponse', FALSE)) OR ((`x_edge_result_type` LIKE 'Lambda%' OR `x_edge_result_type` LIKE 'Function%') AND NOT COALESCE(`x_edge_result_type` LIKE '%GeneratedResponse', FALSE))) THEN 'edge.function_error'
    WHEN CASE WHEN `x_edge_detailed_result_type` IS NULL OR `x_edge_detailed_result_type` IN ('', '-') THEN `x_edge_result_type` ELSE `x_edge_detailed_result_type` END IN ('MissGeneratedResponse', 'LambdaGeneratedResponse', 'FunctionGeneratedResponse') THEN 'edge.generated'
    WHEN CASE WHEN `x_edge_detailed_result_type` IS NULL OR `x_edge_detailed_result_type` IN ('', '-') THEN `x_edge_result_type` ELSE `x_edge_detailed_result_type` END = 'OriginConnectError' THEN 'origin.connect_error'
    WHEN CASE WHEN `x_edge_detailed_result_type` IS NULL OR `x_edge_detailed_result_type` IN ('', '-') THEN `x_edge_result_type` ELSE `x_edge_detailed_result_type` END = 'OriginDnsError' THEN 'origin.dns_error'
    WHEN CASE WHEN `x_edge_detailed_result_type` IS NULL OR `x_edge_detailed_result_type` IN ('', '-') THEN `x_edge_result_type` ELSE `x_edge_detailed_result_type` END = 'OriginCommError' THEN 'origin.timeout'
    WHEN CASE WHEN `x_edge_detailed_result_type` IS NULL OR `x_edge_detailed_result_type` IN ('', '-') THEN `x_edge_result_type` ELSE `x_edge_detailed_result_type` END IN ('OriginInvalidResponseError', 'OriginHeaderTooBigError', 'OriginZeroSizeObjectError', 'OriginContentRangeLengthError') THEN 'origin.invalid_response'
    WHEN (CASE WHEN `x_edge_detailed_result_type` IS NULL OR `x_edge_detailed_result_type` IN ('', '-') THEN `x_edge_result_type` ELSE `x_edge_detailed_result_type` END IN ('AbortedOrigin', 'SlowReaderOriginError') OR CASE WHEN `x_edge_detailed_result_type` IS NULL OR `x_edge_detailed_result_type` IN ('', '-') THEN `x_edge_result_type` ELSE `x_edge_detailed_result_type` END LIKE 'Origin%') THEN 'origin.other'
    WHEN (CASE WHEN `x_edge_detailed_result_type` IS NULL OR `x_edge_detailed_result_type` IN ('', '-') THEN `x_edge_result_type` ELSE `x_edge_detailed_result_type` END LIKE 'Client%' OR CASE WHEN `x_edge_detailed_result_type` IS NULL OR `x_edge_detailed_result_type` IN ('', '-') THEN `x_edge_result_type` ELSE `x_edge_detailed_result_type` END LIKE 'InvalidRequest%') THEN 'client.request_error'
    ELSE 'origin.http_5xx'
  END AS cause_by_rules
  FROM lbtriage_cloudfront
) AS classified
WHERE cause_by_rules IS NOT NULL
GROUP BY cause_by_rules
ORDER BY errors_5xx DESC, cause_by_rules;

-- The timeline: requests and 5xx by minute (UTC).
SELECT date_trunc('MINUTE', `time`) AS minute, count(*) AS requests, sum(CASE WHEN `cause` IS NOT NULL THEN 1 ELSE 0 END) AS errors_5xx
FROM lbtriage_cloudfront
GROUP BY date_trunc('MINUTE', `time`)
ORDER BY minute;


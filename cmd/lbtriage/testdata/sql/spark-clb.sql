-- lbtriage sql --dialect spark: the tables of the Parquet lake that
-- lbtriage export writes (schema version 1), then the report's queries. Replace s3://BUCKET/PREFIX with the lake's root.

-- The clb rows of the lake at s3://BUCKET/PREFIX, partitioned by day (UTC).
CREATE TABLE IF NOT EXISTS lbtriage_clb (
  `time` TIMESTAMP,
  `elb` STRING,
  `client_ip` STRING,
  `client_port` INT,
  `backend_ip` STRING,
  `backend_port` INT,
  `request_processing_time` DOUBLE,
  `backend_processing_time` DOUBLE,
  `response_processing_time` DOUBLE,
  `elb_status_code` INT,
  `backend_status_code` INT,
  `received_bytes` BIGINT,
  `sent_bytes` BIGINT,
  `request_method` STRING,
  `request_url` STRING,
  `request_proto` STRING,
  `user_agent` STRING,
  `ssl_cipher` STRING,
  `ssl_protocol` STRING,
  `listener` STRING,
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
LOCATION 's3://BUCKET/PREFIX/clb/';

-- Register the day partitions present, and again after each export of new
-- days.
MSCK REPAIR TABLE lbtriage_clb;

-- The clb 5xx by domain and cause, as lbtriage classified them.
SELECT `domain`, `cause`, count(*) AS errors_5xx
FROM lbtriage_clb
WHERE `cause` IS NOT NULL
GROUP BY `domain`, `cause`
ORDER BY errors_5xx DESC, `cause`;

-- The same from the raw columns: lbtriage's clb rules as one CASE, for tables
-- without the cause column.
SELECT cause_by_rules, count(*) AS errors_5xx
FROM (
  SELECT CASE
    WHEN NOT COALESCE((`elb_status_code` >= 500 AND `elb_status_code` <= 599), FALSE) THEN NULL
    WHEN `backend_status_code` = `elb_status_code` THEN 'target.http_5xx'
    WHEN `backend_status_code` IS NOT NULL THEN 'target.malformed_response'
    WHEN (`elb_status_code` = 502 AND `backend_processing_time` >= 0) THEN 'target.malformed_response'
    WHEN `elb_status_code` = 502 THEN 'target.connection_error'
    WHEN `elb_status_code` = 504 THEN 'target.timeout'
    WHEN (`elb_status_code` = 503 AND `backend_ip` IS NULL) THEN 'lb.no_targets'
    WHEN `elb_status_code` = 503 THEN 'target.connection_error'
    ELSE 'lb.internal'
  END AS cause_by_rules
  FROM lbtriage_clb
) AS classified
WHERE cause_by_rules IS NOT NULL
GROUP BY cause_by_rules
ORDER BY errors_5xx DESC, cause_by_rules;

-- The targets: requests, 5xx, and processing time percentiles in milliseconds
-- (approximate).
SELECT `backend_ip`, `backend_port`, `subnet`, count(*) AS requests, sum(CASE WHEN `cause` IS NOT NULL THEN 1 ELSE 0 END) AS errors_5xx,
  percentile_approx(`backend_processing_time` * 1000, 0.5) AS p50_ms, percentile_approx(`backend_processing_time` * 1000, 0.95) AS p95_ms, percentile_approx(`backend_processing_time` * 1000, 0.99) AS p99_ms
FROM lbtriage_clb
WHERE `backend_ip` IS NOT NULL AND COALESCE(`listener` IN ('http', 'https'), FALSE)
GROUP BY `backend_ip`, `backend_port`, `subnet`
ORDER BY errors_5xx DESC, requests DESC, `backend_ip`, `backend_port`;

-- The timeline: requests and 5xx by minute (UTC).
SELECT date_trunc('MINUTE', `time`) AS minute, count(*) AS requests, sum(CASE WHEN `cause` IS NOT NULL THEN 1 ELSE 0 END) AS errors_5xx
FROM lbtriage_clb
WHERE COALESCE(`listener` IN ('http', 'https'), FALSE)
GROUP BY date_trunc('MINUTE', `time`)
ORDER BY minute;


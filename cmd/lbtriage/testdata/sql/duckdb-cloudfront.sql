-- lbtriage sql --dialect duckdb: the tables of the Parquet lake that
-- lbtriage export writes (schema version 1), then the report's queries. Replace s3://BUCKET/PREFIX with the lake's root.

-- Read s3:// with the AWS SDK's credential chain (DuckDB loads the httpfs and
-- aws extensions).
CREATE OR REPLACE SECRET lbtriage_s3 (TYPE s3, PROVIDER credential_chain);

-- The cloudfront rows of the lake at s3://BUCKET/PREFIX, partitioned by day
-- (UTC).
CREATE OR REPLACE VIEW lbtriage_cloudfront AS
SELECT * FROM read_parquet('s3://BUCKET/PREFIX/cloudfront/day=*/*.parquet', hive_partitioning = true, union_by_name = true);

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


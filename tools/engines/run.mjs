// Runs SQL scripts on the engines lbtriage's tests check its SQL with, and
// prints what came out as JSON. Used by internal/enginetest.
//
// Standard input: a JSON array of jobs {"engine": E, "sql": S}, where E is
//   duckdb      DuckDB (@duckdb/node-api), in memory, 2 threads
//   clickhouse  ClickHouse as chDB (chdb), in a temporary session
//   trino       the Trino grammar (Athena's queries), dt-sql-parser
//   spark       the Spark SQL grammar, dt-sql-parser
//   hive        the Hive grammar (Athena's DDL), dt-sql-parser
// and S is one or more statements separated by ";".
//
// Standard output: a JSON array, one result per job, in order:
//   {"statements": [{"sql": ..., "columns": [...], "rows": [[...], ...]}],
//    "error": "..."}
// For the grammar engines, rows is empty and error lists the syntax errors.
// A statement that fails ends its job with error set; the jobs after it run.
import { register } from 'node:module';
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

register('./esm-hooks.mjs', import.meta.url);

// split cuts a script into statements at the semicolons outside quotes and
// comments.
export function split(script) {
  const out = [];
  let cur = '';
  for (let i = 0; i < script.length; i++) {
    const c = script[i];
    if (c === '-' && script[i + 1] === '-') {
      const j = script.indexOf('\n', i);
      const end = j < 0 ? script.length : j;
      cur += script.slice(i, end);
      i = end - 1;
      continue;
    }
    if (c === "'" || c === '"' || c === '`') {
      let j = i + 1;
      for (; j < script.length; j++) {
        if (script[j] === c) {
          if (script[j + 1] === c) { j++; continue; }
          break;
        }
        if (script[j] === '\\' && c === "'") j++;
      }
      cur += script.slice(i, j + 1);
      i = j;
      continue;
    }
    if (c === ';') {
      out.push(cur);
      cur = '';
      continue;
    }
    cur += c;
  }
  out.push(cur);
  // Drop what holds only blanks and comments.
  return out.map((s) => s.trim()).filter((s) => s.replace(/--[^\n]*/g, '').trim() !== '');
}

async function duckdb(stmts) {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const inst = await DuckDBInstance.create(':memory:', { threads: '2' });
  const con = await inst.connect();
  const res = { statements: [] };
  try {
    for (const sql of stmts) {
      const r = await con.runAndReadAll(sql);
      res.statements.push({ sql, columns: r.columnNames(), rows: r.getRowsJson() });
    }
  } catch (e) {
    res.error = String(e.message || e);
  } finally {
    con.closeSync?.();
    inst.closeSync?.();
  }
  return res;
}

async function clickhouse(stmts) {
  const { Session } = await import('chdb');
  const dir = mkdtempSync(join(tmpdir(), 'lbtriage-chdb-'));
  const s = new Session(dir);
  const res = { statements: [] };
  try {
    for (const sql of stmts) {
      const out = s.query(sql, 'JSONCompact');
      if (out.trim() === '') {
        res.statements.push({ sql, columns: [], rows: [] });
        continue;
      }
      const j = JSON.parse(out);
      res.statements.push({ sql, columns: j.meta.map((m) => m.name), rows: j.data });
    }
  } catch (e) {
    res.error = String(e.message || e);
  } finally {
    s.cleanup();
    rmSync(dir, { recursive: true, force: true });
  }
  return res;
}

async function grammar(name, stmts) {
  const dt = await import('dt-sql-parser');
  const parser = new { trino: dt.TrinoSQL, spark: dt.SparkSQL, hive: dt.HiveSQL }[name]();
  const res = { statements: [] };
  const errors = [];
  for (const sql of stmts) {
    res.statements.push({ sql, columns: [], rows: [] });
    for (const e of parser.validate(sql)) {
      errors.push(`line ${e.startLine}:${e.startColumn}: ${e.message} in: ${sql.split('\n')[e.startLine - 1]}`);
    }
  }
  if (errors.length > 0) res.error = errors.join('\n');
  return res;
}

const jobs = JSON.parse(readFileSync(0, 'utf8'));
const results = [];
for (const job of jobs) {
  const stmts = split(job.sql);
  switch (job.engine) {
    case 'duckdb':
      results.push(await duckdb(stmts));
      break;
    case 'clickhouse':
      results.push(await clickhouse(stmts));
      break;
    case 'trino':
    case 'spark':
    case 'hive':
      results.push(await grammar(job.engine, stmts));
      break;
    default:
      results.push({ statements: [], error: `unknown engine ${JSON.stringify(job.engine)}` });
  }
}
process.stdout.write(JSON.stringify(results));

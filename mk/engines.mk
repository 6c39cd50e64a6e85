# The SQL engines the lake's tests run lbtriage's printed SQL on (DuckDB,
# ClickHouse as chDB, and the Trino/Spark/Hive grammars of dt-sql-parser):
# npm packages pinned in tools/engines/package-lock.json, installed when
# missing or when the lock file changes (about 650 MB, a minute). npm
# install rather than npm ci: the lock file holds this platform's chDB
# library only, which npm ci refuses. The tests fail when CI is set and the
# engines are absent, and are skipped otherwise.
ENGINES := tools/engines/node_modules/.lbtriage-installed
NODE    := /usr/bin/node

$(NODE):
	apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends nodejs npm

$(ENGINES): tools/engines/package.json tools/engines/package-lock.json | $(NODE)
	cd tools/engines && npm install --no-audit --no-fund
	touch $@

TEST_PREREQS += $(ENGINES)

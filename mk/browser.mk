# Headless Chromium for the HTML report's browser test (report/browser_test.go):
# Debian's chromium package, installed when missing. The test fails when CI is
# set and the browser is absent, and is skipped otherwise.
CHROMIUM := /usr/bin/chromium

$(CHROMIUM):
	apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium

TEST_PREREQS += $(CHROMIUM)

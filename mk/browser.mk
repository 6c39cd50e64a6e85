# The HTML report's browser test (report/browser_test.go) renders the page in
# headless Chromium. This installs Debian's chromium when it is missing.

CHROMIUM ?= /usr/bin/chromium

.PHONY: browser
browser:
	@if [ ! -x "$(CHROMIUM)" ]; then \
	  echo "installing chromium for the HTML report's browser test"; \
	  apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium; \
	fi

TEST_PREREQS += browser

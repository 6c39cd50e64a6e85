# Headless Chromium for the HTML report's browser test (report/browser_test.go):
# Debian's chromium package, installed when missing, where it can be: in CI
# (CI set), as root, or with passwordless sudo. Elsewhere (a contributor's
# machine without root) the install is skipped with a message and so is the
# test; the test fails when CI is set and the browser is absent.
CHROMIUM := /usr/bin/chromium

$(CHROMIUM):
	@if [ -n "$$CI" ] || [ "$$(id -u)" = 0 ]; then sudo=; \
	elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo="sudo -n"; \
	else echo "mk/browser.mk: $(CHROMIUM) is missing and installing it needs root: the browser test will be skipped (install the chromium package to run it)"; exit 0; fi; \
	if [ -z "$$CI" ] && ! command -v apt-get >/dev/null 2>&1; then \
	  echo "mk/browser.mk: $(CHROMIUM) is missing and there is no apt-get here: the browser test will be skipped"; exit 0; fi; \
	$$sudo apt-get update && $$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium

TEST_PREREQS += $(CHROMIUM)

# The S3-compatible server the parser/input/s3 tests run against: versitygw,
# pinned in tools/go.mod. Built once, when missing (about 100 s cold).
VERSITYGW := tools/bin/versitygw

$(VERSITYGW):
	cd tools && $(GO) build -o bin/versitygw github.com/versity/versitygw/cmd/versitygw

TEST_PREREQS += $(VERSITYGW)

// Package deps pins modules that packages under construction will import,
// so that concurrent work does not race on go.mod. It is removed once every
// module here is imported for real.
package deps

import (
	_ "github.com/DataDog/sketches-go/ddsketch"
	_ "github.com/aws/aws-sdk-go-v2/aws"
	_ "github.com/aws/aws-sdk-go-v2/config"
	_ "github.com/aws/aws-sdk-go-v2/credentials"
	_ "github.com/aws/aws-sdk-go-v2/service/s3"
	_ "github.com/klauspost/compress/gzip"
	_ "golang.org/x/term"
)

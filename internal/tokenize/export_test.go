package tokenize

// CheckTokenize is checkTokenize, for the tests of package tokenize_test.
var CheckTokenize = checkTokenize

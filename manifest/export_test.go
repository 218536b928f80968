package manifest

// BrokenSeeds exposes the fuzzing seeds to the external test package, whose
// differential tests compare the decoder with the reference decoder.
var BrokenSeeds = brokenSeeds

// checkJSON is checkWhole without tooDeep, the strict syntax check that
// FuzzCheckJSON compares with encoding/json.
func checkJSON(b []byte) (utf8OK bool, err *syntaxError) {
	utf8OK, _, err = checkWhole(b)
	return utf8OK, err
}

package manifest

// BrokenSeeds exposes the fuzzing seeds to the external test package, whose
// differential tests compare the decoder with the reference decoder.
var BrokenSeeds = brokenSeeds

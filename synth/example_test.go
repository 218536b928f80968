package synth_test

import (
	"bufio"
	"fmt"
	"os"
	"time"

	"github.com/parcelguard/parcelguard/synth"
)

// Write a day of manifests as newline-delimited JSON, one in fifty with a
// drug-shipping pattern, and count what was planted.
func Example() {
	g := synth.New(synth.Config{
		Seed:  1,
		Start: time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC),
		Span:  24 * time.Hour,
	})
	w := bufio.NewWriter(os.Stdout)
	defer w.Flush()
	planted := map[string]int{}
	var buf []byte
	for range 1000 {
		buf = g.Next(buf[:0])
		planted[synth.ReadTruth(buf).Pattern]++
		w.Write(append(buf, '\n'))
	}
	fmt.Fprintln(os.Stderr, planted)
}

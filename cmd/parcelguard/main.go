// Command parcelguard screens postal and express parcel manifests for
// drug-shipping indicators. Run `parcelguard help` for the subcommands.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// Main is the program: its streams, so tests drive the same code users run.
type Main struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	// Signals delivers SIGHUP (reload rules) to long-running commands; nil
	// means none arrive.
	Signals <-chan os.Signal
}

// errUsage marks a mistake in the command line; the usage was printed.
var errUsage = errors.New("usage")

// errFailed marks a command that ran and reported its failure itself.
var errFailed = errors.New("failed")

const usage = `parcelguard screens postal parcel manifests for drug-shipping indicators.

Usage:
  parcelguard run [-config FILE] [-set k=v]  the pipeline: Kafka in, ClickHouse out, metrics on http.addr
  parcelguard demo [-rate N]               ClickHouse, embedded broker, engine and a producer, all local
  parcelguard migrate [-config FILE]       apply the ClickHouse schema migrations
  parcelguard prune -keep-months N         drop stored months older than N (retention)
  parcelguard broker [-addr HOST:PORT]     the embedded Kafka-protocol broker on its own
  parcelguard token new -name N -roles R   a fresh API token and its hashed configuration entry
  parcelguard token hash                   the hash of a token read from stdin
  parcelguard score [flags] [FILE...]      score NDJSON manifests (stdin when no FILE)
  parcelguard generate [flags]             write synthetic NDJSON manifests
  parcelguard rules check [DIR]            compile a rule pack (default: the embedded pack)
  parcelguard rules test [DIR]             compile a rule pack and run its tests
  parcelguard rules list [DIR]             list the pack's rules as a Markdown table
  parcelguard rules env [DIR]              list every name rules can use
  parcelguard help                         this text

Run 'parcelguard COMMAND -h' for a command's flags.
`

// Run runs one command line (without the program name).
func (m *Main) Run(ctx context.Context, args []string) error {
	if len(args) == 0 {
		fmt.Fprint(m.Stderr, usage)
		return errUsage
	}
	switch cmd, rest := args[0], args[1:]; cmd {
	case "score":
		return m.score(ctx, rest)
	case "generate":
		return m.generate(ctx, rest)
	case "rules":
		return m.rules(ctx, rest)
	case "run":
		return m.run(ctx, rest)
	case "migrate":
		return m.migrate(ctx, rest)
	case "prune":
		return m.prune(ctx, rest)
	case "broker":
		return m.broker(ctx, rest)
	case "demo":
		return m.demo(ctx, rest)
	case "token":
		return m.token(rest)
	case "help", "-h", "-help", "--help":
		fmt.Fprint(m.Stdout, usage)
		return nil
	default:
		fmt.Fprintf(m.Stderr, "parcelguard: unknown command %q\n\n%s", cmd, usage)
		return errUsage
	}
}

// newFlags returns a flag set that reports to m.Stderr and does not exit.
func (m *Main) newFlags(name, synopsis string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(m.Stderr)
	fs.Usage = func() {
		fmt.Fprintf(m.Stderr, "Usage: parcelguard %s\n\nFlags:\n", synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// parse parses flags, turning -h and bad flags into errUsage.
func parse(fs *flag.FlagSet, args []string) error {
	if fs.Parse(args) != nil {
		// The flag package has already printed what was wrong (or the
		// help asked for).
		return errUsage
	}
	return nil
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	m := &Main{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Signals: hup}
	err := m.Run(ctx, os.Args[1:])
	switch {
	case err == nil:
	case errors.Is(err, errUsage):
		os.Exit(2)
	case errors.Is(err, errFailed):
		os.Exit(1)
	default:
		fmt.Fprintln(os.Stderr, "parcelguard:", err)
		os.Exit(1)
	}
}

package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"strings"
	"time"

	"github.com/parcelguard/parcelguard/rules"
)

func (m *Main) rules(_ context.Context, args []string) error {
	if len(args) == 0 {
		fmt.Fprint(m.Stderr, "Usage: parcelguard rules check|test|list|env [DIR]\n")
		return errUsage
	}
	sub, rest := args[0], args[1:]
	fs := m.newFlags("rules "+sub, "rules "+sub+" [DIR]")
	verbose := fs.Bool("v", false, "with test: list every test, not only failures")
	if err := parse(fs, rest); err != nil {
		return err
	}
	if fs.NArg() > 1 {
		fmt.Fprintf(m.Stderr, "parcelguard rules %s: one pack folder at most, got %d\n", sub, fs.NArg())
		return errUsage
	}
	dir := fs.Arg(0)
	switch sub {
	case "check":
		set, err := loadPack(dir, rules.LoadOptions{SkipTests: true})
		if err != nil {
			return m.packFailure(err)
		}
		fmt.Fprintf(m.Stdout, "ok: pack %s version %s: %d rules, %d lists\n", set.Name, set.Version, len(set.Rules), len(set.Lists()))
		return nil
	case "test":
		set, err := loadPack(dir, rules.LoadOptions{SkipTests: true})
		if err != nil {
			return m.packFailure(err)
		}
		failed, total := 0, 0
		for _, res := range set.Test() {
			total++
			if !res.Passed() {
				failed++
			}
			if !res.Passed() || *verbose {
				fmt.Fprintln(m.Stdout, res)
			}
		}
		fmt.Fprintf(m.Stdout, "%d passed, %d failed (pack %s version %s, %d rules)\n", total-failed, failed, set.Name, set.Version, len(set.Rules))
		if failed > 0 {
			return errFailed
		}
		return nil
	case "list":
		set, err := loadPack(dir, rules.LoadOptions{SkipTests: true})
		if err != nil {
			return m.packFailure(err)
		}
		fmt.Fprintf(m.Stdout, "| rule | indicators | score | lane | mode | title |\n|---|---|---|---|---|---|\n")
		for _, r := range set.Rules {
			fmt.Fprintf(m.Stdout, "| `%s` | %s | %d | %s | %s | %s |\n", r.ID, strings.Join(r.Tags, ", "), r.Score, r.Outcome, r.Mode, r.Title)
		}
		return nil
	case "env":
		set, err := loadPack(dir, rules.LoadOptions{SkipTests: true})
		if err != nil {
			return m.packFailure(err)
		}
		writeEnv(m.Stdout, set)
		return nil
	}
	fmt.Fprintf(m.Stderr, "parcelguard rules: unknown subcommand %q (want check, test, list or env)\n", sub)
	return errUsage
}

// loadPack loads the pack in dir, or the embedded default pack.
func loadPack(dir string, opts rules.LoadOptions) (*rules.Set, error) {
	if dir == "" {
		return rules.Load(rules.Default, opts)
	}
	info, err := os.Stat(dir)
	if err != nil {
		return nil, err
	}
	if !info.IsDir() {
		return nil, fmt.Errorf("%s is not a folder: give the pack's folder (the one holding %s)", dir, rules.PackFile)
	}
	return rules.Load(os.DirFS(dir), opts)
}

func (m *Main) packFailure(err error) error {
	var pe *rules.PackError
	if errors.As(err, &pe) {
		fmt.Fprintln(m.Stderr, pe)
		return errFailed
	}
	return err
}

// writeEnv prints every name a rule can use, with its type and meaning.
func writeEnv(w io.Writer, set *rules.Set) {
	fmt.Fprintln(w, "# Fields")
	writeFields(w, "", reflect.TypeFor[rules.Env]())
	fmt.Fprintln(w, "\n# Functions")
	for _, f := range rules.Functions {
		fmt.Fprintf(w, "%-48s %s\n", f.Signature, f.Doc)
	}
	fmt.Fprintf(w, "\n# Lists of pack %s (version %s)\n", set.Name, set.Version)
	for _, l := range set.Lists() {
		fmt.Fprintf(w, "%-28s %-9s %5d  %s\n", l.Name, l.Kind, l.Len(), l.Description)
	}
	fmt.Fprintln(w, "\nexpr's built-in functions and operators (any, all, filter, map, len, in, matches, ...) work too: https://expr-lang.org/docs/language-definition")
}

func writeFields(w io.Writer, prefix string, t reflect.Type) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name := f.Tag.Get("expr")
		if name == "" || name == "-" || f.Type.Kind() == reflect.Func {
			continue // functions are listed with rules.Functions
		}
		ft := f.Type
		fmt.Fprintf(w, "%-32s %-10s %s\n", prefix+name, typeName(ft), f.Tag.Get("doc"))
		switch {
		case ft.Kind() == reflect.Struct && ft != reflect.TypeFor[timeType]():
			writeFields(w, prefix+name+".", ft)
		case ft.Kind() == reflect.Slice && ft.Elem().Kind() == reflect.Pointer:
			writeFields(w, prefix+name+"[].", ft.Elem().Elem())
		}
	}
}

type timeType = time.Time

// typeName names a Go type in the words of the rule language.
func typeName(t reflect.Type) string {
	switch {
	case t == reflect.TypeFor[timeType]():
		return "time"
	case t.Kind() == reflect.String:
		return "string"
	case t.Kind() == reflect.Bool:
		return "bool"
	case t.Kind() == reflect.Int:
		return "int"
	case t.Kind() == reflect.Float64:
		return "float"
	case t.Kind() == reflect.Struct:
		return "object"
	case t.Kind() == reflect.Pointer:
		return typeName(t.Elem())
	case t.Kind() == reflect.Slice:
		return "[]" + typeName(t.Elem())
	}
	return t.String()
}

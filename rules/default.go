package rules

import (
	"embed"
	"io/fs"
)

//go:embed all:default
var defaultFS embed.FS

// Default is the shipped drug-indicator pack (rules/default), embedded in
// the binary.
var Default fs.FS = mustSub(defaultFS, "default")

func mustSub(f fs.FS, dir string) fs.FS {
	sub, err := fs.Sub(f, dir)
	if err != nil {
		panic(err) // the embed directive guarantees the folder
	}
	return sub
}

package rules

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"sort"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/parcelguard/parcelguard/manifest"
)

// PackFile is the file at the root of a pack that names it, sets its lane
// thresholds and declares its lists.
const PackFile = "pack.yaml"

// Modes and outcomes a rule may declare.
const (
	ModeActive = "active"
	ModeShadow = "shadow"

	OutcomeReview  = "review"
	OutcomeInspect = "inspect"
)

// DefaultMaxNodes bounds the size of one expression.
const DefaultMaxNodes = 2000

// Problem is one thing wrong with a pack, located as precisely as possible.
type Problem struct {
	File    string
	Rule    string
	Line    int
	Column  int
	Message string
}

func (p Problem) String() string {
	var b strings.Builder
	b.WriteString(p.File)
	if p.Line > 0 {
		fmt.Fprintf(&b, ":%d", p.Line)
		if p.Column > 0 {
			fmt.Fprintf(&b, ":%d", p.Column)
		}
	}
	b.WriteString(": ")
	if p.Rule != "" {
		fmt.Fprintf(&b, "rule %s: ", p.Rule)
	}
	b.WriteString(p.Message)
	return b.String()
}

// PackError is returned when a pack is refused. It lists every problem
// found, not just the first, so that an author can fix them in one go.
type PackError struct {
	Problems []Problem
}

func (e *PackError) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.String()
	}
	return "rule pack refused:\n" + strings.Join(lines, "\n")
}

// LoadOptions tune Load.
type LoadOptions struct {
	// MaxNodes bounds each expression; 0 means DefaultMaxNodes.
	MaxNodes uint
	// SkipTests loads the pack without running its tests.
	SkipTests bool
}

type packYAML struct {
	Name        string     `yaml:"name"`
	Description string     `yaml:"description"`
	Thresholds  thresholds `yaml:"thresholds"`
	Rates       string     `yaml:"rates"`
	Lists       []listYAML `yaml:"lists"`
	TestBase    yaml.Node  `yaml:"test_base"`
}

type thresholds struct {
	Review  int `yaml:"review"`
	Inspect int `yaml:"inspect"`
}

type listYAML struct {
	Name        string   `yaml:"name"`
	File        string   `yaml:"file"`
	Kind        ListKind `yaml:"kind"`
	Description string   `yaml:"description"`
	Line        int      `yaml:"-"`
}

type fileYAML struct {
	Rules []ruleYAML `yaml:"rules"`
}

type ruleYAML struct {
	ID          string     `yaml:"id"`
	Title       string     `yaml:"title"`
	Description string     `yaml:"description"`
	When        yaml.Node  `yaml:"when"`
	Score       int        `yaml:"score"`
	Outcome     string     `yaml:"outcome"`
	Explain     yaml.Node  `yaml:"explain"`
	Mode        string     `yaml:"mode"`
	ValidFrom   time.Time  `yaml:"valid_from"`
	ValidUntil  time.Time  `yaml:"valid_until"`
	Tags        []string   `yaml:"tags"`
	Tests       []testYAML `yaml:"tests"`
}

type testYAML struct {
	Name       string    `yaml:"name"`
	Fires      *bool     `yaml:"fires"`
	ReceivedAt time.Time `yaml:"received_at"`
	Manifest   yaml.Node `yaml:"manifest"`
}

// loader carries the state of one Load call.
type loader struct {
	fsys     fs.FS
	opts     LoadOptions
	set      *Set
	problems []Problem
	hash     []fileDigest
}

type fileDigest struct {
	name string
	sum  [32]byte
}

// Load reads, compiles and tests the pack at the root of fsys. A pack with
// any problem is refused as a whole with a *PackError.
func Load(fsys fs.FS, opts LoadOptions) (*Set, error) {
	if opts.MaxNodes == 0 {
		opts.MaxNodes = DefaultMaxNodes
	}
	l := &loader{fsys: fsys, opts: opts, set: &Set{lists: map[string]*List{}, rates: manifest.DefaultRates()}}
	l.set.bindHelpers()
	base := l.readPack()
	if len(l.problems) == 0 {
		l.readRules()
	}
	if len(l.problems) == 0 {
		uses := l.uses()
		l.set.senderAddress = uses["sender.address"] || uses["sender.locker"]
		l.set.recipientAddress = uses["recipient.address"] || uses["recipient.locker"]
		l.set.locker = l.set.lists[lockerList]
		l.prepareTests(base)
	}
	if len(l.problems) == 0 && !opts.SkipTests {
		l.runTests()
	}
	if len(l.problems) > 0 {
		return nil, &PackError{Problems: l.problems}
	}
	l.set.Version = l.version()
	l.set.all = l.compileAll()
	return l.set, nil
}

func (l *loader) fail(p Problem) { l.problems = append(l.problems, p) }

func (l *loader) read(name string) ([]byte, bool) {
	data, err := fs.ReadFile(l.fsys, name)
	if err != nil {
		msg := err.Error()
		if errors.Is(err, fs.ErrNotExist) {
			msg = "file not found"
		}
		l.fail(Problem{File: name, Message: msg})
		return nil, false
	}
	l.hash = append(l.hash, fileDigest{name, sha256.Sum256(data)})
	return data, true
}

// decodeStrict decodes YAML, refusing unknown keys so that a misspelt field
// ("socre:") is an error rather than silently ignored.
func (l *loader) decodeStrict(name string, data []byte, v any) bool {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(v); err != nil {
		l.fail(yamlProblem(name, err))
		return false
	}
	return true
}

// yamlProblem turns a YAML error ("yaml: line 4: ...") into a located problem.
func yamlProblem(name string, err error) Problem {
	msg := err.Error()
	var te *yaml.TypeError
	if errors.As(err, &te) && len(te.Errors) > 0 {
		msg = te.Errors[0]
	}
	msg = strings.TrimPrefix(msg, "yaml: ")
	line := 0
	if _, scanErr := fmt.Sscanf(msg, "line %d:", &line); scanErr == nil {
		msg = strings.TrimSpace(msg[strings.IndexByte(msg, ':')+1:])
	}
	msg = strings.ReplaceAll(msg, "in type rules.ruleYAML", "in a rule")
	msg = strings.ReplaceAll(msg, "in type rules.packYAML", "in "+PackFile)
	msg = strings.ReplaceAll(msg, "in type rules.testYAML", "in a rule test")
	msg = strings.ReplaceAll(msg, "in type rules.listYAML", "in a list declaration")
	msg = strings.ReplaceAll(msg, "in type rules.fileYAML", "at the top of a rule file (want \"rules:\")")
	return Problem{File: name, Line: line, Message: msg}
}

func (l *loader) readPack() *yaml.Node {
	data, ok := l.read(PackFile)
	if !ok {
		l.problems[len(l.problems)-1].Message = "file not found: a pack needs a pack.yaml at its root naming it and declaring its lists"
		return nil
	}
	var p packYAML
	if !l.decodeStrict(PackFile, data, &p) {
		return nil
	}
	s := l.set
	s.Name, s.Description = p.Name, p.Description
	s.ReviewAt, s.InspectAt = p.Thresholds.Review, p.Thresholds.Inspect
	if s.Name == "" {
		l.fail(Problem{File: PackFile, Message: "name is required"})
	}
	if s.ReviewAt <= 0 || s.InspectAt <= s.ReviewAt {
		l.fail(Problem{File: PackFile, Message: fmt.Sprintf("thresholds must satisfy 0 < review < inspect, got review %d, inspect %d", s.ReviewAt, s.InspectAt)})
	}
	if p.Rates != "" {
		if data, ok := l.read(p.Rates); ok {
			rates, err := manifest.ParseRates(bytes.NewReader(data))
			if err != nil {
				l.fail(Problem{File: p.Rates, Message: err.Error()})
			} else {
				s.rates = rates
			}
		}
	}
	for _, d := range p.Lists {
		l.readListDecl(d)
	}
	if p.TestBase.Kind == 0 {
		return nil
	}
	return &p.TestBase
}

func (l *loader) readListDecl(d listYAML) {
	switch {
	case d.Name == "" || d.File == "":
		l.fail(Problem{File: PackFile, Message: fmt.Sprintf("list %q: name and file are required", d.Name)})
		return
	case !slices.Contains(listKinds, d.Kind):
		l.fail(Problem{File: PackFile, Message: fmt.Sprintf("list %q: kind %q is not one of %v", d.Name, d.Kind, listKinds)})
		return
	case l.set.lists[d.Name] != nil:
		l.fail(Problem{File: PackFile, Message: fmt.Sprintf("list %q is declared twice", d.Name)})
		return
	}
	data, ok := l.read(d.File)
	if !ok {
		return
	}
	list, err := readList(d.Name, d.Kind, d.File, bytes.NewReader(data))
	if err != nil {
		l.fail(Problem{File: d.File, Message: err.Error()})
		return
	}
	list.Description = d.Description
	list.index = len(l.set.lists)
	l.set.lists[d.Name] = list
}

func (l *loader) readRules() {
	var files []string
	err := fs.WalkDir(l.fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && p != "." && strings.HasPrefix(d.Name(), ".") {
			return fs.SkipDir
		}
		ext := path.Ext(p)
		if !d.IsDir() && (ext == ".yaml" || ext == ".yml") && p != PackFile && !strings.HasPrefix(d.Name(), ".") {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		l.fail(Problem{File: ".", Message: err.Error()})
		return
	}
	sort.Strings(files)
	seen := map[string]string{}
	for _, name := range files {
		data, ok := l.read(name)
		if !ok {
			continue
		}
		var f fileYAML
		if !l.decodeStrict(name, data, &f) {
			continue
		}
		for i := range f.Rules {
			ry := &f.Rules[i]
			if prev, dup := seen[ry.ID]; dup && ry.ID != "" {
				l.fail(Problem{File: name, Rule: ry.ID, Line: ry.When.Line, Message: "rule id already used in " + prev})
				continue
			}
			seen[ry.ID] = name
			if r := l.compileRule(name, ry); r != nil {
				r.index = len(l.set.Rules)
				l.set.Rules = append(l.set.Rules, r)
			}
		}
	}
	if len(l.set.Rules) == 0 && len(l.problems) == 0 {
		l.fail(Problem{File: ".", Message: "the pack has no rules: add YAML files with a rules: list"})
	}
}

// version is a content hash of every file the pack was built from.
func (l *loader) version() string {
	sort.Slice(l.hash, func(i, j int) bool { return l.hash[i].name < l.hash[j].name })
	h := sha256.New()
	for _, d := range l.hash {
		h.Write([]byte(d.name))
		h.Write([]byte{0})
		h.Write(d.sum[:])
	}
	return hex.EncodeToString(h.Sum(nil))[:12]
}

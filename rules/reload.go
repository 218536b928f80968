package rules

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/fsnotify/fsnotify"
)

// Status describes the running pack and the last reload, for health pages
// and the API.
type Status struct {
	Name     string    `json:"name"`
	Version  string    `json:"version"`
	Source   string    `json:"source"`
	Rules    int       `json:"rules"`
	LoadedAt time.Time `json:"loaded_at"`
	// LastError is why the last reload was refused; empty after a good one.
	LastError   string    `json:"last_error,omitempty"`
	LastErrorAt time.Time `json:"last_error_at,omitzero"`
	Reloads     int       `json:"reloads"`
	Failures    int       `json:"failures"`
}

// Loader holds the running Set and replaces it, all at once, when a reload
// yields a good pack. Every reload, whether from the folder watcher, a
// SIGHUP or the API, goes through Reload. A bad pack leaves the running one
// in place; the reason is logged and kept in Status.
type Loader struct {
	dir  string // "" for an embedded pack, which never changes
	fsys fs.FS
	opts LoadOptions
	log  *slog.Logger
	now  func() time.Time

	cur    atomic.Pointer[Set]
	mu     sync.Mutex // serialises reloads and guards status
	status Status
}

// LoaderConfig configures a Loader.
type LoaderConfig struct {
	// Dir is the pack folder. Empty means the embedded default pack.
	Dir     string
	Options LoadOptions
	Logger  *slog.Logger
	Now     func() time.Time
}

// NewLoader loads the pack once; an error here means there is nothing to
// run, so the caller should stop.
func NewLoader(cfg LoaderConfig) (*Loader, error) {
	l := &Loader{dir: cfg.Dir, opts: cfg.Options, log: cfg.Logger, now: cfg.Now}
	if l.log == nil {
		l.log = slog.New(slog.DiscardHandler)
	}
	if l.now == nil {
		l.now = time.Now
	}
	l.status.Source = "embedded default pack"
	l.fsys = Default
	if cfg.Dir != "" {
		info, err := os.Stat(cfg.Dir)
		if err != nil {
			return nil, fmt.Errorf("opening rule pack: %w", err)
		}
		if !info.IsDir() {
			return nil, fmt.Errorf("opening rule pack: %s is not a folder", cfg.Dir)
		}
		l.fsys = os.DirFS(cfg.Dir)
		l.status.Source = cfg.Dir
	}
	set, err := Load(l.fsys, l.opts)
	if err != nil {
		return nil, err
	}
	l.swap(set)
	return l, nil
}

// Current returns the running set. It never returns nil.
func (l *Loader) Current() *Set { return l.cur.Load() }

// Status returns a copy of the current status.
func (l *Loader) Status() Status {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.status
}

func (l *Loader) swap(set *Set) {
	l.cur.Store(set)
	l.status.Name, l.status.Version, l.status.Rules = set.Name, set.Version, len(set.Rules)
	l.status.LoadedAt = l.now()
	l.status.LastError, l.status.LastErrorAt = "", time.Time{}
}

// Reload builds the pack again off the hot path and swaps it in when it is
// good. It returns the refusal when it is not; the running set stays.
func (l *Loader) Reload() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.status.Reloads++
	set, err := Load(l.fsys, l.opts)
	if err != nil {
		l.status.Failures++
		l.status.LastError, l.status.LastErrorAt = err.Error(), l.now()
		l.log.Error("rule pack reload refused; the running pack stays", "source", l.status.Source, "running", l.status.Version, "err", err)
		return err
	}
	if set.Version == l.status.Version {
		l.status.LastError, l.status.LastErrorAt = "", time.Time{}
		return nil
	}
	old := l.status.Version
	l.swap(set)
	l.log.Info("rule pack reloaded", "source", l.status.Source, "from", old, "to", set.Version, "rules", len(set.Rules))
	return nil
}

// Watch reloads the pack whenever its folder changes, until ctx is done.
// Changes are debounced: editors write files in several steps and Kubernetes
// swaps a ConfigMap by renaming a symlinked folder. The embedded pack has
// nothing to watch and Watch just waits for ctx.
func (l *Loader) Watch(ctx context.Context, debounce time.Duration) error {
	if l.dir == "" {
		<-ctx.Done()
		return nil
	}
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return fmt.Errorf("watching rule pack: %w", err)
	}
	defer w.Close()
	if err := addDirs(w, l.dir); err != nil {
		return fmt.Errorf("watching rule pack: %w", err)
	}
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case ev, ok := <-w.Events:
			if !ok {
				return errors.New("watching rule pack: watcher closed")
			}
			if ev.Has(fsnotify.Create) {
				// A new sub-folder (or a swapped ..data link) needs a watch.
				_ = addDirs(w, l.dir)
			}
			timer.Reset(debounce)
		case err, ok := <-w.Errors:
			if !ok {
				return errors.New("watching rule pack: watcher closed")
			}
			l.log.Warn("rule pack watcher", "err", err)
		case <-timer.C:
			_ = l.Reload() // refusal is logged and kept in Status
		}
	}
}

// addDirs watches dir and every folder below it.
func addDirs(w *fsnotify.Watcher, dir string) error {
	return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || d.Type()&fs.ModeSymlink != 0 {
			if info, err := os.Stat(p); err == nil && info.IsDir() {
				return w.Add(p)
			}
		}
		return nil
	})
}

package rules

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// writePack writes the files of a test pack into dir, each by rename as
// editors and Kubernetes do.
func writePack(t testing.TB, dir string, files map[string]string) {
	t.Helper()
	for name, data := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		tmp := filepath.Join(filepath.Dir(path), ".tmp-"+filepath.Base(path))
		if err := os.WriteFile(tmp, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(tmp, path); err != nil {
			t.Fatal(err)
		}
	}
}

func packFiles(rule string) map[string]string {
	files := map[string]string{}
	for name, f := range pack(rule) {
		files[name] = string(f.Data)
	}
	return files
}

func TestLoaderReload(t *testing.T) {
	dir := t.TempDir()
	writePack(t, dir, packFiles(goodRule))
	l, err := NewLoader(LoaderConfig{Dir: dir})
	if err != nil {
		t.Fatalf("NewLoader() = %v", err)
	}
	first := l.Current()

	// A bad pack is refused and the running one stays.
	writePack(t, dir, map[string]string{"r.yaml": strings.Replace(goodRule, `in_list("origins", origin_country)`, `origin_country +`, 1)})
	if err := l.Reload(); err == nil {
		t.Fatal("Reload(bad pack) = nil; want the refusal")
	}
	if l.Current() != first {
		t.Error("Current() changed after a refused reload")
	}
	st := l.Status()
	if st.LastError == "" || st.Failures != 1 || st.Version != first.Version {
		t.Errorf("Status() = %+v; want the last error kept, one failure, version %s", st, first.Version)
	}

	// A good change swaps the set and clears the error.
	writePack(t, dir, map[string]string{"r.yaml": strings.Replace(goodRule, "score: 10", "score: 15", 1)})
	if err := l.Reload(); err != nil {
		t.Fatalf("Reload(good pack) = %v", err)
	}
	if got := l.Current(); got == first || got.Rules[0].Score != 15 {
		t.Errorf("Current() after reload: score %d; want the new set with score 15", got.Rules[0].Score)
	}
	if st := l.Status(); st.LastError != "" || st.Version == first.Version {
		t.Errorf("Status() = %+v; want no error and a new version", st)
	}
}

func TestLoaderWatch(t *testing.T) {
	dir := t.TempDir()
	writePack(t, dir, packFiles(goodRule))
	l, err := NewLoader(LoaderConfig{Dir: dir})
	if err != nil {
		t.Fatalf("NewLoader() = %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- l.Watch(ctx, 20*time.Millisecond) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Watch() = %v", err)
		}
	}()

	waitFor := func(what string, ok func() bool) {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for !ok() {
			if time.Now().After(deadline) {
				t.Fatalf("timed out waiting for %s; status %+v", what, l.Status())
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	first := l.Current().Version
	// The watch is set up asynchronously and writes inside the debounce
	// window postpone the reload: write, then give it a second.
	polls := 0
	writePack(t, dir, map[string]string{"lists/origins.txt": "CN\nHK\n"})
	waitFor("a reload after a list changed", func() bool {
		if l.Current().Version != first {
			return true
		}
		if polls++; polls%100 == 0 {
			writePack(t, dir, map[string]string{"lists/origins.txt": "CN\nHK\n"})
		}
		return false
	})
	second := l.Current().Version
	writePack(t, dir, map[string]string{"r.yaml": "rules: [oops"})
	waitFor("a refused reload", func() bool { return l.Status().LastError != "" })
	if l.Current().Version != second {
		t.Errorf("Current().Version = %s after a bad pack; want %s kept", l.Current().Version, second)
	}
}

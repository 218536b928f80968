// Package store keeps parcelguard's assessments in ClickHouse: the schema and
// its migrations, batched column-oriented inserts, the reads that collapse
// redelivered items, and the Writer that falls back to a durable local Spool
// behind a circuit breaker when ClickHouse does not answer.
//
// The store speaks the native protocol only and is tested against the
// ClickHouse 18.16 that Debian packages; features newer than that are used
// only when the connected server's version supports them.
package store

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"regexp"
	"runtime/debug"
	"strings"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"
	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
)

// Config says where ClickHouse is and how to reach it.
type Config struct {
	// Addr lists host:port addresses of the native protocol (9000 by
	// default on a server, 19000 for deploy/clickhouse.sh). They are tried
	// in order.
	Addr []string
	// Database is created when missing. Letters, digits and underscores.
	Database string
	Username string
	Password string
	// TLS enables TLS when non-nil.
	TLS *tls.Config
	// DialTimeout bounds one connection attempt; zero means 5 s.
	DialTimeout time.Duration
	// ReadTimeout bounds one read from the server; zero means 60 s.
	ReadTimeout time.Duration
	// MaxOpenConns caps the connection pool; zero means 8.
	MaxOpenConns int
	// Logger receives the store's log lines; nil discards them.
	Logger *slog.Logger
}

var identRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

func (c *Config) validate() error {
	var errs []error
	if len(c.Addr) == 0 {
		errs = append(errs, errors.New("at least one ClickHouse address (host:port of the native protocol) is required"))
	}
	for _, a := range c.Addr {
		if host, port, err := net.SplitHostPort(a); err != nil || host == "" || port == "" {
			errs = append(errs, fmt.Errorf("address %q must be host:port", a))
		}
	}
	if c.Database == "" {
		errs = append(errs, errors.New("database name is required"))
	} else if !identRE.MatchString(c.Database) {
		errs = append(errs, fmt.Errorf("database name %q may hold only letters, digits and underscores and must not start with a digit", c.Database))
	}
	if c.DialTimeout < 0 {
		errs = append(errs, fmt.Errorf("dial timeout %v must not be negative", c.DialTimeout))
	}
	if c.ReadTimeout < 0 {
		errs = append(errs, fmt.Errorf("read timeout %v must not be negative", c.ReadTimeout))
	}
	if c.MaxOpenConns < 0 {
		errs = append(errs, fmt.Errorf("max open connections %d must not be negative", c.MaxOpenConns))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("store config: %w", err)
	}
	return nil
}

func (c *Config) options(database string) *clickhouse.Options {
	o := &clickhouse.Options{
		Protocol:     clickhouse.Native,
		Addr:         c.Addr,
		Auth:         clickhouse.Auth{Database: database, Username: c.Username, Password: c.Password},
		TLS:          c.TLS,
		DialTimeout:  c.DialTimeout,
		ReadTimeout:  c.ReadTimeout,
		MaxOpenConns: c.MaxOpenConns,
		MaxIdleConns: c.MaxOpenConns,
		// Names parcelguard in the server's query log.
		ClientInfo: clickhouse.ClientInfo{Products: []struct{ Name, Version string }{
			{Name: "parcelguard", Version: buildVersion()},
		}},
	}
	if o.DialTimeout == 0 {
		o.DialTimeout = 5 * time.Second
	}
	if o.ReadTimeout == 0 {
		o.ReadTimeout = 60 * time.Second
	}
	if o.MaxOpenConns == 0 {
		o.MaxOpenConns, o.MaxIdleConns = 8, 8
	}
	return o
}

func buildVersion() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		return bi.Main.Version
	}
	return "dev"
}

// Store is a connection pool to one ClickHouse database. It is safe for
// concurrent use.
type Store struct {
	conn     driver.Conn
	database string
	version  version
	features features
	log      *slog.Logger
}

// Open connects to ClickHouse, creates cfg.Database when it is missing and
// reads the server version, which decides the schema features Migrate uses.
// Call Migrate before writing.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}

	// The handshake fails when the session's database does not exist, so
	// the database is created over a connection that names none.
	boot, err := clickhouse.Open(cfg.options(""))
	if err != nil {
		return nil, fmt.Errorf("connecting to clickhouse: %w", err)
	}
	err = boot.Exec(ctx, "CREATE DATABASE IF NOT EXISTS "+cfg.Database)
	boot.Close()
	if err != nil {
		return nil, fmt.Errorf("creating database %s: %w", cfg.Database, err)
	}

	conn, err := clickhouse.Open(cfg.options(cfg.Database))
	if err != nil {
		return nil, fmt.Errorf("connecting to clickhouse: %w", err)
	}
	if err := conn.Ping(ctx); err != nil {
		conn.Close()
		return nil, fmt.Errorf("connecting to clickhouse: %w", err)
	}
	sv, err := conn.ServerVersion()
	if err != nil {
		conn.Close()
		return nil, fmt.Errorf("reading clickhouse version: %w", err)
	}
	v := version{sv.Version.Major, sv.Version.Minor, sv.Version.Patch}
	s := &Store{conn: conn, database: cfg.Database, version: v, features: featuresOf(v), log: log}
	log.Info("connected to clickhouse", "addr", strings.Join(cfg.Addr, ","), "database", cfg.Database,
		"version", v.String(), "low_cardinality", s.features.lowCardinality, "codecs", s.features.codecs)
	return s, nil
}

// Close closes the connections.
func (s *Store) Close() error {
	return s.conn.Close()
}

// ServerVersion is the connected server's version, as "18.16.1".
func (s *Store) ServerVersion() string {
	return s.version.String()
}

// Database is the database the store works in.
func (s *Store) Database() string {
	return s.database
}

// Ping checks that ClickHouse answers.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.conn.Ping(ctx); err != nil {
		return fmt.Errorf("pinging clickhouse: %w", err)
	}
	return nil
}

// version is a server version; only the first three parts matter here.
type version struct{ major, minor, patch uint64 }

func (v version) atLeast(major, minor uint64) bool {
	return v.major > major || v.major == major && v.minor >= minor
}

func (v version) String() string {
	return fmt.Sprintf("%d.%d.%d", v.major, v.minor, v.patch)
}

// features are the schema features newer than ClickHouse 18.16 that the
// connected server supports.
type features struct {
	// lowCardinality: the LowCardinality type. It came in 18.12 behind an
	// experimental setting and was production-ready during 19.x; 20.1 is a
	// conservative line.
	lowCardinality bool
	// codecs: per-column compression codecs (19.1; same conservative line).
	codecs bool
}

func featuresOf(v version) features {
	return features{lowCardinality: v.atLeast(20, 1), codecs: v.atLeast(20, 1)}
}

// lc is the column type for a short, often repeated string.
func (f features) lc() string {
	if f.lowCardinality {
		return "LowCardinality(String)"
	}
	return "String"
}

// zstd is the codec clause for a large, compressible column.
func (f features) zstd() string {
	if f.codecs {
		return " CODEC(ZSTD(3))"
	}
	return ""
}

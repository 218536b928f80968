package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/parcelguard/parcelguard/api"
	"github.com/parcelguard/parcelguard/store"
	"github.com/parcelguard/parcelguard/stream"
	"github.com/parcelguard/parcelguard/synth"
)

// openConfiguredStore connects to the configured ClickHouse, once.
func openConfiguredStore(ctx context.Context, cfg Config, log *slog.Logger) (*store.Store, error) {
	chTLS, err := cfg.ClickHouse.TLS.tlsConfig()
	if err != nil {
		return nil, err
	}
	return store.Open(ctx, store.Config{Addr: cfg.ClickHouse.Addr, Database: cfg.ClickHouse.Database,
		Username: cfg.ClickHouse.Username, Password: cfg.ClickHouse.Password, TLS: chTLS, Logger: log})
}

// migrate applies the schema migrations and exits.
func (m *Main) migrate(ctx context.Context, args []string) error {
	cfg, err := m.loadConfig(m.newFlags("migrate", "migrate [-config FILE] [-set key=value ...]"), args)
	if err != nil {
		return err
	}
	st, err := openConfiguredStore(ctx, cfg, nil)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.Migrate(ctx); err != nil {
		return err
	}
	v, err := st.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "schema of database %s at version %d (ClickHouse %s)\n", st.Database(), v, st.ServerVersion())
	return nil
}

// prune drops the months of stored data older than the retention asked
// for, table group by table group.
func (m *Main) prune(ctx context.Context, args []string) error {
	fs := m.newFlags("prune", "prune -keep-months N [-dispositions-keep-months N] [-audit-keep-months N] [-dry-run] [-config FILE] [-set key=value ...]")
	keep := fs.Int("keep-months", 0, "months of parcels to keep, the current one included (required): older months of assessments, queue, item_versions, parcel_keys and rejects are dropped")
	keepDispositions := fs.Int("dispositions-keep-months", 0, "months of dispositions to keep, the current one included; 0 keeps them all")
	keepAudit := fs.Int("audit-keep-months", 0, "months of the audit log to keep, the current one included; 0 keeps it all")
	dryRun := fs.Bool("dry-run", false, "list what would be dropped and drop nothing")
	cfg, err := m.loadConfig(fs, args)
	if err != nil {
		return err
	}
	var problems []string
	if *keep < 1 {
		problems = append(problems, fmt.Sprintf("-keep-months %d: say how many months of parcels to keep, 1 or more (13 keeps this month and the twelve before it)", *keep))
	}
	for _, f := range []struct {
		name string
		v    int
	}{{"-dispositions-keep-months", *keepDispositions}, {"-audit-keep-months", *keepAudit}} {
		if f.v < 0 {
			problems = append(problems, fmt.Sprintf("%s %d: must be 0 (keep all) or more", f.name, f.v))
		}
	}
	if len(problems) > 0 {
		fmt.Fprintln(m.Stderr, "parcelguard prune: "+strings.Join(problems, "; "))
		return errUsage
	}
	st, err := openConfiguredStore(ctx, cfg, nil)
	if err != nil {
		return err
	}
	defer st.Close()
	now := time.Now().UTC()
	thisMonth := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC)
	verb := "dropped"
	if *dryRun {
		verb = "would drop"
	}
	var months int
	var rows, bytes uint64
	for _, g := range []struct {
		what   string
		tables []string
		keep   int
	}{{"parcels", store.ParcelTables, *keep}, {"dispositions", store.DispositionTables, *keepDispositions}, {"audit log", store.AuditTables, *keepAudit}} {
		if g.keep == 0 {
			continue
		}
		from := thisMonth.AddDate(0, 1-g.keep, 0)
		pruned, err := st.Prune(ctx, g.tables, from, *dryRun)
		for _, p := range pruned {
			fmt.Fprintf(m.Stdout, "%s %-14s %d-%02d  %12d rows  %8.1f MB\n", verb, p.Table, p.Month/100, p.Month%100, p.Rows, float64(p.Bytes)/1e6)
			months, rows, bytes = months+1, rows+p.Rows, bytes+p.Bytes
		}
		if err != nil {
			return err
		}
		fmt.Fprintf(m.Stdout, "%s (%s): keeping %s and later\n", g.what, strings.Join(g.tables, ", "), from.Format("2006-01"))
	}
	fmt.Fprintf(m.Stdout, "%s %d table months, %d rows, %.1f MB\n", verb, months, rows, float64(bytes)/1e6)
	return nil
}

// broker runs the embedded Kafka-protocol broker on its own, so that several
// engines (and any Kafka client) can share it.
func (m *Main) broker(ctx context.Context, args []string) error {
	fs := m.newFlags("broker", "broker [-addr HOST:PORT] [-partitions N]")
	addr := fs.String("addr", "127.0.0.1:9092", "address to listen on (clients are told to connect to exactly this host)")
	partitions := fs.Int("partitions", stream.DefaultBrokerPartitions, "partitions of the created topics")
	if err := parse(fs, args); err != nil {
		return err
	}
	b, err := stream.StartBroker(ctx, stream.BrokerConfig{Addr: *addr, Partitions: *partitions})
	if err != nil {
		return err
	}
	defer b.Close()
	fmt.Fprintf(m.Stderr, "embedded broker on %s (topics %s, %s, %s; %d partitions); Ctrl-C stops it and drops its data\n",
		strings.Join(b.Addrs(), ","), stream.DefaultManifestsTopic, stream.DefaultDLQTopic, stream.DefaultAssessmentsTopic, *partitions)
	<-ctx.Done()
	return nil
}

// demo shows the whole system: a local ClickHouse, the embedded broker, the
// engine with the default pack and a producer streaming synthetic manifests.
func (m *Main) demo(ctx context.Context, args []string) error {
	fs := m.newFlags("demo", "demo [-rate N] [-config FILE] [-set key=value ...]")
	rate := fs.Float64("rate", 500, "manifests per second the demo producer sends")
	seed := fs.Uint64("seed", 1, "seed of the synthetic manifests")
	cfg, err := m.loadConfig(fs, args)
	if err != nil {
		return err
	}
	if script := "deploy/clickhouse.sh"; fileExists(script) {
		cmd := exec.CommandContext(ctx, "bash", script, "start")
		cmd.Stdout, cmd.Stderr = m.Stderr, m.Stderr
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("starting ClickHouse with %s: %w", script, err)
		}
	}
	// A fresh token for this run only: it is printed, never stored.
	token := api.NewToken()
	cfg.API.Tokens = append(cfg.API.Tokens, TokenConfig{Name: "demo", Hash: api.HashToken(token),
		Roles: []string{api.RoleOfficer, api.RoleAnalyst, api.RoleAdmin}})
	log := slog.New(slog.NewTextHandler(m.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	e, err := startEngine(ctx, cfg, log, m.Signals)
	if err != nil {
		return err
	}
	done := make(chan error, 1)
	go func() { done <- e.wait(ctx) }()

	prod, err := stream.NewProducer(stream.ProducerConfig{Brokers: e.Brokers, Topic: cfg.Kafka.ManifestsTopic, Rate: *rate, Compression: "zstd"})
	if err != nil {
		return err
	}
	defer prod.Close()
	brokers, db, httpAddr := strings.Join(e.Brokers, ","), cfg.ClickHouse.Database, cfg.HTTP.Addr
	fmt.Fprintf(m.Stdout, "parcelguard demo is running.\n"+
		"  Kafka (embedded):  %s   topics %s, %s\n"+
		"  ClickHouse:        %s   database %s\n"+
		"  Web page:          http://%s/   log in with the token below\n"+
		"  Token (this run):  %s\n"+
		"  Metrics:           curl -H 'Authorization: Bearer %s' http://%s/metrics\n"+
		"  API:               curl -H 'Authorization: Bearer %s' 'http://%s/api/v1/queue?lane=inspect'\n"+
		"  Producer:          %.0f synthetic manifests/s (2%% drug patterns, 5%% deficient, 0.5%% broken)\n"+
		"Look at the assessments:\n"+
		"  deploy/clickhouse.sh client -d %s -q \"SELECT outcome, count() FROM assessments GROUP BY outcome\"\n"+
		"  deploy/clickhouse.sh client -d %s -q \"SELECT item_id, score, hit_rules FROM assessments WHERE outcome = 'inspect' ORDER BY assessed_at DESC LIMIT 5\"\n"+
		"Ctrl-C stops everything.\n",
		brokers, stream.DefaultManifestsTopic, stream.DefaultDLQTopic, strings.Join(cfg.ClickHouse.Addr, ","), db,
		httpAddr, token, token, httpAddr, token, httpAddr, *rate, db, db)

	g := synth.New(synth.Config{Seed: *seed, BrokenShare: 0.005, Start: time.Now().UTC().Add(-6 * time.Hour), Span: 6 * time.Hour})
	sent := 0
	for ctx.Err() == nil {
		batch := make([][]byte, 0, 100)
		for range 100 {
			batch = append(batch, g.Next(nil))
		}
		if err := prod.Send(ctx, batch...); err != nil && ctx.Err() == nil {
			log.Error("demo producer", "err", err)
			time.Sleep(time.Second)
			continue
		}
		sent += len(batch)
		if sent%5000 == 0 {
			st := e.pipe.Stats()
			fmt.Fprintf(m.Stdout, "sent %d, stored %d, rejected %d, inspect %d, review %d\n",
				sent, st.Records, st.Rejected, st.Outcomes["inspect"], st.Outcomes["review"])
		}
	}
	return <-done
}

func fileExists(p string) bool {
	info, err := os.Stat(p)
	return err == nil && !info.IsDir()
}

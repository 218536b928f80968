package main

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"runtime/pprof"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/parcelguard/parcelguard/api"
	"github.com/parcelguard/parcelguard/rules"
	"github.com/parcelguard/parcelguard/scorer"
	"github.com/parcelguard/parcelguard/store"
	"github.com/parcelguard/parcelguard/stream"
)

// stringList is a repeatable flag.
type stringList []string

func (s *stringList) String() string     { return strings.Join(*s, ",") }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }

// configFlags adds -config and -set to fs.
func configFlags(fs *flag.FlagSet) (*string, *stringList) {
	file := fs.String("config", "", "YAML configuration file (see docs/operations.md); PARCELGUARD_* variables override it")
	sets := &stringList{}
	fs.Var(sets, "set", "override one configuration key, e.g. -set kafka.brokers=k1:9092,k2:9092 (repeatable)")
	return file, sets
}

func (m *Main) loadConfig(fs *flag.FlagSet, args []string) (Config, error) {
	file, sets := configFlags(fs)
	if err := parse(fs, args); err != nil {
		return Config{}, err
	}
	cfg, err := loadConfig(*file, os.Environ(), *sets)
	if err != nil {
		fmt.Fprintln(m.Stderr, "parcelguard:", err)
		return cfg, errFailed
	}
	return cfg, nil
}

// engine is a running pipeline and everything it owns.
type engine struct {
	cfg    Config
	log    *slog.Logger
	loader *rules.Loader
	broker *stream.Broker
	store  *store.Store
	spool  *store.Spool
	writer *store.Writer
	pipe   *stream.Pipeline
	http   *http.Server
	// handler is what the listener serves: a boot handler, then the API.
	handler  atomic.Pointer[http.Handler]
	producer *stream.Producer
	ready    atomic.Bool
	// cancel stops the goroutines the engine started (watcher, signals,
	// spool replay) even when the pipeline ends on its own.
	cancel context.CancelFunc
	wg     sync.WaitGroup
	// Brokers are the brokers in use: configured or embedded.
	Brokers []string
}

func (m *Main) run(ctx context.Context, args []string) error {
	fs := m.newFlags("run", "run [-config FILE] [-set key=value ...] [-cpuprofile FILE]")
	profile := fs.String("cpuprofile", "", "write a CPU profile of the whole run to FILE (go tool pprof reads it)")
	cfg, err := m.loadConfig(fs, args)
	if err != nil {
		return err
	}
	if *profile != "" {
		stop, err := startCPUProfile(*profile)
		if err != nil {
			fmt.Fprintln(m.Stderr, "parcelguard:", err)
			return errFailed
		}
		defer stop()
	}
	log := slog.New(slog.NewTextHandler(m.Stderr, nil))
	e, err := startEngine(ctx, cfg, log, m.Signals)
	if err != nil {
		return err
	}
	return e.wait(ctx)
}

// startCPUProfile profiles the process into path until stop is called.
func startCPUProfile(path string) (stop func(), err error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("-cpuprofile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("-cpuprofile: %w", err)
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}, nil
}

// startEngine builds and starts every part; on error what was started is
// stopped again.
func startEngine(ctx context.Context, cfg Config, log *slog.Logger, signals <-chan os.Signal) (_ *engine, err error) {
	e := &engine{cfg: cfg, log: log}
	ctx, e.cancel = context.WithCancel(ctx)
	defer func() {
		if err != nil {
			e.close()
		}
	}()
	e.loader, err = rules.NewLoader(rules.LoaderConfig{Dir: cfg.Rules.Dir, Logger: log})
	if err != nil {
		return nil, err
	}
	st := e.loader.Status()
	log.Info("rule pack loaded", "name", st.Name, "version", st.Version, "rules", st.Rules, "source", st.Source)

	if err := e.serveHTTP(); err != nil {
		return nil, err
	}
	if err := e.openStore(ctx); err != nil {
		return nil, err
	}
	e.Brokers = cfg.Kafka.Brokers
	if len(e.Brokers) == 0 {
		e.broker, err = stream.StartBroker(ctx, stream.BrokerConfig{Addr: cfg.Kafka.EmbeddedAddr})
		if err != nil {
			return nil, fmt.Errorf("starting the embedded broker: %w", err)
		}
		e.Brokers = e.broker.Addrs()
		log.Info("embedded Kafka-protocol broker listening", "addr", strings.Join(e.Brokers, ","))
	}
	kafkaTLS, err := cfg.Kafka.TLS.tlsConfig()
	if err != nil {
		return nil, err
	}
	var sasl *stream.SASL
	if cfg.Kafka.SASLMechanism != "" {
		sasl = &stream.SASL{Mechanism: cfg.Kafka.SASLMechanism, Username: cfg.Kafka.SASLUsername, Password: cfg.Kafka.SASLPassword}
	}
	sc := scorer.New(e.loader, scorer.Config{
		ReviewAt: cfg.Scoring.ReviewAt, InspectAt: cfg.Scoring.InspectAt,
		SampleRate: cfg.Scoring.SampleRate, Seed: cfg.Scoring.Seed,
	})
	e.pipe, err = stream.New(stream.Config{
		Brokers:          e.Brokers,
		GroupID:          cfg.Kafka.GroupID,
		SessionTimeout:   cfg.Kafka.SessionTimeout,
		ManifestsTopic:   cfg.Kafka.ManifestsTopic,
		DLQTopic:         cfg.Kafka.DLQTopic,
		AssessmentsTopic: cfg.Kafka.AssessmentsTopic,
		Workers:          cfg.Pipeline.Workers,
		BatchSize:        cfg.Pipeline.BatchSize,
		BatchAge:         cfg.Pipeline.BatchAge,
		TLS:              kafkaTLS,
		SASL:             sasl,
		Scorer:           sc,
		Sink:             sink{e.writer},
		Logger:           log,
	})
	if err != nil {
		return nil, err
	}
	if err := e.startAPI(sc, kafkaTLS, sasl); err != nil {
		return nil, err
	}
	if cfg.Rules.Watch {
		e.wg.Add(1)
		go func() {
			defer e.wg.Done()
			if err := e.loader.Watch(ctx, 300*time.Millisecond); err != nil {
				log.Error("rule pack watcher stopped", "err", err)
			}
		}()
	}
	e.wg.Add(1)
	go func() {
		defer e.wg.Done()
		for {
			select {
			case <-ctx.Done():
				return
			case <-signals:
				_ = e.loader.Reload() // a refusal is logged and kept in the status
			}
		}
	}()
	return e, nil
}

// openStore connects to ClickHouse, migrates the schema and starts the
// writer. ClickHouse may still be starting: it is retried until ctx ends.
func (e *engine) openStore(ctx context.Context) error {
	chTLS, err := e.cfg.ClickHouse.TLS.tlsConfig()
	if err != nil {
		return err
	}
	for delay := 500 * time.Millisecond; ; delay = min(2*delay, 10*time.Second) {
		e.store, err = store.Open(ctx, store.Config{
			Addr: e.cfg.ClickHouse.Addr, Database: e.cfg.ClickHouse.Database,
			Username: e.cfg.ClickHouse.Username, Password: e.cfg.ClickHouse.Password,
			TLS: chTLS, Logger: e.log,
		})
		if err == nil {
			if err = e.store.Migrate(ctx); err == nil {
				break
			}
			e.store.Close()
			e.store = nil
		}
		e.log.Warn("waiting for ClickHouse", "addr", strings.Join(e.cfg.ClickHouse.Addr, ","), "err", err, "retry_in", delay)
		select {
		case <-ctx.Done():
			return fmt.Errorf("connecting to ClickHouse: %w", err)
		case <-time.After(delay):
		}
	}
	e.spool, err = store.OpenSpool(e.cfg.Spool.Dir, store.SpoolConfig{MaxBytes: e.cfg.Spool.MaxBytes, Logger: e.log})
	if err != nil {
		return err
	}
	e.writer, err = store.NewWriter(e.store, e.spool, store.WriterConfig{Logger: e.log})
	if err != nil {
		return err
	}
	e.writer.Run(ctx)
	return nil
}

// serveHTTP starts the HTTP listener at once, so that health answers while
// the engine waits for ClickHouse; until the API is built (startAPI) every
// other route answers 503.
func (e *engine) serveHTTP() error {
	boot := http.NewServeMux()
	boot.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintln(w, `{"status":"ok"}`)
	})
	boot.HandleFunc("/", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Retry-After", "5")
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprintln(w, `{"error":{"code":"STARTING","message":"parcelguard is starting (waiting for ClickHouse or Kafka); try again shortly"}}`)
	})
	var h http.Handler = boot
	e.handler.Store(&h)
	ln, err := net.Listen("tcp", e.cfg.HTTP.Addr)
	if err != nil {
		return fmt.Errorf("listening on http.addr: %w", err)
	}
	e.http = api.HTTPServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		(*e.handler.Load()).ServeHTTP(w, r)
	}), e.log)
	e.wg.Add(1)
	go func() {
		defer e.wg.Done()
		if err := e.http.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			e.log.Error("http server", "err", err)
		}
	}()
	e.log.Info("API and web page", "url", "http://"+ln.Addr().String()+"/")
	return nil
}

// startAPI builds the API on the running parts and puts it behind the
// listener.
func (e *engine) startAPI(sc *scorer.Scorer, kafkaTLS *tls.Config, sasl *stream.SASL) error {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	metrics := &collector{pipeline: e.pipe.Stats, writer: e.writer.Stats, rules: e.loader.Status}
	reg.MustRegister(metrics)
	var err error
	e.producer, err = stream.NewProducer(stream.ProducerConfig{Brokers: e.Brokers, Topic: e.cfg.Kafka.ManifestsTopic,
		Compression: "zstd", TLS: kafkaTLS, SASL: sasl})
	if err != nil {
		return fmt.Errorf("ingest producer: %w", err)
	}
	tokens, err := e.cfg.API.tokens()
	if err != nil {
		return err
	}
	apiTokens := make([]api.Token, len(tokens))
	for i, t := range tokens {
		apiTokens[i] = api.Token{Name: t.Name, Hash: t.Hash, Roles: t.Roles, Operator: t.Operator}
	}
	var proxy *api.ProxyAuth
	if pa := e.cfg.API.ProxyAuth; len(pa.Trusted) > 0 {
		proxy = &api.ProxyAuth{Trusted: pa.Trusted, UserHeader: pa.UserHeader, RolesHeader: pa.RolesHeader, OperatorHeader: pa.OperatorHeader}
	}
	if len(apiTokens) == 0 && proxy == nil {
		e.log.Warn("no API tokens configured: every API route will answer 401 (see docs/api.md: parcelguard token new)")
	}
	srv, err := api.New(api.Config{
		Tokens: apiTokens, ProxyAuth: proxy,
		RateLimit: e.cfg.API.RateLimit, RateBurst: e.cfg.API.RateBurst,
		AuthFailureRate: e.cfg.API.AuthFailureRate, AuthFailureBurst: e.cfg.API.AuthFailureBurst,
		CORSOrigins: e.cfg.API.CORSOrigins, SecureCookies: e.cfg.API.SecureCookies,
		SessionTTL: e.cfg.API.SessionTTL, MaxIngestBytes: e.cfg.API.MaxIngestBytes,
		Store: e.store, Rules: e.loader, Scorer: sc, Publisher: e.producer,
		Ready: func() error {
			if !e.ready.Load() {
				return errors.New("starting or stopping")
			}
			return nil
		},
		Metrics: promhttp.HandlerFor(reg, promhttp.HandlerOpts{}),
		Logger:  e.log,
	})
	if err != nil {
		return fmt.Errorf("api: %w", err)
	}
	metrics.http = srv.HTTPStats
	h := srv.Handler()
	e.handler.Store(&h)
	return nil
}

// wait runs the pipeline until ctx ends, then shuts everything down.
func (e *engine) wait(ctx context.Context) error {
	e.ready.Store(true)
	err := e.pipe.Run(ctx)
	e.ready.Store(false)
	e.close()
	if err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	return nil
}

// close stops what was started, newest first, except the HTTP server: it
// stops once the pipeline has, and before the producer and the store, so
// that the API requests under way finish with what they need (Shutdown
// waits for them, up to 5 s) while no new one is taken.
func (e *engine) close() {
	e.cancel()
	if e.pipe != nil {
		e.pipe.Close()
	}
	if e.http != nil {
		e.log.Info("stopping: finishing the HTTP requests under way")
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		e.http.Shutdown(ctx)
		cancel()
	}
	if e.producer != nil {
		e.producer.Close()
	}
	if e.writer != nil {
		e.writer.Close()
	}
	if e.store != nil {
		e.store.Close()
	}
	if e.broker != nil {
		e.broker.Close()
	}
	e.wg.Wait()
}

// sink adapts the store's writer to the pipeline: the records and the
// rejected manifests of a batch are made durable together, in ClickHouse or
// in the spool.
type sink struct{ w *store.Writer }

func (s sink) Write(ctx context.Context, batch []stream.Record, rejects []stream.Reject) error {
	recs := make([]store.Record, len(batch))
	for i := range batch {
		recs[i] = store.Record{Parcel: batch[i].Parcel, Assessment: &batch[i].Assessment}
	}
	var rejs []store.Reject
	if len(rejects) > 0 {
		rejs = make([]store.Reject, len(rejects))
		for i, x := range rejects {
			rejs[i] = store.Reject{
				ReceivedAt: x.ReceivedAt, Source: "kafka", Topic: x.Topic, Partition: int32(x.Partition),
				Offset: x.Offset, Key: string(x.Key), Code: x.Code, Path: x.Path, Message: x.Message, Raw: x.Value,
			}
		}
	}
	return s.w.WriteBatch(ctx, recs, rejs)
}

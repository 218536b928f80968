package stream

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"

	"github.com/segmentio/kafka-go"
	"github.com/twmb/franz-go/pkg/kfake"
)

// DefaultBrokerPartitions is the partition count of the embedded broker's
// topics when BrokerConfig.Partitions is 0.
const DefaultBrokerPartitions = 6

// BrokerConfig configures the embedded broker.
type BrokerConfig struct {
	// Addr is host:port to listen on; a port of 0 (or "" for all of Addr)
	// picks a free port on 127.0.0.1. Clients are told to connect to
	// exactly this host, so give an address they can reach.
	Addr string
	// Partitions is the partition count of the created topics; 0 means
	// DefaultBrokerPartitions.
	Partitions int
	// Topics are created at start; nil means the manifests, dead-letter
	// and assessments topics under their default names.
	Topics []string
}

// Broker is an embedded, in-memory, single-node Kafka-protocol broker
// (franz-go's kfake) for local runs, demos and tests. It serves producers
// and consumer groups of kafka-go and librdkafka clients (kcat). Its data
// lives in memory and is gone after Close.
type Broker struct {
	c *kfake.Cluster
}

// StartBroker starts a broker and waits until it answers, or ctx ends.
func StartBroker(ctx context.Context, cfg BrokerConfig) (*Broker, error) {
	host, port := "127.0.0.1", 0
	if cfg.Addr != "" {
		h, p, err := net.SplitHostPort(cfg.Addr)
		if err != nil {
			return nil, fmt.Errorf("broker address %q is not host:port: %w", cfg.Addr, err)
		}
		if h != "" {
			host = h
		}
		if port, err = strconv.Atoi(p); err != nil || port < 0 || port > 65535 {
			return nil, fmt.Errorf("broker address %q has no valid port", cfg.Addr)
		}
	}
	if cfg.Partitions == 0 {
		cfg.Partitions = DefaultBrokerPartitions
	}
	if cfg.Partitions < 1 || cfg.Partitions > 10000 {
		return nil, fmt.Errorf("broker partitions is %d: it must be between 1 and 10000", cfg.Partitions)
	}
	topics := cfg.Topics
	if topics == nil {
		topics = []string{DefaultManifestsTopic, DefaultDLQTopic, DefaultAssessmentsTopic}
	}
	for _, t := range topics {
		if err := checkTopic(t); err != nil {
			return nil, fmt.Errorf("broker topics: %w", err)
		}
	}

	c, err := kfake.NewCluster(
		kfake.Ports(port),
		// kfake listens on 127.0.0.1; the host of Addr replaces it.
		kfake.ListenFn(func(network, address string) (net.Listener, error) {
			_, p, err := net.SplitHostPort(address)
			if err != nil {
				return nil, err
			}
			return net.Listen(network, net.JoinHostPort(host, p))
		}),
		kfake.SeedTopics(int32(cfg.Partitions), topics...),
	)
	if err != nil {
		return nil, fmt.Errorf("starting embedded broker: %w", err)
	}
	b := &Broker{c: c}
	if err := b.ping(ctx); err != nil {
		b.Close()
		return nil, fmt.Errorf("starting embedded broker: %w", err)
	}
	return b, nil
}

// ping checks that the broker answers a metadata request.
func (b *Broker) ping(ctx context.Context) error {
	addrs := b.Addrs()
	if len(addrs) == 0 {
		return errors.New("no listener")
	}
	conn, err := (&kafka.Dialer{}).DialContext(ctx, "tcp", addrs[0])
	if err != nil {
		return err
	}
	defer conn.Close()
	if d, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(d)
	}
	_, err = conn.Brokers()
	return err
}

// Addrs returns the host:port addresses of the broker.
func (b *Broker) Addrs() []string { return b.c.ListenAddrs() }

// CreateTopic creates a topic with the given partition count.
func (b *Broker) CreateTopic(topic string, partitions int) error {
	if err := checkTopic(topic); err != nil {
		return err
	}
	if err := b.c.CreateTopic(topic, int32(partitions), nil); err != nil {
		return fmt.Errorf("creating topic %s: %w", topic, err)
	}
	return nil
}

// Close stops the broker and drops its data.
func (b *Broker) Close() { b.c.Close() }

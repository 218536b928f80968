package stream

import (
	"cmp"
	"log/slog"
	"slices"
	"time"

	"github.com/segmentio/kafka-go"
	// kafka-go registers its codecs (gzip, snappy, lz4, zstd) through its
	// compress package, which it imports itself; naming it here keeps that
	// dependency explicit for readers of this package.
	_ "github.com/segmentio/kafka-go/compress"
)

// newWriter returns a kafka-go Writer for topic with the settings every
// writer of this package needs. kafka-go's zero Writer waits for no
// acknowledgement and holds messages up to a second; here every write
// waits for all in-sync replicas and batches for at most 5 ms.
func newWriter(brokers []string, topic string, transport *kafka.Transport, batchSize int, log *slog.Logger) *kafka.Writer {
	return &kafka.Writer{
		Addr:         kafka.TCP(brokers...),
		Topic:        topic,
		Balancer:     &kafka.Murmur2Balancer{},
		RequiredAcks: kafka.RequireAll,
		BatchTimeout: 5 * time.Millisecond,
		BatchSize:    batchSize,
		// The retries that matter are the pipeline's own, with its
		// backoff and its counters.
		MaxAttempts:     3,
		WriteBackoffMin: 50 * time.Millisecond,
		WriteBackoffMax: 500 * time.Millisecond,
		ReadTimeout:     10 * time.Second,
		WriteTimeout:    10 * time.Second,
		Transport:       transport,
		ErrorLogger:     kafkaLogger(log),
	}
}

func sortPartitions(ps []PartitionStats) {
	slices.SortFunc(ps, func(a, b PartitionStats) int {
		return cmp.Or(cmp.Compare(a.Topic, b.Topic), cmp.Compare(a.Partition, b.Partition))
	})
}

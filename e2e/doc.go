// Package e2e holds the end-to-end tests and benchmarks of parcelguard. They
// build the real binary, run `parcelguard run` as a subprocess against an
// embedded Kafka-protocol broker in the test process and the local
// ClickHouse, and show that the pipeline loses nothing and shows nothing
// twice: across a ClickHouse outage, a SIGKILL and a rebalance. The package
// holds no code besides its tests.
package e2e

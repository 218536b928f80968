#!/usr/bin/env bash
# create-topics.sh creates parcelguard's topics on the compose broker. The
# one-shot kafka-init service of deploy/docker-compose.yml runs it; it is safe
# to run again (--if-not-exists).
set -euo pipefail

BOOTSTRAP="${BOOTSTRAP:-kafka:9092}"
PARTITIONS="${MANIFEST_PARTITIONS:-6}"
TOPICS=/opt/kafka/bin/kafka-topics.sh

create() {
	local topic=$1 partitions=$2
	shift 2
	"$TOPICS" --bootstrap-server "$BOOTSTRAP" --create --if-not-exists \
		--topic "$topic" --partitions "$partitions" --replication-factor 1 "$@"
}

# The manifests: one consumer group shares the partitions, so the partition
# count bounds how many engines can work in parallel.
create parcel.manifests "$PARTITIONS" --config retention.ms=604800000
# Rejected manifests, with their reasons in headers: kept 30 days for operators.
create parcel.manifests.dlq 1 --config retention.ms=2592000000
# One JSON assessment per parcel, keyed by item id.
create parcel.assessments "$PARTITIONS" --config retention.ms=604800000

"$TOPICS" --bootstrap-server "$BOOTSTRAP" --describe \
	--topic 'parcel\..*' | grep -E '^Topic:' || true

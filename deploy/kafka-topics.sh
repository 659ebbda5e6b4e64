#!/usr/bin/env bash
# The hub's Kafka topics, shared with the one-stop system. Run once per environment (idempotent: --if-not-exists),
# with Kafka's own tools on the PATH:
#   KAFKA_BOOTSTRAP=kafka-0:9092 ./deploy/kafka-topics.sh [--command-config admin.properties]
#
# onestop.dossier.events  the one-stop system's events, key = dossier code (a dossier's events stay in order on one
#                         partition). Partitions bound the hub's inbound parallelism: hub instances x
#                         hub.inbound.consumers <= partitions (the hub's readiness checks its own share). 12 leaves
#                         room to grow; partitions can be added later, never removed (adding them moves keys: do it
#                         while the one-stop system is paused and the hub has caught up).
# onestop.dossier.updates the hub's updates to the one-stop system, key = dossier code, same partitioning.
# Replication 3 with min.insync.replicas 2: the hub publishes with acks=all and commits offsets only after its
# own commits, so a broker may be lost without losing an event. Retention 7 days: a week to replay after an outage
# of the one-stop system (the hub's inbox makes a replay harmless).
set -euo pipefail
BOOTSTRAP="${KAFKA_BOOTSTRAP:?set KAFKA_BOOTSTRAP, e.g. kafka-0:9092}"
PARTITIONS="${HUB_TOPIC_PARTITIONS:-12}"
REPLICATION="${HUB_TOPIC_REPLICATION:-3}"
RETENTION_MS="${HUB_TOPIC_RETENTION_MS:-604800000}"
KAFKA_TOPICS="${KAFKA_TOPICS:-kafka-topics.sh}"

for topic in onestop.dossier.events onestop.dossier.updates; do
  "$KAFKA_TOPICS" --bootstrap-server "$BOOTSTRAP" "$@" --create --if-not-exists --topic "$topic" \
    --partitions "$PARTITIONS" --replication-factor "$REPLICATION" \
    --config min.insync.replicas=$(( REPLICATION > 1 ? 2 : 1 )) \
    --config retention.ms="$RETENTION_MS" \
    --config cleanup.policy=delete \
    --config max.message.bytes=1048576
done
"$KAFKA_TOPICS" --bootstrap-server "$BOOTSTRAP" "$@" --describe --topic 'onestop\.dossier\..*'

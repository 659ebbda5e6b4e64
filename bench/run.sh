#!/usr/bin/env bash
# The benchmark: builds the test classpath, then runs vn.gov.lgsp.hub.bench.HubBenchmark in one JVM.
#   bench/run.sh            all phases (hub flat out, at 200/s, with the portal at 50 ms, on whole lifecycles, then the ceilings)
#   bench/run.sh --jfr      the same, with a JFR recording of the hub's flat-out phase (target/bench/hub-flat-out.jfr)
#                           (-Dbench.jfr-phase=rate: of the paced phase instead, target/bench/hub-rate.jfr)
#   bench/run.sh --cluster  one vs two hub instances (JVMs of their own) on the same workload: ClusterBenchmark,
#                           target/bench/report-cluster.json (-Dbench.cluster-events=5000 -Dbench.cluster-warmup=3000
#                           -Dbench.cluster-rate-seconds=20 -Dbench.cluster-instances=2 -Dbench.cluster-hub-heap=512m)
#   bench/run.sh --sustained  the hub alone in its JVM (Kafka, Artemis: a JVM each), 3 x 60 s flat out, 5 x 30 s at 200/s, then the lean concurrent
#                           ceiling (with Artemis) 3 x 60 s: SustainedBenchmark, target/bench/report-sustained.json (12-20 min)
#                           (-Dbench.sustained-seconds=60 -Dbench.sustained-rounds=3 -Dbench.sustained-ramp-seconds=5
#                           -Dbench.sustained-warmup-seconds=30 -Dbench.sustained-warmup-max-seconds=180
#                           -Dbench.sustained-paced-runs=5 -Dbench.sustained-paced-seconds=30 -Dbench.sustained-window=3000
#                           -Dbench.sustained-hub-heap=512m -Dbench.ceiling-consumers=8 -Dbench.ceiling-in-flight=64;
#                           a smoke run: -Dbench.sustained-seconds=15 -Dbench.sustained-rounds=1 -Dbench.sustained-paced-runs=2
#                           -Dbench.sustained-paced-seconds=10 -Dbench.sustained-warmup-seconds=15 -Dbench.sustained-warmup-max-seconds=45;
#                           a JFR recording of the hub's own JVM (--cluster's hubs too):
#                           -Dbench.hub-jvm-options=-XX:StartFlightRecording=filename=/tmp/hub.jfr,settings=profile;
#                           the hub's collector, parallel as deploy/k8s runs it by default: -Dbench.hub-gc=g1|parallel|serial)
# Sizes: -Dbench.events=5000 -Dbench.rate=200 -Dbench.rate-seconds=30 -Dbench.slow-events=3000 -Dbench.warmup=3000
# -Dbench.lifecycle-events=5000 -Dbench.agency-share=0.2 (lifecycles with an identity check, as many with a tax declaration)
# -Dbench.auth-events=3000 -Dbench.auth-rounds=2 -Dbench.rest-connections=16 (the REST intake with and without its token check)
# -Dbench.phases=rate,slow,lifecycles,auth,ceiling (the default) picks what runs after the hub's flat-out phase; e.g. -Dbench.phases=rate
# for a quick look at the hub alone (no ceiling, no ratios; target/bench/report-hub.json).
# (pass them in BENCH_OPTS; BENCH_HEAP and BENCH_GC replace the heap size and G1 settings below).
# Output: target/bench/report.json, report.png (and jfr-summary.txt with --jfr).
set -euo pipefail
cd "$(dirname "$0")/.."
opts=${BENCH_OPTS:-}
if [[ "${1:-}" == "--jfr" ]]; then opts="$opts -Dbench.jfr=true"; fi
# --soak: the leak check, the hub at 150 events/s for 5 minutes with its live heap every 30 s (~10 min in all)
if [[ "${1:-}" == "--soak" ]]; then opts="-Dbench.soak-seconds=300 -Dbench.phases=soak $opts"; fi
main=vn.gov.lgsp.hub.bench.HubBenchmark
if [[ "${1:-}" == "--cluster" ]]; then main=vn.gov.lgsp.hub.bench.ClusterBenchmark; fi
if [[ "${1:-}" == "--sustained" ]]; then main=vn.gov.lgsp.hub.bench.SustainedBenchmark; fi
mkdir -p target/bench
# The kernel's writeback of dirty pages: with its defaults (gigabytes may build up, written back in bursts once 30 s
# old) every disk sync waits behind a burst: the Artemis journal's and PostgreSQL's commits stalled for 0.3-1.5 s at
# once, which decided the p99 at 200/s (bench/PROFILING.md, "A twelfth look"). Said before each run; the report keeps
# the values (machine.vm_writeback). Not changed here: it is the machine's setting (README, Deploying).
if [[ -r /proc/sys/vm/dirty_background_bytes && "$(cat /proc/sys/vm/dirty_background_bytes)" == "0" ]]; then
  echo "note: vm.dirty_background_bytes is 0 (writeback at $(cat /proc/sys/vm/dirty_background_ratio) % of memory," \
       "pages written back once $(( $(cat /proc/sys/vm/dirty_expire_centisecs) / 100 )) s old): expect disk-sync stalls in the tail (bench/PROFILING.md)" >&2
fi
./mvnw -q -DskipTests test-compile dependency:build-classpath \
    -Dmdep.outputFile=target/bench/classpath.txt -Dmdep.includeScope=test
# -Xlog:gc: target/bench/gc.log, to tell a collection from other stalls in the worst seconds of a phase.
# -Xmx512m: the heap holds the hub, the Kafka broker, Artemis, the simulators and the driver (BENCH_HEAP to change it).
# java.io.tmpdir under target/: embedded PostgreSQL unpacks and keeps its data there.
# G1's marking starts at a fixed 70 % of the heap, and its remark pause unloads no classes: with the adaptive
# threshold some runs marked every ~4 s at 200/s (a 17-25 ms remark each, and the marking's CPU), because the
# threshold it learned in the flat-out phases sat just above the live set (bench/PROFILING.md, "A fourth look").
exec java ${BENCH_HEAP:--Xmx512m} -XX:+UseG1GC ${BENCH_GC:--XX:-G1UseAdaptiveIHOP -XX:InitiatingHeapOccupancyPercent=70 -XX:-ClassUnloadingWithConcurrentMark} -Xlog:gc:file=target/bench/gc.log:uptime -Djava.io.tmpdir="$PWD/target" -Dsun.net.httpserver.nodelay=true -Dsun.net.httpserver.maxIdleConnections=1024 -Djava.util.concurrent.ForkJoinPool.common.parallelism=4 \
    -Djava.awt.headless=true $opts \
    -cp "target/test-classes:target/classes:$(cat target/bench/classpath.txt)" $main

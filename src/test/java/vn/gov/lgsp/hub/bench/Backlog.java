package vn.gov.lgsp.hub.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import vn.gov.lgsp.hub.ops.QueueMetrics;

/**
 * Where a hub phase's backlog sits, once a second: events not yet taken from Kafka (the hub's consumer-group lag)
 * and work waiting on each partner's queues. Tells which stage falls behind when the hub does.
 */
final class Backlog implements AutoCloseable {
    private final AdminClient admin;
    private final QueueMetrics queues;
    private final String topic;
    private final String group;
    private final List<String> samples = new ArrayList<>();
    private volatile boolean running = true;
    private final Thread thread;

    Backlog(String bootstrap, String topic, String group, QueueMetrics queues) {
        this.admin = AdminClient.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
        this.topic = topic;
        this.group = group;
        this.queues = queues;
        this.thread = new Thread(this::run, "bench-backlog");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    private void run() {
        long start = System.nanoTime();
        while (running) {
            try {
                long lag = lag();
                String depths;
                synchronized (queues) {
                    queues.refresh();
                    depths = queues.depths().entrySet().stream().filter(e -> e.getValue().get() > 0)
                            .map(e -> e.getKey() + "=" + e.getValue().get()).collect(Collectors.joining(" "));
                }
                synchronized (samples) {
                    samples.add(String.format("%4.0fs kafka-lag=%d %s", (System.nanoTime() - start) / 1e9, lag, depths));
                }
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                synchronized (samples) {
                    samples.add("sample failed: " + e.getMessage());
                }
            }
        }
    }

    private long lag() throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
        Map<TopicPartition, OffsetSpec> latest = new LinkedHashMap<>();
        for (var d : admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions()) {
            latest.put(new TopicPartition(topic, d.partition()), OffsetSpec.latest());
        }
        long lag = 0;
        for (var e : admin.listOffsets(latest).all().get().entrySet()) {
            OffsetAndMetadata c = committed.get(e.getKey());
            lag += e.getValue().offset() - (c == null ? 0 : c.offset());
        }
        return lag;
    }

    /** Nothing left: every event taken from Kafka (offsets committed) and every partner queue empty. */
    boolean drained() throws Exception {
        if (lag() > 0) return false;
        synchronized (queues) {
            queues.refresh();
            return queues.depths().values().stream().allMatch(d -> d.get() == 0);
        }
    }

    List<String> samples() {
        synchronized (samples) {
            return List.copyOf(samples);
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.interrupt();
        thread.join(5000);
        admin.close();
    }
}

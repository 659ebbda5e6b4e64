package vn.gov.lgsp.hub.bench;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/** How a phase's events reach the hub: the one-stop topic on Kafka, or the REST intake ({@link RestIntake}). */
interface Sender {
    void send(Workload.Event e) throws Exception;

    /** Returns once every event sent has left (Kafka) or been answered (REST). */
    void flush() throws Exception;
}

/** The one-stop system's Kafka topic, keyed by dossier code (one dossier's events on one partition, in order). */
record KafkaSender(KafkaProducer<String, String> producer, String topic) implements Sender {
    @Override
    public void send(Workload.Event e) {
        producer.send(new ProducerRecord<>(topic, e.dossierCode(), e.json()));
    }

    @Override
    public void flush() {
        producer.flush();
    }
}

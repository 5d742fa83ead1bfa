package io.github.deltaconnect.sink.offsets;

/**
 * What one offset domain holds: the last Kafka offset committed for a topic-partition, and which
 * connector, task and batch committed it. The batch id lets a task recognise its own commit when
 * the answer to that commit was lost ({@code batch} is empty for domains written before it existed).
 */
public record StoredOffset(long offset, String connector, int task, String batch) {}

package dev.mailroom.consumer;

import java.time.Duration;

/** The consumer runner's settings once validated by {@link ConsumerRunner.Builder#build()}. */
record ConsumerSettings(String group, String owner, int batchSize, Duration lease, Duration idleWait,
                        UnknownTypePolicy unknownTypes) {
}

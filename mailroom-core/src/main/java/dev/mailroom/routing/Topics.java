package dev.mailroom.routing;

import java.util.regex.Pattern;

/** Kafka's rules for topic names, checked when routes are built rather than at first send. */
final class Topics {

    private static final Pattern LEGAL = Pattern.compile("[a-zA-Z0-9._-]{1,249}");

    private Topics() {
    }

    static String requireValid(String topic) {
        if (topic == null || !LEGAL.matcher(topic).matches() || topic.equals(".") || topic.equals("..")) {
            throw new InvalidIdentifierException("Topic", String.valueOf(topic),
                    "use 1 to 249 characters of a-z, A-Z, 0-9, '.', '_' and '-'");
        }
        return topic;
    }
}

package dev.mailroom.faults;

import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The scenario's payload: {@code {"key":"key-7","seq":12}}. A poison event's {@code seq} is a
 * string no consumer can decode as a number; the history still reads its sequence.
 */
final class Payloads {

    private static final Pattern SEQUENCE = Pattern.compile("\"seq\":\"?(?:poison-)?(\\d+)");

    private Payloads() {
    }

    static String json(Produced event) {
        String sequence = event.poison() ? "\"poison-" + event.sequence() + "\"" : Long.toString(event.sequence());
        return "{\"key\":\"" + event.key() + "\",\"seq\":" + sequence + "}";
    }

    static long sequence(byte[] payload) {
        Matcher matcher = SEQUENCE.matcher(new String(payload, StandardCharsets.UTF_8));
        if (!matcher.find()) {
            throw new IllegalArgumentException("not a fault-suite payload: " + new String(payload, StandardCharsets.UTF_8));
        }
        return Long.parseLong(matcher.group(1));
    }
}

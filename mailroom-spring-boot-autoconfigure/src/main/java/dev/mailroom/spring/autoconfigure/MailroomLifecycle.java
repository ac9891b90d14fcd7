package dev.mailroom.spring.autoconfigure;

import org.springframework.context.SmartLifecycle;

/** The lifecycle phase of Mailroom's background work: started after, stopped before the web server and other beans. */
final class MailroomLifecycle {

    /** Lower phases start first and stop last; the web server runs at {@code DEFAULT_PHASE - 2048}. */
    static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 1;

    private MailroomLifecycle() {
    }
}

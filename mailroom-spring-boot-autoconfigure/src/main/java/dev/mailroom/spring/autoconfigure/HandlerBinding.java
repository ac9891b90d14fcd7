package dev.mailroom.spring.autoconfigure;

import dev.mailroom.consumer.EventHandler;
import dev.mailroom.consumer.PayloadValidator;
import java.util.Set;

/** A handler bean (an annotated method or a {@code MailroomEventHandler}) bound to its event type and group. */
record HandlerBinding(String source, String eventType, String group, Class<Object> payloadType, Set<Integer> versions,
                      PayloadValidator<Object> validator, EventHandler<Object> handler) {
}

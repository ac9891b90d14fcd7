package dev.mailroom.routing;

import dev.mailroom.MailroomException;

/** The route definitions contradict each other or miss a required setting. */
public final class RouteConfigurationException extends MailroomException {

    public RouteConfigurationException(String message) {
        super(message);
    }
}

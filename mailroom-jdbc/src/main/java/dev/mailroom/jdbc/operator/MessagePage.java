package dev.mailroom.jdbc.operator;

import java.util.List;

/** A page of search results and the cursor of the next page (null when this one is the last). */
public record MessagePage(List<MessageSummary> items, Long next) {

    public MessagePage {
        items = List.copyOf(items);
    }
}

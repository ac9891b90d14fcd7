package dev.mailroom.server.dashboard;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * HTML written by the dashboard: markup it writes itself goes in with {@link #raw}, and every value
 * (a payload, an error, a key, a name, even a number) with {@link #text} or {@link #attr}, which
 * escape it, so stored input is always shown as text and never parsed as markup.
 */
final class Html {

    private static final int EXCERPT = 160;

    private final StringBuilder out = new StringBuilder(8192);

    /** Markup written by the dashboard itself; never a value. */
    Html raw(String markup) {
        out.append(markup);
        return this;
    }

    /** A value, escaped; null shows as an empty string. */
    Html text(Object value) {
        out.append(escape(value == null ? "" : value.toString()));
        return this;
    }

    /** {@code name="value"} with the value escaped, preceded by a space. */
    Html attr(String name, Object value) {
        out.append(' ').append(name).append("=\"").append(escape(value == null ? "" : value.toString())).append('"');
        return this;
    }

    /** {@code <tag class="...">value</tag>} with the value escaped. */
    Html element(String tag, String cssClass, Object value) {
        out.append('<').append(tag);
        if (cssClass != null) {
            attr("class", cssClass);
        }
        out.append('>');
        text(value);
        out.append("</").append(tag).append('>');
        return this;
    }

    Html td(Object value) {
        return element("td", null, value);
    }

    /** A link to a path the dashboard built (still escaped as an attribute) with an escaped label. */
    Html link(String href, Object label) {
        out.append("<a");
        attr("href", href);
        out.append('>');
        text(label);
        out.append("</a>");
        return this;
    }

    /** A hidden form field. */
    Html hidden(String name, Object value) {
        out.append("<input type=\"hidden\"");
        attr("name", name);
        attr("value", value);
        out.append('>');
        return this;
    }

    @Override
    public String toString() {
        return out.toString();
    }

    static String escape(String text) {
        StringBuilder escaped = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            String replacement = switch (c) {
                case '&' -> "&amp;";
                case '<' -> "&lt;";
                case '>' -> "&gt;";
                case '"' -> "&quot;";
                case '\'' -> "&#39;";
                default -> null;
            };
            if (replacement != null && escaped == null) {
                escaped = new StringBuilder(text.length() + 16).append(text, 0, i);
            }
            if (escaped != null) {
                if (replacement != null) {
                    escaped.append(replacement);
                } else {
                    escaped.append(c);
                }
            }
        }
        return escaped == null ? text : escaped.toString();
    }

    /** The start of a long text for a table cell (the whole is on the row's own page); null is empty. */
    static String excerpt(String text) {
        if (text == null) {
            return "";
        }
        return text.length() <= EXCERPT ? text : text.substring(0, EXCERPT) + "…";
    }

    /** A query parameter value or path segment, percent-encoded. */
    static String url(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** A time as operators read it: UTC to the second. */
    static String time(Instant instant) {
        return instant == null ? "" : instant.truncatedTo(ChronoUnit.SECONDS).toString().replace('T', ' ');
    }

    /** A duration as {@code 3d 4h}, {@code 2h 5m}, {@code 4m 12s}, {@code 1.25s}. */
    static String age(Duration duration) {
        if (duration == null) {
            return "";
        }
        long seconds = duration.getSeconds();
        if (seconds >= 86_400) {
            return seconds / 86_400 + "d " + seconds % 86_400 / 3_600 + "h";
        }
        if (seconds >= 3_600) {
            return seconds / 3_600 + "h " + seconds % 3_600 / 60 + "m";
        }
        if (seconds >= 60) {
            return seconds / 60 + "m " + seconds % 60 + "s";
        }
        return String.format(java.util.Locale.ROOT, "%.2fs", duration.toMillis() / 1000.0);
    }
}

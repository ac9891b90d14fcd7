package dev.mailroom.server.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mailroom.server.http.Values;
import java.io.IOException;

/**
 * A payload as an operator reads it: JSON pretty-printed, other UTF-8 text as it is, anything else
 * as a hex dump (the first {@link #HEX_LIMIT} bytes). Always escaped: a payload is stored input.
 */
final class Payloads {

    static final int HEX_LIMIT = 64 * 1024;

    private Payloads() {
    }

    static void render(Html h, byte[] payload, String contentType) {
        String text = Values.utf8(payload);
        String json = text == null ? null : prettyJson(text, contentType);
        String kind = json != null ? "JSON" : text != null ? "text" : "binary, hex";
        h.raw("<h3>Payload <small>").text(kind + ", " + payload.length + " bytes").raw("</small></h3>");
        if (json != null) {
            h.element("pre", "payload json", json);
        } else if (text != null) {
            h.element("pre", "payload text", text);
        } else {
            h.element("pre", "payload hex", hex(payload));
        }
    }

    /** The text pretty-printed when it is JSON (declared or not), else null; strict: duplicate keys are not JSON here. */
    static String prettyJson(String text, String contentType) {
        String trimmed = text.strip();
        boolean declared = contentType != null && contentType.toLowerCase(java.util.Locale.ROOT).contains("json");
        if (!declared && !(trimmed.startsWith("{") || trimmed.startsWith("["))) {
            return null;
        }
        try {
            JsonNode tree = Values.MAPPER.readTree(text);
            return tree == null || tree.isMissingNode() ? null
                    : Values.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(tree);
        } catch (IOException e) {
            return null;
        }
    }

    static String hex(byte[] bytes) {
        int length = Math.min(bytes.length, HEX_LIMIT);
        StringBuilder out = new StringBuilder(length * 4 + 64);
        for (int offset = 0; offset < length; offset += 16) {
            out.append(String.format(java.util.Locale.ROOT, "%08x  ", offset));
            StringBuilder ascii = new StringBuilder(16);
            for (int i = offset; i < offset + 16; i++) {
                if (i < length) {
                    int b = bytes[i] & 0xff;
                    out.append(Character.forDigit(b >> 4, 16)).append(Character.forDigit(b & 0xf, 16)).append(' ');
                    ascii.append(b >= 0x20 && b < 0x7f ? (char) b : '.');
                } else {
                    out.append("   ");
                }
            }
            out.append(' ').append(ascii).append('\n');
        }
        if (bytes.length > length) {
            out.append("… ").append(bytes.length - length).append(" more bytes\n");
        }
        return out.toString();
    }
}

package dev.mailroom.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LedgerJsonTest {

    @ParameterizedTest
    @ValueSource(strings = {"{}", "[]", "0", "-0", "\"text\"", "null", "true", " {\"a\": [1, 2.5, {\"b\": null}]} ",
            "\"\\ud83d\\ude00 and é\"", "1e131071", "9.9e131071", "1e-16383", "0e200000", "{\"a\":{\"a\":1}}"})
    void valuesPostgresqlStoresAsTheyAreAccepted(String json) {
        assertThat(LedgerJson.problem(json)).isNull();
    }

    @Test
    void nestingIsAcceptedUpToTheDepthMariaDbValidates() {
        int depth = LedgerJson.MAX_DEPTH;
        assertThat(LedgerJson.problem("[".repeat(depth) + "]".repeat(depth))).isNull();
        assertThat(LedgerJson.problem("{\"a\":".repeat(depth) + "1" + "}".repeat(depth))).isNull();
        assertThat(LedgerJson.problem("[".repeat(depth + 1) + "]".repeat(depth + 1))).contains("deeper than 31");
        assertThat(LedgerJson.problem("{\"a\":".repeat(depth + 1) + "1" + "}".repeat(depth + 1))).contains("deeper");
    }

    @Test
    void aRawSurrogatePairIsAccepted() {
        assertThat(LedgerJson.problem("[\"\uD83D\uDE00\"]")).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "{", "{\"a\":}", "{} {}", "[1]x", "'single'", "NaN", "{\"a\":1,\"a\":2}",
            "{\"a\":\"\\u0000\"}", "{\"\\u0000\":1}", "\"\\ud800\"", "\"\\udc00\\ud800\"", "1e131072",
            "1e-16384", "1.5e-16383", "0.0000e-20000", "1e99999999999"})
    void valuesPostgresqlWouldRefuseOrChangeAreRefused(String json) {
        assertThat(LedgerJson.problem(json)).isNotNull();
    }

    @Test
    void rawNulAndLoneSurrogatesInStringsAreRefused() {
        assertThat(LedgerJson.problem("[\"a\u0000b\"]")).contains("CTRL-CHAR");
        assertThat(LedgerJson.problem("[\"\uD800x\"]")).contains("unpaired surrogate (U+D800)");
        assertThat(LedgerJson.problem(null)).isEqualTo("there is no payload");
    }

    @Test
    void cuttingTextNeverSplitsASurrogatePair() {
        String text = "a".repeat(6) + "\uD83D\uDE00" + "b".repeat(10);
        assertThat(LedgerInput.cut(text, 10)).isEqualTo("aaaaaa...");
        assertThat(LedgerInput.cut("short", 10)).isEqualTo("short");
        assertThat(LedgerInput.reason("a\u0000b")).isEqualTo("a\uFFFDb");
    }
}

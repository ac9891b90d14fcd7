package dev.mailroom.relay;

import dev.mailroom.transport.Envelope;
import dev.mailroom.transport.Transport;
import java.util.Collection;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/** A transport whose sends do what the test says: complete later, or never. */
record ScriptedTransport(Function<Envelope, CompletableFuture<Void>> onSend) implements Transport {

    @Override
    public String name() {
        return "scripted";
    }

    @Override
    public void verifyDestinations(Collection<String> destinations) {
    }

    @Override
    public CompletableFuture<Void> send(Envelope envelope) {
        return onSend.apply(envelope);
    }

    @Override
    public void close() {
    }
}

package dev.mailroom.faults;

import java.io.IOException;
import java.io.InputStream;

/** What every child JVM's main does first and last. */
final class ChildMain {

    private ChildMain() {
    }

    /** Halts this JVM when its stdin closes: the test that started it has ended, however it ended. */
    static void exitWithParent() {
        Thread watchdog = new Thread(() -> {
            try (InputStream in = System.in) {
                while (in.read() >= 0) {
                    // the parent writes nothing; end of stream means it is gone
                }
            } catch (IOException e) {
                // as good as closed
            }
            Runtime.getRuntime().halt(3);
        }, "parent-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
    }

    /** Prints a marker line the parent waits for ({@link ChildJvm#awaitMarker}). */
    static void marker(String text) {
        System.out.println("@" + text);
        System.out.flush();
    }

    static void parkForever() throws InterruptedException {
        new java.util.concurrent.CountDownLatch(1).await();
    }
}

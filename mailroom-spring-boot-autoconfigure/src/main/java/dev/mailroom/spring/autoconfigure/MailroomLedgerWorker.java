package dev.mailroom.spring.autoconfigure;

import dev.mailroom.ledger.CompensationLedger;
import dev.mailroom.ledger.LedgerWorker;
import org.springframework.context.SmartLifecycle;

/** A compensation ledger worker as a lifecycle bean: started with the context, closed before the DataSource. */
public final class MailroomLedgerWorker implements SmartLifecycle {

    private final CompensationLedger ledger;
    private volatile LedgerWorker worker;

    MailroomLedgerWorker(CompensationLedger ledger) {
        this.ledger = ledger;
    }

    @Override
    public synchronized void start() {
        if (worker == null) {
            worker = ledger.startWorker();
        }
    }

    @Override
    public synchronized void stop() {
        if (worker != null) {
            worker.close();
            worker = null;
        }
    }

    @Override
    public boolean isRunning() {
        return worker != null;
    }

    /** Runs the worker's next pass now. */
    public void wake() {
        LedgerWorker current = worker;
        if (current != null) {
            current.wake();
        }
    }

    @Override
    public int getPhase() {
        return MailroomLifecycle.PHASE;
    }
}

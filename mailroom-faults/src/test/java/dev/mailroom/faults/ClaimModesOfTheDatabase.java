package dev.mailroom.faults;

import dev.mailroom.relay.ClaimMode;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.ArgumentsProvider;

/**
 * Every claim mode the scenario's database supports: all of them on PostgreSQL; on MariaDB (a scenario
 * class marked {@link OnMariaDb}) all but {@link ClaimMode#PARTITION_LEASE}, which a relay there refuses.
 */
final class ClaimModesOfTheDatabase implements ArgumentsProvider {

    /** A scenario class run on MariaDB. */
    interface OnMariaDb {
    }

    @Override
    public Stream<? extends Arguments> provideArguments(ExtensionContext context) {
        boolean mariaDb = OnMariaDb.class.isAssignableFrom(context.getRequiredTestClass());
        return Stream.of(ClaimMode.values())
                .filter(mode -> !(mariaDb && mode == ClaimMode.PARTITION_LEASE))
                .map(Arguments::of);
    }
}

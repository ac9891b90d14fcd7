package dev.mailroom.relay;

import dev.mailroom.testkit.db.WithMariaDb;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.ArgumentsProvider;

/**
 * Every claim mode the test class's database supports: all of them on PostgreSQL; on MariaDB all but
 * {@link ClaimMode#PARTITION_LEASE}, which a relay there refuses at build (see
 * {@code RelayDeliveryContract#partitionLeasesAreRefusedWhereTheyAreNotBuilt}).
 */
final class ClaimModesOfTheDatabase implements ArgumentsProvider {

    @Override
    public Stream<? extends Arguments> provideArguments(ExtensionContext context) {
        boolean mariaDb = context.getRequiredTestClass().isAnnotationPresent(WithMariaDb.class);
        return Stream.of(ClaimMode.values())
                .filter(mode -> !(mariaDb && mode == ClaimMode.PARTITION_LEASE))
                .map(Arguments::of);
    }
}

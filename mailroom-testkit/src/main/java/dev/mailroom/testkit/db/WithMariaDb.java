package dev.mailroom.testkit.db;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/** A fresh MariaDB database for the annotated test class; see {@link MariaDbExtension}. */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(MariaDbExtension.class)
public @interface WithMariaDb {
}

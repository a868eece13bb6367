package org.deskframe.cluster;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A typed envelope between nodes: a record that implements this interface and names its wire type with
 * {@link Name}, such as {@code @ClusterMessage.Name("messaging.posted") record MessagePostedRemote(...)}. It travels as
 * JSON (its record components), so a name and its fields are a wire contract: rename neither; add fields (older
 * nodes ignore them, newer nodes read a missing one as null, 0 or false) and add new types (a node that does not know a
 * type logs it once and ignores it), which keeps rolling upgrades safe.
 */
public interface ClusterMessage {

    /** The stable wire name of a {@link ClusterMessage} type: lower case, dotted, {@code [a-z][a-z0-9._-]*}. */
    @Documented
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.TYPE)
    @interface Name {
        String value();
    }
}

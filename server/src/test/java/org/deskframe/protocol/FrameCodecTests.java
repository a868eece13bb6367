package org.deskframe.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import org.junit.jupiter.api.Test;

/** The id of a frame comes first: read leniently, so that any refusal of the frame can still carry it. */
class FrameCodecTests {

    @Test
    void theIdIsPickedOutOfAnyJsonObjectWithoutReadingTheRest() {
        assertThat(FrameCodec.idOf("{\"op\":\"send\",\"nested\":{\"id\":\"inner\"},\"id\":\"outer\",\"text\":[1,2")).isEqualTo("outer");
        assertThat(FrameCodec.idOf("{\"id\":\"first\"} trailing garbage")).isEqualTo("first");
        assertThat(FrameCodec.idOf("{\"id\":7}")).isNull();
        assertThat(FrameCodec.idOf("{\"id\":\"" + "x".repeat(101) + "\"}")).isNull();
        assertThat(FrameCodec.idOf("[\"id\",\"x\"]")).isNull();
        assertThat(FrameCodec.idOf("not json")).isNull();
        assertThat(FrameCodec.idOf("{\"op\":\"pong\"}")).isNull();
    }

    @Test
    void aFrameRefusedForAnotherFieldCarriesItsId() {
        FrameCodec.BadFrame e = catchThrowableOfType(FrameCodec.BadFrame.class,
                () -> FrameCodec.decode("{\"op\":\"send\",\"id\":\"s9\",\"conversation\":[]}"));
        assertThat(e.id()).isEqualTo("s9");
        assertThat(e.problem().message()).contains("'conversation' must be a string");
    }

    @Test
    void aFrameThatIsNoJsonObjectHasNoId() {
        assertThat(catchThrowableOfType(FrameCodec.BadFrame.class, () -> FrameCodec.decode("{\"id\":\"x\",")).id()).isNull();
        assertThat(catchThrowableOfType(FrameCodec.BadFrame.class, () -> FrameCodec.decode("[\"x\"]")).id()).isNull();
    }

    @Test
    void resumeMustNameAConversationOrItWouldNeverBeAnswered() {
        FrameCodec.BadFrame e = catchThrowableOfType(FrameCodec.BadFrame.class,
                () -> FrameCodec.decode("{\"op\":\"resume\",\"id\":\"r\",\"positions\":{}}"));
        assertThat(e.id()).isEqualTo("r");
        assertThat(e.problem().message()).contains("'positions' must name at least one conversation");
    }
}

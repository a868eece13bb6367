package org.deskframe.protocol;

import tools.jackson.databind.DatabindContext;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.jsontype.impl.TypeIdResolverBase;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/** Jackson's type ids for server frames are the ops' wire names, from {@link Op}: one list, no per-record names. */
final class OpTypeIds extends TypeIdResolverBase {

    @Override
    public String idFromValue(DatabindContext ctxt, Object value) {
        return Op.of((ServerFrame) value).wire();
    }

    @Override
    public String idFromValueAndType(DatabindContext ctxt, Object value, Class<?> suggestedType) {
        return idFromValue(ctxt, value);
    }

    @Override
    public JavaType typeFromId(DatabindContext ctxt, String id) {
        Class<? extends ServerFrame> type = Op.ofWire(id).flatMap(Op::serverFrame)
                .orElseThrow(() -> new IllegalArgumentException("no server frame '" + id + "'"));
        return ctxt.constructType(type);
    }

    @Override
    public JsonTypeInfo.Id getMechanism() {
        return JsonTypeInfo.Id.CUSTOM;
    }
}

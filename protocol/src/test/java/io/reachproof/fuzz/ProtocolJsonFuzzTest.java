package io.reachproof.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.reachproof.protocol.AgentIdentity;
import io.reachproof.protocol.AgentList;
import io.reachproof.protocol.BatchAck;
import io.reachproof.protocol.Heartbeat;
import io.reachproof.protocol.Json;
import io.reachproof.protocol.Plan;
import io.reachproof.protocol.ProbeResult;
import io.reachproof.protocol.RegistrationAck;
import io.reachproof.protocol.ResultBatch;
import io.reachproof.protocol.RoundReport;
import io.reachproof.protocol.SelfCheckStatus;
import java.io.CharConversionException;
import java.io.IOException;
import java.util.List;

/**
 * Any bytes read as any wire record are the record or a Jackson exception (which the API answers as a 400
 * naming the line and column) or a {@link CharConversionException} (a 400 too): never another exception, whatever a record's constructor checks. Regression
 * inputs live in {@code src/test/resources/io/reachproof/fuzz/ProtocolJsonFuzzTestInputs}; the first byte
 * picks the record type.
 */
class ProtocolJsonFuzzTest {

    private static final List<Class<?>> RECORDS = List.of(AgentIdentity.class, Heartbeat.class, Plan.class,
            ResultBatch.class, ProbeResult.class, SelfCheckStatus.class, RegistrationAck.class, BatchAck.class,
            AgentList.class, RoundReport.class);

    private final ObjectMapper mapper = Json.mapper();

    @FuzzTest(maxDuration = "20s")
    void anyBytesAreARecordOrAJsonError(FuzzedDataProvider data) {
        Class<?> type = RECORDS.get(Math.floorMod(data.consumeByte(), RECORDS.size()));
        byte[] json = data.consumeRemainingAsBytes();
        try {
            Object value = mapper.readValue(json, type);
            if (value != null) {
                mapper.writeValueAsBytes(value);
            }
        } catch (JacksonException expected) {
            // a refusal the API turns into a 400 naming where the JSON went wrong
        } catch (CharConversionException expected) {
            // bytes Jackson takes for UTF-32 but that are not (found by this test; crash-c41c2fa7... is kept):
            // an IOException that is not a JacksonException, which the API answers as a 400 "unreadable
            // request body" and the agent as an unreadable plan
        } catch (IOException e) {
            throw new AssertionError("reading from a byte array fails only as JSON or as characters", e);
        }
    }
}

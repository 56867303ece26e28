package io.reachproof.coordinator.api;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import java.io.IOException;

/** Reads a request body as JSON; any problem is a 400 naming it and where (line and column). */
public final class JsonBody {

    private JsonBody() {
    }

    public static <T> T read(ObjectMapper mapper, ApiRequest request, Class<T> type) {
        if (request.body().length == 0) {
            throw ApiException.badRequest("request body is empty; expected a JSON " + type.getSimpleName());
        }
        try {
            T value = mapper.readValue(request.body(), type);
            if (value == null) {
                throw ApiException.badRequest("request body is null; expected a JSON " + type.getSimpleName());
            }
            return value;
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest("invalid " + type.getSimpleName() + " JSON" + at(e.getLocation()) + ": " + problem(e));
        } catch (IOException e) {
            throw ApiException.badRequest("unreadable request body: " + e.getMessage());
        }
    }

    private static String problem(JsonProcessingException e) {
        if (e instanceof ValueInstantiationException && e.getCause() != null && e.getCause().getMessage() != null) {
            return e.getCause().getMessage();
        }
        String message = e.getOriginalMessage();
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    private static String at(JsonLocation location) {
        if (location == null || location.getLineNr() < 0) {
            return "";
        }
        return " at line " + location.getLineNr() + ", column " + location.getColumnNr();
    }
}

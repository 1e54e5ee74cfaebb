package io.exprun.contract;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Every difference between two specs, by location ({@code components.schemas.X.required: added ["status"]}), for the
 * changelog: openapi-diff's report covers operations only, and says nothing of an info or schema annotation change.
 */
final class SpecTreeDiff {

    private static final int SHOWN = 80;

    private SpecTreeDiff() {}

    static List<String> of(JsonNode before, JsonNode after) {
        List<String> out = new ArrayList<>();
        diff(before, after, "", out);
        return out;
    }

    private static void diff(JsonNode a, JsonNode b, String at, List<String> out) {
        if (a.equals(b)) {
            return;
        }
        if (a.isObject() && b.isObject()) {
            Set<String> keys = new LinkedHashSet<>();
            a.fieldNames().forEachRemaining(keys::add);
            b.fieldNames().forEachRemaining(keys::add);
            for (String key : keys) {
                String where = at.isEmpty() ? key : at + "." + key;
                if (!b.has(key)) {
                    out.add("`" + where + "`: removed");
                } else if (!a.has(key)) {
                    out.add("`" + where + "`: added " + shown(b.get(key)));
                } else {
                    diff(a.get(key), b.get(key), where, out);
                }
            }
        } else if (a.isTextual()
                && b.isTextual()
                && (a.asText().length() > SHOWN || b.asText().length() > SHOWN)) {
            out.add("`" + at + "`: reworded");
        } else {
            out.add("`" + at + "`: " + shown(a) + " → " + shown(b));
        }
    }

    private static String shown(JsonNode value) {
        String text = value.toString();
        return "`" + (text.length() > SHOWN ? text.substring(0, SHOWN) + "…" : text) + "`";
    }
}

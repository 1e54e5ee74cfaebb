import java.util.Set;

/** Negative control for RulesStatedOnceTest: a main source that states the contract's rules again. Never compiled. */
class Restated {
    String code = "run_not_found";
    Set<String> active = Set.of("pending",
            "queued", "running");
    String sql = "SELECT id FROM runs WHERE status IN ('completed','error')";
    // "run_not_cancellable" in a comment states nothing
    String transition = "UPDATE runs SET status = 'queued' WHERE status = 'pending'";
    String url = "http://example/*"; String after = "precondition_failed";
}

import io.exprun.client.ExprunClient;

public final class Example {
  public static void main(String[] args) throws Exception {
    ExprunClient client = new ExprunClient(System.getProperty("exprun.apiKey"), System.getProperty("exprun.baseUrl"));

    var result = client.workflows().experiments().runs().cancel("run_abc123");
    System.out.println(result);
  }
}

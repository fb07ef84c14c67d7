using SgConfigRule.FakeAws;
using SgConfigRule.FakeAws.Ec2;
using SgConfigRule.FakeAws.Lambda;

// usage: SgConfigRule.FakeAws.Host [--groups N] [--seed S] [--log-calls] [--lambda-event FILE]
// Starts the loopback AWS endpoints with N security groups (recorded in AWS Config too), prints one line
// "AWS_ENDPOINT_URL=<url>", and serves until standard input closes. With --log-calls it also prints
// "CALL <unix time in ns> <service> <operation>" as each request arrives (bench/cold-start.sh times the rule with it).
// With --lambda-event it also serves the Lambda Runtime API and prints "AWS_LAMBDA_RUNTIME_API=<host:port>" second; each
// line "invoke" read from standard input then queues one invocation of FILE — once no stopped runtime's request is
// still waiting, so that the invocation goes to the next runtime — and prints "QUEUED".
var groups = 1000;
var seed = 20261126;
var logCalls = false;
string? lambdaEvent = null;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--groups" when i + 1 < args.Length: groups = int.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture); break;
        case "--seed" when i + 1 < args.Length: seed = int.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture); break;
        case "--log-calls": logCalls = true; break;
        case "--lambda-event" when i + 1 < args.Length: lambdaEvent = args[++i]; break;
        default:
            Console.Error.WriteLine("usage: SgConfigRule.FakeAws.Host [--groups N] [--seed S] [--log-calls] [--lambda-event FILE]");
            return 2;
    }
}

await using var server = await FakeAwsServer.StartAsync(seed);
var random = new Random(seed);
for (var n = 0; n < groups; n++)
{
    var id = $"sg-{n:x17}";
    server.Ec2.AddGroup(id, $"group-{n}", "synthetic group");
    // A mix like real accounts: most groups allow HTTPS or reference other groups; some open SSH or everything.
    server.Ec2.AddIngress(id, "tcp", 443, 443, Ec2Source.Ipv4("0.0.0.0/0"), "HTTPS");
    if (random.NextDouble() < 0.3) server.Ec2.AddIngress(id, "tcp", 443, 443, Ec2Source.Ipv6("::/0"), "HTTPS v6");
    if (n > 0 && random.NextDouble() < 0.5) server.Ec2.AddIngress(id, "-1", -1, -1, Ec2Source.Group($"sg-{random.Next(n):x17}"), "from peers");
    // The first group is the walkthrough's: SSH open from one address, for the revoke to remove.
    if (n == 0 || random.NextDouble() < 0.15) server.Ec2.AddIngress(id, "tcp", 22, 22, Ec2Source.Ipv4($"203.0.113.{random.Next(256)}/32"), "SSH");
    if (random.NextDouble() < 0.05) server.Ec2.AddIngress(id, "-1", -1, -1, Ec2Source.Ipv4("0.0.0.0/0"), "everything");
    if (random.NextDouble() < 0.2) server.Ec2.AddIngress(id, "tcp", 5432, 5432, Ec2Source.Ipv4($"10.{random.Next(256)}.0.0/16"), "database");
}
server.Config.RecordAll(server.Ec2, DateTime.UtcNow.AddMinutes(-5));

if (logCalls)
{
    server.BeforeDispatch = (service, operation) =>
    {
        var nanoseconds = (DateTime.UtcNow - DateTime.UnixEpoch).Ticks * 100;
        lock (server) Console.WriteLine($"CALL {nanoseconds} {service} {operation}");
        return Task.CompletedTask;
    };
}
Console.WriteLine($"AWS_ENDPOINT_URL={server.Url}");
await using var lambda = lambdaEvent is null ? null : await FakeLambdaRuntimeApi.StartAsync();
var payload = lambdaEvent is null ? [] : await File.ReadAllBytesAsync(lambdaEvent);
if (lambda is not null) Console.WriteLine($"AWS_LAMBDA_RUNTIME_API={lambda.Address}");
Console.Out.Flush();
// Serve until the parent closes our standard input.
while (await Console.In.ReadLineAsync() is { } command)
{
    if (command.Trim() != "invoke") continue;
    if (lambda is null)
    {
        Console.Error.WriteLine("'invoke' needs --lambda-event FILE");
        continue;
    }
    await lambda.WaitUntilNoRuntimeWaitsAsync(TimeSpan.FromSeconds(10));
    lambda.Enqueue(payload);
    lock (server) Console.WriteLine("QUEUED");
    Console.Out.Flush();
}
return 0;

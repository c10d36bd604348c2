using System.Text.RegularExpressions;
using Sweep.Cli.Tests.Monitoring;
using Sweep.Coordinator.Engine;
using Sweep.Coordinator.Monitoring;
using Sweep.Engine.Planning;
using Sweep.Engine.Spec;
using Sweep.Monitoring;
using Sweep.Physics.Models;
using static Sweep.Cli.Tests.Deployment.RenderedManifests;

namespace Sweep.Cli.Tests.Deployment;

/// <summary>
/// deploy/k8s rendered by a real <c>kubectl kustomize</c>, then checked for consistency: selectors
/// match labels, ports and probes name ports that exist, the seed Service and the coordinator's
/// advertised name agree, the NetworkPolicy opens remoting to sweep pods only, the TLS Secret is
/// mounted read-only and only its paths are in the manifests, the KEDA query names a metric the
/// coordinator exports, the containers' arguments are options the program has, and no broker is left.
/// </summary>
public partial class KubernetesManifestTests
{
    private const string Namespace = "sweep";
    private const string TlsSecret = "sweep-tls";
    private const string TlsMount = "/etc/sweep/tls";
    private static readonly string Root = ModelsCommandTests.RepositoryRoot();
    private static readonly Lazy<RenderedManifests> Base = new(() => Render(Path.Combine(Root, "deploy", "k8s")));

    private static RenderedManifests K8s => Base.Value;

    /// <summary>Pod templates of the workloads (Deployments, StatefulSets, Jobs), with their owner.</summary>
    private static IEnumerable<(Dictionary<object, object> Owner, Dictionary<object, object> Template)> PodTemplates() =>
        K8s.Objects.Where(o => Str(o, "kind") is "Deployment" or "StatefulSet" or "Job")
            .Select(o => (o, (Dictionary<object, object>)At(o, "spec.template")!));

    private static IEnumerable<Dictionary<object, object>> Containers(Dictionary<object, object> template) =>
        List(template, "spec.containers").Concat(List(template, "spec.initContainers"));

    private static Dictionary<object, object> Coordinator => List(K8s.Single("Job", "sweep-coordinator"), "spec.template.spec.containers").Single();

    private static Dictionary<object, object> Worker => List(K8s.Single("Deployment", "sweep-worker"), "spec.template.spec.containers").Single();

    [Fact]
    public void Renders_every_part_of_the_deployment_into_the_sweep_namespace()
    {
        Assert.Equal(Namespace, Str(K8s.Single("Namespace", Namespace), "metadata.name"));
        foreach (var o in K8s.Objects.Where(o => Str(o, "kind") != "Namespace"))
        {
            Assert.True(Str(o, "metadata.namespace") == Namespace, $"{Str(o, "kind")} {Str(o, "metadata.name")} is not in namespace {Namespace}");
        }

        Assert.Equal("batch/v1", Str(K8s.Single("Job", "sweep-coordinator"), "apiVersion"));
        Assert.True(K8s.Has("Service", "sweep-coordinator"));
        Assert.True(K8s.Has("Deployment", "sweep-worker"));
        Assert.True(K8s.Has("ScaledObject", "sweep-worker"));
        Assert.True(K8s.Has("NetworkPolicy", "sweep"));
        Assert.Equal(["sweep-coordinator", "sweep-worker"], K8s.OfKind("PodMonitor").Select(p => Str(p, "metadata.name")).Order());
        // Seeds come through the headless Service: the pods need no API-server permissions at all.
        Assert.DoesNotContain(K8s.Objects, o => Str(o, "kind") is "Role" or "RoleBinding" or "ClusterRole" or "ClusterRoleBinding" or "ServiceAccount");
    }

    [Fact]
    public void No_broker_is_left_in_the_deployment()
    {
        Assert.DoesNotMatch(new Regex("rabbit|broker|amqp", RegexOptions.IgnoreCase), K8s.Text);
        Assert.False(Directory.Exists(Path.Combine(Root, "deploy", "rabbitmq-statefulset")));
        foreach (string file in Directory.EnumerateFiles(Path.Combine(Root, "deploy"), "*", SearchOption.AllDirectories))
        {
            Assert.True(!Regex.IsMatch(File.ReadAllText(file), "rabbitmq|--broker|sweep_broker_", RegexOptions.IgnoreCase), $"{file} still refers to the broker");
        }
    }

    [Fact]
    public void The_coordinator_is_a_restartable_job_with_its_run_store_on_a_claim_that_exists()
    {
        var job = K8s.Single("Job", "sweep-coordinator");
        Assert.Equal("OnFailure", Str(job, "spec.template.spec.restartPolicy"));
        Assert.InRange(Convert.ToInt32(At(job, "spec.backoffLimit")), 1, 20);
        var claims = List(job, "spec.template.spec.volumes").Select(v => Str(v, "persistentVolumeClaim.claimName")).OfType<string>().ToList();
        Assert.Single(claims);
        Assert.True(K8s.Has("PersistentVolumeClaim", claims[0]), $"PVC {claims[0]} is not rendered");

        // The run directory is on that claim's mount, and the spec path is the spec ConfigMap's mount.
        var container = Coordinator;
        var args = Args(container);
        string output = Option(args, "--output");
        var mounts = List(container, "volumeMounts").ToDictionary(m => Str(m, "name")!, m => Str(m, "mountPath")!);
        string runsVolume = List(job, "spec.template.spec.volumes").Single(v => At(v, "persistentVolumeClaim") is not null)["name"].ToString()!;
        Assert.StartsWith(mounts[runsVolume] + "/", output);
        string specVolume = List(job, "spec.template.spec.volumes").Single(v => Str(v, "configMap.name") == "sweep-spec")["name"].ToString()!;
        Assert.Equal(mounts[specVolume] + "/sweep.yaml", args[1]);
    }

    [Fact]
    public void The_headless_seed_service_and_the_addresses_the_nodes_advertise_and_dial_agree()
    {
        var service = K8s.Single("Service", "sweep-coordinator");
        Assert.Equal("None", Str(service, "spec.clusterIP"));
        Assert.True(At(service, "spec.publishNotReadyAddresses") is "true", "the seed must resolve before it is ready");
        var job = K8s.Single("Job", "sweep-coordinator");
        Assert.True(IsSubset(Labels(service, "spec.selector"), Labels(job, "spec.template.metadata.labels")), "the Service does not select the coordinator");
        Assert.False(PodTemplates().Any(p => p.Owner != job && IsSubset(Labels(service, "spec.selector"), Labels(p.Template, "metadata.labels"))),
            "the seed Service selects pods other than the coordinator");
        var ports = List(service, "spec.ports").ToList();
        Assert.Equal(["remoting", "results"], ports.Select(p => Str(p, "name")));
        var (remoting, results) = (ports[0], ports[1]);
        Assert.Equal("4053", At(remoting, "port"));
        Assert.Equal("4053", ContainerPort(Coordinator, Str(remoting, "targetPort")!));
        // The result stream: the port the coordinator binds is the one its Service and container name.
        Assert.Equal("4054", At(results, "port"));
        Assert.Equal("4054", ContainerPort(Coordinator, Str(results, "targetPort")!));
        Assert.Equal("4054", Expand(Coordinator, Option(Args(Coordinator), "--result-port")));

        // The name workers dial is the name the coordinator advertises: sweep-coordinator.<namespace>.svc.
        string seedHost = $"{Str(service, "metadata.name")}.{Str(service, "metadata.namespace")}.svc";
        Assert.Equal("0.0.0.0:4053", Expand(Coordinator, Option(Args(Coordinator), "--listen")));
        Assert.Equal(seedHost, Expand(Coordinator, Option(Args(Coordinator), "--public-host")));
        Assert.Equal($"{seedHost}:4053", Expand(Worker, Option(Args(Worker), "--seed")));

        // Workers listen on their named remoting port and advertise their pod IP, which the coordinator dials back.
        Assert.Equal($"0.0.0.0:{ContainerPort(Worker, "remoting")}", Expand(Worker, Option(Args(Worker), "--listen")));
        Assert.Equal("<status.podIP>", Expand(Worker, Option(Args(Worker), "--public-host")));
    }

    [Fact]
    public void The_workers_have_requests_limits_probes_and_a_grace_period_longer_than_a_chunk()
    {
        var worker = K8s.Single("Deployment", "sweep-worker");
        Assert.InRange(Convert.ToInt32(At(worker, "spec.template.spec.terminationGracePeriodSeconds")), 300, 3600);
        var container = Worker;
        foreach (string resource in new[] { "requests.cpu", "requests.memory", "limits.cpu", "limits.memory" })
        {
            Assert.NotNull(At(container, "resources." + resource));
        }

        Assert.Equal("/healthz", Str(container, "livenessProbe.httpGet.path"));
        Assert.Equal("/readyz", Str(container, "readinessProbe.httpGet.path"));
        // One chunk per core: the concurrency equals the CPU limit.
        Assert.Equal(Str(container, "resources.limits.cpu"), Option(Args(container), "--concurrency"));
        // SIGTERM is the scale-in signal the worker handles: no preStop hook stands in its way.
        Assert.Null(At(container, "lifecycle.preStop"));
    }

    [Fact]
    public void Selectors_match_the_labels_of_the_pods_they_select()
    {
        foreach (var (owner, template) in PodTemplates().Where(p => Str(p.Owner, "kind") != "Job"))
        {
            var selector = Labels(owner, "spec.selector.matchLabels");
            Assert.NotEmpty(selector);
            Assert.True(IsSubset(selector, Labels(template, "metadata.labels")), $"{Str(owner, "metadata.name")}: selector does not match its pod labels");
        }

        foreach (var monitor in K8s.OfKind("PodMonitor"))
        {
            var selector = Labels(monitor, "spec.selector.matchLabels");
            Assert.True(PodTemplates().Any(p => IsSubset(selector, Labels(p.Template, "metadata.labels"))), $"PodMonitor {Str(monitor, "metadata.name")} selects no pods");
        }
    }

    [Fact]
    public void Ports_are_named_consistently_between_containers_probes_and_pod_monitors()
    {
        foreach (var (_, template) in PodTemplates())
        {
            foreach (var container in Containers(template))
            {
                var ports = List(container, "ports").Select(p => Str(p, "name")).ToHashSet();
                foreach (string probe in new[] { "startupProbe", "livenessProbe", "readinessProbe" })
                {
                    if (At(container, probe + ".httpGet.port") is string port)
                    {
                        Assert.True(ports.Contains(port), $"{Str(container, "name")} {probe} uses port '{port}', which it does not name");
                    }
                }

                if (Args(container).FirstOrDefault(a => a.StartsWith("--metrics-port=", StringComparison.Ordinal)) is { } metrics)
                {
                    Assert.Equal(metrics["--metrics-port=".Length..], ContainerPort(container, "metrics"));
                }
            }
        }

        foreach (var monitor in K8s.OfKind("PodMonitor"))
        {
            var selector = Labels(monitor, "spec.selector.matchLabels");
            var selected = PodTemplates().Where(p => IsSubset(selector, Labels(p.Template, "metadata.labels"))).ToList();
            foreach (var endpoint in List(monitor, "spec.podMetricsEndpoints"))
            {
                string port = Str(endpoint, "port")!;
                Assert.True(selected.All(p => Containers(p.Template).Any(c => List(c, "ports").Any(cp => Str(cp, "name") == port))),
                    $"PodMonitor {Str(monitor, "metadata.name")} scrapes port '{port}', which its pods do not name");
            }
        }
    }

    [Fact]
    public void The_network_policy_opens_remoting_and_results_to_sweep_pods_only_and_metrics_to_the_monitoring_namespace()
    {
        var policy = K8s.Single("NetworkPolicy", "sweep");
        var selector = Labels(policy, "spec.podSelector.matchLabels");
        Assert.Equal(new Dictionary<string, string> { ["app.kubernetes.io/name"] = "sweep" }, selector);
        Assert.All(PodTemplates(), p => Assert.True(IsSubset(selector, Labels(p.Template, "metadata.labels")), $"{Str(p.Owner, "metadata.name")} is not under the policy"));
        Assert.Contains("Ingress", (At(policy, "spec.policyTypes") as List<object>)!.Cast<string>());

        var rules = List(policy, "spec.ingress").ToList();
        Assert.All(rules, rule => Assert.NotEmpty(List(rule, "from"))); // a rule without "from" admits everyone
        Assert.All(rules, rule => Assert.NotEmpty(List(rule, "ports")));  // and one without "ports" every port
        var byPort = rules.SelectMany(rule => List(rule, "ports").Select(port => (Port: At(port, "port")!.ToString()!, From: List(rule, "from").ToList())))
            .GroupBy(x => x.Port).ToDictionary(g => g.Key, g => g.SelectMany(x => x.From).ToList());
        Assert.Equal(["metrics", "remoting", "results"], byPort.Keys.Order());

        // Remoting and the result stream: only pods labelled as sweep's, of this namespace (no namespaceSelector, no ipBlock).
        Assert.All(byPort["remoting"].Concat(byPort["results"]), peer =>
        {
            Assert.Equal(["podSelector"], peer.Keys.Cast<string>());
            Assert.Equal(new Dictionary<string, string> { ["app.kubernetes.io/name"] = "sweep" }, Labels(peer, "podSelector.matchLabels"));
        });
        // Metrics: only from the monitoring namespace.
        Assert.All(byPort["metrics"], peer =>
        {
            Assert.Equal(["namespaceSelector"], peer.Keys.Cast<string>());
            Assert.Equal(new Dictionary<string, string> { ["kubernetes.io/metadata.name"] = "monitoring" }, Labels(peer, "namespaceSelector.matchLabels"));
        });

        // The ports named in the policy are the ones the pods name (the result port: the coordinator's alone).
        foreach (var (owner, template) in PodTemplates())
        {
            var named = Containers(template).SelectMany(c => List(c, "ports")).Select(p => Str(p, "name")).ToHashSet();
            var expected = byPort.Keys.Where(port => port != "results" || Str(owner, "metadata.name") == "sweep-coordinator");
            Assert.True(named.IsSupersetOf(expected), $"pods do not name every port of the policy: {string.Join(", ", named)}");
        }
    }

    [Fact]
    public void Every_node_mounts_the_tls_secret_read_only_and_finds_certificate_and_password_there_by_path_only()
    {
        Assert.False(K8s.Has("Secret", TlsSecret), "the TLS Secret must be made by the operator, never rendered from the repository");
        foreach (var (owner, template) in PodTemplates())
        {
            string name = Str(owner, "metadata.name")!;
            var volume = List(template, "spec.volumes").Single(v => Str(v, "secret.secretName") == TlsSecret);
            Assert.True(At(volume, "secret.optional") is "false" or null, $"{name}: a node must not start without the certificate");
            Assert.Null(At(volume, "secret.items")); // the Secret's keys are the file names
            Assert.Equal("288", At(volume, "secret.defaultMode")); // 0440: the owner and the pod's fsGroup read it
            Assert.NotNull(At(template, "spec.securityContext.fsGroup"));

            var container = Containers(template).Single();
            var mount = List(container, "volumeMounts").Single(m => Str(m, "name") == Str(volume, "name"));
            Assert.Equal(TlsMount, Str(mount, "mountPath"));
            Assert.True(At(mount, "readOnly") is "true", $"{name}: the TLS Secret is mounted writable");

            var env = List(container, "env").ToDictionary(e => Str(e, "name")!, e => Str(e, "value"));
            Assert.Equal($"{TlsMount}/tls.pfx", env["SWEEP_TLS_CERT"]);
            Assert.Equal($"{TlsMount}/password", env["SWEEP_TLS_PASSWORD_FILE"]);
            Assert.False(env.ContainsKey("SWEEP_TLS_PASSWORD"), $"{name}: the password itself is in the manifest");
            Assert.DoesNotContain(Args(container), a => a.StartsWith("--insecure", StringComparison.Ordinal) || a.StartsWith("--tls", StringComparison.Ordinal));
        }

        // The operator's command that makes it, with exactly those keys, is documented beside the manifests.
        string readme = File.ReadAllText(Path.Combine(Root, "deploy", "k8s", "README.md"));
        Assert.Contains($"create secret generic {TlsSecret}", readme);
        Assert.Contains("--from-file=tls.pfx=", readme);
        Assert.Contains("--from-file=password=", readme);
    }

    [Fact]
    public async Task The_keda_scaler_targets_the_workers_on_a_query_of_metrics_the_coordinator_exports()
    {
        var scaled = K8s.Single("ScaledObject", "sweep-worker");
        Assert.Equal("Deployment", Str(scaled, "spec.scaleTargetRef.kind"));
        Assert.True(K8s.Has("Deployment", Str(scaled, "spec.scaleTargetRef.name")!));
        Assert.Equal("0", At(scaled, "spec.minReplicaCount"));
        var trigger = List(scaled, "spec.triggers").Single();
        Assert.Equal("prometheus", Str(trigger, "type"));
        Assert.True(Uri.TryCreate(Str(trigger, "metadata.serverAddress"), UriKind.Absolute, out _));
        Assert.True(double.Parse(Str(trigger, "metadata.threshold")!, System.Globalization.CultureInfo.InvariantCulture) > 0);

        string query = Str(trigger, "metadata.query")!;
        Assert.Equal("sum(sweep_chunks_pending)", query);
        var exported = PromQl.ExposedNames(await CoordinatorMetricsAsync());
        Assert.All(PromQl.MetricNames(query), name => Assert.True(exported.Contains(name), $"the KEDA query names {name}, which a coordinator does not export"));
    }

    [Fact]
    public void Every_referenced_secret_and_config_map_exists()
    {
        // Secrets rendered here, and the TLS Secret the operator makes (asserted documented above).
        var secrets = K8s.OfKind("Secret").Select(s => Str(s, "metadata.name")!).Append(TlsSecret).ToHashSet();
        var configMaps = K8s.OfKind("ConfigMap").Select(c => Str(c, "metadata.name")!).ToHashSet();
        int references = 0;
        foreach (var map in K8s.Objects.SelectMany(Maps))
        {
            foreach (var (key, set) in new[] { ("secretKeyRef.name", secrets), ("secret.secretName", secrets), ("configMap.name", configMaps) })
            {
                if (Str(map, key) is { } name)
                {
                    references++;
                    Assert.True(set.Contains(name), $"{key} '{name}' does not exist");
                }
            }
        }

        Assert.True(references >= 3, $"only {references} references found: the walk is broken");
    }

    [Fact]
    public void No_credential_is_written_in_an_env_value_or_a_rendered_secret()
    {
        foreach (var (owner, template) in PodTemplates())
        {
            foreach (var container in Containers(template))
            {
                foreach (var env in List(container, "env").Where(e => At(e, "valueFrom") is null))
                {
                    string name = Str(env, "name")!, value = Str(env, "value") ?? "";
                    string where = $"{Str(owner, "metadata.name")}/{Str(container, "name")} env {name}";
                    // A variable that names a secret may hold a path to it (…_FILE, …_CERT), never the secret itself.
                    Assert.False(SecretName().IsMatch(name) && !value.StartsWith(TlsMount + "/", StringComparison.Ordinal) && value.Length > 0,
                        $"{where} holds a secret in plain text");
                    Assert.False(UrlWithPassword().IsMatch(value), $"{where} carries a password in plain text: {value}");
                }
            }
        }

        Assert.DoesNotContain(K8s.OfKind("Secret"), s => At(s, "stringData") is not null || At(s, "data") is not null);
    }

    [Fact]
    public void Containers_run_as_non_root_on_a_read_only_root_filesystem()
    {
        foreach (var (owner, template) in PodTemplates())
        {
            Assert.True(At(template, "spec.securityContext.runAsNonRoot") is "true", $"{Str(owner, "metadata.name")} may run as root");
            foreach (var container in Containers(template))
            {
                Assert.True(At(container, "securityContext.readOnlyRootFilesystem") is "true", $"{Str(container, "name")}: writable root filesystem");
                Assert.True(At(container, "securityContext.allowPrivilegeEscalation") is "false");
            }
        }
    }

    [Fact]
    public void Container_arguments_are_options_the_program_has()
    {
        AssertOptionsExist(Args(Coordinator), CliRunner.Run("coordinator", "--help").Out);
        Assert.Equal("coordinator", Args(Coordinator)[0]);
        AssertOptionsExist(Args(Worker), CliRunner.Run("worker", "--help").Out);
    }

    [Fact]
    public void The_spec_config_map_holds_a_valid_spec_and_the_dashboard_config_map_the_dashboard()
    {
        string spec = DataEntry(K8s.Single("ConfigMap", "sweep-spec"), "sweep.yaml");
        var plan = SweepPlan.Create(SpecParser.Parse(spec, ModelRegistry.Default), ModelRegistry.Default);
        Assert.True(plan.TotalEvaluations > 0);

        var dashboard = K8s.Single("ConfigMap", "sweep-grafana-dashboard");
        Assert.Equal("1", Labels(dashboard, "metadata.labels")["grafana_dashboard"]);
        string json = DataEntry(dashboard, "sweep-dashboard.json");
        Assert.Equal(File.ReadAllText(Path.Combine(Root, "deploy", "grafana", "sweep-dashboard.json")), json);
    }

    [Fact]
    public void The_dashboard_has_a_cluster_panel_and_no_broker_panels()
    {
        string json = File.ReadAllText(Path.Combine(Root, "deploy", "grafana", "sweep-dashboard.json"));
        var expressions = PromQl.DashboardExpressions(json);
        var names = expressions.SelectMany(PromQl.MetricNames).ToHashSet();
        Assert.DoesNotContain(names, n => n.StartsWith("rabbitmq_", StringComparison.Ordinal) || n.StartsWith("sweep_broker_", StringComparison.Ordinal));

        using var document = System.Text.Json.JsonDocument.Parse(json);
        var cluster = document.RootElement.GetProperty("panels").EnumerateArray()
            .Single(p => p.GetProperty("type").GetString() == "timeseries" && p.GetProperty("title").GetString() == "Cluster");
        var clusterNames = cluster.GetProperty("targets").EnumerateArray().SelectMany(t => PromQl.MetricNames(t.GetProperty("expr").GetString()!)).ToHashSet();
        Assert.Superset(new HashSet<string> { "sweep_workers_connected", "sweep_chunks_pending", "sweep_chunks_redispatched_total" }, clusterNames);
    }

    /// <summary>What a coordinator's /metrics holds for a run (its run metrics, registered in-process).</summary>
    private static async Task<string> CoordinatorMetricsAsync()
    {
        string spec = File.ReadAllText(Path.Combine(Root, "deploy", "k8s", "spec", "sweep.yaml"));
        var plan = SweepPlan.Create(SpecParser.Parse(spec, ModelRegistry.Default), ModelRegistry.Default);
        await using var host = new MetricsHost("coordinator");
        RunMetrics.Register(host, "0123456789abcdef", plan, new RunCounters(plan.TotalChunks, plan.TotalEvaluations));
        return await host.ScrapeAsync();
    }

    private static string DataEntry(Dictionary<object, object> configMap, string key) =>
        (string)((Dictionary<object, object>)At(configMap, "data")!)[key];

    private static List<string> Args(Dictionary<object, object> container) => (At(container, "args") as List<object> ?? []).Cast<string>().ToList();

    /// <summary>The value of --name=value in a container's arguments.</summary>
    private static string Option(List<string> args, string name) =>
        args.SingleOrDefault(a => a.StartsWith(name + "=", StringComparison.Ordinal))?[(name.Length + 1)..]
        ?? throw new Xunit.Sdk.XunitException($"no {name}=… in [{string.Join(" ", args)}]");

    private static string ContainerPort(Dictionary<object, object> container, string name) =>
        List(container, "ports").Single(p => Str(p, "name") == name)["containerPort"].ToString()!;

    /// <summary>An argument as the kubelet expands it: $(VAR) by the container's env — a literal value, the
    /// namespace it is rendered into for metadata.namespace, and &lt;field&gt; for other pod fields.</summary>
    private static string Expand(Dictionary<object, object> container, string argument)
    {
        var env = List(container, "env").ToDictionary(e => Str(e, "name")!, e =>
            Str(e, "value") ?? (Str(e, "valueFrom.fieldRef.fieldPath") is { } field ? field == "metadata.namespace" ? Namespace : $"<{field}>" : null));
        return VariableReference().Replace(argument, m => env.TryGetValue(m.Groups[1].Value, out string? value) && value is not null
            ? value
            : throw new Xunit.Sdk.XunitException($"{argument}: $({m.Groups[1].Value}) is not set in the container's env"));
    }

    private static void AssertOptionsExist(IEnumerable<string> args, string help)
    {
        foreach (string option in args.Where(a => a.StartsWith("--", StringComparison.Ordinal)).Select(a => a.Split('=')[0]))
        {
            Assert.True(help.Contains(option + " ", StringComparison.Ordinal) || help.Contains(option + ",", StringComparison.Ordinal),
                $"{option} is not an option of the program:\n{help}");
        }
    }

    private static bool IsSubset(Dictionary<string, string> subset, Dictionary<string, string> labels) =>
        subset.All(kv => labels.TryGetValue(kv.Key, out string? value) && value == kv.Value);

    [GeneratedRegex("PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|TLS", RegexOptions.IgnoreCase)]
    private static partial Regex SecretName();

    [GeneratedRegex(@"\$\(([A-Za-z_][A-Za-z0-9_]*)\)")]
    private static partial Regex VariableReference();

    [GeneratedRegex(@"://[^/\s:@]*:[^@\s]+@")]
    private static partial Regex UrlWithPassword();
}

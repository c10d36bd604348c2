using System.Text.RegularExpressions;
using Sweep.Engine.Planning;
using Sweep.Engine.Spec;
using Sweep.Physics.Models;
using static Sweep.Cli.Tests.Deployment.RenderedManifests;

namespace Sweep.Cli.Tests.Deployment;

/// <summary>
/// deploy/k8s rendered by a real <c>kubectl kustomize</c>, then checked for consistency: selectors
/// match labels, ports and probes name ports that exist, the KEDA target and queue exist, every
/// referenced Secret and ConfigMap exists, no credential is written in an env value, the
/// containers' arguments are options the program has, and the spec and dashboard are the real ones.
/// </summary>
public partial class KubernetesManifestTests
{
    private const string Namespace = "sweep";
    private static readonly string Root = ModelsCommandTests.RepositoryRoot();
    private static readonly Lazy<RenderedManifests> Base = new(() => Render(Path.Combine(Root, "deploy", "k8s")));

    private static RenderedManifests K8s => Base.Value;

    /// <summary>Pod templates of the workloads (Deployments, StatefulSets, Jobs), with their owner.</summary>
    private static IEnumerable<(Dictionary<object, object> Owner, Dictionary<object, object> Template)> PodTemplates() =>
        K8s.Objects.Where(o => Str(o, "kind") is "Deployment" or "StatefulSet" or "Job")
            .Select(o => (o, (Dictionary<object, object>)At(o, "spec.template")!));

    private static IEnumerable<Dictionary<object, object>> Containers(Dictionary<object, object> template) =>
        List(template, "spec.containers").Concat(List(template, "spec.initContainers"));

    [Fact]
    public void Renders_every_part_of_the_deployment_into_the_sweep_namespace()
    {
        Assert.Equal(Namespace, Str(K8s.Single("Namespace", Namespace), "metadata.name"));
        foreach (var o in K8s.Objects.Where(o => Str(o, "kind") != "Namespace"))
        {
            Assert.True(Str(o, "metadata.namespace") == Namespace, $"{Str(o, "kind")} {Str(o, "metadata.name")} is not in namespace {Namespace}");
        }

        Assert.True(K8s.Has("RabbitmqCluster", "sweep-rabbitmq"));
        Assert.Equal("batch/v1", Str(K8s.Single("Job", "sweep-coordinator"), "apiVersion"));
        Assert.True(K8s.Has("Deployment", "sweep-worker"));
        Assert.True(K8s.Has("ScaledObject", "sweep-worker"));
        Assert.Equal(["sweep-coordinator", "sweep-rabbitmq", "sweep-worker"], K8s.OfKind("PodMonitor").Select(p => Str(p, "metadata.name")).Order());
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
        var container = List(job, "spec.template.spec.containers").Single();
        var args = Args(container);
        string output = args.Single(a => a.StartsWith("--output=", StringComparison.Ordinal))["--output=".Length..];
        var mounts = List(container, "volumeMounts").ToDictionary(m => Str(m, "name")!, m => Str(m, "mountPath")!);
        string runsVolume = List(job, "spec.template.spec.volumes").Single(v => At(v, "persistentVolumeClaim") is not null)["name"].ToString()!;
        Assert.StartsWith(mounts[runsVolume] + "/", output);
        string specVolume = List(job, "spec.template.spec.volumes").Single(v => Str(v, "configMap.name") == "sweep-spec")["name"].ToString()!;
        Assert.Equal(mounts[specVolume] + "/sweep.yaml", args[1]);
    }

    [Fact]
    public void The_workers_have_requests_limits_probes_and_a_grace_period_longer_than_a_chunk()
    {
        var worker = K8s.Single("Deployment", "sweep-worker");
        Assert.InRange(Convert.ToInt32(At(worker, "spec.template.spec.terminationGracePeriodSeconds")), 300, 3600);
        var container = List(worker, "spec.template.spec.containers").Single();
        foreach (string resource in new[] { "requests.cpu", "requests.memory", "limits.cpu", "limits.memory" })
        {
            Assert.NotNull(At(container, "resources." + resource));
        }

        Assert.Equal("/healthz", Str(container, "livenessProbe.httpGet.path"));
        Assert.Equal("/readyz", Str(container, "readinessProbe.httpGet.path"));
        // One chunk per core: the concurrency equals the CPU limit.
        Assert.Contains($"--concurrency={Str(container, "resources.limits.cpu")}", Args(container));
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
            bool selectsPods = PodTemplates().Any(p => IsSubset(selector, Labels(p.Template, "metadata.labels")));
            // The RabbitMQ Cluster Operator labels its pods app.kubernetes.io/name: <cluster name>.
            bool selectsBroker = K8s.OfKind("RabbitmqCluster").Any(c =>
                IsSubset(selector, new Dictionary<string, string> { ["app.kubernetes.io/name"] = Str(c, "metadata.name")! }));
            Assert.True(selectsPods || selectsBroker, $"PodMonitor {Str(monitor, "metadata.name")} selects no pods");
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
                    Assert.Equal(metrics["--metrics-port=".Length..], List(container, "ports").Single(p => Str(p, "name") == "metrics")["containerPort"].ToString());
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
                bool named = selected.Count > 0
                    ? selected.All(p => Containers(p.Template).Any(c => List(c, "ports").Any(cp => Str(cp, "name") == port)))
                    : port == "prometheus"; // the operator's name for rabbitmq_prometheus' port 15692
                Assert.True(named, $"PodMonitor {Str(monitor, "metadata.name")} scrapes port '{port}', which its pods do not name");
            }
        }
    }

    [Fact]
    public void Every_referenced_secret_and_config_map_exists()
    {
        // Secrets rendered here, and the one the RabbitMQ Cluster Operator creates per cluster.
        var secrets = K8s.OfKind("Secret").Select(s => Str(s, "metadata.name")!)
            .Concat(K8s.OfKind("RabbitmqCluster").Select(c => Str(c, "metadata.name") + "-default-user")).ToHashSet();
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

        foreach (var auth in K8s.OfKind("TriggerAuthentication"))
        {
            foreach (var target in List(auth, "spec.secretTargetRef"))
            {
                references++;
                Assert.Contains(Str(target, "name")!, secrets);
            }
        }

        Assert.True(references >= 7, $"only {references} references found: the walk is broken");
    }

    [Fact]
    public void No_credential_is_written_in_an_env_value_and_urls_are_composed_from_secrets()
    {
        foreach (var (owner, template) in PodTemplates())
        {
            foreach (var container in Containers(template))
            {
                var fromSecrets = new HashSet<string>();
                foreach (var env in List(container, "env"))
                {
                    string name = Str(env, "name")!;
                    if (At(env, "valueFrom.secretKeyRef") is not null)
                    {
                        fromSecrets.Add(name);
                        continue;
                    }

                    string value = Str(env, "value") ?? "";
                    string where = $"{Str(owner, "metadata.name")}/{Str(container, "name")} env {name}";
                    Assert.False(SecretName().IsMatch(name) && value.Length > 0, $"{where} holds a secret in plain text");
                    string literal = VariableReference().Replace(value, m => fromSecrets.Contains(m.Groups[1].Value) ? "" : m.Value);
                    Assert.False(UrlWithPassword().IsMatch(literal), $"{where} carries a password in plain text: {value}");
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
        var coordinator = List(K8s.Single("Job", "sweep-coordinator"), "spec.template.spec.containers").Single();
        var worker = List(K8s.Single("Deployment", "sweep-worker"), "spec.template.spec.containers").Single();
        AssertOptionsExist(Args(coordinator), CliRunner.Run("coordinator", "--help").Out);
        Assert.Equal("coordinator", Args(coordinator)[0]);
        AssertOptionsExist(Args(worker), CliRunner.Run("worker", "--help").Out);
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

    private static string DataEntry(Dictionary<object, object> configMap, string key) =>
        (string)((Dictionary<object, object>)At(configMap, "data")!)[key];

    private static List<string> Args(Dictionary<object, object> container) => (At(container, "args") as List<object> ?? []).Cast<string>().ToList();

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

    [GeneratedRegex("PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY", RegexOptions.IgnoreCase)]
    private static partial Regex SecretName();

    [GeneratedRegex(@"\$\(([A-Za-z_][A-Za-z0-9_]*)\)")]
    private static partial Regex VariableReference();

    [GeneratedRegex(@"://[^/\s:@]*:[^@\s]+@")]
    private static partial Regex UrlWithPassword();
}

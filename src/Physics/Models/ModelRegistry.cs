using Sweep.Physics.Junction;
using Sweep.Physics.Interface;
using Sweep.Physics.Mtj;
using Sweep.Physics.PairTunneling;
using Sweep.Physics.SpinChain;

namespace Sweep.Physics.Models;

/// <summary>The models the engine knows, by name.</summary>
public sealed class ModelRegistry
{
    public ModelRegistry(IEnumerable<Model> models)
    {
        Models = models.ToArray();
        var duplicate = Models.GroupBy(m => m.Name).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ArgumentException($"model '{duplicate.Key}' registered twice", nameof(models));
        }
    }

    /// <summary>Every built-in model.</summary>
    public static ModelRegistry Default { get; } = new(new Model[] { new MagnonJunctionModel(), new MtjModel(), new NfInterfaceModel(), new SpinChainModel(), new PairTunnelingModel() });

    public IReadOnlyList<Model> Models { get; }

    public IEnumerable<string> Names => Models.Select(m => m.Name);

    public Model? Find(string name) => Models.FirstOrDefault(m => m.Name == name);
}

using System.Collections.Generic;
using System.Globalization;
using System.Text;
using RnnGen.Generators.Model;

namespace RnnGen.Generators.Lowering;

/// <summary>
/// The allocator a plan is built with: parameter tensors in state_dict order, and regions of the
/// activation, streaming-state and streaming-scratch buffers, each at the next free offset. The
/// planner and the layer kinds' <c>Plan</c> methods call it; nothing else changes a plan's layout.
/// </summary>
internal sealed class PlanBuilder
{
    private readonly HashSet<string> _tensorIds = new();
    private readonly HashSet<string> _workIds = new(), _stateIds = new(), _stepIds = new();
    private readonly HashSet<string> _layerIds = new();
    private int _parameters, _work, _state, _stepWork;

    public PlanBuilder(ModelSpec spec) => Plan = new ModelPlan(spec);

    /// <summary>The plan under construction.</summary>
    public ModelPlan Plan { get; }

    /// <summary>Appends a parameter tensor (PyTorch name and shape) to the flat parameter buffer.</summary>
    public TensorPlan Tensor(string name, int[] shape, InitKind init, int fan)
    {
        var t = new TensorPlan(name, UniqueId(Sanitize(name), _tensorIds), shape, _parameters, init, fan);
        Plan.Tensors.Add(t);
        _parameters += t.Length;
        return t;
    }

    /// <summary>A region of the activation buffer (its gradient sits at the same offset of the gradient buffer).</summary>
    public Region Work(string id, int length, string description) => Add(Plan.WorkRegions, _workIds, id, ref _work, length, description);

    /// <summary>A region of the streaming state, carried from one <c>Step</c> to the next.</summary>
    public Region State(string id, int length, string description) => Add(Plan.StateRegions, _stateIds, id, ref _state, length, description);

    /// <summary>A region of the streaming scratch buffer, for one step's values.</summary>
    public Region StepWork(string id, int length, string description) => Add(Plan.StepRegions, _stepIds, id, ref _stepWork, length, description);

    /// <summary>A unique C# identifier for a layer, from its name.</summary>
    public string LayerId(string name) => UniqueId(Sanitize(name), _layerIds);

    /// <summary>Records the buffer sizes in the plan and returns it.</summary>
    public ModelPlan Finish()
    {
        Plan.ParameterCount = _parameters;
        Plan.WorkSize = _work;
        Plan.StateSize = _state;
        Plan.StepWorkSize = _stepWork;
        return Plan;
    }

    private static Region Add(List<Region> table, HashSet<string> ids, string id, ref int offset, int length, string description)
    {
        var r = new Region(UniqueId(id, ids), offset, length, description);
        table.Add(r);
        offset += length;
        return r;
    }

    /// <summary>A C# identifier from a layer or tensor name.</summary>
    public static string Sanitize(string name)
    {
        var sb = new StringBuilder(name.Length + 1);
        foreach (char c in name)
        {
            sb.Append(char.IsLetterOrDigit(c) && c < 128 ? c : '_');
        }
        if (sb.Length == 0 || char.IsDigit(sb[0])) sb.Insert(0, '_');
        return sb.ToString();
    }

    private static string UniqueId(string id, HashSet<string> used)
    {
        string candidate = id;
        for (int n = 2; !used.Add(candidate); n++) candidate = id + "_" + n.ToString(CultureInfo.InvariantCulture);
        return candidate;
    }
}

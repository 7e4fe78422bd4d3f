using System;
using System.Diagnostics;
using System.Globalization;
using RnnGen.Initialization;
using RnnGen.Text;
using RnnGen.Training;
using TranslateSample;

// Trains an encoder-decoder model from scratch to translate dates into ISO 8601, then
// translates held-out dates and anything given on the command line.
// Usage: dotnet run -c Release --project samples/Translate [-- --steps N] [date …]

CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
int steps = 2500;
var extra = new System.Collections.Generic.List<string>();
for (int i = 0; i < args.Length; i++)
{
    if (args[i] == "--steps" && i + 1 < args.Length && int.TryParse(args[i + 1], out int n) && n > 0) { steps = n; i++; }
    else extra.Add(args[i]);
}

if (DateData.Input.Count != DateTranslator.VocabularySize || DateData.Output.Count != DateTranslator.OutputSize)
{
    Console.Error.WriteLine($"The alphabets ({DateData.Input.Count} in, {DateData.Output.Count} out) do not match DateTranslator ({DateTranslator.VocabularySize}, {DateTranslator.OutputSize}).");
    return 2;
}

const int B = DateTranslator.BatchSize, T = DateTranslator.Steps, OT = DateTranslator.OutputSteps, Y = DateTranslator.OutputSize;
var model = new DateTranslator();
var adam = new Adam(learningRate: 3e-3f) { MaxGradientNorm = 1f };
var rng = new RnnRandom(1);
var input = new int[DateTranslator.InputLength];
var targets = new int[DateTranslator.TargetLength];
var lengths = new int[B]; // each input's real length: the encoder stops there (docs/sequences.md)

void Batch(RnnRandom random, string[]? humans = null, string[]? isos = null)
{
    for (int b = 0; b < B; b++)
    {
        var (human, iso) = DateData.Next(random);
        lengths[b] = DateData.EncodeInput(human, input.AsSpan(b * T, T));
        DateData.Output.Encode(iso, targets.AsSpan(b * OT, OT));
        if (humans is not null) humans[b] = human;
        if (isos is not null) isos[b] = iso;
    }
}

Console.WriteLine($"DateTranslator: embedding(42, 16) → bidirectional GRU(64) encoder → GRU(128) decoder → softmax over 11, {DateTranslator.ParameterCount:N0} parameters");
Console.WriteLine($"training {steps} steps of {B} random dates (teacher forcing, Adam 3e-3, clipping at 1) …");
var clock = Stopwatch.StartNew();
double recent = 0;
for (int step = 1; step <= steps; step++)
{
    Batch(rng);
    float loss = model.TrainStep(input, lengths, targets, adam);
    recent = step == 1 ? loss : 0.98 * recent + 0.02 * loss;
    if (step % 500 == 0 || step == steps)
        Console.WriteLine($"  step {step,5}: loss {recent:F4}  ({clock.Elapsed.TotalSeconds:F1} s)");
}

// Held-out dates (another random stream), decoded greedily by Predict.
var output = new float[DateTranslator.OutputLength];
var test = new RnnRandom(12345);
var humans = new string[B];
var isos = new string[B];
int exact = 0, total = 0;
string Decode(int b)
{
    Span<char> chars = stackalloc char[OT];
    for (int t = 0; t < OT; t++) chars[t] = DateData.OutputAlphabet[Sampling.ArgMax(output.AsSpan((b * OT + t) * Y, Y))];
    return new string(chars);
}

for (int round = 0; round < 32; round++)
{
    Batch(test, humans, isos);
    model.Predict(input, lengths, output);
    for (int b = 0; b < B; b++, total++)
    {
        if (Decode(b) == isos[b]) exact++;
    }
}
Console.WriteLine($"held-out dates translated exactly: {exact} of {total} ({100.0 * exact / total:F1} %)");

Batch(test, humans, isos);
model.Predict(input, lengths, output);
Console.WriteLine();
for (int b = 0; b < 8; b++) Console.WriteLine($"  {humans[b],-24} → {Decode(b)}   {(Decode(b) == isos[b] ? "✓" : "✗ " + isos[b])}");

if (extra.Count > 0)
{
    // Anything from the command line, B at a time (unused rows have length 0: pure padding).
    Console.WriteLine();
    for (int start = 0; start < extra.Count; start += B)
    {
        Array.Clear(lengths);
        int count = Math.Min(B, extra.Count - start);
        for (int b = 0; b < count; b++) lengths[b] = DateData.EncodeInput(extra[start + b], input.AsSpan(b * T, T));
        model.Predict(input, lengths, output);
        for (int b = 0; b < count; b++) Console.WriteLine($"  {extra[start + b],-24} → {Decode(b)}");
    }
}

return exact >= total * 0.9 ? 0 : 1;

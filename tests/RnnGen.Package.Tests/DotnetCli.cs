using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;

namespace RnnGen.Package.Tests;

/// <summary>What one <c>dotnet</c> command did: its exit code and its interleaved output.</summary>
internal sealed record CliResult(string Command, int ExitCode, string Output, TimeSpan Elapsed)
{
    /// <summary>The command, its exit code and its whole output, for assertion messages.</summary>
    public override string ToString() =>
        $"> {Command}\n(exit code {ExitCode}, {Elapsed.TotalSeconds:F1} s)\n{Output}";
}

/// <summary>
/// Runs the dotnet CLI as a child process with a timeout, capturing stdout and stderr together.
/// The child gets a clean MSBuild environment (the test host may inherit variables from the
/// build that launched it) and leaves nothing running behind it: no MSBuild node reuse, no
/// build server and no shared compiler server, whose long-lived processes would outlive the
/// test and keep its output pipes open.
/// </summary>
internal static class DotnetCli
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(5);

    /// <summary>Arguments that keep an MSBuild command (build, pack, restore) from leaving processes behind.</summary>
    public static readonly string[] NoLingeringProcesses = { "-nodeReuse:false", "-p:UseSharedCompilation=false" };

    /// <summary>The <c>dotnet</c> host running this test, so the child uses the same SDK installation.</summary>
    private static string DotnetPath
    {
        get
        {
            string? host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
            return !string.IsNullOrEmpty(host) && File.Exists(host) ? host : "dotnet";
        }
    }

    public static CliResult Run(string workingDirectory, IEnumerable<string> arguments, TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo(DotnetPath)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // Variables an enclosing MSBuild/VSTest run may have set would point the child at that
        // run's MSBuild instead of letting the SDK resolve its own.
        foreach (string name in start.Environment.Keys.ToList())
        {
            if (name.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase) || name.StartsWith("VSTEST_", StringComparison.OrdinalIgnoreCase))
            {
                start.Environment.Remove(name);
            }
        }
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        start.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        // Plain, parseable English output even where a terminal is attached.
        start.Environment["MSBUILDTERMINALLOGGER"] = "off";
        start.Environment["DOTNET_CLI_UI_LANGUAGE"] = "en";

        string command = "dotnet " + string.Join(" ", start.ArgumentList);
        var output = new StringBuilder();
        var stopwatch = Stopwatch.StartNew();
        using var process = new Process { StartInfo = start };
        using var stdoutClosed = new ManualResetEventSlim();
        using var stderrClosed = new ManualResetEventSlim();
        process.OutputDataReceived += (_, e) => Append(e.Data, stdoutClosed);
        process.ErrorDataReceived += (_, e) => Append(e.Data, stderrClosed);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        TimeSpan limit = timeout ?? DefaultTimeout;
        if (!process.WaitForExit(limit))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(TimeSpan.FromSeconds(10));
            lock (output)
            {
                throw new TimeoutException($"Timed out after {limit.TotalSeconds:F0} s:\n> {command}\n{output}");
            }
        }
        // The last asynchronous lines may arrive after the exit; wait for both streams to close,
        // but not forever should some grandchild still hold them.
        stdoutClosed.Wait(TimeSpan.FromSeconds(30));
        stderrClosed.Wait(TimeSpan.FromSeconds(30));

        lock (output)
        {
            return new CliResult(command, process.ExitCode, output.ToString(), stopwatch.Elapsed);
        }

        void Append(string? line, ManualResetEventSlim closed)
        {
            if (line is null)
            {
                closed.Set();
                return;
            }
            lock (output)
            {
                output.AppendLine(line);
            }
        }
    }

    public static CliResult Run(string workingDirectory, params string[] arguments) =>
        Run(workingDirectory, (IEnumerable<string>)arguments);
}

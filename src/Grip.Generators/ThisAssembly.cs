namespace Grip.Generators;

/// <summary>Facts about this assembly that generated code stamps into its GeneratedCode attribute.</summary>
internal static class ThisAssembly
{
    public const string Name = "Grip.Generators";

    // Kept in step with <Version> in Directory.Build.props; tests replace it with a placeholder.
    public const string Version = "0.1.0.0";
}

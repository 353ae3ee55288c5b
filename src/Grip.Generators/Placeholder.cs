namespace Grip.Generators;

internal static class ThisAssembly
{
    public const string Name = "Grip.Generators";
}

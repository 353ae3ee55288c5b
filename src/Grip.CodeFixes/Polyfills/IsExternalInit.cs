namespace System.Runtime.CompilerServices;

/// <summary>Lets netstandard2.0 code use records and init accessors (the compiler looks the type up by name).</summary>
internal static class IsExternalInit;

namespace Grip.Generators.Diagnostics;

/// <summary>
/// Diagnostic ids. Treat them like public API: never renumber, never reuse; gaps are fine.
/// Each has a page at docs/diagnostics/GRIPnnnn.md and a line in AnalyzerReleases.*.md.
/// </summary>
internal static class DiagnosticIds
{
    public const string GRIP0001_UnsupportedParameter = "GRIP0001";
    public const string GRIP0002_UnsupportedReturnType = "GRIP0002";
    public const string GRIP0003_AsyncVoid = "GRIP0003";
    public const string GRIP0004_DuplicateLifecycleMethod = "GRIP0004";
    public const string GRIP0005_AmbiguousMessageHandlers = "GRIP0005";
    public const string GRIP0006_UnreachableHandlerType = "GRIP0006";
    public const string GRIP0007_UnreachableHandlerMethod = "GRIP0007";
    public const string GRIP0008_TypeNotInJsonContext = "GRIP0008";
    public const string GRIP0009_InvalidJsonContext = "GRIP0009";
    public const string GRIP0010_InvalidCloseCode = "GRIP0010";
    public const string GRIP0011_InvalidChannel = "GRIP0011";
    public const string GRIP0012_NoMessageParameter = "GRIP0012";
    public const string GRIP0013_AmbiguousConstructor = "GRIP0013";
    public const string GRIP0014_InvalidMessageType = "GRIP0014";
    public const string GRIP0015_SecondMessageParameter = "GRIP0015";
    public const string GRIP0016_JsonTypeAsService = "GRIP0016";
    public const string GRIP0017_JsonContextDefaultOptions = "GRIP0017";
    public const string GRIP0018_InvalidPublishes = "GRIP0018";
    public const string GRIP0019_InvalidCloseCodeDeclaration = "GRIP0019";
    public const string GRIP0099_InternalError = "GRIP0099";
}

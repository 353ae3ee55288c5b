using System.Collections.ObjectModel;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Grip.AsyncApi;

/// <summary>
/// The server of the "write the AsyncAPI document and exit" mode
/// (<see cref="GripAsyncApiEndpointRouteBuilderExtensions.OutputEnvironmentVariable"/>): <c>AddGrip</c>
/// registers it in place of Kestrel, so nothing listens. The host starts it after the request pipeline
/// is built, when every endpoint is mapped; it writes the document <c>MapGripAsyncApi</c> serves and
/// stops the app: exit code 0, or 1 with one <c>grip-asyncapi: error: …</c> line on standard error
/// (the line the MSBuild target reports).
/// </summary>
internal sealed class GripAsyncApiWriterServer : IServer
{
    /// <summary>The start of the line that reports a failure (the MSBuild target matches it).</summary>
    public const string ErrorPrefix = "grip-asyncapi: error: ";

    /// <summary>The start of the line that reports success.</summary>
    public const string WrotePrefix = "grip-asyncapi: wrote ";

    private readonly IServiceProvider _services;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly TextWriter _output;
    private readonly TextWriter _error;
    private readonly Action<int> _setExitCode;

    public GripAsyncApiWriterServer(string outputPath, IServiceProvider services, IHostApplicationLifetime lifetime)
        : this(outputPath, services, lifetime, Console.Out, Console.Error, static code => Environment.ExitCode = code)
    {
    }

    internal GripAsyncApiWriterServer(string outputPath, IServiceProvider services, IHostApplicationLifetime lifetime, TextWriter output, TextWriter error, Action<int> setExitCode)
    {
        OutputPath = Path.GetFullPath(outputPath);
        _services = services;
        _lifetime = lifetime;
        _output = output;
        _error = error;
        _setExitCode = setExitCode;
        // No addresses, and a read-only list: the host adds no --urls to it and logs no "Now listening on".
        var features = new FeatureCollection();
        features.Set<IServerAddressesFeature>(new NoAddresses());
        Features = features;
    }

    /// <summary>The full path the document is written to.</summary>
    public string OutputPath { get; }

    /// <inheritdoc />
    public IFeatureCollection Features { get; }

    /// <inheritdoc />
    public Task StartAsync<TContext>(IHttpApplication<TContext> application, CancellationToken cancellationToken)
        where TContext : notnull
    {
        try
        {
            int length = Write(_services.GetService<EndpointDataSource>()?.Endpoints ?? [], OutputPath);
            _output.WriteLine($"{WrotePrefix}{OutputPath} ({length} bytes)");
            _setExitCode(0);
        }
        catch (GripAsyncApiWriteException ex)
        {
            _error.WriteLine(ErrorPrefix + ex.Message);
            _setExitCode(1);
        }

        _lifetime.StopApplication();
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public void Dispose()
    {
    }

    /// <summary>
    /// Writes the document of the <c>MapGripAsyncApi</c> endpoint among <paramref name="endpoints"/> to
    /// <paramref name="path"/>: the bytes it serves, replacing the file in one rename (a reader never sees
    /// half a document, and a failed write leaves the old file). Returns the length.
    /// </summary>
    /// <exception cref="GripAsyncApiWriteException">No document to write, or it could not be built or written; the message says which and what to do.</exception>
    internal static int Write(IEnumerable<Endpoint> endpoints, string path)
    {
        var documents = endpoints.Select(e => e.Metadata.GetMetadata<GripAsyncApiEndpointMetadata>()).OfType<GripAsyncApiEndpointMetadata>().Distinct().ToList();
        if (documents.Count == 0)
        {
            throw new GripAsyncApiWriteException(
                $"{OutputEnvironmentVariable} is set, but the app maps no AsyncAPI document: call app.MapGripAsyncApi() after the app.MapGripHandler<T>(path) calls in Program.cs (docs/asyncapi.md).");
        }

        byte[] document;
        try
        {
            foreach (var mapped in documents)
            {
                if (mapped.HandlerCount == 0)
                {
                    throw new GripAsyncApiWriteException(
                        $"app.MapGripAsyncApi(\"{mapped.Pattern}\") is mapped, but no app.MapGripHandler<T>(path) endpoint is: the document would describe no handler. Map the handlers on the same route builder, before app.Run().");
                }
            }

            document = documents[0].Document;
            if (documents.Skip(1).FirstOrDefault(d => !d.Document.AsSpan().SequenceEqual(document)) is { } other)
            {
                throw new GripAsyncApiWriteException(
                    $"app.MapGripAsyncApi(\"{documents[0].Pattern}\") and app.MapGripAsyncApi(\"{other.Pattern}\") serve different documents (mapped on different route builders); the build can write only one. Map one document for the whole app.");
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or NotSupportedException)
        {
            throw new GripAsyncApiWriteException("the AsyncAPI document could not be built: " + ex.Message, ex);
        }

        string? directory = Path.GetDirectoryName(path);
        string temporary = Path.Combine(directory ?? ".", $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            if (directory is not null)
            {
                Directory.CreateDirectory(directory);
            }

            File.WriteAllBytes(temporary, document);
            File.Move(temporary, path, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            TryDelete(temporary);
            throw new GripAsyncApiWriteException($"could not write the AsyncAPI document to '{path}': {ex.Message}", ex);
        }

        return document.Length;
    }

    private const string OutputEnvironmentVariable = GripAsyncApiEndpointRouteBuilderExtensions.OutputEnvironmentVariable;

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Best effort: the temporary file is named so it is recognisable.
        }
    }

    private sealed class NoAddresses : IServerAddressesFeature
    {
        public ICollection<string> Addresses { get; } = ReadOnlyCollection<string>.Empty;

        public bool PreferHostingUrls { get; set; }
    }
}

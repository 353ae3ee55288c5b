using System.Collections.Generic;
using Grip.Generators.Model;
using static Grip.Generators.Emitting.GlobalNames;

namespace Grip.Generators.Emitting;

/// <summary>
/// Writes the invoker of one handler method: bind the message (a JSON one is deserialized first, and
/// a message that does not fit goes to the untyped text method or closes with 1007), resolve the
/// services into locals in parameter order, call the method, then send what it returned.
/// </summary>
internal static class InvokerEmitter
{
    public static void Emit(SourceWriter w, HandlerModel model, HandlerNames names, MethodModel method, string attribute, string name, string? extraParameter)
    {
        bool isAsync = method.ReturnKind is ReturnKind.TaskOfT or ReturnKind.ValueTaskOfT;
        w.WriteLine($"// {attribute} {model.TypeName}.{method.Name}");
        w.WriteParameters(
            $"private static {(isAsync ? "async " : string.Empty)}{ValueTask} {name}",
            HandlerEmitter.InvokerParameters(HandlerEmitter.TakesHandler(model, method) ? $"{model.FullyQualifiedName} handler" : null, extraParameter),
            string.Empty);
        using (w.Block())
        {
            var locals = names.Locals();
            var arguments = new string[method.Parameters.Count];

            // The message first: one that does not deserialize must not cost a service resolution.
            for (int i = 0; i < arguments.Length; i++)
            {
                if (method.Parameters[i].Kind == ParameterKind.Message)
                {
                    arguments[i] = method.MessageKind == MessageKind.Json
                        ? EmitJsonMessage(w, model, names, locals, method, method.Parameters[i], isAsync)
                        : MessageExpression(method.MessageKind);
                }
            }

            for (int i = 0; i < arguments.Length; i++)
            {
                var parameter = method.Parameters[i];
                arguments[i] = parameter.Kind switch
                {
                    ParameterKind.Connection => "connection",
                    ParameterKind.CancellationToken => "cancellationToken",
                    ParameterKind.CloseStatus => "status",
                    ParameterKind.HttpContext => $"{HttpContextAccess}.GetHttpContext(connection)",
                    ParameterKind.User => "connection.User",
                    ParameterKind.Service or ParameterKind.OptionalService => Service(w, locals, parameter),
                    _ => arguments[i],
                };
            }

            EmitCall(w, model, names, method, arguments);
        }
    }

    /// <summary><c>var name = ...GetRequiredService&lt;T&gt;(provider);</c>, broken before the call when long.</summary>
    public static void WriteService(SourceWriter w, string local, ParameterModel parameter, string provider)
    {
        bool optional = parameter.Kind == ParameterKind.OptionalService;
        string extensions;
        string call;
        if (parameter.ServiceKey is { } key)
        {
            extensions = KeyedServiceExtensions;
            call = $".{(optional ? "GetKeyedService" : "GetRequiredKeyedService")}<{parameter.Type}>({provider}, {key});";
        }
        else
        {
            extensions = ServiceExtensions;
            call = $".{(optional ? "GetService" : "GetRequiredService")}<{parameter.Type}>({provider});";
        }

        string declaration = $"var {local} = {extensions}";
        if (w.Fits(declaration + call))
        {
            w.WriteLine(declaration + call);
            return;
        }

        if (w.Fits(declaration))
        {
            w.WriteLine(declaration);
            w.Indent();
            w.WriteLine(call);
            w.Unindent();
            return;
        }

        // A long local name: the class on a line of its own, the call below it.
        w.WriteLine($"var {local} =");
        w.Indent();
        w.WriteLine(extensions);
        w.Indent();
        w.WriteLine(call);
        w.Unindent();
        w.Unindent();
    }

    private static string Service(SourceWriter w, NameAllocator locals, ParameterModel parameter)
    {
        string local = locals.Claim(parameter.Name, "Service");
        WriteService(w, local, parameter, "connection.Services");
        return local;
    }

    /// <summary>
    /// The untyped text method (its index in <see cref="HandlerModel.Messages"/>) that takes a message
    /// <paramref name="method"/>'s route matched but that does not deserialize, or -1 (then it closes with 1007).
    /// </summary>
    internal static int FallbackIndex(HandlerModel model, MethodModel method)
    {
        if (method.MessageType is null || method.MessageKind != MessageKind.Json)
        {
            return -1;
        }

        for (int i = 0; i < model.Messages.Count; i++)
        {
            if (model.Messages[i].TakesText && model.Messages[i].MessageType is null)
            {
                return i;
            }
        }

        return -1;
    }

    private static string MessageExpression(MessageKind kind) => kind switch
    {
        MessageKind.String => "message.GetText()",
        MessageKind.Memory => "message.Data",
        MessageKind.ByteArray => "message.Data.ToArray()",
        _ => "message",
    };

    /// <summary>Deserializes the message into a local named after the parameter, and returns the local.</summary>
    private static string EmitJsonMessage(SourceWriter w, HandlerModel model, HandlerNames names, NameAllocator locals, MethodModel method, ParameterModel parameter, bool isAsync)
    {
        int index = FallbackIndex(model, method);
        string? fallback = index < 0
            ? null
            : HandlerEmitter.InvokerCall(names.Messages[index], HandlerEmitter.TakesHandler(model, model.Messages[index]) ? "handler" : null, "message");

        string reject = fallback ?? $"{Support}.CloseInvalidMessage(connection)";
        string exit = isAsync ? $"await {reject}.ConfigureAwait(false);\nreturn;" : $"return {reject};";
        string local = locals.Claim(parameter.Name, "Value");
        string json = names.JsonFields[parameter.JsonTypeIndex];
        bool checkNull = parameter.IsReferenceType && !parameter.AllowsNull;
        w.WriteLine(fallback is not null
            ? "// A message that does not deserialize goes to the untyped text handler."
            : "// A message that does not deserialize closes the connection with 1007.");
        w.WriteLine($"{parameter.Type}{(checkNull ? "?" : string.Empty)} {local};");
        using (w.Block("try"))
        {
            w.WriteArguments($"{local} = {JsonSerializer}.Deserialize", ["message.Data.Span", json], ";");
        }

        using (w.Block($"catch ({JsonException})"))
        {
            w.WriteLines(exit);
        }

        if (checkNull)
        {
            w.WriteLine();
            using (w.Block($"if ({local} is null)"))
            {
                w.WriteLines(exit);
            }
        }

        w.WriteLine();
        return local;
    }

    private static void EmitCall(SourceWriter w, HandlerModel model, HandlerNames names, MethodModel method, IReadOnlyList<string> arguments)
    {
        string target = $"{(method.IsStatic ? model.FullyQualifiedName : "handler")}.{NameAllocator.Escape(method.Name)}";
        switch (method.ReturnKind)
        {
            case ReturnKind.Void:
                w.WriteArguments(target, arguments, ";");
                w.WriteLine("return default;");
                break;
            case ReturnKind.Task:
                w.WriteArguments($"return new {ValueTask}({target}", arguments, ");");
                break;
            case ReturnKind.ValueTask:
                w.WriteArguments($"return {target}", arguments, ";");
                break;
            case ReturnKind.Value:
                w.WriteArguments($"var reply = {target}", arguments, ";");
                EmitReply(w, names, method);
                w.WriteLine();
                w.WriteLine("return default;");
                break;
            default:
                w.WriteArguments($"var reply = await {target}", arguments, ".ConfigureAwait(false);");
                EmitReply(w, names, method);
                break;
        }
    }

    /// <summary>Sends a returned value unless the method closed the connection; a null reply sends nothing.</summary>
    private static void EmitReply(SourceWriter w, HandlerNames names, MethodModel method)
    {
        string? send = method.ReplyKind switch
        {
            ReplyKind.Text => "connection.Send(reply);",
            ReplyKind.ByteArray => "connection.SendBinary(reply);",
            ReplyKind.Memory => "connection.SendBinary(reply.Span);",
            ReplyKind.Json => $"connection.SendJson(reply, {names.JsonFields[method.ReplyJsonTypeIndex]});",
            _ => null,
        };
        if (send is null)
        {
            return;
        }

        // A ReadOnlyMemory<byte> (or any value type) is never null.
        bool mayBeNull = method.ReplyKind is ReplyKind.Text or ReplyKind.ByteArray || (method.ReplyKind == ReplyKind.Json && method.ReplyIsReferenceType);
        w.WriteLines($$"""
            if ({{(mayBeNull ? "reply is not null && " : string.Empty)}}!connection.IsClosing)
            {
                {{send}}
            }
            """);
    }
}

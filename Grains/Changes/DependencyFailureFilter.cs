using Microsoft.Extensions.Logging;

namespace OrleansRegistry.Changes;

/// <summary>
/// Turns a grain call that failed because the database did into <see cref="DependencyUnavailableException"/>: a type
/// every frontend can read (a driver's exception may not cross the wire as itself), which frontends answer with 503.
/// The driver's own exception is logged here, where its details are.
/// </summary>
public sealed partial class DependencyFailureFilter(ILogger<DependencyFailureFilter> logger) : IIncomingGrainCallFilter
{
    public Task Invoke(IIncomingGrainCallContext context)
    {
        var call = context.Invoke();
        return call.IsCompletedSuccessfully ? Task.CompletedTask : TranslateAsync(call, context);
    }

    private async Task TranslateAsync(Task call, IIncomingGrainCallContext context)
    {
        try
        {
            await call;
        }
        catch (Exception e) when (e is not DependencyUnavailableException && DependencyFailures.Translate(e) is { } failure)
        {
            LogFailed(logger, e, context.MethodName, context.TargetId.ToString());
            throw failure;
        }
        catch (Exception e) when (DependencyFailures.IsDatabaseRefusal(e))
        {
            // A statement the database refused is the registry's fault (a 500), whatever the frontend makes of the driver.
            LogRefused(logger, e, context.MethodName, context.TargetId.ToString());
            throw new InvalidOperationException($"the database refused a statement of {context.MethodName}");
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "{Method} on {Grain}: the database refused a statement")]
    private static partial void LogRefused(ILogger logger, Exception exception, string method, string grain);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Method} on {Grain} failed on a dependency; answered as unavailable")]
    private static partial void LogFailed(ILogger logger, Exception exception, string method, string grain);
}

using OrleansRegistry.WebFrontend.Errors;

namespace OrleansRegistry.WebFrontend.Ui.Shared;

/// <summary>
/// What a form post did, as its page says it in a banner. A refusal also sets the answer's status, the API's for the
/// same outcome (403 beyond the caller's rights, 400 for bad input, 404, 409...), so a refused post never answers 200.
/// </summary>
public sealed record FormNotice(string Message, bool Failed)
{
    public static FormNotice Done(string message) => new(message, false);

    /// <summary>A refusal the page decided itself: 403 (beyond the caller's rights) unless said otherwise.</summary>
    public static FormNotice Refused(HttpContext http, string message, int status = StatusCodes.Status403Forbidden)
    {
        http.Response.StatusCode = status;
        return new FormNotice(Sentence(message), true);
    }

    /// <summary><paramref name="done"/> when the outcome succeeded, else its reason with its status.</summary>
    public static FormNotice Of(HttpContext http, Outcome outcome, string done) =>
        outcome.Succeeded ? Done(done) : Refused(http, outcome.Reason ?? "The change was refused.", OutcomeHttp.StatusCodeOf(outcome.Code));

    public static FormNotice Of<T>(HttpContext http, Outcome<T> outcome, string done) => Of(http, outcome.WithoutValue(), done);

    /// <summary>Grain reasons are lower-case clauses ("api key 'x' not found"); a banner shows a sentence.</summary>
    private static string Sentence(string text) =>
        text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..] + (text.EndsWith('.') ? "" : ".");
}

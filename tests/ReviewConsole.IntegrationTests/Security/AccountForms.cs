using System.Net;
using System.Text.RegularExpressions;

namespace ReviewConsole.IntegrationTests.Security;

/// <summary>Posts the static account pages' forms the way a browser does: antiforgery token from
/// the rendered page, the form's handler name, and the fields.</summary>
internal static partial class AccountForms
{
    public static async Task<HttpResponseMessage> PostAsync(HttpClient client, string pageUrl, string handler, IDictionary<string, string> fields)
    {
        var page = await client.GetStringAsync(new Uri(pageUrl, UriKind.RelativeOrAbsolute));
        var token = AntiforgeryField().Match(page).Groups[1].Value;
        var form = new Dictionary<string, string>(fields)
        {
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token),
            ["_handler"] = handler,
        };
        using var content = new FormUrlEncodedContent(form);
        return await client.PostAsync(new Uri(pageUrl, UriKind.RelativeOrAbsolute), content);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}

using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using ReviewConsole.Infrastructure.Identity;

namespace ReviewConsole.Testing;

/// <summary>Signs in through the real login form (antiforgery token and all) and keeps the cookie.</summary>
public static partial class SignedInClient
{
    public static HttpClient CreateAnonymous(this WebApplicationFactory<Program> factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        return factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
    }

    /// <summary>A client signed in as the demo user of <paramref name="role"/>.</summary>
    public static Task<HttpClient> CreateSignedInAsync(this WebApplicationFactory<Program> factory, string role)
    {
        var user = DemoUsers.All.Single(u => u.Role == role);
        return factory.CreateSignedInAsync(user.Email, DemoUsers.Password);
    }

    public static async Task<HttpClient> CreateSignedInAsync(this WebApplicationFactory<Program> factory, string email, string password)
    {
        var client = factory.CreateAnonymous();
        var response = await client.PostLoginAsync(email, password);
        if (response.StatusCode != HttpStatusCode.Redirect)
        {
            throw new InvalidOperationException($"Sign-in as {email} failed: {(int)response.StatusCode}.");
        }

        return client;
    }

    public static async Task<HttpResponseMessage> PostLoginAsync(this HttpClient client, string email, string password)
    {
        ArgumentNullException.ThrowIfNull(client);
        var page = await client.GetStringAsync(new Uri("/Account/Login", UriKind.Relative));
        var token = AntiforgeryField().Match(page).Groups[1].Value;
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token),
            ["_handler"] = "login",
            ["Input.Email"] = email,
            ["Input.Password"] = password,
        });
        return await client.PostAsync(new Uri("/Account/Login", UriKind.Relative), form);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}

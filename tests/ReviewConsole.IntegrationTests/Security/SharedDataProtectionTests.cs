using System.Net;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using ReviewConsole.Infrastructure.Identity;
using ReviewConsole.Testing;

namespace ReviewConsole.IntegrationTests.Security;

/// <summary>
/// Two app nodes on one database share Data Protection keys through the database, so a sign-in
/// cookie issued by one is accepted by the other (what a load balancer without perfectly sticky
/// sessions, or a rolling restart, relies on).
/// </summary>
public sealed class SharedDataProtectionTests : IDisposable
{
    private readonly TestDatabase database = new();

    [Fact]
    public async Task SignInCookie_IssuedByOneNode_AcceptedByAnother_KeysInTheDatabase()
    {
        using var first = new ConsoleAppFactory(database);
        using var second = new ConsoleAppFactory(database);
        using var signedIn = first.CreateAnonymous();
        var response = await signedIn.PostLoginAsync(DemoUsers.All.Single(u => u.Role == Roles.Auditor).Email, DemoUsers.Password);
        var cookie = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("ReviewConsole.Auth=", StringComparison.Ordinal)).Split(';')[0];
        using var otherNode = second.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/audit", UriKind.Relative));
        request.Headers.Add("Cookie", cookie);

        using var page = await otherNode.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        await using var db = database.CreateContext();
        Assert.NotEmpty(await db.Set<DataProtectionKey>().ToListAsync());
    }

    public void Dispose() => database.Dispose();
}

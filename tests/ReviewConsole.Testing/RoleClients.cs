using ReviewConsole.Infrastructure.Identity;
using Xunit;

namespace ReviewConsole.Testing;

/// <summary>
/// A class fixture: one app (demo users seeded), one anonymous client and one client signed in
/// through the login form per role. Signing in costs a password hash, so a test class signs in
/// once per role and reuses the clients; tests must not sign them out.
/// </summary>
public sealed class RoleClients : IAsyncLifetime
{
    private readonly Dictionary<string, HttpClient> byRole = new(StringComparer.Ordinal);

    public ConsoleAppFactory Factory { get; } = new();

    public HttpClient Anonymous { get; private set; } = default!;

    public HttpClient this[string role] => byRole[role];

    public async Task InitializeAsync()
    {
        Anonymous = Factory.CreateAnonymous();
        foreach (var role in Roles.All)
        {
            byRole[role] = await Factory.CreateSignedInAsync(role);
        }
    }

    public Task DisposeAsync()
    {
        foreach (var client in byRole.Values.Append(Anonymous))
        {
            client?.Dispose();
        }

        Factory.Dispose();
        return Task.CompletedTask;
    }
}
